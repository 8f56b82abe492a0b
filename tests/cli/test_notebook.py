"""examples/vertical_walkthrough.ipynb runs from top to bottom without an error, and is what its script writes."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "examples" / "vertical_walkthrough.ipynb"
SCRIPT = ROOT / "scripts" / "make_walkthrough_notebook.py"

nbformat = pytest.importorskip("nbformat", reason="executing the notebook needs nbformat (the test extra)")
nbclient = pytest.importorskip("nbclient", reason="executing the notebook needs nbclient (the test extra)")
pytest.importorskip("ipykernel", reason="executing the notebook needs ipykernel (the test extra)")
pytest.importorskip("pandas", reason="the notebook shows data frames: pandas (the dataframes extra)")


def test_notebook_is_stored_as_its_script_writes_it_without_outputs(tmp_path):
    written = tmp_path / "walkthrough.ipynb"
    subprocess.run([sys.executable, str(SCRIPT), str(written)], check=True, capture_output=True)
    assert written.read_text() == NOTEBOOK.read_text(), "run scripts/make_walkthrough_notebook.py"
    stored = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in stored.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_walkthrough_notebook_executes_without_error(tmp_path, monkeypatch):
    # the notebook reads ../scenarios from its own folder: the same layout in a temp dir
    (tmp_path / "examples").mkdir()
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    monkeypatch.setenv("EVOGAME_CACHE_DIR", str(tmp_path / "cache"))
    # kernel "python3": ipykernel's own spec, whose "python" jupyter_client runs as sys.executable
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=False,
                                     resources={"metadata": {"path": str(tmp_path / "examples")}})
    client.execute()     # raises CellExecutionError on the first cell that fails
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    shown = [o.data for o in outputs if o.output_type in ("execute_result", "display_data")]
    assert any("text/html" in d and "<table>" in d["text/html"] for d in shown)       # results as tables
    assert sum("image/png" in d for d in shown) >= 2                                 # the two figures
