"""Properties that hold for every game (hypothesis over random payoff tables
with one to three populations)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from helpers import games
from evogame.engine.analysis import analyze
from evogame.dynamics import derive
from evogame.game import Game
from evogame.dynamics.simulation import simulate
from evogame.solvers.stability import ASYMPTOTICALLY_STABLE


common = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


@common
@given(games())
def test_vector_field_vanishes_at_every_rest_point(game):
    a = analyze(game)
    dyn = derive(game)
    p = dyn.parameter_vector(a.values)
    for r in a.rest_points:
        assert np.max(np.abs(dyn.field(r.state, p)), initial=0) <= 1e-10
        for vec in r.shares:
            assert min(vec) >= -1e-12 and abs(sum(vec) - 1) < 1e-12
    for c in a.continua:
        assert np.max(np.abs(dyn.field(c.sample, p)), initial=0) <= 1e-10


@common
@given(games())
def test_every_vertex_is_a_rest_point(game):
    a = analyze(game)
    n_vertices = int(np.prod([p.n for p in game.populations]))
    assert sum(r.is_pure for r in a.rest_points) == n_vertices


@common
@given(games())
def test_selten_no_interior_rest_point_is_asymptotically_stable_in_multipopulation_games(game):
    """Selten (1980), for payoffs multilinear in the other populations' states (matrix games)."""
    assume(len(game.populations) >= 2)
    assert derive(game).payoffs_multilinear()      # the theorem's condition: these games meet it
    a = analyze(game)
    for r in a.rest_points:
        if r.is_interior:
            assert r.classification != ASYMPTOTICALLY_STABLE


@pytest.mark.slow
@common
@given(games(), st.integers(0, 2**31 - 1))
def test_stable_points_attract_nearby_starts(game, seed):
    a = analyze(game)
    assume(a.stable)
    rng = np.random.default_rng(seed)
    for r in a.stable:
        rate = -max(r.eigenvalues.real)
        assume(rate > 1e-2)
        # a nearby start inside the product of simplices
        starts = []
        for pop, vec in zip(game.populations, r.shares):
            noise = rng.dirichlet(np.ones(pop.n))
            starts.append(0.99 * np.asarray(vec) + 0.01 * noise)
        z0 = np.concatenate([s[:-1] for s in starts])
        t_end = min(40.0 / rate, 4000.0)
        sim = simulate(game, z0, t_end, n_points=3)
        d0 = np.max(np.abs(z0 - r.state))
        d1 = np.max(np.abs(sim.final[0] - r.state))
        assert d1 < 0.1 * d0


@common
@given(games(), st.integers(0, 2**31 - 1))
def test_paths_stay_on_the_simplex(game, seed):
    rng = np.random.default_rng(seed)
    starts = []
    for _ in range(5):
        starts.append(np.concatenate([rng.dirichlet(np.ones(p.n))[:-1] for p in game.populations]))
    sim = simulate(game, np.array(starts), 50.0, n_points=11)
    assert np.all(np.isfinite(sim.paths))
    for sl in game.slices():
        block = sim.paths[..., sl]
        assert block.min() >= 0 and block.sum(axis=-1).max() <= 1 + 1e-12


@common
@given(games(max_populations=1))
def test_symmetric_game_equals_table_with_itself(game):
    """A one-population game's rest points do not depend on how fitness was built: the matrix form and
    the same expected payoffs given directly as ``[fitness]`` have the same rest points and classes, and at
    each of them the strategies in use earn the same payoff."""
    a = analyze(game)
    A = np.array([[float(v) for v in row] for row in game.matrix])
    direct = Game(game.populations, game.fitness)          # expected payoffs, no matrix kept
    assert direct.matrix is None
    b = analyze(direct)
    assert [(r.support, r.classification) for r in a.rest_points] == \
        [(r.support, r.classification) for r in b.rest_points]
    for r, s in zip(a.rest_points, b.rest_points):
        assert np.allclose(r.state, s.state, atol=1e-12)
        x = np.array(r.shares[0])
        f = A @ x
        used = [i for i in range(len(x)) if x[i] > 1e-12]
        assert np.ptp(f[used]) < 1e-9
