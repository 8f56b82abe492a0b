"""Perceived payoffs ([perception]): hand-derived closed forms of prospect theory on a 2x2x2 game.

scenarios/perceived_sharing.toml, profile (central, A, B), a, b_ = 1 when A, B share:
    central strict: V(a + b_) - k, loose: V(a + b_) - d P (2 - a - b_);  A: S b_ - c_A if it shares, else 0;
    B: S a - c_B if it shares, else 0.
V, S gains; d*P, c_A, c_B losses; d a probability (Tversky-Kahneman weight for losses, w-(d)); k objective.
By hand, with v(g) = g^alpha, v(-l) = -lam l^beta (TK 1992):
    perceived entry of central at loose.not.not:  -w-(d) lam (2P)^beta, at loose.share.not: V^alpha - w-(d) lam P^beta
    D_central(y, z) = -k + w-(d) lam P^beta [2^beta (1-y)(1-z) + y(1-z) + (1-y) z]
    D_A(z) = z S^alpha - lam c_A^beta,  D_B(y) = y S^alpha - lam c_B^beta
and at a corner (x, y, z) the eigenvalues are (1-2x) D_central(y, z), (1-2y) D_A(z), (1-2z) D_B(y).
The subsidy (c -> c (1 - s)) makes (loose, share, share) stable from s* = 1 - (S^alpha / lam)^(1/beta) / c_B.
"""
from __future__ import annotations

import itertools
import math

import pytest
import sympy
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from conftest import load
from evogame import analyze, threshold
from evogame.game import Game, Population, Parameter
from evogame.perception import Frame, PerceptionSpec, perceived_game
from evogame.perception.transform import default_symbols
from evogame.scenario import Scenario

S_ = {n: sympy.Symbol(n, real=True) for n in "V k P d S c_A c_B alpha beta lam gamma_loss".split()}
V, k, P, d, S, cA, cB, al, be, lam, gl = S_.values()
y, z = sympy.Symbol("y", real=True), sympy.Symbol("z", real=True)


def w_loss(p, g):
    return p ** g / (p ** g + (1 - p) ** g) ** (1 / g)


@pytest.fixture(scope="module")
def scenario():
    return load("perceived_sharing")


def test_perceived_payoff_entries_are_the_hand_derived_ones(scenario):
    table = scenario.game.payoff_table
    wl = w_loss(d, gl)
    for a, b_ in itertools.product((1, 0), repeat=2):
        gain_V = (V * (a + b_)) ** al if a + b_ else 0
        strict = (0, 1 - a, 1 - b_)
        loose = (1, 1 - a, 1 - b_)
        expected_strict = (gain_V - k, (S ** al if b_ else 0) - lam * cA ** be if a else 0,
                           (S ** al if a else 0) - lam * cB ** be if b_ else 0)
        missing = 2 - a - b_
        accountability = -wl * lam * (P * missing) ** be if missing else 0
        expected_loose = (gain_V + accountability,) + expected_strict[1:]
        for idx, expected in ((strict, expected_strict), (loose, expected_loose)):
            for got, want in zip(table[idx], expected):
                assert sympy.simplify(got - want) == 0, (idx, got, want)


def test_payoff_advantages_are_the_hand_derived_ones(scenario):
    (fs, fl), (fa, fn), (fb, fm) = scenario.game.fitness
    wl = w_loss(d, gl)
    d_central = -k + wl * lam * P ** be * (2 ** be * (1 - y) * (1 - z) + y * (1 - z) + (1 - y) * z)
    assert sympy.simplify(fs - fl - d_central) == 0
    assert sympy.simplify(fa - fn - (z * S ** al - lam * cA ** be)) == 0
    assert sympy.simplify(fb - fm - (y * S ** al - lam * cB ** be)) == 0


@pytest.mark.parametrize("values", [{}, {"alpha": 0.7, "beta": 0.8, "lam": 1.7, "d": 0.3, "gamma_loss": 0.8}])
def test_corner_eigenvalues_are_the_hand_derived_ones(scenario, values):
    vals = {n: float(p.value) for n, p in scenario.game.parameters.items()} | values
    A, B, L, G = vals["alpha"], vals["beta"], vals["lam"], vals["gamma_loss"]
    wl = vals["d"] ** G / (vals["d"] ** G + (1 - vals["d"]) ** G) ** (1 / G)

    def d_central(yy, zz):
        return -vals["k"] + wl * L * vals["P"] ** B * (2 ** B * (1 - yy) * (1 - zz) + yy * (1 - zz) + (1 - yy) * zz)

    analysis = analyze(scenario, values)
    corners = [p for p in analysis.rest_points if p.is_pure]
    assert len(corners) == 8
    for p in corners:
        x_, y_, z_ = (float(v) for v in p.state)
        want = sorted([(1 - 2 * x_) * d_central(y_, z_), (1 - 2 * y_) * (z_ * vals["S"] ** A - L * vals["c_A"] ** B),
                       (1 - 2 * z_) * (y_ * vals["S"] ** A - L * vals["c_B"] ** B)])
        got = sorted(complex(e).real for e in p.eigenvalues)
        assert got == pytest.approx(want, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("values", [{}, {"alpha": 0.6, "beta": 0.9, "lam": 2.0}, {"alpha": 1, "beta": 1, "lam": 1.5}])
def test_subsidy_threshold_is_the_hand_derived_closed_form(scenario, values):
    vals = {n: float(p.value) for n, p in scenario.game.parameters.items()} | values
    s_star = 1 - (vals["S"] ** vals["alpha"] / vals["lam"]) ** (1 / vals["beta"]) / vals["c_B"]
    result = threshold(scenario, ["subsidy"], params=values)
    assert result.status == "threshold" and result.method == "closed form"
    assert result.threshold == pytest.approx(s_star, rel=1e-12)


def test_loss_aversion_threshold_is_the_hand_derived_closed_form(scenario):
    # (loose, share, share) needs S^alpha > lam c_B^beta: stable below lam* = S^alpha / c_B^beta (5/6)^0.88
    result = threshold(scenario, param="lam")
    assert result.threshold == pytest.approx((2.5 / 3) ** 0.88, rel=1e-12)
    assert "lam <" in result.direction


def test_neutral_perception_gives_the_expected_payoff_game_and_its_threshold(scenario):
    neutral = {"alpha": 1, "beta": 1, "lam": 1, "gamma_gain": 1, "gamma_loss": 1}
    plain = Scenario(scenario.perception.expected, scenario.mechanisms, target=scenario.target)
    assert threshold(scenario, ["subsidy"], params=neutral).threshold == pytest.approx(
        threshold(plain, ["subsidy"]).threshold, rel=1e-12) == pytest.approx(1 / 6)


def test_a_term_whose_sign_can_change_is_kept_piecewise_and_said(tmp_path):
    from evogame.scenario import parse_scenario
    text = SIGN_CHANGE
    sc = parse_scenario(text, file="m.toml")
    assert any(isinstance(e, sympy.Piecewise) for e in sympy.preorder_traversal(sc.game.payoff_table[(0, 0)][0]))
    notes = analyze(sc).notes
    assert any("can change sign" in n and "piecewise" in n for n in notes)
    # the loss branch below zero: row's payoff at a.a is -lam*|M|^beta, so (a, a) is a saddle for M < 0
    low = analyze(sc, {"M": -0.5})
    corner = next(p for p in low.rest_points if p.is_pure and tuple(p.state) == (1, 1))
    assert sorted(complex(e).real for e in corner.eigenvalues) == pytest.approx(sorted([-1, 2.25 * 0.5 ** 0.88]))


SIGN_CHANGE = """
[[populations]]
name = "row"
strategies = ["a", "b"]
[[populations]]
name = "col"
strategies = ["a", "b"]
[parameters]
M = { value = 0.5, range = [-1, 1] }
c = { value = 1, range = [0, 5] }
[payoffs]
"a.a" = ["M", "1"]
"a.b" = ["-c", "0"]
"b.a" = ["0", "-c"]
"b.b" = ["0", "M"]
[perception]
gains = ["M"]
losses = ["c"]
"""


# -- lam = alpha = beta = 1 and w(p) = p: exactly the expected-payoff game ------------------------------------------
GAINS = [sympy.Symbol(n, real=True) for n in ("G1", "G2")]
LOSSES = [sympy.Symbol(n, real=True) for n in ("L1", "L2")]
SWING = sympy.Symbol("M", real=True)       # a term whose sign can change: kept piecewise
PROB = sympy.Symbol("p", real=True)
m_ = sympy.Symbol("m", positive=True)


@st.composite
def entries(draw):
    """A payoff entry: small integer multiples of gain terms (>= 0), loss terms (<= 0), a risky loss p*L1,
    the swinging term M and a constant."""
    out = draw(st.integers(-3, 3))
    for g in GAINS:
        out += draw(st.integers(0, 3)) * g
    out -= draw(st.integers(0, 3)) * LOSSES[1]
    out -= draw(st.integers(0, 3)) * PROB * LOSSES[0]
    out += draw(st.integers(-2, 2)) * SWING
    return out


@settings(max_examples=25, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(st.data(), st.sampled_from(["tk", "prelec"]))
def test_neutral_perception_is_the_expected_payoff_game(data, weighting):
    sizes = data.draw(st.sampled_from([(2, 2), (2, 3), (2, 2, 2)]))
    pops = [Population(f"p{j}", tuple(f"s{i}" for i in range(n))) for j, n in enumerate(sizes)]
    table = {idx: tuple(data.draw(entries()) for _ in sizes) for idx in itertools.product(*[range(n) for n in sizes])}
    params = [Parameter(str(s), sympy.Integer(1), range=(0, 5)) for s in GAINS + LOSSES]
    params += [Parameter("M", sympy.Integer(0), range=(-2, 2)), Parameter("p", sympy.Rational(1, 2), range=(0, 1))]
    game = Game.from_payoff_table(pops, table, params)
    present = set().union(*(e.free_symbols for u in table.values() for e in u))
    frame = Frame(tuple(t for t in GAINS + [SWING] if t in present),
                  tuple(t for t in (LOSSES[1], PROB * LOSSES[0]) if t.free_symbols <= present))
    if not frame.terms:
        return
    symbols = default_symbols()
    spec = PerceptionSpec(tuple(frame for _ in sizes), (PROB,), weighting, symbols)
    perceived, info = perceived_game(game, spec)
    neutral = {symbols[r]: 1 for r in ("alpha", "beta", "lambda", "gamma_gain", "gamma_loss", "delta")}
    for got, want in zip(itertools.chain(*perceived.fitness), itertools.chain(*game.fitness)):
        difference = got.xreplace(neutral) - want
        # exactly on each side of the swinging term's kink: M = m and M = -m with m > 0
        for side in (m_, -m_, 0):
            assert sympy.simplify(difference.xreplace({SWING: side})) == 0, (got, want, side)
    assert any("M" in note for note in info.notes) == any(SWING in e.free_symbols for u in table.values() for e in u)


ACCOUNTS = """
[[populations]]
name = "dept"
strategies = ["share", "not"]
[[populations]]
name = "bureau"
strategies = ["audit", "trust"]
[parameters]
b = { value = 3, range = [0, 10] }
c = { value = 1, range = [0, 10] }
L = { value = 1, range = [0, 10] }
r0 = { value = 0.5, range = [0, 2] }
[payoffs]
"share.audit" = ["b - c - L", "1"]
"share.trust" = ["b - c - L", "2"]
"not.audit"   = ["0", "0"]
"not.trust"   = ["0", "-1"]
[perception]
populations = ["dept"]
[[perception.accounts]]
name = "valence"
terms = ["b"]
[[perception.accounts]]
name = "cost"
terms = ["c", "L"]
reference = "r0"
"""


def test_mental_accounts_value_each_account_against_its_reference():
    # by hand: the cost account c + L measured from -r0 is the loss -(c + L + r0) where the department shares,
    # -r0 where it does not (an account is in every outcome); the valence account is b^alpha or 0
    from evogame.scenario import parse_scenario
    sc = parse_scenario(ACCOUNTS, file="a.toml")
    b, c, L, r0 = (sympy.Symbol(n, real=True) for n in ("b", "c", "L", "r0"))
    share, not_ = sc.game.payoff_table[(0, 0)][0], sc.game.payoff_table[(1, 0)][0]
    assert sympy.simplify(share - (b ** al - lam * (c + L + r0) ** be)) == 0
    assert sympy.simplify(not_ - (-lam * r0 ** be)) == 0
    assert sc.game.payoff_table[(0, 1)][1] == 2                     # the bureau does not perceive
    assert sc.perception.to_dict()["populations"]["bureau"] is None
    advantage = sc.game.fitness[0][0] - sc.game.fitness[0][1]
    at = {b: 3, c: 1, L: 1, r0: sympy.Rational(1, 2), al: sympy.Rational(22, 25), be: sympy.Rational(22, 25),
          lam: sympy.Rational(9, 4)}
    assert float(advantage.xreplace(at)) == pytest.approx(3 ** 0.88 - 2.25 * 2.5 ** 0.88 + 2.25 * 0.5 ** 0.88)


def test_the_numeric_root_finder_takes_exact_constants_too_large_for_a_float():
    # perceived payoffs at exact parameter values hold rational powers; sympy may write them as N**(1/25) with an
    # integer N beyond float range, which the numeric fallback must still evaluate (it overflowed before)
    from types import SimpleNamespace

    from evogame.solvers.restpoints import multistart_roots
    u = sympy.Symbol("u", real=True)
    big = sympy.Integer(3) ** 700 + 2          # no perfect 25th power: N**(1/25) stays, and N > 1e308
    eqs = [2 ** sympy.Rational(3, 25) * 3 ** 28 * u - 27 * big ** sympy.Rational(1, 25)]
    roots = multistart_roots(SimpleNamespace(unknowns=(u,)), eqs)
    want = 27 / 2 ** 0.12                      # (3**700 + 2)**(1/25) = 3**28 (1 + 2/3**700)**(1/25)
    assert roots and all(r[0] == pytest.approx(want, rel=1e-9) for r in roots)


def test_equations_with_exact_constants_too_large_for_a_float_evaluate_in_floats():
    # what accept_roots and multistart_roots evaluate: the equations after float_ready
    from evogame.solvers.restpoints import float_ready
    u = sympy.Symbol("u", real=True)
    big = sympy.Integer(3) ** 700 + 2
    eqs = [u - 27 * big ** sympy.Rational(1, 25) / 3 ** 28]      # u = 27 (to 300 digits)
    with pytest.raises(OverflowError):
        sympy.lambdify([u], eqs)(27.0)
    assert sympy.lambdify([u], float_ready(eqs))(27.0)[0] == pytest.approx(0, abs=1e-12)
