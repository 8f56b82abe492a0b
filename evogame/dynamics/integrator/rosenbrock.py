"""Rodas3: a linearly implicit Rosenbrock method for the starts that leave the explicit batch.

Rodas3 (Sandu et al., 1997; see Hairer & Wanner, *Solving ODEs II*, IV.7)
has 4 stages, order 3 with an embedded 2nd-order solution, and is
L-stable and stiffly accurate.  In the form without matrix-vector products,
with ``J = df/dy(y_n)`` and ``h`` the step::

    (I / (h gamma) - J) K_i = f(y_n + sum_{j<i} a_ij K_j) + (1/h) sum_{j<i} c_ij K_j,    i = 1..4
    y_{n+1} = y_n + sum_i m_i K_i

    gamma = 1/2,  a_31 = 2, a_41 = 2, a_43 = 1 (other a_ij = 0: stage 2 reuses f(y_n)),
    c_21 = 4, c_31 = 1, c_32 = -1, c_41 = 1, c_42 = -1, c_43 = -8/3,  m = (2, 0, 1, 1).

The embedded solution has ``m_hat = (2, 0, 1, 0)``, so the error estimate
is ``K_4``.  Each step costs one Jacobian, one batched inverse of the
``(n, d, d)`` matrices ``I/(h gamma) - J`` (reused by the four stages) and
three field evaluations (two stages and the new state, whose derivative is
also the next step's ``f(y_n)`` and the Hermite interpolant's right end).

Step control per start, with the RMS norm as in the explicit pair::

    err = || K_4 / (atol + rtol max(|y_n|, |y_{n+1}|)) ||_RMS     (inf if anything is not finite)
    accept iff err < 1
    accepted: h <- h min(6, 0.9 err^(-1/3)), and at most h right after a rejection
    rejected: h <- h max(0.2, min(1, 0.9 err^(-1/3)))

A start gives up when its step falls below ``10 eps max(|t|, 1)`` or its
accepted step count reaches ``max_steps``.  Saved times come from the
cubic Hermite interpolant (:func:`~evogame.dynamics.integrator.dense_output.save_hermite`).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .dense_output import save_hermite
from .records import Departure, RosenbrockResult
from .step_control import MIN_FACTOR, SAFETY, rms

GAMMA = 0.5
#: ``a_ij`` per stage ``i`` (stage 2's are all zero), ``c_ij`` per stage, and the weights ``m_i``.
ROS_A = {3: (2.0, 0.0), 4: (2.0, 0.0, 1.0)}
ROS_C = {2: (4.0,), 3: (1.0, -1.0), 4: (1.0, -1.0, -8.0 / 3.0)}
ROS_M = (2.0, 0.0, 1.0, 1.0)
#: Order of the error estimate's exponent: factors go as err^(-1/ROS_ORDER).
ROS_ORDER = 3
#: Largest step-size growth after an accepted step.
ROS_MAX_FACTOR = 6.0
#: Starts per Rosenbrock batch: the Jacobians and their inverses stay a bounded work space.
ROS_CHUNK = 2048
#: How :class:`~evogame.dynamics.integrator.records.BatchSolution` names the method.
ROS_NAME = "linearly implicit Rosenbrock (Rodas3, batched)"


class _RosenbrockBatch:
    """The starts still being integrated (one column each), and what every step needs."""

    __slots__ = ("rhs", "jacobian", "constrain", "states", "times_padded", "t_end", "rtol", "atol", "eye",
                 "idx", "t", "Y", "F", "h", "nxt", "n_steps", "just_rejected")

    def __init__(self, rhs, jacobian, group: Departure, times, states, rtol, atol, constrain):
        """The batch of ``group``'s starts: ``f(y)`` (one evaluation), first steps of 1e-3 of what is left."""
        self.rhs, self.jacobian, self.constrain, self.states = rhs, jacobian, constrain, states
        self.t_end, self.times_padded = float(times[-1]), np.append(times, np.inf)
        self.rtol, self.atol, self.eye = rtol, atol, np.eye(states.shape[2])
        self.idx, self.t = np.asarray(group.starts, dtype=np.int64), np.asarray(group.t, dtype=float)
        self.Y, self.nxt = np.ascontiguousarray(group.y, dtype=float), np.asarray(group.next_saved, dtype=np.int64)
        self.n_steps = np.zeros(self.idx.size, dtype=np.int64)
        self.F = rhs(self.Y)
        left = self.t_end - self.t
        self.h = np.minimum(np.maximum(1e-3 * left, 1e-6), left)
        self.just_rejected = np.zeros(self.idx.size, dtype=bool)

    def drop(self, gone: np.ndarray) -> None:
        """Remove the columns where ``gone`` is true."""
        keep = ~gone
        self.idx, self.t, self.Y, self.F = self.idx[keep], self.t[keep], self.Y[:, keep], self.F[:, keep]
        self.h, self.nxt = self.h[keep], self.nxt[keep]
        self.n_steps, self.just_rejected = self.n_steps[keep], self.just_rejected[keep]

    def advance(self) -> np.ndarray:
        """Try one step on every column, write the saved times passed, move on; return where a start finished."""
        t_new = self.t + self.h
        last = t_new >= self.t_end
        t_new[last] = self.t_end                  # land exactly on the final time
        hs = t_new - self.t
        step = rodas3_step(self.rhs, self.jacobian, self.Y, self.F, hs, self.eye)
        Y_new = step.y_new
        scale = self.atol + np.maximum(np.abs(self.Y), np.abs(Y_new)) * self.rtol
        err = rms(step.error / scale)
        err[~(np.isfinite(err) & np.isfinite(Y_new).all(axis=0))] = np.inf
        accepted = err < 1.0
        factor = _step_factor(err, accepted, self.just_rejected)
        self.just_rejected = ~accepted
        self.n_steps += accepted
        if self.constrain is not None:
            self.constrain(Y_new, self.idx)
        F_new = self.rhs(Y_new)
        self.nxt = save_hermite(self.states, self.times_padded, self.idx, self.t, hs, self.Y, self.F, Y_new, F_new,
                                self.nxt, t_new, accepted, self.constrain)
        self.Y = np.where(accepted, Y_new, self.Y)
        self.F = np.where(accepted, F_new, self.F)
        self.t = np.where(accepted, t_new, self.t)
        self.h = hs * factor
        return accepted & last


class Rodas3Step(NamedTuple):
    """One Rodas3 step per column."""

    y_new: np.ndarray     # (d, n) the 3rd-order solution
    error: np.ndarray     # (d, n) K_4: the difference to the embedded 2nd-order one


def rosenbrock_batch(rhs, jacobian, group: Departure, times: np.ndarray, states: np.ndarray, *, rtol: float,
                     atol: float, constrain=None, max_steps: int = 100_000) -> RosenbrockResult:
    """Finish the starts of ``group`` together with Rodas3, each with its own step size.

    Parameters
    ----------
    rhs : vectorised field ``(d, n) -> (d, n)``.
    jacobian : ``(d, n) -> (n, d, d)``.
    group : the starts, their times, states ``(d, m)`` and next saved indices.
    times : ``(T,)`` saved times; ``states`` ``(B, T, d)`` the output, written in place.
    rtol, atol : tolerances.
    constrain : optional ``constrain(Y, starts)``, applied to every new and every saved state.
    max_steps : accepted steps per start before it gives up.

    Returns
    -------
    RosenbrockResult
        The starts that gave up (where they were), accepted steps per start
        ``(B,)``, batch iterations (including those that only dropped
        starts that gave up) and field evaluations.
    """
    B, T, d = states.shape
    batch = _RosenbrockBatch(rhs, jacobian, group, times, states, rtol, atol, constrain)
    steps = np.zeros(B, dtype=np.int64)
    evaluations, iterations, failed = 1, 0, []
    eps = np.finfo(float).eps
    with np.errstate(divide="ignore", over="ignore", invalid="ignore", under="ignore"):
        while batch.idx.size:
            iterations += 1
            bad = (batch.h < 10 * eps * np.maximum(np.abs(batch.t), 1.0)) | (batch.n_steps >= max_steps)
            if bad.any():
                c = np.nonzero(bad)[0]
                failed.append(Departure(batch.idx[c], batch.t[c], batch.Y[:, c], batch.nxt[c]))
                batch.drop(bad)
                continue
            done = batch.advance()
            evaluations += 3
            if done.any():
                fin = np.nonzero(done)[0]
                states[batch.idx[fin], T - 1, :] = batch.Y[:, fin].T
                steps[batch.idx[fin]] = batch.n_steps[fin]
                batch.drop(done)
    if failed:
        failed = Departure.joined(failed)
    else:
        failed = Departure(np.zeros(0, np.int64), np.zeros(0), np.zeros((d, 0)), np.zeros(0, np.int64))
    return RosenbrockResult(failed, steps, iterations, evaluations)


def rodas3_step(rhs, jacobian, Y: np.ndarray, F: np.ndarray, hs: np.ndarray, eye: np.ndarray) -> Rodas3Step:
    """One Rodas3 step of size ``hs`` ``(n,)`` from the states ``Y`` ``(d, n)`` with ``F = f(Y)``.

    Two field evaluations (stages 3 and 4) and one Jacobian; the linear
    systems of the four stages share one batched inverse.
    """
    J = jacobian(Y)                                          # (n, d, d)
    G = eye / (hs * GAMMA)[:, None, None] - J
    Ginv = small_inverse(G)
    K1 = _solve(Ginv, F)
    K2 = _solve(Ginv, F + (ROS_C[2][0] / hs) * K1)
    Y3 = Y + ROS_A[3][0] * K1 + ROS_A[3][1] * K2
    K3 = _solve(Ginv, rhs(Y3) + (ROS_C[3][0] * K1 + ROS_C[3][1] * K2) / hs)
    Y4 = Y + ROS_A[4][0] * K1 + ROS_A[4][1] * K2 + ROS_A[4][2] * K3
    K4 = _solve(Ginv, rhs(Y4) + (ROS_C[4][0] * K1 + ROS_C[4][1] * K2 + ROS_C[4][2] * K3) / hs)
    Y_new = Y + ROS_M[0] * K1 + ROS_M[1] * K2 + ROS_M[2] * K3 + ROS_M[3] * K4
    return Rodas3Step(Y_new, K4)


def small_inverse(G: np.ndarray) -> np.ndarray:
    """The inverses of ``(n, d, d)`` matrices: the adjugate over the determinant for ``d <= 3``, else LAPACK.

    At ``d = 3`` the closed form is ~40 array operations on ``(n,)`` rows, against one LAPACK call per
    matrix in :func:`numpy.linalg.inv` (the largest single cost of a Rosenbrock step at 2048 starts).  A
    singular matrix gives non-finite entries (the step's error is then infinite and the step rejected)
    where LAPACK would raise.
    """
    d = G.shape[1]
    if d > 3:
        return np.linalg.inv(G)
    if d == 1:
        return 1.0 / G
    if d == 2:
        a, b, c, e = G[:, 0, 0], G[:, 0, 1], G[:, 1, 0], G[:, 1, 1]
        inv = np.stack([np.stack([e, -b], axis=1), np.stack([-c, a], axis=1)], axis=1)
        return inv / (a * e - b * c)[:, None, None]
    A = G.transpose(1, 2, 0)                                 # (3, 3, n): rows of numbers per entry
    cof = np.empty_like(A)
    for i in range(3):
        i1, i2 = (i + 1) % 3, (i + 2) % 3
        for j in range(3):
            j1, j2 = (j + 1) % 3, (j + 2) % 3
            cof[j, i] = A[i1, j1] * A[i2, j2] - A[i1, j2] * A[i2, j1]    # adjugate: transposed cofactors
    det = A[0, 0] * cof[0, 0] + A[0, 1] * cof[1, 0] + A[0, 2] * cof[2, 0]
    cof /= det
    return cof.transpose(2, 0, 1)


def _solve(Ginv: np.ndarray, R: np.ndarray) -> np.ndarray:
    """``K[:, n] = Ginv[n] @ R[:, n]`` for every column ``n``."""
    return np.einsum("nij,jn->in", Ginv, R)


def _step_factor(err: np.ndarray, accepted: np.ndarray, just_rejected: np.ndarray) -> np.ndarray:
    """The step-size factor of the module docstring's controller."""
    factor = np.minimum(ROS_MAX_FACTOR, SAFETY * err ** (-1 / ROS_ORDER))
    return np.where(accepted, np.where(just_rejected, np.minimum(1.0, factor), factor),
                    np.maximum(MIN_FACTOR, np.minimum(1.0, factor)))
