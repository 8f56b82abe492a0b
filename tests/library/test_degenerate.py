"""Degenerate and hard games: honest reports within a time budget, never a hang or a crash.

Every analysis here runs under a hard time limit (``within``): a hang fails
the test instead of blocking the suite.  Expected results are derived by hand
or computed independently (support enumeration with numpy, the replicator
field written out from the payoff tensor), never taken from the code under test.
"""
from __future__ import annotations

import itertools
import random
import time
from contextlib import contextmanager
from fractions import Fraction

import numpy as np
import pytest

from conftest import load
from evogame.solvers import stability as st
from evogame.engine.analysis import analyze
from evogame.errors import AnalysisError
from evogame.game.faces import face_label
from evogame.util.timelimit import Timeout, time_limit
from evogame.scenario import parse_scenario
from helpers import HANG

#: number of degenerate or hard games analysed in this file (printed by scripts/hostile_count.py)
DEGENERATE_GAMES: list[str] = []


@contextmanager
def within(seconds: float, what: str):
    """Fail (instead of hanging) when the block has not finished after ``seconds`` (a hang guard, not a
    speed assertion: speed lives in benchmarks/)."""
    DEGENERATE_GAMES.append(what)
    try:
        with time_limit(max(seconds, HANG)):   # a loaded CI machine must not turn a slow answer into a failure
            yield
    except Timeout:
        pytest.fail(f"{what}: no answer within {seconds} s")


# -- games written as scenario text ------------------------------------------------

def symmetric(rows, params: str = "") -> object:
    n = len(rows)
    strategies = [f"s{i}" for i in range(n)]
    text = (f"[game]\nname = 'sym{n}'\nmatching = 'symmetric'\n[[populations]]\nname = 'players'\n"
            f"strategies = {strategies!r}\n[parameters]\n{params}\n[payoffs]\n")
    for i, j in itertools.product(range(n), repeat=2):
        text += f"'s{i}.s{j}' = '{rows[i][j]}'\n"
    return parse_scenario(text, file="symmetric.toml")


def multipopulation(tensor: dict) -> object:
    """``tensor``: profile of 'a'/'b' per population -> payoffs (numbers)."""
    k = len(next(iter(tensor)))
    text = "[game]\nname = 'multi'\n"
    for p in range(k):
        text += f"[[populations]]\nname = 'p{p}'\nstrategies = ['a', 'b']\n"
    text += "[payoffs]\n"
    for profile, payoffs in tensor.items():
        text += f"'{'.'.join(profile)}' = {[str(v) for v in payoffs]!r}\n"
    return parse_scenario(text, file="multi.toml")


def random_tensor(k: int, seed: int) -> dict:
    rng = random.Random(seed)
    return {prof: [rng.randint(-9, 9) for _ in range(k)] for prof in itertools.product("ab", repeat=k)}


def field_from_tensor(tensor: dict, shares: np.ndarray) -> np.ndarray:
    """Replicator field of a 2-strategy-per-population game, written out independently.

    ``shares[p]`` is the share of strategy 'a'; ``dx_p/dt = x_p (1 - x_p) (f_pa - f_pb)`` with
    ``f_ps = sum over the others' profiles of u_p * prod of their shares``.
    """
    k = len(shares)
    out = np.zeros(k)
    for p in range(k):
        diff = 0.0
        for profile, payoffs in tensor.items():
            weight = 1.0
            for q, s in enumerate(profile):
                if q != p:
                    weight *= shares[q] if s == "a" else 1 - shares[q]
            diff += (1 if profile[p] == "a" else -1) * payoffs[p] * weight
        out[p] = shares[p] * (1 - shares[p]) * diff
    return out


def support_enumeration(A: np.ndarray) -> list[np.ndarray]:
    """Rest points of the replicator dynamics of ``A`` by support enumeration (numpy only).

    On a support S: (A x)_i equal for i in S, x_j = 0 off S, sum x = 1, x_S > 0.
    """
    n = len(A)
    points = []
    for k in range(1, n + 1):
        for S in itertools.combinations(range(n), k):
            M = np.zeros((k, k))
            rhs = np.zeros(k)
            for r, i in enumerate(S[:-1]):
                M[r] = A[i, list(S)] - A[S[-1], list(S)]
            M[-1] = 1.0
            rhs[-1] = 1.0
            if abs(np.linalg.det(M)) < 1e-12:
                continue
            xs = np.linalg.solve(M, rhs)
            if np.all(xs > 1e-12):
                x = np.zeros(n)
                x[list(S)] = xs
                points.append(x)
    return points


# -- all-zero payoffs and ties: continua ---------------------------------------------

def test_all_zero_payoffs_every_face_is_a_continuum_and_every_vertex_non_hyperbolic():
    with within(20, "all-zero payoffs, 3 strategies"):
        a = analyze(symmetric([[0] * 3] * 3))
    # 7 faces: 3 vertices (isolated rest points) and 3 edges + the interior (continua)
    assert sorted(c.dimension for c in a.continua) == [1, 1, 1, 2]
    assert all(c.equations == [] for c in a.continua)      # the whole face
    assert len(a.rest_points) == 3 and all(p.is_pure for p in a.rest_points)
    for p in a.rest_points:
        assert p.classification == st.NON_HYPERBOLIC
        assert np.all(p.eigenvalues == 0)
        assert p.classified_by.startswith("exact")


def test_all_zero_payoffs_two_populations():
    tensor = {prof: [0, 0] for prof in itertools.product("ab", repeat=2)}
    with within(20, "all-zero payoffs, 2 populations"):
        a = analyze(multipopulation(tensor))
    # faces: 3 x 3 = 9; the 4 corners are points, the 4 edges and the square are continua
    assert len(a.rest_points) == 4 and len(a.continua) == 5
    assert sorted(c.dimension for c in a.continua) == [1, 1, 1, 1, 2]
    assert all(p.classification == st.NON_HYPERBOLIC for p in a.rest_points)


def test_all_zero_five_strategies():
    with within(30, "all-zero payoffs, 5 strategies"):
        a = analyze(symmetric([[0] * 5] * 5))
    # 31 faces: 5 vertices; C(5,k) faces of dimension k-1 for k = 2..5
    assert sorted(c.dimension for c in a.continua) == [1] * 10 + [2] * 10 + [3] * 5 + [4]
    assert all(p.classification == st.NON_HYPERBOLIC for p in a.rest_points)


def test_a_tie_gives_a_whole_edge_of_rest_points():
    # s0 and s1 are the same strategy: the edge s0-s1 is a continuum; in the interior
    # f0 = f1 = x0 + x1 and f2 = 2 x2, so x0 + x1 = 2/3 is a line of rest points.
    with within(20, "tie: two identical strategies"):
        a = analyze(symmetric([[1, 1, 0], [1, 1, 0], [0, 0, 2]]))
    edge = [c for c in a.continua if c.support == ((0, 1),)]
    assert len(edge) == 1 and edge[0].dimension == 1 and edge[0].equations == []
    interior = [c for c in a.continua if c.support == ((0, 1, 2),)]
    assert len(interior) == 1 and interior[0].dimension == 1
    x0, x1 = interior[0].sample
    assert x0 + x1 == pytest.approx(2 / 3, abs=1e-12)
    assert a.find("s0").classification == st.NON_HYPERBOLIC      # zero eigenvalue along the edge
    assert a.find("s1").classification == st.NON_HYPERBOLIC
    assert a.find("s2").classification == st.ASYMPTOTICALLY_STABLE
    # the ends of the interior line lie on the edges s0-s2 and s1-s2 and are found there
    ends = sorted(p.shares[0] for p in a.rest_points if len(p.support[0]) == 2)
    assert np.allclose(ends, [[0, 2 / 3, 1 / 3], [2 / 3, 0, 1 / 3]], atol=1e-15)


# -- parameters exactly at a threshold ------------------------------------------------

def test_vertical_game_at_the_threshold_c_D_is_non_hyperbolic():
    # beta*B + m*G = 0.3*4 + 0.4*3 = 2.4 = c_D + lambda*L = c_D + 1.5 exactly at c_D = 0.9:
    # under loose supervision the subordinate is indifferent, so the edge is a continuum.
    game = load("vertical")
    with within(20, "vertical game at c_D = 0.9"):
        a = analyze(game, {"c_D": 0.9})
    # eigenvalues (superior, subordinate direction): -(c_S + r), 0 and d*(F + R_U) - c_S, 0
    assert a.find("loose", "active").classification == st.NON_HYPERBOLIC
    assert a.find("loose", "passive").classification == st.NON_HYPERBOLIC
    assert sorted(a.find("loose", "active").eigenvalues.real) == [-3.0, 0.0]
    assert sorted(a.find("loose", "passive").eigenvalues.real) == pytest.approx([-0.4, 0.0], abs=1e-15)
    edge = [c for c in a.continua if c.support == ((1,), (0, 1))]
    assert len(edge) == 1 and edge[0].equations == []
    # either side of the threshold, decided exactly: (loose, active) is stable iff c_D < 0.9
    below = analyze(game, {"c_D": Fraction(9, 10) - Fraction(1, 10**12)})
    above = analyze(game, {"c_D": Fraction(9, 10) + Fraction(1, 10**12)})
    assert below.find("loose", "active").classification == st.ASYMPTOTICALLY_STABLE
    assert above.find("loose", "passive").classification == st.ASYMPTOTICALLY_STABLE
    assert not any(c.support == ((1,), (0, 1)) for c in below.continua + above.continua)


def test_hawk_dove_with_V_equal_C_is_non_hyperbolic_at_hawk():
    game = load("hawk_dove")
    with within(20, "hawk-dove at V = C"):
        a = analyze(game, {"V": 3, "C": 3})
    # f_hawk - f_dove at all-hawk is (V - C)/2 = 0: a zero eigenvalue
    assert a.find("hawk").classification == st.NON_HYPERBOLIC


# -- huge and tiny magnitudes ----------------------------------------------------------

@pytest.mark.parametrize("scale", ["1e8", "1e-8", "1e-100", "1e100"])
def test_scaling_payoffs_changes_no_classification(scale):
    # multiplying every payoff by c > 0 only rescales time: same rest points, same classes
    rps = [["0", "-1", "1"], ["1", "0", "-1"], ["-1", "1", "0"]]
    base = analyze(symmetric(rps))
    with within(20, f"rock-paper-scissors scaled by {scale}"):
        scaled = analyze(symmetric([[f"{scale}*{v}" for v in row] for row in rps]))
    assert [p.classification for p in scaled.rest_points] == [p.classification for p in base.rest_points]
    centre = [p for p in scaled.rest_points if p.is_interior][0]
    assert centre.classification == st.NON_HYPERBOLIC     # a centre stays a centre at any scale
    for p, q in zip(scaled.rest_points, base.rest_points):
        assert np.allclose(p.state, q.state, atol=1e-12)


def test_mixed_magnitudes_are_classified_exactly():
    # coordination with payoffs 1e8 and 1e-8: vertex eigenvalues -1e-8 and -1e8 are far below any
    # float tolerance scaled by max|J| = 1e8, yet both vertices are asymptotically stable
    with within(20, "coordination with payoffs 1e8 and 1e-8"):
        a = analyze(symmetric([["1e8", "0"], ["0", "1e-8"]]))
    assert a.find("s0").classification == st.ASYMPTOTICALLY_STABLE
    assert a.find("s1").classification == st.ASYMPTOTICALLY_STABLE
    assert a.find("s1").eigenvalues[0].real == pytest.approx(-1e-8, rel=1e-12)
    interior = [p for p in a.rest_points if p.is_interior]
    assert len(interior) == 1 and interior[0].classification == st.UNSTABLE_SOURCE
    # x* = b / (a + b) = 1e-8 / (1e8 + 1e-8), exactly
    assert interior[0].shares[0][0] == pytest.approx(1e-8 / (1e8 + 1e-8), rel=1e-12)


def test_huge_payoffs_simulate_and_stay_on_the_simplex():
    from evogame.dynamics.simulation import simulate
    game = symmetric([["1e8", "0"], ["0", "1e-8"]])
    with within(30, "simulation with payoffs 1e8"):
        sim = simulate(game, [[0.5], [1e-6], [0.999]], 10.0, n_points=11)
    assert np.all(np.isfinite(sim.paths))
    assert np.all((sim.paths >= -1e-12) & (sim.paths <= 1 + 1e-12))
    assert sim.paths[0, -1, 0] == pytest.approx(1.0, abs=1e-9)   # s0 wins from the middle


def test_all_zero_game_does_not_move():
    from evogame.dynamics.simulation import simulate
    game = symmetric([[0] * 3] * 3)
    with within(20, "simulation of the all-zero game"):
        sim = simulate(game, [[0.2, 0.3], [0.0, 1.0]], 1e4, n_points=5)
    assert np.array_equal(sim.paths[:, -1], np.array([[0.2, 0.3], [0.0, 1.0]]))


# -- larger games -------------------------------------------------------------------------

def test_five_strategy_game_matches_support_enumeration():
    rng = random.Random(1)
    A = np.array([[rng.randint(-5, 5) for _ in range(5)] for _ in range(5)])
    with within(30, "random 5-strategy game"):
        a = analyze(symmetric(A.tolist()))
    expected = support_enumeration(A.astype(float))
    found = [np.array(p.shares[0]) for p in a.rest_points]
    assert len(found) == len(expected)
    for x in expected:
        assert any(np.allclose(x, y, atol=1e-10) for y in found)
    assert not a.continua


def test_rock_paper_scissors_lizard_spock_centre_is_non_hyperbolic():
    rpsls = [[0, -1, 1, 1, -1], [1, 0, -1, -1, 1], [-1, 1, 0, 1, -1], [-1, 1, -1, 0, 1], [1, -1, 1, -1, 0]]
    with within(30, "rock-paper-scissors-lizard-Spock"):
        a = analyze(symmetric(rpsls))
    centre = [p for p in a.rest_points if p.is_interior]
    assert len(centre) == 1 and np.allclose(centre[0].shares[0], 0.2)
    # zero-sum: the linearisation at the centre is a rotation (purely imaginary eigenvalues)
    assert centre[0].classification == st.NON_HYPERBOLIC
    assert np.all(np.abs(centre[0].eigenvalues.real) < 1e-25)
    assert np.all(np.abs(centre[0].eigenvalues.imag) > 0.1)


def test_four_population_ring_game():
    # population p coordinates with population p+1 (mod 4); payoffs a_p for (a, a), b_p for (b, b)
    a_pay, b_pay = [1, 2, 3, 4], [2, 1, 1, 3]
    tensor = {}
    for prof in itertools.product("ab", repeat=4):
        tensor[prof] = [a_pay[p] if prof[p] == prof[(p + 1) % 4] == "a"
                        else b_pay[p] if prof[p] == prof[(p + 1) % 4] == "b" else 0 for p in range(4)]
    with within(30, "four-population ring game"):
        a = analyze(multipopulation(tensor))
    assert sum(p.is_pure for p in a.rest_points) == 16
    for p in a.rest_points:
        assert np.max(np.abs(field_from_tensor(tensor, np.array([s[0] for s in p.shares])))) < 1e-12
        if p.is_interior:   # Selten (1980): never asymptotically stable in a multi-population game
            assert p.classification != st.ASYMPTOTICALLY_STABLE
        if p.is_pure:       # at a corner the Jacobian is diagonal: deviation gains
            profile = tuple("ab"[S[0]] for S in p.support)
            gains = []
            for q in range(4):
                other = list(profile)
                other[q] = "b" if profile[q] == "a" else "a"
                gains.append(tensor[tuple(other)][q] - tensor[profile][q])
            expected = (st.ASYMPTOTICALLY_STABLE if max(gains) < 0 else st.UNSTABLE_SOURCE if min(gains) > 0
                        else st.NON_HYPERBOLIC if 0 in gains else st.SADDLE)
            assert p.classification == expected
    assert {p.label for p in a.stable} == {"(a, a, a, a)", "(b, b, b, b)"}


def test_too_many_faces_is_refused_quickly():
    text = "[game]\nname = 'big'\n"
    for p in range(12):
        text += f"[[populations]]\nname = 'p{p}'\nstrategies = ['a', 'b']\n"
    text += "[fitness]\n" + "".join(f"'p{p}.{s}' = '1'\n" for p in range(12) for s in "ab")
    game = parse_scenario(text)
    with within(5, "12 populations (531441 faces)"):
        with pytest.raises(AnalysisError, match="faces"):
            analyze(game)


# -- the budget of the exact solver ------------------------------------------------------

def test_exact_solve_over_budget_falls_back_to_numeric_and_says_so():
    tensor = random_tensor(3, 5)
    game = multipopulation(tensor)
    exact = analyze(game)
    with within(30, "3-population random game, tiny budget"):
        numeric = analyze(game, budget=1e-4)
    # the faces' roots are proved numerically; sympy's exact rewrite of them exceeds the budget, and says so
    fallbacks = [n for n in numeric.notes if "exact solve exceeded" in n and "numeric" in n]
    assert fallbacks, numeric.notes
    assert any(p.method == "numeric" for p in numeric.rest_points)
    for p in numeric.rest_points:   # every point is a rest point of the independently written field
        assert np.max(np.abs(field_from_tensor(tensor, np.array([s[0] for s in p.shares])))) <= 1e-10
    # the fallback finds the same rest points with the same classifications
    assert len(numeric.rest_points) == len(exact.rest_points)
    for p in exact.rest_points:
        q = [q for q in numeric.rest_points if q.support == p.support and np.allclose(q.state, p.state, atol=1e-8)]
        assert len(q) == 1 and q[0].classification == p.classification


def test_hard_four_population_game_within_a_small_budget():
    # a random 4-population game whose interior face needs a long Groebner solve and an algebraic
    # point: the numeric face solver proves its roots (Krawczyk) without sympy, so the budget never bites
    tensor = random_tensor(4, 2)
    with within(30, "random 4-population game, budget 1 s"):
        a = analyze(multipopulation(tensor), budget=1.0)
    assert not any("numeric fallback used" in n for n in a.notes)
    assert len(a.rest_points) >= 16
    for p in a.rest_points:
        assert np.max(np.abs(field_from_tensor(tensor, np.array([s[0] for s in p.shares])))) <= 1e-10
        if p.is_interior:
            assert p.classification != st.ASYMPTOTICALLY_STABLE


def test_symbolic_mode_with_a_tiny_budget_is_honest():
    game = load("vertical").game
    full = analyze(game)
    with within(60, "vertical game, symbolic mode, tiny budget"):
        a = analyze(game, symbolic=True, budget=1e-3)
    # the rest points and their classes do not depend on the budget
    assert [(p.label, p.classification) for p in a.rest_points] == [(p.label, p.classification)
                                                                     for p in full.rest_points]
    # whatever the symbolic solver skipped is said in the notes, point by point
    missing = [p for p in a.rest_points if p.symbolic is None]
    assert missing
    for p in missing:
        assert any(n.startswith("symbolic") and face_label(game, p.support) in n for n in a.notes)


def test_nested_time_limits_keep_the_outer_budget():
    start = time.perf_counter()
    with pytest.raises(Timeout):
        with time_limit(0.3):
            with time_limit(10):      # an inner limit must not cancel the outer one
                pass
            while time.perf_counter() - start < 5:
                pass
    # (pytest.raises proves the outer limit fired: without it the loop would end at 5 s with no Timeout)
    start = time.perf_counter()
    with pytest.raises(Timeout):
        with time_limit(0.2):
            try:
                with time_limit(10):  # the inner block gets only what is left of the outer one
                    while time.perf_counter() - start < 5:
                        pass
            except Timeout:
                pass
            while time.perf_counter() - start < 5:
                pass


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")   # the swallow is the point
def test_a_timeout_swallowed_by_a_finaliser_is_raised_again():
    # Python ignores an exception raised inside __del__ (it is "unraisable"): a time limit whose alarm fires
    # there must fire again, or the block would run past its budget
    class Swallows:
        def __del__(self):
            deadline = time.perf_counter() + 0.4
            while time.perf_counter() < deadline:   # the alarm (0.1 s) fires in here and is swallowed
                pass

    start = time.perf_counter()
    with pytest.raises(Timeout):
        with time_limit(0.1):
            Swallows()                              # collected at once: __del__ runs inside the block
            while time.perf_counter() - start < 5:
                pass
