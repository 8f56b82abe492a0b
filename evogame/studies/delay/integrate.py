"""Batched integration of delay differential equations by the method of steps.

The scheme: classical Runge--Kutta of order 4 with a fixed step ``h`` that
divides the smallest delay, ``h = tau_min / m``; the delayed values a stage
needs, ``y(t_n + c h - tau)``, come from the history function when that time
is <= 0 and otherwise from the cubic Hermite interpolant of the computed
solution (values and derivatives at the grid points) -- the "continuous
extension".  With one delay the grid holds every breaking point
``0, tau, 2 tau, ...`` (where derivatives of the solution jump), so each
interpolation stays inside one smooth piece and the global error is
``O(h^4)`` (checked against the exact solution of ``dx/dt = -x(t - 1)`` in
the tests).  Several delays that are not multiples of ``h`` keep the scheme
convergent, with a lower order near breaking points off the grid.

The whole batch is one array: every start shares the grid, so a delayed
value is one interpolation of a ``(d, n)`` array.  Only the last
``tau_max / h + 2`` grid points are kept (a ring buffer).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

__all__ = ["DDESolution", "integrate_dde", "fixed_step"]

#: the default largest step of the delayed simulations
MAX_STEP = 0.01


@dataclass
class DDESolution:
    """States at the requested times, ``(T, d, n)``, and the step used."""

    times: np.ndarray
    states: np.ndarray
    step: float
    steps: int


def fixed_step(delays: Sequence[float], max_step: float = MAX_STEP) -> float:
    """The step ``tau_min / m`` with the smallest ``m`` such that it is <= ``max_step``."""
    tau = min(t for t in delays if t > 0)
    return tau / math.ceil(tau / max_step - 1e-9)


def integrate_dde(rhs: Callable, y0: np.ndarray, delays: Sequence[float], times: np.ndarray, *,
                  history: Callable | None = None, step: float | None = None,
                  constrain: Callable | None = None) -> DDESolution:
    """Integrate ``dy/dt = rhs(y(t), [y(t - tau_k) for tau_k in delays])`` for a batch of starts.

    Parameters
    ----------
    rhs : ``rhs(Y (d, n), lagged: list of (d, n)) -> (d, n)``.
    y0 : the initial states, component-major ``(d, n)``.
    delays : the positive delays ``tau_k``.
    times : the output times, ascending, in ``[0, t_end]``.
    history : ``history(s) -> (d, n)`` for ``s < 0``; default: the constant ``y0``.
    step : the fixed step; default :func:`fixed_step`.  It must not exceed the smallest delay.
    constrain : called in place on every new state ``(d, n)`` (e.g. to stay on the simplices).
    """
    delays = [float(t) for t in delays]
    y0 = np.array(y0, dtype=float)
    h = fixed_step(delays) if step is None else float(step)
    if not (0 < h <= min(delays) * (1 + 1e-12)):
        raise ValueError(f"the step {h} must be positive and at most the smallest delay {min(delays)}")
    times = np.asarray(times, dtype=float)
    history = history if history is not None else (lambda s: y0)
    steps = int(math.ceil(times[-1] / h - 1e-9))
    ring = int(math.ceil(max(delays) / h)) + 3
    Ys = np.empty((ring,) + y0.shape)
    Ds = np.empty((ring,) + y0.shape)
    out = np.empty((len(times),) + y0.shape)

    def lagged(t: float, n: int) -> list[np.ndarray]:
        """The delayed states at time ``t`` (inside step ``n``), one per delay."""
        values = []
        for tau in delays:
            s = t - tau
            if s < -1e-12 * h:
                values.append(history(s))
                continue
            j = min(int(math.floor(s / h + 1e-9)), n)
            theta = min(max(s / h - j, 0.0), 1.0)
            values.append(Ys[j % ring] if (j == n or theta < 1e-12) else
                          _hermite(Ys[j % ring], Ds[j % ring], Ys[(j + 1) % ring], Ds[(j + 1) % ring], h, theta))
        return values

    Y = y0.copy()
    k = 0   # next output time
    for n in range(steps + 1):
        t = n * h
        Ys[n % ring] = Y
        Ds[n % ring] = k1 = rhs(Y, lagged(t, n))
        if n > 0:   # fill the output times in [t - h, t]
            while k < len(times) and times[k] <= t + 1e-12 * h:
                theta = min(max((times[k] - (t - h)) / h, 0.0), 1.0)
                out[k] = _hermite(Ys[(n - 1) % ring], Ds[(n - 1) % ring], Y, k1, h, theta)
                k += 1
        elif times[0] <= 1e-12 * h:
            out[0] = Y
            k = 1
        if n == steps:
            break
        middle = lagged(t + 0.5 * h, n)
        k2 = rhs(Y + 0.5 * h * k1, middle)
        k3 = rhs(Y + 0.5 * h * k2, middle)
        k4 = rhs(Y + h * k3, lagged(t + h, n))
        Y = Y + (h / 6.0) * (k1 + 2 * k2 + 2 * k3 + k4)
        if constrain is not None:
            constrain(Y)
    return DDESolution(times, out, h, steps)


def _hermite(y0, d0, y1, d1, h, theta):
    """The cubic Hermite interpolant on ``[t, t + h]`` at ``t + theta h``."""
    t2, t3 = theta * theta, theta * theta * theta
    return ((2 * t3 - 3 * t2 + 1) * y0 + (t3 - 2 * t2 + theta) * h * d0
            + (-2 * t3 + 3 * t2) * y1 + (t3 - t2) * h * d1)
