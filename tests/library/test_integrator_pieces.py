"""The batched integrator's pieces, each against the property the literature gives it.

Tableau: the Dormand--Prince order conditions and the continuous extension's
end point.  Methods: the orders seen on ``y' = lambda y`` (5 for the pair, 3
for Rodas3 with an embedded 2, L-stability).  Step control: scipy's
controller.  Stiffness: Hairer's estimate is ``h |lambda|`` on a linear
field, and the counting rule.  Dense output: the Hermite interpolant
reproduces cubics.  Records: typed and frozen.
"""
import dataclasses

import numpy as np
import pytest

from evogame.dynamics.integrator import BatchSolution, dopri5_batch, rosenbrock_batch
from evogame.dynamics.integrator.dense_output import StepPolynomial, save_hermite, save_poly
from evogame.dynamics.integrator.records import COLLAPSED, STIFF, Departure, StepControl, StiffnessCounters
from evogame.dynamics.integrator.rosenbrock import rodas3_step, small_inverse
from evogame.dynamics.integrator.stages import Workspace, dopri5_stages, step_times
from evogame.dynamics.integrator.step_control import MAX_FACTOR, MIN_FACTOR, initial_step, judge_step
from evogame.dynamics.integrator.stiffness import (CALM_RESET, STIFF_COUNT, STIFF_RATIO, hairer_test, new_counters,
                                          stiff_columns, stiffness_estimate)
from evogame.dynamics.integrator.tableau import DENSE_P, ERROR_WEIGHTS, NODES, RK_MATRIX, WEIGHTS


def linear(lam):
    """``f(y) = lam y`` as an ``into`` writer, and its Jacobian."""
    def into(Y, out, scale):
        np.multiply(Y, lam, out=out)
        if scale is not None:
            out *= scale
        return out

    def jacobian(Y):
        return np.full((Y.shape[1], 1, 1), lam)

    return into, jacobian


def dopri5_step(lam, h, y=1.0):
    """One Dormand--Prince step of size ``h`` on ``y' = lam y`` from ``y``; the filled workspace."""
    into, _ = linear(lam)
    ws = Workspace(1, 1)
    ws.W[0] = y
    ws.hs[:] = h
    dopri5_stages(into, ws, np.full((1, 1), lam * y))
    return ws


# -- tableau ---------------------------------------------------------------------------

def test_dormand_prince_rows_sum_to_the_nodes_and_the_weights_satisfy_the_quadrature_conditions():
    for c, row in zip(NODES, RK_MATRIX):
        assert row.sum() == pytest.approx(c, abs=1e-15)
    b_hat = np.append(WEIGHTS, 0.0) + ERROR_WEIGHTS          # e = b_hat - b
    c7 = np.append(NODES, 1.0)
    for k in range(1, 6):                                      # sum b_i c_i^(k-1) = 1/k up to order 5
        assert WEIGHTS @ NODES ** (k - 1) == pytest.approx(1 / k, abs=1e-14)
    for k in range(1, 5):                                      # the embedded solution: up to order 4
        assert b_hat @ c7 ** (k - 1) == pytest.approx(1 / k, abs=1e-14)
    assert ERROR_WEIGHTS.sum() == pytest.approx(0.0, abs=1e-15)


def test_continuous_extension_ends_at_the_new_state():
    # theta = 1: y_n + sum_r q_r = y_n + h sum_i b_i k_i, so each row of P sums to b_i (b_7 = 0)
    np.testing.assert_allclose(DENSE_P.sum(axis=1), np.append(WEIGHTS, 0.0), atol=1e-14)


# -- the methods on y' = lambda y --------------------------------------------------------

def test_dormand_prince_local_error_is_fifth_order():
    errors = [abs(dopri5_step(-1.0, h).Y_new[0, 0] - np.exp(-h)) for h in (0.2, 0.1)]
    assert errors[0] / errors[1] == pytest.approx(2 ** 6, rel=0.1)        # local error O(h^6)


def test_rodas3_is_third_order_with_a_second_order_embedded_solution():
    into, jacobian = linear(-1.0)

    def rhs(Y):
        return into(Y, np.empty_like(Y), None)

    local, embedded = [], []
    for h in (0.05, 0.025):
        step = rodas3_step(rhs, jacobian, np.ones((1, 1)), -np.ones((1, 1)), np.array([h]), np.eye(1))
        local.append(abs(step.y_new[0, 0] - np.exp(-h)))
        embedded.append(abs(step.y_new[0, 0] - step.error[0, 0] - np.exp(-h)))
    assert local[0] / local[1] == pytest.approx(2 ** 4, rel=0.1)          # order 3
    assert embedded[0] / embedded[1] == pytest.approx(2 ** 3, rel=0.15)   # order 2


def test_rodas3_is_l_stable():
    into, jacobian = linear(-1.0)

    def rhs(Y):
        return into(Y, np.empty_like(Y), None)

    for z in (1e3, 1e6, 1e9):
        step = rodas3_step(rhs, jacobian, np.ones((1, 1)), -np.ones((1, 1)), np.array([z]), np.eye(1))
        assert abs(step.y_new[0, 0]) < 3 / z                   # R(z) -> 0 as z -> -infinity


def test_rosenbrock_batch_finishes_a_stiff_linear_problem_accurately():
    lam = -1e4
    into, jacobian = linear(lam)

    def rhs(Y):
        return into(Y, np.empty_like(Y), None)

    times = np.linspace(0.0, 1e-3, 11)
    states = np.full((2, 11, 1), np.nan)
    states[:, 0, 0] = [1.0, 2.0]
    group = Departure(np.array([0, 1]), np.zeros(2), np.array([[1.0, 2.0]]), np.array([1, 1]), STIFF)
    result = rosenbrock_batch(rhs, jacobian, group, times, states, rtol=1e-8, atol=1e-12)
    assert result.failed.size == 0 and np.all(result.steps > 0)
    exact = np.array([1.0, 2.0])[:, None] * np.exp(lam * times)[None, :]
    np.testing.assert_allclose(states[:, :, 0], exact, rtol=1e-5, atol=1e-9)


# -- step control -------------------------------------------------------------------------

@pytest.mark.parametrize("d", [1, 2, 3, 4])
def test_rosenbrock_inverses_are_lapacks(d):
    # closed forms (adjugate / determinant) up to d = 3, LAPACK beyond; a singular matrix gives non-finite entries
    rng = np.random.default_rng(d)
    G = rng.normal(size=(500, d, d)) + 2.0 * np.eye(d)
    np.testing.assert_allclose(small_inverse(G) @ G, np.broadcast_to(np.eye(d), G.shape), atol=1e-10)
    np.testing.assert_allclose(small_inverse(G), np.linalg.inv(G), rtol=1e-9, atol=1e-9)
    if d <= 3:
        with np.errstate(divide="ignore", invalid="ignore"):
            assert not np.isfinite(small_inverse(np.zeros((2, d, d)))).all()


def test_step_controller_is_scipys_per_column():
    ws = Workspace(1, 3)
    ws.W[:] = 0.0
    ws.W[0] = 1.0
    ws.Y_new[:] = 1.0
    ws.W[7] = [[0.0, 40.0, 4000.0]]            # scaled errors e_7 h k_7 / (atol + rtol): 0, 1, 100
    with np.errstate(divide="ignore"):             # as in the batch loop: err = 0 gives inf, then the cap
        verdict = judge_step(ws, np.array([MAX_FACTOR, MAX_FACTOR, 1.0]), rtol=1.0, atol=0.0)
    np.testing.assert_array_equal(verdict.accepted, [True, False, False])
    assert verdict.factor[0] == MAX_FACTOR                              # zero error: largest growth
    assert verdict.factor[1] == pytest.approx(0.9)                      # 0.9 err^(-1/5) at err = 1
    assert verdict.factor[2] == pytest.approx(max(MIN_FACTOR, 0.9 * 100 ** -0.2))


def test_a_nan_error_rejects_the_step_and_shrinks_it_fivefold():
    ws = Workspace(1, 1)
    ws.W[:] = 0.0
    ws.Y_new[:] = np.nan
    verdict = judge_step(ws, np.array([MAX_FACTOR]), rtol=1e-8, atol=1e-10)
    assert not verdict.accepted[0] and verdict.factor[0] == MIN_FACTOR


def test_last_step_is_clipped_to_land_on_the_final_time():
    ws = Workspace(1, 2)
    last = step_times(ws, np.array([0.0, 0.9]), np.array([0.5, 0.5]), 1.0)
    np.testing.assert_array_equal(last, [False, True])
    np.testing.assert_array_equal(ws.t_new, [0.5, 1.0])
    assert ws.hs[1] == 1.0 - 0.9


def test_initial_step_follows_the_hairer_norsett_wanner_rule_on_exponential_decay():
    into, _ = linear(-1.0)

    def rhs(Y):
        return into(Y, np.empty_like(Y), None)

    y0 = np.ones((1, 1))
    h = initial_step(rhs, y0, -y0, 10.0, rtol=1e-8, atol=1e-10)
    sc = 1e-10 + 1e-8
    d0 = d1 = 1 / sc
    h0 = 0.01 * d0 / d1
    d2 = abs(-(1 - h0) + 1) / sc / h0
    assert h[0] == pytest.approx(min(100 * h0, (0.01 / max(d1, d2)) ** 0.2))


# -- stiffness ------------------------------------------------------------------------------

@pytest.mark.parametrize("h_lambda", [0.5, 2.5, 3.2])
def test_hairers_estimate_is_h_lambda_on_a_linear_field(h_lambda):
    ws = dopri5_step(-h_lambda, 1.0)
    assert stiffness_estimate(ws)[0] == pytest.approx(h_lambda, rel=1e-12)


def test_stiff_count_grows_on_stiff_steps_and_six_calm_ones_reset_it():
    stiff_ws, calm_ws = dopri5_step(-(STIFF_RATIO + 1), 1.0), dopri5_step(-0.5, 1.0)
    accepted = np.array([True])
    counters = new_counters(1)
    for _ in range(3):
        counters = hairer_test(stiff_ws, accepted, counters)
    assert counters.stiff[0] == 3 and counters.watching
    assert hairer_test(stiff_ws, np.array([False]), counters).stiff[0] == 3     # rejected: no change
    for k in range(1, CALM_RESET):
        counters = hairer_test(calm_ws, accepted, counters)
        assert counters.stiff[0] == 3 and counters.calm[0] == k
    counters = hairer_test(calm_ws, accepted, counters)
    assert counters.stiff[0] == 0 and not counters.watching


def test_only_stiff_starts_with_many_steps_left_are_handed_over():
    counters = StiffnessCounters(np.array([STIFF_COUNT, STIFF_COUNT, STIFF_COUNT - 1, STIFF_COUNT]),
                                 np.zeros(4, dtype=np.int64), True)
    live = np.array([True, True, True, False])
    chosen = stiff_columns(counters, live, np.zeros(4), np.array([0.01, 0.1, 0.01, 0.01]), 1.0, stiff_steps=20)
    np.testing.assert_array_equal(chosen, [True, False, False, False])


def test_stiff_starts_go_to_rosenbrock_with_a_jacobian_and_to_scipy_without():
    into, jacobian = linear(-1e5)

    def rhs(Y):
        return into(Y, np.empty_like(Y), None)

    rhs.into = into
    times = np.linspace(0.0, 1.0, 5)
    with_jac = dopri5_batch(rhs, np.array([[1.0], [0.5]]), times, jacobian=jacobian)
    without = dopri5_batch(rhs, np.array([[1.0], [0.5]]), times, implicit_method="Radau")
    assert with_jac.reason == [STIFF, STIFF] and with_jac.implicit_method.startswith("linearly implicit Rosenbrock")
    assert without.reason == [STIFF, STIFF] and without.implicit_method == "scipy Radau"
    assert without.implicit_steps is None and with_jac.implicit_steps.sum() > 0
    for sol in (with_jac, without):
        np.testing.assert_allclose(sol.states[:, -1, 0], 0.0, atol=1e-9)


# -- dense output ---------------------------------------------------------------------------

def test_hermite_interpolant_reproduces_a_cubic():
    def y(t):
        return 1 + 2 * t - 3 * t ** 2 + 0.5 * t ** 3

    def f(t):
        return 2 - 6 * t + 1.5 * t ** 2

    times = np.linspace(0.0, 2.0, 9)
    states = np.zeros((1, 9, 1))
    t0, t1 = np.array([0.0]), np.array([2.0])
    nxt = save_hermite(states, np.append(times, np.inf), np.array([0]), t0, t1 - t0, y(t0)[None], f(t0)[None],
                       y(t1)[None], f(t1)[None], np.array([1]), t1, np.array([True]), None)
    assert nxt[0] == 9
    np.testing.assert_allclose(states[0, 1:, 0], y(times[1:]), rtol=0, atol=1e-14)


def test_dense_output_in_chunks_equals_dense_output_at_once():
    # many (start, saved time) pairs: the chunked evaluation must not change a value
    rng = np.random.default_rng(4)
    n, T = 7, 40
    times_padded = np.append(np.linspace(0.0, 1.0, T), np.inf)
    step = StepPolynomial(np.zeros(n), np.ones(n), rng.random((2, n)), rng.random((4, 2, n)))
    outputs = []
    for chunk in (5, 10_000):
        states = np.zeros((n, T, 2))
        nxt = np.ones(n, dtype=np.int64)
        save_poly(states, times_padded, np.arange(n), step, nxt, np.ones(n), np.arange(n), None, chunk=chunk)
        assert np.all(nxt == T)
        outputs.append(states)
    np.testing.assert_array_equal(outputs[0], outputs[1])


# -- records -------------------------------------------------------------------------------

def test_departures_join_and_split_in_order():
    a = Departure(np.array([3, 1]), np.array([0.1, 0.2]), np.array([[1.0, 2.0]]), np.array([2, 3]), STIFF)
    b = Departure(np.array([7]), np.array([0.5]), np.array([[9.0]]), np.array([4]), COLLAPSED)
    both = Departure.joined([a, b])
    np.testing.assert_array_equal(both.starts, [3, 1, 7])
    np.testing.assert_array_equal(both.y, [[1.0, 2.0, 9.0]])
    tail = both.part(1, 3)
    np.testing.assert_array_equal(tail.starts, [1, 7])
    np.testing.assert_array_equal(tail.next_saved, [3, 4])


@pytest.mark.parametrize("record", [
    BatchSolution(np.zeros(2), np.zeros((0, 2, 1)), np.zeros(0), np.zeros(0), np.zeros(0, bool)),
    StepControl(np.zeros(1), np.ones(1)),
    StiffnessCounters(np.zeros(1, np.int64), np.zeros(1, np.int64)),
])
def test_records_are_frozen(record):
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.times = None


def test_empty_batches_give_a_typed_solution():
    sol = dopri5_batch(lambda Y: -Y, np.zeros((3, 0)), np.linspace(0, 1, 3))
    assert sol.reason == ["", "", ""] and sol.states.shape == (3, 3, 0) and sol.message.startswith("explicit")
