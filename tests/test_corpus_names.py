"""Names other articles tagged, found again where the model missed them (no model involved)."""

from __future__ import annotations

import json

from kg.corpus_names import add_corpus_names, corpus_lexicon
from kg.facts import ArticleFacts, Entity
from kg.pipeline import build
from kg.resolution import resolve_entities

TEXT = "TMZ reported that Wladimir Klitschko's fight in Evansville was sold out."


def tagged(article_id, *entities):
    """An article whose entities are (type, name, start) tuples, each one mention."""
    return ArticleFacts(article_id, tuple(
        Entity(f"e{n}", etype, (name,), spans=((start, start + len(name)),)) for n, (etype, name, start) in enumerate(entities)
    ), ())


def untagged(article_id, *runs):
    return ArticleFacts(article_id, (), (), unclaimed=tuple(runs))


def test_a_name_two_articles_tagged_is_found_where_the_model_missed_it():
    corpus = [
        tagged("a1", ("Person", "Wladimir Klitschko", 0), ("Organization", "TMZ", 30)),
        tagged("a2", ("Person", "Wladimir Klitschko", 5), ("Organization", "TMZ", 40)),
        untagged("a3", (0, "TMZ"), (19, "Wladimir Klitschko's")),
    ]
    found = {e.names[0]: e for e in add_corpus_names(corpus)[2].entities}
    assert found["TMZ"].type == "Organization" and found["TMZ"].spans == ((0, 3),)
    assert found["Wladimir Klitschko"].type == "Person" and found["Wladimir Klitschko"].spans == ((19, 37),)
    resolution = resolve_entities(add_corpus_names(corpus))
    assert resolution.members[("a3", found["TMZ"].id)] == resolution.members[("a1", "e1")]


def test_the_longest_known_name_of_a_headline_run_is_taken():
    corpus = [tagged(f"a{n}", ("Person", "Wladimir Klitschko", 0), ("Person", "Klitschko", 30)) for n in (1, 2)]
    corpus.append(untagged("a3", (10, "Wladimir Klitschko Cruises Again")))
    (entity,) = add_corpus_names(corpus)[2].entities
    assert entity.names == ("Wladimir Klitschko",) and entity.spans == ((10, 28),)


def test_of_overlapping_known_names_the_leftmost_is_taken():
    """Leftmost-longest (kg.extract.name_search): "Jabhat Nusra", not the longer "Nusra Front Fighters"."""
    corpus = [tagged(f"a{n}", ("Organization", "Jabhat Nusra", 0), ("Organization", "Nusra Front Fighters", 20))
              for n in (1, 2)]
    corpus.append(untagged("a3", (5, "Jabhat Nusra Front Fighters")))
    (entity,) = add_corpus_names(corpus)[2].entities
    assert entity.names == ("Jabhat Nusra",) and entity.spans == ((5, 17),)


def test_one_article_or_a_split_vote_is_not_enough():
    one = [tagged("a1", ("Organization", "Evansville", 0)), untagged("a2", (0, "Evansville"))]
    assert add_corpus_names(one)[1].entities == ()
    split = [tagged("a1", ("Organization", "Drake", 0)), tagged("a2", ("Person", "Drake", 0)),
             untagged("a3", (0, "Drake"))]
    assert "Drake" not in corpus_lexicon(split)
    assert add_corpus_names(split)[2].entities == ()


def test_titles_and_nationalities_are_never_names():
    corpus = [tagged(f"a{n}", ("Organization", "President", 0), ("Place", "American", 20)) for n in (1, 2)]
    assert corpus_lexicon(corpus) == {}


def test_a_surname_found_joins_the_one_person_named_in_full():
    corpus = [tagged(f"a{n}", ("Person", "Klitschko", 0)) for n in (1, 2)]
    corpus.append(ArticleFacts("a3", (Entity("e0", "Person", ("Wladimir Klitschko",), spans=((0, 18),)),), (),
                               unclaimed=((40, "Klitschko"),)))
    (entity,) = add_corpus_names(corpus)[2].entities
    assert entity.spans == ((0, 18), (40, 49)) and entity.names == ("Wladimir Klitschko", "Klitschko")


def test_a_surname_tagged_alone_gets_the_given_name_written_before_it():
    corpus = [tagged(f"a{n}", ("Person", "Esther Williams", 0)) for n in (1, 2)]
    corpus.append(ArticleFacts("a3", (Entity("e0", "Person", ("Williams", "Williams"), spans=((7, 15), (40, 48))),), (),
                               unclaimed=((0, "Esther"),)))
    (entity,) = add_corpus_names(corpus)[2].entities
    assert entity.names == ("Esther Williams", "Williams") and entity.spans == ((0, 15), (40, 48))


def test_the_result_does_not_depend_on_article_order():
    corpus = [tagged("a1", ("Organization", "TMZ", 0)), tagged("a2", ("Organization", "TMZ", 0)),
              untagged("a3", (0, "TMZ")), untagged("a4", (5, "TMZ"))]
    forward = {f.article_id: f for f in add_corpus_names(corpus)}
    backward = {f.article_id: f for f in add_corpus_names(corpus[::-1])}
    assert forward == backward


def test_a_build_finds_the_name_again_and_keeps_it_after_a_store_round_trip(tmp_path):
    texts = ["Wladimir Klitschko won his fight in Bern.",
             "Wladimir Klitschko defended his titles against Tony Thompson on Saturday.",
             "Klitschko vs Thompson II Results: Wladimir Klitschko Cruises Again\n"
             "Wladimir Klitschko won his 16th straight fight today."]  # the model tags no Klitschko here
    path = tmp_path / "articles.jsonl"
    path.write_text("".join(json.dumps({"id": f"t{n}", "text": t}) + "\n" for n, t in enumerate(texts)))
    result = build([path], None, validate_graph=False, formats=(), store=tmp_path / "store")
    found = {f.article_id: [s for e in f.entities if "Wladimir Klitschko" in e.names for s in e.spans]
             for f in result.facts}
    third = texts[2]
    assert [third[s:e] for s, e in found["t2"]] == ["Wladimir Klitschko", "Wladimir Klitschko"]
    nodes = {result.resolution.members[(f.article_id, e.id)]
             for f in result.facts for e in f.entities if "Wladimir Klitschko" in e.names}
    assert len(nodes) == 1
    # Facts reloaded from the store give the same entities.
    again = build([path], None, validate_graph=False, formats=(), store=tmp_path / "store")
    assert [f.entities for f in again.facts] == [f.entities for f in result.facts]


def test_found_entities_are_named_by_their_name_not_their_order():
    """A store keeps IRIs by (article, entity id): an id must mean the same name in every build."""
    base = [tagged(f"a{n}", ("Organization", "TMZ", 0), ("Person", "Wladimir Klitschko", 9)) for n in (1, 2)]
    alone = add_corpus_names([*base[:1], untagged("a3", (0, "TMZ"), (9, "Wladimir Klitschko"))] + base[1:])
    ids = {e.names[0]: e.id for e in alone[1].entities}
    assert ids == {"TMZ": "c-organization-tmz", "Wladimir Klitschko": "c-person-wladimir-klitschko"}
    spelled = add_corpus_names([*base, tagged("a4", ("Organization", "T-Mobile", 0)), tagged("a5", ("Organization", "T Mobile", 0)),
                                tagged("a6", ("Organization", "T Mobile", 0)), tagged("a7", ("Organization", "T-Mobile", 0)),
                                untagged("a8", (0, "T-Mobile"), (20, "T Mobile"))])
    (entity,) = spelled[-1].entities
    assert entity.id == "c-organization-t-mobile" and entity.spans == ((0, 8), (20, 28))
