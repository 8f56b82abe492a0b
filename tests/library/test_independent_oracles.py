"""An independent oracle: every 2x2 bimatrix game solved by hand.

With payoff matrices A (row population, share x of its first strategy) and B
(column population, share y), the replicator dynamics are

    x' = x (1 - x) D1(y),  D1(y) = (A11 - A21) y + (A12 - A22)(1 - y)
    y' = y (1 - y) D2(x),  D2(x) = (B11 - B12) x + (B21 - B22)(1 - x)

so the rest points are the four corners, edge points only where D1 or D2
vanishes identically (a continuum), and the interior point (x*, y*) with
D2(x*) = 0 = D1(y*).  At a corner the Jacobian is diagonal with entries
(1 - 2x) D1(y) and (1 - 2y) D2(x); at the interior point its trace is 0 and
its determinant -x*(1-x*) y*(1-y*) D1'(y*) D2'(x*).  None of this uses
evogame's solver.
"""
import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evogame.engine.analysis import analyze
from evogame.game import Game, Population
from evogame.solvers.stability import (ASYMPTOTICALLY_STABLE, NON_HYPERBOLIC, SADDLE, UNSTABLE_NON_HYPERBOLIC,
                               UNSTABLE_SOURCE)

entries = st.integers(-6, 6)


def expected_class(eigs):
    if any(e == 0 for e in eigs):   # unstable if another eigenvalue grows (Lyapunov), else undecided
        return UNSTABLE_NON_HYPERBOLIC if any(e > 0 for e in eigs) else NON_HYPERBOLIC
    if all(e < 0 for e in eigs):
        return ASYMPTOTICALLY_STABLE
    if all(e > 0 for e in eigs):
        return UNSTABLE_SOURCE
    return SADDLE


@settings(deadline=None, max_examples=60)
@given(st.lists(entries, min_size=8, max_size=8))
def test_two_by_two_bimatrix_games_match_the_hand_solution(v):
    A = [[v[0], v[1]], [v[2], v[3]]]
    B = [[v[4], v[5]], [v[6], v[7]]]
    pops = [Population("row", ("r1", "r2")), Population("col", ("c1", "c2"))]
    table = {(i, j): (A[i][j], B[i][j]) for i, j in itertools.product(range(2), range(2))}
    result = analyze(Game.from_payoff_table(pops, table))

    def D1(y):
        return (A[0][0] - A[1][0]) * y + (A[0][1] - A[1][1]) * (1 - y)

    def D2(x):
        return (B[0][0] - B[0][1]) * x + (B[1][0] - B[1][1]) * (1 - x)

    # corners: diagonal Jacobian
    for x, y in itertools.product((1, 0), (1, 0)):
        point = result.find("r1" if x else "r2", "c1" if y else "c2")
        assert point is not None
        eigs = sorted([(1 - 2 * x) * D1(y), (1 - 2 * y) * D2(x)])
        assert np.allclose(sorted(point.eigenvalues.real), eigs)
        assert point.classification == expected_class(eigs)

    # continua: an edge where a payoff difference vanishes identically
    d1_zero = D1(0) == 0 and D1(1) == 0
    d2_zero = D2(0) == 0 and D2(1) == 0
    if d1_zero or d2_zero:
        assert result.continua, "an identically vanishing payoff difference is a continuum"
        return

    # the interior point, from the two linear equations
    sy, sx = D1(1) - D1(0), D2(1) - D2(0)
    interior = [p for p in result.rest_points if p.is_interior]
    edge_points = [p for p in result.rest_points if not p.is_pure and not p.is_interior]
    assert edge_points == []
    if sx == 0 or sy == 0:
        assert interior == [] or result.continua
        return
    xs, ys = Fraction(-D2(0), sx), Fraction(-D1(0), sy)
    if 0 < xs < 1 and 0 < ys < 1:
        assert len(interior) == 1
        p = interior[0]
        assert np.allclose(p.state, [float(xs), float(ys)], atol=1e-12)
        det = -xs * (1 - xs) * ys * (1 - ys) * sy * sx
        assert abs(sum(p.eigenvalues).real) < 1e-12        # trace 0 (Selten)
        assert np.isclose(np.prod(p.eigenvalues).real, float(det))
        assert p.classification == (SADDLE if det < 0 else NON_HYPERBOLIC)
    else:
        assert interior == []


@pytest.mark.slow
@settings(deadline=None, max_examples=30)
@given(st.lists(entries, min_size=16, max_size=16))
def test_symmetric_games_rest_points_match_linear_algebra_per_support(v):
    """One population, 4 strategies: on support S the rest point solves the
    linear system A_SS x_S = c 1, sum x_S = 1 (numpy, independent of sympy);
    it counts when every x_i > 0.  Singular systems are left out (continua)."""
    n = 4
    A = np.array(v, dtype=float).reshape(n, n)
    game = Game.symmetric(Population("p", tuple(f"s{i}" for i in range(n))), A.astype(int).tolist())
    result = analyze(game)
    expected = []
    singular = False
    for k in range(1, n + 1):
        for S in itertools.combinations(range(n), k):
            M = np.zeros((k + 1, k + 1))
            M[:k, :k] = A[np.ix_(S, S)]
            M[:k, k] = -1.0
            M[k, :k] = 1.0
            rhs = np.zeros(k + 1)
            rhs[k] = 1.0
            if abs(np.linalg.det(M)) < 1e-9:
                singular = True
                continue
            sol = np.linalg.solve(M, rhs)[:k]
            if np.all(sol > 1e-9):
                x = np.zeros(n)
                x[list(S)] = sol
                expected.append(x)
    if singular:
        return  # degenerate supports: continua or points the linear oracle cannot see
    found = sorted(tuple(np.round(p.shares[0], 9)) for p in result.rest_points)
    assert found == sorted(tuple(np.round(x, 9)) for x in expected)
    assert result.continua == []


def test_a_defective_jacobian_that_mpmaths_qr_cannot_do_is_classified_from_its_characteristic_polynomial():
    # found by the property test above: at (s0 0.7, s2 0.3) the Jacobian has the double eigenvalue -4.1
    # (defective), where mpmath's Hessenberg QR does not converge; the rest points still match linear algebra
    A = np.array([1, 2, 1, 4, -4, 0, -1, 0, 4, 0, -6, 4, -4, 0, -1, 0]).reshape(4, 4)
    game = Game.symmetric(Population("p", tuple(f"s{i}" for i in range(4))), A.tolist())
    mixed = next(p for p in analyze(game).rest_points if p.support == ((0, 2),))
    assert np.allclose(mixed.shares[0], [0.7, 0, 0.3, 0])
    assert sorted(mixed.eigenvalues.real) == pytest.approx([-4.1, -4.1, -2.1])
    assert np.all(mixed.eigenvalues.imag == 0) and mixed.classification == "asymptotically stable"
