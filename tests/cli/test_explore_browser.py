"""The explorer page in a real browser: headless Chromium, driven by Selenium, opens the file offline, the
test moves a mechanism's slider across its threshold with the keyboard and reads the stable set the page
displays at every step.

Skipped, with the reason, where Chromium, its driver or Selenium is missing (`.ci/run` installs Debian's
`chromium` and `chromium-driver`; Selenium is in the `test` extra).
"""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from tests.conftest import SCENARIOS
from tests.helpers import invoke

BROWSER = next((b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)
DRIVER = shutil.which("chromedriver")
STABLE = "asymptotically stable"

needs_browser = pytest.mark.skipif(BROWSER is None or DRIVER is None,
                                   reason="no headless Chromium with its driver (apt-get install chromium "
                                          "chromium-driver)")


@pytest.fixture
def browser():
    pytest.importorskip("plotly", reason="the explorer needs plotly (pip install \"evogame[explore]\")")
    webdriver = pytest.importorskip("selenium.webdriver", reason="the browser test needs selenium (the test extra)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which(BROWSER)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--window-size=1150,1000",
                "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)   # no driver download
    driver.set_page_load_timeout(120)
    yield driver
    driver.quit()


def open_page(driver, page):
    from selenium.webdriver.support.ui import WebDriverWait
    driver.get(page.as_uri())
    WebDriverWait(driver, 60).until(lambda d: d.execute_script("return document.body.dataset.ready") == "yes")


def severe(driver) -> list:
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def drawn_fraction(png: bytes) -> float:
    """The share of the portrait's pixels that carry ink (not white): a blank canvas has none."""
    import io

    pytest.importorskip("matplotlib")
    import matplotlib.image
    image = matplotlib.image.imread(io.BytesIO(png), format="png")[..., :3]
    return float(np.mean(image.mean(axis=-1) < 0.9))


def expected_text(analysis) -> str:
    """The stable set in words, from analyze (vertical's stable points are corners, named alike)."""
    stable = [p.label for p in analysis.rest_points if p.classification == STABLE]
    return "Asymptotically stable: " + ", ".join(stable) if stable else "No asymptotically stable rest point"


@needs_browser
def test_moving_the_slider_across_the_threshold_switches_the_stable_set(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from evogame import analyze, load_scenario
    from evogame.explore import explore
    from evogame.studies.mechanisms import apply

    vertical = load_scenario(SCENARIOS / "vertical.toml")
    page = tmp_path / "vertical.html"
    explore(vertical, page, mechanisms=["incentive", "platform"], steps=17)
    # the threshold as `evogame threshold` reports it, on its own
    t = json.loads(invoke(["threshold", SCENARIOS / "vertical.toml", "-m", "platform", "--json"]).stdout)["threshold"]
    open_page(browser, page)
    stable = browser.find_element(By.ID, "stable")
    baseline = expected_text(analyze(vertical))
    target = expected_text(analyze(apply(vertical, ["platform"], 1)))
    assert stable.text == baseline == "Asymptotically stable: (loose, passive)"
    slider = browser.find_element(By.ID, "slider-platform")
    slider.click()                                       # focus (the click itself may move the thumb)
    slider.send_keys(Keys.HOME)
    seen = []
    for i in range(17):
        value = float(browser.find_element(By.ID, "value-platform").text.split("=")[1])
        assert value == pytest.approx(i / 16)
        assert stable.text == expected_text(analyze(apply(vertical, ["platform"], i / 16))), value
        seen.append((value, stable.text))
        slider.send_keys(Keys.ARROW_RIGHT)
    below = [text for v, text in seen if v <= t]
    above = [text for v, text in seen if v > t]
    assert below[0] == baseline and target not in below
    assert above and all(text == target == "Asymptotically stable: (loose, active)" for text in above)
    assert severe(browser) == [], severe(browser)
    shot = browser.find_element(By.ID, "portrait").screenshot_as_png
    assert drawn_fraction(shot) > 0.02, "the portrait is blank"


@needs_browser
def test_a_click_on_a_start_draws_its_path(browser, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    from evogame import load_scenario
    from evogame.explore import explore

    page = tmp_path / "vertical.html"
    explore(load_scenario(SCENARIOS / "vertical.toml"), page, mechanisms=["platform"], steps=3)
    open_page(browser, page)
    count = "return document.getElementById('portrait').data.find(t => t.name === 'paths').x.length"
    browser.find_element(By.ID, "clear").click()
    assert browser.execute_script(count) == 0
    # the pixel of the last start (a grid start), relative to the portrait's centre
    dx, dy = browser.execute_script("""
        const gd = document.getElementById('portrait'), L = gd._fullLayout, s = gd.data.find(t => t.meta === 'starts');
        const k = s.x.length - 1, box = gd.getBoundingClientRect();
        return [L.xaxis._offset + L.xaxis.l2p(s.x[k]) - box.width / 2, L.yaxis._offset + L.yaxis.l2p(s.y[k]) - box.height / 2];""")
    ActionChains(browser).move_to_element_with_offset(browser.find_element(By.ID, "portrait"), int(dx),
                                                      int(dy)).click().perform()
    assert browser.execute_script(count) > 2          # one path: its samples and the break after it
    assert severe(browser) == [], severe(browser)


@needs_browser
@pytest.mark.parametrize("file, args, geometry", [
    ("dual_leadership.toml", ["-m", "escalation", "--steps", "3"], "cube"),
    ("hawk_dove.toml", ["--sweep", "C=1:5:3"], "line"),
    ("rps.toml", ["--sweep", "w=0.5:3:3"], "simplex")])
def test_each_geometry_opens_and_draws(browser, tmp_path, file, args, geometry):
    from selenium.webdriver.common.by import By

    page = tmp_path / "page.html"
    r = invoke(["explore", SCENARIOS / file, *args, "--out", page])
    assert r.exit_code == 0, r.output
    assert f"; {geometry};" in r.stderr
    open_page(browser, page)
    if geometry == "cube":
        assert "(restrict, not, upward_only)" in browser.find_element(By.ID, "stable").text
        faces = "return Object.keys(document.getElementById('portrait')._fullLayout._plots).sort()"
        assert browser.execute_script(faces) == sorted(f"x{i}y{i}" for i in range(2, 8))    # the six faces
    assert bool(browser.find_elements(By.ID, "clear")) == (geometry != "line")      # no paths on the line
    assert severe(browser) == [], severe(browser)
    shot = browser.find_element(By.ID, "portrait").screenshot_as_png
    assert drawn_fraction(shot) > 0.01, f"the {geometry} is blank"


@needs_browser
def test_the_presets_dropdown_shows_each_presets_stable_set(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    from evogame import analyze, load_scenario
    from evogame.explore import explore
    from evogame.studies.presets import apply_preset

    scenario = load_scenario(SCENARIOS / "platform_structures.toml")
    page = tmp_path / "structures.html"
    explore(scenario, page, mechanisms=["voice"], steps=3)
    open_page(browser, page)
    select = Select(browser.find_element(By.ID, "preset"))
    assert [o.text for o in select.options][1:] == [p.label() for p in scenario.presets.values()]
    named = "return document.getElementById('stable').textContent.match(/\\([^()]*\\)/g) || []"
    assert set(browser.execute_script(named)) == {"(administer, minimal, silo)"}
    for k, name in enumerate(scenario.presets, start=1):
        select.select_by_index(k)
        stable = {p.label for p in analyze(apply_preset(scenario, name)).rest_points if p.classification == STABLE}
        assert set(browser.execute_script(named)) == stable, name          # every preset adds full collaboration
        assert "(coordinate, empower, collaborate)" in stable
        assert browser.find_element(By.ID, "value-voice").text == "strength = 0"
    assert severe(browser) == [], severe(browser)
