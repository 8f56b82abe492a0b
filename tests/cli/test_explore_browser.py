"""The explorer page in a real browser: headless Chromium, driven by Selenium, opens the file offline; the
page computes at random combinations of every slider and the test checks each against the engine
(analyze, simulate, threshold), called here on its own.

Skipped, with the reason, where Chromium, its driver or Selenium is missing (`.ci/run` installs Debian's
`chromium` and `chromium-driver`; Selenium is in the `test` extra).  The slider-to-redraw times are
printed (run with -s), never asserted.
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
#: random slider combinations per scenario
COMBINATIONS = 50
#: the scenarios checked in the default suite (the others are behind the slow marker)
QUICK = ("vertical", "dual_leadership")
ALL = sorted(f.stem for f in SCENARIOS.glob("*.toml"))

needs_browser = pytest.mark.skipif(BROWSER is None or DRIVER is None,
                                   reason="no headless Chromium with its driver (apt-get install chromium "
                                          "chromium-driver)")


@pytest.fixture(scope="module")
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
    driver.set_script_timeout(120)
    yield driver
    driver.quit()


def open_page(driver, page):
    from selenium.webdriver.support.ui import WebDriverWait
    driver.get_log("browser")                       # forget the previous page's messages
    driver.get(page.as_uri())
    WebDriverWait(driver, 60).until(lambda d: d.execute_script("return document.body.dataset.ready") == "yes")


def severe(driver) -> list:
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def set_values(driver, values: dict) -> dict:
    """Move sliders (name -> value, any value in the range) and return what the page computed there."""
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "window.evogame.set(arguments[0]).then(function () { done(window.evogame.result()); });", values)


def engine_point_names(points) -> list:
    return [f"{p.name} {p.label}" for p in points]


def compare(page: dict, analysis, where) -> None:
    """The page's rest points, classes, E-numbers and stable set are analyze's; a point the page says is on the
    boundary is excepted from the class (and, with it, the numbering and the stable set)."""
    engine = analysis.rest_points
    shown = page["points"]
    boundary = [q for q in shown if q["boundary"]]
    if not boundary:
        assert [q["name"] + " " + q["label"] for q in shown] == engine_point_names(engine), where
        for q, p in zip(shown, engine):
            assert np.allclose(q["z"], p.state, atol=1e-6), (where, p.label)
            assert q["cls"] == p.classification, (where, p.label)
        stable = [f"{p.name} {p.label}" for p in engine if p.classification == STABLE]
        expected = "Asymptotically stable: " + ", ".join(stable) if stable else "No asymptotically stable rest point"
        assert page["stable"] == expected, where
        return
    for q in shown:                                  # near a threshold: every definite point is analyze's
        match = [p for p in engine if np.allclose(q["z"], p.state, atol=1e-6)]
        if not q["boundary"]:
            assert len(match) == 1 and match[0].classification == q["cls"], (where, q)
    assert "on the boundary" in page["stable"]


def random_values(sliders: list, rng) -> dict:
    out = {}
    for s in sliders:
        v = float(rng.uniform(s["range"][0], s["range"][1]))
        out[s["name"]] = round(v) if s["integer"] else v
    return out


def engine_at(scenario, report: dict, values: dict):
    """analyze at the page's slider values: mechanisms at their strengths, parameters at their values."""
    from evogame import analyze
    from evogame.studies.mechanisms import apply
    kinds = {s["name"]: s["kind"] for s in report["sliders"]}
    strengths = [(n, v) for n, v in values.items() if kinds[n] == "mechanism"]
    params = {n: v for n, v in values.items() if kinds[n] == "parameter"}
    return analyze(apply(scenario, strengths) if strengths else scenario, params)


def check_random_combinations(driver, tmp_path, name: str) -> list:
    from evogame import load_scenario
    page = tmp_path / f"{name}.html"
    r = invoke(["explore", SCENARIOS / f"{name}.toml", "--out", page, "--json"])
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    scenario = load_scenario(SCENARIOS / f"{name}.toml")
    open_page(driver, page)
    rng = np.random.default_rng(2323)
    times = []
    for k in range(COMBINATIONS if report["sliders"] else 1):
        values = random_values(report["sliders"], rng)
        shown = set_values(driver, values)
        times.append((shown["ms"], shown["msThresholds"]))
        compare(shown, engine_at(scenario, report, values), (name, k, values))
    assert severe(driver) == [], severe(driver)
    redraw, thresholds = np.array(times).T
    print(f"\n{name}: slider-to-redraw {np.median(redraw):.0f} ms median, {redraw.max():.0f} ms max, then the "
          f"thresholds {np.median(thresholds):.0f} ms median ({report['geometry']}, {len(report['sliders'])} sliders)")
    return times


@needs_browser
@pytest.mark.parametrize("name", QUICK)
def test_random_slider_combinations_show_what_analyze_finds(browser, tmp_path, name):
    check_random_combinations(browser, tmp_path, name)


@needs_browser
@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in ALL if n not in QUICK])
def test_every_scenario_at_random_combinations(browser, tmp_path, name):
    check_random_combinations(browser, tmp_path, name)


@needs_browser
@pytest.mark.parametrize("name", ALL)
def test_every_shipped_scenario_opens_at_its_own_values(browser, tmp_path, name):
    from selenium.webdriver.common.by import By

    from evogame import analyze, load_scenario
    page = tmp_path / f"{name}.html"
    r = invoke(["explore", SCENARIOS / f"{name}.toml", "--out", page, "--json"])
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    scenario = load_scenario(SCENARIOS / f"{name}.toml")
    open_page(browser, page)
    compare(browser.execute_script("return window.evogame.result()"), analyze(scenario), name)
    for s in report["sliders"]:                      # every slider opens at the file's value (strengths at 0)
        shown = float(browser.find_element(By.ID, f"value-{s['name']}").text.split("=")[1])
        expected = 0.0 if s["kind"] == "mechanism" else float(scenario.game.parameters[s["name"]].value)
        assert shown == pytest.approx(expected, rel=1e-6), s["name"]
    assert severe(browser) == [], severe(browser)


@needs_browser
def test_keyboard_moves_the_slider_across_the_threshold(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from evogame import analyze, load_scenario
    from evogame.studies.mechanisms import apply
    from evogame.studies.thresholds import threshold
    vertical = load_scenario(SCENARIOS / "vertical.toml")
    page = tmp_path / "vertical.html"
    invoke(["explore", SCENARIOS / "vertical.toml", "-m", "platform", "--steps", "17", "--out", page])
    t = threshold(vertical, ["platform"]).threshold
    open_page(browser, page)
    slider = browser.find_element(By.ID, "slider-platform")
    slider.click()
    slider.send_keys(Keys.HOME)
    seen = []
    for i in range(17):
        browser.execute_async_script("window.evogame.set({}).then(arguments[arguments.length - 1])")
        value = float(browser.find_element(By.ID, "value-platform").text.split("=")[1])
        assert value == pytest.approx(i / 16)
        seen.append((value, browser.find_element(By.ID, "stable").text))
        slider.send_keys(Keys.ARROW_RIGHT)
    for value, text in seen:
        if "on the boundary" in text:               # the page does not guess: only near the threshold
            assert abs(value - t) <= 1e-6
            continue
        stable = [f"{p.name} {p.label}" for p in analyze(apply(vertical, [("platform", value)])).rest_points
                  if p.classification == STABLE]
        assert text == ("Asymptotically stable: " + ", ".join(stable) if stable
                        else "No asymptotically stable rest point"), value
    assert seen[0][1] == "Asymptotically stable: E4 (loose, passive)"
    assert all(text == "Asymptotically stable: E3 (loose, active)" for v, text in seen if v > t)
    assert severe(browser) == [], severe(browser)


@needs_browser
def test_the_threshold_mark_sits_over_the_thumb_at_the_threshold(browser, tmp_path):
    page = tmp_path / "vertical.html"
    invoke(["explore", SCENARIOS / "vertical.toml", "-m", "platform", "--out", page])
    open_page(browser, page)
    at = browser.execute_script("return window.evogame.result().thresholds.platform.at")
    set_values(browser, {"platform": at})
    mark, thumb = browser.execute_script("""
        const input = document.getElementById('slider-platform'), r = input.getBoundingClientRect();
        const m = document.getElementById('mark-platform').getBoundingClientRect();
        const f = (Number(input.value) - Number(input.min)) / (Number(input.max) - Number(input.min));
        return [m.left + m.width / 2, r.left + 7 + f * (r.width - 14)];""")
    assert abs(mark - thumb) <= 1.0


@needs_browser
def test_a_clicked_path_is_what_simulate_finds(browser, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    from evogame import load_scenario, simulate
    from evogame.studies.mechanisms import apply
    vertical = load_scenario(SCENARIOS / "vertical.toml")
    page = tmp_path / "vertical.html"
    invoke(["explore", SCENARIOS / "vertical.toml", "-m", "platform", "--out", page])
    open_page(browser, page)
    set_values(browser, {"platform": 0.9123})
    browser.find_element(By.ID, "clear").click()
    count = "return document.getElementById('portrait').data.find(t => t.name === 'paths').x.length"
    browser.execute_async_script("window.evogame.set({}).then(arguments[arguments.length - 1])")
    assert browser.execute_script(count) == 0
    dx, dy, start = browser.execute_script("""
        const gd = document.getElementById('portrait'), L = gd._fullLayout, s = gd.data.find(t => t.meta === 'starts');
        const k = s.x.length - 1, box = gd.getBoundingClientRect();
        return [L.xaxis._offset + L.xaxis.l2p(s.x[k]) - box.width / 2, L.yaxis._offset + L.yaxis.l2p(s.y[k]) - box.height / 2,
                [s.x[k], s.y[k]]];""")
    ActionChains(browser).move_to_element_with_offset(browser.find_element(By.ID, "portrait"), int(dx),
                                                      int(dy)).click().perform()
    browser.execute_async_script("const done = arguments[arguments.length - 1];"
                                 "setTimeout(function () { window.evogame.set({}).then(done); }, 50);")
    drawn = browser.execute_script("const t = document.getElementById('portrait').data.find(t => t.name === 'paths');"
                                   "return [t.x, t.y];")
    assert len(drawn[0]) == 102                      # one path: 101 samples and the break after it
    sim = simulate(apply(vertical, [("platform", 0.9123)]), np.array([start]), 20.0, n_points=101)
    assert np.allclose(np.array(drawn[0][:-1], float), sim.paths[0, :, 0], atol=1e-5)
    assert np.allclose(np.array(drawn[1][:-1], float), sim.paths[0, :, 1], atol=1e-5)
    assert severe(browser) == [], severe(browser)


@needs_browser
def test_a_click_on_a_start_in_the_cube_draws_its_path(browser, tmp_path):
    """While the button is held over a start in the 3-D scene plotly fires plotly_click again on every redraw
    (the loop that ended in a RangeError): a press is handled once.  The press is a real mousedown on the
    portrait; plotly's repeated click events are emitted as plotly emits them (a real mouse cannot be aimed at
    a WebGL marker reliably in a headless browser without a GPU)."""
    from selenium.webdriver.common.by import By

    page = tmp_path / "dual.html"
    invoke(["explore", SCENARIOS / "dual_leadership.toml", "-m", "escalation", "--out", page])
    open_page(browser, page)
    browser.find_element(By.ID, "clear").click()
    press = """
        const done = arguments[arguments.length - 1], gd = document.getElementById('portrait');
        const starts = gd.data.find(t => t.meta === 'starts'), k = starts.x.length - 1;
        gd.dispatchEvent(new MouseEvent('mousedown', {bubbles: true}));
        for (let i = 0; i < 5; i++) { gd.emit('plotly_click', {points: [{data: starts, pointNumber: k}]}); }
        setTimeout(function () { window.evogame.set({}).then(function () {
          const paths = gd.data.find(t => t.name === 'paths');
          done([paths.x.length, paths.x.slice(0, -1).every(v => v !== null)]); }); }, 200);"""
    count, one = browser.execute_async_script(press)
    assert count == 102 and one                      # one path: 101 samples and the break after it
    count, _ = browser.execute_async_script(press)   # the next press removes it
    assert count == 0
    assert severe(browser) == [], severe(browser)


@needs_browser
def test_threshold_notes_under_each_preset_are_thresholds(browser, tmp_path):
    from evogame import load_scenario
    from evogame.studies.presets import apply_preset
    from evogame.studies.thresholds import threshold
    scenario = load_scenario(SCENARIOS / "platform_structures.toml")
    page = tmp_path / "structures.html"
    r = invoke(["explore", SCENARIOS / "platform_structures.toml", "--out", page, "--json"])
    report = json.loads(r.stdout)
    open_page(browser, page)
    for k, name in enumerate(scenario.presets, start=1):
        browser.execute_async_script("window.evogame.preset(arguments[0]).then(arguments[arguments.length - 1])", k)
        shown = browser.execute_script("return window.evogame.result().thresholds")
        preset = apply_preset(scenario, name)
        for s in report["sliders"]:
            if s["kind"] == "mechanism":
                t = threshold(preset, [s["name"]])
            else:
                t = threshold(preset, param=s["name"], range=tuple(s["range"]))
            if t.threshold is None:
                assert shown[s["name"]]["at"] is None, (name, s["name"], t.meaning)
            else:
                assert shown[s["name"]]["at"] == pytest.approx(t.threshold, abs=1e-8), (name, s["name"])
                assert f"{t.threshold:.6g}" in shown[s["name"]]["note"]
    assert severe(browser) == [], severe(browser)
