"""Game 4 of MODELS.md: the data platform as an N-department public good with critical mass M."""
from math import comb

import numpy as np
import pytest
from numpy.polynomial import Polynomial
from scipy.stats import binom

from evogame.engine.analysis import analyze
from evogame.studies.basins import basins
from evogame.studies.group_size import free_riding_by_group_size
from evogame.dynamics import derive
from evogame.solvers.stability import ASYMPTOTICALLY_STABLE, UNSTABLE_SOURCE



SCENARIO = "platform_public_good"   # the shipped scenario of the `scenario` and `game` fixtures


def defaults(game, **kw):
    v = {n: float(p.value) for n, p in game.parameters.items()}
    v.update(kw)
    return v


def payoff_difference(N, M, b, c, s) -> Polynomial:
    """f_share - f_not written out from the binomial expectation (independent of the parser):
    sum_k C(N-1,k) x^k (1-x)^(N-1-k) ([k+1 >= M] b (k+1)/N - [k >= M] b k/N) + s - c."""
    x = Polynomial([0, 1])
    total = Polynomial([s - c])
    for k in range(N):
        gain = (b * (k + 1) / N if k + 1 >= M else 0.0) - (b * k / N if k >= M else 0.0)
        if gain:
            total = total + comb(N - 1, k) * x ** k * (1 - x) ** (N - 1 - k) * gain
    return total


def interior_roots(poly: Polynomial) -> list[float]:
    roots = []
    for r in poly.roots():
        if abs(r.imag) < 1e-7 and 1e-9 < r.real < 1 - 1e-9:
            x = r.real
            for _ in range(5):   # polish with Newton on the same polynomial
                x -= poly(x) / poly.deriv()(x)
            roots.append(x)
    return sorted(roots)


def test_every_parameter_is_documented_and_counts_are_integers(scenario, game):
    assert scenario.target_key == "share"
    for p in game.parameters.values():
        assert p.description and p.stands_for and p.range is not None, p.name
    assert game.parameters["N"].integer and game.parameters["M"].integer
    pop = game.populations[0]
    assert pop.label_en and pop.label_zh and pop.strategy_labels_zh and pop.strategy_labels_en


@pytest.mark.parametrize("N,M", [(3, 2), (6, 3), (8, 3), (8, 8), (10, 4)])
def test_fitness_is_the_binomial_expectation_of_degree_N_minus_1(game, N, M):
    g = game.with_values(N=N, M=M)
    v = defaults(g)
    f_share, f_not = derive(g).fitness[0]
    x = g.variables[0]
    subs = {g.parameters[n].symbol: val for n, val in g.values().items()}
    diff = (f_share - f_not).subs(subs)
    assert diff.as_poly(x).degree() <= N - 1
    K = binom(N - 1, np.linspace(0.01, 0.99, 7))
    # the pivotal form: s - c + (b/N) (P(K >= M) + M P(K = M - 1))
    pivotal = v["s"] - v["c"] + v["b"] / N * (K.sf(M - 1) + M * K.pmf(M - 1))
    got = [float(diff.subs(x, xi)) for xi in np.linspace(0.01, 0.99, 7)]
    assert got == pytest.approx(pivotal, abs=1e-12)
    assert float(f_share.subs(subs).as_poly(x).degree()) == N - 1


# every 2 <= M <= N up to N = 7, and the ends and middle for N = 8 (degree 7)
PAIRS = [(N, M) for N in range(2, 8) for M in range(2, N + 1)] + [(8, 2), (8, 5), (8, 8)]


@pytest.mark.parametrize("N,M", PAIRS)
def test_interior_rest_points_match_an_independent_root_finder(game, N, M):
    g = game.with_values(N=N, M=M)
    v = defaults(g)
    expected = interior_roots(payoff_difference(N, M, v["b"], v["c"], v["s"]))
    found = sorted(float(p.state[0]) for p in analyze(g).rest_points if p.is_interior)
    assert len(found) == len(expected)
    assert found == pytest.approx(expected, abs=1e-10)


@pytest.mark.parametrize("N", [2, 4, 6, 9])
def test_free_riding_with_M_1_and_no_selective_benefit(game, N):
    """M = 1, s = 0: f_share - f_not = b/N - c for every x (one's own share of the good)."""
    b = 6.0
    for c, winner, loser in [(b / N + 0.2, "not", "share"), (b / N - 0.2, "share", "not")]:
        a = analyze(game.with_values(N=N, M=1, s=0, b=b, c=c))
        assert [p.label for p in a.stable] == [f"({winner})"]
        assert a.find(loser).classification == UNSTABLE_SOURCE
        assert not [p for p in a.rest_points if p.is_interior]


def test_baseline_no_sharing_is_stable_and_the_critical_mass_separates_the_basins(game):
    v = defaults(game)
    N, M = int(v["N"]), int(v["M"])
    roots = interior_roots(payoff_difference(N, M, v["b"], v["c"], v["s"]))
    r = basins(game, samples=1024)
    assert r.share(("not",)) > 0
    assert r.analysis.find("not").classification == ASYMPTOTICALLY_STABLE
    # the critical mass is the lowest interior root; the basin of sharing is (x*, 1] exactly
    x_star = roots[0]
    assert r.critical_mass == pytest.approx(x_star, abs=1e-10)
    sharing = [a for a in r.attractors if a.label != "(not)"]
    assert len(sharing) == 1
    assert r.exact_shares[sharing[0].label] == pytest.approx(1 - x_star, abs=1e-10)
    assert r.exact_shares["(not)"] == pytest.approx(x_star, abs=1e-10)
    # the sampled shares agree with the exact ones and sum to one
    assert abs(r.shares[r.labels.index(sharing[0].label)] - (1 - x_star)) < 3 * r.standard_errors.max() + 1e-3
    assert r.shares.sum() + r.not_converged_share == pytest.approx(1.0)


def test_structural_override_rebuilds_the_game(game):
    a = basins(game, {"N": 6}, samples=64)
    b = basins(game.with_values(N=6), samples=64)
    assert a.exact_shares == b.exact_shares
    assert a.exact_shares != basins(game, samples=64).exact_shares


def test_free_riding_grows_with_the_number_of_departments(game):
    sizes = list(range(3, 13))
    sweep = free_riding_by_group_size(game, sizes)
    v = defaults(game)
    rows = sweep.rows
    free = [r["free_riders"] for r in rows]
    assert all(a <= b + 1e-12 for a, b in zip(free, free[1:]))          # never fewer free riders
    assert free[0] == 0.0 and free[-1] == 1.0                             # full sharing ... collapse
    # past the size where one's own share b/N no longer covers c - s, the sharing level falls strictly
    tail = [r for r in rows if v["b"] / r["N"] < v["c"] - v["s"] and r["sharing_level"] > 0]
    assert len(tail) >= 2
    assert all(a["sharing_level"] > b["sharing_level"] for a, b in zip(tail, tail[1:]))
    expected = [r["expected_sharing"] for r in rows if r["N"] >= 6]
    assert all(a > b or b == 0 for a, b in zip(expected, expected[1:]))
    # every reported critical mass is the independent polynomial's lowest root
    for r in rows:
        roots = interior_roots(payoff_difference(r["N"], r["M"], v["b"], v["c"], v["s"]))
        if r["critical_mass"] is None:
            assert r["sharing_basin"] == 0.0
        else:
            assert r["critical_mass"] == pytest.approx(roots[0], abs=1e-10)
            assert r["sharing_basin"] == pytest.approx(1 - roots[0], abs=1e-10)


@pytest.mark.parametrize("mechanism,expected", [
    ("platform", (1 - 1.25 / 1.4) / 0.8),   # c (1 - 0.8 s) < s_sel + b/N = 0.5 + 6/8
    ("incentive", 0.15 / 1.5),              # 0.5 + 1.5 s - 1.4 + 0.75 > 0
    ("bundling", 0.4),                      # 6 (1 + 0.5 s) / 8 > 0.9
])
def test_mechanisms_make_full_sharing_stable_where_s_minus_c_plus_b_over_N_turns_positive(scenario, mechanism,
                                                                                         expected):
    from evogame.studies.thresholds import threshold
    r = threshold(scenario, [mechanism])
    assert r.threshold == pytest.approx(expected, abs=1e-12)
    assert "(share)" in r.stable_above
