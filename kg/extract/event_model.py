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
        return cls({k: tuple(v) for k, v in data["weights"].items()}, tuple(data["intercept"]),
                   dict(data["thresholds"]), dict(data.get("meta", {})))


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
    for decision in decide(model, candidates(doc, entities) if found is None else found):
        candidate = decision.candidate
        threshold = model.thresholds.get(candidate.kind, 0.5)
        planned_threshold = model.thresholds.get("planned", 0.5)
        if decision.fact >= threshold and candidate.asserted and decision.fact > decision.planned:
            status = None
        elif decision.planned >= planned_threshold or (
                not candidate.asserted and decision.fact + decision.planned >= planned_threshold):
            status = candidate.status or "planned"  # an event, but announced, called off or denied
        else:
            continue
        date = None
        if status is None:  # the day the strongest sentence that states it gives, from its own clause
            for fact, _, supporting in decision.scored:
                if fact < threshold or not supporting.asserted:
                    continue
                date = event_date(supporting.anchor, article.date if article else None,
                                  lede=first is not None and supporting.sentence == first)
                if date is not None:
                    break
        evidence = sentence_evidence(doc, candidate.sentence, article)
        if candidate.kind == "visit":
            yield Visit(candidate.first, candidate.second, date, evidence, EXTRACTOR, status)
        else:
            yield Meeting((candidate.first, candidate.second), date, evidence, EXTRACTOR, status)
