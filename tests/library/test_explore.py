"""The explorer page: self-contained, under 10 MB, and what it shows at every slider step is what analyze(),
threshold() and simulate() say there (each called here on its own, not through the page's code)."""
from __future__ import annotations

import json
import re
import sys

import numpy as np
import pytest

pytest.importorskip("plotly", reason="the explorer needs the optional extra: pip install \"evogame[explore]\"")

from evogame import analyze, simulate                             # noqa: E402
from evogame.errors import ScenarioError                          # noqa: E402
from evogame.explore import MAX_BYTES, explore                    # noqa: E402
from evogame.scenario import load_scenario                        # noqa: E402
from evogame.studies.mechanisms import apply                      # noqa: E402
from evogame.studies.presets import apply_preset                  # noqa: E402
from evogame.studies.thresholds import threshold                  # noqa: E402
from tests.conftest import SCENARIOS                              # noqa: E402
from tests.helpers import assert_user_error, invoke               # noqa: E402

STABLE = "asymptotically stable"
SIMPLEX = np.array([[0.5, np.sqrt(3.0) / 2.0], [0.0, 0.0], [1.0, 0.0]])   # the figures' triangle


@pytest.fixture(scope="module")
def vertical():
    return load_scenario(SCENARIOS / "vertical.toml")


@pytest.fixture(scope="module")
def vertical_page(vertical, tmp_path_factory):
    """The default page of the vertical game: every mechanism and three parameters."""
    out = tmp_path_factory.mktemp("explore") / "vertical.html"
    result = explore(vertical, str(out))
    return result, page_data(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dual_page(tmp_path_factory):
    out = tmp_path_factory.mktemp("explore") / "dual.html"
    r = invoke(["explore", SCENARIOS / "dual_leadership.toml", "--out", out, "--json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout), out.read_text(encoding="utf-8")


def page_data(html: str) -> dict:
    """The numbers embedded in the page (the JSON the page's script draws from)."""
    m = re.search(r'<script type="application/json" id="evogame-data">(.*?)</script>', html, flags=re.S)
    assert m, "no data in the page"
    return json.loads(m.group(1))


def slider(data: dict, name: str, preset: int = 0) -> dict:
    return next(s for s in data["presets"][preset]["sliders"] if s["name"] == name)


def drawn(point: dict, kind: str) -> tuple:
    """Where the figures draw a reduced state: the square and cube as it is, the simplex in its triangle."""
    z = np.array(point["s"], dtype=float)
    if kind == "simplex":
        return tuple(np.array([z[0], z[1], 1 - z.sum()]) @ SIMPLEX)
    if kind == "line":
        return (z[0], 0.0)
    return tuple(z)


def shown(step: dict, kind: str) -> set:
    """(rounded state, classification) of every rest point marked at a step, each where it belongs."""
    for p in step["points"]:
        if kind == "simplex":       # the square, the cube and the line draw the state itself
            assert tuple(p["p"]) == pytest.approx(drawn(p, kind), abs=1e-12)
    return {(tuple(round(float(v), 6) for v in p["s"]), p["c"]) for p in step["points"]}


def analysed(game_or_scenario, params=None) -> tuple:
    a = analyze(game_or_scenario, params)
    return {(tuple(round(float(v), 6) for v in p.state), p.classification) for p in a.rest_points}, a


def shows_stable_set(step: dict, analysis) -> bool:
    """The stable set in words names what analyze finds stable: the corners by analyze's own labels (a mixed
    rest point is named by its face on the page, by its shares in analyze), nothing else."""
    stable = [p for p in analysis.rest_points if p.classification == STABLE]
    named = re.findall(r"\([^()]*\)", step["stable"])
    if not stable:
        return named == [] and "No asymptotically stable" in step["stable"]
    corners = {p.label for p in stable if "mixed" not in p.label}
    return len(named) == len(stable) and corners <= set(named)


def test_page_is_self_contained_and_under_10_mb(vertical_page, dual_page):
    for size, html in ((vertical_page[0].size, None), (dual_page[0]["size"], dual_page[1])):
        assert size < MAX_BYTES == 10_000_000
    html = dual_page[1]
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, flags=re.I)      # every script inlined
    assert not re.search(r"<link[^>]*href\s*=\s*['\"]https?://", html, flags=re.I)
    assert "plotly.js v" in html[:5_000_000] and len(html) > 3_000_000     # the bundle itself is inlined


def test_default_sliders_are_every_mechanism_and_three_parameters(vertical, vertical_page):
    _, data = vertical_page
    names = [s["name"] for s in data["presets"][0]["sliders"]]
    ranged = [n for n, p in vertical.game.parameters.items() if p.range is not None][:3]
    assert names == list(vertical.mechanisms) + ranged
    for s in data["presets"][0]["sliders"]:
        default = 0.0 if s["kind"] == "mechanism" else float(vertical.game.parameters[s["name"]].value)
        assert s["values"][s["default"]] == default      # the resting position is exactly the default


def test_every_mechanism_step_shows_what_analyze_says(vertical, vertical_page):
    _, data = vertical_page
    for name in vertical.mechanisms:
        s = slider(data, name)
        for i in range(0, len(s["values"]), 4 if name != "platform" else 1):
            v = s["values"][i]
            points, a = analysed(apply(vertical, [name], v))
            assert shown(s["steps"][i], "square") == points, (name, v)
            assert shows_stable_set(s["steps"][i], a), (name, v, s["steps"][i]["stable"])


def test_parameter_steps_show_what_analyze_says(vertical, vertical_page):
    _, data = vertical_page
    s = slider(data, "c_D")
    assert s["values"][0] == 0 and s["values"][-1] == 20          # c_D's declared range [0, 20]
    for v, step in zip(s["values"], s["steps"]):
        points, a = analysed(vertical, {"c_D": v})
        assert shown(step, "square") == points and shows_stable_set(step, a), v


def test_hover_shows_the_eigenvalues_analyze_finds(vertical, vertical_page):
    _, data = vertical_page
    s = slider(data, "platform")
    checked = 0
    for v, step in zip(s["values"], s["steps"]):
        a = analyze(apply(vertical, ["platform"], v))
        for p in step["points"]:
            got = p["e"].split(", ")          # the page's hover: label, state, these eigenvalues, class
            point = min(a.rest_points, key=lambda q: np.abs(q.state - np.array(p["s"])).sum())
            assert p["c"] == point.classification
            expected = sorted(point.eigenvalues, key=lambda e: (e.real, e.imag))
            got = sorted((complex(t.replace("i", "j")) for t in got), key=lambda e: (e.real, e.imag))
            assert np.allclose(got, expected, rtol=1e-3, atol=1e-9), (v, p["e"])
            checked += 1
    assert checked >= 4 * len(s["values"])


def test_each_mechanism_slider_marks_the_threshold_threshold_finds(vertical, vertical_page):
    _, data = vertical_page
    marked = 0
    for name in vertical.mechanisms:
        s = slider(data, name)
        expected = threshold(vertical, [name], range=(0, 1)).threshold
        assert s["threshold"] == (None if expected is None else pytest.approx(expected)), name
        if expected is not None:
            marked += 1
            assert s["thresholdAt"] == pytest.approx(expected)        # strength over [0, 1]: its place on the track
            assert "▼" in s["note"]
    assert marked == 2          # platform (7/8) and backflow (3/4): MODELS.md, the subordinate's own calculus
    # evogame threshold, on the command line: platform makes (loose, active) stable from s = 7/8
    thr = json.loads(invoke(["threshold", SCENARIOS / "vertical.toml", "--mechanism", "platform", "--json"]).stdout)
    assert slider(data, "platform")["threshold"] == pytest.approx(thr["threshold"]) == pytest.approx(7 / 8)


def test_stable_set_switches_at_the_threshold(vertical, vertical_page):
    _, data = vertical_page
    for name, t in (("platform", 7 / 8), ("backflow", 3 / 4)):
        s = slider(data, name)
        for v, step in zip(s["values"], s["steps"]):
            # at the threshold itself the target is non-hyperbolic, not yet stable
            assert ("(loose, active)" in step["stable"]) == (v > t + 1e-12), (name, v)


def test_paths_are_what_simulate_finds(vertical, vertical_page):
    result, data = vertical_page
    s = slider(data, "platform")
    starts = np.array(result.starts)
    assert starts[:5].tolist() == [list(z) for z in vertical.simulation.initial]   # the scenario's own first
    for i in (0, len(s["values"]) - 1):
        v = s["values"][i]
        sim = simulate(apply(vertical, ["platform"], v), starts, vertical.simulation.t_end, n_points=161)
        for k in (0, 3, len(starts) - 1):
            path = np.array(s["steps"][i]["paths"][k]).reshape(-1, 2) * data["quantum"]
            assert path[0] == pytest.approx(starts[k], abs=1e-3)
            assert path[-1] == pytest.approx(sim.paths[k, -1], abs=2e-3)
            # every point of the page's path lies on the simulated path
            gaps = np.min(np.linalg.norm(path[:, None, :] - sim.paths[k][None, :, :], axis=-1), axis=1)
            assert gaps.max() < 2e-3


def test_dual_leadership_cube_shows_what_analyze_says(dual_page):
    result, html = dual_page
    data = page_data(html)
    scenario = load_scenario(SCENARIOS / "dual_leadership.toml")
    assert result["geometry"] == data["kind"] == "cube"
    assert [s["name"] for s in data["presets"][0]["sliders"]][:len(scenario.mechanisms)] == list(scenario.mechanisms)
    for name in ("escalation", "bundling"):
        s = slider(data, name)
        for i in (0, len(s["values"]) // 2, len(s["values"]) - 1):
            points, a = analysed(apply(scenario, [name], s["values"][i]))
            assert shown(s["steps"][i], "cube") == points and shows_stable_set(s["steps"][i], a)
            assert len(s["steps"][i]["paths"]) == len(data["starts"]) > 0
        assert s["threshold"] == threshold(scenario, [name], range=(0, 1)).threshold
    assert len(data["frame"][0]["x"]) == 12 * 3            # the cube's twelve edges
    # the face slices: the field of the game with the mechanism applied, in each face's two other shares
    from evogame import derive
    s = slider(data, "bundling")
    at = np.array(data["faceAt"])
    for i in (0, len(s["values"]) - 1):
        game = apply(scenario, ["bundling"], s["values"][i]).game
        dyn = derive(game)
        for face, shown_dirs in zip(data["faces"], s["steps"][i]["faces"]):
            states = np.insert(at, face["k"], face["side"], axis=1)
            F = dyn.field(states, dyn.parameter_vector(game.values()))
            assert np.allclose(F[:, face["k"]], 0)                   # a face is invariant
            F = F[:, face["other"]]
            unit = F / np.linalg.norm(F, axis=1, keepdims=True)
            assert np.allclose(np.array(shown_dirs).reshape(-1, 2) * data["directionQuantum"], unit, atol=0.006)
    assert [(f["k"], f["side"]) for f in data["faces"]] == [(k, v) for k in range(3) for v in (0, 1)]


def test_simplex_and_line_pages_show_what_analyze_says(tmp_path):
    for file, name, kind in (("rps.toml", "w", "simplex"), ("hawk_dove.toml", "C", "line")):
        scenario = load_scenario(SCENARIOS / file)
        out = tmp_path / f"{kind}.html"
        explore(scenario, str(out), parameters={name: np.linspace(0.5, 4, 6)})
        data = page_data(out.read_text(encoding="utf-8"))
        assert data["kind"] == kind
        s = slider(data, name)
        for v, step in zip(s["values"], s["steps"]):
            points, a = analysed(scenario, {name: v})
            assert shown(step, kind) == points and shows_stable_set(step, a), (file, v)


def test_presets_dropdown_recomputes_every_slider(tmp_path):
    scenario = load_scenario(SCENARIOS / "platform_structures.toml")
    out = tmp_path / "structures.html"
    result = explore(scenario, str(out), mechanisms=["platform"], steps=3)
    data = page_data(out.read_text(encoding="utf-8"))
    assert [p["name"] for p in data["presets"]] == [""] + list(scenario.presets)
    assert set(result.presets) == set(scenario.presets)
    for k, name in enumerate(scenario.presets, start=1):
        s = slider(data, "platform", k)
        under = apply_preset(scenario, name)
        for v, step in zip(s["values"], s["steps"]):
            points, a = analysed(apply(under, ["platform"], v))
            assert shown(step, "cube") == points and shows_stable_set(step, a), (name, v)
        assert s["steps"][0]["paths"] is None         # paths: for the scenario's own values only


def test_cli_chooses_the_sliders(tmp_path):
    out = tmp_path / "page.html"
    r = invoke(["explore", SCENARIOS / "vertical.toml", "-m", "platform", "--steps", "5", "--sweep", "c_D=0:6:4",
                "--sweep", "L", "--out", out, "--json"])
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert report["size"] == out.stat().st_size > 0
    assert [s["name"] for s in report["sliders"]] == ["platform", "c_D", "L"]
    assert report["sliders"][1]["values"] == [0.0, 2.0, 3.0, 4.0, 6.0]     # c_D's default 3 added to the grid
    assert report["sliders"][2]["values"][-1] == 50                            # L's declared range


def test_other_shapes_are_refused():
    from types import SimpleNamespace

    from evogame.explore.geometry import geometry
    game = SimpleNamespace(populations=[SimpleNamespace(n=3), SimpleNamespace(n=2)])
    with pytest.raises(ScenarioError, match="a cube"):
        geometry(game)


def test_missing_plotly_names_the_extra(vertical, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "plotly", None)     # import plotly now raises ImportError
    monkeypatch.setitem(sys.modules, "plotly.offline", None)
    with pytest.raises(ScenarioError, match=r'pip install "evogame\[explore\]"'):
        explore(vertical, str(tmp_path / "x.html"))
    r = invoke(["explore", SCENARIOS / "vertical.toml", "--out", tmp_path / "x.html"])
    assert_user_error(r, 'pip install "evogame[explore]"')


def test_chinese_page_speaks_the_scenarios_chinese(vertical, tmp_path):
    out = tmp_path / "zh.html"
    explore(vertical, str(out), mechanisms=["platform"], steps=3, lang="zh")
    data = page_data(out.read_text(encoding="utf-8"))
    superior, subordinate = vertical.game.populations
    assert data["layout"]["xaxis"]["title"]["text"] == f"{superior.label_zh}：{superior.strategy_labels_zh[0]}的比例"
    assert data["layout"]["yaxis"]["title"]["text"] == f"{subordinate.label_zh}：{subordinate.strategy_labels_zh[0]}的比例"
    assert "渐近稳定" in [name for _, name, _ in data["classes"]]
    assert slider(data, "platform")["label"] == vertical.mechanisms["platform"].label_zh
    assert data["presets"][0]["sliders"][0]["steps"][0]["stable"].startswith("渐近稳定：")
