"""One node per real-world entity, across articles and across runs (persistent store)."""

from __future__ import annotations

import json

import pytest
from rdflib import RDF, RDFS
from rdflib.compare import isomorphic

from kg.pipeline import build, remove
from kg.vocab import KG

A = {"id": "a", "date": "2019-03-04",
     "text": "French President Emmanuel Macron met German Chancellor Angela Merkel in Berlin on Monday. "
             "Macron said the talks were useful."}
B = {"id": "b", "date": "2019-03-05",
     "text": "Emmanuel Macron visited Hamburg on Tuesday. \"We are ready,\" Macron said."}
C = {"id": "c", "date": "2019-03-06",
     "text": "Jacinda Ardern visited Auckland on Wednesday and met Winston Peters."}


def write(path, *records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def labels(graph):
    return {str(o) for o in graph.objects(None, RDFS.label)}


def nodes_named(graph, name):
    return {s for s, o in graph.subject_objects(RDFS.label) if str(o) == name}


@pytest.fixture()
def files(tmp_path):
    return {name: write(tmp_path / f"{name}.jsonl", record) for name, record in (("a", A), ("b", B), ("c", C))}


def test_incremental_build_equals_one_shot(tmp_path, files):
    store = tmp_path / "store"
    build([files["a"]], None, store=store)
    incremental = build([files["b"]], None, store=store).graph
    one_shot = build([files["a"], files["b"]], None).graph
    assert isomorphic(incremental, one_shot)
    assert len(nodes_named(incremental, "Emmanuel Macron")) == 1


def test_adding_an_article_twice_changes_nothing(tmp_path, files):
    store = tmp_path / "store"
    first = build([files["a"], files["b"]], None, store=store).graph
    second = build([files["a"]], None, store=store).graph
    assert isomorphic(first, second)
    assert len(list((store / "facts").iterdir())) == 2


def test_removal_drops_facts_and_orphaned_entities(tmp_path, files):
    store = tmp_path / "store"
    build([files["a"], files["c"]], None, store=store)
    after, missing = remove(store, ["c", "nope"])
    assert missing == ["nope"]
    assert "Jacinda Ardern" not in labels(after.graph)
    assert "Auckland" not in labels(after.graph)
    assert "Emmanuel Macron" in labels(after.graph)
    alone = build([files["a"]], None).graph
    assert isomorphic(after.graph, alone)


def test_iris_survive_unrelated_articles(tmp_path, files):
    store = tmp_path / "store"
    before = build([files["a"]], None, store=store).graph
    after = build([files["c"]], None, store=store).graph
    for name in ("Emmanuel Macron", "Angela Merkel", "Berlin"):
        assert nodes_named(before, name) == nodes_named(after, name)


def test_store_is_queryable_with_sparql(tmp_path, files):
    from kg.query import open_store, query_text, run_query

    store = tmp_path / "store"
    build([files["b"]], None, store=store)
    table = run_query(open_store(store), query_text("visits"))
    assert ["Emmanuel Macron", "Hamburg", "2019-03-05", "b"] in table.rows


def test_two_people_sharing_a_surname_stay_apart(tmp_path):
    path = write(tmp_path / "h.jsonl", {
        "id": "h", "text": "Michael Howard met voters in Bournemouth. Sandra Howard visited Leeds. "
                           "Howard said little."})
    graph = build([path], None).graph
    people = {str(o) for s, o in graph.subject_objects(RDFS.label) if (s, RDF.type, KG.Person) in graph}
    assert {"Michael Howard", "Sandra Howard"} <= people


def test_a_person_never_merges_with_a_place(tmp_path):
    path = write(tmp_path / "g.jsonl",
                 {"id": "g1", "text": "Jordan Peterson visited Jordan on Monday."},
                 {"id": "g2", "text": "King Abdullah met ministers in Jordan."})
    graph = build([path], None).graph
    for entity in graph.subjects(RDF.type, KG.Person):
        assert (entity, RDF.type, KG.Country) not in graph and (entity, RDF.type, KG.Place) not in graph
    assert nodes_named(graph, "Jordan") and nodes_named(graph, "Jordan Peterson")
    assert nodes_named(graph, "Jordan") != nodes_named(graph, "Jordan Peterson")


def test_alias_file_forces_a_merge_and_a_link(tmp_path):
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("surface,canonical,type,wikidata\nMuammar Qaddafi,Muammar Gaddafi,Person,Q19878\n"
                       "Col Gaddafi,Muammar Gaddafi,Person,Q19878\n")
    path = write(tmp_path / "l.jsonl",
                 {"id": "l1", "text": "Muammar Qaddafi visited Rome in 2009."},
                 {"id": "l2", "text": "Col Gaddafi met Silvio Berlusconi in Tripoli."})
    graph = build([path], None, aliases=aliases).graph
    (node,) = nodes_named(graph, "Muammar Gaddafi")
    assert (node, None, None) in graph
    assert any("Q19878" in str(o) for o in graph.objects(node, None))
    assert (node, KG.visited, None) in graph and (node, KG.met, None) in graph


def test_bad_alias_file_names_the_line(tmp_path):
    from kg.errors import InputError
    from kg.gazetteer import read_aliases

    aliases = tmp_path / "aliases.csv"
    aliases.write_text("surface,canonical,type,wikidata\nIS,,Organization,\n")
    with pytest.raises(InputError) as info:
        read_aliases(aliases)
    assert info.value.line == 2 and str(aliases) in str(info.value)


def test_explain_lists_the_names_that_joined(sample_build):
    from kg.pipeline import explain_all

    entities = explain_all(sample_build.resolution)
    (base,) = [e for e in entities.values() if e["type"] == "MilitaryBase"]
    surfaces = {m["surface"] for m in base["mentions"]}
    assert {"Hmeimim air base", "Hmeymim base", "Khmeimim base"} <= surfaces
    assert len({m["article"] for m in base["mentions"]}) == 2
    assert all(m["rule"] for m in base["mentions"])


def test_entities_json_is_written_a_node_at_a_time_as_json_writes_the_whole(sample_build):
    import io
    import json

    from kg.pipeline import explain_all, write_entities

    written = io.StringIO()
    write_entities(sample_build.resolution, written)
    whole = json.dumps(explain_all(sample_build.resolution), indent=1, ensure_ascii=False)
    assert written.getvalue() == whole and whole.count("\n  \"mentions\": [") > 10
    assert json.loads(written.getvalue()) == explain_all(sample_build.resolution)


def test_one_office_written_two_ways_has_one_label_and_the_graph_conforms(tmp_path):
    from rdflib import RDF, RDFS

    from kg.pipeline import build
    from kg.vocab import KG

    (tmp_path / "a.txt").write_text("Vice-President Joe Biden visited Kyiv on Monday.\n")
    (tmp_path / "b.txt").write_text("Vice President Joe Biden spoke in Ohio on Tuesday.\n")
    (tmp_path / "c.txt").write_text("The firm's Director- Jane Smith resigned.\n")
    result = build([tmp_path], None)
    assert result.validation.conforms, result.validation.violations
    labels = {str(o) for s in result.graph.subjects(RDF.type, KG.Position) for o in result.graph.objects(s, RDFS.label)}
    assert "Vice President" in labels or any(label.startswith("Vice President") for label in labels)
    assert not any("-" in label for label in labels)


def test_a_second_writer_says_it_waits_for_the_store_lock(tmp_path):
    import threading
    import time

    from kg.store import FactStore

    root = tmp_path / "store"
    root.mkdir()
    held, release = threading.Event(), threading.Event()

    def first_build():
        with FactStore(root).lock():
            held.set()
            release.wait(10)

    thread = threading.Thread(target=first_build)
    thread.start()
    held.wait(10)
    said: list[str] = []
    threading.Timer(0.3, release.set).start()
    started = time.monotonic()
    with FactStore(root).lock(on_wait=said.append):
        waited = time.monotonic() - started
    thread.join()
    assert said and "held by another kg build" in said[0] and waited >= 0.2
    quiet: list[str] = []
    with FactStore(root).lock(on_wait=quiet.append):  # positive control: a free store says nothing
        pass
    assert quiet == []


def org_articles(*names, first=0):
    from kg.facts import ArticleFacts, Entity

    return [ArticleFacts(f"a{n}", (Entity("e1", "Organization", (name,)),), ()) for n, name in enumerate(names, first)]


def test_a_key_stays_with_the_part_that_holds_most_of_what_it_named():
    """Sparse evidence joined "Gazprom and Rosneft" to Rosneft (one longer name ending with it);
    a later article ending with it too splits them. The key goes with the two Rosneft
    mentions, not to the one mention whose label sorts first."""
    from kg.resolution import resolve_entities

    articles = org_articles("Rosneft", "Rosneft", "Gazprom and Rosneft")
    joined = resolve_entities(articles)
    assert len(set(joined.members.values())) == 1  # the control: with three articles the three are one
    key = joined.node_of("a0", "e1")
    grown = resolve_entities(articles + org_articles("Yukos and Rosneft", first=3), known=joined.members)
    assert grown.node_of("a0", "e1") == grown.node_of("a1", "e1") == key
    assert grown.nodes[key].label == "Rosneft"
    assert grown.node_of("a2", "e1") != key and grown.nodes[grown.node_of("a2", "e1")].label == "Gazprom and Rosneft"


def test_a_retired_key_is_never_given_again_and_a_key_keeps_its_category():
    from kg.facts import ArticleFacts, Entity
    from kg.resolution import Registry, resolve_entities

    person = [ArticleFacts("p", (Entity("e1", "Person", ("Ryanair",)),), ())]
    assert resolve_entities(person).node_of("p", "e1") == "person/ryanair"  # the control
    retired = Registry({}, retired=["person/ryanair"])
    assert resolve_entities(person, known=retired).node_of("p", "e1") == "person/ryanair-2"
    # the model typed it ORG this time: a key that says person/ names no organisation
    org = [ArticleFacts("p", (Entity("e1", "Organization", ("Ryanair",)),), ())]
    assert resolve_entities(org, known={("p", "e1"): "person/ryanair"}).node_of("p", "e1") == "organization/ryanair"
    assert resolve_entities(person, known={("p", "e1"): "person/ryanair-7"}).node_of("p", "e1") == "person/ryanair-7"


def test_the_registry_keeps_retired_keys_and_reads_its_older_form(tmp_path):
    from kg.store import FactStore

    store = FactStore(tmp_path / "s")
    store.save_registry({("a", "e1"): "person/ryanair", ("b", "e1"): "organization/ryanair"})
    store.save_registry({("a", "e1"): "organization/ryanair", ("b", "e1"): "organization/ryanair"})
    registry = store.registry()
    assert registry == {("a", "e1"): "organization/ryanair", ("b", "e1"): "organization/ryanair"}
    assert registry.retired == {"person/ryanair"}
    store.save_registry({("a", "e1"): "organization/ryanair"})
    assert store.registry().retired == {"person/ryanair"}  # retired for good, not only until the next build
    (tmp_path / "s" / "registry.json").write_text(json.dumps([["a", "e1", "person/x"]]))
    assert store.registry() == {("a", "e1"): "person/x"} and store.registry().retired == set()
    (tmp_path / "s" / "registry.json").write_text('{"members": 3}')
    from kg.errors import GraphError

    with pytest.raises(GraphError, match="registry.json: unreadable IRI registry"):
        store.registry()


def test_canonical_graphs_are_equal_but_for_the_names_kg_gave_its_nodes(tmp_path):
    from kg.store import FactStore, canonical_graph
    from kg.vocab import DEFAULT_BASE as B

    def store(name, entity, label, article="a1"):
        FactStore(tmp_path / name).write_graph((
            f'<{B}{entity}> <http://www.w3.org/2000/01/rdf-schema#label> "{label}" .\n'
            f'<{B}article/{article}> <{B}mentions> <{B}{entity}> .\n').encode())
        return canonical_graph(tmp_path / name)

    first = store("one", "person/clinton", "Bill Clinton")
    assert store("two", "person/bill-clinton", "Bill Clinton") == first
    assert store("three", "person/clinton", "Hillary Clinton") != first  # the controls: what is said
    assert store("four", "person/clinton", "Bill Clinton", article="a2") != first  # and articles' IRIs count
