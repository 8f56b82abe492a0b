"""MODELS.md game 1 (vertical hierarchical game): every listed fact, symbolically
and numerically at the shipped defaults."""
import numpy as np
import pytest
import sympy

from evogame.engine.analysis import analyze
from evogame.solvers.stability import ASYMPTOTICALLY_STABLE, NON_HYPERBOLIC, SADDLE

from conftest import load

rng = np.random.default_rng(20261125)


@pytest.fixture(scope="module")
def game():
    return load("vertical").game


@pytest.fixture(scope="module")
def symbolic(game):
    return analyze(game, symbolic=True)


def sym(game, name):
    return game.parameters[name].symbol


def corner(analysis, support):
    for s in analysis.symbolic_rest_points:
        if s["support"] == support:
            return s
    raise AssertionError(f"no symbolic rest point on {support}")


def holds(cond, game, values):
    """Evaluate a sympy condition on many parameter samples (compiled once)."""
    syms = [p.symbol for p in game.parameters.values()]
    f = sympy.lambdify(syms, cond, "numpy")
    return [bool(f(*[float(v[s]) for s in syms])) for v in values]


def random_values(game, n=400):
    """Random non-negative parameters (probabilities in [0, 1])."""
    out = []
    for _ in range(n):
        v = {}
        for name, p in game.parameters.items():
            hi = p.range[1] if p.range else 10
            v[p.symbol] = sympy.Rational(int(rng.integers(0, 1000)), 1000) * min(hi, 10)
        out.append(v)
    return out


def test_defaults_reproduce_the_dilemma(game):
    a = analyze(game)
    assert [p.label for p in a.stable] == ["(loose, passive)"]
    assert a.find("strict", "active").classification != ASYMPTOTICALLY_STABLE
    assert not a.continua


def test_strict_active_has_eigenvalue_cS_plus_r(game, symbolic):
    s = corner(symbolic, ((0,), (0,)))
    cS, r = sym(game, "c_S"), sym(game, "r")
    assert any(sympy.simplify(e - (cS + r)) == 0 for e in s["eigenvalues"])


def test_strict_active_never_asymptotically_stable(game, symbolic):
    cond = corner(symbolic, ((0,), (0,)))["condition"]
    assert not any(holds(cond, game, random_values(game)))


def test_loose_passive_condition(game, symbolic):
    cond = corner(symbolic, ((1,), (1,)))["condition"]
    g = {n: sym(game, n) for n in game.parameters}
    models = sympy.And(g["d"] * (g["F"] + g["R_U"]) < g["c_S"],
                       g["beta"] * g["B"] + g["m"] * g["G"] < g["c_D"] + g["lambda"] * g["L"])
    sample = random_values(game)
    expected = holds(models, game, sample)
    assert holds(cond, game, sample) == expected
    assert 0 < sum(expected) < len(sample)  # the sample saw both outcomes


def test_loose_active_condition_is_the_subordinates_own_calculus(game, symbolic):
    cond = corner(symbolic, ((1,), (0,)))["condition"]
    g = {n: sym(game, n) for n in game.parameters}
    models = g["beta"] * g["B"] + g["m"] * g["G"] > g["c_D"] + g["lambda"] * g["L"]
    sample = random_values(game)
    assert holds(cond, game, sample) == holds(models, game, sample)
    # detection and penalty do not appear; r only in the always-true c_S + r > 0
    assert not ({g["d"], g["F"]} & cond.free_symbols)


def test_interior_point_formula_and_centre(game, symbolic):
    s = corner(symbolic, ((0, 1), (0, 1)))
    g = {n: sym(game, n) for n in game.parameters}
    xs = (g["c_D"] + g["lambda"] * g["L"] - g["beta"] * g["B"] - g["m"] * g["G"]) / (g["d"] * g["F"] + g["r"])
    ys = (g["d"] * (g["F"] + g["R_U"]) - g["c_S"]) / (g["d"] * (g["F"] + g["R_U"]) + g["r"])
    assert sympy.simplify(s["state"][0] - xs) == 0
    assert sympy.simplify(s["state"][1] - ys) == 0
    assert s["condition"] is sympy.false  # trace 0: never asymptotically stable


def test_interior_is_a_centre_when_supervision_is_strong(game):
    # strong supervision: d(F+R_U) > c_S, and sharing still does not pay alone
    a = analyze(game, {"d": 0.9, "F": 4, "R_U": 2})
    interior = [p for p in a.rest_points if p.is_interior]
    assert len(interior) == 1
    p = interior[0]
    assert p.classification == NON_HYPERBOLIC
    assert np.allclose(p.eigenvalues.real, 0, atol=1e-12)
    assert np.all(np.abs(p.eigenvalues.imag) > 0.01)
    vals = {k: float(v) for k, v in a.values.items()}
    xs = (vals["c_D"] + vals["lambda"] * vals["L"] - vals["beta"] * vals["B"] - vals["m"] * vals["G"]) / (
        vals["d"] * vals["F"] + vals["r"])
    ys = (vals["d"] * (vals["F"] + vals["R_U"]) - vals["c_S"]) / (vals["d"] * (vals["F"] + vals["R_U"]) + vals["r"])
    assert p.state == pytest.approx([xs, ys], abs=1e-12)
    # no corner is asymptotically stable then: the dynamics cycle
    assert a.stable == []


def test_sharing_self_enforcing_when_subordinate_calculus_flips(game):
    a = analyze(game, {"c_D": 0.5})
    assert "(loose, active)" in [p.label for p in a.stable]


def test_supervision_alone_never_makes_loose_active_stable(game):
    for d, F, r in [(1, 20, 20), (0.9, 10, 0), (0.5, 0, 15)]:
        a = analyze(game, {"d": d, "F": F, "r": r})
        assert a.find("loose", "active").classification == SADDLE


def test_threshold_case_is_non_hyperbolic(game):
    # beta*B + m*G = c_D + lambda*L exactly: a zero eigenvalue at (loose, active)
    a = analyze(game, {"c_D": 0.9})
    assert a.find("loose", "active").classification == NON_HYPERBOLIC
