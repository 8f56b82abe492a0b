"""The explorer page: self-contained, under 3 MB, its sliders, ranges and words; the JavaScript it computes
with is the engine's expressions (checked here with Node.js where it is installed, in Chromium by
tests/cli/test_explore_browser.py)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("plotly", reason="the explorer needs the optional extra: pip install \"evogame[explore]\"")

from evogame import analyze                                       # noqa: E402
from evogame.errors import ScenarioError                          # noqa: E402
from evogame.explore import MAX_BYTES, explore                    # noqa: E402
from evogame.explore.model import build_model, strength_name      # noqa: E402
from evogame.explore.sliders import choose_sliders, default_range  # noqa: E402
from evogame.explore.solver_js import NUMERICS                    # noqa: E402
from evogame.scenario import load_scenario                        # noqa: E402
from evogame.studies.mechanisms import apply                      # noqa: E402
from evogame.studies.thresholds import threshold                  # noqa: E402
from tests.conftest import SCENARIOS                              # noqa: E402
from tests.helpers import assert_user_error, invoke               # noqa: E402

NODE = shutil.which("node")


@pytest.fixture(scope="module")
def vertical():
    return load_scenario(SCENARIOS / "vertical.toml")


def page_data(html: str) -> dict:
    """The data embedded in the page (the JSON the page's script reads)."""
    m = re.search(r'<script type="application/json" id="evogame-data">(.*?)</script>', html, flags=re.S)
    assert m, "no data in the page"
    return json.loads(m.group(1))


def test_page_is_self_contained_and_under_3_mb(vertical, tmp_path):
    out = tmp_path / "vertical.html"
    result = explore(vertical, str(out))
    html = out.read_text(encoding="utf-8")
    assert result.size == out.stat().st_size < MAX_BYTES == 3_000_000
    assert not re.search(r'<script[^>]+src=|<link[^>]+href=|https?://cdn', html)      # nothing fetched
    assert 'id="plotly-gz"' in html and "DecompressionStream" in html


def test_default_sliders_are_every_mechanism_and_three_parameters(vertical):
    specs = choose_sliders(vertical)
    assert [s.name for s in specs] == [*vertical.mechanisms, "c_D", "B", "beta"]
    c_D = specs[len(vertical.mechanisms)]
    assert (c_D.lo, c_D.hi) == tuple(vertical.game.parameters["c_D"].range)
    assert c_D.description == vertical.game.parameters["c_D"].description != ""


def test_a_scenario_without_ranges_gets_stated_default_ranges(tmp_path):
    pd = load_scenario(SCENARIOS / "prisoners_dilemma.toml")
    assert all(p.range is None for p in pd.game.parameters.values())
    specs = choose_sliders(pd)
    assert specs, "no sliders"
    for s in specs:
        value = float(pd.game.parameters[s.name].value)
        assert s.lo <= value <= s.hi and s.range_note
        assert (s.lo, s.hi) == default_range(value)[:2]
    out = tmp_path / "pd.html"
    explore(pd, str(out))
    assert "Ranges not in the scenario" in out.read_text(encoding="utf-8")


def test_default_range_is_the_range_threshold_searches():
    # evogame threshold searches [0, max(1, 2 |v|)] for a parameter without a declared range
    assert default_range(3.0)[:2] == (0.0, 6.0)
    assert default_range(0.2)[:2] == (0.0, 1.0)
    lo, hi, _ = default_range(-2.0)
    assert lo <= -2.0 <= hi


def test_every_shipped_scenario_builds(tmp_path):
    for file in sorted(SCENARIOS.glob("*.toml")):
        result = explore(load_scenario(file), str(tmp_path / "page.html"))
        assert result.size < MAX_BYTES, file.name


def test_structural_parameter_is_refused_with_the_way_out(tmp_path):
    r = invoke(["explore", SCENARIOS / "platform_public_good.toml", "--sweep", "N", "--out", tmp_path / "x.html"])
    assert_user_error(r, "-p N=VALUE")


def test_cli_chooses_the_sliders(tmp_path):
    out = tmp_path / "page.html"
    r = invoke(["explore", SCENARIOS / "vertical.toml", "-m", "platform", "--steps", "5", "--sweep", "c_D=0:6:4",
                "--sweep", "L", "--out", out, "--json"])
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert report["size"] == out.stat().st_size > 0
    assert [s["name"] for s in report["sliders"]] == ["platform", "c_D", "L"]
    assert report["sliders"][1]["range"] == [0.0, 6.0]
    assert report["sliders"][2]["range"] == [0.0, 50.0]                       # L's declared range
    assert report["parameters"][-1] == strength_name("platform")


def test_presets_carry_their_values(tmp_path):
    from evogame.studies.presets import preset_values
    scenario = load_scenario(SCENARIOS / "platform_structures.toml")
    r = explore(scenario, str(tmp_path / "s.html"), mechanisms=["voice"])
    assert [n for n, _, _ in r.presets] == ["", *scenario.presets]
    for name, _, values in r.presets[1:]:
        for k, v in preset_values(scenario, name).items():
            assert values[k] == pytest.approx(float(v))
        assert values[strength_name("voice")] == 0.0


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


def test_axis_titles_read_well_in_english(tmp_path):
    sharing = load_scenario(SCENARIOS / "hidden_collusion.toml")
    out = tmp_path / "x.html"
    explore(sharing, str(out), mechanisms=["trust"])
    html = out.read_text(encoding="utf-8")
    assert "share of share" not in html
    sq = tmp_path / "v.html"
    explore(load_scenario(SCENARIOS / "vertical.toml"), str(sq), mechanisms=["platform"])
    data = page_data(sq.read_text(encoding="utf-8"))
    assert data["layout"]["xaxis"]["title"]["text"] == "Superior government: share playing “strict supervision”"


def test_chinese_page_names_everything_in_chinese(vertical, tmp_path):
    out = tmp_path / "zh.html"
    explore(vertical, str(out), mechanisms=["platform"], lang="zh")
    data = page_data(out.read_text(encoding="utf-8"))
    superior, subordinate = vertical.game.populations
    assert data["layout"]["xaxis"]["title"]["text"] == f"{superior.label_zh}：{superior.strategy_labels_zh[0]}的比例"
    assert data["names"] == [list(superior.strategy_labels_zh), list(subordinate.strategy_labels_zh)]
    assert data["target"]["label"] == "(" + ", ".join(
        p.strategy_labels_zh[i] for p, i in zip(vertical.game.populations, vertical.target)) + ")"
    assert "渐近稳定" in [name for _, name, _ in data["classes"]]
    assert data["sliders"][0]["label"] == vertical.mechanisms["platform"].label_zh


def node_rest_points(model, vectors) -> list:
    """The page's rest points (its JavaScript: the model and the numerics) at parameter vectors, in Node.js."""
    js = (NUMERICS + f"\nconst M = {model.to_js()};\nconst P = {json.dumps(vectors)};\n"
          f"console.log(JSON.stringify(P.map(p => NUM.restPoints(M, p, {model.dimension}))));")
    r = subprocess.run([NODE, "-e", js], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout)


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed (the browser test checks the same in Chromium)")
@pytest.mark.parametrize("name", ["vertical", "dual_leadership", "rps", "platform_public_good"])
def test_the_pages_javascript_finds_what_analyze_finds(name):
    """At random combinations of every mechanism's strength and every ranged parameter, the page's rest points
    are analyze's: same states (1e-6), same classes (except those it says are on the boundary), same order."""
    scenario = load_scenario(SCENARIOS / f"{name}.toml")
    mechanisms = list(scenario.mechanisms)
    model = build_model(scenario, scenario.game, mechanisms, "replicator")
    rng = np.random.default_rng(23)
    combos = []
    for _ in range(12):
        values = {n: float(rng.uniform(*p.range)) for n, p in scenario.game.parameters.items()
                  if p.range is not None and not p.integer}
        combos.append((values, {m: float(rng.uniform(0, 1)) for m in mechanisms}))
    vectors = [[{**values, **{strength_name(m): s for m, s in strengths.items()}}.get(n, v)
                for n, v in zip(model.parameters, model.values)] for values, strengths in combos]
    for (values, strengths), page in zip(combos, node_rest_points(model, vectors)):
        engine = analyze(apply(scenario, list(strengths.items())) if strengths else scenario, values).rest_points
        assert len(page) == len(engine), (values, strengths)
        for q, p in zip(page, engine):
            assert np.allclose(q["z"], p.state, atol=1e-6)
            assert q["boundary"] or q["cls"] == p.classification, (values, strengths, p.label)


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
def test_the_pages_threshold_bisection_is_thresholds(vertical):
    model = build_model(vertical, vertical.game, ["platform"], "replicator")
    z = [float(v) for v in vertical.game.pure_state(list(vertical.target))]
    js = (NUMERICS + f"\nconst M = {model.to_js()};\nconst p = {json.dumps(list(model.values))};\n"
          f"const b = NUM.boundaries(M, {json.dumps(z)}, p, 2, {len(model.parameters) - 1}, 0, 1, 401);\n"
          "console.log(JSON.stringify(NUM.pick(b, 0, true, 1)));")
    r = subprocess.run([NODE, "-e", js], capture_output=True, text=True, timeout=60)
    page = json.loads(r.stdout)
    assert page["status"] == "threshold"
    assert page["at"] == pytest.approx(threshold(vertical, ["platform"]).threshold, abs=1e-9)


def python_of(js: str):
    """A function printed by :func:`js_function` run as Python (its arithmetic is the same in both languages:
    ``+ - * /``, parentheses, ``Math.sqrt``/``Math.pow``), to check the printing without a JavaScript engine."""
    import math
    m = re.fullmatch(r"function\(([^)]*)\) \{ (.*) \}", js, flags=re.S)
    args, body = [a.strip() for a in m.group(1).split(",")], m.group(2)
    lines = [s.strip() for s in body.split(";") if s.strip()]
    code = [f"def f({', '.join(args)}):"]
    code += ["    " + (s[len("const "):] if s.startswith("const ") else s) for s in lines]
    scope = {"Math": math}
    exec("\n".join(code), scope)
    return scope["f"]


def test_printed_javascript_keeps_the_expressions_value():
    """Powers, negative powers, rationals and square roots print with the right precedence (a power in a
    denominator once printed as ``a/(b)*(b)``)."""
    import sympy

    from evogame.explore.jscode import array_symbols, js_function
    x, y, a, b = sympy.symbols("x y a b", real=True)
    exprs = [x**2 * a + sympy.Rational(1, 3) * y, sympy.sqrt(x) * a**-2, (x**2 * a + 1)**2, 1 / (x + a)**3,
             a / (b * x**2), (x - y)**-1 * b**3 - sympy.Rational(-7, 5) * x**5]
    names = {**array_symbols([x, y], "z"), **array_symbols([a, b], "p")}
    f = python_of(js_function(["z", "p"], exprs, names))
    g = sympy.lambdify([x, y, a, b], exprs)
    rng = np.random.default_rng(5)
    for _ in range(20):
        z, p = list(rng.uniform(0.1, 2, 2)), list(rng.uniform(0.1, 2, 2))
        assert np.allclose(f(z, p), g(*z, *p), rtol=1e-12)


def test_each_mechanism_has_its_own_strength_composed_as_apply_composes(vertical):
    """The page's game with a strength symbol per mechanism, at strengths s, is apply(scenario, [(m, s), ...])."""
    from evogame.dynamics import derive
    from evogame.explore.model import work_game
    mechanisms = list(vertical.mechanisms)
    work = work_game(vertical.game, vertical, mechanisms)
    field = derive(work, "replicator")
    rng = np.random.default_rng(7)
    for _ in range(3):
        strengths = {m: float(rng.uniform(0, 1)) for m in mechanisms}
        applied = apply(vertical, list(strengths.items())).game
        reference = derive(applied, "replicator")
        values = {**{k: float(v) for k, v in applied.values().items()},
                  **{strength_name(m): s for m, s in strengths.items()}}
        z = rng.uniform(0, 1, (5, 2))
        ours = field.field(z, field.parameter_vector(values))
        theirs = reference.field(z, reference.parameter_vector({k: float(v) for k, v in applied.values().items()}))
        assert np.allclose(ours, theirs, rtol=1e-12, atol=1e-12)
