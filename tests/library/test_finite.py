"""Finite populations under the pairwise-comparison process: closed forms computed here, invariants.

Every expected value is computed in the test from the process's definition
(Traulsen, Nowak & Pacheco 2006) or from the scenario's own description
(the platform's group payoff), never read back from evogame's output.
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from evogame.errors import ScenarioError
from evogame.studies.finite import Process, StateSpace, finite, finite_payoffs, gradient_of_selection, transition_matrix
from evogame.studies.finite.payoffs import group_payoffs
from evogame.studies.finite.stationary import stationary_distribution
from evogame.dynamics import derive
from evogame.game import Game, Population
from tests.conftest import load


def fermi(beta, d):
    return 1.0 / (1.0 + math.exp(-beta * d))


def closed_form_rho(pi_mutant, pi_resident, Z, beta):
    """1 / (1 + sum_i prod_{j<=i} T-(j)/T+(j)) with T+- written out from the process (no simplification)."""
    total, prod = 0.0, 1.0
    for j in range(1, Z):
        d = pi_mutant(j) - pi_resident(j)
        t_plus = (Z - j) / Z * j / (Z - 1) * fermi(beta, d)
        t_minus = j / Z * (Z - j) / (Z - 1) * fermi(beta, -d)
        prod *= t_minus / t_plus
        total += prod
    return 1.0 / (1.0 + total)


def symmetric_coordination():
    """One population coordinating on A (payoff 2) or B (payoff 1): an unstable interior point at x = 1/3."""
    return Game.symmetric(Population("players", ("A", "B")), [[2, 0], [0, 1]], name="coordination")


def invasion(result, resident, invader):
    return next(i for i in result.small_mutation.invasions if i.resident == resident and i.invader == invader)


@pytest.mark.parametrize("name, Z", [("vertical", 20), ("platform_public_good", 15), ("rps", 12),
                                     ("dual_leadership", 9)])
def test_neutral_drift_every_fixation_probability_is_one_over_z(name, Z):
    result = finite(load(name), Z, beta=0.0)
    for inv in result.small_mutation.invasions:
        assert inv.probability == pytest.approx(1.0 / Z, rel=1e-12)
        assert inv.relative == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("beta", [0.1, 1.0, 3.0])
def test_two_strategies_fixation_equals_closed_form_without_self_interaction(beta):
    # hawk-dove, V = 2, C = 4: payoffs in a population of Z with j hawks, the focal excluded
    A = [[(2 - 4) / 2, 2], [0, 1]]
    Z = 25

    def hawk(j):      # j hawks: a hawk meets j - 1 hawks and Z - j doves among the other Z - 1
        return (A[0][0] * (j - 1) + A[0][1] * (Z - j)) / (Z - 1)

    def dove(j):
        return (A[1][0] * j + A[1][1] * (Z - j - 1)) / (Z - 1)

    result = finite(load("hawk_dove"), Z, beta=beta)
    hawk_in_doves = invasion(result, "(dove)", "(hawk)").probability
    dove_in_hawks = invasion(result, "(hawk)", "(dove)").probability
    assert hawk_in_doves == pytest.approx(closed_form_rho(hawk, dove, Z, beta), rel=1e-10)
    assert dove_in_hawks == pytest.approx(closed_form_rho(lambda j: dove(Z - j), lambda j: hawk(Z - j), Z, beta),
                                          rel=1e-10)


def test_fixation_equals_absorption_probability_of_the_birth_death_chain():
    """The closed form against a linear solve of the absorbing chain (coordination game, Z = 30)."""
    scenario = symmetric_coordination()
    Z, beta = 30, 0.7
    game, values, payoffs = finite_payoffs(scenario, Z)
    counts = np.array([[k, Z - k] for k in range(Z + 1)])
    pi = payoffs([counts])[0]
    d = pi[:, 0] - pi[:, 1]
    plus = np.array([(Z - k) / Z * k / (Z - 1) * fermi(beta, d[k]) for k in range(Z + 1)])
    minus = np.array([k / Z * (Z - k) / (Z - 1) * fermi(beta, -d[k]) for k in range(Z + 1)])
    # phi_k = T+ phi_{k+1} + T- phi_{k-1} + (1 - T+ - T-) phi_k, phi_0 = 0, phi_Z = 1
    M = np.zeros((Z - 1, Z - 1))
    b = np.zeros(Z - 1)
    for k in range(1, Z):
        M[k - 1, k - 1] = plus[k] + minus[k]
        if k + 1 < Z:
            M[k - 1, k] = -plus[k]
        else:
            b[k - 1] = plus[k]
        if k - 1 > 0:
            M[k - 1, k - 2] = -minus[k]
    phi = np.linalg.solve(M, b)
    result = finite(scenario, Z, beta=beta)
    first, second = game.populations[0].strategies
    assert invasion(result, f"({second})", f"({first})").probability == pytest.approx(phi[0], rel=1e-9)


def test_mutant_of_one_population_against_a_resident_profile():
    """Vertical game: the subordinate's payoff does not depend on its own population, so Delta is constant and
    rho = (1 - exp(-beta D)) / (1 - exp(-beta Z D))."""
    scenario = load("vertical")
    v = {k: float(p.value) for k, p in scenario.game.parameters.items()}
    Z, beta = 40, 0.5
    active = v["beta"] * v["B"] + v["m"] * v["G"] - v["c_D"] - v["lambda"] * v["L"] + v["r"]
    passive = -v["d"] * v["F"]
    D = active - passive                      # against a strict superior
    expected = (1 - math.exp(-beta * D)) / (1 - math.exp(-beta * Z * D))
    result = finite(scenario, [30, Z], beta=beta)
    got = invasion(result, "(strict, passive)", "(strict, active)")
    assert got.probability == pytest.approx(expected, rel=1e-10)
    assert got.neutral == pytest.approx(1 / Z)


def test_platform_group_payoffs_are_the_hand_derived_per_group_payoffs():
    scenario = load("platform_public_good")
    N, M, b, c, s = 8, 3, 6.0, 1.4, 0.5
    dyn = derive(scenario.game)
    d, K, fn = group_payoffs(dyn)
    assert d == N - 1
    a = np.array(fn(*dyn.parameter_vector(scenario.game.values())), dtype=float)
    for row, (k, _) in zip(a.T, K.tolist()):     # k sharers among the N - 1 co-players
        assert row[0] == pytest.approx(s - c + (b * (k + 1) / N if k + 1 >= M else 0.0), abs=1e-12)
        assert row[1] == pytest.approx(b * k / N if k >= M else 0.0, abs=1e-12)


def test_platform_finite_payoff_is_the_hypergeometric_expectation():
    scenario = load("platform_public_good")
    N, M, b, c, s = 8, 3, 6.0, 1.4, 0.5
    Z = 20
    game, values, payoffs = finite_payoffs(scenario, Z)
    counts = np.array([[i, Z - i] for i in range(Z + 1)])
    pi = payoffs([counts])[0]
    for i in range(Z + 1):
        if i >= 1:   # a sharer: the other Z - 1 hold i - 1 sharers
            share = sum(math.comb(i - 1, k) * math.comb(Z - i, N - 1 - k) / math.comb(Z - 1, N - 1)
                        * (s - c + (b * (k + 1) / N if k + 1 >= M else 0.0)) for k in range(N))
            assert pi[i, 0] == pytest.approx(share, abs=1e-12)
        if i <= Z - 1:
            not_ = sum(math.comb(i, k) * math.comb(Z - 1 - i, N - 1 - k) / math.comb(Z - 1, N - 1)
                       * (b * k / N if k >= M else 0.0) for k in range(N))
            assert pi[i, 1] == pytest.approx(not_, abs=1e-12)


def test_matrix_game_payoffs_exclude_the_focal_individual():
    scenario = load("rps")
    Z = 9
    game, values, payoffs = finite_payoffs(scenario, Z)
    A = np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]], dtype=float)
    counts = StateSpace((Z,), (3,)).counts[0]
    pi = payoffs([counts])[0]
    for row, i in zip(pi, counts):
        for a in np.flatnonzero(i):          # the payoff of a strategy someone plays
            others = i - np.eye(3)[a]
            assert row[a] == pytest.approx(A[a] @ others / (Z - 1), abs=1e-12)


@pytest.mark.parametrize("name", ["platform_public_good", "hawk_dove", "coordination"])
def test_weak_selection_large_population_gradient_has_the_sign_of_the_replicator(name):
    scenario = symmetric_coordination() if name == "coordination" else load(name)
    Z, beta = 2000, 0.01      # finite-size shifts of the rest points are O(group size / Z)
    game, values, payoffs = finite_payoffs(scenario, Z)
    G = gradient_of_selection(payoffs, Process((Z,), beta))
    dyn = derive(game)
    x = np.arange(Z + 1) / Z
    field = dyn.field(x[:, None], dyn.parameter_vector(values))[:, 0]
    clear = np.abs(field) > 0.02 * np.abs(field).max()
    assert clear.sum() > Z // 2
    assert np.array_equal(np.sign(G[clear]), np.sign(field[clear]))


@pytest.mark.parametrize("name, sizes, mu", [("rps", 25, 0.05), ("vertical", 12, 0.02), ("platform_public_good", 30, 0.01),
                                              ("dual_leadership", 6, 0.1)])
def test_stationary_distribution_sums_to_one_and_is_invariant(name, sizes, mu):
    scenario = load(name)
    result = finite(scenario, sizes, beta=1.0, mutation=mu)
    pi = result.stationary.distribution
    assert pi.sum() == pytest.approx(1.0, abs=1e-12)
    assert (pi >= 0).all()
    game, values, payoffs = finite_payoffs(scenario, sizes)
    process = Process(payoffs.sizes, 1.0, mu)
    P = transition_matrix(StateSpace(process.sizes, tuple(p.n for p in game.populations)), payoffs, process)
    assert np.allclose(np.asarray(P.sum(axis=1)).ravel(), 1.0, atol=1e-14)
    assert np.abs(P.T @ pi - pi).max() <= 1e-12
    sml = result.small_mutation
    assert sml.distribution.sum() == pytest.approx(1.0, abs=1e-12) and sml.residual <= 1e-12


def test_state_space_counts_the_compositions():
    space = StateSpace((200,), (3,))
    assert space.size == math.comb(202, 2) == 20301
    assert StateSpace((50, 50), (2, 2)).size == 2601
    assert (space.counts[0].sum(axis=1) == 200).all()
    assert len({tuple(r) for r in space.counts[0].tolist()}) == space.size


@pytest.mark.parametrize("name, Z, beta", [("vertical", 8, 0.3), ("rps", 10, 0.5), ("coordination", 12, 0.4)])
def test_small_mutation_limit_agrees_with_the_full_chain_at_small_mutation(name, Z, beta):
    scenario = load(name)
    result = finite(scenario, Z, beta=beta, mutation=1e-6)
    limit = dict(zip(result.small_mutation.profiles, result.small_mutation.distribution))
    corners = result.stationary.corners
    assert sum(corners.values()) > 0.99
    for label, p in limit.items():
        assert corners[label] == pytest.approx(p, abs=2e-3)


def test_stationary_solver_on_a_chain_with_a_known_distribution():
    """A birth-death chain's stationary distribution is the detailed-balance product."""
    import scipy.sparse as sp
    n = 50
    up = np.linspace(0.1, 0.4, n)
    down = np.linspace(0.35, 0.05, n)
    P = np.zeros((n, n))
    for k in range(n):
        if k + 1 < n:
            P[k, k + 1] = up[k]
        if k > 0:
            P[k, k - 1] = down[k]
        P[k, k] = 1 - P[k].sum()
    expected = np.ones(n)
    for k in range(1, n):
        expected[k] = expected[k - 1] * up[k - 1] / down[k]
    expected /= expected.sum()
    pi, residual = stationary_distribution(sp.csr_matrix(P))
    assert np.allclose(pi, expected, rtol=1e-12, atol=0)   # GTH: relative accuracy
    assert residual <= 1e-15
    # a larger (unimodal) chain goes through the sparse LU: accurate in absolute terms
    n = 2000
    up, down = np.linspace(0.4, 0.1, n), np.linspace(0.05, 0.35, n)
    P = sp.diags([down[1:], np.r_[1 - up[:-1] - np.r_[0, down[1:-1]], 1 - down[-1]], up[:-1]], [-1, 0, 1]).tocsr()
    P = sp.csr_matrix(P)
    pi, residual = stationary_distribution(P)
    log_expected = np.r_[0, np.cumsum(np.log(up[:-1] / down[1:]))]
    expected = np.exp(log_expected - log_expected.max())
    expected /= expected.sum()
    assert np.abs(pi - expected).max() <= 1e-12 and residual <= 1e-12


def test_sharing_level_is_the_mean_share_of_the_target_strategy():
    scenario = load("platform_public_good")
    Z = 30
    result = finite(scenario, Z, beta=1.0, mutation=0.01)
    marginal = dict(result.stationary.marginals)["departments"]
    assert marginal.sum() == pytest.approx(1.0)
    assert result.sharing_level["departments"] == pytest.approx(marginal @ np.arange(Z + 1) / Z)
    assert result.stationary.target_probability == pytest.approx(marginal[Z])
    data = result.to_dict()
    assert len(data["stationary"]["distribution"]) == Z + 1
    assert data["sharing_level"]["departments"] == result.sharing_level["departments"]


def test_a_mechanism_that_makes_sharing_dominant_raises_the_stationary_sharing_level():
    scenario = load("platform_public_good")
    base = finite(scenario, 30, beta=1.0, mutation=0.01)
    strong = finite(scenario, 30, beta=1.0, mutation=0.01, mechanisms=["incentive"], strength=1.0)
    assert strong.sharing_level["departments"] > 0.5 > base.sharing_level["departments"]
    assert strong.mechanisms == (("incentive", 1.0),)


def test_sweep_over_a_mechanism_strength_is_monotone_for_an_incentive():
    from evogame.studies.finite import finite_sweep
    sweep = finite_sweep(load("platform_public_good"), "strength", [0.0, 0.5, 1.0], 20, beta=1.0,
                         mechanisms=["incentive"])
    levels = [r["target_probability"] for r in sweep.rows]
    assert levels == sorted(levels) and levels[-1] > levels[0]


def test_user_errors_name_the_argument():
    with pytest.raises(ScenarioError, match="smaller than the groups"):
        finite(load("platform_public_good"), 5, beta=1.0)
    with pytest.raises(ScenarioError, match="population sizes"):
        finite(load("vertical"), [10, 10, 10])
    with pytest.raises(ScenarioError, match="states"):
        finite(load("rps"), 2000, beta=1.0, mutation=0.1, full=True)
    with pytest.raises(ScenarioError, match="mutation"):
        Process((10,), 1.0, 1.5)
    with pytest.raises(ScenarioError, match="at least 2"):
        Process((1,), 1.0)


def test_two_player_game_built_in_code_with_three_populations():
    pops = [Population(f"p{j}", ("a", "b")) for j in range(3)]
    table = {idx: tuple(float(sum(idx) == 0) + 0.5 * j for j in range(3))
             for idx in itertools.product(range(2), repeat=3)}
    game = Game.from_payoff_table(pops, table)
    result = finite(game, 5, beta=2.0, mutation=0.05)
    assert result.stationary.states == 6 ** 3
    assert result.target == "(a, a, a)" and result.notes
