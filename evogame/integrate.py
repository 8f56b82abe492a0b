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
_ORDER = 4          # error estimator order: exponent -1/(order + 1)
_SAFETY = 0.9
_MIN_FACTOR = 0.2
_MAX_FACTOR = 10.0
_STIFF_RATIO = 3.25  # |h rho| beyond the DOPRI5 stability boundary along the real axis
_STIFF_COUNT = 15    # consecutive accepted steps with |h rho| > 3.25 (Hairer's nstiff test)


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
    implicit_method: str = "LSODA"

    @property
    def message(self) -> str:
        n = int(self.handed_over.sum())
        if not n:
            return (f"explicit Dormand-Prince 5(4), per-start step control: {int(self.steps.sum())} steps, "
                    f"{int(self.rejected.sum())} rejected")
        kinds = sorted({r for r in self.reason if r})
        return (f"explicit Dormand-Prince 5(4), per-start step control; {n} of {len(self.steps)} starts "
                f"({', '.join(kinds)}) finished with the implicit {self.implicit_method} solver")


def _rms(v: np.ndarray) -> np.ndarray:
    """RMS over the component axis (axis 0) of a ``(d, n)`` array."""
    return np.sqrt(np.einsum("ij,ij->j", v, v) / v.shape[0])


def _lincomb(coefficients: np.ndarray, K: np.ndarray) -> np.ndarray:
    """``sum_j c_j K[j]`` for ``K (s, d, n)``, without BLAS (whose threads only
    add overhead at these sizes and stall on a busy machine)."""
    s, d, n = K.shape
    return np.einsum("j,jk->k", coefficients, K.reshape(s, d * n)).reshape(d, n)


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
                 max_steps: int = 100_000, stiff_steps: int = 5_000,
                 implicit_method: str = "LSODA", out: np.ndarray | None = None) -> BatchSolution:
    """Integrate ``dy/dt = rhs(y)`` from every row of ``y0`` on ``[times[0], times[-1]]``.

    Parameters
    ----------
    rhs : vectorised right-hand side, ``(d, n) -> (d, n)`` (one column per
        state; component-major so each component is a contiguous row).
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
    reason = [""] * B
    nfev = 0
    sol = BatchSolution(times, states, steps, rejected_total, handed, reason, 0, 0, implicit_method)
    if B == 0 or d == 0:
        states[:] = y0[:, None, :]
        return sol

    # active set, compacted as starts finish: index, time, state, FSAL derivative, step
    idx = np.arange(B)
    t = np.full(B, t0)
    Y = np.ascontiguousarray(y0.T)
    F = rhs(Y)
    nfev += 1
    h = _initial_step(rhs, Y, F, span, rtol, atol)
    nfev += 1
    next_save = np.ones(B, dtype=np.int64)   # first saved time not yet written
    just_rejected = np.zeros(B, dtype=bool)
    stiff_count = np.zeros(B, dtype=np.int64)
    nonstiff_count = np.zeros(B, dtype=np.int64)
    n_steps = np.zeros(B, dtype=np.int64)
    n_rej = np.zeros(B, dtype=np.int64)
    eps = np.finfo(float).eps
    times_padded = np.append(times, np.inf)
    handover = []     # (start, t, y) for the implicit solver
    iterations = 0

    check_stiffness = False   # Hairer's test runs every 8th iteration, and every one once it fires
    with np.errstate(divide="ignore", over="ignore", invalid="ignore", under="ignore"):
        while idx.size:
            iterations += 1
            n = idx.size
            collapsed = h < 10 * eps * np.maximum(np.abs(t), 1.0)
            if collapsed.any():
                steps[idx] = n_steps
                rejected_total[idx] = n_rej
                for j in np.nonzero(collapsed)[0]:
                    reason[idx[j]] = "step size collapsed"
                    handover.append((int(idx[j]), float(t[j]), Y[:, j].copy(), int(next_save[j])))
                keep = ~collapsed
                idx, t, Y, F, h = idx[keep], t[keep], Y[:, keep], F[:, keep], h[keep]
                next_save, just_rejected = next_save[keep], just_rejected[keep]
                stiff_count, nonstiff_count = stiff_count[keep], nonstiff_count[keep]
                n_steps, n_rej = n_steps[keep], n_rej[keep]
                continue
            t_new = t + h
            last = t_new >= t_end
            t_new[last] = t_end
            hs = t_new - t

            K = np.empty((7, d, n))
            K[0] = F
            for s in range(1, 6):
                stage = Y + hs * _lincomb(_A[s], K[:s])
                K[s] = rhs(stage)
            Y_new = Y + hs * _lincomb(_B, K[:6])
            K[6] = rhs(Y_new)
            nfev += 6
            scale = atol + np.maximum(np.abs(Y), np.abs(Y_new)) * rtol
            err = _rms(hs * _lincomb(_E, K) / scale)
            err[~np.isfinite(err)] = np.inf
            ok = err < 1.0
            factor = np.minimum(_MAX_FACTOR, _SAFETY * err ** (-1 / (_ORDER + 1)))   # err = 0 -> inf -> 10
            factor = np.where(ok, np.where(just_rejected, np.minimum(1.0, factor), factor),
                              np.maximum(_MIN_FACTOR, np.minimum(1.0, factor)))
            n_steps += ok
            n_rej += ~ok
            just_rejected = ~ok

            if check_stiffness or iterations % 8 == 0:
                # h*rho from the last two stages, both at t + h: |k7 - k6| / |y7 - y6|
                num = _rms(K[6] - K[5])
                den = _rms(Y_new - stage)
                hrho = np.where(den > 0, hs * num / np.where(den > 0, den, 1.0), 0.0)
                stiffish = ok & (hrho > _STIFF_RATIO)
                calm = ok & ~stiffish
                stiff_count = np.where(stiffish, stiff_count + 1,
                                       np.where(calm & (nonstiff_count + 1 >= 6), 0, stiff_count))
                nonstiff_count = np.where(stiffish, 0, np.where(calm, nonstiff_count + 1, nonstiff_count))
                check_stiffness = bool(stiff_count.any())

            if constrain is not None:
                constrain(Y_new, idx)
            next_save = _save_dense(states, times_padded, idx, t, hs, Y, K, next_save, t_new, ok, constrain)
            if ok.all():
                Y, F, t = Y_new, K[6], t_new
            else:
                Y = np.where(ok, Y_new, Y)
                F = np.where(ok, K[6], F)
                t = np.where(ok, t_new, t)
            h = hs * factor            # a step rejected at the end is retried clipped again
            leave = ok & last
            if check_stiffness:
                stiff = ~leave & (stiff_count >= _STIFF_COUNT) & ((t_end - t) > stiff_steps * h)
                leave |= stiff
            else:
                stiff = None
            if iterations >= max_steps:
                too_many = ~leave & (n_steps + n_rej >= max_steps)
                leave |= too_many
            else:
                too_many = None
            if leave.any():
                steps[idx] = n_steps
                rejected_total[idx] = n_rej
                for why, mask in (("stiff", stiff), ("max_steps", too_many)):
                    if mask is not None:
                        for j in np.nonzero(mask)[0]:
                            reason[idx[j]] = why
                            handover.append((int(idx[j]), float(t[j]), Y[:, j].copy(), int(next_save[j])))
                fin = np.nonzero(ok & last)[0]
                states[idx[fin], T - 1, :] = Y[:, fin].T
                keep = ~leave
                idx, t, Y, F, h = idx[keep], t[keep], Y[:, keep], F[:, keep], h[keep]
                next_save, just_rejected = next_save[keep], just_rejected[keep]
                stiff_count, nonstiff_count = stiff_count[keep], nonstiff_count[keep]
                n_steps, n_rej = n_steps[keep], n_rej[keep]

    sol.evaluations = nfev
    sol.iterations = iterations
    for start, t_here, y_here, k in handover:
        handed[start] = True
        states[start, k:, :] = implicit_solve(rhs, jacobian, y_here, t_here, times[k:], rtol=rtol, atol=atol,
                                              method=implicit_method, start=start)
        if constrain is not None:
            block = np.ascontiguousarray(states[start, k:, :].T)
            constrain(block, np.full(block.shape[1], start))
            states[start, k:, :] = block.T
    return sol


def _save_dense(states, times_padded, starts, t_old, h, Y_old, K, nxt, t_new, accepted, constrain):
    """Write the saved times in ``(t_old, t_new]`` of the accepted steps.

    The continuous extension of the pair (Shampine's 4th-order interpolant):
    ``y(t_old + theta h) = y_old + h theta (Q_0 + theta (Q_1 + theta (Q_2 + theta Q_3))))``
    with ``Q = K^T P``.  Returns the index of each start's next saved time.
    Work goes in rounds: round ``r`` writes each start's ``r``-th saved
    time of this step, on all columns at once when most are due.
    """
    due = accepted & (times_padded[nxt] <= t_new)
    if not due.any():
        return nxt
    B, T, d = states.shape
    n = starts.size
    flat = states.reshape(-1)
    offsets = np.arange(d)[:, None]
    Q = np.einsum("jr,jk->rk", _P, K.reshape(7, d * n)).reshape(4, d, n)
    nxt = nxt.copy()
    while True:
        cols = np.nonzero(due)[0]
        if 4 * cols.size >= n:     # most starts are due: compute on all columns, keep the due ones
            theta = (times_padded[nxt] - t_old) / h
            v = Q[3] * theta
            v += Q[2]
            v *= theta
            v += Q[1]
            v *= theta
            v += Q[0]
            v *= h * theta
            v += Y_old
            values = v[:, cols]
        else:
            theta = (times_padded[nxt[cols]] - t_old[cols]) / h[cols]
            Qc = Q[:, :, cols]
            v = Qc[3] * theta
            v += Qc[2]
            v *= theta
            v += Qc[1]
            v *= theta
            v += Qc[0]
            v *= h[cols] * theta
            v += Y_old[:, cols]
            values = v
        who = starts[cols]
        if constrain is not None:
            constrain(values, who)
        flat[((who * T + nxt[cols]) * d)[None, :] + offsets] = values
        nxt[cols] += 1
        due[cols] = times_padded[nxt[cols]] <= t_new[cols]
        if not due.any():
            return nxt


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
