"""Output in the conventions of the papers (issue 15): what is proved zero prints as zero, ranges are respected."""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SCENARIOS
from evogame import analyze, load_scenario


def test_a_centre_proved_non_hyperbolic_prints_real_parts_of_exactly_zero():
    # RPS (win 1, lose 1): at the centre the Jacobian in the tangent space has trace 0 and determinant 1/3,
    # so its eigenvalues are +-i/sqrt(3); the rational characteristic polynomial proves the real parts zero
    a = analyze(load_scenario(SCENARIOS / "rps.toml"))
    centre = next(p for p in a.rest_points if p.is_interior)
    assert centre.classification == "non-hyperbolic"
    assert sorted(e.imag for e in centre.eigenvalues) == pytest.approx([-1 / math.sqrt(3), 1 / math.sqrt(3)], rel=1e-15)
    assert [e.real for e in centre.eigenvalues] == [0.0, 0.0]
    assert all(e[0] == 0.0 for e in centre.to_dict()["eigenvalues"])


def test_report_typesets_threshold_closed_forms_as_mathematics(tmp_path):
    from evogame.scenario.expressions import parse_expression
    from evogame.render.report import report

    scenario = load_scenario(SCENARIOS / "vertical.toml")
    r = report(scenario, tmp_path, kinds=(), symbolic=False)
    tex = (tmp_path / "report.tex").read_text(encoding="utf-8")
    row = next(line for line in tex.splitlines() if line.startswith("platform &"))
    cell = row.split(" & ")[2]
    assert cell.startswith("$s = ") and cell.endswith("$")            # mathematics, the strength written s
    assert "5*(-B*beta" not in tex                                     # not as code
    # the formula set is the closed form: s = 5 (L lambda + c_D - B beta - G m) / (4 c_D) (= 7/8 at the defaults)
    (platform,) = [t for t in r.thresholds if t["mechanisms"] == ["platform"]]
    names = {n: p.symbol for n, p in scenario.game.parameters.items()}
    rhs = parse_expression(platform["expression"].split("=")[1], names)
    B, beta, G, m, L, lam, c_D = (names[n] for n in ("B", "beta", "G", "m", "L", "lambda", "c_D"))
    assert sympy.simplify(rhs - 5 * (L * lam + c_D - B * beta - G * m) / (4 * c_D)) == 0
    assert cell == f"$s = {sympy.latex(rhs)}$"


def test_strict_active_never_stable_within_the_declared_ranges():
    # game 1: (strict, active) has the eigenvalue c_S + r, >= 0 for every c_S, r in their ranges ([0, ...])
    a = analyze(load_scenario(SCENARIOS / "vertical.toml"), symbolic=True)
    (sa,) = [s for s in a.symbolic_rest_points if s["support"] == ((0,), (0,))]
    assert sa["verdict"] == "never holds" and sa["condition_in_ranges"] is sympy.false
    assert a.to_dict()["symbolic_rest_points"][0]["within_declared_ranges"]["verdict"] == "never holds"


@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3), st.integers(-3, 3)), min_size=1, max_size=3),
       st.sampled_from(["<", ">"]))
@settings(max_examples=60, deadline=None)
def test_within_ranges_agrees_with_every_sampled_point(rows, op):
    """What the interval test decides holds at every point of the box; what it keeps is equivalent there."""
    from evogame.solvers.stability import ALWAYS, NEVER, within_ranges

    a, b = sympy.symbols("a b", real=True)
    ranges = {a: (0, 2), b: (sympy.Rational(1, 2), 1)}
    rel = sympy.StrictLessThan if op == "<" else sympy.StrictGreaterThan
    condition = sympy.And(*[rel(p * a + q * b + r, 0) for p, q, r in rows])
    simplified, verdict = within_ranges(condition, ranges)
    grid = [(x, y) for x in np.linspace(0, 2, 9) for y in np.linspace(0.5, 1, 5)]
    holds = [bool(condition.subs({a: x, b: y})) if condition not in (sympy.true, sympy.false) else bool(condition)
             for x, y in grid]
    if verdict == NEVER:
        assert not any(holds)
    if verdict == ALWAYS:
        assert all(holds)
    if simplified not in (sympy.true, sympy.false):
        assert holds == [bool(simplified.subs({a: x, b: y})) for x, y in grid]
