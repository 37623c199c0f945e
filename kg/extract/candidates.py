"""Candidate visits and meetings of one article, each with the features the event model reads.

A candidate is a (person, place) or (person, person) pair that one sentence mentions,
the person named, or referred to by pronoun or title (resolved by
:class:`~kg.extract.references.DocEntities`). Whether it is a visit or a meeting that
happened, one that is planned or called off, or neither is the model's decision
(:mod:`kg.extract.event_model`); here only what the sentence shows is described:

- the dependency path between the two mentions, its words and their trigger classes
  (``kg/lexicon/event_triggers.tsv``), the preposition that introduces the place;
- the clause: negation, modals, the future, an intention or a cancellation above it;
- the mentions: name, pronoun or title; the place's type and whether it only
  qualifies a noun ("the Texas senator", "a Paris lawyer");
- distance, other people between, a quotation around the place, the lede.

Nothing here names a person, place or sentence: the model learns what the classes
and paths weigh from annotated articles (``kg train``).

Title phrases ("the Russian president") that name the people doing a verb, here or in
the grammar rules, travel as :class:`~kg.facts.Title` records: a :class:`Candidate`
carries those resolved in describing it, :class:`Rules` those of the rules, and
:func:`~kg.extract.event_model.events` yields them all, asserted or not.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from kg.extract.events import meetings, visits
from kg.extract.frames import Participation, participations, shared
from kg.extract.grammar import (FUTURE, clause_verb, doc_text, is_asserted, is_modal, present_progressive,
                                sentence_evidence, sentence_of, sentences)
from kg.extract.references import HERE_WORDS, PRONOUN_GENDER, DocEntities, resolve_person
from kg.facts import Title
from kg.lexicon import word_classes, words

MAX_PATH = 8  # longer dependency paths are described by their length only
NOUN_MODIFIERS = ("amod", "compound", "nmod", "poss", "npadvmod")
ROLE_NOUNS = words("person_nouns.tsv", "role")  # "Trump aides", "Putin's spokesman": other people


@dataclass(frozen=True)
class Mention:
    """One reference to an entity in a sentence: its head token and how it was made."""

    entity: str
    head: Token
    kind: str  # "name", "pronoun", "title", "group" or "here" (the place of the dateline)


@dataclass(frozen=True)
class Candidate:
    """A pair one sentence mentions, with the features of that sentence.

    ``kind`` is "visit" (``first`` a person, ``second`` a place) or "meet" (two persons,
    in text order). ``anchor`` is the token the event hangs on, for its date.
    ``titles``: the title phrases its features resolved people through ("the Russian
    president" doing the verb), for their labels.
    """

    kind: str
    first: str
    second: str
    sentence: Span
    anchor: Token
    status: str | None  # None: asserted; else "planned", "cancelled" or "denied"
    features: dict[str, float]
    support: tuple[Token, ...] = ()  # clauses of other sentences it reads: where a gathering's first participant is
    titles: tuple[Title, ...] = ()
    heads: tuple[Token, ...] = ()  # the head tokens of the first and second mentions

    @property
    def support_sentences(self) -> tuple[Span, ...]:
        return tuple(sentence_of(token) for token in self.support)

    @property
    def asserted(self) -> bool:
        return self.status is None


def triggers() -> dict:
    return word_classes("event_triggers.tsv")


def mentions(sentence: Span, entities: DocEntities) -> tuple[list[Mention], list[Mention]]:
    """The person and place mentions of a sentence, each name once (by its head token)."""
    people: list[Mention] = []
    places: list[Mention] = []
    seen: set[tuple[str, int]] = set()
    for token in sentence:
        eid = entities.entity_at(token)
        if eid is not None:
            head = token
            while head.head != head and entities.entity_at(head.head) == eid and head.head.i in range(
                sentence.start, sentence.end
            ):
                head = head.head
            if (eid, head.i) in seen:
                continue
            seen.add((eid, head.i))
            category = entities.by_id[eid].category
            if category == "Person" and not _qualifies_others(head):
                people.append(Mention(eid, head, "name"))
            elif category == "Place":
                places.append(Mention(eid, head, "name"))
            continue
        if token.lower_ in HERE_WORDS:  # "a rally here": the place of the dateline
            if (place := entities.resolve(token, want="Place")) is not None and not _names_place(token, entities) \
                    and not (token.i == sentence.start and token.head.lemma_ == "be"):  # "Here is what he said"
                places.append(Mention(place, token, "here"))
            continue
        if (token.pos_ in ("PRON", "NOUN") or token.lower_ in PRONOUN_GENDER) and not _qualifies_others(token):
            resolved = entities.resolve(token, want="Person")  # a mention's title is no label
            if resolved is not None and (resolved, token.i) not in seen:
                seen.add((resolved, token.i))
                people.append(Mention(resolved, token, "pronoun" if token.pos_ == "PRON" else "title"))
            elif resolved is None:  # "the two candidates", "both": each of the people it stands for
                for member in entities.resolve_group(token):
                    if (member, token.i) not in seen:
                        seen.add((member, token.i))
                        people.append(Mention(member, token, "group"))
    return people, places


def _names_place(here: Token, entities: DocEntities) -> bool:
    """Whether "here" is followed by the place it means: "here in Iowa"."""
    return any(child.dep_ == "prep" and any(_is_place(pobj, entities) for pobj in child.children)
               for child in here.children)


def _qualifies_others(head: Token) -> bool:
    """Whether a person's mention only says whose other people are: "Oscar winners", "a
    Jackson associate", "his aides", "Putin's spokesman" (``role`` in person_nouns.tsv)."""
    return head.dep_ in ("compound", "poss") and head.head.lemma_.lower() in ROLE_NOUNS


@dataclass(frozen=True)
class Rules:
    """What the grammar rules of :mod:`kg.extract.events` find in an article, one strong
    feature among the others: ``pairs`` as (kind, first, second, sentence start), and the
    ``titles`` they resolved people through."""

    pairs: frozenset[tuple]
    titles: tuple[Title, ...] = ()


def rules(doc: Doc, entities: DocEntities) -> Rules:
    """Run the grammar rules of :mod:`kg.extract.events` over an article."""
    found, titles = set(), []
    for visit in visits(doc, entities):
        if isinstance(visit, Title):
            titles.append(visit)
        else:
            found.add(("visit", visit.agent, visit.place, visit.evidence.start))
    for meeting in meetings(doc, entities):
        if isinstance(meeting, Title):
            titles.append(meeting)
        else:
            found.update(("meet", a, b, meeting.evidence.start)
                         for a in meeting.participants for b in meeting.participants if a != b)
    return Rules(frozenset(found), tuple(dict.fromkeys(titles)))


def candidates(doc: Doc, entities: DocEntities, ruled: Rules | None = None) -> Iterator[Candidate]:
    """Every (person, place) and (person, person) pair of every sentence, with features,
    and the pairs of people who take part in one gathering named in two sentences.

    ``ruled``: what :func:`rules` finds in the article, when already run.
    """
    pairs = (rules(doc, entities) if ruled is None else ruled).pairs
    gatherings: dict[str, tuple[str, ...]] = {}  # gathering lemma -> the places it was last said to be at
    attended: dict[str, list[tuple[int, Participation]]] = {}  # gathering lemma -> who took part, where
    first_sentence = True
    for number, sentence in enumerate(sentences(doc)):
        people, places = mentions(sentence, entities)
        if not people:
            _remember_gatherings(_gatherings_of(sentence, places), gatherings)
            first_sentence = False
            continue
        context = _sentence_features(sentence, first_sentence)
        start = sentence_evidence(doc, sentence, None).start
        stated = {(kind, a, b) for kind, a, b, at in pairs if at == start}  # what the rules find here
        frames = {(m.entity, m.head.i): participations(m.entity, m.head) for m in people}
        for person in people:
            for place in places:
                if place.head.i == person.head.i:
                    continue
                yield _candidate("visit", person, place, sentence, context, people, stated, entities)
        for i, a in enumerate(people):
            for b in people[i + 1:]:
                if a.entity == b.entity or (a.head.i == b.head.i and a.kind != "group"):
                    continue  # the people of one group ("the two candidates") are paired
                candidate = _candidate("meet", a, b, sentence, context, people, stated, entities)
                _frame_features(candidate.features, frames[a.entity, a.head.i], frames[b.entity, b.head.i])
                yield candidate
        yield from _gathering_candidates(sentence, people, places, gatherings, context, stated, entities)
        yield from _attendance_candidates(number, sentence, frames, places, attended, entities)
        first_sentence = False


def _frame_features(features: dict, first: list[Participation], second: list[Participation]) -> None:
    """What a meeting candidate's two people share: the gathering or meeting word both take
    part in ("joined at the launch by A and B", "A, B and C, who met")."""
    add = _adder(features, "meet")
    for a, b in shared(first, second):
        add("frame")
        add(f"frame_pos={a.trigger.pos_}")
        for cls in a.classes:
            add(f"frame_class={cls}")
        add("frame_roles=" + "+".join(sorted((a.base_role, b.base_role))))
    if first and second and not features.get("meet:frame"):
        add("frame_apart")  # both take part in something, not the same


CROSS_WINDOW = 12  # sentences between two mentions of one gathering's participants


def _attendance_candidates(number: int, sentence: Span, frames: dict, places: list[Mention], attended: dict,
                           entities: DocEntities) -> Iterator[Candidate]:
    """Meetings of people said to take part in one gathering in different sentences: "Kasich
    ... at the final debate Saturday" ... "he declared at Saturday's debate". The later
    sentence is the candidate's, the earlier one its support."""
    classes = triggers()
    here: list[tuple[Participation, tuple[str, ...]]] = []
    for taken in frames.values():
        here.extend((p, _where(p.trigger, places)) for p in taken
                    if "gathering" in p.classes and p.trigger.pos_ in ("NOUN", "PROPN"))
    seen: set[tuple[str, str]] = set()
    for participation, where in here:
        lemma = participation.trigger.lemma_.lower()
        if "generic" in classes.get(lemma, ()):
            continue
        for earlier_number, earlier, earlier_where in reversed(attended.get(lemma, [])):
            if number - earlier_number > CROSS_WINDOW:
                break
            pair = (earlier.entity, participation.entity)
            if earlier.entity == participation.entity or pair in seen:
                continue
            seen.add(pair)
            places_named = "same" if set(where) & set(earlier_where) else "other" if where and earlier_where else "-"
            yield _attendance_candidate(earlier, participation, number - earlier_number, sentence, entities,
                                        places_named)
    for participation, where in here:
        attended.setdefault(participation.trigger.lemma_.lower(), []).append((number, participation, where))


def _where(noun: Token, places: list[Mention]) -> tuple[str, ...]:
    """The places of a gathering noun, or else of the clause it is in: "spoke at a rally in
    Detroit" (the parser often hangs "in Detroit" on the verb)."""
    own = _own_places(noun, places)
    if own or noun.dep_ != "pobj" or noun.head.dep_ != "prep":
        return own
    clause = noun.head.head
    inside = {t.i for child in clause.children if child.dep_ == "prep" and child != noun.head
              for t in child.subtree}
    return tuple(dict.fromkeys(p.entity for p in places if p.head.i in inside))


def _attendance_candidate(earlier: Participation, later: Participation, distance: int, sentence: Span,
                          entities: DocEntities, places_named: str) -> Candidate:
    features: dict[str, float] = {"bias:meet": 1.0}
    add = _adder(features, "meet")
    add("cross")
    add(f"cross_dist={min(distance, 4)}")
    add(f"cross_det={_determiner(later.trigger)}")  # "the debate" recalls one; "a rally" may be another
    add(f"cross_places={places_named}")  # "a rally in Detroit" ... "a rally in Ohio" may be two
    for role, p in (("a", earlier), ("b", later)):
        add(f"cross_role_{role}={p.base_role}")
        add(f"cross_kind_{role}={'name' if entities.entity_at(p.mention) else p.mention.pos_}")
    anchors = [clause_verb(p.trigger) for p in (earlier, later)]
    statuses = [_status(anchor, None) for anchor in anchors]
    status = next((s for s, _ in statuses if s is not None), None)
    add(f"status={status}")
    for _, modality in statuses:
        for name, value in modality.items():
            add(f"cross_{name}", value)
    return Candidate("meet", earlier.entity, later.entity, sentence, anchors[1], status, features, (anchors[0],))


def _determiner(noun: Token) -> str:
    for child in noun.children:
        if child.dep_ == "poss":
            return "poss"
        if child.dep_ == "det":
            return child.lower_ if child.lower_ in ("the", "a", "an", "this", "that") else "other"
    return "none"


def _gathering_nouns(sentence: Span) -> list[Token]:
    classes = triggers()
    return [t for t in sentence if t.pos_ == "NOUN" and {"gathering", "generic"} & classes.get(t.lemma_.lower(), set())]


def _own_places(noun: Token, places: list[Mention]) -> tuple[str, ...]:
    """The places a gathering noun is said to be at: "the debate in New York", "the Paris summit",
    "the ceremony was held in Pasadena"."""
    inside = {t.i for t in noun.subtree}
    if noun.dep_ in ("nsubj", "nsubjpass"):
        for child in noun.head.children:
            if child.dep_ == "prep":
                inside.update(t.i for t in child.subtree)
    return tuple(dict.fromkeys(p.entity for p in places if p.head.i in inside and p.head.i != noun.i))


def _gatherings_of(sentence: Span, places: list[Mention]) -> list[tuple[Token, tuple[str, ...]]]:
    """The sentence's gathering nouns, each with the places it is said to be at."""
    return [(noun, _own_places(noun, places)) for noun in _gathering_nouns(sentence)]


def _remember_gatherings(found: list[tuple[Token, tuple[str, ...]]], gatherings: dict) -> None:
    for noun, own in found:
        if own:
            gatherings[noun.lemma_.lower()] = own
            gatherings[""] = own  # the last gathering with a place, for "the event"


def _gathering_candidates(sentence: Span, people: list[Mention], places: list[Mention], gatherings: dict,
                          context: dict, stated: set, entities: DocEntities) -> Iterator[Candidate]:
    """Visits through a gathering named with its place in an earlier sentence: "the debate in
    New York" ... "Sanders said at the debate". The person's sentence is the evidence; the
    gathering noun stands for the place in the features (``via_gathering``)."""
    classes = triggers()
    here = {p.entity for p in places}
    found = _gatherings_of(sentence, places)
    recalled = [(noun, gatherings.get("" if "generic" in classes[lemma] else lemma, ()))
                for noun, own in found if not own and (lemma := noun.lemma_.lower())]
    _remember_gatherings(found, gatherings)
    for noun, known in recalled:
        for place in known:
            if place in here:
                continue
            for person in people:
                if person.head.i == noun.i:
                    continue
                candidate = _candidate("visit", person, Mention(place, noun, "gathering"), sentence, context,
                                       people, stated, entities)
                candidate.features["visit:via_gathering"] = 1.0
                yield candidate


def _candidate(kind: str, a: Mention, b: Mention, sentence: Span, context: dict, people: list[Mention],
               stated: set[tuple], entities: DocEntities) -> Candidate:
    target = _lift(b.head, entities) if kind == "visit" else b.head
    up, lca, down = _path(a.head, target)
    anchor = clause_verb(lca)
    features = {f"{kind}:{name}": value for name, value in context.items()}  # each kind learns its own
    features[f"bias:{kind}"] = 1.0
    add = _adder(features, kind)
    classes = triggers()
    if (kind, a.entity, b.entity) in stated:
        add("rule")

    if target != b.head:
        add(f"level_of={b.head.dep_}")  # "Fort Mill, S.C.", "Waterfront Park in Louisville"
    governor, nouns, prep = _governor(target)
    titles: list[Title] = []
    if governor is not None:
        agents = _agent_entities(governor, nouns, entities, titles)
        gov_classes = sorted(classes.get(governor.lemma_.lower(), ())) or ["-"]
        noun_classes = sorted({c for n in nouns for c in classes.get(n.lemma_.lower(), ())}) or ["-"]
        if a.entity in agents:
            add("agent")
            add(f"agent|prep={prep}")
            for cls in gov_classes:
                add(f"agent|gov={cls}")
                add(f"agent|gov={cls}|prep={prep}")
            for cls in noun_classes:
                add(f"agent|noun={cls}")
        elif agents:
            add("other_agent")
    add(f"kind_a={a.kind}")
    add(f"kind_b={b.kind}")
    add(f"dep_a={a.head.dep_}")
    add(f"dep_b={b.head.dep_}")
    length = len(up) + len(down)
    add(f"path_len={min(length, MAX_PATH)}")
    if length <= MAX_PATH:
        add("path=" + "/".join(f"{t.dep_}^" for t in up) + "|" + "/".join(f"v{t.dep_}" for t in down))
        add("lpath=" + _lemma_path(up, lca, down))
    add(f"lca={lca.lemma_.lower()}")
    add(f"lca_pos={lca.pos_}")
    for cls in classes.get(lca.lemma_.lower(), ()):
        add(f"lca_class={cls}")
    on_path = [t for t in (*up[1:], lca, *down[1:]) if t.i not in (a.head.i, b.head.i)]
    for token in on_path:
        lemma = token.lemma_.lower()
        add(f"on_path={lemma}")
        for cls in classes.get(lemma, ()):
            add(f"path_class={cls}")
    for token in (lca, *lca.children):
        if token.dep_ in ("dobj", "attr", "nsubj", "nsubjpass") or token == lca:
            for cls in classes.get(token.lemma_.lower(), ()):
                add(f"lca_arg_class={cls}")
    # the preposition that introduces the second mention, with its head ("arrive|in")
    if b.head.dep_ == "pobj":
        marker = b.head.head
        add(f"prep_b={marker.lower_}")
        add(f"prep_head_b={marker.head.lemma_.lower()}|{marker.lower_}")
        for cls in classes.get(marker.head.lemma_.lower(), ()):
            add(f"prep_head_class_b={cls}|{marker.lower_}")
    if a.head.dep_ == "pobj":
        add(f"prep_a={a.head.head.lower_}")
    # a place or person that only qualifies a noun: "the Texas senator", "Putin's spokesman"
    if b.head.dep_ in ("compound", "amod", "poss", "nmod"):
        add(f"qualifies_b={b.head.head.lemma_.lower()}")
        for cls in classes.get(b.head.head.lemma_.lower(), ()):
            add(f"qualifies_b_class={cls}")
    if a.head.head.i == b.head.i or b.head.head.i == a.head.i:
        add("adjacent_heads")
    # the clause: "cancelled her visit", "called off the talks" are no visit and no talks; the
    # clause of the place (or partner) counts too: "told Rugby Special he would be fit in time
    # for the tour to New Zealand", "Monday's debate in New York will be ..."
    status, modality = _status(anchor, governor if governor is not None and governor != anchor else None)
    add(f"status={status}")
    for name, value in modality.items():
        add(name, value)
    add(f"tag={anchor.tag_}")
    # position and what lies between
    gap = abs(b.head.i - a.head.i)
    add(f"gap={min(gap // 3, 6)}")
    if b.head.i < a.head.i:
        add("b_first")
    between = {m.entity for m in people if min(a.head.i, b.head.i) < m.head.i < max(a.head.i, b.head.i)}
    between -= {a.entity, b.entity}
    # "Macron and Merkel spoke in Brussels": a person coordinated with the first stands beside it
    between -= {eid for t in a.head.conjuncts if (eid := entities.entity_at(t)) is not None}
    add(f"people_between={min(len(between), 2)}")
    if _in_quotation(b.head):
        add("b_in_quote")
    if _in_quotation(a.head):
        add("a_in_quote")
    if a.head.dep_ in ("nsubj", "nsubjpass") and b.head.dep_ in ("nsubj", "nsubjpass", "conj") and lca == a.head.head:
        add("both_subjects")
    if kind == "meet" and b.head in a.head.conjuncts:
        add("conjuncts")
    return Candidate(kind, a.entity, b.entity, sentence, anchor, status, features,
                     titles=tuple(dict.fromkeys(titles)), heads=(a.head, b.head))


def _status(anchor: Token, own: Token | None) -> tuple[str | None, dict[str, float]]:
    """Whether the clause of an event asserts it (None) or has it "cancelled", "denied" or
    "planned", and the clause's modality features; ``own``: the verb the second mention hangs on."""
    modality = _modality(anchor)
    negated = modality.get("neg") or (own is not None and _modality(own).get("neg"))
    if _cancelled(anchor) or (own is not None and _cancelled(own)) or modality.get("above_cancel") \
            or modality.get("child_cancel"):
        return "cancelled", modality
    if negated:
        return "denied", modality  # "did not visit", "never met"
    if not is_asserted(anchor) or (own is not None and not is_asserted(own)) or _due(anchor):
        return "planned", modality
    return None, modality


def _lift(token: Token, entities: DocEntities) -> Token:
    """The place a place qualifies, to read the sentence from: "S.C." in "Fort Mill, S.C.",
    "Louisville" in "Waterfront Park in Louisville", "Virginia" in "Williamsburg and Virginia"."""
    for _ in range(3):
        head = token.head
        if token.dep_ in ("appos", "npadvmod", "conj") and _is_place(head, entities):
            token = head
        elif token.dep_ == "pobj" and head.lower_ in ("in", "of") and _is_place(head.head, entities):
            token = head.head
        elif token.dep_ in ("compound", "nmod") and _is_place(head, entities):
            token = head
        else:
            break
    return token


def _is_place(token: Token, entities: DocEntities) -> bool:
    eid = entities.entity_at(token)
    return eid is not None and entities.by_id[eid].category == "Place"


def _governor(token: Token) -> tuple[Token | None, list[Token], str]:
    """The verb a phrase hangs from, through prepositions and event nouns ("told a rally in X",
    "during his visit to X"): the verb, the nouns passed, the first preposition."""
    nouns: list[Token] = []
    prep = "-"
    current = token
    for _ in range(6):
        if current.dep_ == "pobj":
            if prep == "-":
                prep = current.head.lower_
            current = current.head.head
        elif current.dep_ in ("dobj", "nsubj", "nsubjpass", "attr", "appos", "conj", "compound", "npadvmod"):
            current = current.head
        else:
            return None, nouns, prep
        if current.pos_ in ("VERB", "AUX"):
            return current, nouns, prep
        if current.pos_ in ("NOUN", "PROPN"):
            nouns.append(current)
        if current.head == current:
            break
    return None, nouns, prep


def _agent_entities(verb: Token, nouns: list[Token], entities: DocEntities, titles: list[Title]) -> set[str]:
    """The people doing ``verb``: its subjects (through xcomp, conj and advcl), the owners of
    the nouns ("his visit"), the noun a participle modifies ("Putin, speaking in X").
    Titles they were resolved through go to ``titles``."""
    found: set[str] = set()
    for noun in nouns:
        for child in noun.children:
            if child.dep_ == "poss" and (eid := resolve_person(child, entities, titles)):
                found.add(eid)
    head = verb
    for _ in range(4):
        subjects = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass", "agent")]
        for subject in subjects:
            for t in (subject, *subject.conjuncts, *(c for c in subject.children if c.dep_ == "pobj")):
                if (eid := resolve_person(t, entities, titles)):
                    found.add(eid)
        if subjects:
            break
        if head.dep_ in ("acl", "relcl") and (eid := resolve_person(head.head, entities, titles)):
            found.add(eid)
            break
        if head.dep_ in ("xcomp", "advcl", "conj", "pcomp", "ccomp") and head.head != head:
            head = head.head if head.head.pos_ != "ADP" else head.head.head
            continue
        break
    return found


def _adder(features: dict, kind: str):
    def add(name: str, value: float = 1.0) -> None:
        features[f"{kind}:{name}"] = value
    return add


def _sentence_features(sentence: Span, lede: bool) -> dict:
    """Features of the whole sentence: its trigger classes and whether it is the lede."""
    classes = triggers()
    found: dict[str, float] = {}
    for token in sentence:
        if token.pos_ in ("VERB", "NOUN", "ADV", "ADP", "AUX", "PART", "ADJ"):
            for cls in classes.get(token.lemma_.lower(), ()):
                found[f"sent_class={cls}"] = 1.0
    if lede:
        found["lede"] = 1.0
    if sentence.text.rstrip().endswith("?"):
        found["question"] = 1.0
    return found


def _path(a: Token, b: Token) -> tuple[list[Token], Token, list[Token]]:
    """Tokens from ``a`` up to the lowest common ancestor, the ancestor, and down to ``b``."""
    a_chain = [a, *a.ancestors]
    b_chain = [b, *b.ancestors]
    b_index = {t.i: n for n, t in enumerate(b_chain)}
    for n, token in enumerate(a_chain):
        if token.i in b_index:
            return a_chain[:n], token, list(reversed(b_chain[:b_index[token.i]]))
    return a_chain, a_chain[-1], list(reversed(b_chain))  # different sentences: no common ancestor


def _lemma_path(up: list[Token], lca: Token, down: list[Token]) -> str:
    inner_up = [t.lemma_.lower() for t in up[1:]]
    inner_down = [t.lemma_.lower() for t in down[:-1]]
    return ">".join(inner_up) + f"[{lca.lemma_.lower()}]" + "<".join(inner_down)


def _due(verb: Token) -> bool:
    """ "The meeting ... is due to take place", "is set to begin": an intention as the verb's complement."""
    classes = triggers()
    return (verb.lemma_ == "be" or "intention" in classes.get(verb.lemma_.lower(), ())) and any(
        child.dep_ in ("xcomp", "acomp") and (
            "intention" in classes.get(child.lemma_.lower(), ())
            or any(c.dep_ == "aux" and c.lower_ == "to" for c in child.children))
        for child in verb.children)


def _cancelled(verb: Token) -> bool:
    """Whether the verb, or a verb it hangs from, calls the event off ("cancelled", "postponed")."""
    classes = triggers()
    for token in (verb, *verb.ancestors):
        if token.pos_ == "VERB" and "cancel" in classes.get(token.lemma_.lower(), ()):
            return True
        if token.dep_ not in ("xcomp", "conj", "advcl", "ccomp", "acl", "relcl", "dobj", "pobj", "prep"):
            break
    return False


def _modality(verb: Token) -> dict[str, float]:
    """Negation, modals, the future and words of intention or cancellation over the clause."""
    classes = triggers()
    found: dict[str, float] = {}
    token = verb
    for depth in range(4):
        for child in token.children:
            if child.dep_ == "neg":
                found["neg"] = 1.0
            if child.dep_ in ("aux", "auxpass"):
                if is_modal(child, FUTURE):
                    found["future"] = 1.0
                elif is_modal(child):
                    found["modal"] = 1.0
                if child.lower_ == "to":
                    found["infinitive"] = 1.0
            if child.dep_ == "mark":
                found[f"mark={child.lower_}"] = 1.0
        lemma = token.lemma_.lower()
        if depth and token.pos_ in ("VERB", "AUX", "ADJ", "NOUN"):
            for cls in classes.get(lemma, ()):
                if cls in ("intention", "cancel", "remote"):
                    found[f"above_{cls}"] = 1.0
        if token.tag_ in ("VBZ", "VBP") and depth == 0:
            found["present"] = 1.0
        if present_progressive(token):
            found["present_progressive"] = 1.0
        if token.head == token:
            break
        token = token.head
    for child in verb.children:  # "the planned visit", "next week's summit": what qualifies the event
        if child.dep_ not in NOUN_MODIFIERS:
            continue
        for cls in classes.get(child.lemma_.lower(), ()):
            if cls in ("intention", "cancel"):
                found[f"child_{cls}"] = 1.0
    return found


def _in_quotation(token: Token) -> bool:
    """Whether the token stands inside quotation marks opened in its paragraph."""
    text = doc_text(token.doc)
    start = text.rfind("\n", 0, token.idx) + 1
    before = text[start:token.idx]
    straight = before.count('"')
    curly = before.count("\u201c") - before.count("\u201d")
    return straight % 2 == 1 or curly > 0
