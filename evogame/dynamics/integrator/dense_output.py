"""Dense output: the saved times inside a step, from a polynomial interpolant of that step.

Every step's interpolant has the form

    y(t_n + theta h) = y_n + theta (q_1 + theta (q_2 + ... + theta q_r)),    0 <= theta <= 1,

evaluated by Horner's rule:

* for the Dormand--Prince pair, Shampine's 4th-order continuous extension
  (``r = 4``, ``q = P^T (h K)``, see :mod:`~evogame.dynamics.integrator.tableau`),
  the interpolant of ``solve_ivp(method="RK45", t_eval=...)``;
* for the Rosenbrock method, the cubic Hermite interpolant of ``y`` and
  ``f`` at both ends (``r = 3``, 3rd order like the method):
  ``q_1 = h f_n``, ``q_2 = 3 (y_{n+1} - y_n) - 2 h f_n - h f_{n+1}``,
  ``q_3 = h f_n + h f_{n+1} - 2 (y_{n+1} - y_n)``.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .tableau import DENSE_PT

#: (start, saved time) pairs evaluated at once, at most: bounds the work space
#: however many saved times a long step covers.
CHUNK = 16384


class StepPolynomial(NamedTuple):
    """The interpolant of one step per column: ``y(t_old + theta h) = y0 + theta (Q_0 + theta (...))``."""

    t_old: np.ndarray    # (n,) start of the step
    h: np.ndarray        # (n,) step size
    y0: np.ndarray       # (d, n) state at t_old
    Q: np.ndarray        # (r, d, n) coefficients of theta^1 .. theta^r


def save_poly(states: np.ndarray, times_padded: np.ndarray, starts: np.ndarray, step: StepPolynomial,
              nxt: np.ndarray, t_new: np.ndarray, cols: np.ndarray, constrain, chunk: int = CHUNK) -> None:
    """Write, for the columns ``cols``, every saved time in ``(t_old, t_new]``; advance ``nxt`` in place.

    Parameters
    ----------
    states : ``(B, T, d)`` output; row ``starts[j]`` belongs to column ``j``.
    times_padded : the ``T`` saved times followed by ``inf``.
    starts : ``(n,)`` the columns' starts.
    step : the columns' interpolants.
    nxt : ``(n,)`` per column, the first saved time not yet written.
    t_new : ``(n,)`` end of the step.
    cols : indices of the columns with at least one saved time in the step.
    constrain : ``constrain(Y, starts)`` applied to the interpolated states, or ``None``.
    chunk : at most this many (start, saved time) pairs are evaluated at once.
    """
    hi = times_padded.searchsorted(t_new[cols], side="right")
    count = hi - nxt[cols]
    for lo, up in _pieces(count, chunk):
        c, cnt = cols[lo:up], count[lo:up]
        k = nxt[c]
        if cnt.size and cnt.max() > 1:          # several saved times in one step: one pair each
            k = np.arange(int(cnt.sum())) + np.repeat(k - (np.cumsum(cnt) - cnt), cnt)
            c = np.repeat(c, cnt)
        theta = (times_padded[k] - step.t_old[c]) / step.h[c]
        Qc = step.Q.take(c, axis=2)
        v = Qc[-1] * theta
        for r in range(step.Q.shape[0] - 2, -1, -1):
            v += Qc[r]
            v *= theta
        v += step.y0.take(c, axis=1)
        who = starts[c]
        if constrain is not None:
            constrain(v, who)
        write_states(states, who, k, v)
    nxt[cols] = hi


def _pieces(count: np.ndarray, chunk: int) -> list:
    """Split the columns into consecutive ``(lo, up)`` ranges of at most about ``chunk`` pairs each."""
    total = int(count.sum())
    if total <= chunk:
        return [(0, count.size)]
    ends = np.cumsum(count)
    cuts = np.searchsorted(ends, np.arange(chunk, total, chunk), side="left") + 1
    bounds = np.unique(np.concatenate([[0], cuts, [count.size]]))
    return list(zip(bounds[:-1], bounds[1:]))


def write_states(states: np.ndarray, who: np.ndarray, k: np.ndarray, v: np.ndarray) -> None:
    """``states[who[j], k[j], :] = v[:, j]`` for every ``j``: ``v`` ``(d, m)`` interpolated states.

    One flat index per number.  Measured on the writes of 10k starts (2M
    states): 30 ms, against 35 ms moving each state as one ``8 d``-byte item
    and 52 ms into a ``(T, B, d)`` array (its rows are not written in
    order either), before the transpose a ``(B, T, d)`` result would need.
    """
    B, T, d = states.shape
    if not states.flags.c_contiguous:
        states[who, k] = v.T
        return
    states.reshape(-1)[((who * T + k) * d)[None, :] + np.arange(d)[:, None]] = v


def save_dopri5(states, times_padded, starts, t, nxt, ws, accepted, constrain) -> None:
    """Write the saved times passed by the accepted Dormand--Prince steps in ``ws``; advance ``nxt``.

    ``ws`` is the explicit solver's workspace after the step (``W = [y_n, h k_1..h k_7]``,
    ``hs``, ``t_new``); ``t`` ``(n,)`` the steps' start times.  The coefficients
    ``Q = P^T (h K)`` are formed only when some column has a saved time in its step,
    as ONE matrix product ``(4, 7) x (7, d n)`` (it reads the stage block once:
    2.4x less CPU time than four matrix-vector products, profiled at 10k starts).
    """
    due = times_padded.take(nxt) <= ws.t_new
    due &= accepted
    if due.any():
        np.dot(DENSE_PT, ws.W2[1:], out=ws.Q2)
        save_poly(states, times_padded, starts, StepPolynomial(t, ws.hs, ws.W[0], ws.Q), nxt, ws.t_new,
                  np.nonzero(due)[0], constrain)


def save_hermite(states, times_padded, starts, t_old, h, Y0, F0, Y1, F1, nxt, t_new, accepted, constrain,
                 chunk: int = CHUNK) -> np.ndarray:
    """Saved times in ``(t_old, t_new]`` of the accepted columns, from the cubic Hermite interpolant.

    ``Y0, F0`` and ``Y1, F1`` ``(d, n)`` are the states and derivatives at
    both ends of the steps.  Returns the next saved indices (a new array if
    any were written, else ``nxt``).
    """
    due = accepted & (times_padded[nxt] <= t_new)
    if not due.any():
        return nxt
    dy = Y1 - Y0
    c1 = F0 * h
    hf1 = F1 * h
    coefficients = np.stack([c1, 3 * dy - 2 * c1 - hf1, c1 + hf1 - 2 * dy])
    nxt = nxt.copy()
    save_poly(states, times_padded, starts, StepPolynomial(t_old, h, Y0, coefficients), nxt, t_new,
              np.nonzero(due)[0], constrain, chunk=chunk)
    return nxt
