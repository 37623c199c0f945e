"""In-article joining: the mentions of one article joined into its entities.

"Vladimir Putin" ... "Putin"; "Hmeimim air base" ... "Khmeimim base"; "HP" after
"Hewlett-Packard"; "Indianapolis" for the Indianapolis Colts in a sports report. The
result is the article's :class:`~kg.extract.references.DocEntities`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from kg import lexicon
from kg.extract.grammar import doc_datelines, doc_text, tokens
from kg.extract.mentions import PLACE_PREPS, PLACE_WORDS, Headlines, is_team_tail
from kg.extract.references import GENDER_HONORIFICS, PRONOUN_GENDER, DocEntities, position_before
from kg.facts import PLACE_TYPES, Entity
from kg.names import compact, name_tokens, person_key, place_key, strip_possessive


@dataclass
class _Cluster:
    """A growing entity while the article is read."""

    type: str
    key: str
    mentions: list[Span] = field(default_factory=list)
    canonical: str | None = None
    link: str | None = None
    gender: str | None = None


def cluster_mentions(doc: Doc, mentions: list[tuple[Span, dict]], headlines: Headlines) -> DocEntities:
    """Join an article's typed mentions, in text order, into its entities."""
    clusters: list[_Cluster] = []
    by_key: dict[tuple[str, str], _Cluster] = {}
    persons: list[_Cluster] = []
    acronyms = _defined_acronyms(doc, mentions)
    for span, info in mentions:
        if not any(ch.isalnum() for ch in span.text):
            continue  # ":" or "." the model tagged: no name at all
        etype = info["type"]
        category = _category(etype)
        if etype == "Person" and info.get("canonical"):  # an alias table names the person
            key = person_key(info["canonical"])
            cluster = by_key.get(("Person", key))
            if cluster is None:
                cluster = _Cluster(type="Person", key=key, canonical=info["canonical"], link=info.get("link"))
                by_key[("Person", key)] = cluster
                persons.append(cluster)
            cluster.canonical = cluster.canonical or info["canonical"]
            cluster.link = cluster.link or info.get("link")
        elif etype == "Person":
            if not could_be_person_name(span):
                continue  # "$280bn" the model tagged PERSON: no one's name
            cluster = _person_cluster(span, persons, by_key)
        else:
            name = info.get("canonical") or info.get("name") or acronyms.get(span.text) or span.text
            key = place_key(name)
            cluster = by_key.get((category, key))
            if cluster is None and category == "Place" and etype != "MilitaryBase":
                cluster = by_key.get(("Place", key + " base"))  # "Tartus and Khmeimim" bases
            if cluster is None:
                cluster = _Cluster(type=etype, key=key, canonical=info.get("canonical"), link=info.get("link"))
                by_key[(category, key)] = cluster
                if etype == "MilitaryBase":
                    by_key[("Place", key + " base")] = cluster
            elif _more_specific(etype, cluster.type) or (etype == "Region" and cluster.type == "City"):
                if etype == "Region":
                    cluster.link = None  # the GeoNames hit was the city of that name
                cluster.type = etype  # "the Latakia province" tells more than the city list
            cluster.link = cluster.link or info.get("link")
        if cluster not in clusters:
            clusters.append(cluster)
        cluster.mentions.append(span)

    clusters = _join_retyped(clusters, headlines, frozenset(doc_datelines(doc)))
    clusters = _join_team_places(doc, _join_short_forms(clusters, headlines))
    token_entity: dict[int, str] = {}
    entities, positions, genders = [], {}, {}
    clusters = [c for c in clusters if c.type != "Person" or _named_as_person(c) or not _spoken_of_as_a_thing(c)]
    for number, cluster in enumerate(clusters):
        eid = f"e{number}"
        for span in cluster.mentions:
            for token in span:
                token_entity[token.i] = eid
        names = tuple(_surface(span, cluster) for span in cluster.mentions)
        entities.append(Entity(
            id=eid, type=cluster.type, names=names,
            spans=tuple((s.start_char, s.end_char) for s in cluster.mentions),
            canonical=cluster.canonical, link=cluster.link,
        ))
        if cluster.type == "Person":
            positions[eid] = [p for span in cluster.mentions if (p := position_before(span))]
            if cluster.gender:
                genders[eid] = cluster.gender
    return DocEntities(doc, entities, token_entity, positions, genders)


def _named_as_person(cluster: _Cluster) -> bool:
    """Whether the article writes the person's name as a person's: a given name with the
    surname, an honorific or an office before it, or a name an alias table knows."""
    return bool(cluster.canonical or cluster.gender or any(len(name_tokens(s.text)) > 1 for s in cluster.mentions)
                or any(position_before(s) for s in cluster.mentions))


THING_PRONOUNS = lexicon.words("pronouns.tsv", "thing")
RELATIVE_THING = lexicon.words("pronouns.tsv", "relative")
PERSON_PRONOUNS = frozenset(PRONOUN_GENDER) | lexicon.words("pronouns.tsv", "person")


def _spoken_of_as_a_thing(cluster: _Cluster) -> bool:
    """Whether the pronouns that refer back to the name call it a thing more often than a
    person ("Pfizer said it would", "Novartis and its rivals", "Yukos, which" against "Reddy
    said he"). One word the model tagged PERSON, never written as a person's name, that the
    article calls "it" is a company, a product or a place, not a person."""
    votes = [_pronoun_after(span) for span in cluster.mentions]
    return votes.count("thing") > votes.count("person")


def _pronoun_after(span: Span) -> str | None:
    """ "thing" or "person": what the first subject or owner after a mention in its sentence
    calls it, when that is a pronoun that can refer back to it; None when another subject
    comes first ("Alonso said the team had lost its way"), or the pronoun cannot be the
    mention's: an "it" of "be" ("Obama said it was time"), one outside the mention's clause,
    a "which" of another noun or after an object."""
    root = span.root
    clause = root.head if root.dep_ in ("nsubj", "nsubjpass") else root
    for token in span.doc[span.end:span.sent.end]:
        if token.dep_ not in ("nsubj", "nsubjpass", "poss"):
            continue
        lower = token.lower_
        if lower in RELATIVE_THING:
            # "Doubleclick, which sells ...": a subject's; after an object it may be the whole
            # clause's ("The board sacked Alonso, which surprised the fans")
            if (token.head.dep_ == "relcl" and span.start <= token.head.head.i < span.end
                    and root.dep_ in ("nsubj", "nsubjpass")):
                return "thing"
            continue
        if lower in PERSON_PRONOUNS:
            return "person" if clause in token.ancestors else None
        if lower in THING_PRONOUNS:
            expletive = token.dep_ != "poss" and token.head.lemma_ == "be"
            return "thing" if clause in token.ancestors and not expletive else None
        if token.dep_ != "poss":
            return None  # another subject: what follows is about it
    return None


def could_be_person_name(span: Span) -> bool:
    """Whether a span could be a person's name: it has a word of letters and no digits."""
    return any(t.is_alpha for t in span) and not any(ch.isdigit() for ch in span.text)


def _category(etype: str) -> str:
    return PLACE_TYPES.get(etype, etype)


def _fold(text: str) -> str:
    """ "the Seacom's" -> "seacom": a name with case, accents, punctuation and spaces ignored."""
    return compact(re.sub(r"^(?:the|The)\s+", "", strip_possessive(text)))


def _absorb(winner: _Cluster, loser: _Cluster) -> None:
    winner.mentions = sorted(winner.mentions + loser.mentions, key=lambda s: s.start)
    winner.link = winner.link or loser.link
    winner.gender = winner.gender or loser.gender


def _join_retyped(clusters: list[_Cluster], headlines: Headlines,
                  datelined: frozenset[tuple[int, int]] = frozenset()) -> list[_Cluster]:
    """One name written in one article is one entity, however the model typed each mention.

    "Seacom" tagged PERSON in one sentence and ORG in two others becomes one
    organisation: the type most of its mentions outside headlines got (all of its
    mentions, then the first one's on a tie). A place the dateline names stays a place
    ("LOUISVILLE, Ky. (AP) -" beside "Louisville" tagged ORG; ``datelined``: the character
    spans :func:`kg.extract.grammar.datelines` gives). Names the gazetteers or alias tables
    typed, and bases, keep their type.

    Cross-article counterpart: :mod:`kg.resolution.retyped` (phase ``retyped.v1``).
    """
    def weight(c: _Cluster) -> tuple[bool, int, int]:  # a headline's tags count less than the body's
        dateline = c.type in PLACE_TYPES and any((s.start_char, s.end_char) in datelined for s in c.mentions)
        return dateline, sum(not headlines.is_headline_line(s[0]) for s in c.mentions), len(c.mentions)

    by_form: dict[str, _Cluster] = {}
    absorbed: set[int] = set()
    for cluster in clusters:
        if cluster.canonical or cluster.type == "MilitaryBase":
            continue
        full = [s for s in cluster.mentions if cluster.type != "Person" or person_key(s.text) == cluster.key]
        for form in sorted({_fold(s.text) for s in full} - {""}):
            other = by_form.setdefault(form, cluster)
            if other is cluster or id(other) in absorbed or _category(other.type) == _category(cluster.type):
                continue
            winner, loser = (other, cluster) if weight(other) >= weight(cluster) else (cluster, other)
            _absorb(winner, loser)
            absorbed.add(id(loser))
            by_form[form] = winner
            if loser is cluster:
                break
    return [c for c in clusters if id(c) not in absorbed]


FUNCTION_WORDS = lexicon.words("name_words.tsv", "initialism")  # the words an acronym skips


def name_initials(words: list[str]) -> set[str]:
    """The acronyms of a name's words, with and without its function words.

    >>> sorted(name_initials("academy of motion picture arts and sciences".split()))
    ['ampas', 'aompaas']
    """
    return {"".join(w[0] for w in words), "".join(w[0] for w in words if w not in FUNCTION_WORDS)}


def _join_short_forms(clusters: list[_Cluster], headlines: Headlines) -> list[_Cluster]:
    """ "Saints" after "New Orleans Saints", "EYP" after "EYP Mission Critical Facilities",
    "HP" after "Hewlett-Packard": an organisation's short form joins the one longer
    organisation name of the article that begins or ends with it or whose initials it is,
    when the article's body wrote the long form first (a short name written first, "HP"
    before "HP Services", names the whole, not the part; a headline is written last).

    Cross-article counterpart: :mod:`kg.resolution.short_names` (phase ``short-names.v1``).
    """
    def first(c: _Cluster) -> int:
        return min((s.start for s in c.mentions if not headlines.is_headline_line(s[0])), default=c.mentions[0].start)

    organizations = [c for c in clusters if c.type == "Organization" and not c.canonical]
    absorbed: set[int] = set()
    for short in organizations:
        words = short.key.split()
        if not words or len(words) > 2:
            continue
        acronym = len(words) == 1 and all(s.text.isupper() for s in short.mentions)
        candidates = [
            long for long in organizations
            if long is not short and id(long) not in absorbed and len(lw := long.key.split()) > len(words)
            and first(long) < first(short)
            and (lw[:len(words)] == words or lw[-len(words):] == words or (acronym and words[0] in name_initials(lw)))
        ]
        if len(candidates) == 1:
            _absorb(candidates[0], short)
            absorbed.add(id(short))
    return [c for c in clusters if id(c) not in absorbed]


# Words of sports reports: with a team in the article, a place name that is no place is a team.
SPORTS_WORDS = lexicon.words(PLACE_WORDS, "sports")
_GAME_SCORE = re.compile(r"\b\d{1,3}-\d{1,3}\b")


def _join_team_places(doc: Doc, clusters: list[_Cluster]) -> list[_Cluster]:
    """ "Indianapolis (11-4) made a comeback": in a sports report, a place name used as no
    place ("in Indianapolis", "the Indianapolis area") stands for its team: the Indianapolis
    Colts when the article names them, else a team of that name (which other articles join
    to its full name)."""
    teams: dict[str, _Cluster] = {}  # "indianapolis" -> the Indianapolis Colts
    names_team = False
    for cluster in clusters:
        words = cluster.key.split()
        if cluster.type != "Organization" or cluster.canonical or not is_team_tail(words[-1:]):
            continue
        names_team = True
        for cut in range(len(words) - 1, 0, -1):
            if is_team_tail(words[cut:]):
                teams.setdefault(" ".join(words[:cut]), cluster)
    sports_words = len({t.lower_ for t in tokens(doc)} & SPORTS_WORDS)
    # A report names a team, or has the words and a score of a game: "Creighton defeated Drake, 65-53".
    sports = sports_words >= 2 and names_team or sports_words >= 3 and bool(_GAME_SCORE.search(doc_text(doc)))
    if not sports and not teams:
        return clusters
    kept = []
    for cluster in clusters:
        team = teams.get(cluster.key)
        if (team is cluster or cluster.canonical or cluster.type not in ("City", "Region", "Place", "Organization")
                or team is None and (not sports or cluster.type == "Organization")):
            kept.append(cluster)
            continue
        moved = [span for span in cluster.mentions if not _as_place(span)]
        if not moved:
            kept.append(cluster)
            continue
        if team is None:
            team = _Cluster(type="Organization", key=cluster.key)
            kept.append(team)
        team.mentions = sorted(team.mentions + moved, key=lambda s: s.start)
        cluster.mentions = [span for span in cluster.mentions if _as_place(span)]
        if cluster.mentions:
            kept.append(cluster)
    return kept


def _as_place(span: Span) -> bool:
    """Whether a place name is used as a place: after "in", "at", "from" ..., before a
    common noun ("the Boston area", "Philadelphia police"), or in the dateline."""
    doc = span.doc
    if (span.start_char, span.end_char) in doc_datelines(doc):
        return True
    before = doc[span.start - 1] if span.start > 0 else None
    after = doc[span.end] if span.end < len(doc) else None
    return (before is not None and before.lower_ in PLACE_PREPS
            or after is not None and after.is_alpha and after.text.islower() and after.pos_ == "NOUN")


def _defined_acronyms(doc: Doc, mentions: list[tuple[Span, dict]]) -> dict[str, str]:
    """ "Advanced Micro Devices (AMD)": the acronym stands for the name before it."""
    found = {}
    for span, info in mentions:
        if info["type"] != "Organization" or span.end + 2 >= len(doc) or len(span) < 2:
            continue
        opening, acronym, closing = doc[span.end], doc[span.end + 1], doc[span.end + 2]
        if opening.text == "(" and closing.text == ")" and acronym.text.isupper() and 2 <= len(acronym.text) <= 8:
            found[acronym.text] = span.text
    return found


def _surface(span: Span, cluster: _Cluster) -> str:
    if cluster.type == "Person":
        return " ".join(name_tokens(span.text))
    return strip_possessive(span.text)


def _person_cluster(span: Span, persons: list[_Cluster], by_key: dict) -> _Cluster:
    """Join "Putin" to "Vladimir Putin" and "Mr Howard" to the nearest Howard named in full.

    Cross-article counterpart: :mod:`kg.resolution.bare_names` (phase ``bare-names.v1``).
    """
    doc = span.doc
    honorific = doc[span.start - 1].lower_ if span.start > 0 else ""
    gender = GENDER_HONORIFICS.get(honorific) or GENDER_HONORIFICS.get(span[0].lower_)
    key = person_key(span.text)
    if not key:
        key = span.text.lower()
    words = key.split()
    cluster = by_key.get(("Person", key))
    if cluster is None and len(words) == 1:
        # A single name: the person named in full with it whom the article has mentioned
        # most so far ("Peterson" in a story about Scott Peterson that names Laci Peterson),
        # the last named of those on a tie.
        fits = [candidate for candidate in persons
                if words[0] in (ckeys := candidate.key.split()) and len(ckeys) > 1
                and (gender is None or candidate.gender in (None, gender))]
        if fits:
            cluster = max(reversed(fits), key=lambda c: len(c.mentions))
    elif cluster is None:
        # A fuller name after a short one ("Putin" in the headline, "Vladimir Putin" later;
        # "Bill is back" ... "Bill Clinton").
        for candidate in persons:
            cwords = candidate.key.split()
            if len(cwords) == 1 and cwords[0] in (words[-1], words[0]):
                cluster = candidate
                cluster.key = key
                by_key[("Person", key)] = cluster
                break
    if cluster is None:
        cluster = _Cluster(type="Person", key=key)
        persons.append(cluster)
        by_key[("Person", key)] = cluster
    if gender and cluster.gender is None:
        cluster.gender = gender
    return cluster


def _more_specific(new: str, old: str) -> bool:
    return old == "Place" and new in ("Country", "City", "Region", "MilitaryBase")
