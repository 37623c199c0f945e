"""Scoring kg against gold annotations, reading the graph as a user would: through SPARQL.

Two gold formats are read (one JSON object per line):

- *facts* (``facts-dev.jsonl``): ``entities`` (name, type, aliases) and ``facts``
  (``visited``, ``met``, ``said`` with the quote text) and ``facts_planned`` that must
  not be asserted;
- *quotes* (PolNeAR, ``polnear-quotes-*.jsonl``): ``quotes`` with their text, offsets and
  the speaker as written.

Quotes match when their token F1 is at least 0.8; each gold fact is matched at most once.
The baseline, textacy's ``direct_quotations``, is scored by the same code.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg import lexicon
from kg.errors import InputError
from kg.names import ascii_fold, person_key
from kg.pipeline import build
from kg.vocab import PREFIXES

QUOTE_MATCH_F1 = 0.8
PRONOUNS = lexicon.words("pronouns.tsv", "personal")  # a speaker written as one is no name


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class Quote:
    article: str
    text: str
    speakers: frozenset[str]  # every name the predicted speaker goes by (empty: unattributed)


@dataclass
class Prediction:
    quotes: list[Quote] = field(default_factory=list)
    visits: list[tuple[str, frozenset[str], frozenset[str], str | None]] = field(default_factory=list)
    meetings: list[tuple[str, tuple[frozenset[str], ...], str | None]] = field(default_factory=list)


def tokens(text: str) -> list[str]:
    return re.findall(r"\w+", ascii_fold(text))


def token_f1(a: str, b: str) -> float:
    ta, tb = Counter(tokens(a)), Counter(tokens(b))
    common = sum((ta & tb).values())
    if not common:
        return 0.0
    p, r = common / sum(ta.values()), common / sum(tb.values())
    return 2 * p * r / (p + r)


def read_gold(path: Path | str) -> list[dict]:
    records = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as err:
                    raise InputError(path, f"invalid JSON: {err.msg}", line=number) from None
    if not records:
        raise InputError(path, "no gold records")
    return records


# --------------------------------------------------------------- predictions

QUERY_QUOTES = """
SELECT ?article ?text ?name WHERE {
  ?q a kg:Quote ; kg:text ?text ; prov:wasDerivedFrom ?a .
  ?a dcterms:identifier ?article .
  OPTIONAL { { ?q kg:speaker ?s . ?s rdfs:label|skos:altLabel ?name } UNION { ?q kg:speakerText ?name } }
}"""

QUERY_VISITS = """
SELECT ?v ?article ?role ?name ?date WHERE {
  # kg:Visit and kg:Meeting only: planned ones (kg:PlannedVisit, kg:PlannedMeeting) are no facts
  { ?v a kg:Visit ; kg:agent ?e . BIND("agent" AS ?role) }
  UNION { ?v a kg:Visit ; kg:place ?e . BIND("place" AS ?role) }
  UNION { ?v a kg:Meeting ; kg:participant ?e . BIND(STR(?e) AS ?role) }
  ?v prov:wasDerivedFrom ?a . ?a dcterms:identifier ?article .
  ?e rdfs:label|skos:altLabel ?name .
  OPTIONAL { ?v kg:date ?date }
}"""


def predictions_from_graph(graph) -> Prediction:
    """Read quotes, visits and meetings back from a built graph with SPARQL."""
    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    prediction = Prediction()
    quotes: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in store.query(QUERY_QUOTES, prefixes=PREFIXES):
        names = quotes[(row["article"].value, row["text"].value)]
        if row["name"] is not None:
            names.add(row["name"].value)
    prediction.quotes = [Quote(a, t, frozenset(n)) for (a, t), n in sorted(quotes.items())]
    events: dict[str, dict] = {}
    for row in store.query(QUERY_VISITS, prefixes=PREFIXES):
        event = events.setdefault(row["v"].value, {"article": row["article"].value, "roles": defaultdict(set),
                                                   "date": row["date"].value if row["date"] else None})
        event["roles"][row["role"].value].add(row["name"].value)
    for iri, event in sorted(events.items()):
        roles = event["roles"]
        if "/visit/" in iri:
            prediction.visits.append((event["article"], frozenset(roles["agent"]), frozenset(roles["place"]), event["date"]))
        else:
            people = tuple(frozenset(names) for _, names in sorted(roles.items()))
            prediction.meetings.append((event["article"], people, event["date"]))
    return prediction


def predictions_from_textacy(records: list[dict], model: str | None = None) -> Prediction:
    """The baseline: textacy's ``direct_quotations`` over the same articles and model."""
    from textacy.extract.triples import direct_quotations

    from kg.nlp import load_model

    nlp = load_model(model)
    prediction = Prediction()
    for record, doc in zip(records, nlp.pipe(r["text"] for r in records)):
        try:
            triples = list(direct_quotations(doc))
        except ValueError:  # textacy gives up on a text with an odd number of quotation marks
            triples = []
        for triple in triples:
            text = triple.content.text.strip().strip("\"“”‘’'").strip()
            speaker = " ".join(t.text for t in triple.speaker)
            prediction.quotes.append(Quote(str(record["id"]), text, frozenset({speaker})))
    return prediction


# --------------------------------------------------------------- scoring


def names_match(predicted: frozenset[str], gold_names: Iterable[str]) -> bool:
    """Whether any predicted name is one of the gold names, ignoring case, accents and titles."""
    wanted = {_norm(n) for n in gold_names}
    return any(_norm(p) in wanted for p in predicted)


def _norm(name: str) -> str:
    return person_key(re.sub(r"^(?:the|a|an)\s+", "", name.strip(), flags=re.I)) or ascii_fold(name)


def _entity_names(record: dict) -> dict[str, set[str]]:
    names = {}
    for entity in record.get("entities", []):
        names[entity["name"]] = {entity["name"], *entity.get("aliases", [])}
    return names


def _match_quotes(gold: list[tuple[str, set[str] | None]], predicted: list[Quote]):
    """Greedy one-to-one matching by token F1; yields (gold index, predicted index) pairs."""
    candidates = sorted(
        ((token_f1(g[0], p.text), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(predicted)),
        reverse=True,
    )
    used_g, used_p = set(), set()
    for f1, gi, pi in candidates:
        if f1 < QUOTE_MATCH_F1:
            break
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        yield gi, pi


def score_facts(records: list[dict], prediction: Prediction) -> dict:
    """Scores on the *facts* gold format; quotes are scored with every predicted quote."""
    scores = {name: Score() for name in ("visited", "met", "said", "said+speaker")}
    date_total = date_right = 0
    planned_asserted = []
    by_article = defaultdict(list)
    for q in prediction.quotes:
        by_article[q.article].append(q)
    for record in records:
        article = str(record["id"])
        entity_names = _entity_names(record)

        def names_of(gold_name: str, entity_names: dict = entity_names) -> set[str]:
            return entity_names.get(gold_name, {gold_name})

        gold_quotes = [(f["object"], names_of(f["subject"])) for f in record["facts"] if f["rel"] == "said"]
        predicted = by_article.get(article, [])
        matched = list(_match_quotes(gold_quotes, predicted))
        _tally(scores["said"], len(matched), len(predicted), len(gold_quotes))
        right = sum(1 for gi, pi in matched if names_match(predicted[pi].speakers, gold_quotes[gi][1]))
        attributed = sum(1 for p in predicted if p.speakers)
        _tally(scores["said+speaker"], right, attributed, len(gold_quotes))

        for rel in ("visited", "met"):
            gold = [f for f in record["facts"] if f["rel"] == rel]
            planned = [f for f in record.get("facts_planned", []) if f["rel"] == rel]
            pairs = _predicted_pairs(prediction, article, rel)
            hits = set()
            for names, date in pairs:
                found = next((i for i, f in enumerate(gold) if i not in hits and _pair_matches(names, f, names_of, rel)), None)
                if found is not None:
                    hits.add(found)
                    if gold[found].get("date"):
                        date_total += 1
                        date_right += gold[found]["date"] in date
                elif any(_pair_matches(names, f, names_of, rel) for f in planned):
                    planned_asserted.append({"article": article, "rel": rel, "names": sorted(map(sorted, names))})
            _tally(scores[rel], len(hits), len(pairs), len(gold))
    return {
        **{name: score.as_dict() for name, score in scores.items()},
        "date_accuracy": {"accuracy": round(date_right / date_total, 4) if date_total else None,
                          "right": date_right, "dated_matched": date_total},
        "planned_asserted": planned_asserted,
        "articles": len(records),
    }


def score_events(records: list[dict], prediction: Prediction) -> dict:
    """Scores on gold that annotates visits and meetings only (``"scope": "events"``)."""
    scores = score_facts(records, prediction)
    return {k: v for k, v in scores.items() if k not in ("said", "said+speaker")}


def _tally(score: Score, tp: int, predicted: int, gold: int) -> None:
    score.tp += tp
    score.fp += predicted - tp
    score.fn += gold - tp


def _predicted_pairs(prediction: Prediction, article: str, rel: str):
    """Distinct predicted pairs of one article with the set of dates they carry."""
    pairs: dict[tuple, set] = {}
    if rel == "visited":
        for a, agent, place, date in prediction.visits:
            if a == article:
                pairs.setdefault((agent, place), set()).add(date)
    else:
        for a, people, date in prediction.meetings:
            if a == article:
                for i, x in enumerate(people):
                    for y in people[i + 1:]:
                        key = tuple(sorted((x, y), key=sorted))
                        pairs.setdefault(key, set()).add(date)
    return [(names, dates - {None} or {None}) for names, dates in pairs.items()]


def _pair_matches(names: tuple, fact: dict, names_of, rel: str) -> bool:
    first, second = names
    subject, obj = names_of(fact["subject"]), names_of(fact["object"])
    if names_match(first, subject) and names_match(second, obj):
        return True
    return rel == "met" and names_match(first, obj) and names_match(second, subject)


def score_quotes(records: list[dict], prediction: Prediction) -> dict:
    """Scores on the PolNeAR quote format."""
    quote_score, speaker_score = Score(), Score()
    by_article = defaultdict(list)
    for q in prediction.quotes:
        by_article[q.article].append(q)
    for record in records:
        gold = [(q["text"], {q["speaker"]}) for q in record["quotes"]]
        predicted = by_article.get(str(record["id"]), [])
        matched = list(_match_quotes(gold, predicted))
        _tally(quote_score, len(matched), len(predicted), len(gold))
        named = [i for i, q in enumerate(record["quotes"]) if _is_name(q["speaker"])]
        right = sum(1 for gi, pi in matched if gi in named and _speaker_matches(predicted[pi].speakers, gold[gi][1]))
        named_predicted = sum(1 for gi, pi in matched if gi in named and predicted[pi].speakers)
        _tally(speaker_score, right, named_predicted, len(named))
    return {"quotes": quote_score.as_dict(), "quotes+speaker (named gold speakers)": speaker_score.as_dict(),
            "articles": len(records)}


def _is_name(speaker: str | None) -> bool:
    if not speaker:
        return False
    words = speaker.split()
    return words[0].lower() not in PRONOUNS and any(w[:1].isupper() for w in words) and words[0].lower() not in ("a", "an")


def _speaker_matches(predicted: frozenset[str], gold: set[str]) -> bool:
    """Whether a predicted speaker is the gold one. PolNeAR writes speakers with their
    appositions and titles ("Michael Oppenheimer, a professor of geosciences at Princeton",
    "Republican vice-presidential nominee Gov. Mike Pence (R-IN)"): the name is the part
    before the first comma or parenthesis, and a predicted name must end it."""
    if names_match(predicted, gold):
        return True
    heads = {_norm(re.split(r"[,(]", g, maxsplit=1)[0]) for g in gold}
    # "Clinton" written in the text, "Hillary Clinton" in the graph: the surname decides.
    gold_last = {h.split()[-1] for h in heads if h}
    for name in predicted:
        words = _norm(name).split()
        if words and words[-1] in gold_last:
            return True
    return False


# --------------------------------------------------------------- entry point


def gold_format(records: list[dict]) -> str:
    first = records[0]
    if "facts" in first:
        return "facts"
    if "quotes" in first:
        return "quotes"
    raise ValueError("gold records have neither 'facts' nor 'quotes'")


def evaluate(gold_path: Path | str, *, model: str | None = None, baseline: bool = True,
             events_model: Path | str | None = None) -> dict:
    """Build the graph of the gold articles and score it (and the baseline) against the gold.

    Records with ``"scope": "events"`` annotate visits and meetings only: their quotes are
    not scored, and the quote baseline is not run on them.
    """
    records = read_gold(gold_path)
    kind = gold_format(records)
    if kind == "facts" and all(r.get("scope") == "events" for r in records):
        kind, baseline = "events", False
    result = build([gold_path], None, model=model, validate_graph=False, events_model=events_model)
    score = {"facts": score_facts, "events": score_events, "quotes": score_quotes}[kind]
    report = {"gold": str(gold_path), "format": kind, "systems": {"kg": score(records, predictions_from_graph(result.graph))}}
    if baseline:
        report["systems"]["textacy"] = score(records, predictions_from_textacy(records, model))
    return report
