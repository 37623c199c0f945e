"""Scoring entity resolution with B-cubed (Bagga & Baldwin 1998) over gold mentions.

Two gold sets are read:

- *ECB+* cross-document clusters (``ecbplus-crossdoc-clusters.jsonl``): the person,
  organisation and place clusters (:data:`ECBPLUS_TAGS`), with the texts of their
  documents taken from the news corpus;
- *facts-dev* entities (``facts-dev.jsonl``): every occurrence of an entity's name or
  alias in its article; the same canonical name in several articles is one cluster.

Only gold mentions that kg could find as names are scored (:func:`is_name`): kg
resolves names, not pronouns or descriptions ("her", "the actress"). Each gold mention
takes the kg node of the entity whose mention span overlaps it most (``--match head``:
the entity at the mention's head word); a mention kg did not find is a system
singleton, so misses cost recall, not precision.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping, Sequence, Set
from dataclasses import dataclass
from pathlib import Path

from kg import lexicon
from kg.errors import InputError
from kg.eval import read_gold
from kg.facts import PLACE_TYPES
from kg.pipeline import build
from kg.resolution import Resolution

SHARED = Path(__file__).resolve().parents[2] / "shared"
ECBPLUS_CLUSTERS = SHARED / "eval" / "ecbplus-crossdoc-clusters.jsonl"
CORPUS = SHARED / "corpus" / "news-4215.jsonl"
FACTS_DEV = SHARED / "eval" / "facts-dev.jsonl"

# ECB+ entity tags that stand for people, organisations and places; LOC_OTHER ("bosom"),
# HUMAN_PART_GENERIC ("patient") and vehicles or metonyms are left out.
ECBPLUS_TAGS = frozenset({"HUMAN_PART_PER", "HUMAN_PART_ORG", "HUMAN_PART_GPE", "LOC_GEO", "LOC_FAC"})
FACTS_TYPES = frozenset({"Person", "Organization", *PLACE_TYPES})
PRONOUNS = lexicon.words("pronouns.tsv", "any")
# Words before a name that are not part of it: "in Mumbai", "at the Betty Ford Center".
_LEADING = re.compile(
    r"^(?:[\W_]+|(?:the|a|an|in|at|on|to|from|of|near|outside|inside|into|between|about|off|along|by|for|with)\s+)+",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w[\w.'’-]*")


@dataclass(frozen=True)
class Mention:
    """One gold mention: where it is, what it says and which gold cluster it belongs to."""

    doc: str
    start: int
    end: int
    text: str
    cluster: str  # gold cluster id
    label: str  # readable name of the gold cluster
    kind: str  # ECB+ tag or kg category, for the per-type scores


def bcubed(gold: Mapping[Hashable, Hashable], system: Mapping[Hashable, Hashable]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of ``system`` clusters against ``gold`` clusters.

    Both map a mention id to a cluster id. Only the mentions of ``gold`` count; a gold
    mention missing from ``system`` is a cluster of its own there.

    >>> gold = {1: "a", 2: "a", 3: "b"}
    >>> system = {1: "x", 2: "y", 3: "y"}
    >>> [round(v, 4) for v in bcubed(gold, system)]
    [0.6667, 0.6667, 0.6667]
    >>> bcubed(gold, {1: "x", 2: "x"})  # mention 3 missed: a singleton, still right
    (1.0, 1.0, 1.0)
    """
    if not gold:
        return 0.0, 0.0, 0.0
    missed = object()
    sys_of = {m: system.get(m, (missed, m)) for m in gold}
    gold_size, sys_size = Counter(gold.values()), Counter(sys_of.values())
    both = Counter((gold[m], sys_of[m]) for m in gold)
    precision = sum(both[gold[m], sys_of[m]] / sys_size[sys_of[m]] for m in gold) / len(gold)
    recall = sum(both[gold[m], sys_of[m]] / gold_size[gold[m]] for m in gold) / len(gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def is_name(text: str, common: Set[str] = frozenset()) -> bool:
    """Whether a gold mention is written as a name that kg could find.

    Leading punctuation, articles and prepositions are ignored ("in Mumbai"); what is
    left must start and end with a capitalised word (or a number) and not start with a
    pronoun. A one-word mention in ``common`` (words usually written in lower case, like
    a sentence-initial "Police") is no name.

    >>> [is_name(t) for t in ("Tara Reid", "in Mumbai", "She", "the actress", "The Tory leader", "Lohan's")]
    [True, True, False, False, False, True]
    >>> is_name("Police", common={"Police"})
    False
    """
    words = _WORD.findall(_LEADING.sub("", text))
    if not words or not words[0][:1].isupper():
        return False
    last = re.sub(r"['’]s?$", "", words[-1])
    if not (last[:1].isupper() or last[:1].isdigit()):
        return False
    if re.split(r"['’]", words[0])[0].lower() in PRONOUNS:
        return False
    return not (len(words) == 1 and re.sub(r"['’]s?$", "", words[0]) in common)


# --------------------------------------------------------------- gold mentions


def ecbplus_mentions(
    clusters_path: Path | str = ECBPLUS_CLUSTERS, corpus_path: Path | str = CORPUS, *, limit: int | None = None
) -> tuple[list[Mention], dict[str, str], int]:
    """The name mentions of the first ``limit`` ECB+ clusters of :data:`ECBPLUS_TAGS`.

    Returns the kept mentions, the texts of the documents they occur in, and how many
    gold mentions those clusters have in all.

    Raises:
        InputError: a document is missing from the corpus, or a mention's offsets do not
            index its text there.
    """
    clusters = [c for c in read_gold(clusters_path) if c["tag"] in ECBPLUS_TAGS][:limit]
    docs = {m["doc"] for c in clusters for m in c["mentions"]}
    texts = {r["id"]: r["text"] for r in read_gold(corpus_path) if r["id"] in docs}
    if missing := docs - texts.keys():
        raise InputError(corpus_path, f"{len(missing)} ECB+ documents are missing, e.g. {sorted(missing)[0]}",
                         hint="use the news corpus the ECB+ clusters were made from")
    # A capitalised word that the documents mostly write in lower case is a common noun at a sentence start.
    counts = Counter(w for text in texts.values() for w in re.findall(r"\w+", text))
    common = {w for w in counts if w != w.lower() and counts[w.lower()] > counts[w]}
    mentions, total = [], 0
    for c in clusters:
        for m in c["mentions"]:
            total += 1
            if texts[m["doc"]][m["start"]:m["end"]] != m["text"]:
                raise InputError(clusters_path, f"offsets of {m['text']!r} in {m['doc']} do not match the corpus text")
            if is_name(m["text"], common):
                mentions.append(Mention(m["doc"], m["start"], m["end"], m["text"], c["cluster_id"], c["descriptor"], c["tag"]))
    return mentions, texts, total


def facts_mentions(records: Sequence[dict]) -> tuple[list[Mention], dict[str, str], int]:
    """Every occurrence of a person, organisation or place name or alias in facts-dev articles.

    Names and aliases are matched case-sensitively on word boundaries; of overlapping
    matches the longest is kept. Returns the mentions of names that pass :func:`is_name`,
    the article texts, and the count of matches before that filter.
    """
    mentions, total = [], 0
    for record in records:
        doc, text = str(record["id"]), record["text"]
        found = []
        for entity in record["entities"]:
            if entity["type"] not in FACTS_TYPES:
                continue
            kind = PLACE_TYPES.get(entity["type"], entity["type"])
            for alias in sorted({entity["name"], *entity.get("aliases", [])}):
                for match in re.finditer(rf"(?<!\w){re.escape(alias)}(?!\w)", text):
                    found.append(Mention(doc, match.start(), match.end(), alias, entity["name"], entity["name"], kind))
        total += len(_longest_first(found))
        # Descriptions go before overlaps are settled, so "nominee Donald Trump" does not hide "Donald Trump".
        mentions.extend(_longest_first([m for m in found if is_name(m.text)]))
    texts = {str(r["id"]): r["text"] for r in records}
    return mentions, texts, total


def _longest_first(mentions: list[Mention]) -> list[Mention]:
    """The mentions that no longer mention overlaps, in text order."""
    kept: list[Mention] = []
    for m in sorted(mentions, key=lambda m: (m.start - m.end, m.start)):
        if all(m.end <= k.start or m.start >= k.end for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: m.start)


# --------------------------------------------------------------- system clusters


def system_nodes(mentions: Sequence[Mention], texts: Mapping[str, str], *, model: str | None = None,
                 match: str = "overlap") -> tuple[dict[int, str], Resolution]:
    """Build kg over ``texts``; map each mention's index to the node of a kg entity.

    ``match="overlap"`` takes the entity overlapping the mention most. ``match="head"``
    takes the entity covering the mention's head word (:func:`mention_head`): "Brooklyn
    mother of 12" is a mother, so kg's Brooklyn does not answer for it (a stricter test
    of precision, which counts such mentions as missed).
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "articles.jsonl"
        with open(path, "w", encoding="utf-8") as handle:
            for doc, text in texts.items():
                handle.write(json.dumps({"id": doc, "text": text}, ensure_ascii=False) + "\n")
        result = build([path], None, model=model, validate_graph=False, formats=())
    spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for facts in result.facts:
        for entity in facts.entities:
            node = result.resolution.members[(facts.article_id, entity.id)]
            spans[facts.article_id].extend((start, end, node) for start, end in entity.spans)
    system = {}
    for index, m in enumerate(mentions):
        if match == "head":
            start, end = mention_head(m)
        else:
            start, end = m.start, m.end
        overlap, node = max(((min(e, end) - max(s, start), n) for s, e, n in spans[m.doc]), default=(0, ""))
        if overlap > 0:
            system[index] = node
    return system, result.resolution


# Where the head of a name phrase ends: "Kraft factory | in Philadelphia", "Morningside Recovery | , a clinic".
_AFTER_HEAD = re.compile(r"\s*(?:[,(;:\"“”]|\s(?:of|in|at|on|from|for|with|and|between|near|outside|to)\s).*$", re.S)


def mention_head(m: Mention) -> tuple[int, int]:
    """The character span of a gold mention's head word: its last word before a comma,
    bracket or preposition, leading articles and prepositions skipped.

    >>> def head(text):
    ...     start, end = mention_head(Mention("d", 0, len(text), text, "c", "c", "k"))
    ...     return text[start:end]
    >>> [head(t) for t in ("Indonesia's Aceh", "Brooklyn mother of 12", "at a Kraft plant in Philadelphia",
    ...                    "the Gulf of Aden", "Morningside Recovery, a clinic", "Mr. LaRue")]
    ['Aceh', 'mother', 'plant', 'Gulf', 'Recovery', 'LaRue']
    """
    lead = _LEADING.match(m.text)
    offset = lead.end() if lead else 0
    core = _AFTER_HEAD.sub("", m.text[offset:])
    words = list(_WORD.finditer(core))
    if not words:
        return m.start, m.end
    last = words[-1]
    word = re.sub(r"['’]s?$", "", last.group()) or last.group()
    start = m.start + offset + last.start()
    return start, start + len(word)


def score(mentions: Sequence[Mention], system: Mapping[int, str], *, top: int = 10) -> dict:
    """B-cubed scores, overall and per kind, with the worst wrong merges and splits."""
    gold = {i: m.cluster for i, m in enumerate(mentions)}
    precision, recall, f1 = bcubed(gold, system)
    by_kind = {}
    for kind in sorted({m.kind for m in mentions}):
        ids = [i for i, m in enumerate(mentions) if m.kind == kind]
        p, r, f = bcubed({i: gold[i] for i in ids}, {i: system[i] for i in ids if i in system})
        by_kind[kind] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "mentions": len(ids)}
    missed = Counter(m.text for i, m in enumerate(mentions) if i not in system)
    return {
        "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
        "mentions": len(mentions), "detected": len(system),
        "gold_clusters": len(set(gold.values())),
        "system_clusters": len(set(system.values())) + len(mentions) - len(system),
        "by_kind": by_kind,
        "worst_merges": _worst(mentions, system, by="system", top=top),
        "worst_splits": _worst(mentions, system, by="gold", top=top),
        "most_missed": dict(missed.most_common(top)),
    }


def _worst(mentions: Sequence[Mention], system: Mapping[int, str], *, by: str, top: int) -> list[dict]:
    """Clusters that lose the most B-cubed mass, among mentions kg found.

    ``by="system"``: kg nodes spanning several gold clusters (the precision lost);
    ``by="gold"``: gold clusters spread over several kg nodes (the recall lost).
    """
    groups: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for index, node in system.items():
        m = mentions[index]
        outer, inner = (node, m.label) if by == "system" else (m.label, node)
        groups[outer][inner][m.text] += 1
    worst = []
    for outer, parts in groups.items():
        if len(parts) < 2:
            continue
        sizes = [sum(forms.values()) for forms in parts.values()]
        size = sum(sizes)
        loss = sum(n * (1 - n / size) for n in sizes)  # sum over mentions of 1 - |G∩S| / |outer|
        worst.append({"cluster": outer, "mentions": size, "loss": round(loss, 2),
                      "parts": {inner: dict(forms.most_common(4)) for inner, forms in
                                sorted(parts.items(), key=lambda kv: -sum(kv[1].values()))}})
    return sorted(worst, key=lambda w: (-w["loss"], w["cluster"]))[:top]


def score_ecbplus(clusters_path: Path | str = ECBPLUS_CLUSTERS, corpus_path: Path | str = CORPUS, *,
                  limit: int | None = None, model: str | None = None, top: int = 10, match: str = "overlap") -> dict:
    """Build kg over the ECB+ documents of the first ``limit`` person/organisation/place clusters and score it."""
    started = time.perf_counter()
    mentions, texts, total = ecbplus_mentions(clusters_path, corpus_path, limit=limit)
    system, _ = system_nodes(mentions, texts, model=model, match=match)
    halves = []
    for half in ECBPLUS_HALVES:
        ids = [i for i, m in enumerate(mentions) if ecbplus_half(m.doc) == half]
        part = [mentions[i] for i in ids]
        halves.append({"set": f"ECB+ {half}", "articles": len({m.doc for m in part}), "gold_mentions": "-",
                       **score(part, {n: system[i] for n, i in enumerate(ids) if i in system}, top=top), "seconds": "-"})
    return {"set": "ECB+", "articles": len(texts), "gold_mentions": total, **score(mentions, system, top=top),
            "seconds": round(time.perf_counter() - started, 1), "halves": halves}


ECBPLUS_HALVES = ("dev (odd topics)", "held-out (even topics)")


def ecbplus_half(doc: str) -> str:
    """Which half of ECB+ a document is in: its topics split by parity, the odd ones to develop
    rules on, the even ones held out (read only to score), so that a rule fitted to the data
    it was written on shows as a gap between the halves."""
    return ECBPLUS_HALVES[0] if int(doc.split("/")[1]) % 2 else ECBPLUS_HALVES[1]


def score_facts_entities(gold_path: Path | str = FACTS_DEV, *, limit: int | None = None,
                         model: str | None = None, top: int = 10, match: str = "overlap") -> dict:
    """Build kg over the first ``limit`` facts-dev articles and score its entities."""
    started = time.perf_counter()
    mentions, texts, total = facts_mentions(read_gold(gold_path)[:limit])
    system, _ = system_nodes(mentions, texts, model=model, match=match)
    return {"set": "facts-dev", "articles": len(texts), "gold_mentions": total, **score(mentions, system, top=top),
            "seconds": round(time.perf_counter() - started, 1)}


# --------------------------------------------------------------- entry point


def format_table(results: Sequence[dict]) -> str:
    """The scores of several sets as a plain-text table."""
    columns = ("set", "articles", "gold_mentions", "mentions", "detected", "gold_clusters", "system_clusters",  # format: table columns
               "precision", "recall", "f1", "seconds")
    rows = [columns] + [tuple(str(r[c]) for c in columns) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
    return "\n".join("  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in rows)


def _format_errors(result: dict) -> str:
    lines = []
    for name, key in (("wrong merges (kg node: gold clusters)", "worst_merges"), ("splits (gold cluster: kg nodes)", "worst_splits")):
        lines.append(f"{result['set']} {name}:")
        for w in result[key]:
            parts = "; ".join(f"{p} {forms}" for p, forms in w["parts"].items())
            lines.append(f"  {w['cluster']} ({w['mentions']} mentions, loss {w['loss']}): {parts}")
    lines.append(f"{result['set']} most missed: {result['most_missed']}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m kg.eval_entities [--limit N]``: score both gold sets and print a table.

    Example: ``python -m kg.eval_entities --limit 10`` scores the first 10 ECB+ clusters
    and the first 10 facts-dev articles.
    """
    parser = argparse.ArgumentParser(prog="python -m kg.eval_entities", description=main.__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="first N ECB+ clusters and first N facts-dev articles")
    parser.add_argument("--model", default=None, help="spaCy model (default: en_core_web_sm)")
    parser.add_argument("--top", type=int, default=10, help="how many worst merges and splits to list")
    parser.add_argument("--match", choices=("overlap", "head"), default="overlap",
                        help="map a gold mention to the kg entity overlapping it most (default) or at its head word")
    parser.add_argument("--json", action="store_true", help="print the full results as JSON")
    args = parser.parse_args(argv)
    options = {"limit": args.limit, "model": args.model, "top": args.top, "match": args.match}
    results = [score_ecbplus(**options), score_facts_entities(**options)]
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
        return 0
    print(format_table([*results, *results[0]["halves"]]))
    for result in results:
        kinds = ", ".join(f"{k} {v['f1']} ({v['mentions']})" for k, v in result["by_kind"].items())
        print(f"\n{result['set']} F1 by kind (mentions): {kinds}\n{_format_errors(result)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
