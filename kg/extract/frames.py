"""Participation frames: who takes part in which gathering or meeting, sentence by sentence.

People who take part in one gathering (a debate, a summit, talks, a news conference, a
dinner, a launch) met each other and were at its place (``../shared/eval/GUIDELINES.md``).
The text says so in many shapes that share one skeleton, a person hanging on a
gathering or meeting word by a grammatical role:

- the word is a verb of meeting and the person its subject, object, "with" or "by"
  argument: "Brown was joined at the launch by Prescott and Milburn", "the senator
  convened top surrogates (including Turner and Woodley)", "A, B and C, who met in
  their teens";
- the word is a gathering noun the person's clause is at, during or after: "he declared
  at Saturday's debate", "Sanders said at the summit", "a news conference held with
  Cooley and Villaraigosa", "their ninth debate".

A coordinated list takes part as a whole (each conjunct, each member of an "including"
list). The roles and word classes become features of candidates
(:mod:`kg.extract.candidates`); what they weigh is learnt (``kg train``). Nothing here
decides that a meeting happened.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Token

from kg.lexicon import word_classes, words

FRAME_CLASSES = frozenset({"meet", "gathering"})  # the trigger classes a frame hangs on
CLIMB = 3  # clauses and phrases climbed from a person to find the word it takes part in
THROUGH = words("frame_dependencies.tsv", "through")  # what a phrase climbed through may be to its head
ATTACHED = words("frame_dependencies.tsv", "attached")  # how a gathering noun hangs on a verb


@dataclass(frozen=True)
class Participation:
    """A person taking part in the gathering or meeting a trigger word names."""

    entity: str
    mention: Token  # the person's head token
    trigger: Token  # the gathering noun or meeting verb
    role: str  # how the person hangs on it: "nsubj", "dobj", "with", "by", "nsubj^relcl", "nsubj@at", ...

    @property
    def classes(self) -> frozenset[str]:
        return trigger_classes(self.trigger)

    @property
    def base_role(self) -> str:
        """The role at the person's own word, before any clause climbed: "nsubj" of "nsubj^relcl"."""
        return self.role.split("^")[0]


def trigger_classes(token: Token) -> frozenset[str]:
    return word_classes("event_triggers.tsv").get(token.lemma_.lower(), frozenset()) & FRAME_CLASSES


def participations(entity: str, head: Token) -> list[Participation]:
    """Every gathering or meeting word the person mentioned at ``head`` takes part in."""
    group, role = _group(head)
    found: dict[int, Participation] = {}

    def take(trigger: Token, how: str) -> None:
        if trigger.i != head.i and trigger.i not in found and trigger_classes(trigger):
            found[trigger.i] = Participation(entity, head, trigger, how)

    for member in _members(group):  # "A, B and C, who met", "Sanders, meeting Reid,"
        for child in member.children:
            if child.dep_ in ("relcl", "acl"):
                take(child, "relcl")
                _attached(child, "relcl", take)
    current, how = group, role
    for _ in range(CLIMB):
        up = current.head
        if up == current:
            break
        if current.dep_ == "pobj" and up.dep_ in ("prep", "agent") and up.head != up:
            up = up.head  # through the preposition: "joined by X", "talks with X"
        take(up, how)
        _attached(up, how, take)
        if up.dep_ not in THROUGH:
            break
        current, how = up, f"{role}^{up.dep_}"  # climbed out of a clause or phrase
    return list(found.values())


def _group(token: Token) -> tuple[Token, str]:
    """The head of the list a mention belongs to ("Prescott and Milburn" -> Prescott; "including
    Turner and Woodley" -> the noun the list extends) and the role of that head."""
    classes = word_classes("event_triggers.tsv")
    group = token
    for _ in range(6):
        if group.dep_ in ("conj", "appos") and group.head != group:
            group = group.head
        elif group.dep_ == "pobj" and "listing" in classes.get(group.head.lower_, ()) and group.head.head != group.head:
            group = group.head.head
        else:
            break
    return group, _role_of(group)


def _members(group: Token) -> list[Token]:
    """Every name of the list a group head starts, however the parser chained it (conjuncts,
    appositions: "Obama, Clinton and Biden" is often Obama <-appos- Clinton <-conj- Biden)."""
    members, todo = [], [group]
    while todo:
        token = todo.pop()
        members.append(token)
        todo.extend(child for child in token.children  # not a description: "Obama, the president who ..."
                    if child.dep_ == "conj" or (child.dep_ == "appos" and child.pos_ == "PROPN"))
    return members


def _role_of(token: Token) -> str:
    if token.dep_ == "pobj":
        marker = token.head
        return "by" if marker.dep_ == "agent" else marker.lower_
    return token.dep_


def _attached(verb: Token, how: str, take) -> None:
    """Gathering nouns hanging on a verb the person does: "declared at the debate", "held a
    news conference", "attended the summit"."""
    for child in verb.children:
        if child.dep_ == "prep":
            for noun in child.children:
                if noun.dep_ == "pobj":
                    take(noun, f"{how}@{child.lower_}")
        elif child.dep_ in ATTACHED:
            take(child, f"{how}@{child.dep_}")


def shared(first: Iterable[Participation], second: Iterable[Participation]) -> list[tuple[Participation, Participation]]:
    """The pairs of participations of two people in the same trigger word."""
    by_trigger = {p.trigger.i: p for p in second}
    return [(p, by_trigger[p.trigger.i]) for p in first if p.trigger.i in by_trigger]
