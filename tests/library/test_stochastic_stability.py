"""Stochastic stability of pure profiles: the linearisation at a corner, its Lyapunov exponent
a - b^2/2 against Monte Carlo, and the conditions against simulation on both sides of the boundary."""
from __future__ import annotations

import numpy as np
import pytest
import sympy

from evogame.studies.stochastic import simulate_noisy
from evogame.studies.stochastic.conditions import stochastic_stability
from evogame.studies.stochastic.model import NoiseBlock
from evogame.studies.stochastic.schemes import integrate

from conftest import load


@pytest.fixture(scope="module")
def vertical():
    return load("vertical")


def _corner(result, key):
    return next(c for c in result.corners if c.key == key)


def test_replicator_corner_rates_are_payoff_differences_and_noise_is_sigma(vertical):
    """At (loose, passive) the superior's distance x grows at d(F + R_U) - c_S, the subordinate's y at
    beta B + m G - c_D - lambda L (the payoff advantages of the absent strategies), each with b = sigma_p."""
    r = stochastic_stability(vertical, {"superior": 0.5, "subordinate": 0.2}, form="x(1-x)")
    c = _corner(r, "loose.passive")
    assert c.equilibrium and c.diagonal
    values = {vertical.game.parameters[n].symbol: v for n, v in vertical.game.values().items()}
    s = {str(k): k for k in values}
    expected = [s["d"] * (s["F"] + s["R_U"]) - s["c_S"], s["beta"] * s["B"] + s["m"] * s["G"] - s["c_D"]
                - s["lambda"] * s["L"]]
    for coord, e, sigma in zip(c.coordinates, expected, (0.5, 0.2)):
        assert sympy.simplify(coord.a - e) == 0
        assert coord.b_value == sigma
        assert coord.lyapunov == pytest.approx(float(e.xreplace(values)) - sigma ** 2 / 2)


def test_symbolic_conditions_evaluate_to_the_verdicts(vertical):
    r = stochastic_stability(vertical, 0.5, form="x(1-x)")
    values = {vertical.game.parameters[n].symbol: v for n, v in vertical.game.values().items()}
    sig = {sympy.Symbol(f"sigma_{p.name}", nonnegative=True): sympy.Rational(1, 2) for p in vertical.game.populations}
    for c in r.corners:
        holds = bool(c.conditions["almost_sure"].xreplace(values).xreplace(sig))
        assert holds == (c.almost_sure == "exponentially stable")
        holds = bool(c.conditions["moment"].xreplace(values).xreplace(sig))
        assert holds == (c.moment == "exponentially stable")


def test_form_x_corner_with_a_share_one_is_not_an_equilibrium(vertical):
    r = stochastic_stability(vertical, 0.5, form="x")
    for c in r.corners:
        assert c.equilibrium == (c.key == "loose.passive")      # the only corner with x = y = 0
        if not c.equilibrium:
            assert c.almost_sure == "not an equilibrium" and "no stability theorem applies" in c.reason
            assert "substitute_almost_sure" in c.conditions


@pytest.mark.parametrize("key, coordinate", [("loose.passive", 0), ("strict.active", 1)])
def test_monte_carlo_lyapunov_exponent_of_the_linearised_sde(vertical, key, coordinate):
    """du = a u dt + b u dW simulated (Milstein, fixed seed): (1/T) log(u_T / u_0) has mean a - b^2/2."""
    c = _corner(stochastic_stability(vertical, 0.5, form="x(1-x)"), key).coordinates[coordinate]
    a, b, T, n, u0 = c.a_value, c.b_value, 10.0, 4000, 1e-8
    block = NoiseBlock("p", 0, 1, 2, b, "x", 0)
    rng = np.random.default_rng(11)
    Y = np.full((1, n), u0)
    saved, events, _ = integrate(lambda Y, out, scale: np.multiply(Y, a * scale, out=out), [block], Y,
                                 np.array([0.0, T]), 0.002, lambda h: rng.standard_normal((1, n)) * np.sqrt(h),
                                 scheme="milstein")
    assert events.steps.sum() == 0
    rates = np.log(saved[:, -1, 0] / u0) / T
    error = rates.std(ddof=1) / np.sqrt(n)
    assert abs(rates.mean() - c.lyapunov) < 4 * error + 2e-3, (rates.mean(), c.lyapunov, error)


@pytest.mark.parametrize("sigma, verdict", [(0.8, "exponentially stable"), (0.2, "unstable")])
def test_conditions_agree_with_simulation_on_both_sides(vertical, sigma, verdict):
    """With c_S = 1.5 the corner (loose, passive) is deterministically unstable (a = 0.1 for the superior's
    strict share x); with g = x(1-x) noise stabilises it iff 0.1 - sigma^2/2 < 0 (sigma > 0.447)."""
    params = {"c_S": 1.5}
    c = _corner(stochastic_stability(vertical, {"superior": sigma}, form="x(1-x)", params=params), "loose.passive")
    assert c.deterministic != "asymptotically stable"
    assert c.almost_sure == verdict
    r = simulate_noisy(vertical, [[1e-3, 1e-3]], 150.0, noise={"superior": sigma}, form="x(1-x)", paths=400,
                       seed=5, dt=0.01, n_points=3, params=params, targets=[])
    stayed = (r.final[0, :, 0] < 1e-2).mean()
    assert (stayed > 0.9) if verdict == "exponentially stable" else (stayed < 0.1), stayed


def test_report_has_a_stochastic_stability_section_only_with_noise(vertical, tmp_path):
    from evogame.render.report import report

    report(vertical, tmp_path / "noisy", kinds=(), symbolic=False, noise={"superior": 0.5})
    md = (tmp_path / "noisy" / "report.md").read_text(encoding="utf-8")
    tex = (tmp_path / "noisy" / "report.tex").read_text(encoding="utf-8")
    assert "## Stochastic stability of the pure profiles" in md and "Mao" in md
    assert "\\section*{Stochastic stability of the pure profiles" in tex and "\\sigma_{superior}" in tex
    report(vertical, tmp_path / "plain", kinds=(), symbolic=False)
    assert "Stochastic stability" not in (tmp_path / "plain" / "report.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["vertical", "rps", "dual_leadership", "hawk_dove"])
@pytest.mark.parametrize("form", ["x", "x(1-x)"])
def test_replicator_linearisation_is_diagonal_with_payoff_advantages(name, form):
    """At every corner the replicator's linearised drift in the distance coordinates is diagonal, and the
    rate of the share of an absent strategy j is f_j - f_k at the corner (k the strategy played);
    with g = x the corner is an SDE equilibrium iff every population plays its last strategy."""
    from evogame.dynamics import derive

    scenario = load(name)
    game = scenario.game
    dyn = derive(game)
    values = {game.parameters[n].symbol: v for n, v in game.values().items()}
    result = stochastic_stability(scenario, 0.4, form=form)
    for (idx, state), c in zip(game.pure_states(), result.corners):
        everyone_last = all(k == p.n - 1 for k, p in zip(idx, game.populations))
        assert c.equilibrium == (form == "x(1-x)" or everyone_last)
        corner = dict(zip(game.variables, state))
        rates = {}
        for p, (pop, k) in enumerate(zip(game.populations, idx)):
            f = [float(e.xreplace(corner).xreplace(values)) for e in dyn.fitness[p]]
            for j in range(pop.n):
                if j != k:
                    rates[(pop.name, sympy.sstr(game.shares[p][j]))] = f[j] - f[k]
        assert {(k.population, k.coordinate): pytest.approx(k.a_value) for k in c.coordinates} == rates
        if c.equilibrium:
            assert c.diagonal and all(k.b_value == 0.4 for k in c.coordinates)


@pytest.mark.parametrize("name", ["vertical", "zeeman_coordination"])
def test_mean_square_operator_agrees_with_the_diagonal_second_moment_condition(name):
    """The second-moment operator (Theorem 3, used for coupled drifts) is exact for p = 2: on a diagonal drift
    it must agree with a + b^2/2 < 0 at every corner (with the correlated noise of the simplex form too)."""
    from evogame.studies.stochastic.conditions import _distance_map, _noise_matrices_at
    from evogame.studies.stochastic.linearised import _mean_square

    scenario = load(name)
    game = scenario.game
    verdicts = set()
    for sigma in (0.3, 1.5, 3.0):
        result = stochastic_stability(scenario, sigma, form="x(1-x)", p=2)
        blocks = result.noise.blocks(game)
        for (idx, _), c in zip(game.pure_states(), result.corners):
            A = np.diag([k.a_value for k in c.coordinates])
            ms = _mean_square(A, 2.0, _noise_matrices_at(game, idx, blocks, _distance_map(game, idx)[1]))
            assert ms.moment == c.moment
            assert (ms.almost_sure == "exponentially stable") == (c.moment == "exponentially stable")
            verdicts.add(c.moment)
    assert verdicts == {"exponentially stable", "unstable"}       # both sides were compared
    assert _distance_map(game, (0,) * len(game.populations))[0].shape == (game.dimension,) * 2
