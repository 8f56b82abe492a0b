"""MODELS.md game 2 (dual leadership, 条块分割): every required behaviour."""
from fractions import Fraction

import numpy as np
import pytest
import sympy
from click.testing import CliRunner

from evogame.engine.analysis import analyze
from evogame.cli import main
from evogame.dynamics import derive
from evogame.studies.mechanisms import apply, mechanisms
from evogame.solvers.stability import ASYMPTOTICALLY_STABLE
from evogame.studies.thresholds import threshold

from conftest import SCENARIOS

TARGET = "(authorize, coordinate, share)"
DILEMMA = "(restrict, not, upward_only)"
rng = np.random.default_rng(2)


SCENARIO = "dual_leadership"   # the shipped scenario of the `scenario` and `game` fixtures


@pytest.fixture(scope="module")
def P(game):
    return {n: p.symbol for n, p in game.parameters.items()}


def v(game, name):
    return Fraction(str(game.parameters[name].value))


def test_payoff_differences_are_MODELS_formulas(game, P):
    x, y, z = game.variables
    diff = [sympy.expand(fp[0] - fp[1]) for fp in game.fitness]
    line = -P["c_T"] - P["kappa"] + z * P["G_T"]
    local = -P["c_K"] + z * (P["E"] - P["r"])
    dept = -P["c_F"] - P["theta"] * P["lambda"] * P["L"] + y * (P["r"] + P["f"]) - (1 - x) * P["p"]
    assert sympy.expand(diff[0] - line) == 0
    assert sympy.expand(diff[1] - local) == 0
    assert sympy.expand(diff[2] - dept) == 0


def test_everything_is_documented(scenario, game):
    for name, p in game.parameters.items():
        assert p.description and p.stands_for and p.range is not None, name
        assert p.range[0] <= p.value <= p.range[1]
    for pop in game.populations:
        assert pop.label_en and pop.label_zh
        assert pop.strategy_labels_en and pop.strategy_labels_zh
    assert scenario.target_key == "authorize.coordinate.share"


def test_baseline_unique_stable_state_is_restrict_not_upward_only(game):
    a = analyze(game)
    assert [p.label for p in a.stable] == [DILEMMA]
    assert not a.continua
    assert a.find("authorize", "coordinate", "share").classification != ASYMPTOTICALLY_STABLE


def test_no_mixed_rest_point_is_asymptotically_stable(scenario):
    # Selten (1980): not in the baseline, nor with any static mechanism at full strength (the theorem needs
    # payoffs multilinear in the other populations' states; the dynamic penalty is not)
    static = [m for m in mechanisms(scenario) if derive(apply(scenario, [m]).game).payoffs_multilinear()]
    assert set(static) == {"escalation", "responsibility", "platform", "bundling", "incentive"}
    for names in [[]] + [[m] for m in static]:
        g = apply(scenario, names) if names else scenario
        for p in analyze(g).rest_points:
            if not p.is_pure:
                assert p.classification != ASYMPTOTICALLY_STABLE


def test_target_stability_condition(game, P):
    # at the corner (1, 1, 1) each eigenvalue is minus the population's payoff difference:
    # stable iff G_T > c_T + kappa, E - r > c_K and r + f > c_F + theta*lambda*L
    J = derive(game).jacobian.subs(dict(zip(game.variables, (1, 1, 1))))
    eigs = sorted(J.eigenvals(multiple=True), key=sympy.default_sort_key)
    expected = sorted([P["c_T"] + P["kappa"] - P["G_T"], P["c_K"] - P["E"] + P["r"],
                       P["c_F"] + P["theta"] * P["lambda"] * P["L"] - P["r"] - P["f"]], key=sympy.default_sort_key)
    assert all(sympy.expand(a - b) == 0 for a, b in zip(eigs, expected))
    # and the analysis agrees on random parameter values
    for _ in range(6):
        vals = {n: float(rng.uniform(0, 1 if n in ("theta", "lambda") else 4)) for n in game.parameters}
        stable = (vals["G_T"] > vals["c_T"] + vals["kappa"] and vals["E"] - vals["r"] > vals["c_K"]
                  and vals["r"] + vals["f"] > vals["c_F"] + vals["theta"] * vals["lambda"] * vals["L"])
        a = analyze(game, vals)
        assert (a.find("authorize", "coordinate", "share").classification == ASYMPTOTICALLY_STABLE) is stable


def test_the_five_static_mechanisms_and_the_dynamic_penalty(scenario):
    ms = mechanisms(scenario)
    assert set(ms) == {"escalation", "responsibility", "platform", "bundling", "incentive", "dynamic_penalty"}
    assert ms["escalation"].parameters == {"p", "kappa"}
    assert ms["responsibility"].parameters == {"theta"}
    assert ms["platform"].parameters == {"c_F", "c_T"}
    assert ms["bundling"].parameters == {"E", "G_T"}
    assert ms["incentive"].parameters == {"r", "f"}
    assert all(m.seed and m.description and m.label_zh for m in ms.values())


@pytest.mark.parametrize("name", ["escalation", "responsibility", "platform", "bundling", "incentive"])
def test_no_single_mechanism_reaches_full_sharing(scenario, name):
    r = threshold(scenario, [name])
    assert r.threshold is None and r.status == "never stable"
    a = analyze(apply(scenario, [name], 1))
    assert a.find("authorize", "coordinate", "share").classification != ASYMPTOTICALLY_STABLE


def test_escalation_with_incentive_threshold(scenario, game):
    # line:  G_T > c_T + kappa (1 - 0.75 s)   <=>  s > (c_T + kappa - G_T)/(0.75 kappa) = 2/3
    # dept:  r + s + f + 2 s > c_F + theta*lambda*L  <=>  s > (c_F + theta lambda L - r - f)/3 = 17/30
    # local: E - r - s > c_K  <=>  s < E - r - c_K = 3/2
    s_line = (v(game, "c_T") + v(game, "kappa") - v(game, "G_T")) / (Fraction(3, 4) * v(game, "kappa"))
    s_dept = (v(game, "c_F") + v(game, "theta") * v(game, "lambda") * v(game, "L") - v(game, "r") - v(game, "f")) / 3
    s_local = v(game, "E") - v(game, "r") - v(game, "c_K")
    r = threshold(scenario, ["escalation", "incentive"])
    assert r.method == "closed form" and r.status == "threshold"
    assert Fraction(r.exact) == max(s_line, s_dept) == Fraction(2, 3)
    # s_local = 3/2 lies beyond the searched [0, 1]: the direction stays inside it, the extension is a note
    assert r.direction == f"stable for strength > {float(max(s_line, s_dept)):.10g} (within [0, 1])"
    assert any(f"{float(max(s_line, s_dept)):.10g} < strength < {float(s_local):.10g}" in n for n in r.notes)
    assert TARGET not in r.stable_below and TARGET in r.stable_above
    # bistable above the threshold: the dilemma remains an attractor
    assert DILEMMA in r.stable_above
    numeric = threshold(scenario, ["escalation", "incentive"], method="bisection")
    assert abs(numeric.threshold - float(Fraction(2, 3))) < 1e-8
    a = analyze(apply(scenario, ["escalation", "incentive"], 1))
    assert a.find("authorize", "coordinate", "share").classification == ASYMPTOTICALLY_STABLE


def test_platform_responsibility_bundling_threshold(scenario, game):
    # dept: r + f > c_F (1 - 0.5 s) + theta (1 - 0.75 s) lambda L  <=>  s > (c_F + theta lambda L - r - f)/(0.5 c_F + 0.75 theta lambda L)
    tl = v(game, "theta") * v(game, "lambda") * v(game, "L")
    s_dept = (v(game, "c_F") + tl - v(game, "r") - v(game, "f")) / (v(game, "c_F") / 2 + Fraction(3, 4) * tl)
    r = threshold(scenario, ["platform", "responsibility", "bundling"])
    assert Fraction(r.exact) == s_dept == Fraction(17, 19)


def test_cli_threshold_and_compare_on_game_2():
    path = str(SCENARIOS / "dual_leadership.toml")
    res = CliRunner().invoke(main, ["threshold", path, "-m", "escalation", "-m", "incentive"])
    assert res.exit_code == 0 and "strength = 0.6666666667 (exactly 2/3)" in res.output
    res = CliRunner().invoke(main, ["compare", path, "-m", "escalation", "-m", "incentive"])
    assert res.exit_code == 0 and "saddle -> asymptotically stable" in res.output
