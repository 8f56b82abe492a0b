"""Integration of many initial-value problems at once, each with its own step size.

:func:`dopri5_batch` solves ``dy/dt = f(y)`` (autonomous) from ``B`` initial
states with the Dormand--Prince 5(4) pair (the method of
``scipy.integrate.solve_ivp(method="RK45")``): the right-hand side is
evaluated on the array of all active states at every stage, but every start
keeps its **own** step size and its own accept/reject decision, so an easy
start is not forced to take the small steps of a hard one (which is what a
single flattened ``solve_ivp`` call does: its one error norm couples all
starts).  Step-size control per start is scipy's:

    err_b = || h_b (K_b^T E) / (atol + rtol max(|y_b|, |y_b,new|)) ||_RMS,
    accept iff err_b < 1,   h_b <- h_b * clip(0.9 err_b^(-1/5), 0.2, 10)

(no growth right after a rejection).  Saved times are filled from the
4th-order continuous extension of the pair (Shampine 1986), exactly as
``solve_ivp(t_eval=...)`` does, and the last saved time is hit exactly.

Stiffness is detected per start with Hairer's test (Hairer & Wanner,
*Solving ODEs II*, IV.2): ``h |rho| ~ h ||k_7 - k_6|| / ||y_new - y_6||``,
an estimate of ``h`` times the dominant eigenvalue, stays above 3.25 (the
edge of the method's stability region) for 15 accepted steps in a row while
finishing explicitly would cost more than ``stiff_steps`` further steps.
Such starts (and any whose step size collapses or whose step count passes
``max_steps``) are handed over, from where they are, to an implicit solver
(:func:`implicit_solve`, scipy's LSODA with the analytic Jacobian).

Memory: besides the output array, the work space is ``O(B d)`` (seven
stage derivatives per active start), independent of the number of saved
times.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

__all__ = ["BatchSolution", "dopri5_batch", "implicit_solve"]

# Dormand & Prince (1980) 5(4) pair, FSAL; dense output P of Shampine (1986).
_C = np.array([0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0])
_A = [
    np.array([]),
    np.array([1 / 5]),
    np.array([3 / 40, 9 / 40]),
    np.array([44 / 45, -56 / 15, 32 / 9]),
    np.array([19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729]),
    np.array([9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656]),
]
_B = np.array([35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84])
# coefficients on W = [y, h k_1, ..., h k_s]: stage s (1..5) and the new state (6)
_STAGE = [None] + [np.concatenate([[1.0], a]) for a in _A[1:]] + [np.concatenate([[1.0], _B])]
_E = np.array([-71 / 57600, 0.0, 71 / 16695, -71 / 1920, 17253 / 339200, -22 / 525, 1 / 40])
_P = np.array([
    [1.0, -8048581381 / 2820520608, 8663915743 / 2820520608, -12715105075 / 11282082432],
    [0.0, 0.0, 0.0, 0.0],
    [0.0, 131558114200 / 32700410799, -68118460800 / 10900136933, 87487479700 / 32700410799],
    [0.0, -1754552775 / 470086768, 14199869525 / 1410260304, -10690763975 / 1880347072],
    [0.0, 127303824393 / 49829197408, -318862633887 / 49829197408, 701980252875 / 199316789632],
    [0.0, -282668133 / 205662961, 2019193451 / 616988883, -1453857185 / 822651844],
    [0.0, 40617522 / 29380423, -110615467 / 29380423, 69997945 / 29380423],
])
_PT = np.ascontiguousarray(_P.T)     # (4, 7): Q = P^T (h K)
_STAGE = [None] + [np.ascontiguousarray(c) for c in _STAGE[1:]]
_ORDER = 4          # error estimator order: exponent -1/(order + 1)
_SAFETY = 0.9
_MIN_FACTOR = 0.2
_MAX_FACTOR = 10.0
_STIFF_RATIO = 2.0   # |h rho| near the DOPRI5 stability boundary (-3.3 on the real axis)
_STIFF_COUNT = 10    # consecutive accepted steps beyond it (Hairer's test uses 3.25 and 15)


@dataclass
class BatchSolution:
    """What :func:`dopri5_batch` returns.

    Attributes
    ----------
    times : ``(T,)`` saved times.
    states : ``(B, T, d)`` states at the saved times.
    steps, rejected : ``(B,)`` accepted and rejected explicit steps per start.
    handed_over : ``(B,)`` bool, starts finished by the implicit solver.
    reason : per handed-over start, why (``"stiff"``, ``"max_steps"``,
        ``"step size collapsed"``), else ``""``.
    evaluations : number of (vectorised) right-hand-side calls.
    iterations : number of batch iterations (the largest step count).
    """

    times: np.ndarray
    states: np.ndarray
    steps: np.ndarray
    rejected: np.ndarray
    handed_over: np.ndarray
    reason: list = field(default_factory=list)
    evaluations: int = 0
    iterations: int = 0
    implicit_method: str = ""
    implicit_steps: np.ndarray | None = None

    @property
    def message(self) -> str:
        n = int(self.handed_over.sum())
        if not n:
            return (f"explicit Dormand-Prince 5(4), per-start step control: {int(self.steps.sum())} steps, "
                    f"{int(self.rejected.sum())} rejected")
        kinds = sorted({r for r in self.reason if r})
        if n and not kinds:
            kinds = ["handed over"]
        return (f"explicit Dormand-Prince 5(4), per-start step control; {n} of {len(self.steps)} starts "
                f"({', '.join(kinds)}) finished with the {self.implicit_method} method")


class _Workspace:
    """The explicit solver's arrays for ``n`` columns, allocated once (``O(n d)``)."""

    def __init__(self, d: int, n: int):
        self.W = np.empty((8, d, n))                 # [y, h k_1, ..., h k_7]
        self.W2 = self.W.reshape(8, d * n)
        self.stage2 = np.empty(d * n)
        self.stage = self.stage2.reshape(d, n)
        self.Y_new2 = np.empty(d * n)
        self.Y_new = self.Y_new2.reshape(d, n)
        self.F_new = np.empty((d, n))
        self.err2 = np.empty(d * n)
        self.err = self.err2.reshape(d, n)
        self.Q2 = np.empty((4, d * n))
        self.Q = self.Q2.reshape(4, d, n)
        self.t_new = np.empty(n)
        self.hs = np.empty(n)


def _rms(v: np.ndarray) -> np.ndarray:
    """RMS over the component axis (axis 0) of a ``(d, n)`` array."""
    return np.sqrt(np.einsum("ij,ij->j", v, v) / v.shape[0])


def _initial_step(rhs, y0, f0, span, rtol, atol):
    """scipy's ``select_initial_step`` (Hairer, Norsett & Wanner II.4), per start."""
    scale = atol + np.abs(y0) * rtol
    d0 = _rms(y0 / scale)
    d1 = _rms(f0 / scale)
    small = (d0 < 1e-5) | (d1 < 1e-5)
    h0 = np.where(small, 1e-6, 0.01 * d0 / np.where(d1 > 0, d1, 1.0))
    h0 = np.minimum(h0, span)
    f1 = rhs(y0 + h0 * f0)
    d2 = _rms((f1 - f0) / scale) / h0
    dmax = np.maximum(d1, d2)
    with np.errstate(divide="ignore"):
        h1 = np.where(dmax <= 1e-15, np.maximum(1e-6, h0 * 1e-3),
                      (0.01 / np.where(dmax > 0, dmax, 1.0)) ** (1 / (_ORDER + 1)))
    return np.minimum(np.minimum(100 * h0, h1), span)


def dopri5_batch(rhs: Callable[[np.ndarray], np.ndarray], y0: np.ndarray, times: np.ndarray, *,
                 rtol: float = 1e-8, atol: float = 1e-10,
                 constrain: Callable[[np.ndarray, np.ndarray], None] | None = None,
                 jacobian: Callable[[np.ndarray], np.ndarray] | None = None,
                 max_steps: int = 100_000, stiff_steps: int = 20,
                 implicit_method: str = "LSODA", out: np.ndarray | None = None) -> BatchSolution:
    """Integrate ``dy/dt = rhs(y)`` from every row of ``y0`` on ``[times[0], times[-1]]``.

    Parameters
    ----------
    rhs : vectorised right-hand side, ``(d, n) -> (d, n)`` (one column per
        state; component-major so each component is a contiguous row).  If it
        has an attribute ``into``, ``rhs.into(Y, out, scale)`` must write
        ``scale * rhs(Y)`` (``scale`` ``(n,)`` or ``None`` for 1) into ``out``;
        the stages then need no temporary arrays.
    y0 : ``(B, d)`` initial states at ``times[0]``.
    times : ``(T,)`` increasing saved times, ``T >= 2``.
    rtol, atol : tolerances, as in ``solve_ivp``.
    constrain : optional ``constrain(Y, starts)`` applied in place to every
        accepted state and every saved state (``Y`` is ``(d, n)``, ``starts``
        the ``(n,)`` indices of the columns' starts), e.g. a projection onto
        an invariant set.
    jacobian : ``(d, n) -> (n, d, d)``, for the implicit solver.
    max_steps : explicit steps per start before handing it over.
    stiff_steps : a start found stiff is handed over only if finishing
        explicitly would take more than this many further steps.
    implicit_method : ``solve_ivp`` method for handed-over starts.
    out : optional preallocated ``(B, T, d)`` output array.

    Returns
    -------
    BatchSolution

    Notes
    -----
    Implementation: the work arrays (``W = [y, h k_1, ..., h k_7]`` as one
    ``(8, d, n)`` block, the stage state, the new state and derivative) are
    allocated once and every stage is one matrix-vector product over ``W``
    plus one call of the field writing into ``W``.  A start that finishes
    (or is handed over) is frozen in place (``t = t_end``, zero step, no
    saved times left) instead of being cut out of the arrays at once; the
    arrays are compacted only when at most three quarters of their columns are live.
    """
    y0 = np.asarray(y0, dtype=float)
    times = np.asarray(times, dtype=float)
    B, d = y0.shape
    T = len(times)
    t0, t_end = float(times[0]), float(times[-1])
    span = t_end - t0
    states = np.empty((B, T, d)) if out is None else out
    states[:, 0, :] = y0
    steps = np.zeros(B, dtype=np.int64)
    rejected_total = np.zeros(B, dtype=np.int64)
    handed = np.zeros(B, dtype=bool)
    reason = np.full(B, "", dtype=object)
    nfev = 0
    sol = BatchSolution(times, states, steps, rejected_total, handed, reason, 0, 0, "")
    if B == 0 or d == 0:
        states[:] = y0[:, None, :]
        return sol
    into = getattr(rhs, "into", None)
    if into is None:
        def into(Y, target, scale):
            if scale is None:
                target[...] = rhs(Y)
            else:
                np.multiply(rhs(Y), scale, out=target)
            return target

    # per-column state; columns of finished starts are frozen (live False) until compaction
    idx = np.arange(B)
    t = np.full(B, t0)
    Y = np.ascontiguousarray(y0.T)
    F = np.ascontiguousarray(rhs(Y), dtype=float)
    nfev += 1
    h = _initial_step(rhs, Y, F, span, rtol, atol)
    nfev += 1
    nxt = np.ones(B, dtype=np.int64)        # first saved time not yet written
    cap = np.full(B, _MAX_FACTOR)            # largest step growth: 1 right after a rejection
    stiff_count = np.zeros(B, dtype=np.int64)
    nonstiff_count = np.zeros(B, dtype=np.int64)
    n_steps = np.zeros(B, dtype=np.int64)
    live = np.ones(B, dtype=bool)
    n_live = B
    eps = np.finfo(float).eps
    h_min = 10 * eps * max(abs(t0), abs(t_end), 1.0)    # a step below this has collapsed
    times_padded = np.append(times, np.inf)
    handover = []     # groups (starts, t, y (d, m), next saved index, why) for the implicit solvers
    iterations = 0
    ws = _Workspace(d, B)
    ws.W[0] = Y
    Y = None

    def leave(cols, why=None):
        """Record, and freeze, the columns ``cols`` (finished, or handed over with a reason)."""
        nonlocal n_live
        steps[idx[cols]] = n_steps[cols]
        rejected_total[idx[cols]] = iterations - n_steps[cols]
        if why is not None:
            handover.append((idx[cols], t[cols].copy(), ws.W[0][:, cols].copy(), nxt[cols].copy(), why))
        live[cols] = False
        t[cols] = t_end
        h[cols] = 0.0
        nxt[cols] = T
        n_live -= cols.size

    check_stiffness = False   # Hairer's test runs every 8th iteration, and every one once it fires
    with np.errstate(divide="ignore", over="ignore", invalid="ignore", under="ignore"):
        while n_live:
            n = idx.size
            if 4 * n_live <= 3 * n and n > 16:      # compact: drop the frozen columns
                keep = np.nonzero(live)[0]
                idx, t, h, nxt, cap = idx[keep], t[keep], h[keep], nxt[keep], cap[keep]
                stiff_count, nonstiff_count, n_steps = stiff_count[keep], nonstiff_count[keep], n_steps[keep]
                F = F[:, keep]
                Y = ws.W[0][:, keep]
                ws = W = W2 = stage = Y_new = F_new = err = scale = None    # free before reallocating
                ws = _Workspace(d, keep.size)
                ws.W[0] = Y
                live = np.ones(keep.size, dtype=bool)
                n = keep.size
            collapsed = h < h_min
            if collapsed.any():
                collapsed &= live
                if collapsed.any():
                    leave(np.nonzero(collapsed)[0], "step size collapsed")
                    continue
            iterations += 1
            W, W2, stage, Y_new, F_new, t_new, hs = ws.W, ws.W2, ws.stage, ws.Y_new, ws.F_new, ws.t_new, ws.hs
            np.add(t, h, out=t_new)
            last = t_new >= t_end
            np.minimum(t_new, t_end, out=t_new)
            np.subtract(t_new, t, out=hs)

            # every stage state and the new state are one linear combination of W's rows
            np.multiply(F, hs, out=W[1])
            for s in range(1, 6):
                np.dot(_STAGE[s], W2[:s + 1], out=ws.stage2)
                into(stage, W[s + 1], hs)
            np.dot(_STAGE[6], W2[:7], out=ws.Y_new2)
            into(Y_new, F_new, None)
            np.multiply(F_new, hs, out=W[7])
            nfev += 6
            # err^2 = mean((E.W / scale)^2); accept iff err < 1; factor 0.9 err^(-1/5) in [0.2, cap]
            err = ws.err
            np.dot(_E, W2[1:], out=ws.err2)
            scale = np.maximum(np.abs(W[0]), np.abs(Y_new))
            scale *= rtol
            scale += atol
            err /= scale
            e2 = np.einsum("ij,ij->j", err, err)
            ok = e2 < d
            e2 *= 1.0 / d
            factor = np.power(e2, -0.5 / (_ORDER + 1), out=e2)
            factor *= _SAFETY
            np.fmax(factor, _MIN_FACTOR, out=factor)        # NaN or inf error -> 0.2
            np.minimum(factor, cap, out=factor)
            cap = np.where(ok, _MAX_FACTOR, 1.0)
            n_steps += ok

            if check_stiffness or iterations % 8 == 0:
                # h*rho from the last two stages, both at t + h: |h k7 - h k6| / |y7 - y6|
                num = _rms(W[7] - W[6])
                den = _rms(Y_new - stage)
                hrho = np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)
                stiffish = ok & (hrho > _STIFF_RATIO)
                calm = ok & ~stiffish
                stiff_count = np.where(stiffish, stiff_count + 1,
                                       np.where(calm & (nonstiff_count + 1 >= 6), 0, stiff_count))
                nonstiff_count = np.where(stiffish, 0, np.where(calm, nonstiff_count + 1, nonstiff_count))
                check_stiffness = bool(stiff_count.any())

            if constrain is not None:
                constrain(Y_new, idx)
            due = times_padded.take(nxt) <= t_new
            due &= ok
            if due.any():
                for r in range(4):                   # four matrix-vector products (a (4, 7) x (7, n d)
                    np.dot(_PT[r], W2[1:], out=ws.Q2[r])    # BLAS product is slow at these shapes)
                _save_poly(states, times_padded, idx, t, hs, W[0], ws.Q, nxt, t_new, np.nonzero(due)[0],
                           constrain)
            np.copyto(W[0], Y_new, where=ok)
            np.copyto(F, F_new, where=ok)
            np.copyto(t, t_new, where=ok)
            np.multiply(hs, factor, out=h)          # a step rejected at the end is retried clipped again
            fin = ok & last
            fin &= live
            if fin.any():
                cols = np.nonzero(fin)[0]
                states[idx[cols], T - 1, :] = W[0][:, cols].T
                leave(cols)
            if check_stiffness:
                stiff = live & (stiff_count >= _STIFF_COUNT) & ((t_end - t) > stiff_steps * h)
                if stiff.any():
                    leave(np.nonzero(stiff)[0], "stiff")
            if iterations >= max_steps and n_live:
                leave(np.nonzero(live)[0], "max_steps")

    sol.evaluations = nfev
    sol.iterations = iterations
    ws = W = W2 = Y_new = F_new = stage = scale = err = factor = Y = F = None  # free the work space
    # stiff starts (and those past max_steps) continue together with the linearly implicit
    # Rosenbrock method; a start on which that fails too goes to scipy's LSODA on its own
    for group in handover:
        reason[group[0]] = group[4]
        handed[group[0]] = True
    batch = [g for g in handover if g[4] != "step size collapsed"]
    lone = [g for g in handover if g[4] == "step size collapsed"]
    if batch and jacobian is None:
        lone, batch = lone + batch, []
    if batch:
        sol.implicit_method = "linearly implicit Rosenbrock (Rodas3, batched)"
        group = tuple(np.concatenate([g[k] for g in batch], axis=-1) for k in range(4))
        sol.implicit_steps = np.zeros(B, dtype=np.int64)
        # in chunks of starts: the Jacobians and their inverses stay a bounded work space
        for lo in range(0, group[0].size, _ROS_CHUNK):
            part = tuple(a[..., lo:lo + _ROS_CHUNK] for a in group)
            failed, ros_steps, ros_iterations, ros_evals = rosenbrock_batch(
                rhs, jacobian, part, times, states, rtol=rtol, atol=atol, constrain=constrain)
            sol.implicit_steps += ros_steps
            sol.iterations += ros_iterations
            sol.evaluations += ros_evals
            if failed[0].size:
                reason[failed[0]] = reason[failed[0]] + ", then the Rosenbrock step size collapsed"
                lone.append(failed + ("",))
        del group
    for starts, t_here, y_here, k_here, _ in lone:
        if implicit_method not in sol.implicit_method:
            sol.implicit_method = " and ".join(filter(None, [sol.implicit_method, f"scipy {implicit_method}"]))
        for j, start in enumerate(starts):
            k = int(k_here[j])
            states[start, k:, :] = implicit_solve(rhs, jacobian, y_here[:, j], float(t_here[j]), times[k:],
                                                  rtol=rtol, atol=atol, method=implicit_method, start=int(start))
            if constrain is not None:
                block = np.ascontiguousarray(states[start, k:, :].T)
                constrain(block, np.full(block.shape[1], start))
                states[start, k:, :] = block.T
    sol.reason = reason.tolist()
    return sol


# Rodas3 (Sandu et al. 1997): 4 stages, order 3(2), L-stable, stiffly accurate;
# coefficients in the form y_new = y + sum m_i K_i, (I/(h gamma) - J) K_i = f(y + sum a_ij K_j) + sum c_ij K_j / h.
_ROS_GAMMA = 0.5
_ROS_A = {3: (2.0, 0.0), 4: (2.0, 0.0, 1.0)}
_ROS_C = {2: (4.0,), 3: (1.0, -1.0), 4: (1.0, -1.0, -8.0 / 3.0)}
_ROS_M = (2.0, 0.0, 1.0, 1.0)
_ROS_ORDER = 3
_ROS_CHUNK = 2048      # starts per Rosenbrock batch


def rosenbrock_batch(rhs, jacobian, group, times, states, *, rtol, atol, constrain=None, max_steps=100_000):
    """Finish many starts together with the Rodas3 Rosenbrock method, per-start step control.

    ``group`` is ``(starts (m,), t (m,), y (d, m), k (m,))``: the starts'
    indices, their times and states and their next saved times' indices.  Each step solves, per start, the
    linear systems ``(I/(h gamma) - J(y)) K_i = ...`` with the analytic
    Jacobian (batched ``(n, d, d)`` inverses); the error estimate is
    ``K_4`` (the embedded 2nd-order solution differs by it).  Saved times
    inside a step come from cubic Hermite interpolation of ``y`` and ``f`` at
    both ends (3rd order, like the method).

    Returns ``(failed group, steps (B,), iterations, evaluations)``.
    """
    B, T, d = states.shape
    t_end = float(times[-1])
    times_padded = np.append(times, np.inf)
    idx, t, Y, nxt = (np.asarray(group[0], dtype=np.int64), np.asarray(group[1], dtype=float),
                      np.ascontiguousarray(group[2], dtype=float), np.asarray(group[3], dtype=np.int64))
    n_steps = np.zeros(idx.size, dtype=np.int64)
    steps_out = np.zeros(B, dtype=np.int64)
    F = rhs(Y)
    evaluations = 1
    h = np.minimum(np.maximum(1e-3 * (t_end - t), 1e-6), t_end - t)
    just_rejected = np.zeros(idx.size, dtype=bool)
    eye = np.eye(d)
    failed, iterations = [], 0          # groups (starts, t, y, k)
    eps = np.finfo(float).eps
    with np.errstate(divide="ignore", over="ignore", invalid="ignore", under="ignore"):
        while idx.size:
            iterations += 1
            bad = (h < 10 * eps * np.maximum(np.abs(t), 1.0)) | (n_steps >= max_steps)
            if bad.any():
                c = np.nonzero(bad)[0]
                failed.append((idx[c], t[c], Y[:, c], nxt[c]))
                keep = ~bad
                idx, t, Y, F, h, nxt = idx[keep], t[keep], Y[:, keep], F[:, keep], h[keep], nxt[keep]
                n_steps, just_rejected = n_steps[keep], just_rejected[keep]
                continue
            t_new = t + h
            last = t_new >= t_end
            t_new[last] = t_end
            hs = t_new - t
            J = jacobian(Y)                                          # (n, d, d)
            G = eye / (hs * _ROS_GAMMA)[:, None, None] - J
            Ginv = np.linalg.inv(G)

            def solve(R):
                return np.einsum("nij,jn->in", Ginv, R)

            K1 = solve(F)
            K2 = solve(F + (_ROS_C[2][0] / hs) * K1)
            Y3 = Y + _ROS_A[3][0] * K1 + _ROS_A[3][1] * K2
            K3 = solve(rhs(Y3) + (_ROS_C[3][0] * K1 + _ROS_C[3][1] * K2) / hs)
            Y4 = Y + _ROS_A[4][0] * K1 + _ROS_A[4][1] * K2 + _ROS_A[4][2] * K3
            K4 = solve(rhs(Y4) + (_ROS_C[4][0] * K1 + _ROS_C[4][1] * K2 + _ROS_C[4][2] * K3) / hs)
            Y_new = Y + _ROS_M[0] * K1 + _ROS_M[1] * K2 + _ROS_M[2] * K3 + _ROS_M[3] * K4
            scale = atol + np.maximum(np.abs(Y), np.abs(Y_new)) * rtol
            err = _rms(K4 / scale)
            err[~(np.isfinite(err) & np.isfinite(Y_new).all(axis=0))] = np.inf
            ok = err < 1.0
            factor = np.minimum(6.0, _SAFETY * err ** (-1 / _ORDER_ROS))
            factor = np.where(ok, np.where(just_rejected, np.minimum(1.0, factor), factor),
                              np.maximum(_MIN_FACTOR, np.minimum(1.0, factor)))
            just_rejected = ~ok
            n_steps += ok
            if constrain is not None:
                constrain(Y_new, idx)
            F_new = rhs(Y_new)
            evaluations += 3
            nxt = _save_hermite(states, times_padded, idx, t, hs, Y, F, Y_new, F_new, nxt, t_new, ok, constrain)
            Y = np.where(ok, Y_new, Y)
            F = np.where(ok, F_new, F)
            t = np.where(ok, t_new, t)
            h = hs * factor
            done = ok & last
            if done.any():
                fin = np.nonzero(done)[0]
                states[idx[fin], T - 1, :] = Y[:, fin].T
                steps_out[idx[fin]] = n_steps[fin]
                keep = ~done
                idx, t, Y, F, h, nxt = idx[keep], t[keep], Y[:, keep], F[:, keep], h[keep], nxt[keep]
                n_steps, just_rejected = n_steps[keep], just_rejected[keep]
    if failed:
        failed = tuple(np.concatenate([f[k] for f in failed], axis=-1) for k in range(4))
    else:
        failed = (np.zeros(0, np.int64), np.zeros(0), np.zeros((d, 0)), np.zeros(0, np.int64))
    return failed, steps_out, iterations, evaluations


_ORDER_ROS = _ROS_ORDER


def _save_hermite(states, times_padded, starts, t_old, h, Y0, F0, Y1, F1, nxt, t_new, accepted, constrain,
                  chunk=16384):
    """Saved times in ``(t_old, t_new]`` from the cubic Hermite interpolant of ``(y, f)`` at both ends.

    ``y(t_old + theta h) = y0 + theta (c1 + theta (c2 + theta c3))`` with
    ``c1 = h f0``, ``c2 = 3 (y1 - y0) - 2 h f0 - h f1``,
    ``c3 = h f0 + h f1 - 2 (y1 - y0)``.  Returns the next saved indices.
    """
    due = accepted & (times_padded[nxt] <= t_new)
    if not due.any():
        return nxt
    dy = Y1 - Y0
    c1 = F0 * h
    hf1 = F1 * h
    coefficients = np.stack([c1, 3 * dy - 2 * c1 - hf1, c1 + hf1 - 2 * dy])
    nxt = nxt.copy()
    _save_poly(states, times_padded, starts, t_old, h, Y0, coefficients, nxt, t_new, np.nonzero(due)[0],
               constrain, chunk=chunk)
    return nxt


def _save_poly(states, times_padded, starts, t_old, h, Y0, Q, nxt, t_new, cols, constrain, chunk=16384):
    """Write, for the columns ``cols``, every saved time in ``(t_old, t_new]``; advance ``nxt`` in place.

    The interpolant of a step is the polynomial
    ``y(t_old + theta h) = Y0 + theta (Q_0 + theta (Q_1 + ... theta Q_{r-1}))``
    (``Q`` is ``(r, d, n)``): for the Dormand--Prince pair Shampine's
    4th-order continuous extension ``Q = P^T (h K)`` (``r = 4``), for the
    Rosenbrock steps a cubic Hermite interpolant.  All (start, saved time)
    pairs are evaluated at once, at most ``chunk`` at a time so the work space
    stays bounded however many saved times a long step covers.
    """
    B, T, d = states.shape
    hi = times_padded.searchsorted(t_new[cols], side="right")
    count = hi - nxt[cols]
    flat = states.reshape(-1)
    offsets = np.arange(d)[:, None]
    total = int(count.sum())
    if total <= chunk:
        pieces = [(0, cols.size)]
    else:
        ends = np.cumsum(count)
        cuts = np.searchsorted(ends, np.arange(chunk, total, chunk), side="left") + 1
        bounds = np.unique(np.concatenate([[0], cuts, [cols.size]]))
        pieces = list(zip(bounds[:-1], bounds[1:]))
    for lo, up in pieces:
        c, cnt = cols[lo:up], count[lo:up]
        k = nxt[c]
        if cnt.size and cnt.max() > 1:          # several saved times in one step: one pair each
            k = np.arange(int(cnt.sum())) + np.repeat(k - (np.cumsum(cnt) - cnt), cnt)
            c = np.repeat(c, cnt)
        theta = (times_padded[k] - t_old[c]) / h[c]
        Qc = Q.take(c, axis=2)
        v = Qc[-1] * theta
        for r in range(Q.shape[0] - 2, -1, -1):
            v += Qc[r]
            v *= theta
        v += Y0.take(c, axis=1)
        who = starts[c]
        if constrain is not None:
            constrain(v, who)
        flat[((who * T + k) * d)[None, :] + offsets] = v
    nxt[cols] = hi


def implicit_solve(rhs, jacobian, y0: np.ndarray, t0: float, times: np.ndarray, *, rtol: float, atol: float,
                   method: str = "LSODA", start: int | None = None) -> np.ndarray:
    """Integrate one start with an implicit method and return its states at ``times`` ``(T, d)``.

    ``times[0]`` may equal ``t0`` or lie after it.  Raises
    :class:`~evogame.errors.AnalysisError` when the solver fails.
    """
    from scipy.integrate import solve_ivp

    from .errors import AnalysisError

    d = y0.shape[0]

    def f(_t, y):
        return rhs(y.reshape(d, 1))[:, 0]

    options = {}
    if jacobian is not None and method in ("Radau", "BDF", "LSODA"):
        options["jac"] = lambda _t, y: jacobian(y.reshape(d, 1))[0]

    if times[-1] <= t0:
        return np.repeat(y0[None, :], len(times), axis=0)
    with np.errstate(all="ignore"):
        sol = solve_ivp(f, (t0, float(times[-1])), y0, method=method, t_eval=times, rtol=rtol, atol=atol,
                        **options)
    which = "" if start is None else f" from start {start}"
    if not sol.success or sol.y.shape[1] != len(times) or not np.all(np.isfinite(sol.y)):
        raise AnalysisError(f"integration failed{which} at t = {t0:g}: the explicit solver's step size "
                            f"collapsed and the implicit {method} solver failed too ({sol.message}); "
                            f"the vector field may not be finite there, or the parameters make the "
                            f"dynamics too stiff for the tolerances (rtol={rtol:g}, atol={atol:g})")
    return sol.y.T
