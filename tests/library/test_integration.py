"""Batched integration of the replicator dynamics (issue 5 item 1, issue 6 item 4).

The batch integrator is checked against an independent computation (scipy's
``solve_ivp`` started once per initial state), and against invariants of the
replicator dynamics: faces of the product of simplices are invariant, the
simplex is never left, and zero-sum Rock-Paper-Scissors conserves
``x_1 x_2 x_3``.
"""
import itertools
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from conftest import load
from evogame.dynamics import derive
from evogame.errors import AnalysisError
from evogame.game import Game, Population
from evogame.dynamics.integrator import dopri5_batch
from evogame.dynamics.simulation import simulate


@st.composite
def games(draw):
    """Random payoff tables, 1-3 populations with 2-3 strategies (small reals)."""
    k = draw(st.integers(1, 3))
    payoff = st.floats(-3, 3, allow_nan=False).map(lambda v: round(v, 2))
    if k == 1:
        n = draw(st.integers(2, 3))
        pop = Population("p", tuple(f"s{i}" for i in range(n)))
        return Game.symmetric(pop, [[draw(payoff) for _ in range(n)] for _ in range(n)])
    sizes = [draw(st.integers(2, 3 if k == 2 else 2)) for _ in range(k)]
    pops = [Population(f"p{j}", tuple(f"s{i}" for i in range(n))) for j, n in enumerate(sizes)]
    table = {idx: tuple(draw(payoff) for _ in range(k))
             for idx in itertools.product(*[range(n) for n in sizes])}
    return Game.from_payoff_table(pops, table)


def random_starts(game, rng, count):
    """Interior starts drawn uniformly from the product of simplices."""
    blocks = [rng.dirichlet(np.ones(p.n), size=count)[:, :-1] for p in game.populations]
    return np.concatenate(blocks, axis=1)


def reference_endpoints(game, starts, t_end):
    """solve_ivp(RK45, rtol=1e-8, atol=1e-10), one call per start."""
    dyn = derive(game)
    p = dyn.parameter_vector(game.values())
    out = []
    for z in starts:
        sol = solve_ivp(lambda t, y: dyn.field(y, p), (0.0, t_end), z, method="RK45", rtol=1e-8, atol=1e-10)
        assert sol.success
        out.append(sol.y[:, -1])
    return np.array(out)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(games(), st.integers(0, 2**31 - 1))
def test_batched_endpoints_agree_with_solve_ivp_started_once_per_state(game, seed):
    rng = np.random.default_rng(seed)
    starts = random_starts(game, rng, 6)
    t_end = 8.0
    sim = simulate(game, starts, t_end, n_points=5)
    ref = reference_endpoints(game, starts, t_end)
    np.testing.assert_allclose(sim.final, ref, atol=1e-6, rtol=0)


def test_saved_times_agree_with_solve_ivp_dense_output():
    game = load("vertical").game
    starts = random_starts(game, np.random.default_rng(3), 20)
    sim = simulate(game, starts, 20.0, n_points=41)
    dyn = derive(game)
    p = dyn.parameter_vector(game.values())
    for z, path in zip(starts, sim.paths):
        sol = solve_ivp(lambda t, y: dyn.field(y, p), (0, 20.0), z, method="RK45", rtol=1e-8, atol=1e-10,
                        t_eval=sim.times)
        np.testing.assert_allclose(path, sol.y.T, atol=1e-6, rtol=0)


def test_each_start_has_its_own_step_size():
    # A fast start and a slow one: per-start control gives them different step counts,
    # and the slow start's result does not depend on the fast one being in the batch.
    game = load("hawk_dove").game
    alone = simulate(game, [[0.3]], 10.0, n_points=3)
    fast = simulate(game, [[0.3]], 10.0, n_points=3, params={"V": 200, "C": 400})
    both_game = game.with_values(V=2, C=4)
    both = simulate(both_game, [[0.3], [0.999999]], 10.0, n_points=3)
    assert both.stats["steps"][0] != both.stats["steps"][1]
    assert both.stats["steps"][0] == alone.stats["steps"][0]
    np.testing.assert_allclose(both.paths[0], alone.paths[0], rtol=0, atol=1e-14)
    assert fast.final[0, 0] == pytest.approx(0.5, abs=1e-9)


def test_vertex_and_face_starts_stay_exactly_there():
    game = load("rps").game                  # three strategies: faces are edges and vertices
    starts = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0],     # vertices
                       [0.3, 0.0], [0.0, 0.6], [0.25, 0.75]])   # the three edges
    sim = simulate(game, starts, 50.0, n_points=26)
    shares = sim.shares(0)                   # (B, T, 3)
    for b in range(3):
        assert np.all(sim.paths[b] == starts[b])
    assert np.all(shares[3, :, 1] == 0.0)     # paper absent stays absent
    assert np.all(shares[4, :, 0] == 0.0)     # rock absent stays absent
    assert np.all(np.abs(shares[5, :, 2]) <= 1e-15)   # scissors absent: shares sum to 1
    for b in (3, 4, 5):                     # and they do move along their edge
        assert np.ptp(shares[b, :, :], axis=0).max() > 0.1


def test_vertex_starts_of_a_two_population_game_stay_exactly_there():
    game = load("vertical").game
    corners = np.array(list(itertools.product([0.0, 1.0], repeat=2)))
    edges = np.array([[0.0, 0.4], [1.0, 0.4], [0.4, 0.0], [0.4, 1.0]])
    sim = simulate(game, np.vstack([corners, edges]), 30.0, n_points=11)
    assert np.all(sim.paths[:4] == corners[:, None, :])
    assert np.all(sim.paths[4:6, :, 0] == edges[:2, None, 0])
    assert np.all(sim.paths[6:, :, 1] == edges[2:, None, 1])


def test_long_horizon_stays_on_the_simplex_and_conserves_the_rps_invariant():
    # Zero-sum RPS: H = x1 x2 x3 is a constant of motion (closed orbits round the centre).
    game = load("rps").game
    starts = np.array([[0.2, 0.3], [0.45, 0.35], [1 / 3, 1 / 3]])
    sim = simulate(game, starts, 1e4, n_points=51, rtol=1e-6, atol=1e-9)   # ~20,000 steps per start
    shares = sim.shares(0)
    assert np.all(np.isfinite(shares))
    drift = max(np.abs(shares.sum(axis=-1) - 1).max(), -shares.min())
    assert drift <= 1e-9
    H = shares.prod(axis=-1)
    # a non-symplectic method drifts ~ t * rtol in relative terms: 1e4 * 1e-6 = 1e-2
    assert np.max(np.abs(H / H[:, :1] - 1)) < 1e-2
    # from the centre, round-off (|f| ~ 3e-17) is all that moves the state; an explicit method
    # at its stability limit lets that grow to tolerance level (scipy's RK45: 2.3e-4 here)
    assert np.abs(sim.paths[2] - 1 / 3).max() < 1e-3


def test_long_horizon_many_games_finite_and_on_the_simplex():
    rng = np.random.default_rng(7)
    for name in ["vertical", "coordination", "zeeman_rps_stable", "prisoners_dilemma"]:
        game = load(name).game
        starts = random_starts(game, rng, 8)
        sim = simulate(game, starts, 1e4, n_points=11)
        assert np.all(np.isfinite(sim.paths))
        for p in range(len(game.populations)):
            s = sim.shares(p)
            assert s.min() >= 0.0 and np.abs(s.sum(axis=-1) - 1).max() <= 1e-9, name


def test_stiff_payoffs_switch_to_an_implicit_method_and_stay_accurate():
    # Hawk-dove with payoffs of order 1e6: the interior ESS x* = V/C has eigenvalue
    # -V(C - V)/(2C) ~ -5e5, far beyond an explicit method's stability region at t = 100.
    game = load("hawk_dove").game
    sim = simulate(game, [[0.1], [0.3], [0.97]], 100.0, params={"V": 2e6, "C": 4e6}, n_points=11)
    assert "implicit" in sim.message and "stiff" in sim.message
    assert sim.stats["implicit"].all()
    np.testing.assert_allclose(sim.final[:, 0], 0.5, atol=1e-9)
    # the early transient still follows the logistic-type solution: compare with Radau
    dyn = derive(game.with_values(V=2e6, C=4e6))
    p = dyn.parameter_vector(game.with_values(V=2e6, C=4e6).values())
    ref = solve_ivp(lambda t, y: dyn.field(y, p), (0, 100.0), [0.1], method="Radau", rtol=1e-10, atol=1e-12,
                    t_eval=sim.times, jac=lambda t, y: dyn.jacobian_at(y, p))
    np.testing.assert_allclose(sim.paths[0, :, 0], ref.y[0], atol=1e-6)


def test_a_non_finite_field_gives_a_clear_error():
    def rhs(Y):
        return np.where(Y > 0.5, np.nan, 1.0) * np.ones_like(Y)

    with pytest.raises(AnalysisError, match="integration failed"):
        dopri5_batch(rhs, np.array([[0.1], [0.2]]), np.linspace(0, 2, 5))


def test_memory_is_the_saved_paths_plus_a_small_constant():
    import tracemalloc

    game = load("vertical").game
    starts = random_starts(game, np.random.default_rng(0), 2000)
    simulate(game, starts[:5], 1.0)              # compile outside the measurement
    tracemalloc.start()
    sim = simulate(game, starts, 20.0, n_points=200)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    saved = sim.paths.nbytes
    if not _mapped(sim.paths):      # a large output is an anonymous mmap (plain pages), unseen by tracemalloc
        peak -= saved
    assert peak < 0.5 * saved + 2_000_000


def _mapped(a) -> bool:
    import mmap
    while a is not None and not isinstance(a, mmap.mmap):
        a = a.obj if isinstance(a, memoryview) else getattr(a, "base", None)
    return a is not None


def test_large_outputs_are_plain_writable_arrays():
    # the saved states of a large batch live in an anonymous mmap (no huge-page advice): still an ordinary,
    # writable, C-contiguous float array that pickles
    import pickle

    from evogame.dynamics.integrator.batch import output_array

    a = output_array((3000, 200, 3))
    assert _mapped(a) and a.flags.writeable and a.flags.c_contiguous and a.dtype == np.float64
    a[:] = 1.5
    b = pickle.loads(pickle.dumps(a))
    assert b.flags.writeable and np.array_equal(a, b)
    assert not _mapped(output_array((10, 20, 3)))


def test_scipy_methods_start_by_start_give_the_same_paths():
    game = load("vertical").game
    starts = random_starts(game, np.random.default_rng(1), 4)
    batch = simulate(game, starts, 10.0, n_points=6)
    loop = simulate(game, starts, 10.0, n_points=6, method="RK45")
    np.testing.assert_allclose(batch.paths, loop.paths, atol=1e-7)
    with pytest.raises(AnalysisError, match="unknown integration method"):
        simulate(game, starts, 1.0, method="Euler")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(games(), st.integers(0, 2**31 - 1))
def test_compiled_field_writers_agree_with_the_lambdified_field(game, seed):
    # the integrator's field (compiled to write into an array, parameters folded in or passed)
    # is the same function as Dynamics.field, evaluated independently by lambdify
    from evogame.dynamics.simulation import BAKE_BATCH, vector_field_rows

    rng = np.random.default_rng(seed)
    Y = random_starts(game, rng, 7).T.copy()
    dyn = derive(game)
    expected = dyn.field(Y.T, dyn.parameter_vector(game.values())).T
    scale = rng.uniform(0.1, 2.0, Y.shape[1])
    for batch in (1, BAKE_BATCH):
        rhs, _ = vector_field_rows(game, batch_size=batch)
        np.testing.assert_allclose(rhs(Y), expected, rtol=1e-12, atol=1e-14)
        out = np.full_like(Y, np.nan)
        rhs.into(Y, out, scale)
        np.testing.assert_allclose(out, expected * scale, rtol=1e-12, atol=1e-14)


def test_large_batch_with_many_saved_times_per_step_agrees_with_solve_ivp():
    # a batch big enough for the parameter-folded field, and saved times much closer than the
    # steps (several interpolated per step, some starts finishing long before others)
    game = load("rps").game.with_values(w=2, l=1)
    starts = random_starts(game, np.random.default_rng(11), 300)
    sim = simulate(game, starts, 6.0, n_points=601)
    dyn = derive(game)
    p = dyn.parameter_vector(game.values())
    for b in range(0, 300, 37):
        sol = solve_ivp(lambda t, y: dyn.field(y, p), (0, 6.0), starts[b], method="RK45", rtol=1e-8,
                        atol=1e-10, t_eval=sim.times)
        np.testing.assert_allclose(sim.paths[b], sol.y.T, atol=1e-6, rtol=0)
    shares = sim.shares(0)
    assert shares.min() >= 0.0 and np.abs(shares.sum(axis=-1) - 1).max() <= 1e-12


def test_a_start_result_does_not_depend_on_its_batch_position_or_companions():
    # finished starts are frozen and compacted lazily: that must not touch the others
    game = load("vertical").game
    rng = np.random.default_rng(5)
    starts = random_starts(game, rng, 400)
    starts[::7] = 1e-3 * rng.random((len(starts[::7]), 2)) + 0.999 * np.array([1.0, 0.0])  # quick ones
    order = rng.permutation(400)
    a = simulate(game, starts, 15.0, n_points=31)
    b = simulate(game, starts[order], 15.0, n_points=31)
    np.testing.assert_allclose(b.paths, a.paths[order], rtol=0, atol=1e-13)
    np.testing.assert_array_equal(b.stats["steps"], a.stats["steps"][order])


def test_a_batch_stepped_in_blocks_agrees_with_one_block(monkeypatch):
    # a large batch is stepped in equal blocks of starts (cache-sized work arrays): the same paths to the
    # tolerance, every start where it belongs.  (Not the same steps: the stiffness test runs at every
    # iteration while some start of the batch is counting, so a start's hand-over can move by a few steps.)
    import evogame.dynamics.integrator.batch as batch

    game = load("dual_leadership").game
    starts = random_starts(game, np.random.default_rng(8), 301)
    one = simulate(game, starts, 40.0, n_points=81)
    monkeypatch.setattr(batch, "BLOCK_ELEMENTS", 3 * 64)          # d = 3: five blocks of 61 starts
    blocks = simulate(game, starts, 40.0, n_points=81)
    np.testing.assert_allclose(blocks.paths, one.paths, rtol=0, atol=1e-9)
    assert blocks.stats["steps"].shape == (301,) and blocks.stats["steps"].min() > 0


def test_rows_of_reduced_coordinates_are_starts_even_where_they_read_as_probability_vectors():
    # two populations of two strategies: [[0.5, 0.5], [0.2, 0.8]] is two starts (x, y), as the README's
    # `simulate --initial 0.5,0.5 --initial 0.2,0.8`; one start as probability vectors is wrapped once more
    from conftest import SCENARIOS
    from evogame import load_scenario
    from evogame.dynamics.simulation import as_initial_states

    game = load_scenario(SCENARIOS / "vertical.toml").game
    assert as_initial_states(game, [[0.5, 0.5], [0.2, 0.8]]).tolist() == [[0.5, 0.5], [0.2, 0.8]]
    assert as_initial_states(game, [[[0.5, 0.5], [0.2, 0.8]]]).tolist() == [[0.5, 0.2]]
    # three strategies: probability vectors cannot be read as reduced rows, one start needs no wrapping
    rps = load_scenario(SCENARIOS / "rps.toml").game
    assert as_initial_states(rps, [[0.2, 0.3, 0.5]]).tolist() == [[0.2, 0.3]]


def test_rps_invariant_is_kept_to_the_tolerance_asked_for():
    # zero-sum RPS: x1 x2 x3 is a first integral of the replicator; its drift over t = 1000 measures the
    # integrator's global error: at the defaults (rtol 1e-8) ~ 1e-7, with rtol 1e-10, atol 1e-12 below 1e-9
    from conftest import SCENARIOS
    from helpers import invoke

    def drift(*options):
        res = invoke(["simulate", SCENARIOS / "rps.toml", "-i", "0.5,0.3", "--t-end", "1000", "--points", "1001",
                      "--json", *options])
        assert res.exit_code == 0, res.output
        data = json.loads(res.stdout)
        z = np.array(data["paths"][0])
        product = z[:, 0] * z[:, 1] * (1 - z[:, 0] - z[:, 1])
        return float(np.abs(product - product[0]).max()), data["integration"]

    loose, used = drift()
    tight, used_tight = drift("--rtol", "1e-10", "--atol", "1e-12")
    assert (used["rtol"], used["atol"]) == (1e-8, 1e-10) and (used_tight["rtol"], used_tight["atol"]) == (1e-10, 1e-12)
    assert tight < 1e-9 < loose


def test_in_place_field_code_agrees_with_the_expressions():
    # the in-place form (every operation with out=, scratch rows reused) of awkward expressions: all-negative
    # sums, quotients, powers, functions, constants, shared sub-expressions; anything else keeps the expression form
    import sympy

    from evogame.dynamics.inplace import inplace_body
    from evogame.dynamics.simulation import _UFUNCS

    y0, y1, p = sympy.symbols("_y0 _y1 _p0")
    exprs = [-y0 - 2 * y1 - 1, y0 / (1 + y1 ** 2) - 3 / y0, sympy.exp(-y0 * p) * sympy.sqrt(y1) + y0 ** 3,
             sympy.Integer(2) * p, (y0 - y1) ** 2 * sympy.log(1 + y0) - sympy.Abs(y0 - y1) / (y0 * y1),
             1 - y0 - y1 + y0 * y1 ** -2]
    reps, reduced = sympy.cse(exprs, symbols=sympy.numbered_symbols("_c"))
    printer = sympy.printing.numpy.NumPyPrinter({"fully_qualified_modules": False})
    body = inplace_body(reps, reduced, [y0, y1], printer)
    source = "\n".join(["def f(Y, out, scale, _p0):", "    _y0 = Y[0]", "    _y1 = Y[1]"]
                       + ["    " + line for line in body] + ["    return out"])
    namespace = {name: getattr(np, name) for name in _UFUNCS if hasattr(np, name)}
    exec(source, namespace)
    Y = np.random.default_rng(3).uniform(0.2, 0.9, (2, 50))
    scale = np.linspace(0.5, 2.0, 50)
    got = namespace["f"](Y, np.full((len(exprs), 50), np.nan), scale, 0.7)
    expected = sympy.lambdify([y0, y1, p], exprs, modules="numpy")(Y[0], Y[1], 0.7)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, np.broadcast_to(e, (50,)) * scale, rtol=1e-13, atol=0)
    assert inplace_body([], [sympy.Max(y0, y1)], [y0, y1], printer) is None
