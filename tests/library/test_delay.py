"""Information delay: the method of steps, the delayed replicator, and the critical delay tau*."""
from __future__ import annotations

import math

import numpy as np
import pytest
import sympy

from evogame.engine.analysis import analyze
from evogame.studies.delay import DelayedReplicator, integrate_dde, simulate_delayed
from evogame.studies.delay.analysis import delay_analysis
from evogame.studies.delay.critical import delay_stability
from evogame.dynamics import derive
from evogame.errors import ScenarioError
from evogame.game import Game, Population
from evogame.dynamics.simulation import simulate
from evogame.studies.mechanisms import apply

SCENARIO = "vertical"


@pytest.fixture(scope="module")
def penalised(scenario):
    """The vertical game under the dynamic penalty at strength 1: its interior point is a stable focus."""
    return apply(scenario, ["dynamic_penalty"], 1.0)


@pytest.fixture(scope="module")
def interior(penalised):
    return next(p for p in analyze(penalised).rest_points if p.is_interior)


# -- the method of steps -------------------------------------------------------------------------------

def _negative_feedback_exact():
    """dx/dt = -x(t - 1), x = 1 on [-1, 0], solved piece by piece: x_k on [k - 1, k]."""
    t, s = sympy.symbols("t s")
    pieces = [sympy.Integer(1)]                       # the history on [-1, 0]
    for k in range(1, 4):
        previous = pieces[-1]
        start = previous.subs(t, k - 1)               # continuity at t = k - 1
        pieces.append(sympy.expand(start - sympy.integrate(previous.subs(t, s - 1), (s, k - 1, t))))
    return t, pieces[1:]


def test_method_of_steps_pieces_are_the_known_polynomials():
    t, (p1, p2, p3) = _negative_feedback_exact()
    assert p1 == 1 - t
    assert p2 == sympy.Rational(3, 2) - 2 * t + t ** 2 / 2
    assert p3.subs(t, 3) == -sympy.Rational(1, 6)


@pytest.mark.parametrize("step", [0.1, 0.05, 1 / 7])
def test_dde_integrator_matches_the_exact_solution_of_negative_feedback(step):
    t, pieces = _negative_feedback_exact()
    times = np.linspace(0, 3, 61)
    exact = np.array([float(pieces[min(int(math.ceil(u)) - 1, 2)].subs(t, u)) if u > 0 else 1.0 for u in times])
    starts = np.ones((1, 3))
    sol = integrate_dde(lambda Y, lagged: -lagged[0], starts, [1.0], times, step=step)
    # the solution is a cubic on every piece and the grid holds the breaking points 0, 1, 2:
    # RK4 with Hermite interpolation is exact up to round-off
    assert np.abs(sol.states[:, 0, :] - exact[:, None]).max() < 1e-12


def test_dde_integrator_converges_with_order_four():
    # dx/dt = e x(t - 1) with history e^t has the solution e^t (lambda = 1 solves lambda = e e^(-lambda))
    times = np.linspace(0, 5, 11)
    errors = []
    for step in (0.2, 0.1, 0.05):
        sol = integrate_dde(lambda Y, lagged: np.e * lagged[0], np.ones((1, 1)), [1.0], times,
                            history=lambda s: np.full((1, 1), math.exp(s)), step=step)
        errors.append(np.abs(sol.states[:, 0, 0] - np.exp(times)).max())
    orders = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(orders > 3.7), orders


def test_step_must_not_exceed_the_delay():
    with pytest.raises(ValueError):
        integrate_dde(lambda Y, lagged: -lagged[0], np.ones((1, 1)), [0.1], np.linspace(0, 1, 3), step=0.2)


# -- the delayed replicator --------------------------------------------------------------------------

def test_zero_delay_reproduces_the_deterministic_paths(penalised):
    starts = np.array([[0.3, 0.3], [0.6, 0.2], [1.0, 0.5]])
    plain = simulate(penalised, starts, 20.0)
    delayed = simulate_delayed(penalised, starts, 20.0, delay=0)
    np.testing.assert_array_equal(delayed.paths, plain.paths)
    tiny = simulate_delayed(penalised, starts, 10.0, delay=0.002, n_points=51)
    close = simulate(penalised, starts, 10.0, n_points=51)
    assert np.abs(tiny.paths - close.paths).max() < 5e-3


def test_linearisation_splits_the_undelayed_jacobian(penalised, interior):
    dyn = derive(penalised.game)
    field = DelayedReplicator(penalised.game, [1.0, 1.0])
    analysis = analyze(penalised)
    pvec = dyn.parameter_vector(analysis.values)
    for point in analysis.rest_points:
        A0, (A1,) = field.linearisation(point.state)
        np.testing.assert_allclose(A0 + A1, dyn.jacobian_at(point.state, pvec), atol=1e-12)
        if point.is_pure:            # the factor x(1 - x) vanishes: the delayed state does not enter
            assert np.abs(A1).max() == 0
        if point.is_interior:        # the payoff differences vanish: the current state does not enter
            assert np.abs(A0).max() < 1e-12


def test_delays_per_population_equal_a_common_delay(penalised):
    starts = np.array([[0.3, 0.3]])
    common = simulate_delayed(penalised, starts, 5.0, delay=0.5, n_points=11)
    each = simulate_delayed(penalised, starts, 5.0, delay={"superior": 0.5, "subordinate": 0.5}, n_points=11)
    np.testing.assert_array_equal(common.paths, each.paths)
    one = simulate_delayed(penalised, starts, 5.0, delay={"subordinate": 0.5}, n_points=11)
    assert one.delays == {"superior": 0.0, "subordinate": 0.5}
    assert np.abs(one.paths - common.paths).max() > 1e-3


def test_delayed_paths_stay_on_the_simplex_and_its_faces():
    pop = Population("p", ("rock", "paper", "scissors"))
    game = Game.symmetric(pop, [[0, -1, 2], [2, 0, -1], [-1, 2, 0]])
    starts = np.array([[0.2, 0.5], [0.0, 0.4], [0.5, 0.5]])     # interior, an edge, the rock-paper edge
    sim = simulate_delayed(game, starts, 30.0, delay=0.7)
    shares = sim.shares(0)
    assert shares.min() >= 0 and np.allclose(shares.sum(axis=-1), 1)
    assert np.all(sim.paths[1, :, 0] == 0)                      # a zero share stays zero
    assert np.allclose(sim.paths[2].sum(axis=-1), 1)            # scissors stays absent


def test_delay_refuses_other_dynamics_and_bad_delays(penalised):
    with pytest.raises(ScenarioError, match="replicator"):
        simulate_delayed(penalised, [[0.5, 0.5]], 5.0, delay=1, dynamics="logit:eta=0.5")
    with pytest.raises(ScenarioError, match="delay"):
        simulate_delayed(penalised, [[0.5, 0.5]], 5.0, delay=-1)
    with pytest.raises(ScenarioError, match="unknown population"):
        simulate_delayed(penalised, [[0.5, 0.5]], 5.0, delay={"nobody": 1})


# -- the critical delay -------------------------------------------------------------------------------

def test_stable_focus_tau_star_closed_form(penalised, interior):
    result = delay_analysis(penalised, analyze(penalised), 1.0)
    point = next(p for p in result.points if p.label == interior.label)
    mu = next(e for e in interior.eigenvalues if e.imag > 0)
    assert mu.real < 0
    # lambda = i omega solves lambda = mu e^(-lambda tau) iff omega = |mu|, omega tau = arg(mu) - pi/2
    assert point.stability.method == "closed form"
    assert point.stability.tau_star == pytest.approx(math.atan(-mu.real / mu.imag) / abs(mu), rel=1e-9)
    assert point.stability.omega_star == pytest.approx(abs(mu), rel=1e-12)
    assert point.verdict == "unstable"
    assert point.stability.verdict(0.5 * point.stability.tau_star) == "asymptotically stable"
    for p in result.points:
        if p.label != interior.label:
            assert p.stability.method == "delay-independent"


def _crossings(result):
    return np.array([(c.tau, c.omega) for c in result.crossings]).reshape(-1, 2)


@pytest.mark.parametrize("seed", range(4))
def test_numeric_tau_star_of_a_two_by_two_game_equals_the_closed_form(seed):
    rng = np.random.default_rng(seed)
    pops = [Population("row", ("a", "b")), Population("col", ("c", "d"))]
    while True:   # a random bimatrix game with an interior rest point (a centre or a saddle)
        table = {(i, j): tuple(int(v) for v in rng.integers(-4, 5, 2)) for i in range(2) for j in range(2)}
        game = Game.from_payoff_table(pops, table)
        inner = [p for p in analyze(game).rest_points if p.is_interior]
        if inner:
            break
    A0, (A1,) = DelayedReplicator(game, [1.0, 1.0]).linearisation(inner[0].state)
    closed = delay_stability(A0, A1, method="closed form")
    numeric = delay_stability(A0, A1, method="numeric")
    np.testing.assert_allclose(_crossings(numeric), _crossings(closed), rtol=1e-8)
    assert numeric.tau_star == closed.tau_star or numeric.tau_star == pytest.approx(closed.tau_star, rel=1e-8)
    assert all(c.residual < 1e-12 for c in numeric.crossings)


@pytest.mark.parametrize("seed", range(20))
def test_numeric_crossings_equal_the_closed_form_for_any_interior_linearisation(seed):
    A1 = np.random.default_rng(seed).normal(size=(2, 2))
    closed = delay_stability(np.zeros((2, 2)), A1, method="closed form")
    numeric = delay_stability(np.zeros((2, 2)), A1, method="numeric")
    np.testing.assert_allclose(_crossings(numeric), _crossings(closed), rtol=1e-8)
    assert (closed.tau_star is None) == (numeric.tau_star is None)
    if closed.tau_star is not None:
        assert numeric.tau_star == pytest.approx(closed.tau_star, rel=1e-8)


def test_numeric_tau_star_of_the_vertical_game_equals_the_closed_form(penalised, interior):
    A0, (A1,) = DelayedReplicator(penalised.game, [1.0, 1.0]).linearisation(interior.state)
    closed = delay_stability(A0, A1, method="closed form")
    numeric = delay_stability(A0, A1, method="numeric")
    assert numeric.tau_star == pytest.approx(closed.tau_star, rel=1e-8)
    assert numeric.omega_star == pytest.approx(closed.omega_star, rel=1e-8)
    assert numeric.crossings[0].direction == pytest.approx(closed.crossings[0].direction, rel=1e-6)


def test_hayes_theorem_for_a_scalar_equation_with_a_current_term():
    # dz/dt = a z(t) + b z(t - tau), b < -|a|: stable up to tau* = arccos(-a/b) / sqrt(b^2 - a^2) (Hayes 1950)
    for a, b in [(-1.0, -2.0), (0.5, -1.5), (0.0, -3.0)]:
        result = delay_stability(np.array([[a]]), np.array([[b]]), method="numeric")
        omega = math.sqrt(b * b - a * a)
        assert result.omega_star == pytest.approx(omega, rel=1e-9)
        assert result.tau_star == pytest.approx(math.acos(-a / b) / omega, rel=1e-9)
    # |b| < -a: stable for every delay (no crossing)
    assert delay_stability(np.array([[-2.0]]), np.array([[1.0]]), method="numeric").tau_star is None


def test_a_centre_is_destabilised_by_any_delay(scenario):
    incentive = apply(scenario, ["incentive"], 1.0)
    analysis = analyze(incentive)
    centre = next(p for p in analysis.rest_points if p.is_interior)
    assert centre.classification == "non-hyperbolic"
    point = next(p for p in delay_analysis(incentive, analysis, 0.01).points if p.label == centre.label)
    assert point.stability.tau_star == 0.0
    assert point.verdict == "unstable"


def test_a_linear_dde_decays_below_and_grows_above_the_numeric_tau_star():
    A0 = np.array([[-0.5, 1.0], [-1.0, 0.0]])
    A1 = np.array([[0.0, 0.0], [0.3, -0.8]])
    result = delay_stability(A0, A1)
    assert result.method == "numeric" and result.stable_at_zero and result.tau_star is not None
    times = np.linspace(0, 200, 401)
    for factor, grows in [(0.9, False), (1.1, True)]:
        tau = factor * result.tau_star
        sol = integrate_dde(lambda Y, lagged: A0 @ Y + A1 @ lagged[0], np.ones((2, 1)), [tau], times)
        size = np.abs(sol.states[:, :, 0]).max(axis=1)
        assert (size[-50:].max() > size[:50].max()) == grows


def test_paths_decay_below_tau_star_and_oscillate_above(penalised, interior):
    tau_star = delay_analysis(penalised, analyze(penalised), 1.0).points[-1].stability.tau_star
    start = interior.state + np.array([0.05, 0.03])
    amplitude = {}
    for factor in (0.7, 1.4):
        sim = simulate_delayed(penalised, start[None, :], 300.0, delay=factor * tau_star, n_points=3001)
        distance = np.abs(sim.paths[0] - interior.state).max(axis=1)
        amplitude[factor] = (distance[:500].max(), distance[-500:].max())
    early, late = amplitude[0.7]
    assert late < 0.5 * early                        # decays towards the focus
    early, late = amplitude[1.4]
    assert late > 2 * early                          # grows into an oscillation ...
    assert late < 1.0                                # ... that stays in the unit square


# -- the rightmost roots at given delays (pseudospectral) ---------------------------------------------

def test_spectrum_of_negative_feedback_is_given_by_lambert_w():
    from scipy.special import lambertw
    from evogame.studies.delay.spectrum import characteristic_roots
    # lambda = -exp(-lambda): lambda e^lambda = -1, the rightmost roots are W_0(-1) and its conjugate
    roots = characteristic_roots(np.zeros((1, 1)), [(np.array([[-1.0]]), 1.0)])
    assert abs(roots[0] - complex(lambertw(-1, 0))) < 1e-10 or abs(roots[0] - np.conj(lambertw(-1, 0))) < 1e-10


def test_spectral_abscissa_vanishes_at_tau_star_and_agrees_with_the_crossing_count(penalised, interior):
    from evogame.studies.delay.spectrum import spectral_abscissa
    A0, (A1,) = DelayedReplicator(penalised.game, [1.0, 1.0]).linearisation(interior.state)
    result = delay_stability(A0, A1)
    assert abs(spectral_abscissa(A0, [(A1, result.tau_star)])) < 1e-10
    for tau in np.linspace(0.01, 3.0, 13):
        unstable = spectral_abscissa(A0, [(A1, tau)]) > 0
        assert unstable == (result.verdict(tau) == "unstable"), tau


def test_unequal_delays_get_their_verdict_from_the_rightmost_root(penalised):
    analysis = analyze(penalised)
    tau_star = delay_analysis(penalised, analysis, 1.0).points[-1].stability.tau_star
    for tau in (0.5 * tau_star, 2 * tau_star):
        common = delay_analysis(penalised, analysis, tau)
        nearly = delay_analysis(penalised, analysis, {"superior": tau, "subordinate": tau * (1 + 1e-9)})
        assert nearly.tau is None
        assert [p.verdict for p in nearly.points] == [p.verdict for p in common.points]


@pytest.mark.parametrize("name, mechanism", [("hawk_dove", None), ("zeeman_edge_ess", None),
                                             ("zeeman_rps_stable", None), ("vertical", "dynamic_reward")])
def test_the_crossing_count_agrees_with_the_rightmost_roots_on_shipped_games(name, mechanism):
    from conftest import load
    from evogame.studies.delay.spectrum import spectral_abscissa
    subject = load(name)
    subject = apply(subject, [mechanism]) if mechanism else subject
    analysis = analyze(subject)
    field = DelayedReplicator(subject.game, [1.0] * len(subject.game.populations))
    result = delay_analysis(subject, analysis, 1.0)
    assert any(p.stability.tau_star for p in result.points)      # each game has a point a delay destabilises
    for point, info in zip(analysis.rest_points, result.points):
        A0, (A1,) = field.linearisation(point.state)
        taus = [0.05, 0.3, 1.0, 3.0]
        if info.stability.tau_star:
            taus += [0.98 * info.stability.tau_star, 1.02 * info.stability.tau_star]
        for tau in taus:
            verdict = info.stability.verdict(tau)
            if not verdict.startswith("undetermined"):
                assert (verdict == "unstable") == (spectral_abscissa(A0, [(A1, tau)]) > 0), (point.label, tau)


def test_an_edge_point_found_numerically_matches_hayes_for_its_delayed_factor():
    from conftest import load
    scenario = load("zeeman_edge_ess")
    analysis = analyze(scenario)
    edge = next(p for p in analysis.rest_points if not p.is_pure)
    A0, (A1,) = DelayedReplicator(scenario.game, [1.0]).linearisation(edge.state)
    assert np.abs(A0).max() > 0 and np.abs(A1).max() > 0               # neither closed form applies
    (slow,), (fast,) = [e for e in np.linalg.eigvals(A1) if abs(e) > 1e-12], \
        [e for e in np.linalg.eigvals(A0) if abs(e) > 1e-12]
    rng = np.random.default_rng(0)
    for lam, tau in zip(rng.normal(size=5) + 1j * rng.normal(size=5), rng.uniform(0, 3, 5)):
        # the quasi-polynomial factors: (lambda - fast)(lambda - slow e^(-lambda tau))
        delta = np.linalg.det(lam * np.eye(2) - A0 - A1 * np.exp(-lam * tau))
        assert delta == pytest.approx((lam - fast) * (lam - slow * np.exp(-lam * tau)), abs=1e-12)
    result = delay_stability(A0, A1)
    assert result.method == "numeric" and fast.real < 0 and slow.real < 0
    assert result.tau_star == pytest.approx(math.pi / (2 * abs(slow)), rel=1e-9)      # Hayes, real mu < 0
    assert result.omega_star == pytest.approx(abs(slow), rel=1e-9)


def test_docs_delay_example_runs_and_reports_the_documented_tau_star(monkeypatch):
    from conftest import ROOT
    monkeypatch.chdir(ROOT)
    section = (ROOT / "docs" / "how-to" / "delay.md").read_text(encoding="utf-8")
    block = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace = {}
    exec(compile(block, "delay.md", "exec"), namespace)
    assert namespace["sim"].delays == {"superior": 0.08, "subordinate": 0.08}
    interior = namespace["result"].points[-1]
    assert round(interior.stability.tau_star, 5) == 0.05042 and round(interior.stability.omega_star, 4) == 0.9058
    assert "τ* = 0.05042, ω* = 0.9058" in section


def test_without_delay_the_verdict_is_the_undelayed_classification(scenario):
    incentive = apply(scenario, ["incentive"], 1.0)
    analysis = analyze(incentive)
    verdicts = {p.label: p.verdict for p in delay_analysis(incentive, analysis, 0.0).points}
    for point in analysis.rest_points:
        expected = {"asymptotically stable": "asymptotically stable", "non-hyperbolic": "undetermined"}
        assert verdicts[point.label] == expected.get(point.classification, "unstable")
