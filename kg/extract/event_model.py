"""The learned decision over event candidates: a visit or meeting that happened, one
announced or called off, or neither.

The model is a multinomial logistic regression over the sparse features of
:mod:`kg.extract.candidates`, trained by ``kg train`` on gold annotations and stored
as plain JSON (feature -> one weight per class), so it loads offline, diffs in review
and needs no pickle. ``kg/resources/events-model.json`` ships with the package.

For each pair an article mentions, the sentence that scores highest decides: a pair is
a fact when its "fact" probability reaches the kind's threshold, beats its "planned"
one and the clause is asserted (:func:`kg.extract.grammar.is_asserted`); otherwise it
is kept as a planned, cancelled or denied event when its "planned" probability reaches
the threshold, or when it is an event (fact or planned) in a clause that is not asserted.
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
from kg.extract.candidates import Candidate, candidates
from kg.extract.entities import DocEntities
from kg.extract.grammar import event_date, sentence_evidence, sentences
from kg.facts import Meeting, Visit

EXTRACTOR = "events.v2"
CLASSES = ("none", "fact", "planned")
FORMAT = "kg-events-model/1"


@dataclass(frozen=True)
class EventModel:
    """Weights per feature and class, an intercept per class and thresholds per kind."""

    weights: dict[str, tuple[float, ...]]
    intercept: tuple[float, ...]
    thresholds: dict[str, float]
    meta: dict

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
        return {"format": FORMAT, "classes": list(CLASSES), "intercept": list(self.intercept),
                "thresholds": dict(sorted(self.thresholds.items())), "meta": self.meta,
                "weights": {k: list(v) for k, v in sorted(self.weights.items())}}

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
        if not isinstance(data, dict) or data.get("format") != FORMAT or list(data.get("classes", [])) != list(CLASSES):
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
                   {str(k): float(v) for k, v in thresholds.items()}, dict(data.get("meta") or {}))


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
    for n, candidate in enumerate(found):
        _, fact, planned = model.probabilities(candidate.features)
        pair = (candidate.first, candidate.second)
        key = (candidate.kind, *(sorted(pair) if candidate.kind == "meet" else pair))
        groups.setdefault(key, []).append((-fact, n, planned, candidate))
    return [Decision(tuple((-f, p, c) for f, _, p, c in sorted(groups[key], key=lambda r: r[:2])))
            for key in sorted(groups)]


def events(doc: Doc, entities: DocEntities, model: EventModel | None = None, *,
           found: Iterable[Candidate] | None = None) -> Iterator[Visit | Meeting]:
    """Yield the visits and meetings of one article, and the planned or called-off ones
    (with a ``status``), as the event model decides.

    ``found``: the article's candidates, when already computed.
    """
    model = model or default_model()
    article = doc._.article
    first = next(iter(sentences(doc)), None)
    threshold_planned = model.thresholds.get("planned", 0.5)
    for decision in decide(model, candidates(doc, entities) if found is None else found):
        kind = decision.candidate.kind
        threshold = model.thresholds.get(kind, 0.5)
        # the strongest sentence that asserts it decides: "X, who will meet Y" elsewhere does not
        # undo "X met Y", nor a pronoun in a negated clause of the same sentence
        asserted = [(f, p, c) for f, p, c in decision.scored if c.asserted]
        fact, planned, best = asserted[0] if asserted else decision.scored[0]
        happened = bool(asserted) and fact >= threshold and fact > planned
        if happened:
            date = None  # the day the strongest sentence that states it gives, from its own clause
            for score, _, supporting in decision.scored:
                if score >= threshold and supporting.asserted:
                    date = event_date(supporting.anchor, article.date if article else None,
                                      lede=first is not None and supporting.sentence == first)
                    if date is not None:
                        break
            yield _event(doc, article, best, date, None)
        # an event announced, called off or denied, in a sentence of its own
        announced = [(p + (f if not c.asserted else 0.0), c) for f, p, c in decision.scored
                     if (p >= threshold_planned or (not c.asserted and f + p >= threshold_planned))
                     and not (happened and c.sentence == best.sentence) and not (c.asserted and f > p)]
        if announced:
            _, candidate = max(announced, key=lambda pair: pair[0])
            yield _event(doc, article, candidate, None, candidate.status or "planned")


def _event(doc: Doc, article, candidate: Candidate, date, status: str | None) -> Visit | Meeting:
    evidence = sentence_evidence(doc, candidate.sentence, article)
    if candidate.kind == "visit":
        return Visit(candidate.first, candidate.second, date, evidence, EXTRACTOR, status)
    return Meeting((candidate.first, candidate.second), date, evidence, EXTRACTOR, status)
