"""Stochastic stability where the field has a kink at the corner (BNN, Smith at a non-strict equilibrium).

The game: one population, A = [[3, 2, c], [1, 0, 0], [3, 0, 1]].  At the corner s0 the payoffs are
f = (3, 1, 3): s2 ties with s0, so s0 is a Nash equilibrium but not a strict one and the kinked fields have a
kink there.  Distance coordinates u1, u2 (the shares of s1, s2), x0 = 1 - u1 - u2:

    f0 = 3 - u1 + (c - 3) u2,   f1 = 1 - u1 - u2,   f2 = 3 - 3 u1 - 2 u2.

BNN, c = 0: f2 - fbar = x0 (f2 - f0) + u1 (f2 - f1) = u2 (1 - u2) >= 0 and f1 - fbar -> -2 < 0, so
du2/dt = [f2 - fbar]_+ - u2 sum_j [f_j - fbar]_+ = u2 + O(u^2) and du1/dt = O(u^2):
the one-sided drift is diag(0, 1) -- not 1/2, the "half slope" d[g]_+/dg at g = 0.
With sigma = 1.2 the s2 share has the Lyapunov exponent 1 - 0.72 = +0.28: the corner repels.

Smith, c = 4: f2 - f0 = -2 u1 - 3 u2 <= 0 on the simplex, so x0 [f2 - f0]_+ = 0 there, and
du1/dt = -u1 ([f0 - f1]_+ + [f2 - f1]_+) = -4 u1,  du2/dt = u1 [f2 - f1]_+ + O(u^2) = 2 u1:
A = [[-4, 0], [2, 0]], triangular.  With sigma = 0.5: a.s. exponent max(-4.125, -0.125) < 0, second
moment exponent max(-3.875, 0.125) > 0: almost surely stable, not in mean square.

Smith, c = 0: f2 - f0 = -2 u1 + u2 changes sign inside the simplex and x0 [f2 - f0]_+ enters du2/dt at first
order: the drift near s0 is only piecewise linear; no theorem applies.
"""
from __future__ import annotations

import numpy as np
import pytest
import sympy

from evogame import analyze
from evogame.dynamics import derive
from evogame.game import Game, Population, parameter_symbol
from evogame.studies.stochastic import simulate_noisy
from evogame.studies.stochastic.conditions import stochastic_stability
from evogame.studies.stochastic.linearised import _mean_square, linear_verdict, structure

from conftest import load

SIGMA_BNN, SIGMA_SMITH = 1.2, 0.5


def tie_game(c) -> Game:
    """The game of the module docstring with the parameter c (default value c)."""
    return Game.symmetric(Population("players", ("s0", "s1", "s2")),
                          [[3, 2, parameter_symbol("c")], [1, 0, 0], [3, 0, 1]], parameters={"c": c})


def _corner(result, key):
    return next(c for c in result.corners if c.key == key)


def test_bnn_one_sided_rates_are_the_full_slopes_not_half():
    """BNN at s0 (c = 0): drift diag(0, 1) on the simplex (hand derivation above); the s2 share's
    exponent is 1 - sigma^2/2 = +0.28 > 0: almost surely unstable (the half slope gave 1/2 - 0.72 < 0)."""
    c = _corner(stochastic_stability(tie_game(0), SIGMA_BNN, form="x(1-x)", dynamics="bnn"), "s0")
    assert c.deterministic == "not differentiable" and c.linearisation == "one-sided"
    assert np.array_equal(np.array(c.drift), [[0.0, 0.0], [0.0, 1.0]])
    assert [k.a_value for k in c.coordinates] == [0.0, 1.0]
    assert [k.lyapunov for k in c.coordinates] == pytest.approx([-0.72, 0.28])
    assert c.almost_sure == "unstable" and c.moment == "unstable"
    assert c.theorems == ("1", "4")


def test_smith_one_sided_drift_is_triangular_and_the_corner_is_not_mean_square_stable():
    """Smith at s0 (c = 4): A = [[-4, 0], [2, 0]] (hand derivation above): a.s. exponentially stable
    (exponents -4.125, -0.125), second moment unstable (0 + 0.125 > 0), by Theorem 2."""
    c = _corner(stochastic_stability(tie_game(4), SIGMA_SMITH, form="x(1-x)", dynamics="smith"), "s0")
    assert c.deterministic == "not differentiable" and c.linearisation == "one-sided"
    assert np.array_equal(np.array(c.drift), [[-4.0, 0.0], [2.0, 0.0]])
    assert c.structure == "triangular" and c.theorems == ("1", "2", "4")
    assert [k.lyapunov for k in c.coordinates] == pytest.approx([-4.125, -0.125])
    assert [k.moment_exponent(2) for k in c.coordinates] == pytest.approx([-3.875, 0.125])
    assert c.almost_sure == "exponentially stable" and c.moment == "unstable"


def test_a_kink_entering_the_simplex_leaves_no_linearisation_and_no_verdict():
    """Smith at s0 with c = 0: the kink f2 = f0 (slope -2 towards s1, +1 towards s2) enters the simplex:
    no verdict, the reason says why; numerically the field is not additive along the two edges."""
    game = tie_game(0)
    c = _corner(stochastic_stability(game, SIGMA_SMITH, form="x(1-x)", dynamics="smith"), "s0")
    assert c.linearisation == "none" and c.almost_sure == c.moment == "not applicable"
    assert c.theorems == () and "enters the simplex" in c.reason and "does not apply" in c.reason
    assert "s1" in c.reason and "s2" in c.reason
    field = derive(game, "smith").field_function()
    h = 1e-7

    def slope(u1, u2):      # one-sided directional derivative of (du1, du2) at s0 along (u1, u2)
        x0, x1 = 1 - h * (u1 + u2), h * u1
        f = np.array(field(x0, x1, 0.0), dtype=float)           # (dx0/dt, dx1/dt)
        return np.array([f[1], -f[0] - f[1]]) / h               # (du1/dt, du2/dt)

    assert np.allclose(slope(1, 0) + slope(0, 1), [-4.0, 3.0], atol=1e-5)     # hand: -4 u1; 2 u1 + [u2 - 2 u1]_+
    assert np.allclose(slope(1, 1), [-4.0, 2.0], atol=1e-5)                   # [1 - 2]_+ = 0: the kink cuts in
    assert not np.allclose(slope(1, 1), slope(1, 0) + slope(0, 1), atol=1e-3)


@pytest.mark.parametrize("dynamics, c", [("bnn", 0), ("bnn", 4), ("smith", 4), ("smith", 1)])
def test_one_sided_jacobian_matches_finite_differences_inside_the_simplex(dynamics, c):
    """At every corner that is an SDE equilibrium with a linearisation: (F(corner + h u) - F(corner)) / h
    = A u for directions u >= 0 drawn inside the simplex (an independent, numerical one-sided derivative)."""
    game = tie_game(c)
    result = stochastic_stability(game, 0.3, form="x(1-x)", dynamics=dynamics)
    field = derive(game, dynamics).field_function()
    rng = np.random.default_rng(2)
    checked = 0
    for (idx, state), corner in zip(game.pure_states(), result.corners):
        if not corner.equilibrium or corner.linearisation == "none":
            continue
        k, others = idx[0], [j for j in range(3) if j != idx[0]]
        A = np.array(corner.drift)
        for u in rng.uniform(0, 1, (5, 2)):
            h = 1e-7
            x = np.zeros(3)
            x[k] = 1 - h * u.sum()
            x[others] = h * u
            f = np.append(np.array(field(x[0], x[1], c), dtype=float), 0.0)
            f[2] = -f[0] - f[1]
            assert np.allclose(f[others] / h, A @ u, atol=1e-5), (corner.label, u, f[others] / h, A @ u)
        checked += 1
    assert checked >= 1


@pytest.mark.parametrize("dynamics", ["bnn", "smith"])
@pytest.mark.parametrize("c", [0, 4])
def test_stochastic_table_and_rest_point_table_agree_on_differentiability(dynamics, c):
    """A corner the rest-point table calls "not differentiable" is "not differentiable" here too, and never
    gets a classification from a Jacobian (and the other way round)."""
    game = tie_game(c)
    points = {tuple(np.round(p.state, 9)): p.classification for p in analyze(game, dynamics=dynamics).rest_points}
    result = stochastic_stability(game, 0.3, form="x(1-x)", dynamics=dynamics)
    compared = 0
    for (_, state), corner in zip(game.pure_states(), result.corners):
        key = tuple(np.round(np.array(state[:2], float), 9))
        if key in points:
            assert (points[key] == "not differentiable") == (corner.deterministic == "not differentiable")
            assert (corner.deterministic == "not differentiable") == (corner.linearisation in ("one-sided", "none"))
            compared += 1
    assert compared >= 1


def test_symbolic_conditions_at_a_kink_evaluate_to_the_verdicts_inside_their_region():
    """BNN at s0: a(s2) = 1 - c on the region 1 - c >= 0 (the slope of f2 - fbar towards s2 keeps its sign);
    the conditions evaluated at the values give the verdicts."""
    c_ = parameter_symbol("c")
    for value in (0, sympy.Rational(1, 2)):
        game = tie_game(value)
        r = stochastic_stability(game, SIGMA_BNN, form="x(1-x)", dynamics="bnn")
        corner = _corner(r, "s0")
        assert sympy.simplify(corner.coordinates[1].a - (1 - c_)) == 0
        sig = {sympy.Symbol("sigma_players", nonnegative=True): sympy.Rational(6, 5)}
        assert bool(corner.conditions["region"].xreplace({c_: value}))
        holds = bool(corner.conditions["almost_sure"].xreplace({c_: value}).xreplace(sig))
        assert holds == (corner.almost_sure == "exponentially stable")
    assert _corner(r, "s0").almost_sure == "exponentially stable"      # c = 1/2: 1/2 - 0.72 < 0


def test_bnn_lyapunov_exponent_from_evogame_sample_paths():
    """evogame's own SDE paths (Euler-Maruyama, seed 3, 2000 paths, T = 5, start u1 = u2 = 1e-8): the mean of
    (1/T) log(u_i(T)/u_i(0)) estimates each coordinate's exponent a_i - sigma^2/2 (the paths stay below 1e-2,
    where the O(u^2) terms are negligible), within 4 standard errors plus 0.01 for the scheme's O(dt) bias.
    The s2 share grows (+0.28), as the one-sided rate 1 says; the half slope's -0.22 is far outside."""
    corner = _corner(stochastic_stability(tie_game(0), SIGMA_BNN, form="x(1-x)", dynamics="bnn"), "s0")
    u0, T, n = 1e-8, 5.0, 2000
    r = simulate_noisy(tie_game(0), [[1 - 2 * u0, u0]], T, noise=SIGMA_BNN, form="x(1-x)", paths=n, seed=3,
                       dt=0.01, n_points=2, dynamics="bnn", targets=[])
    end = r.final[0]
    shares = np.stack([end[:, 1], 1 - end[:, 0] - end[:, 1]])             # u1, u2
    assert shares.max() < 1e-2
    rates = np.log(shares / u0) / T
    for rate, k in zip(rates, corner.coordinates):
        error = rate.std(ddof=1) / np.sqrt(n)
        assert abs(rate.mean() - k.lyapunov) < 4 * error + 0.01, (k.coordinate, rate.mean(), k.lyapunov, error)
    assert rates[1].mean() > 0.2 and corner.almost_sure == "unstable"


def test_smith_second_moment_from_evogame_sample_paths_grows_as_the_one_sided_drift_says():
    """evogame's own SDE paths (Euler-Maruyama, dt = 0.01, seed 1, 20000 paths, start u1 = u2 = 1e-4): the
    sample E[u2(t)^2]/u0^2 at t = 1 and 2 agrees, within 4 standard errors, with the exact second moment of
    Euler-Maruyama applied to the hand-derived linear SDE du = A u dt + (sigma/sqrt 2) u_i (dW_i - dW_0),
    A = [[-4, 0], [2, 0]] (P <- G P G^T + dt sum_l B_l P B_l^T, G = I + dt A); it grows (> 2.5, then by
    about exp(sigma^2) = 1.28 per unit time): not mean-square stable, as the verdict says."""
    corner = _corner(stochastic_stability(tie_game(4), SIGMA_SMITH, form="x(1-x)", dynamics="smith"), "s0")
    u0, n, h = 1e-4, 20000, 0.01
    r = simulate_noisy(tie_game(4), [[1 - 2 * u0, u0]], 2.0, noise=SIGMA_SMITH, form="x(1-x)", paths=n, seed=1,
                       dt=h, n_points=3, dynamics="smith", targets=[])
    A = np.array([[-4.0, 0.0], [2.0, 0.0]])
    s = SIGMA_SMITH / np.sqrt(2)
    B = [np.diag([-s, -s]), np.diag([s, 0.0]), np.diag([0.0, s])]         # W_0 (s0's), W_1, W_2
    G, P, predicted = np.eye(2) + h * A, np.ones((2, 2)), []
    for step in range(1, 201):
        P = G @ P @ G.T + h * sum(b @ P @ b.T for b in B)
        if step % 100 == 0:
            predicted.append(P[1, 1])
    sample = []
    for t, expected in zip((1, 2), predicted):
        x = r.paths[0, :, t]
        u2 = (1 - x[:, 0] - x[:, 1]) / u0
        error = (u2 ** 2).std(ddof=1) / np.sqrt(n)
        assert abs((u2 ** 2).mean() - expected) < 4 * error, (t, (u2 ** 2).mean(), expected, error)
        sample.append((u2 ** 2).mean())
    assert sample[0] > 2.5 and sample[1] > sample[0]
    assert corner.moment == "unstable" and corner.almost_sure == "exponentially stable"


def test_projection_corners_get_no_linearisation():
    """The projection field jumps at the boundary: at a rest point on a corner no theorem applies (and the table
    says so); a corner that is no Nash equilibrium is no rest point (at s1, f = (2, 0, 0))."""
    r = stochastic_stability(tie_game(0), 0.5, form="x(1-x)", dynamics="projection")
    for key in ("s0", "s2"):      # Nash equilibria: f = (3, 1, 3) and (0, 0, 1)
        assert _corner(r, key).almost_sure == "not applicable" and _corner(r, key).linearisation == "none"
        assert _corner(r, key).deterministic == "not differentiable"
    assert _corner(r, "s1").deterministic == "not a rest point"


def test_every_verdict_names_its_theorems():
    for dynamics, c in (("bnn", 0), ("smith", 4), ("smith", 0), ("replicator", 0)):
        for corner in stochastic_stability(tie_game(c), 0.5, form="x(1-x)", dynamics=dynamics).corners:
            doc = corner.to_dict(2.0)
            if corner.almost_sure in ("not an equilibrium", "not applicable"):
                assert doc["theorems"] == [] and corner.reason
            else:
                assert doc["theorems"] and doc["theorems"][-1] == "4" and "Theorem" in corner.method


@pytest.mark.parametrize("seed", range(20))
def test_triangular_moment_verdict_agrees_with_the_second_moment_operator(seed):
    """Theorem 2 (diagonal of a triangular Metzler drift) against Theorem 3 (exact for p = 2), with the
    simplex form's correlated noise (b = sigma, shared W_0)."""
    rng = np.random.default_rng(seed)
    d = 3
    A = np.tril(rng.uniform(0, 2, (d, d)), -1) + np.diag(rng.uniform(-2, 1, d))
    order = rng.permutation(d)
    A = A[np.ix_(order, order)]
    sigma = rng.uniform(0.1, 2)
    s = sigma / np.sqrt(2)
    B = [np.diag(np.full(d, -s))] + [np.diag(np.eye(d)[i] * s) for i in range(d)]
    assert structure(A) == "triangular"
    v = linear_verdict(A, np.full(d, sigma), 2.0, lambda: B)
    assert v.moment == _mean_square(A, 2.0, B).moment


def test_structure_of_a_drift():
    assert structure(np.diag([1.0, -2.0])) == "diagonal"
    assert structure(np.array([[-1.0, 0.0], [2.0, 0.0]])) == "triangular"
    assert structure(np.array([[-1.0, 3.0], [2.0, 0.0]])) == "coupled"          # a cycle 0 -> 1 -> 0
    assert structure(np.array([[-1.0, 0.0], [-2.0, 0.0]])) == "coupled"         # not Metzler


def test_shipped_games_under_kinked_dynamics_keep_their_verdicts_well_defined():
    """vertical under BNN and Smith: every corner gets a verdict, a "not an equilibrium" or a "not applicable"
    with a reason, never a NaN exponent."""
    for dynamics in ("bnn", "smith"):
        for corner in stochastic_stability(load("vertical"), 0.5, form="x(1-x)", dynamics=dynamics).corners:
            assert all(np.isfinite(k.lyapunov) for k in corner.coordinates)
            assert corner.almost_sure in ("exponentially stable", "unstable", "boundary case", "undecided",
                                          "not an equilibrium", "not applicable")


@pytest.mark.parametrize("name", ["vertical", "dual_leadership", "hidden_collusion"])
@pytest.mark.parametrize("dynamics", ["bnn", "smith"])
def test_one_sided_drift_matches_finite_differences_in_shipped_games(name, dynamics):
    """Several populations: at every corner with a linearisation, M^-1 (F(corner + h M u) - F(corner)) / h
    = A u for random u >= 0 (M: the distance coordinates, u the shares of the strategies not played)."""
    from evogame.studies.stochastic.conditions import _distance_map

    scenario = load(name)
    game = scenario.game
    dyn = derive(game, dynamics)
    field = dyn.field_function()
    pvec = dyn.parameter_vector(game.values())
    rng = np.random.default_rng(5)
    checked = 0
    result = stochastic_stability(scenario, 0.3, form="x(1-x)", dynamics=dynamics)
    for (idx, state), corner in zip(game.pure_states(), result.corners):
        if not corner.equilibrium or corner.linearisation == "none":
            continue
        M = np.array(_distance_map(game, idx)[0], dtype=float)
        for u in rng.uniform(0, 1, (4, game.dimension)):
            h = 1e-7
            x = np.array(state, dtype=float) + h * M @ u
            f = np.array(field(*x, *pvec), dtype=float)
            assert np.allclose(np.linalg.solve(M, f) / h, np.array(corner.drift) @ u, atol=1e-4), corner.label
        checked += 1
    assert checked >= 1
