"""The example notebook runs as Jupyter runs it: a real kernel started in notebooks/, the
test itself in another folder, every cell in order, through the public API only."""

from __future__ import annotations

import ast
import json

import pytest

from .conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"


@pytest.mark.slow  # a whole process or two: make test runs it
def test_the_notebook_executes_in_a_kernel_started_where_jupyter_starts_it(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.chdir(tmp_path)  # nbconvert --execute may be run from any folder
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()
    printed = "".join(o.get("text", "") for c in notebook.cells for o in c.get("outputs", []))
    assert "2 articles" in printed and "SHACL conforms: True" in printed
    assert "Vladimir Putin" in printed and "Hmeimim" in printed
    assert (ROOT / "out" / "graph.ttl").is_file()


def test_the_notebook_uses_only_the_public_api():
    import kg

    cells = json.loads(NOTEBOOK.read_text())["cells"]
    source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    used = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kg"):
            used.add(node.module)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "kg":
            assert node.attr in kg.__all__, f"kg.{node.attr} is not public"
    assert not used, f"the notebook imports kg internals: {used}"
