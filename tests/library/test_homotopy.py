"""Rest points of the perturbed dynamics by homotopy from the replicator's (issue 21, part 3).

The mutator and the logit dynamics found their rest points by multistart Newton alone and missed
attractors.  The oracle here is independent of evogame: the fields written out with numpy (payoff
matrices and tensors, the replicator-mutator and the logit choice), solved by scipy's ``root`` from a
dense grid of starts on the state space; every rest point it finds must be in ``analyze``'s list.
"""
import itertools

import numpy as np
import pytest
from scipy.optimize import root

from evogame.engine.analysis import analyze
from evogame.game import Game, Population
from evogame.dynamics.simulation import simulate
from evogame.solvers.stability import ASYMPTOTICALLY_STABLE

#: the issue's game: under mutation its strict equilibrium s4 (x4 ~ 0.93) was missed
A4 = [[9, 2, 5, 11], [13, 9, 10, 6], [14, 15, 4, 8], [4, 8, 8, 12]]


def symmetric(A):
    return Game.symmetric(Population("p", tuple(f"s{i + 1}" for i in range(len(A)))), A)


def multipopulation(tensors):
    """A game of ``len(tensors)`` populations; ``tensors[p][s]`` is population p's payoff at profile s."""
    shape = tensors[0].shape
    pops = [Population(f"p{k}", tuple(f"a{i}" for i in range(n))) for k, n in enumerate(shape)]
    table = {s: tuple(int(U[s]) for U in tensors) for s in itertools.product(*[range(n) for n in shape])}
    return Game.from_payoff_table(pops, table)


# -- the independent oracle: the fields in numpy -------------------------------------------------
def full_shares(z, sizes):
    out, k = [], 0
    for n in sizes:
        head = z[k:k + n - 1]
        out.append(np.append(head, 1.0 - head.sum()))
        k += n - 1
    return out


def payoffs(xs, game_data):
    """Per population, the expected payoff of each strategy."""
    kind, data = game_data
    if kind == "symmetric":
        return [np.asarray(data, float) @ xs[0]]
    out = []
    for p, U in enumerate(data):
        f = np.asarray(U, float)
        for q in reversed(range(len(xs))):        # contract every other population's shares
            if q != p:
                f = np.tensordot(f, xs[q], axes=([q], [0]))
        out.append(f)
    return out


def oracle_field(z, game_data, sizes, dynamics, value):
    xs = full_shares(np.asarray(z, float), sizes)
    out = []
    for x, f in zip(xs, payoffs(xs, game_data)):
        n = len(x)
        if dynamics == "mutator":
            Q = np.full((n, n), value / (n - 1))
            np.fill_diagonal(Q, 1.0 - value)
            dx = Q.T @ (x * f) - x * (x @ f)
        else:
            e = np.exp((f - f.max()) / value)
            dx = e / e.sum() - x
        out.extend(dx[:-1])
    return np.array(out)


def simplex_grid(n, steps):
    return [np.array(c[:-1]) / steps for c in itertools.product(range(steps + 1), repeat=n) if sum(c) == steps]


def oracle_rest_points(game_data, sizes, dynamics, value, steps):
    grids = [simplex_grid(n, steps) for n in sizes]
    found = []
    for parts in itertools.product(*grids):
        start = np.concatenate(parts)
        sol = root(oracle_field, start, args=(game_data, sizes, dynamics, value), tol=1e-14)
        z = sol.x
        if not np.all(np.isfinite(z)) or np.max(np.abs(oracle_field(z, game_data, sizes, dynamics, value))) > 1e-11:
            continue
        if min(x.min() for x in full_shares(z, sizes)) < -1e-9:
            continue
        if all(np.max(np.abs(z - y)) > 1e-6 for y in found):
            found.append(z)
    return found


def missing(game, game_data, sizes, dynamics, value, steps):
    """The oracle's rest points that analyze does not list (max-norm distance > 1e-6)."""
    spec = f"mutator:mu={value}" if dynamics == "mutator" else f"logit:eta={value}"
    listed = [p.state for p in analyze(game, dynamics=spec).rest_points]
    return [z for z in oracle_rest_points(game_data, sizes, dynamics, value, steps)
            if all(np.max(np.abs(z - y)) > 1e-6 for y in listed)]


def random_case(seed):
    """A small random game: symmetric with 2-4 strategies, 2x2, or 2x2x2 (positive integer payoffs)."""
    rng = np.random.default_rng(seed)
    kind = ["symmetric2", "symmetric3", "symmetric4", "bimatrix", "three"][seed % 5]
    if kind.startswith("symmetric"):
        n = int(kind[-1])
        A = rng.integers(1, 16, size=(n, n))
        return symmetric(A.tolist()), ("symmetric", A), [n]
    shape = (2, 2) if kind == "bimatrix" else (2, 2, 2)
    tensors = [rng.integers(1, 16, size=shape) for _ in shape]
    return multipopulation(tensors), ("multi", tensors), list(shape)


def random_value(seed, dynamics):
    rng = np.random.default_rng(1000 + seed)
    return float(rng.choice([0.001, 0.01, 0.05] if dynamics == "mutator" else [0.2, 0.7, 2.0]))


# -- the example ---------------------------------------------------------------------------
@pytest.mark.parametrize("mu", [0.01, 0.001])
def test_mutation_keeps_the_strict_equilibrium_s4_as_an_attractor(mu):
    game = symmetric(A4)
    # the oracle: scipy's root on the numpy field from the corner s4, and the Jacobian by differences
    data, sizes = ("symmetric", np.array(A4)), [4]
    z = root(oracle_field, np.zeros(3), args=(data, sizes, "mutator", mu), tol=1e-14).x
    assert np.max(np.abs(oracle_field(z, data, sizes, "mutator", mu))) < 1e-12 and z.min() > 0
    h = 1e-7
    J = np.column_stack([(oracle_field(z + h * e, data, sizes, "mutator", mu)
                          - oracle_field(z - h * e, data, sizes, "mutator", mu)) / (2 * h) for e in np.eye(3)])
    analysis = analyze(game, dynamics=f"mutator:mu={mu}")
    (point,) = [p for p in analysis.rest_points if np.max(np.abs(p.state - z)) < 1e-8]
    np.testing.assert_allclose(np.sort(point.eigenvalues.real), np.sort(np.linalg.eigvals(J).real), atol=1e-5)
    assert point.classification == ASYMPTOTICALLY_STABLE and "homotopy" in point.method
    assert len(analysis.rest_points) == 5
    if mu == 0.01:      # the numbers
        np.testing.assert_allclose(point.state, [0.047158, 0.0074447, 0.011707], atol=2e-6)
        np.testing.assert_allclose(np.sort(point.eigenvalues.real), [-5.064, -3.237, -0.539], atol=2e-3)
        # and evogame's own simulation converges to it from near the corner
        sim = simulate(game, [[0.02, 0.02, 0.02]], 400.0, dynamics=f"mutator:mu={mu}", n_points=11)
        np.testing.assert_allclose(sim.paths[0, -1], point.state, atol=1e-6)


def test_every_point_says_where_it_came_from():
    analysis = analyze(symmetric(A4), dynamics="logit:eta=0.5")
    assert all(p.method.startswith("numeric (homotopy from E") or p.method == "numeric (multistart)"
               for p in analysis.rest_points)
    assert any("by homotopy" in n for n in analysis.notes)
    doc = analysis.to_dict()
    assert all("homotopy" in p["method"] or "multistart" in p["method"] for p in doc["rest_points"])


# -- random games against the independent oracle -------------------------------------------------
def _check(seed, dynamics):
    game, data, sizes = random_case(seed)
    value = random_value(seed, dynamics)
    steps = {2: 40, 3: 14, 4: 8}[max(sizes)] if len(sizes) == 1 else (20 if len(sizes) == 2 else 8)
    lost = missing(game, data, sizes, dynamics, value, steps)
    assert not lost, f"seed {seed}, {dynamics} {value}: not listed {lost}"


@pytest.mark.parametrize("dynamics", ["mutator", "logit"])
@pytest.mark.parametrize("seed", range(5))     # one of each kind; the rest is slow
def test_random_games_every_oracle_rest_point_is_listed(seed, dynamics):
    _check(seed, dynamics)


@pytest.mark.slow
@pytest.mark.parametrize("dynamics", ["mutator", "logit"])
@pytest.mark.parametrize("seed", range(5, 100))
def test_random_games_every_oracle_rest_point_is_listed_100(seed, dynamics):
    _check(seed, dynamics)


@pytest.mark.parametrize("eta", [0.1, 0.2, 0.3, 0.5, 1.0])
def test_logit_coordination_every_equilibrium_by_homotopy_through_the_fold(eta):
    # f_a = 2 x, f_b = 1 - x: the logit equilibria solve x = 1 / (1 + exp((1 - 3x) / eta)), counted here by
    # the sign changes of that equation on a fine grid.  Below the fold three (from the two strict and the
    # mixed Nash equilibrium), above it one: the branch from b turns back at the fold to the mixed one's start
    from evogame.solvers.homotopy import homotopy_rest_points
    from evogame.dynamics import derive

    grid = np.linspace(1e-12, 1 - 1e-12, 200001)     # the equilibria next to a corner are 2e-9 away at eta 0.1
    g = grid - 1 / (1 + np.exp((1 - 3 * grid) / eta))
    count = int(np.sum(np.sign(g[1:]) != np.sign(g[:-1])))
    dyn = derive(symmetric([[2, 0], [0, 1]]), f"logit:eta={eta}")
    result = homotopy_rest_points(dyn, [list(fp) for fp in dyn.fitness])
    assert len(result.candidates) == count and result.starts == 3
    for c in result.candidates:
        x = c.state[0]
        assert abs(x - 1 / (1 + np.exp((1 - 3 * x) / eta))) < 1e-10
