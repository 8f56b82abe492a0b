"""The explorer page: self-contained, and what it shows at every slider step is what analyze() says there."""
from __future__ import annotations

import json
import re
import sys

import numpy as np
import pytest

pytest.importorskip("plotly", reason="the explorer needs the optional extra: pip install \"evogame[explore]\"")

from evogame import analyze                                      # noqa: E402
from evogame.errors import ScenarioError                          # noqa: E402
from evogame.explore import explore                               # noqa: E402
from evogame.scenario import load_scenario                        # noqa: E402
from evogame.studies.mechanisms import apply                      # noqa: E402
from tests.conftest import SCENARIOS                              # noqa: E402
from tests.helpers import assert_user_error, invoke               # noqa: E402

STABLE = "asymptotically stable"


@pytest.fixture(scope="module")
def vertical():
    return load_scenario(SCENARIOS / "vertical.toml")


@pytest.fixture(scope="module")
def platform_page(vertical, tmp_path_factory):
    out = tmp_path_factory.mktemp("explore") / "platform.html"
    result = explore(vertical, str(out), mechanisms=["platform"], steps=17)
    return result, out.read_text(encoding="utf-8")


def page_frames(html: str) -> list[dict]:
    """The frames embedded in the page, read back from the HTML (the JSON passed to Plotly.addFrames)."""
    start = re.search(r"Plotly\.addFrames\(\s*['\"][^'\"]+['\"]\s*,\s*", html)
    assert start, "no frames in the page"
    frames, _ = json.JSONDecoder().raw_decode(html, start.end())
    return frames


def page_slider(html: str) -> list[str]:
    """The labels of the slider's steps, read back from the page's layout JSON."""
    start = html.index('"sliders":') + len('"sliders":')
    sliders, _ = json.JSONDecoder().raw_decode(html, start)
    return [step["label"] for step in sliders[0]["steps"]]


def shown_points(frame: dict, kind: str = "square") -> set:
    """(rounded reduced state, classification) of every rest point marked in a frame; each marker sits where
    the figures draw that state (the square: the state itself; the simplex: the figures' triangle)."""
    from evogame.plotting.portraits import SIMPLEX_VERTICES
    out = set()
    for trace in frame["data"]:
        cls = (trace.get("meta") or {}).get("classification")
        if cls is None:
            continue
        for x, y, data in zip(trace.get("x", []), trace.get("y", []), trace.get("customdata", [])):
            assert data[1] == cls
            z = np.array(data[2:], dtype=float)
            where = z if kind == "square" else np.array([z[0], z[1], 1 - z.sum()]) @ SIMPLEX_VERTICES
            assert (x, y) == pytest.approx(tuple(where), abs=1e-12)
            out.add((tuple(round(float(v), 6) for v in z), cls))
    return out


def analysed_points(scenario, strength: float) -> tuple[set, set]:
    a = analyze(apply(scenario, ["platform"], strength))
    points = {((round(float(p.state[0]), 6), round(float(p.state[1]), 6)), p.classification) for p in a.rest_points}
    return points, {p.label for p in a.rest_points if p.classification == STABLE}


def test_page_is_self_contained_and_small(platform_page):
    result, html = platform_page
    assert result.size < 10_000_000
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, flags=re.I)      # every script inlined
    assert "plotly.js v" in html or "Plotly" in html[:2_000_000]           # the bundle itself
    assert len(html) > 1_000_000                                           # ... which is megabytes of JS
    assert not re.search(r"<link[^>]*href\s*=\s*['\"]https?://", html, flags=re.I)


def test_every_step_shows_what_analyze_says(vertical, platform_page):
    result, html = platform_page
    frames = page_frames(html)
    assert len(frames) == result.steps == 17
    for frame, s in zip(frames, result.values):
        points, stable = analysed_points(vertical, s)
        assert shown_points(frame) == points, s
        words = " ".join(a["text"] for a in frame["layout"]["annotations"])
        shown_stable = set(re.findall(r"\([^()]*\)", words.split("threshold")[0]))
        assert shown_stable == stable, (s, words)
        if not stable:
            assert "No asymptotically stable" in words


def test_hover_shows_the_eigenvalues_analyze_finds(vertical, platform_page):
    result, html = platform_page
    checked = 0
    for frame, s in zip(page_frames(html), result.values):
        a = analyze(apply(vertical, ["platform"], s))
        for trace in frame["data"]:
            for data, hover in zip(trace.get("customdata", []), trace.get("hovertext", [])):
                shown = re.search(r"eigenvalues ([^<]*)", hover).group(1).split(", ")
                point = min(a.rest_points, key=lambda p: np.abs(p.state - np.array(data[2:])).sum())
                assert data[1] == point.classification and point.classification in hover
                expected = sorted(point.eigenvalues, key=lambda e: (e.real, e.imag))
                got = sorted((complex(t.replace("i", "j")) for t in shown), key=lambda e: (e.real, e.imag))
                assert np.allclose(got, expected, rtol=1e-3, atol=1e-9), (s, hover)
                checked += 1
    assert checked >= 4 * result.steps


def test_result_stable_sets_equal_analyze(vertical, platform_page):
    result, _ = platform_page
    for s, stable_set in zip(result.values, result.stable_sets):
        assert set(stable_set) == analysed_points(vertical, s)[1]
    assert result.to_dict()["steps"] == 17


def test_stable_set_switch_brackets_the_threshold(vertical, platform_page):
    result, html = platform_page
    target = "(loose, active)"
    stable = [target in s for s in result.stable_sets]
    assert not stable[0] and stable[-1]
    first = stable.index(True)
    assert all(stable[first:])
    lo, hi = result.values[first - 1], result.values[first]
    # evogame threshold, computed on its own: platform makes (loose, active) stable from s = 7/8
    thr = invoke(["threshold", SCENARIOS / "vertical.toml", "--mechanism", "platform", "--json"])
    t = json.loads(thr.stdout)["threshold"]
    assert t == pytest.approx(7 / 8)
    assert lo <= t < hi      # at s = 7/8 itself the target is non-hyperbolic, not yet stable
    assert result.threshold == pytest.approx(t)
    # the slider marks the step nearest the threshold
    labels = page_slider(html)
    marked = [i for i, lab in enumerate(labels) if lab.startswith("▼")]
    assert marked == [int(np.argmin(np.abs(np.array(result.values) - t)))]


def test_parameter_slider_uses_declared_range(vertical, tmp_path):
    result = explore(vertical, str(tmp_path / "c_D.html"), param="c_D", steps=5)
    assert result.values[0] == 0 and result.values[-1] == 20        # c_D's declared range [0, 20]
    for v, stable_set in zip(result.values, result.stable_sets):
        a = analyze(vertical, {"c_D": v})
        assert set(stable_set) == {p.label for p in a.rest_points if p.classification == STABLE}


def test_simplex_page_shows_what_analyze_says(tmp_path):
    rps = load_scenario(SCENARIOS / "rps.toml")
    out = tmp_path / "rps.html"
    result = explore(rps, str(out), param="w", steps=6)
    frames = page_frames(out.read_text(encoding="utf-8"))
    assert len(frames) == 6
    for frame, w in zip(frames, result.values):
        a = analyze(rps, {"w": w})
        expected = {(tuple(round(float(v), 6) for v in p.state), p.classification) for p in a.rest_points}
        assert shown_points(frame, "simplex") == expected, w
    # Zeeman: with a win worth more than a loss (w > l = 1) the interior is asymptotically stable
    classes = {w: {c for _, c in shown_points(f, "simplex")} for f, w in zip(frames, result.values)}
    assert STABLE in classes[result.values[-1]]


def test_cli_writes_the_page(tmp_path):
    out = tmp_path / "page.html"
    r = invoke(["explore", SCENARIOS / "vertical.toml", "-m", "platform", "--steps", "5", "--out", out, "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["size"] == out.stat().st_size > 0


def test_cli_refuses_three_populations(tmp_path):
    r = invoke(["explore", SCENARIOS / "dual_leadership.toml", "--out", tmp_path / "x.html"])
    assert_user_error(r, "two populations of two strategies", "one population of three", "3 population")
    assert not (tmp_path / "x.html").exists()


def test_cli_refuses_two_sliders(tmp_path):
    r = invoke(["explore", SCENARIOS / "vertical.toml", "-p", "c_D=0:1:3", "-p", "L=0:1:3",
                "--out", tmp_path / "x.html"])
    assert_user_error(r, "one slider")


def test_missing_plotly_names_the_extra(vertical, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "plotly", None)     # import plotly now raises ImportError
    monkeypatch.setitem(sys.modules, "plotly.graph_objects", None)
    monkeypatch.setitem(sys.modules, "plotly.io", None)
    with pytest.raises(ScenarioError, match=r'pip install "evogame\[explore\]"'):
        explore(vertical, str(tmp_path / "x.html"))
    r = invoke(["explore", SCENARIOS / "vertical.toml", "--out", tmp_path / "x.html"])
    assert_user_error(r, 'pip install "evogame[explore]"')
