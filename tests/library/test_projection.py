"""The projection dynamics (Nagurney and Zhang 1997; Lahkar and Sandholm 2008; Sandholm 2010, ch. 5).

Oracles written here, independent of evogame: the projection onto the
tangent cone solved as a small quadratic programme by brute force over
active sets; expected payoffs summed over the payoff table; the Nash
equilibria of a game by support enumeration (linear systems); the Jacobian of
Rock-Paper-Scissors at its centre derived by hand.
"""
import itertools
import json

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from conftest import SCENARIOS, load
from helpers import games, invoke
from evogame.engine.analysis import analyze
from evogame.dynamics import derive
from evogame.dynamics.projection import tangent_cone_projection
from evogame.dynamics.simulation import simulate, vector_field_rows
from evogame.solvers.stability import ASYMPTOTICALLY_STABLE, NON_HYPERBOLIC, NOT_DIFFERENTIABLE, UNSTABLE_SOURCE


def qp_projection(x, f):
    """argmin ||v - f||^2 s.t. sum v = 0, v_j >= 0 where x_j = 0: every choice of the zero-shares held at 0."""
    zero = [j for j in range(len(x)) if x[j] == 0]
    best = None
    for k in range(len(zero) + 1):
        for held in itertools.combinations(zero, k):
            free = [i for i in range(len(x)) if i not in held]
            v = np.zeros(len(x))
            v[free] = f[free] - np.mean(f[free])         # least squares with sum v = 0 on the free coordinates
            if all(v[j] >= -1e-12 for j in zero) and (best is None or np.sum((v - f) ** 2) < np.sum((best - f) ** 2)):
                best = v
    return best


def table_of(game):
    """The payoff table as {profile: payoffs}, numbers (a symmetric game: u(i, j) = A[i][j])."""
    if game.payoff_table is not None:
        return {s: np.array([float(u) for u in v]) for s, v in game.payoff_table.items()}
    return None


def expected_payoffs(game, x):
    """Per population, the expected payoff of each strategy at shares ``x`` (one vector per population)."""
    if game.matrix is not None:
        return [np.array([[float(a) for a in row] for row in game.matrix]) @ x[0]]
    table = table_of(game)
    out = [np.zeros(p.n) for p in game.populations]
    for s, u in table.items():
        for k in range(len(game.populations)):
            out[k][s[k]] += u[k] * np.prod([x[m][s[m]] for m in range(len(x)) if m != k])
    return out


def reduced(x):
    return np.concatenate([v[:-1] for v in x])


@st.composite
def states(draw, game):
    """A state with some shares exactly zero (faces and vertices are where the projection bites)."""
    out = []
    for pop in game.populations:
        w = np.array([draw(st.sampled_from([0, 0, 1, 2, 3, 5])) for _ in range(pop.n)], float)
        if w.sum() == 0:
            w[draw(st.integers(0, pop.n - 1))] = 1
        out.append(w / w.sum())
    return out


@settings(deadline=None, max_examples=60)
@given(st.data())
def test_the_field_is_the_projection_onto_the_tangent_cone(data):
    game = data.draw(games())
    x = data.draw(states(game))
    f = expected_payoffs(game, x)
    expected = [qp_projection(xp, fp) for xp, fp in zip(x, f)]
    for xp, v in zip(x, expected):                       # the oracle's own guarantees
        assert abs(v.sum()) < 1e-9 and np.all(v[xp == 0] >= -1e-12)
    for xp, fp, v in zip(x, f, expected):
        np.testing.assert_allclose(tangent_cone_projection(xp, fp), v, atol=1e-9)
    dyn = derive(game, "projection")
    pvec = dyn.parameter_vector(game.values())
    z = reduced(x)
    want = reduced(expected)
    np.testing.assert_allclose(dyn.field(z, pvec), want, atol=1e-9)
    np.testing.assert_allclose(dyn.field_function_at(pvec)(*z), want, atol=1e-9)
    rhs, _ = vector_field_rows(game, dynamics="projection")
    np.testing.assert_allclose(rhs(z[:, None])[:, 0], want, atol=1e-9)
    big, _ = vector_field_rows(game, batch_size=1000, dynamics="projection")    # the parameters folded in
    np.testing.assert_allclose(big(np.repeat(z[:, None], 3, axis=1))[:, 1], want, atol=1e-9)


def test_a_batch_is_projected_state_by_state():
    rng = np.random.default_rng(3)
    x = rng.dirichlet(np.ones(4), size=200) * (rng.random((200, 4)) > 0.4)
    x[x.sum(axis=1) == 0, 0] = 1.0
    x /= x.sum(axis=1, keepdims=True)
    f = rng.normal(size=(200, 4))
    v = tangent_cone_projection(x, f)
    np.testing.assert_allclose(v, [qp_projection(a, b) for a, b in zip(x, f)], atol=1e-12)


def symmetric_nash(A):
    """Every symmetric Nash equilibrium of a nondegenerate symmetric game, by support enumeration."""
    n = len(A)
    out = []
    for k in range(1, n + 1):
        for S in itertools.combinations(range(n), k):
            xS, v = _indifference(A[np.ix_(S, S)])        # A_SS x_S = v 1, sum x_S = 1
            assume(xS is not None)
            x = np.zeros(n)
            x[list(S)] = xS
            if np.all(xS > 1e-9) and np.all(A @ x <= v + 1e-9):
                assume(np.all((A @ x)[[j for j in range(n) if j not in S]] < v - 1e-9))
                out.append([x])
    return out


def bimatrix_nash(A, B):
    """Every Nash equilibrium of a nondegenerate bimatrix game, by support enumeration (equal support sizes)."""
    m, n = A.shape
    out = []
    for k in range(1, min(m, n) + 1):
        for I in itertools.combinations(range(m), k):
            for J in itertools.combinations(range(n), k):
                # column player's mix y on J makes the rows in I indifferent; row mix x on I does the same for J
                y, u = _indifference(A[np.ix_(I, J)])
                x, w = _indifference(B[np.ix_(I, J)].T)
                if y is None or x is None:
                    assume(False)
                xs, ys = np.zeros(m), np.zeros(n)
                xs[list(I)], ys[list(J)] = x, y
                if np.all(x > 1e-9) and np.all(y > 1e-9) and np.all(A @ ys <= u + 1e-9) and np.all(xs @ B <= w + 1e-9):
                    out.append([xs, ys])
    return out


def _indifference(M):
    """``y`` with ``M y = u 1`` and ``sum y = 1``; None when singular."""
    k = M.shape[0]
    S = np.zeros((k + 1, k + 1))
    S[:k, :k] = M
    S[:k, k] = -1
    S[k, :k] = 1
    if abs(np.linalg.det(S)) < 1e-9:
        return None, None
    rhs = np.zeros(k + 1)
    rhs[k] = 1
    sol = np.linalg.solve(S, rhs)
    return sol[:k], sol[k]


def found_states(game):
    a = analyze(game, dynamics="projection")
    assume(not a.continua)
    return sorted([np.concatenate(p.shares) for p in a.rest_points], key=tuple)


@settings(deadline=None, max_examples=30)
@given(games(max_populations=2, entries=st.integers(-30, 30)))
def test_rest_points_are_the_nash_equilibria_found_by_support_enumeration(game):
    if game.matrix is not None:
        nash = symmetric_nash(np.array([[float(a) for a in row] for row in game.matrix]))
    else:
        table = table_of(game)
        m, n = (p.n for p in game.populations)
        A = np.array([[table[(i, j)][0] for j in range(n)] for i in range(m)])
        B = np.array([[table[(i, j)][1] for j in range(n)] for i in range(m)])
        nash = bimatrix_nash(A, B)
    expected = sorted([np.concatenate(x) for x in nash], key=tuple)
    found = found_states(game)
    assert len(found) == len(expected)
    np.testing.assert_allclose(found, expected, atol=1e-8)


def rps_jacobian(w, l):
    """By hand: f = A x has column sums w - l, so the mean payoff is (w - l)/3 on the simplex and, with
    x3 = 1 - x1 - x2, dx1/dt = -l x2 + w x3 - c, dx2/dt = w x1 - l x3 - c."""
    return np.array([[-w, -(w + l)], [w + l, l]], float)


def test_the_centre_of_rps_is_classified_by_the_hand_derived_jacobian():
    for (w, l), cls in (((1, 1), NON_HYPERBOLIC), ((2, 1), ASYMPTOTICALLY_STABLE), ((1, 2), UNSTABLE_SOURCE)):
        (centre,) = analyze(load("rps"), {"w": w, "l": l}, dynamics="projection").rest_points
        assert centre.is_interior and centre.classification == cls
        np.testing.assert_allclose(centre.jacobian, rps_jacobian(w, l), atol=1e-12)
        # trace l - w, determinant w^2 + wl + l^2: lambda = ((l - w) +- sqrt((l - w)^2 - 4 det)) / 2
        disc = np.sqrt(complex((l - w) ** 2 - 4 * (w * w + w * l + l * l)))
        hand = [((l - w) - disc) / 2, ((l - w) + disc) / 2]
        np.testing.assert_allclose(sorted(centre.eigenvalues, key=_rounded), sorted(hand, key=_rounded), atol=1e-12)


def _rounded(z):
    return round(z.real, 9), round(z.imag, 9)


def distance_to_centre(z):
    x = np.concatenate([z, 1 - z.sum(axis=-1, keepdims=True)], axis=-1)
    return np.linalg.norm(x - 1 / 3, axis=-1)


STARTS = np.array([[0.8, 0.1], [0.1, 0.1], [0.3, 0.6], [0.45, 0.3]])


def test_good_rps_paths_converge_to_the_centre_with_decreasing_distance():
    # w > l: a strictly stable game; the Euclidean distance to the equilibrium is a strict Lyapunov function
    sim = simulate(load("rps"), STARTS, 30.0, params={"w": 2, "l": 1}, n_points=61, dynamics="projection")
    d = distance_to_centre(sim.paths)
    assert np.all(d[:, -1] < 1e-6)
    assert np.all(np.diff(d, axis=1) <= 1e-9)


def test_zero_sum_rps_the_projection_keeps_the_distance_inside_and_hits_the_inscribed_circle():
    # w = l: null stable; inside, dx/dt = A x with A skew, so |x - x*| is conserved: closed orbits (circles);
    # a path that reaches the boundary loses distance there until its circle fits: radius 1/sqrt(6)
    sim = simulate(load("rps"), STARTS, 200.0, n_points=401, dynamics="projection")
    d = distance_to_centre(sim.paths)
    inside = d[:, 0] < 1 / np.sqrt(6)
    assert inside.any() and (~inside).any()
    np.testing.assert_allclose(d[inside], np.repeat(d[inside, :1], d.shape[1], axis=1), atol=1e-6)
    np.testing.assert_allclose(d[~inside, -1], 1 / np.sqrt(6), atol=1e-6)
    assert np.all(np.diff(d, axis=1) <= 1e-9)
    assert np.all(np.ptp(sim.paths[:, -100:, 0], axis=1) > 0.1)          # still turning: a cycle, no convergence
    replicator = simulate(load("rps"), STARTS, 200.0, n_points=3)         # the replicator cycles too (x1 x2 x3 kept)
    assert np.min(np.max(np.abs(replicator.final - 1 / 3), axis=1)) > 0.05


def test_a_path_from_a_vertex_leaves_it_for_the_better_reply():
    # at rock, paper earns 1 > 0: the projection moves toward paper (-1/2, 1/2, 0); the replicator stays put
    sim = simulate(load("rps"), [[1.0, 0.0]], 0.1, n_points=2, dynamics="projection")
    np.testing.assert_allclose(sim.final[0], [1 - 0.05, 0.05], atol=1e-9)
    assert np.array_equal(simulate(load("rps"), [[1.0, 0.0]], 0.1, n_points=2).final, [[1.0, 0.0]])


def test_a_boundary_rest_point_is_not_differentiable_with_the_evidence_of_nearby_paths():
    (point,) = analyze(load("vertical"), dynamics="projection").rest_points     # (loose, passive), strict
    assert point.label == "(loose, passive)" and point.classification == NOT_DIFFERENTIABLE
    assert len(point.eigenvalues) == 0 and np.all(np.isnan(point.jacobian))
    assert "paths started 0.001 away" in point.classified_by


def test_analyze_and_simulate_commands():
    out = invoke(["analyze", SCENARIOS / "rps.toml", "--dynamics", "projection", "--json", "--no-cache"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    (centre,) = doc["rest_points"]
    assert doc["dynamics"] == "projection" and centre["classification"] == NON_HYPERBOLIC
    assert len(doc["equations"]) == 2
    out = invoke(["simulate", SCENARIOS / "rps.toml", "--dynamics", "projection", "-i", "1,0", "--t-end", "0.1",
                  "--points", "2", "--json"])
    assert out.exit_code == 0, out.output
    np.testing.assert_allclose(json.loads(out.stdout)["paths"][0][-1], [0.95, 0.05], atol=1e-9)
