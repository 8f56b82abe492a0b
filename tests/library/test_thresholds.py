"""Thresholds: where a mechanism (or a parameter) makes the target state asymptotically stable.

Game 1 (MODELS.md): (loose, active) is asymptotically stable iff
beta*B + m*G > c_D + lambda*L, so the threshold in c_D is beta*B + m*G - lambda*L
and supervision alone (d, F, r) never gets there.
"""
import json
from fractions import Fraction

import pytest
import sympy
from click.testing import CliRunner

from evogame.engine.analysis import analyze
from evogame.cli import jsonable, main
from evogame.errors import ScenarioError
from evogame.scenario.expressions import parse_expression
from evogame.studies.mechanisms import apply
from evogame.studies.thresholds import threshold

from conftest import SCENARIOS

VERTICAL = str(SCENARIOS / "vertical.toml")


SCENARIO = "vertical"   # the shipped scenario of the `scenario` and `game` fixtures


def v(game, name):
    return Fraction(str(game.parameters[name].value))


def expected_c_D(game):
    return v(game, "beta") * v(game, "B") + v(game, "m") * v(game, "G") - v(game, "lambda") * v(game, "L")


def test_closed_form_threshold_in_c_D_is_MODELS_formula(scenario, game):
    r = threshold(scenario, param="c_D")
    assert r.method == "closed form" and r.status == "threshold"
    assert Fraction(r.exact) == expected_c_D(game)          # 9/10 at the defaults
    assert r.threshold == pytest.approx(float(expected_c_D(game)), abs=1e-15)
    # the expression, with every other parameter symbolic, is beta*B + m*G - lambda*L
    lhs, rhs = r.expression.split("=")
    assert lhs.strip() == "c_D"
    names = {p: game.parameters[p].symbol for p in game.parameters}
    expr = parse_expression(rhs.strip(), names)   # "lambda" is a Python keyword: not sympify
    beta, B, m, G, lam, L = (names[n] for n in ("beta", "B", "m", "G", "lambda", "L"))
    assert sympy.expand(expr - (beta * B + m * G - lam * L)) == 0
    lo, hi = game.parameters["c_D"].range
    assert r.direction == f"stable for c_D < 0.9 (within [{lo:g}, {hi:g}])"   # the searched range: declared
    assert r.stable_below == ["(loose, active)"] and r.stable_above == ["(loose, passive)"]


def test_closed_form_matches_bisection_in_c_D(scenario):
    closed = threshold(scenario, param="c_D")
    numeric = threshold(scenario, param="c_D", method="bisection")
    assert numeric.method == "bisection" and numeric.expression is None
    assert numeric.tolerance <= 1e-10
    assert abs(closed.threshold - numeric.threshold) < 1e-8


@pytest.mark.parametrize("c_D", [2.0, 0.5])
def test_threshold_in_L_is_MODELS_formula(scenario, game, c_D):
    # with c_D lowered the crossing in L is positive: L* = (beta*B + m*G - c_D)/lambda
    r = threshold(scenario, param="L", params={"c_D": c_D})
    L_star = (v(game, "beta") * v(game, "B") + v(game, "m") * v(game, "G") - Fraction(str(c_D))) / v(game, "lambda")
    assert Fraction(r.exact) == L_star
    assert r.status == ("threshold" if L_star < v(game, "L") else "crossing")
    numeric = threshold(scenario, param="L", params={"c_D": c_D}, method="bisection")
    assert abs(numeric.threshold - float(L_star)) < 1e-8


def test_platform_strength_threshold(scenario, game):
    # c_D (1 - 0.8 s) + lambda*L = beta*B + m*G  <=>  s = (1 - (beta*B + m*G - lambda*L)/c_D) / 0.8
    s_star = (1 - expected_c_D(game) / v(game, "c_D")) / Fraction(4, 5)
    r = threshold(scenario, ["platform"])
    assert r.unknown == "strength" and Fraction(r.exact) == s_star == Fraction(7, 8)
    assert "(loose, active)" not in r.stable_below and "(loose, active)" in r.stable_above
    assert abs(threshold(scenario, ["platform"], method="bisection").threshold - float(s_star)) < 1e-8
    # independent check with analyze on both sides
    for s, stable in ((float(s_star) - 1e-3, False), (float(s_star) + 1e-3, True)):
        a = analyze(apply(scenario, ["platform"], s))
        assert (a.find("loose", "active").classification == "asymptotically stable") is stable


@pytest.mark.parametrize("mechanism", ["incentive", "supervision"])
def test_supervision_only_mechanisms_have_no_threshold(scenario, mechanism):
    for method in ("auto", "bisection"):
        r = threshold(scenario, [mechanism], method=method)
        assert r.threshold is None and r.status == "independent" and r.method == "none"
        assert f"no threshold: the stability of (loose, active) does not depend on {mechanism}" in r.meaning


@pytest.mark.parametrize("param", ["d", "F", "r"])
def test_supervision_parameters_have_no_threshold(scenario, param):
    r = threshold(scenario, param=param)
    assert r.threshold is None and r.status == "independent"
    assert f"does not depend on {param}" in r.meaning


def test_never_stable_in_the_range_is_said(scenario):
    # clear responsibilities alone would need strength 1.4 (L negative): not within [0, 1]
    r = threshold(scenario, ["responsibility"])
    assert r.threshold is None and r.status == "never stable"
    assert "never asymptotically stable" in r.meaning and "1.4" in r.meaning
    wider = threshold(scenario, ["responsibility"], range=(0, 2))
    assert Fraction(wider.exact) == Fraction(7, 5)


def test_composed_mechanisms_threshold(scenario, game):
    # c_D + lambda*L (1 - s) = beta*B + (m + s (1 - m)) G  <=>  s = (c_D + lambda L - beta B - m G)/(lambda L + (1 - m) G)
    gap = v(game, "c_D") + v(game, "lambda") * v(game, "L") - v(game, "beta") * v(game, "B") - v(game, "m") * v(game, "G")
    s_star = gap / (v(game, "lambda") * v(game, "L") + (1 - v(game, "m")) * v(game, "G"))
    r = threshold(scenario, ["responsibility", "measurability"])
    assert Fraction(r.exact) == s_star


def test_already_stable_target(scenario):
    r = threshold(scenario, ["platform"], params={"c_D": 0.5})
    assert r.status == "already stable" and r.threshold is None


def test_target_errors(scenario):
    with pytest.raises(ScenarioError):
        threshold(scenario, ["platform"], target="loose.sideways")
    with pytest.raises(ScenarioError):
        threshold(scenario, ["platform"], target="loose")
    with pytest.raises(ScenarioError):
        threshold(scenario)                       # neither a mechanism nor a parameter
    with pytest.raises(ScenarioError):
        threshold(scenario, param="c_X")


def test_explicit_target(scenario, game):
    # (loose, passive) stops being stable when c_D falls below 0.9: the same crossing
    r = threshold(scenario, param="c_D", target="loose.passive")
    assert r.status == "crossing" and Fraction(r.exact) == expected_c_D(game)


def test_to_dict_fields(scenario):
    d = threshold(scenario, ["platform"]).to_dict()
    for key in ("threshold", "expression", "method", "target", "unknown", "meaning", "stable_below",
                "stable_above", "tolerance"):
        assert key in d
    json.dumps(d)


# -- CLI ------------------------------------------------------------------------------------

def run(*args):
    return CliRunner().invoke(main, ["threshold", *args])


def test_cli_json_is_exactly_to_dict(scenario):
    res = run(VERTICAL, "--mechanism", "platform", "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.output) == jsonable(threshold(scenario, ["platform"]).to_dict())
    res = run(VERTICAL, "--vary", "c_D", "--json")
    out = json.loads(res.output)
    assert out["threshold"] == 0.9 and out["expression"] == "c_D = B*beta + G*m - L*lambda"


def test_cli_text_says_supervision_has_no_threshold():
    res = run(VERTICAL, "--mechanism", "incentive")
    assert res.exit_code == 0
    assert "no threshold: the stability of (loose, active) does not depend on incentive" in res.output
    res = run(VERTICAL, "--mechanism", "platform")
    assert "strength = 0.875" in res.output and "closed form" in res.output


@pytest.mark.parametrize("args", [
    ["--mechanism", "nonesuch"],
    ["--mechanism", "platform", "--target", "loose.nowhere"],
    ["--mechanism", "platform", "--range", "1:0"],
    ["--mechanism", "platform", "--range", "a:b"],
    ["--vary", "zz"],
    [],
    ["--vary", "c_D", "-p", "c_D"],
])
def test_cli_bad_input_exits_2(args):
    res = run(VERTICAL, *args)
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output


def test_cli_missing_file_exits_2():
    assert run("nonexistent.toml", "-m", "platform").exit_code == 2
