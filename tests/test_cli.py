"""The command line as a user runs it: outputs, messages, exit codes, examples in --help."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import EXIT_ERROR, EXIT_OK, EXIT_VIOLATIONS, app
from kg.errors import InputError, OutputError
from kg.pipeline import build, check_outputs
from kg.query import open_store, query_text, run_query
from kg.vocab import DEFAULT_BASE

from .conftest import DATA

runner = CliRunner()


def kg(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.mark.parametrize("command", ["build", "query", "validate", "eval", "remove", "explain", "serve", "push"])
def test_every_command_has_an_example(command):
    result = kg(command, "--help")
    assert result.exit_code == 0
    assert "Example: kg " + command in result.output


def test_python_dash_m_kg_runs():
    result = subprocess.run([sys.executable, "-m", "kg", "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "build" in result.stdout and "query" in result.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli")
    result = kg("build", DATA, "--out", out, "--no-html", "--also", "trig", "--also", "nquads")
    assert result.exit_code == EXIT_OK, result.output
    return out, result


def test_build_writes_graph_and_report(built):
    out, result = built
    assert (out / "graph.ttl").stat().st_size > 0
    assert (out / "graph.trig").stat().st_size > 0 and (out / "graph.nq").stat().st_size > 0
    report = json.loads((out / "report.json").read_text())
    assert report["articles"]["read"] == 2
    assert report["articles"]["skipped"] == []
    assert report["classes"]["Person"] >= 4
    assert report["relations"]["said"] >= 8
    assert report["shacl"]["conforms"] is True
    assert "2 articles" in result.output


@pytest.mark.parametrize("name", ["visits", "meetings", "quotes", "entities", "places", "roles"])
def test_bundled_queries_run(built, name):
    out, _ = built
    result = kg("query", out / "graph.ttl", name, "--format", "json")
    assert result.exit_code == EXIT_OK, result.output
    assert json.loads(result.output), f"{name} returned no rows"


def test_query_csv_and_binding(built):
    out, _ = built
    result = kg("query", out / "graph.ttl", "quotes", "--bind", "speaker=Bashar al-Assad", "--format", "csv")
    assert result.exit_code == EXIT_OK, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("speaker,text")
    assert len(lines) >= 2 and all(line.startswith("Bashar al-Assad,") for line in lines[1:])


OFFSETS = """PREFIX kg: <https://w3id.org/kg/ontology#>
SELECT ?fact ?start ?day WHERE { ?fact kg:startChar ?start OPTIONAL { ?fact kg:date ?day } }"""


def test_a_bound_number_date_or_iri_is_typed_as_the_graph_writes_it(built):
    out, _ = built
    rows = json.loads(kg("query", out / "graph.ttl", OFFSETS, "-f", "json").output)
    start = rows[0]["start"]
    dated = next(r for r in rows if r["day"])
    one = kg("query", out / "graph.ttl", OFFSETS, "--bind", f"start={start}", "-f", "json")
    assert json.loads(one.output) and {r["start"] for r in json.loads(one.output)} == {start}  # the integer kg wrote
    as_text = kg("query", out / "graph.ttl", OFFSETS, "--bind", f'start="{start}"', "-f", "json")
    assert json.loads(as_text.output) == []  # control: "71" is a string, which no offset is
    of_day = json.loads(kg("query", out / "graph.ttl", OFFSETS, "--bind", f"day={dated['day']}", "-f", "json").output)
    assert of_day and all(r["day"] == dated["day"] for r in of_day)
    iri = json.loads(kg("query", out / "graph.ttl", "SELECT ?who WHERE { ?who a <https://w3id.org/kg/ontology#Person> }",
                        "-f", "json").output)[0]["who"]
    ask = "ASK { ?who a <https://w3id.org/kg/ontology#Person> }"
    assert json.loads(kg("query", out / "graph.ttl", ask, "--bind", f"who=<{iri}>", "-f", "json").output) == \
        {"head": {}, "boolean": True}
    assert json.loads(kg("query", out / "graph.ttl", ask, "--bind", f"who={iri}", "-f", "json").output) == \
        {"head": {}, "boolean": False}  # control: without <>, the IRI's text is a string


@pytest.mark.parametrize("name", ["visits", "quotes", "planned"])
def test_a_numeric_article_id_binds_though_it_reads_as_an_integer(tmp_path, name):
    record = {"id": "42", "date": "2019-05-06", "text": (
        'Angela Merkel visited Paris on Monday. "We agree on most things," Merkel said. '
        "She is to visit Rome next week.")}
    (tmp_path / "a.jsonl").write_text(json.dumps(record) + "\n")
    assert kg("build", tmp_path / "a.jsonl", "--out", tmp_path / "out", "--no-html").exit_code == EXIT_OK
    found = json.loads(kg("query", tmp_path / "out", name, "--bind", "article=42", "-f", "json").output)
    assert found and all(str(row["article"]) == "42" for row in found)
    assert json.loads(kg("query", tmp_path / "out", name, "--bind", "article=43", "-f", "json").output) == []


def test_a_construct_gives_json_ld_with_json_and_n_triples_otherwise(built):
    out, _ = built
    construct = ("CONSTRUCT { ?p <http://example.org/name> ?n } WHERE { ?p a <https://w3id.org/kg/ontology#Person> ; "
                 "<http://www.w3.org/2000/01/rdf-schema#label> ?n }")
    as_json = kg("query", out / "graph.ttl", construct, "-f", "json")
    assert as_json.exit_code == EXIT_OK, as_json.output
    names = {v["@value"] for node in json.loads(as_json.output) for v in node.get("http://example.org/name", [])}
    assert "Vladimir Putin" in names
    lines = kg("query", out / "graph.ttl", construct).output.strip().splitlines()
    assert len(lines) == len(names) and all(line.endswith(" .") for line in lines)


def rows_without(output: str, column: str) -> list[list[str]]:
    """The rows of a CSV result without one column (the one a binding fixes)."""
    import csv

    header, *rows = list(csv.reader(output.splitlines()))
    keep = [i for i, name in enumerate(header) if name != column]
    return [[row[i] for i in keep] for row in rows]


@pytest.mark.parametrize(
    ("name", "column", "label", "other_name"),
    [
        ("quotes", "speaker", "Vladimir Putin", "Putin"),
        ("quotes", "speaker", "Bashar al-Assad", "assad"),
        ("visits", "person", "Vladimir Putin", "PUTIN"),
        ("visits", "place", "Hmeimim air base", "khmeimim"),
        ("meetings", "person", "Bashar al-Assad", "Bashar Assad"),
        ("roles", "person", "Vladimir Putin", "russian president"),
        ("entities", "name", "Hmeimim air base", "Hmeymim airbase"),
    ],
)
def test_a_binding_matches_any_name_of_the_node_in_any_case(built, name, column, label, other_name):
    out, _ = built
    entities = json.loads(kg("query", out / "graph.ttl", "entities", "--format", "json").output)
    labels = {entity["name"] for entity in entities}
    assert label in labels and other_name not in labels  # the other name is no node's label
    by_label = kg("query", out / "graph.ttl", name, "--bind", f"{column}={label}", "--format", "csv")
    by_other = kg("query", out / "graph.ttl", name, "--bind", f"{column}={other_name}", "--format", "csv")
    assert by_label.exit_code == by_other.exit_code == EXIT_OK, by_other.output
    assert rows_without(by_label.output, column), f"{label} has no {name}"
    assert rows_without(by_other.output, column) == rows_without(by_label.output, column)
    everyone = kg("query", out / "graph.ttl", name, "--format", "csv")
    assert len(rows_without(everyone.output, column)) > len(rows_without(by_label.output, column))
    nobody = kg("query", out / "graph.ttl", name, "--bind", f"{column}=Nobody Atall")
    assert nobody.exit_code == EXIT_OK and "0 rows" in nobody.output


@pytest.mark.parametrize("hostile", [
    'x" } UNION { ?s ?p ?o } #',
    'putin")) } UNION { ?s ?p ?o } #',
    ".*",
    "putin' || true || '",
    "<http://x> } ; DROP ALL ; SELECT * {",
])
def test_binding_cannot_inject_sparql(built, hostile):
    out, _ = built
    result = kg("query", out / "graph.ttl", "quotes", "--bind", f"speaker={hostile}", "--format", "json")
    assert result.exit_code == EXIT_OK, result.output
    assert json.loads(result.output) == []
    control = kg("query", out / "graph.ttl", "quotes", "--bind", "speaker=putin", "--format", "json")
    assert json.loads(control.output), "positive control: a real name finds quotes"


def test_query_from_file_and_text(built, tmp_path):
    out, _ = built
    rq = tmp_path / "count.rq"
    rq.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    from_file = kg("query", out / "graph.ttl", rq, "--format", "csv")
    from_text = kg("query", out / "graph.ttl", rq.read_text(), "--format", "csv")
    assert from_file.exit_code == from_text.exit_code == EXIT_OK
    assert from_file.output == from_text.output
    assert int(from_file.output.splitlines()[1]) > 100


@pytest.mark.parametrize("update", ["INSERT DATA { <http://a> <http://b> <http://c> }",
                                    "PREFIX kg: <https://w3id.org/kg/ontology#> DELETE WHERE { ?s kg:visited ?o }",
                                    "clear all", "INSERT { ?s ?p ?o } WHERE { { SELECT ?s ?p ?o WHERE { ?s ?p ?o } } }"])
def test_an_update_is_refused_as_an_update(built, update):
    out, _ = built
    before = (out / "graph.ttl").read_bytes()
    result = kg("query", out / "graph.ttl", update)
    assert result.exit_code == EXIT_ERROR and "updates (INSERT, DELETE" in result.output
    assert (out / "graph.ttl").read_bytes() == before
    for control in ("nonsense words", "add", "copy-of-visits"):  # no update: named as no query
        result = kg("query", out / "graph.ttl", control)
        assert result.exit_code == EXIT_ERROR and "neither SPARQL nor a bundled query" in result.output


def test_query_and_validate_take_a_build_folder_for_its_graph(built, tmp_path):
    out, _ = built
    folder = kg("query", out, "visits", "--format", "csv")
    graph = kg("query", out / "graph.ttl", "visits", "--format", "csv")
    assert folder.exit_code == graph.exit_code == EXIT_OK and folder.output == graph.output
    assert len(folder.output.splitlines()) > 1
    checked = kg("validate", out)
    assert checked.exit_code == EXIT_OK and "conforms" in checked.output
    (tmp_path / "empty").mkdir()
    nothing = kg("query", tmp_path / "empty", "visits")  # control: a folder with no graph in it
    assert nothing.exit_code == EXIT_ERROR and "not a graph: no graph.ttl or graph.nt" in nothing.output


SERVICE_QUERIES = [
    "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "select * where {{ ?s ?p ?o FILTER EXISTS {{ service silent <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?x }} }} }}",
    "PREFIX e: <http://127.0.0.1:{port}/> SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE e:sparql {{ ?s ?p ?o }} }} }} }}",
]


@pytest.mark.parametrize("template", SERVICE_QUERIES)
def test_query_refuses_service_unless_allowed(built, listener, template):
    out, _ = built
    port, connections = listener
    text = template.format(port=port)
    refused = kg("query", out / "graph.ttl", text)
    assert refused.exit_code == EXIT_ERROR
    assert "SERVICE clause" in refused.output and "--allow-service" in refused.output
    assert connections == []  # refused before the engine could reach the endpoint
    allowed = kg("query", out / "graph.ttl", text, "--allow-service")  # positive control: it does reach out
    assert "SERVICE clause" not in allowed.output
    assert connections, "with --allow-service the engine should have called the endpoint"


def test_service_in_strings_iris_and_names_is_no_clause(built):
    out, _ = built
    text = ('PREFIX ex: <http://example.org/SERVICE/> SELECT ?service WHERE { ?s ex:service ?service '
            'FILTER(?service != "SERVICE <http://x/> { }") } LIMIT 1  # SERVICE <http://x/> { }')
    result = kg("query", out / "graph.ttl", text, "--format", "csv")
    assert result.exit_code == EXIT_OK, result.output
    assert result.output.splitlines() == ["service"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "{out}/graph.ttl", "SELECT WHERE {"], "invalid SPARQL"),
        (["query", "{out}/graph.ttl", "no-such-query"], "bundled"),
        (["query", "{out}/missing.ttl", "quotes"], "no such graph"),
        (["validate", "{out}/missing.ttl"], "no such graph file"),
    ],
)
def test_errors_exit_2_with_one_clear_line(built, args, message):
    out, _ = built
    result = kg(*[a.replace("{out}", str(out)) for a in args])
    assert result.exit_code == EXIT_ERROR
    assert message in result.output


def test_validate_conforming_graph(built):
    out, _ = built
    result = kg("validate", out / "graph.ttl")
    assert result.exit_code == EXIT_OK
    assert "conforms" in result.output


def test_validate_reports_violations_with_exit_1(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix kg: <https://w3id.org/kg/ontology#> .\n"
        "<urn:q> a kg:Quote .\n"  # no text, no speaker, no source
        "<urn:p> a kg:Person ; kg:visited <urn:q> .\n"  # no label; visited a quote
    )
    result = kg("validate", bad)
    assert result.exit_code == EXIT_VIOLATIONS
    assert "urn:q" in result.output and "urn:p" in result.output


def test_bad_inputs_are_named_and_the_rest_is_built(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(DATA / "000_b1435b75c62fd08d.txt", inputs / "good.txt")
    (inputs / "empty.txt").write_text("")
    (inputs / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (inputs / "records.jsonl").write_text(
        '{"id": "ok", "text": "Angela Merkel visited Paris on Monday.", "date": "2019-05-06"}\n'
        "{oops\n"
        '{"id": "empty"}\n'
    )
    (inputs / "notes.docx").write_bytes(b"PK\x03\x04")
    out = tmp_path / "out"
    result = kg("build", inputs, "--out", out, "--no-html")
    assert result.exit_code == EXIT_OK, result.output
    output = " ".join(result.output.split())
    for expected in ("empty.txt: empty file", "image.txt: binary file", "records.jsonl:2: invalid JSON",
                     "records.jsonl:3: record has no text", "notes.docx: unknown extension"):
        assert expected in output
    assert "image.txt: binary file, not text (give a UTF-8 text, JSON or HTML file)" in output  # with its hint
    report = json.loads((out / "report.json").read_text())
    assert report["articles"]["read"] == 2
    assert len(report["articles"]["skipped"]) == 5
    hints = {Path(r["source"]).name: r.get("hint") for r in report["articles"]["skipped"]}
    assert hints["image.txt"] == "give a UTF-8 text, JSON or HTML file" and hints["empty.txt"] is None
    assert "Putin" in (out / "graph.ttl").read_text()


def test_a_mistyped_input_is_refused_before_any_article_is_read(tmp_path):
    good = DATA / "000_b1435b75c62fd08d.txt"
    out = tmp_path / "out"
    phases = []
    with pytest.raises(InputError, match="no such file or folder") as refused:
        build([good, tmp_path / "artciles", tmp_path / "also-not-here.txt"], out,
              on_progress=lambda phase, done, total: phases.append(phase))
    assert refused.value.path == tmp_path / "artciles" and "1 more input" in refused.value.message
    assert phases == [] and not out.exists()
    result = kg("build", good, tmp_path / "artciles", "--out", out)
    assert result.exit_code == EXIT_ERROR and "artciles" in result.output and not out.exists()
    result = kg("build", good, "--out", out, "--no-html")  # control: the same build without the typo
    assert result.exit_code == EXIT_OK and (out / "graph.ttl").is_file()


def test_nothing_readable_exits_2_and_writes_nothing(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    out = tmp_path / "out"
    result = kg("build", tmp_path / "empty.txt", "--out", out)
    assert result.exit_code == EXIT_ERROR
    assert "no article could be read" in result.output
    assert not (out / "graph.ttl").exists()


def test_failed_rebuild_keeps_the_previous_graph(built, tmp_path):
    out, _ = built
    before = (out / "graph.ttl").read_bytes()
    (tmp_path / "empty.txt").write_text("")
    result = kg("build", tmp_path / "empty.txt", "--out", out)
    assert result.exit_code == EXIT_ERROR
    assert (out / "graph.ttl").read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_unknown_model_is_a_clear_error(tmp_path):
    result = kg("build", DATA, "--out", tmp_path, "--model", "xx_no_such_model")
    assert result.exit_code == EXIT_ERROR
    assert "xx_no_such_model" in result.output and "pip install" in result.output


def test_nothing_built_names_every_reason_and_keeps_the_earlier_outputs(tmp_path):
    out = tmp_path / "out"
    good = tmp_path / "good.txt"
    good.write_text("Angela Merkel visited Paris on Monday.\n")
    assert kg("build", good, "--out", out, "--no-html").exit_code == EXIT_OK  # positive control
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    german = tmp_path / "de.txt"
    german.write_text("Die Bundeskanzlerin hat am Donnerstag in Berlin gesagt, dass die Regierung weiter "
                      "verhandeln will, bis eine Einigung mit den Partnern in Europa erreicht ist.\n")
    (tmp_path / "nul.txt").write_bytes(b"\x00\x00\x00")
    (tmp_path / "empty.jsonl").write_text("\n")
    for args in ([german], [tmp_path / "nul.txt", tmp_path / "empty.jsonl"]):
        result = kg("build", *args, "--out", out, "--no-html")
        assert result.exit_code == EXIT_ERROR, result.output
        output = " ".join(result.output.split())
        assert "error: no article could be" in output
        for path in args:
            assert f"skipped {path}" in output  # the reason of each input, not only a count
        assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


def test_the_outputs_are_swapped_in_as_one_set(tmp_path, monkeypatch):
    out = tmp_path / "out"
    (out).mkdir()
    (out / "notes.md").write_text("mine")
    assert kg("build", DATA, "--out", out, "--no-html", "--also", "ntriples").exit_code == EXIT_OK
    assert (out / "graph.nt").exists()
    first = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    import kg.export.rdf as rdf

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:  # Ctrl-C after the new graph.ttl was written, before the rest
        patch.setattr(rdf, "write_ntriples", interrupted)
        result = kg("build", DATA / "000_b1435b75c62fd08d.txt", "--out", out, "--no-html", "--also", "ntriples")
        assert result.exit_code != EXIT_OK  # click turns the interrupt into "Aborted!"
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == first
    assert not [p for p in out.iterdir() if p.name.startswith(".kg-staging")]

    result = kg("build", DATA, "--out", out, "--no-html")  # no --also this time
    assert result.exit_code == EXIT_OK
    assert not (out / "graph.nt").exists()  # the earlier format went with the swap
    assert (out / "notes.md").read_text() == "mine"  # a file kg never wrote is left alone
    assert (out / "graph.ttl").read_bytes() == first["graph.ttl"]


def test_a_stray_nul_byte_is_removed_with_a_warning_not_the_article(tmp_path):
    article = tmp_path / "nul.txt"
    article.write_bytes(b"Angela Merkel visited\x00 Paris on Monday.\n")
    out = tmp_path / "out"
    result = kg("build", article, "--out", out, "--no-html")
    assert result.exit_code == EXIT_OK, result.output
    output = " ".join(result.output.split())
    assert f"warning {article}: 1 control character removed" in output
    report = json.loads((out / "report.json").read_text())
    assert report["articles"]["read"] == 1 and report["articles"]["warnings"]
    assert "Paris" in (out / "graph.ttl").read_text()
    binary = tmp_path / "image.txt"  # positive control: a real binary file is still refused
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    refused = kg("build", binary, "--out", tmp_path / "out2")
    assert refused.exit_code == EXIT_ERROR and "binary file" in refused.output


def test_papercuts(built, tmp_path):
    out, _ = built
    assert kg("--version").output.startswith("kg ")
    one = kg("query", out / "graph.ttl", "SELECT ?x WHERE { VALUES ?x { 1 } }")
    assert "1 row" in one.output and "1 rows" not in one.output
    csv_out = kg("explain", out, "Hmeimim", "--format", "csv").output.splitlines()
    assert csv_out[0] == "node,label,type,surface,article,rule" and len(csv_out) >= 3
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix x: <http://x/> .\nx:a x:b x:c x:d .\n")
    result = kg("validate", bad)
    assert result.exit_code == EXIT_ERROR
    assert "line 2" in result.output and "b'" not in result.output


def test_validate_and_offsets_on_a_store(tmp_path):
    store = tmp_path / "store"
    assert kg("build", DATA, "--store", store).exit_code == EXIT_OK
    result = kg("validate", store)
    assert result.exit_code == EXIT_OK, result.output
    assert "conforms" in result.output
    meta = json.loads((store / "meta.json").read_text())
    assert meta["model"].startswith("en_core_web_sm")
    table = run_query(open_store(store), query_text("quotes"))
    starts = [row[table.columns.index("start")] for row in table.rows]
    assert starts and all(isinstance(s, int) for s in starts)


def test_a_reused_id_with_another_text_is_named_not_dropped_as_a_copy(tmp_path):
    records = tmp_path / "records.jsonl"
    records.write_text('{"id": "a", "text": "Angela Merkel visited Paris on Monday."}\n'
                       '{"id": "a", "text": "Angela Merkel visited Paris on Monday."}\n'
                       '{"id": "a", "text": "Emmanuel Macron visited Berlin."}\n')
    result = kg("build", records, "--out", tmp_path / "out", "--no-html")
    assert result.exit_code == EXIT_OK
    output = " ".join(result.output.split())
    assert f"skipped {records}:2: duplicate of article a ({records}:1)" in output
    assert f"skipped {records}:3: id 'a' is already used by {records}:1 for a different text" in output


def test_an_article_in_another_language_is_skipped_with_its_reason(tmp_path):
    (tmp_path / "de.txt").write_text(
        "Die Bundeskanzlerin hat am Donnerstag in Berlin gesagt, dass die Regierung weiter verhandeln will, "
        "bis eine Einigung mit den Partnern in Europa erreicht ist. Sagte Merkel am Abend vor Journalisten.\n")
    (tmp_path / "en.txt").write_text("Angela Merkel visited Paris on Monday, the French president said.\n")
    out = tmp_path / "out"
    result = kg("build", tmp_path, "--out", out, "--no-html")
    assert result.exit_code == EXIT_OK, result.output
    output = " ".join(result.output.split())
    assert f"skipped {tmp_path / 'de.txt'}: written in German (de), and the model reads English" in output
    assert "1 article ->" in output  # the English one, short as it is, is built
    assert "Donnerstag" not in (out / "graph.ttl").read_text()


def test_article_text_is_never_console_markup(tmp_path):
    records = tmp_path / "records.jsonl"
    records.write_text('{"id": "[/]", "text": "Angela Merkel said: \\"[bold red]Hello[/] [/]\\" on Monday."}\n'
                       '{"id": "[/]", "text": "Emmanuel Macron visited [link=x]Berlin."}\n')
    out = tmp_path / "out"
    result = kg("build", records, "--out", out, "--no-html")
    assert result.exit_code == EXIT_OK, result.output
    assert "id '[/]' is already used" in " ".join(result.output.split())
    shown = kg("query", out / "graph.ttl", "quotes")
    assert shown.exit_code == EXIT_OK and "[bold red]Hello[/]" in shown.output


def test_a_store_exports_without_its_articles_and_eval_names_a_missing_file(tmp_path):
    store = tmp_path / "store"
    assert kg("build", DATA, "--store", store).exit_code == EXIT_OK
    result = kg("build", "--store", store, "--out", tmp_path / "out", "--no-html")
    assert result.exit_code == EXIT_OK, result.output
    assert "2 articles" in result.output and (tmp_path / "out" / "graph.ttl").stat().st_size > 0
    nothing = kg("build", "--out", tmp_path / "out2")
    assert nothing.exit_code == EXIT_ERROR and "--store" in nothing.output
    missing = kg("eval", tmp_path / "no-such-gold.jsonl")
    assert missing.exit_code == EXIT_ERROR and "no such gold file" in missing.output
    assert "a bug in kg" not in missing.output


def test_progress_without_a_terminal_is_plain_lines_with_phases_and_totals(tmp_path):
    result = kg("build", DATA, "--out", tmp_path / "out", "--no-html")
    assert result.exit_code == EXIT_OK
    lines = result.output.splitlines()
    for phase in ("reading", "parsing 2 articles", "resolving", "writing"):
        assert phase in lines
    assert any(line.startswith("parsing 2/2 (") and "left)" in line for line in lines)
    quiet = kg("build", DATA, "--out", tmp_path / "out", "--no-html", "-q")
    assert "parsing" not in quiet.output  # -q: no progress at all


def test_an_html_login_page_is_refused_like_other_unreadable_input(tmp_path):
    from .test_articles import ARTICLE, LOGIN, page

    login = tmp_path / "in" / "login.html"
    login.parent.mkdir()
    login.write_text(page(main=LOGIN))  # with a "(c) 2024" footer
    alone = kg("build", login, "--out", tmp_path / "out")
    (tmp_path / "empty.txt").write_text("")
    empty = kg("build", tmp_path / "empty.txt", "--out", tmp_path / "out")
    assert alone.exit_code == empty.exit_code == EXIT_ERROR
    reason = f"skipped {login}: no article text found (login page, index or empty page?)"
    assert reason in " ".join(alone.output.split())
    assert not (tmp_path / "out").exists()

    published = '<meta property="article:published_time" content="2020-03-04">'
    (tmp_path / "in" / "dated.html").write_text(page(published, ARTICLE.replace("port", "airport")))
    (tmp_path / "in" / "footer-only.html").write_text(page(main=ARTICLE))
    out = tmp_path / "out"
    built = kg("build", tmp_path / "in", "--out", out, "--no-html")
    assert built.exit_code == EXIT_OK, built.output
    assert reason in " ".join(built.output.split())  # the login page is still named, the rest is built
    dates = kg("query", out / "graph.ttl", "PREFIX dcterms: <http://purl.org/dc/terms/> SELECT ?title ?date "
               "WHERE { ?a dcterms:title ?title OPTIONAL { ?a dcterms:date ?date } }", "--format", "json")
    assert sorted(json.loads(dates.output), key=lambda row: row["date"] or "") == [
        {"title": "Minister visits port", "date": None}, {"title": "Minister visits airport", "date": "2020-03-04"}]


@pytest.mark.parametrize(("where", "base", "message"), [
    ("a-file", None, "the output folder {out} is a file"),
    ("a-file/sub", None, "cannot be made: {tmp}/a-file is a file"),
    ("out", "not an iri", "is not an IRI"),
    ("out", "http://example.org/kg", "does not end with / or #"),
])
def test_an_output_that_cannot_be_written_is_refused_before_any_article_is_read(tmp_path, where, base, message):
    (tmp_path / "a-file").write_text("kept")
    out = tmp_path / where
    phases = []
    with pytest.raises(OutputError, match=re.escape(message.format(out=out, tmp=tmp_path))):
        build([DATA], out, base=base or DEFAULT_BASE, on_progress=lambda phase, done, total: phases.append(phase))
    assert phases == [] and (tmp_path / "a-file").read_text() == "kept" and not (tmp_path / "out").exists()
    result = kg("build", str(DATA), "--out", str(out), *(["--base", base] if base else []))
    assert result.exit_code == EXIT_ERROR and "error: " in result.output


def test_a_base_ending_with_a_slash_or_hash_is_taken(tmp_path):
    for base in ("http://example.org/kg/", "urn:x-kg:news#"):  # control for the test above
        check_outputs(tmp_path / "out", base)
    check_outputs(None, DEFAULT_BASE)


def test_the_quotes_query_lists_every_quote_those_of_no_one_known_by_the_words_for_the_speaker(tmp_path):
    source = tmp_path / "q.jsonl"
    source.write_text(json.dumps({"id": "q1", "date": "2020-01-06", "text": (
        'Angela Merkel visited Paris on Monday. "We will keep talking," a government spokesman said after '
        'the meeting. "The talks were useful," Merkel said.')}) + "\n")
    assert kg("build", source, "--out", tmp_path / "out", "-q").exit_code == EXIT_OK
    graph = tmp_path / "out" / "graph.ttl"
    table = run_query(open_store(graph), query_text("quotes"))
    quotes = run_query(open_store(graph), "SELECT ?q WHERE { ?q a <https://w3id.org/kg/ontology#Quote> }").rows
    assert len(table.rows) == len(quotes) == 2  # every quote once, attributed or not
    assert sorted(row[:2] for row in table.rows) == [["Angela Merkel", "The talks were useful,"],
                                                    ["a government spokesman", "We will keep talking,"]]
    words = run_query(open_store(graph), query_text("quotes"), {"speaker": "A Government Spokesman"}).rows
    assert [row[1] for row in words] == ["We will keep talking,"]  # the words, in any case
    named = run_query(open_store(graph), query_text("quotes"), {"speaker": "merkel"}).rows
    assert [row[1] for row in named] == ["The talks were useful,"]  # control: a name finds the person's only


def test_an_output_under_a_link_to_nothing_is_refused_before_the_parse(tmp_path):
    (tmp_path / "link").symlink_to(tmp_path / "nowhere")
    for out, where in ((tmp_path / "link", "is a link to nothing"), (tmp_path / "link" / "out", "is a link to nothing")):
        with pytest.raises(OutputError, match=where):
            check_outputs(out, DEFAULT_BASE)
    (tmp_path / "nowhere").mkdir()  # control: once the link leads to a folder, it is one
    check_outputs(tmp_path / "link" / "out", DEFAULT_BASE)
