"""The example notebook runs top to bottom (its code cells, in order, in one namespace)."""

from __future__ import annotations

import json
import os

from .conftest import ROOT


def test_notebook_cells_run(tmp_path, monkeypatch):
    notebook = json.loads((ROOT / "notebooks" / "explore.ipynb").read_text())
    (tmp_path / "data").symlink_to(ROOT / "data")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), "explore.ipynb", "exec"), namespace)  # noqa: S102
    assert (tmp_path / "out" / "graph.ttl").exists()
    assert os.path.getsize(tmp_path / "out" / "graph.html") > 100_000
