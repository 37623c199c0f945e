"""Training the event model on gold annotations, and measuring it by cross-validation.

``kg train GOLD.jsonl... --out MODEL`` reads articles annotated in the *facts* format
(``facts-dev.jsonl``, ``events-train.jsonl``: ``entities`` with aliases, ``facts`` and
``facts_planned`` with an ``evidence`` snippet), parses them, generates every candidate
pair (:mod:`kg.extract.candidates`) and labels it:

- *fact* when the pair matches a gold visit or meeting and a sentence it reads holds the
  fact's evidence (any sentence, when the gold gives no evidence or it is paraphrased);
- *planned* when it matches a planned, cancelled or negated one in the same way;
- *none* when the pair matches nothing; a matching pair in another sentence than the
  evidence is left out, neither positive nor negative.

A multinomial logistic regression (scikit-learn) is fitted to the labels and written
as JSON (:class:`kg.extract.event_model.EventModel`). :func:`cross_validate` trains
on k-1 folds of articles and scores the held-out fold with :func:`kg.eval.score_facts`,
so a gain that does not generalize shows.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from spacy.tokens import Doc

from kg.articles import record_article
from kg.errors import InputError
from kg.eval import Prediction, names_match, read_gold, score_facts
from kg.extract import EntityFinder
from kg.extract.candidates import Candidate, candidates, rules
from kg.extract.event_model import CLASSES, EventModel, PairModel, Prominence, decide, events, pair_features
from kg.extract.references import DocEntities
from kg.facts import Meeting, Visit
from kg.gazetteer import builtin_aliases
from kg.nlp import load_model, parse

log = logging.getLogger(__name__)

# Chosen by 5-fold cross-validation over events-train + facts-dev (README, Evaluation).
DEFAULT_C = 0.3  # inverse regularisation strength
DEFAULT_THRESHOLDS = {"visit": 0.4, "meet": 0.3, "planned": 0.5}
MIN_COUNT = 3  # features seen in fewer training candidates are dropped
BALANCED = False  # class weights: balanced ones asserted more and were less precise
PAIR_C = 0.3  # the pair stage's inverse regularisation strength
PAIR_THRESHOLDS = {"visit": 0.3}  # meetings: the sentence decides (the pair stage did not help them in 5-fold CV; README)
INNER_FOLDS = 3  # cross-fitting folds of the sentence model under the pair stage


@dataclass
class ParsedArticle:
    """One gold article, parsed once: its candidates with labels, and what is needed to score it."""

    record: dict
    candidates: list[Candidate]
    labels: list[int | None]  # index into CLASSES; None: left out of training
    names: dict[str, frozenset[str]]  # entity id -> every name the article calls it
    doc: Doc
    entities: DocEntities


def read_texts(path: Path | str) -> dict[str, dict]:
    """Articles by id from a JSON-lines file (``id``, ``text``, ``title``, ``date``)."""
    if not Path(path).is_file():
        raise InputError(path, "no such article file")
    return {str(r["id"]): r for r in read_gold(path) if "text" in r}


def with_text(record: dict, texts: dict[str, dict] | None, path: Path | str, line: int) -> dict:
    """A gold record in the facts format. Records kept as offsets only (no ``text``; entity
    names, aliases and evidence as ``[start, end]`` into the article; facts naming entities by
    index) are filled in from ``texts``, so annotations ship without the articles' words."""
    if "text" in record:
        return record
    article = (texts or {}).get(str(record.get("id")))
    if article is None:
        raise InputError(path, f"record {record.get('id')!r} has no text and no --texts file holds it", line=line)
    text = article["text"]

    def cut(span) -> str:
        if not (isinstance(span, list) and len(span) == 2 and 0 <= span[0] < span[1] <= len(text)):
            raise InputError(path, f"record {record['id']!r}: bad character span {span!r}", line=line)
        return text[span[0]:span[1]]

    try:
        entities = [{"name": cut(e["name"]), "type": e["type"], "aliases": [cut(a) for a in e["aliases"]]}
                    for e in record["entities"]]
    except (KeyError, TypeError):
        raise InputError(path, f"record {record['id']!r}: an entity needs name, type and aliases", line=line) from None

    def entity(index) -> str:
        if not (isinstance(index, int) and 0 <= index < len(entities)):
            raise InputError(path, f"record {record['id']!r}: no entity number {index!r}", line=line)
        return entities[index]["name"]

    def facts(key: str) -> list[dict]:
        return [{"rel": f["rel"], "subject": entity(f["subject"]), "object": entity(f["object"]),
                 "date": f.get("date"), "evidence": cut(f["evidence"]) if f.get("evidence") else None}
                for f in record.get(key, [])]

    return {"id": record["id"], "title": article.get("title"), "date": article.get("date"), "text": text,
            "entities": entities, "facts": facts("facts"), "facts_planned": facts("facts_planned"),
            "scope": record.get("scope", "events")}


def parse_gold(paths: Sequence[Path | str], *, model: str | None = None,
               texts: Path | str | None = None) -> list[ParsedArticle]:
    """Parse gold articles and label their candidates.

    ``texts``: a JSON-lines file of the articles that offsets-only records point into.

    Raises:
        InputError: a gold file is missing, not JSON lines, or a record has no
            ``facts`` (the *facts* format is needed).
    """
    records = []
    corpus = read_texts(texts) if texts is not None else None
    for path in paths:
        if not Path(path).is_file():
            raise InputError(path, "no such gold file")
        for number, record in enumerate(read_gold(path), 1):
            if "facts" not in record:
                raise InputError(path, "not in the facts format (needs 'facts')", line=number)
            records.append(with_text(record, corpus, path, number))
    nlp = load_model(model)
    finder = EntityFinder(nlp.tokenizer, list(builtin_aliases()))
    # through the JSON reader's checks, so training sees the text a build would
    articles = [record_article({k: r.get(k) for k in ("id", "text", "title", "date")}, Path(str(paths[0])),
                                None, str(r["id"])) for r in records]
    return [labelled(record, doc, finder) for record, doc in zip(records, parse(nlp, articles))]


def labelled(record: dict, doc: Doc, finder: EntityFinder) -> ParsedArticle:
    """One gold article's candidates, labelled by its record, from its parsed document."""
    entities = finder(doc)
    ruled = rules(doc, entities)
    found = list(candidates(doc, entities, ruled))
    titles: dict[str, set[str]] = {}  # the title phrases the rules and candidates resolved people through
    for title in (*ruled.titles, *(t for c in found for t in c.titles)):
        titles.setdefault(title.entity, set()).add(title.text)
    names = {e.id: frozenset(e.names) | frozenset(titles.get(e.id, ())) for e in entities.entities}
    labels = [label(record, c, names) for c in found]
    return ParsedArticle(record, found, labels, names, doc, entities)


def label(record: dict, candidate: Candidate, names: dict[str, frozenset[str]]) -> int | None:
    """The class of a candidate under the record's gold facts (see the module text)."""
    text = record["text"]
    read = [(s.start_char, s.end_char) for s in (candidate.sentence, *candidate.support_sentences)]
    is_pair = _pair_test(record, candidate, names)

    def matches(fact: dict) -> bool | None:
        """True: this pair in a sentence the candidate reads; None: this pair elsewhere; False: another pair."""
        if not is_pair(fact):
            return False
        evidence = (fact.get("evidence") or "").strip()
        at = text.find(evidence) if evidence else -1
        if at < 0:
            return True
        return True if any(at < end and at + len(evidence) > start for start, end in read) else None

    for cls, facts in ((1, record.get("facts", [])), (2, record.get("facts_planned", []))):
        outcomes = [matches(f) for f in facts]
        if True in outcomes:
            return cls
        if None in outcomes:
            return None
    return 0


def fit(parsed: Iterable[ParsedArticle], *, c: float = DEFAULT_C, min_count: int = MIN_COUNT,
        balanced: bool = BALANCED, thresholds: dict[str, float] | None = None, meta: dict | None = None,
        pair: bool = True, pair_c: float = PAIR_C, pair_thresholds: dict[str, float] | None = None,
        inner: int = INNER_FOLDS) -> EventModel:
    """Fit both stages: the sentence model on the labelled candidates, then the pair model
    on what the sentence model says about each pair of articles it was not trained on
    (``inner``-fold cross-fitting, so that the pair stage learns how far to trust
    sentence scores on new text, not on remembered text). ``pair=False``: the sentence
    model alone (format 1).
    """
    parsed = list(parsed)
    options = {"c": c, "min_count": min_count, "balanced": balanced, "thresholds": thresholds}
    sentence_model = fit_sentences(parsed, meta=meta, **options)
    if not pair:
        return sentence_model
    rows, targets = [], []
    for held in folds(parsed, min(inner, len(parsed)), seed=1):
        held_set = set(held)
        rest = [a for i, a in enumerate(parsed) if i not in held_set]
        try:
            model = fit_sentences(rest, **options)
        except InputError:  # a fold with no positive example teaches the pair stage nothing
            continue
        for i in held:
            for features, target in pair_rows(model, parsed[i]):
                rows.append(features)
                targets.append(target)
    if len(set(targets)) < 2:
        return sentence_model
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    classifier = LogisticRegression(C=pair_c, max_iter=2000).fit(vectorizer.fit_transform(rows), targets)
    weights = {name: round(float(w), 4) for name, w in zip(vectorizer.get_feature_names_out(), classifier.coef_[0])
               if abs(w) >= 1e-4}
    stage = PairModel(weights, round(float(classifier.intercept_[0]), 6), dict(pair_thresholds or PAIR_THRESHOLDS))
    info = {**sentence_model.meta, "pairs": len(targets), "pair_positives": sum(targets), "pair_C": pair_c}
    return replace(sentence_model, pair=stage, meta=info)


def pair_rows(model: EventModel, article: ParsedArticle) -> Iterator[tuple[dict[str, float], int]]:
    """The pair stage's examples of one article: each pair some sentence asserts, with 1
    when the gold has it as a fact (in any sentence) and 0 otherwise."""
    prominence = Prominence.of(article.doc, article.entities)
    for decision in decide(model, article.candidates):
        if any(c.asserted for _, _, c in decision.scored):
            yield pair_features(decision, prominence), int(_is_gold_fact(article, decision.candidate))


def _is_gold_fact(article: ParsedArticle, candidate: Candidate) -> bool:
    is_pair = _pair_test(article.record, candidate, article.names)
    return any(is_pair(fact) for fact in article.record.get("facts", []))


def _pair_test(record: dict, candidate: Candidate, names: dict[str, frozenset[str]]):
    """A test of whether a gold fact is about the candidate's pair (either order for meetings)."""
    rel = "visited" if candidate.kind == "visit" else "met"
    aliases = {e["name"]: {e["name"], *e.get("aliases", [])} for e in record.get("entities", [])}
    first, second = names[candidate.first], names[candidate.second]

    def is_pair(fact: dict) -> bool:
        if fact["rel"] != rel:
            return False
        subject = aliases.get(fact["subject"], {fact["subject"]})
        obj = aliases.get(fact["object"], {fact["object"]})
        return (names_match(first, subject) and names_match(second, obj)) or (
            rel == "met" and names_match(first, obj) and names_match(second, subject))

    return is_pair


def fit_sentences(parsed: Iterable[ParsedArticle], *, c: float = DEFAULT_C, min_count: int = MIN_COUNT,
                  balanced: bool = BALANCED, thresholds: dict[str, float] | None = None,
                  meta: dict | None = None) -> EventModel:
    """Fit the sentence model: a multinomial logistic regression per kind (visits, meetings)
    on its labelled candidates, so that what one kind's examples teach never moves the other.

    Every feature is the kind's own (``visit:...``, ``meet:...``); each kind's intercept is
    folded into its ``bias:KIND`` weight, so one model file holds both. Features seen in
    fewer than ``min_count`` candidates are dropped: a path seen once is a sentence
    remembered, not a pattern learnt.
    """
    by_kind: dict[str, tuple[list[dict], list[int]]] = {}
    for article in parsed:
        for candidate, target in zip(article.candidates, article.labels):
            if target is not None:
                rows, targets = by_kind.setdefault(candidate.kind, ([], []))
                rows.append(candidate.features)
                targets.append(target)
    if not any(len(set(targets)) > 1 for _, targets in by_kind.values()):
        raise InputError("gold", "the gold articles give no positive example to learn from")
    weights: dict[str, tuple[float, ...]] = {}
    for kind, (rows, targets) in sorted(by_kind.items()):
        weights.update(_fit_kind(kind, rows, targets, c=c, min_count=min_count, balanced=balanced))
    if all(name.startswith("bias:") for name in weights):
        raise InputError("gold", f"no feature is seen in {min_count} or more candidates: too few gold articles")
    examples = [t for _, targets in by_kind.values() for t in targets]
    info = {"examples": len(examples), "positives": {CLASSES[k]: examples.count(k) for k in range(len(CLASSES))},
            "C": c, **(meta or {})}
    return EventModel(weights, (0.0,) * len(CLASSES), dict(thresholds or DEFAULT_THRESHOLDS), info)


def _fit_kind(kind: str, rows: list[dict], targets: list[int], *, c: float, min_count: int,
              balanced: bool) -> dict[str, tuple[float, ...]]:
    """One kind's weights, its intercept in ``bias:KIND``; a class it never saw is never predicted."""
    from collections import Counter

    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    bias = f"bias:{kind}"
    missing = -30.0
    learnt = sorted(set(targets))
    if len(learnt) < 2:
        return {bias: tuple(0.0 if k in learnt else missing for k in range(len(CLASSES)))}
    if min_count > 1:
        counts = Counter(name for row in rows for name in row)
        rows = [{k: v for k, v in row.items() if counts[k] >= min_count and k != bias} for row in rows]
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform(rows)
    if x.shape[1] == 0:  # too few examples of this kind to learn a pattern: its class priors only
        return {bias: tuple(round(math.log(targets.count(k) / len(targets)), 6) if k in learnt else missing
                            for k in range(len(CLASSES)))}
    classifier = LogisticRegression(C=c, max_iter=2000, class_weight="balanced" if balanced else None)
    classifier.fit(x, targets)
    if len(learnt) == 2:  # a binary fit has one row: spread it as softmax logits
        coefficients = [[-w / 2 for w in classifier.coef_[0]], [w / 2 for w in classifier.coef_[0]]]
        intercepts = [-classifier.intercept_[0] / 2, classifier.intercept_[0] / 2]
    else:
        coefficients, intercepts = classifier.coef_, classifier.intercept_
    weights: dict[str, tuple[float, ...]] = {}
    for column, name in enumerate(vectorizer.get_feature_names_out()):
        values = [0.0] * len(CLASSES)
        for row, cls in enumerate(learnt):
            values[cls] = round(float(coefficients[row][column]), 4)
        if any(abs(v) >= 1e-3 for v in values):
            weights[name] = tuple(values)
    intercept = [missing] * len(CLASSES)
    for row, cls in enumerate(learnt):
        intercept[cls] = round(float(intercepts[row]), 6)
    weights[bias] = tuple(intercept)
    return weights


def predict(model: EventModel, parsed: Iterable[ParsedArticle]) -> Prediction:
    """Visits and meetings the model asserts in parsed articles, in the form
    :func:`kg.eval.score_facts` scores (names as the article wrote them)."""
    parsed = list(parsed)
    return as_prediction(parsed, [events(a.doc, a.entities, model, found=a.candidates) for a in parsed])


def as_prediction(parsed: Sequence[ParsedArticle], facts: Iterable[Iterable]) -> Prediction:
    """The asserted visits and meetings among each article's facts, as a :class:`kg.eval.Prediction`."""
    prediction = Prediction()
    for article, found in zip(parsed, facts):
        article_id = str(article.record["id"])
        for fact in found:
            if not isinstance(fact, (Visit, Meeting)) or fact.status is not None:
                continue  # titles, and events not asserted
            date = fact.date.isoformat() if fact.date else None
            if isinstance(fact, Visit):
                prediction.visits.append((article_id, article.names[fact.agent], article.names[fact.place], date))
            elif isinstance(fact, Meeting):
                prediction.meetings.append((article_id, tuple(article.names[p] for p in fact.participants), date))
    return prediction


def folds(parsed: Sequence[ParsedArticle], k: int, seed: int = 0) -> list[list[int]]:
    """Article indices split into ``k`` folds, shuffled with a fixed seed."""
    order = list(range(len(parsed)))
    random.Random(seed).shuffle(order)
    return [sorted(order[i::k]) for i in range(k)]


def cross_validate(parsed: Sequence[ParsedArticle], k: int = 5, *, seed: int = 0,
                   extra: Sequence[ParsedArticle] = (), **options) -> dict:
    """Train on k-1 folds, score the held-out one; the scores of all held-out folds pooled.

    ``extra``: articles added to every training fold and never scored (annotations of
    another style or source). ``options`` go to :func:`fit`.
    """
    prediction = Prediction()
    for held in folds(parsed, k, seed):
        held_set = set(held)
        model = fit([a for i, a in enumerate(parsed) if i not in held_set] + list(extra), **options)
        fold = predict(model, [parsed[i] for i in held])
        prediction.visits += fold.visits
        prediction.meetings += fold.meetings
    return score_facts([a.record for a in parsed], prediction)
