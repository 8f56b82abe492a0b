"""Per-start error norm, accept/reject decision and step-size controller of the explicit pair.

The controller is scipy's (``solve_ivp(method="RK45")``), applied to every
column on its own: with ``e = b_hat - b`` the error weights of
:mod:`~evogame.dynamics.integrator.tableau` and ``K`` the stage derivatives of one start,

    err = || h K^T e / (atol + rtol max(|y_n|, |y_{n+1}|)) ||_RMS,
    accept iff err < 1,
    h <- h * min(cap, max(0.2, 0.9 err^(-1/5))),

where ``cap`` is 10, or 1 right after a rejected step (no growth then).
"""
from __future__ import annotations

import numpy as np

from .records import StepControl, StepVerdict
from .stages import Workspace
from .tableau import ERROR_ORDER, ERROR_WEIGHTS

SAFETY = 0.9
MIN_FACTOR = 0.2
MAX_FACTOR = 10.0


def rms(v: np.ndarray) -> np.ndarray:
    """RMS over the component axis (axis 0) of a ``(d, n)`` array: ``sqrt(sum_i v_i^2 / d)``."""
    return np.sqrt(np.einsum("ij,ij->j", v, v) / v.shape[0])


def initial_step(rhs, y0: np.ndarray, f0: np.ndarray, span: float, rtol: float, atol: float) -> np.ndarray:
    """First step size per start: scipy's ``select_initial_step`` (Hairer, Norsett & Wanner I, II.4).

    With ``sc = atol + rtol |y0|``, ``d0 = ||y0/sc||``, ``d1 = ||f0/sc||``
    (RMS norms), ``h0 = 0.01 d0/d1`` (``1e-6`` if either is below ``1e-5``),
    one explicit Euler step gives ``d2 = ||(f(y0 + h0 f0) - f0)/sc|| / h0``
    and ``h1 = (0.01 / max(d1, d2))^(1/5)`` (``max(1e-6, 1e-3 h0)`` if that
    maximum is at most ``1e-15``); the step is ``min(100 h0, h1, span)``.

    Parameters
    ----------
    rhs : vectorised field ``(d, n) -> (d, n)``.
    y0, f0 : ``(d, n)`` initial states and their derivatives.
    span : length of the integration interval.
    rtol, atol : tolerances.

    Returns
    -------
    ``(n,)`` step sizes.  One field evaluation.
    """
    scale = atol + np.abs(y0) * rtol
    d0 = rms(y0 / scale)
    d1 = rms(f0 / scale)
    small = (d0 < 1e-5) | (d1 < 1e-5)
    h0 = np.where(small, 1e-6, 0.01 * d0 / np.where(d1 > 0, d1, 1.0))
    h0 = np.minimum(h0, span)
    f1 = rhs(y0 + h0 * f0)
    d2 = rms((f1 - f0) / scale) / h0
    dmax = np.maximum(d1, d2)
    with np.errstate(divide="ignore"):
        h1 = np.where(dmax <= 1e-15, np.maximum(1e-6, h0 * 1e-3),
                      (0.01 / np.where(dmax > 0, dmax, 1.0)) ** (1 / (ERROR_ORDER + 1)))
    return np.minimum(np.minimum(100 * h0, h1), span)


def judge_step(ws: Workspace, cap: np.ndarray, rtol: float, atol: float) -> StepVerdict:
    """Accept or reject every column's step and give its step-size factor (see the module docstring).

    Uses ``ws.W`` (``y_n`` and ``h k_1..h k_7``) and ``ws.Y_new``; overwrites
    ``ws.err``.  A NaN or infinite error gives a rejection and the factor 0.2.

    Returns
    -------
    StepVerdict
        ``accepted`` ``(n,)`` bool, and ``factor`` ``(n,)``: the next step size is ``hs * factor``.
    """
    W, err = ws.W, ws.err
    d = W.shape[1]
    np.dot(ERROR_WEIGHTS, ws.W2[1:], out=ws.err2)
    scale = np.maximum(np.abs(W[0]), np.abs(ws.Y_new))
    scale *= rtol
    scale += atol
    err /= scale
    # err^2 summed over components: err_RMS < 1 iff the sum < d; the factor needs (sum / d)^(-1/10)
    e2 = np.einsum("ij,ij->j", err, err)
    accepted = e2 < d
    e2 *= 1.0 / d
    factor = np.power(e2, -0.5 / (ERROR_ORDER + 1), out=e2)
    factor *= SAFETY
    np.fmax(factor, MIN_FACTOR, out=factor)        # fmax: a NaN error gives 0.2
    np.minimum(factor, cap, out=factor)
    return StepVerdict(accepted, factor)


def next_control(hs: np.ndarray, factor: np.ndarray, accepted: np.ndarray, h: np.ndarray) -> StepControl:
    """The controller's state for the next iteration: ``h = hs * factor`` (written into ``h``), and the cap.

    A step rejected at the final time is retried from ``hs`` (the clipped step), scaled down.
    """
    np.multiply(hs, factor, out=h)
    return StepControl(h=h, cap=np.where(accepted, MAX_FACTOR, 1.0))
