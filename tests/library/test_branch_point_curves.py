"""Branch-point (exchange-of-stability) curves in two parameters (issue 21, part 4), against closed forms.

Under the replicator a corner's eigenvalues are the payoff differences there (an invasion rate per
population), and a face point's transverse eigenvalues the invasion rates of the strategies not in
use: a branch-point curve is where one of them is zero, so each test below writes that rate from the
payoff table by hand and checks the traced curve on it.
"""
import json

import numpy as np
import pytest
import sympy
from click.testing import CliRunner

from conftest import SCENARIOS
from evogame import load_scenario
from evogame.cli import main
from evogame.studies.continuation.curves import continue_curves

TOL = 1e-8


@pytest.fixture(scope="module")
def vertical():
    return load_scenario(SCENARIOS / "vertical.toml")


def values(scenario, **changed):
    out = {k: float(p.value) for k, p in scenario.game.parameters.items()}
    out.update(changed)
    return out


def branch_points(result):
    return [c for c in result.curves if c.kind == "branch point"]


def curve_of(result, face):
    """The branch-point curve of ``face`` (its own or listed in ``also``)."""
    (curve,) = [c for c in branch_points(result) if c.face == face or face in c.also]
    return curve


@pytest.fixture(scope="module")
def backflow_measurability(vertical):
    return continue_curves(vertical, "beta", (0, 1), "m", (0, 1))


def test_loose_active_curve_is_the_line_where_sharing_pays_for_itself(vertical, backflow_measurability):
    # (loose, active): the subordinate's invasion rate by passive sharing is -(beta B + m G - c_D - lambda L)
    # (MODELS.md, game 1): the curve is the line beta B + m G = c_D + lambda L
    v = values(vertical)
    curve = curve_of(backflow_measurability, "(loose, active)")
    assert curve.label == "BP" and len(curve.points) > 10
    beta, m = curve.first, curve.second
    np.testing.assert_allclose(beta * v["B"] + m * v["G"], v["c_D"] + v["lambda"] * v["L"], atol=TOL, rtol=0)
    for p in curve.points:
        np.testing.assert_array_equal(p.state, [0.0, 1.0])
        assert min(abs(p.eigenvalues)) < TOL
    # it crosses the box from edge to edge: beta = 1 at one end, m = 1 at the other
    ends = {(round(p.first, 12), round(p.second, 12)) for p in (curve.points[0], curve.points[-1])}
    rhs = v["c_D"] + v["lambda"] * v["L"]
    assert ends == {(1.0, round((rhs - v["B"]) / v["G"], 12)), (round((rhs - v["G"]) / v["B"], 12), 1.0)}
    # (loose, passive)'s invasion rate by active sharing is the same payoff difference: one curve, listed once
    assert "(loose, passive)" in curve.also


def test_strict_active_curve_adds_the_reward_and_the_expected_penalty(vertical, backflow_measurability):
    # at x = 1 (strict) the subordinate's payoff difference gains r + d F
    v = values(vertical)
    curve = curve_of(backflow_measurability, "(strict, active)")
    lhs = curve.first * v["B"] + curve.second * v["G"] + v["r"] + v["d"] * v["F"]
    np.testing.assert_allclose(lhs, v["c_D"] + v["lambda"] * v["L"], atol=TOL, rtol=0)
    assert len(branch_points(backflow_measurability)) == 2


@pytest.fixture(scope="module")
def supervision(vertical):
    return continue_curves(vertical, "d", (0, 1), "F", (0, 20))


def test_loose_passive_curve_is_the_supervision_hyperbola(vertical, supervision):
    # (loose, passive): the superior's invasion rate by strict supervision is d (F + R_U) - c_S
    v = values(vertical)
    curve = curve_of(supervision, "(loose, passive)")
    d, F = curve.first, curve.second
    np.testing.assert_allclose(d * (F + v["R_U"]), v["c_S"], atol=TOL, rtol=0)
    # from F = 0 (d = c_S / R_U = 1) to F = 20 (d = c_S / (20 + R_U)): the whole box
    ends = sorted((p.first, p.second) for p in (curve.points[0], curve.points[-1]))
    np.testing.assert_allclose(ends, [(v["c_S"] / (20 + v["R_U"]), 20.0), (v["c_S"] / v["R_U"], 0.0)], atol=1e-10)


def test_interior_point_meets_the_strict_edge_where_x_star_is_one(vertical, supervision):
    # x* = (c_D + lambda L - beta B - m G) / (d F + r) reaches 1 on d F = c_D + lambda L - beta B - m G - r;
    # there the interior branch leaves through the edge (strict, y*), y* = (d(F+R_U) - c_S) / (d(F+R_U) + r)
    v = values(vertical)
    (edge,) = [c for c in branch_points(supervision) if c.face == "(strict, active/passive)"]
    d, F = edge.first, edge.second
    gap = v["c_D"] + v["lambda"] * v["L"] - v["beta"] * v["B"] - v["m"] * v["G"] - v["r"]
    np.testing.assert_allclose(d * F, gap, atol=TOL, rtol=0)
    k = d * (F + v["R_U"])
    y_star = (k - v["c_S"]) / (k + v["r"])
    np.testing.assert_allclose([p.state for p in edge.points], np.column_stack([np.ones_like(d), y_star]), atol=TOL)
    # it ends at d = 1 (the box) and where y* reaches 0 (the state space), within one step
    assert max(d) == pytest.approx(1.0, abs=1e-12)
    assert min(y_star) < 0.01
    assert edge.ends == ("left the box", "left the state space") or set(edge.ends) == {"left the box",
                                                                                      "left the state space"}
    # the corners of the strict edge cross on the same line (their whole curve: listed once)
    corner = curve_of(supervision, "(strict, active)")
    assert "(strict, passive)" in corner.also or corner.face == "(strict, passive)"
    np.testing.assert_allclose(corner.first * corner.second, gap, atol=TOL, rtol=0)


def test_strict_passive_corner_has_a_double_exchange_where_its_two_curves_cross(vertical, supervision):
    # (strict, passive)'s invasion rates: -(d (F + R_U) - c_S) by loose supervision, d F - gap by active sharing;
    # both vanish at d = (c_S - gap) / R_U, F = gap / d: the two curves of the corner cross there
    v = values(vertical)
    gap = v["c_D"] + v["lambda"] * v["L"] - v["beta"] * v["B"] - v["m"] * v["G"] - v["r"]
    d = (v["c_S"] - gap) / v["R_U"]
    doubles = [s for s in supervision.special_points if s.kind == "double exchange"]
    assert len(doubles) == 2 and {s.branch for s in doubles} == {c.index for c in branch_points(supervision)[:2]}
    for s in doubles:
        assert s.label == "BP2"
        assert s.parameter == pytest.approx(d, abs=TOL) and s.second == pytest.approx(gap / d, abs=TOL)
        np.testing.assert_array_equal(s.state, [1.0, 0.0])


def test_dual_leadership_face_point_curve_is_a_hyperbola():
    """Three populations: the (local, department) face point at x = 1 (authorize).

    With T's, K's and F's payoff differences (MODELS.md game 2, the scenario's table)
    ``z G_T - c_T - kappa``, ``z (E - r) - c_K``, ``-c_F - theta lambda L + y (r + f) - (1 - x) p``, the face
    x = 1 has the rest point y = (c_F + theta lambda L) / (r + f), z = c_K / (E - r) (the last two vanish);
    its transverse eigenvalue, the line ministry's invasion rate by Restrict, is -(z G_T - c_T - kappa),
    zero on the hyperbola G_T c_K = (c_T + kappa)(E - r).  f = 3 puts y inside (0, 1).
    """
    scenario = load_scenario(SCENARIOS / "dual_leadership.toml")
    v = values(scenario, f=3.0)
    result = continue_curves(scenario, "G_T", (0, 10), "c_K", (0.5, 2), params={"f": 3.0})
    curve = curve_of(result, "(authorize, coordinate/not, share/upward_only)")
    G_T, c_K = curve.first, curve.second
    np.testing.assert_allclose(G_T * c_K, (v["c_T"] + v["kappa"]) * (v["E"] - v["r"]), atol=TOL, rtol=0)
    y = (v["c_F"] + v["theta"] * v["lambda"] * v["L"]) / (v["r"] + v["f"])
    np.testing.assert_allclose([p.state for p in curve.points],
                               np.column_stack([np.ones_like(c_K), np.full_like(c_K, y), c_K / (v["E"] - v["r"])]),
                               atol=TOL)
    assert max(G_T) == pytest.approx(10.0, abs=1e-12) and max(c_K) == pytest.approx(2.0, abs=1e-12)
    # the corners with z = 1 exchange where T's payoff difference G_T - c_T - kappa vanishes: G_T = 3 for every
    # c_K, one curve for all four corners and the edge joining two of them
    (line,) = [c for c in branch_points(result) if c is not curve]
    np.testing.assert_allclose(line.first, v["c_T"] + v["kappa"], atol=TOL)
    assert len(line.also) == 4
    assert min(line.second) == pytest.approx(0.5) and max(line.second) == pytest.approx(2.0)


def test_public_good_has_fold_and_branch_point_lines():
    """One population, payoff difference s - c + b Q(x) (MODELS.md game 4, N = 8, M = 3).

    Q(x) = sum_{k>=M-1} C(N-1, k) x^k (1-x)^(N-1-k) (k+1)/N - sum_{k>=M} C(N-1, k) x^k (1-x)^(N-1-k) k/N, built
    here with sympy.  The corners exchange stability where the difference vanishes there: c = s + b Q(0) and
    c = s + b Q(1); the interior rest points fold where Q'(x) = 0: c = s + b Q(x*).  In (c, b) all three are
    lines.
    """
    scenario = load_scenario(SCENARIOS / "platform_public_good.toml")
    N, M, s = 8, 3, float(scenario.game.parameters["s"].value)
    x = sympy.Symbol("x")
    Q = (sum(sympy.binomial(N - 1, k) * x ** k * (1 - x) ** (N - 1 - k) * sympy.Rational(k + 1, N)
             for k in range(M - 1, N))
         - sum(sympy.binomial(N - 1, k) * x ** k * (1 - x) ** (N - 1 - k) * sympy.Rational(k, N) for k in range(M, N)))
    (x_star,) = [r for r in sympy.Poly(sympy.diff(Q, x), x).real_roots() if 0 < r < 1]
    result = continue_curves(scenario, "c", (0, 3), "b", (1, 12))
    (fold,) = [c for c in result.curves if c.kind == "fold"]
    np.testing.assert_allclose(fold.first, s + fold.second * float(Q.subs(x, x_star)), atol=TOL, rtol=0)
    np.testing.assert_allclose([p.state[0] for p in fold.points], float(x_star), atol=1e-7)
    lines = sorted(branch_points(result), key=lambda c: c.face)
    assert [c.face for c in lines] == ["(not)", "(share)"]       # the boundaries of the interior branch: not again
    for curve, q in zip(lines, (Q.subs(x, 0), Q.subs(x, 1))):
        np.testing.assert_allclose(curve.first, s + curve.second * float(q), atol=TOL, rtol=0)
        assert min(curve.second) == pytest.approx(1.0) and max(curve.second) == pytest.approx(12.0)


def test_branch_point_curves_in_dict_table_dataframe(backflow_measurability):
    doc = json.loads(json.dumps(backflow_measurability.to_dict()))
    assert {c["kind"] for c in doc["curves"]} == {"branch point"}
    assert {c["label"] for c in doc["curves"]} == {"BP"}
    assert "(loose, passive)" in sum((c["also"] for c in doc["curves"]), [])
    text = backflow_measurability.table()
    assert "BP (branch point) on (loose, active)" in text and "branch-point curves" in text.splitlines()[0]
    assert all(len(line) <= 100 for line in text.splitlines())
    pytest.importorskip("pandas")
    frame = backflow_measurability.to_dataframe()
    assert set(frame["kind"]) == {"branch point"}
    assert len(frame) == sum(len(c.points) for c in backflow_measurability.curves)


def test_cli_lists_branch_point_curves():
    out = CliRunner().invoke(main, ["continue", str(SCENARIOS / "vertical.toml"), "--sweep", "beta=0:1",
                                    "--sweep2", "m=0:1"])
    assert out.exit_code == 0, out.output
    assert "BP (branch point) on (loose, active)" in out.output
    help_text = " ".join(CliRunner().invoke(main, ["continue", "--help"]).output.split())
    assert "fold, Hopf and branch-point curves in the two parameters" in help_text


def test_a_curve_leaving_the_box_ends_on_its_edge():
    # the logit Hopf curve of Rock-Paper-Scissors is l = w + 6 eta (test_two_parameter.py); it leaves the box
    # through l = 2: its last point is there, on the line, not a step before
    import sympy as sp
    from evogame.game import Game, Population

    w, l = sp.symbols("w l", real=True)
    rps = Game.symmetric(Population("p", ("r", "s", "t")), [[0, -l, w], [w, 0, -l], [-l, w, 0]], {"w": 1, "l": 1})
    result = continue_curves(rps, "l", (0.1, 2.0), "w", (0.7, 2.0), dynamics="logit:eta=0.1")
    (hopf,) = [c for c in result.curves if c.kind == "Hopf"]
    assert "left the box" in hopf.ends
    assert hopf.first.max() == pytest.approx(2.0, abs=1e-12)
    np.testing.assert_allclose(hopf.first, hopf.second + 0.6, atol=TOL)


def test_symmetric_peers_invade_together_and_the_curve_is_still_traced():
    """Hidden collusion (MODELS.md game 3): peers A and B are symmetric, so at (formal, formal, audit) their
    invasion rates by sincere sharing are equal for every parameter value, -c - lambda L + delta (R + P)
    (sincere: -c - lambda L + delta R, formal: -delta P, the partner formal, the bureau auditing).  The product
    of the two is a square; the curve is their common zero, the line c = delta (R + P) - lambda L, traced over
    the whole interval of b."""
    scenario = load_scenario(SCENARIOS / "hidden_collusion.toml")
    v = values(scenario)
    result = continue_curves(scenario, "c", (0, 6), "b", (0, 10))
    curve = curve_of(result, "(formal, formal, audit)")
    np.testing.assert_allclose(curve.first, v["delta"] * (v["R"] + v["P"]) - v["lambda"] * v["L"], atol=TOL)
    assert curve.ends == ("interval end", "interval end")
    assert min(curve.second) == pytest.approx(0.0) and max(curve.second) == pytest.approx(10.0)
