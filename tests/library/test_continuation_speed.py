"""What makes a diagram cheap, as properties: one compilation per field, nothing compiled that is not used,
start points that are exactly analyze's.  (No wall-clock times here: benchmarks/continuation.py reports them.)"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import sympy

from evogame import analyze
from evogame.dynamics import derive
from evogame.scenario import load_scenario
from evogame.solvers.continuation_system import ContinuationSystem, _modules
from evogame.studies.continuation import collocation, continue_rest_points
from evogame.studies.continuation.study import rest_points_at
from evogame.studies.mechanisms import apply

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture(scope="module")
def vertical():
    return load_scenario(SCENARIOS / "vertical.toml")


def test_one_compilation_per_field_and_parameter(vertical):
    dyn = derive(vertical.game, "replicator")
    a = ContinuationSystem(dyn, "d", vertical.game.values())
    b = ContinuationSystem(dyn, "d", vertical.game.values())
    c = ContinuationSystem(dyn, "F", vertical.game.values())
    assert a._all is b._all
    assert c._all is not a._all
    # the shared function is the field: F, F_x and F_lam against sympy at a point
    x, lam = np.array([0.3, 0.6]), 0.45
    values = {**vertical.game.values(), "d": lam}
    subs = {s: values[str(s)] for s in dyn.parameters} | dict(zip(dyn.variables, x))
    F, J, dF = a.derivatives(x, lam)
    assert np.allclose(F, [float(v) for v in dyn.vector_field.xreplace(subs)], rtol=0, atol=1e-14)
    assert np.allclose(J, np.array(dyn.jacobian.xreplace(subs), dtype=float), rtol=0, atol=1e-14)
    d_sym = dyn.parameters[[str(s) for s in dyn.parameters].index("d")]
    assert np.allclose(dF, [float(v) for v in dyn.vector_field.diff(d_sym).xreplace(subs)], rtol=0, atol=1e-14)


def test_math_module_only_where_every_function_is_in_math():
    x, y = sympy.symbols("x y")
    assert _modules([x * y - x ** 2, sympy.exp(x / 3) / (1 + sympy.exp(y))]) == ["math"]
    assert _modules([sympy.besselj(0, x)]) == ["math", "numpy"]


def test_a_diagram_without_hopf_point_compiles_no_collocation(vertical, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the collocation field was compiled although no cycle branch starts")

    monkeypatch.setattr(collocation.VectorField, "__init__", refuse)
    result = continue_rest_points(vertical, mechanism="platform")
    assert not any(s.label == "H" for s in result.special_points)
    assert result.cycles == []


@pytest.mark.parametrize("name, mechanism, value", [("vertical", "platform", 0.5),
                                                    ("platform_public_good", "incentive", 0.3)])
def test_start_points_are_analyzes_rest_points(name, mechanism, value):
    scenario = load_scenario(SCENARIOS / f"{name}.toml")
    game = apply(scenario, [mechanism], ("symbolic", sympy.Integer(0))).game
    dyn = derive(game, "replicator")
    points, continua = rest_points_at(game, dyn, "strength", value, 10.0)
    reference = analyze(game, {"strength": value}, dynamics="replicator")
    assert len(continua) == len(reference.continua)
    assert [p.name for p in points] == [p.name for p in reference.rest_points]
    assert [p.label for p in points] == [p.label for p in reference.rest_points]
    assert [p.support for p in points] == [p.support for p in reference.rest_points]
    for p, q in zip(points, reference.rest_points):
        assert np.array_equal(p.state, q.state)


@pytest.mark.parametrize("name, parameter, dynamics", [("rps", "l", "logit:eta=0.1"), ("hidden_collusion", "F", None)])
def test_second_and_third_derivatives_are_sympys_at_a_point(name, parameter, dynamics):
    # only the entries with sorted state indices are derived and compiled (mixed partials commute): every entry
    # of the full tensors against sympy's own derivative arrays of the field, evaluated at a point
    scenario = load_scenario(SCENARIOS / f"{name}.toml")
    game = scenario.game
    if parameter not in game.parameters:
        parameter = next(iter(game.parameters))
    dyn = derive(game, dynamics or "replicator")
    system = ContinuationSystem(dyn, parameter, game.values())
    rng = np.random.default_rng(7)
    x, lam = rng.uniform(0.1, 0.3, len(dyn.variables)), float(system.base[system.index]) * 1.1
    values = {**game.values(), parameter: lam}
    subs = {s: sympy.Float(values[str(s)], 30) for s in dyn.parameters} | {
        v: sympy.Float(c, 30) for v, c in zip(dyn.variables, x)}
    field = sympy.Array(list(dyn.vector_field))
    for order, tensor in ((2, system.second(x, lam)), (3, system.third(x, lam))):
        arr = field
        for _ in range(order):
            arr = sympy.derive_by_array(arr, list(dyn.variables))
        reference = np.array(sympy.permutedims(arr, list(range(order + 1))[::-1]).xreplace(subs).tolist(),
                             dtype=float)
        assert tensor.shape == reference.shape == (len(x),) * (order + 1)
        assert np.allclose(tensor, reference, rtol=1e-12, atol=1e-12 * max(1.0, np.abs(reference).max()))
