"""examples/vertical_walkthrough.ipynb runs from top to bottom without an error, is what its script writes, and its
HTML export shows its equations offline (headless Chromium, the network switched off)."""
from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "examples" / "vertical_walkthrough.ipynb"
SCRIPT = ROOT / "scripts" / "make_walkthrough_notebook.py"
BROWSER = next((b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
DRIVER = shutil.which("chromedriver")

nbformat = pytest.importorskip("nbformat", reason="executing the notebook needs nbformat (the test extra)")
nbclient = pytest.importorskip("nbclient", reason="executing the notebook needs nbclient (the test extra)")
pytest.importorskip("ipykernel", reason="executing the notebook needs ipykernel (the test extra)")
pytest.importorskip("pandas", reason="the notebook shows data frames: pandas (the dataframes extra)")


def script():
    spec = importlib.util.spec_from_file_location("make_walkthrough_notebook", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The stored notebook run in a copy of the repository's layout (it reads ../scenarios from examples/)."""
    tmp = tmp_path_factory.mktemp("walkthrough")
    (tmp / "examples").mkdir()
    shutil.copytree(ROOT / "scenarios", tmp / "scenarios")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EVOGAME_CACHE_DIR", str(tmp / "cache"))
        patch.setenv("PYTHONPATH", str(ROOT))      # the kernel imports this checkout's evogame
        return script().execute(nbformat.read(NOTEBOOK, as_version=4), tmp / "examples")


def test_notebook_is_stored_as_its_script_writes_it_without_outputs(tmp_path):
    written = tmp_path / "walkthrough.ipynb"
    subprocess.run([sys.executable, str(SCRIPT), str(written)], check=True, capture_output=True)
    assert written.read_text() == NOTEBOOK.read_text(), "run scripts/make_walkthrough_notebook.py"
    stored = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in stored.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_walkthrough_notebook_executes_without_error(executed):
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    shown = [o.data for o in outputs if o.output_type in ("execute_result", "display_data")]
    assert any("text/html" in d and "<table>" in d["text/html"] for d in shown)       # results as tables
    assert sum("image/png" in d for d in shown) >= 2                                 # the two figures


@pytest.mark.skipif(BROWSER is None or DRIVER is None,
                    reason="no headless Chromium with its driver (apt-get install chromium chromium-driver)")
def test_html_export_shows_the_equations_offline(executed, tmp_path):
    pytest.importorskip("nbconvert", reason="the HTML export needs nbconvert (the test extra)")
    webdriver = pytest.importorskip("selenium.webdriver", reason="the browser test needs selenium (the test extra)")
    from selenium.webdriver.chrome.service import Service

    page = tmp_path / "walkthrough.html"
    page.write_text(script().export_html(executed), encoding="utf-8")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which(BROWSER)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": True, "latency": 0,
                                                                    "downloadThroughput": -1,
                                                                    "uploadThroughput": -1})
        driver.get(page.as_uri())
        driver.execute_script("return document.readyState")
        formulas = driver.execute_script(
            "return Array.from(document.querySelectorAll('img.formula')).map("
            "i => [i.alt, i.complete && i.naturalWidth > 0 && i.naturalHeight > 0])")
        text = driver.execute_script("return document.body.innerText")
        scripts = driver.execute_script("return Array.from(document.scripts).filter(s => s.src).length")
        requests = [json.loads(e["message"])["message"] for e in driver.get_log("performance")]
    finally:
        driver.quit()
    urls = {m["params"]["request"]["url"] for m in requests if m["method"] == "Network.requestWillBeSent"}
    assert not [u for u in urls if not u.startswith(("file:", "data:"))], "the page asks the network"
    assert scripts == 0
    # no formula left for a renderer: no $ in what the reader sees, every formula an image that was drawn
    assert "$" not in text
    assert formulas and all(drawn for _, drawn in formulas)
    # the replicator equations of the game (x, y), shown twice: by the game and by the analysis
    equations = [alt for alt, _ in formulas if alt.startswith(r"\frac{d}{d t}")]
    assert len(equations) == 4 and {e.split("=")[0].strip() for e in equations} == {
        r"\frac{d}{d t} x", r"\frac{d}{d t} y"}
