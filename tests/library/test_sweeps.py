"""Sweeps and regime maps: vectorised, and agreeing with independent computations."""
import json


import numpy as np
import pytest
import sympy
from click.testing import CliRunner

from evogame.engine.analysis import analyze
from evogame.cli import jsonable, main
from evogame.dynamics import derive
from evogame.errors import ScenarioError
from evogame.game.faces import face_label
from evogame.solvers import stability as st
from evogame.engine.parametric import ParametricRestPoints
from evogame.studies.sweeps import parse_axis, regime_map, sweep, sweep1d

from conftest import SCENARIOS, load

VERTICAL = str(SCENARIOS / "vertical.toml")
rng = np.random.default_rng(7)


SCENARIO = "vertical"   # the shipped scenario of the `scenario` and `game` fixtures


def corner_crossings(game, name, lo, hi):
    """Per pure rest point, the values of `name` in (lo, hi) where one of its eigenvalues
    (computed here from the Jacobian with sympy) crosses zero, the others at their defaults."""
    dyn = derive(game)
    u = game.parameters[name].symbol
    others = {p.symbol: p.value for n, p in game.parameters.items() if n != name}
    out = {}
    for i in range(2):
        for j in range(2):
            corner = {game.variables[0]: 1 - i, game.variables[1]: 1 - j}
            J = dyn.jacobian.subs(corner).subs(others)
            roots = set()
            for ev in J.eigenvals():
                ev = sympy.simplify(ev)
                if u not in ev.free_symbols:
                    continue
                for r in sympy.solve(ev, u):
                    if r.is_real and lo < r < hi:
                        # a crossing, not a touch: the sign differs on both sides
                        if ev.subs(u, r - sympy.Rational(1, 10**6)) * ev.subs(u, r + sympy.Rational(1, 10**6)) < 0:
                            roots.add(float(r))
            label = "(" + ", ".join([game.populations[0].strategies[i], game.populations[1].strategies[j]]) + ")"
            out[label] = sorted(roots)
    return out


@pytest.mark.parametrize("name,lo,hi,n", [("c_D", 0, 5, 50), ("c_D", 0, 5, 51), ("L", 0, 20, 37), ("beta", 0, 1, 20)])
def test_bifurcations_are_eigenvalue_zero_crossings(scenario, game, name, lo, hi, n):
    r = sweep1d(scenario, name, np.linspace(lo, hi, n))
    assert r.method == "vectorised"
    expected = corner_crossings(game, name, lo, hi)
    for label, roots in expected.items():
        found = sorted(b["value"] for b in r.bifurcations if b["rest_point"] == label)
        assert len(found) == len(roots), (label, found, roots)
        assert np.allclose(found, roots, atol=1e-9), (label, found, roots)


def test_interior_appears_where_its_share_reaches_one(scenario):
    # x* = (c_D + lambda L - beta B - m G)/(d F + r) = 1  <=>  d = (2.1 - r)/F = 0.55 at the defaults
    r = sweep1d(scenario, "d", np.linspace(0, 1, 41))
    interior = [b for b in r.bifurcations if b["rest_point"] == "(strict/loose, active/passive)"]
    assert len(interior) == 1
    assert interior[0]["from"] == "absent" and interior[0]["to"] == "non-hyperbolic"
    assert interior[0]["value"] == pytest.approx(0.55, abs=1e-10)


def test_strength_sweep_meets_the_threshold(scenario):
    r = sweep1d(scenario, "strength", np.linspace(0, 1, 33), ["platform"])
    cross = [b for b in r.bifurcations if b["rest_point"] == "(loose, active)"]
    assert len(cross) == 1 and cross[0]["to"] == "asymptotically stable"
    assert cross[0]["value"] == pytest.approx(0.875, abs=1e-10)


def test_vectorised_sweep_equals_per_point_analysis(scenario):
    values = np.linspace(0.2, 2.0, 5)      # one change of classification: c_D = 0.9
    vec = sweep1d(scenario, "c_D", values, params={"d": 0.8})
    per = sweep1d(scenario, "c_D", values, params={"d": 0.8}, method="per point")
    assert per.method == "per point"
    for k in per.labels:
        assert vec.classifications[k] == per.classifications[k], k
    for k in set(vec.labels) - set(per.labels):   # found symbolically but absent on this grid
        assert all(c is None for c in vec.classifications[k])
    assert [(b["rest_point"], b["from"], b["to"]) for b in vec.bifurcations] == \
        [(b["rest_point"], b["from"], b["to"]) for b in per.bifurcations]
    assert np.allclose([b["value"] for b in vec.bifurcations], [b["value"] for b in per.bifurcations], atol=1e-8)
    for k in per.labels:
        ok = ~np.isnan(per.states[k][:, 0])
        assert np.allclose(vec.states[k][ok], per.states[k][ok], atol=1e-10)


def test_regime_map_equals_per_point_analyze(scenario, game):
    x, y = np.linspace(0, 5, 200), np.linspace(0, 1, 200)
    m = regime_map(scenario, "c_D", x, "d", y)
    assert m.method == "vectorised" and m.regime_index.shape == (200, 200)
    for _ in range(12):
        i, j = rng.integers(0, 200, size=2)
        a = analyze(scenario, {"c_D": float(x[i]), "d": float(y[j])})
        expected = tuple(face_label(game, p.support) for p in a.stable)
        assert m.stable_sets[j][i] == expected, (x[i], y[j])
    assert set(m.regimes) == {(), ("(loose, active)",), ("(loose, passive)",), ("(strict, passive)",)}


def test_regime_map_is_one_array_evaluation_after_derivation(game, monkeypatch):
    # the speed itself lives in benchmarks/ (no test asserts a time); here: after the derivation, a 200 x 200
    # grid is evaluated from the compiled closed forms alone -- no per-point analysis, no sympy
    derived = ParametricRestPoints(game, ["c_D", "d"], 10.0, 1e-9)
    import evogame.engine.analysis

    def refuse(*args, **kwargs):
        raise AssertionError("a per-point call during the vectorised evaluation")
    monkeypatch.setattr(evogame.engine.analysis, "analyze", refuse)
    monkeypatch.setattr(sympy, "lambdify", refuse)
    monkeypatch.setattr(sympy, "solve", refuse)
    X, Y = np.meshgrid(np.linspace(0, 5, 200), np.linspace(0, 1, 200))
    codes = derived.evaluate([X, Y])["codes"]
    assert codes.shape == (len(derived.keys), 200, 200)
    assert set(np.unique(codes)) <= set(range(-1, len(st.CLASSES)))


def test_regime_map_csv(scenario):
    m = regime_map(scenario, "c_D", np.linspace(0, 5, 4), "d", np.linspace(0, 1, 3))
    lines = m.csv().strip().splitlines()
    assert lines[0] == "c_D,d,stable_set"
    assert len(lines) == 1 + 12
    assert lines[1] == '0,0,"(loose, active)"'


def test_three_population_regime_map_agrees_with_analyze():
    g = load("dual_leadership")
    x, y = np.linspace(0, 4, 9), np.linspace(0, 4, 7)
    m = regime_map(g, "kappa", x, "f", y, ["incentive"], strength=0.5)
    assert m.method == "vectorised"
    from evogame.studies.mechanisms import apply
    applied = apply(g, ["incentive"], 0.5)
    for _ in range(5):
        i, j = rng.integers(0, len(x)), rng.integers(0, len(y))
        a = analyze(applied, {"kappa": float(x[i]), "f": float(y[j])})
        assert m.stable_sets[j][i] == tuple(face_label(g.game, p.support) for p in a.stable)


def test_parse_axis():
    name, values = parse_axis("c_D=0:5:11")
    assert name == "c_D" and np.allclose(values, np.linspace(0, 5, 11))
    for bad in ("c_D", "c_D=0:5", "c_D=5:0:3", "c_D=0:5:1", "c_D=a:b:c"):
        with pytest.raises(ScenarioError):
            parse_axis(bad)


def test_sweep_errors(scenario):
    with pytest.raises(ScenarioError):
        sweep(scenario, [("zz", [0, 1])])
    with pytest.raises(ScenarioError):
        sweep(scenario, [("strength", [0, 1])])          # no mechanism
    with pytest.raises(ScenarioError):
        sweep(scenario, [("c_D", [0, 1]), ("d", [0, 1]), ("L", [0, 1])])


# -- CLI ------------------------------------------------------------------------------------

def run(*args):
    return CliRunner().invoke(main, ["sweep", *args])


def test_cli_sweep_json_is_to_dict(scenario):
    res = run(VERTICAL, "--sweep", "c_D=0:5:21", "--json")
    assert res.exit_code == 0, res.output
    expected = jsonable(sweep1d(scenario, "c_D", np.linspace(0, 5, 21)).to_dict())
    assert json.loads(res.output) == expected
    res = run(VERTICAL, "--sweep", "c_D=0:5:5", "--sweep", "d=0:1:4", "--json")
    out = json.loads(res.output)
    assert out == jsonable(regime_map(scenario, "c_D", np.linspace(0, 5, 5), "d", np.linspace(0, 1, 4)).to_dict())
    # the nesting names its axes: outer d (4 values), inner c_D (5 values)
    assert (out["regime_index"]["outer"], out["regime_index"]["inner"]) == ("d", "c_D")
    assert len(out["regime_index"]["values"]) == 4 and len(out["regime_index"]["values"][0]) == 5
    assert out["stable_sets"]["outer"] == "d" and len(out["stable_sets"]["values"][0]) == 5
    # at c_D = 0 (inner index 0) the target (loose, active) is stable whatever d: c_D < 0.9
    assert all("(loose, active)" in row[0] for row in out["stable_sets"]["values"])


def test_cli_sweep_text_and_files(tmp_path):
    res = run(VERTICAL, "--sweep", "strength=0:1:11", "-m", "platform")
    assert res.exit_code == 0 and "strength = 0.875: (loose, active) saddle -> asymptotically stable" in res.output
    out = tmp_path / "map.csv"
    res = run(VERTICAL, "--sweep", "c_D=0:5:10", "--sweep", "d=0:1:10", "--out", str(out))
    assert res.exit_code == 0 and out.read_text().startswith("c_D,d,stable_set\n")
    out = tmp_path / "sweep.json"
    res = run(VERTICAL, "--sweep", "c_D=0:5:10", "--out", str(out))
    assert res.exit_code == 0 and json.loads(out.read_text())["parameter"] == "c_D"


@pytest.mark.parametrize("args", [
    ["--sweep", "c_D=0:5"],
    ["--sweep", "zz=0:1:5"],
    ["--sweep", "strength=0:1:5"],
    ["--sweep", "c_D=0:1:5", "--sweep", "d=0:1:5", "--sweep", "L=0:1:5"],
    ["--sweep", "c_D=0:1:5", "-m", "nonesuch"],
    ["--sweep", "c_D=0:1:5", "--out", "x.txt"],
    [],
])
def test_cli_sweep_bad_input_exits_2(args):
    res = run(VERTICAL, *args)
    assert res.exit_code == 2, res.output


# -- faces solved by batched polynomial roots (degree >= 3) ----------------------------------

PUBLIC_GOOD = """
[game]
name = "pg5"
[[populations]]
name = "departments"
strategies = ["share", "not"]
variable = "x"
[parameters]
b = 6.0
c = 1.0
s = 0.2
[fitness]
# five departments, critical mass three: the platform pays b*k/5 when k >= 3 share
"departments.share" = "sum(k, 2, 4, binomial(4, k) * x^k * (1 - x)^(4 - k) * b * (k + 1)/5) - c + s"
"departments.not" = "sum(k, 3, 4, binomial(4, k) * x^k * (1 - x)^(4 - k) * b * k/5)"
"""


@pytest.fixture(scope="module")
def public_good():
    from evogame.scenario import parse_scenario
    return parse_scenario(PUBLIC_GOOD, file="pg5.toml")


def test_polynomial_face_sweep_equals_analyze(public_good):
    values = np.linspace(0.25, 1.95, 7)
    vec = sweep1d(public_good, "c", values)
    assert vec.method == "vectorised" and any("polynomial" in n for n in vec.notes)
    for i, c in enumerate(values):
        a = analyze(public_good, {"c": float(c)})
        found = sorted((lab.split(" #")[0], vec.classifications[lab][i], round(float(vec.states[lab][i][0]), 9))
                       for lab in vec.labels if vec.classifications[lab][i] is not None)
        expected = sorted((face_label(public_good.game, p.support), p.classification, round(float(p.state[0]), 9))
                          for p in a.rest_points)
        assert found == expected, c
    # at x = 1 the payoff difference is b/5 - c + s: full sharing loses stability at c = b/5 + s = 1.4
    share = [b for b in vec.bifurcations if b["rest_point"] == "(share)"]
    assert len(share) == 1 and share[0]["value"] == pytest.approx(1.4, abs=1e-10)
    # and the same sweep with a grid value exactly on the crossing finds no spurious interior point
    grid = np.linspace(0.2, 2.0, 7)
    assert grid[4] == pytest.approx(1.4, abs=1e-15)
    exact_hit = sweep1d(public_good, "c", grid)
    found = sorted((lab.split(" #")[0], exact_hit.classifications[lab][4]) for lab in exact_hit.labels
                   if exact_hit.classifications[lab][4] is not None)
    a = analyze(public_good, {"c": float(grid[4])})
    assert found == sorted((face_label(public_good.game, p.support), p.classification) for p in a.rest_points)
    assert exact_hit.classifications["(share)"][4] == "non-hyperbolic"


def test_polynomial_face_regime_map_equals_analyze(public_good):
    x, y = np.linspace(0, 10, 60), np.linspace(0, 3, 50)
    m = regime_map(public_good, "b", x, "c", y)
    assert m.method == "vectorised"
    assert any(len(r) == 2 for r in m.regimes)          # bistable cells exist
    for _ in range(8):
        i, j = rng.integers(0, len(x)), rng.integers(0, len(y))
        a = analyze(public_good, {"b": float(x[i]), "c": float(y[j])})
        assert [lab.split(" #")[0] for lab in m.stable_sets[j][i]] == \
            [face_label(public_good.game, p.support) for p in a.stable], (x[i], y[j])


def test_regime_map_refuses_a_grid_too_large_for_memory():
    from evogame.errors import AnalysisError
    from evogame.studies.sweeps import MAX_CELLS, regime_map

    scenario = load("vertical")
    n = int(MAX_CELLS ** 0.5) + 2
    with pytest.raises(AnalysisError, match="too large"):
        regime_map(scenario, "c_D", np.linspace(0, 5, n), "d", np.linspace(0, 1, n))
