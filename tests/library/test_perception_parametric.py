"""Studies over behavioural parameters take the vectorised engine, with the results of an independent path.

Perceived payoffs carry coefficients that are not rational in the parameters (``P**beta``, ``S**alpha``, the
probability weight of ``d``, a ``Piecewise`` where a term changes sign) and, at exact defaults, algebraic numbers
such as ``2**(3/25)*5**(22/25)``.  The parametric engine solves the faces with these coefficients as symbols
(evogame/engine/coefficients.py) instead of falling back to ``analyze`` at every grid value.  Checked here
against: ``analyze`` cell by cell (sympy per point), the game frozen into plain numbers (the exact face solver
of numeric payoff tables), and the hand-derived corner conditions of scenarios/perceived_sharing.toml:
    (loose, share, share) asymptotically stable iff S^alpha > lam max(c_A, c_B)^beta,
    (loose, not, not) iff lam < k / (w-(d) (2P)^beta), else (strict, not, not),
and no other rest point is ever asymptotically stable (test_perception.py derives the corner eigenvalues).
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import load
from evogame import analyze, sweep, uncertainty
from evogame.game import Game
from evogame.game.faces import face_label
from evogame.scenario import parse_scenario
from evogame.solvers import stability as stab

DEFAULTS = dict(V=2.0, k=1.0, P=1.5, d=0.5, S=2.5, c_A=2.0, c_B=3.0, alpha=0.88, beta=0.88, lam=2.25,
                gamma_gain=0.61, gamma_loss=0.69)
SHARE, NOT_LOOSE, NOT_STRICT = "(loose, share, share)", "(loose, not, not)", "(strict, not, not)"


def w_loss(p, g):
    return p ** g / (p ** g + (1 - p) ** g) ** (1 / g)


def hand_stable_set(**values) -> set:
    """The asymptotically stable corners of perceived_sharing, from the closed forms in the module docstring."""
    v = {**DEFAULTS, **values}
    out = set()
    if v["S"] ** v["alpha"] > v["lam"] * max(v["c_A"], v["c_B"]) ** v["beta"]:
        out.add(SHARE)
    if v["lam"] < v["k"] / (w_loss(v["d"], v["gamma_loss"]) * (2 * v["P"]) ** v["beta"]):
        out.add(NOT_LOOSE)
    else:
        out.add(NOT_STRICT)
    return out


@pytest.fixture(scope="module")
def scenario():
    return load("perceived_sharing")


def classes_by_analyze(subject, values: dict) -> dict:
    """``{face label: classification}`` of every rest point by ``analyze`` at ``values``."""
    a = analyze(subject, values)
    return {face_label(a.game, p.support): p.classification for p in a.rest_points}


# -- regime maps: analyze cell by cell and the closed form ----------------------------------------------------------

@pytest.mark.parametrize("x_name, x, y_name, y, params", [
    ("lam", np.linspace(0.3, 2.7, 5), "alpha", np.linspace(0.55, 1.0, 4), {}),
    ("c_A", np.linspace(0.1, 2.1, 5), "c_B", np.linspace(0.2, 2.2, 4), {}),      # what `evogame report` draws
    ("alpha", np.linspace(0.5, 1.0, 4), "c_B", np.linspace(0.2, 1.4, 5), {"c_A": 0.3}),
    ("d", np.linspace(0.02, 0.6, 5), "gamma_loss", np.linspace(0.4, 1.0, 4), {}),
])
def test_regime_map_over_perceived_parameters_is_vectorised_and_equals_analyze_cell_by_cell(
        scenario, x_name, x, y_name, y, params):
    result = sweep(scenario, [(x_name, x), (y_name, y)], params=params)
    assert result.method == "vectorised", result.notes
    assert len(result.regimes) > 1        # the grid crosses a switch of the stable set
    for j, yv in enumerate(y):
        for i, xv in enumerate(x):
            values = {**params, x_name: float(xv), y_name: float(yv)}
            by_cell = classes_by_analyze(scenario, values)
            mapped = {lab: stab.CLASSES[int(c[j, i])] for lab, c in result.codes.items() if c[j, i] >= 0}
            assert mapped == by_cell, values
            assert set(result.regimes[result.regime_index[j, i]]) == hand_stable_set(**values), values


def test_regime_map_where_a_piecewise_value_switches_inside_the_grid():
    """With a reference point r, S - r and 2V - r change sign inside the ranges (kept piecewise): the map over
    (r, lam) is right on both sides of the kinks r = V, r = S, r = 2V, cell by cell against analyze and the
    closed form: (loose, share, share) is stable iff v(S - r) > lam (c_B + r)^beta, v the value function."""
    text = Path(__file__).resolve().parents[2].joinpath("scenarios", "perceived_sharing.toml").read_text()
    text = text.replace('c_B = { value = 3.0', 'r   = { value = 0.5, range = [0, 5] }\nc_B = { value = 3.0')
    text = text.replace('weighting = "tk"', 'weighting = "tk"\nreference = "r"')
    sc = parse_scenario(text, file="reference.toml")
    assert any(isinstance(e, sympy.Piecewise) for u in sc.game.payoff_table.values() for e in u)
    r, lam = np.array([0.0, 0.3, 1.1, 2.2, 2.4, 2.6, 3.0, 4.4]), np.array([0.05, 0.2, 0.6])
    result = sweep(sc, [("r", r), ("lam", lam)])
    assert result.method == "vectorised", result.notes
    a, b, S, c_B = DEFAULTS["alpha"], DEFAULTS["beta"], DEFAULTS["S"], DEFAULTS["c_B"]
    seen = set()
    for j, lv in enumerate(lam):
        for i, rv in enumerate(r):
            values = {"r": float(rv), "lam": float(lv)}
            mapped = {lab: stab.CLASSES[int(c[j, i])] for lab, c in result.codes.items() if c[j, i] >= 0}
            assert mapped == classes_by_analyze(sc, values), values
            gain = S - rv
            value = gain ** a if gain >= 0 else -lv * (-gain) ** b
            share = SHARE in result.regimes[result.regime_index[j, i]]
            assert share == (value > lv * (c_B + rv) ** b), values
            seen.add(share)
    assert seen == {True, False}


# -- sweeps: the perceived game frozen into plain numbers ------------------------------------------------------------

SWEPT = {"alpha": (0.3, 1.0), "beta": (0.3, 1.0), "lam": (0.2, 3.0), "gamma_loss": (0.3, 1.0), "P": (0.1, 4.0),
         "S": (0.5, 6.0), "c_B": (0.1, 4.0), "d": (0.05, 0.95), "k": (0.1, 3.0), "V": (0.1, 4.0)}


def frozen(scenario, values: dict) -> Game:
    """The perceived game with every parameter at ``values``: a payoff table of plain numbers."""
    # floats, not exact rationals: a power with a 16-digit rational exponent is slow to evaluate exactly
    subs = {scenario.game.parameters[n].symbol: float(v) for n, v in {**DEFAULTS, **values}.items()}
    table = {idx: tuple(float(u.evalf(subs=subs)) for u in entry) for idx, entry in scenario.game.payoff_table.items()}
    return Game.from_payoff_table(scenario.game.populations, table)


@settings(max_examples=6, deadline=None)
@given(name=st.sampled_from(sorted(SWEPT)), lam=st.floats(0.3, 2.5), alpha=st.floats(0.5, 1.0),
       lo=st.floats(0.0, 0.45), width=st.floats(0.3, 0.55))
@example(name="alpha", lam=1.0, alpha=0.88, lo=0.0, width=0.55)
@example(name="P", lam=0.4, alpha=0.88, lo=0.1, width=0.5)
def test_a_behavioural_sweep_equals_the_same_sweep_of_the_game_frozen_into_numbers(scenario, name, lam, alpha,
                                                                                   lo, width):
    params = {k: v for k, v in (("lam", lam), ("alpha", alpha)) if k != name}
    a, b = SWEPT[name]
    values = np.linspace(a + lo * (b - a), a + (lo + width) * (b - a), 4)
    result = sweep(scenario, [(name, values)], params=params)
    assert result.method == "vectorised", result.notes
    for i, v in enumerate(values):
        plain = analyze(frozen(scenario, {**params, name: float(v)}))
        found = {lab: c[i] for lab, c in result.codes.items() if c[i] >= 0}
        assert set(found) == {face_label(plain.game, p.support) for p in plain.rest_points}, (name, v)
        for p in plain.rest_points:
            lab = face_label(plain.game, p.support)
            assert stab.CLASSES[int(found[lab])] == p.classification, (name, v, lab)
            assert result.states[lab][i] == pytest.approx(np.asarray(p.state, float), abs=1e-9)
            key = lambda e: (round(e.real, 7), round(e.imag, 7))  # noqa: E731
            assert sorted(result.eigenvalues[lab][i], key=key) == pytest.approx(
                sorted(np.asarray(p.eigenvalues, complex), key=key), abs=1e-8)


def test_sweep_along_alpha_locates_the_hand_derived_switch(scenario):
    # (loose, share, share) becomes stable where S^alpha = lam c_B^beta: alpha* = ln(lam c_B^beta) / ln S
    result = sweep(scenario, [("alpha", np.linspace(0.5, 1.0, 11))], params={"lam": 0.8})
    assert result.method == "vectorised", result.notes
    star = math.log(0.8 * 3.0 ** 0.88) / math.log(2.5)
    found = [b for b in result.bifurcations if b["rest_point"] == SHARE]
    assert [(b["from"], b["to"]) for b in found] == [("saddle", "asymptotically stable")]
    assert found[0]["value"] == pytest.approx(star, rel=1e-10)


# -- uncertainty: every draw through the compiled engine ------------------------------------------------------------

def test_uncertainty_over_parameters_inside_the_value_function_follows_the_closed_form(scenario):
    result = uncertainty(scenario, ["alpha=uniform:0.5:1", "c_B=uniform:0.5:3", "S=uniform:1:4"], samples=128)
    alpha, c_B, S = result.draws.T
    b, lam, c_A, k = 0.88, 2.25, 2.0, 1.0
    # the target's margin (largest real part of its eigenvalues): max(-D_central(1, 1), -D_A(1), -D_B(1))
    margin = np.maximum.reduce([np.full_like(alpha, -k), lam * c_A ** b - S ** alpha, lam * c_B ** b - S ** alpha])
    assert result.margins == pytest.approx(margin, rel=1e-9, abs=1e-12)
    assert result.p_target_stable == pytest.approx(np.mean(margin < 0))
