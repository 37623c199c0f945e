"""The learned decision over event candidates: a visit or meeting that happened, one
announced or called off, or neither.

The model is a multinomial logistic regression over the sparse features of
:mod:`kg.extract.candidates`, trained by ``kg train`` on gold annotations and stored
as plain JSON (feature -> one weight per class), so it loads offline, diffs in review
and needs no pickle. ``kg/resources/events-model.json`` ships with the package.

A second, article-level stage decides each pair an article mentions from what all its
sentences say together: the best and second-best sentence scores, how many sentences
name the pair, how prominent the person and the place are in the article (mentions,
the lede, the headline, the dateline), the best "planned" score. A pair is a fact when
that pair probability reaches the kind's threshold and a sentence asserts it
(:func:`kg.extract.grammar.is_asserted`); models without the pair stage (format 1) let
the best asserted sentence decide alone. A pair is kept as a planned, cancelled or
denied event when its "planned" probability reaches the threshold, or when it is an
event (fact or planned) in a clause that is not asserted.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from spacy.tokens import Doc

from kg.errors import InputError
from kg.extract.candidates import Candidate, candidates, rules
from kg.extract.grammar import event_date, sentence_evidence, sentence_of, sentences
from kg.extract.references import DocEntities
from kg.facts import Meeting, Title, Visit

EXTRACTOR = "events.v3"
CLASSES = ("none", "fact", "planned")
FORMAT = "kg-events-model/2"
FORMATS = ("kg-events-model/1", FORMAT)  # format 1: no pair stage


@dataclass(frozen=True)
class PairModel:
    """The article-level stage: a logistic regression over :func:`pair_features`."""

    weights: dict[str, float]
    intercept: float
    thresholds: dict[str, float]

    def probability(self, features: dict[str, float]) -> float:
        score = self.intercept + sum(self.weights.get(name, 0.0) * value for name, value in features.items())
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, score))))

    def to_json(self) -> dict:
        return {"intercept": self.intercept, "thresholds": dict(sorted(self.thresholds.items())),
                "weights": dict(sorted(self.weights.items()))}


@dataclass(frozen=True)
class EventModel:
    """Weights per feature and class, an intercept per class and thresholds per kind."""

    weights: dict[str, tuple[float, ...]]
    intercept: tuple[float, ...]
    thresholds: dict[str, float]
    meta: dict
    pair: PairModel | None = None

    def probabilities(self, features: dict[str, float]) -> tuple[float, ...]:
        """Class probabilities, in :data:`CLASSES` order, for one candidate's features."""
        scores = list(self.intercept)
        for name, value in features.items():
            row = self.weights.get(name)
            if row is not None:
                for k, w in enumerate(row):
                    scores[k] += w * value
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return tuple(e / total for e in exps)

    def to_json(self) -> dict:
        data = {"format": FORMAT if self.pair is not None else FORMATS[0], "classes": list(CLASSES),
                "intercept": list(self.intercept), "thresholds": dict(sorted(self.thresholds.items())),
                "meta": self.meta}
        if self.pair is not None:
            data["pair"] = self.pair.to_json()
        data["weights"] = {k: list(v) for k, v in sorted(self.weights.items())}
        return data

    def save(self, path: Path | str) -> None:
        from kg.io import atomic_write

        data = self.to_json()
        weights = data.pop("weights")
        with atomic_write(Path(path)) as handle:  # one feature a line: small, and reviewable as a diff
            handle.write(json.dumps(data, ensure_ascii=False)[:-1] + ', "weights": {\n')
            handle.write(",\n".join(f"{json.dumps(k, ensure_ascii=False)}: {json.dumps(v)}" for k, v in weights.items()))
            handle.write("\n}}\n")

    @classmethod
    def load(cls, path: Path | str) -> EventModel:
        """Read a model file written by ``kg train``.

        Raises:
            InputError: the file is missing, not JSON, or not a kg events model.
        """
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError(path, "no such events model file") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise InputError(path, f"not an events model (invalid JSON: {err})") from None
        if not isinstance(data, dict) or data.get("format") not in FORMATS or list(data.get("classes", [])) != list(CLASSES):
            raise InputError(path, f"not an events model (expected format {FORMAT!r}, made by 'kg train')")

        def row(values, what: str) -> tuple[float, ...]:
            if not (isinstance(values, list) and len(values) == len(CLASSES)
                    and all(isinstance(v, (int, float)) and math.isfinite(v) for v in values)):
                raise InputError(path, f"events model: {what} must be {len(CLASSES)} finite numbers")
            return tuple(float(v) for v in values)

        weights, thresholds = data.get("weights"), data.get("thresholds")
        if not isinstance(weights, dict) or not isinstance(thresholds, dict):
            raise InputError(path, "events model: weights and thresholds must be objects")
        if not all(isinstance(v, (int, float)) and 0 <= v <= 1 for v in thresholds.values()):
            raise InputError(path, "events model: thresholds must be probabilities")
        return cls({str(k): row(v, f"weight {k!r}") for k, v in weights.items()}, row(data.get("intercept"), "intercept"),
                   {str(k): float(v) for k, v in thresholds.items()}, dict(data.get("meta") or {}),
                   _load_pair(path, data.get("pair")) if data["format"] == FORMAT else None)


def _load_pair(path: Path | str, data) -> PairModel:
    def number(value) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)

    if not isinstance(data, dict) or not isinstance(data.get("weights"), dict) or not isinstance(data.get("thresholds"), dict):
        raise InputError(path, "events model: the pair stage needs weights and thresholds")
    if not number(data.get("intercept")) or not all(number(v) for v in data["weights"].values()):
        raise InputError(path, "events model: pair weights and intercept must be finite numbers")
    if not all(number(v) and 0 <= v <= 1 for v in data["thresholds"].values()):
        raise InputError(path, "events model: pair thresholds must be probabilities")
    return PairModel({str(k): float(v) for k, v in data["weights"].items()}, float(data["intercept"]),
                     {str(k): float(v) for k, v in data["thresholds"].items()})


DEFAULT_MODEL = "events-model.json"


@cache
def default_model() -> EventModel:
    """The model that ships in ``kg/resources``."""
    with resources.as_file(resources.files("kg.resources").joinpath(DEFAULT_MODEL)) as path:
        return EventModel.load(path)


@dataclass(frozen=True)
class Decision:
    """The candidates of one pair, best case for a fact first, with their probabilities."""

    scored: tuple[tuple[float, float, Candidate], ...]  # (fact, planned, candidate)
    # for each of ``scored``, the best fact score another person has for the same place in
    # its sentence ("Trump told a crowd in Green Bay he endorses Paul Ryan": Trump's): visits only
    rivals: tuple[float, ...] = ()
    # for each of ``scored`` (visits), how likely the person met, in that sentence, someone
    # who was at the place: min(meeting score, the other's visit score), the best such other
    companions: tuple[float, ...] = ()

    def asserting(self) -> list[tuple[float, float, Candidate]]:
        """The sentences that assert the pair, best first: clauses stated as happened where no
        other person of the sentence is likelier the one at the place."""
        rivals = self.rivals or (0.0,) * len(self.scored)
        return [(f, p, c) for (f, p, c), r in zip(self.scored, rivals) if c.asserted and r <= f]

    @property
    def candidate(self) -> Candidate:
        return self.scored[0][2]

    @property
    def fact(self) -> float:
        return self.scored[0][0]

    @property
    def planned(self) -> float:
        return max(p for _, p, _ in self.scored)


def decide(model: EventModel, found: Iterable[Candidate]) -> list[Decision]:
    """One decision per (kind, pair), in a stable order."""
    groups: dict[tuple, list] = {}
    best: dict[tuple, list[tuple[float, Candidate]]] = {}  # (sentence, place) -> the visit candidates there
    met_in: dict[tuple, dict[str, float]] = {}  # (sentence, person) -> whom they met there, how likely
    for n, candidate in enumerate(found):
        _, fact, planned = model.probabilities(candidate.features)
        pair = (candidate.first, candidate.second)
        key = (candidate.kind, *(sorted(pair) if candidate.kind == "meet" else pair))
        groups.setdefault(key, []).append((-fact, n, planned, candidate))
        if candidate.kind == "visit":
            best.setdefault((candidate.sentence.start, candidate.second), []).append((fact, candidate))
        elif candidate.asserted:
            for a, b in ((candidate.first, candidate.second), (candidate.second, candidate.first)):
                met = met_in.setdefault((candidate.sentence.start, a), {})
                met[b] = max(met.get(b, 0.0), fact)

    for there in best.values():
        there.sort(key=lambda row: -row[0])  # best first: a rival is found in a step or two
    asserted_at = {key: {c.first: f for f, c in reversed(there) if c.asserted} for key, there in best.items()}
    together: dict[int, set[int]] = {}
    meet_threshold = model.thresholds.get("meet", 0.5)

    def rival(candidate: Candidate) -> float:
        """The best score of another person for the place, but those named together with the
        candidate's ("X and Y visited") and those it met there ("met Y in a London hotel")."""
        head = candidate.heads[0] if candidate.heads else None
        group = together.setdefault(head.i, _coordinated(head)) if head is not None else set()
        met = met_in.get((candidate.sentence.start, candidate.first), {})
        for f, other in best[candidate.sentence.start, candidate.second]:
            if other.first != candidate.first and not (other.heads and other.heads[0].i in group) \
                    and met.get(other.first, 0.0) < meet_threshold:
                return f
        return 0.0

    def companion(candidate: Candidate) -> float:
        """ "Cole met Mourinho in a London hotel": Mourinho's companion score for London is
        min(the meeting's score, Cole's visit score)."""
        there = asserted_at[candidate.sentence.start, candidate.second]
        met = met_in.get((candidate.sentence.start, candidate.first), {})
        return max((min(score, there[other]) for other, score in met.items() if other in there), default=0.0)

    decisions = []
    for key in sorted(groups):
        scored = tuple((-f, p, c) for f, _, p, c in sorted(groups[key], key=lambda r: r[:2]))
        if key[0] == "visit":
            ordered = [c for *_, c in scored]
            decisions.append(Decision(scored, tuple(map(rival, ordered)), tuple(map(companion, ordered))))
        else:
            decisions.append(Decision(scored))
    return decisions


def _coordinated(token) -> set[int]:
    """The tokens named together with one: its conjuncts and appositions, which the parser
    also makes of a list ("Trump, Pence and Christie toured")."""
    group, todo = {token.i}, [token]
    while todo:
        current = todo.pop()
        linked = [c for c in current.children if c.dep_ in ("conj", "appos")]
        if current.dep_ in ("conj", "appos"):
            linked.append(current.head)
        for other in linked:
            if other.i not in group:
                group.add(other.i)
                todo.append(other)
    return group


@dataclass(frozen=True)
class Prominence:
    """How much an article is about each of its entities: what :func:`pair_features` reads."""

    mentions: dict[str, int]  # entity id -> names written
    rank: dict[str, int]  # entity id -> 1 for the most named of its category, 2, ...
    lede: frozenset[str]  # named in the first sentence
    headline: frozenset[str]  # named in the title
    dateline: frozenset[str]  # the place of the dateline ("MYRTLE BEACH, S.C. -"): DocEntities.dateline
    types: dict[str, str]  # entity id -> its class ("City", "Country", ...)

    @classmethod
    def of(cls, doc: Doc, entities: DocEntities) -> Prominence:
        mentions = {e.id: len(e.spans) for e in entities.entities}
        rank: dict[str, int] = {}
        for category in ("Person", "Place"):
            ordered = sorted((e for e in entities.entities if e.category == category),
                             key=lambda e: (-mentions[e.id], e.id))
            rank.update({e.id: n for n, e in enumerate(ordered, 1)})
        first = next(iter(sentences(doc)), None)
        lede = {entities.entity_at(t) for t in first} - {None} if first is not None else set()
        article = doc._.article
        title = (article.title or "").lower() if article else ""
        headline = {e.id for e in entities.entities if title and any(n.lower() in title for n in e.names)}
        dateline = {entities.dateline} - {None}
        return cls(mentions, rank, frozenset(lede), frozenset(headline), frozenset(dateline),
                   {e.id: e.type for e in entities.entities})


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def pair_features(decision: Decision, prominence: Prominence) -> dict[str, float]:
    """What the article says about one pair, over all its sentences (the pair stage's input)."""
    kind = decision.candidate.kind
    asserted = [f for f, _, c in decision.scored if c.asserted]
    found: dict[str, float] = {}

    def add(name: str, value: float = 1.0) -> None:
        found[f"{kind}:{name}"] = value

    add("bias")
    best = asserted[0] if asserted else 0.0
    second = asserted[1] if len(asserted) > 1 else 0.0
    add("logit1", _logit(best))
    add(f"best={min(int(best * 10), 9)}")
    add("logit2", _logit(second) if second else _logit(1e-4))
    add(f"second={min(int(second * 5), 4)}")
    add("noisy_or", 1 - math.prod(1 - f for f in asserted))
    add(f"sentences={min(len({c.sentence.start for _, _, c in decision.scored}), 4)}")
    add(f"asserted={min(len(asserted), 4)}")
    add(f"planned={min(int(decision.planned * 5), 4)}")
    if len(asserted) < len(decision.scored):
        add("some_unasserted")
    candidates = [c for _, _, c in decision.scored]
    if decision.companions:
        company = max(m for m, (_, _, c) in zip(decision.companions, decision.scored) if c.asserted) if asserted else 0.0
        add("companion", _logit(company) if company else _logit(1e-4))
        add(f"companion={min(int(company * 5), 4)}")
    for flag in ("rule", "via_gathering", "agent"):
        if any(c.features.get(f"{kind}:{flag}") for c in candidates):
            add(f"any_{flag}")
    first, second_entity = decision.candidate.first, decision.candidate.second
    if kind == "visit":
        add(f"place_type={prominence.types.get(second_entity, '-')}")
    for role, eid in (("a", first), ("b", second_entity)):
        add(f"{role}_rank={min(prominence.rank.get(eid, 9), 4)}")
        add(f"{role}_mentions={min(prominence.mentions.get(eid, 0), 4)}")
        if eid in prominence.lede:
            add(f"{role}_lede")
        if eid in prominence.headline:
            add(f"{role}_headline")
        if eid in prominence.dateline:
            add(f"{role}_dateline")
    return found


def events(doc: Doc, entities: DocEntities, model: EventModel | None = None, *,
           found: Iterable[Candidate] | None = None) -> Iterator[Visit | Meeting | Title]:
    """Yield the visits and meetings of one article, and the planned or called-off ones
    (with a ``status``), as the event model decides; then the titles that the candidates
    (every one, decided a fact or not) and the grammar rules resolved people through.

    ``found``: the article's candidates, when already computed; then only the titles they
    carry are yielded, not those of the rules.
    """
    model = model or default_model()
    ruled = rules(doc, entities) if found is None else None
    found = list(candidates(doc, entities, ruled) if found is None else found)
    article = doc._.article
    first = next(iter(sentences(doc)), None)
    threshold_planned = model.thresholds.get("planned", 0.5)
    prominence = Prominence.of(doc, entities) if model.pair is not None else None  # kinds without a pair threshold: the sentence decides
    for decision in decide(model, found):
        kind = decision.candidate.kind
        threshold = model.thresholds.get(kind, 0.5)
        # the strongest sentence that asserts it decides: "X, who will meet Y" elsewhere does not
        # undo "X met Y", nor a pronoun in a negated clause of the same sentence
        # and only where no one else in that sentence is likelier the one who was at the place
        asserted = decision.asserting()
        fact, planned, best = asserted[0] if asserted else decision.scored[0]
        if model.pair is not None and kind in model.pair.thresholds:
            happened = bool(asserted) and fact > planned and model.pair.probability(
                pair_features(decision, prominence)) >= model.pair.thresholds.get(kind, 0.5)
            threshold = min(threshold, fact)
        else:
            happened = bool(asserted) and fact >= threshold and fact > planned
        if happened:
            date = None  # the day the strongest sentence that states it gives, from its own clause
            for score, _, supporting in asserted:  # not from a sentence whose place is another's
                if score >= threshold:
                    for anchor in (supporting.anchor, *supporting.support):  # "the debate Saturday" ... "at the debate"
                        date = event_date(anchor, article.date if article else None,
                                          lede=first is not None and sentence_of(anchor) == first)
                        if date is not None:
                            break
                    if date is not None:
                        break
            if date is not None and article is not None and article.date is not None and date > article.date:
                # a day after the article's: "a concert ... on July 19th" is still to come
                yield _event(doc, article, best, None, "planned")
                continue
            yield _event(doc, article, best, date, None)
        # an event announced, called off or denied, in a sentence of its own
        announced = [(p + (f if not c.asserted else 0.0), c) for f, p, c in decision.scored
                     if (p >= threshold_planned or (not c.asserted and f + p >= threshold_planned))
                     and not (happened and c.sentence == best.sentence) and not (c.asserted and f > p)]
        if announced:
            _, candidate = max(announced, key=lambda pair: pair[0])
            yield _event(doc, article, candidate, None, candidate.status or "planned")
    titles = [*(ruled.titles if ruled is not None else ()), *(t for c in found for t in c.titles)]
    yield from dict.fromkeys(titles)


def _event(doc: Doc, article, candidate: Candidate, date, status: str | None) -> Visit | Meeting:
    evidence = sentence_evidence(doc, candidate.sentence, article)
    if candidate.kind == "visit":
        return Visit(candidate.first, candidate.second, date, evidence, EXTRACTOR, status)
    return Meeting((candidate.first, candidate.second), date, evidence, EXTRACTOR, status)
