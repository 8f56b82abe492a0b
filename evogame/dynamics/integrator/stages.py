"""The stages of one Dormand--Prince step for every column of the batch at once.

All stage derivatives live in one block ``W = [y, h k_1, ..., h k_7]``
``(8, d, n)``, allocated once (:class:`Workspace`): each stage state is one
matrix-vector product of a row of
:data:`~evogame.dynamics.integrator.tableau.STAGE_COMBINATIONS` with ``W``, and the
field writes ``h k_i`` straight into ``W`` (``into(Y, out, h)``), so a step
allocates no temporary ``(d, n)`` arrays.
"""
from __future__ import annotations

from functools import partial

import numpy as np

from .tableau import STAGE_COMBINATIONS


class Workspace:
    """The explicit solver's arrays for ``n`` columns of dimension ``d``, ``O(n d)``.

    ``W`` ``(8, d, n)`` holds ``[y, h k_1, ..., h k_7]``; ``stage`` the
    latest stage state (after a step, the 6th, at ``t + h``); ``Y_new`` and
    ``F_new`` the new state and its derivative; ``err`` the scaled error
    estimate; ``Q`` ``(4, d, n)`` the dense-output coefficients; ``t_new``
    and ``hs`` the end time and the step size actually taken.  The ``...2``
    names are flat views of the same memory (the shapes BLAS wants).
    """

    __slots__ = ("W", "W2", "stage2", "stage", "Y_new2", "Y_new", "F_new", "err2", "err", "Q2", "Q", "t_new",
                 "hs")

    def __init__(self, d: int, n: int):
        self.W = np.empty((8, d, n))
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


def _write_field(rhs, Y, target, scale):
    """``target = scale * rhs(Y)`` for a field without an ``into`` method."""
    if scale is None:
        target[...] = rhs(Y)
    else:
        np.multiply(rhs(Y), scale, out=target)
    return target


def field_writer(rhs):
    """``rhs.into`` if the field has one, else an equivalent built on ``rhs``."""
    into = getattr(rhs, "into", None)
    return partial(_write_field, rhs) if into is None else into


def step_times(ws: Workspace, t: np.ndarray, h: np.ndarray, t_end: float) -> np.ndarray:
    """Set ``ws.t_new = min(t + h, t_end)`` and ``ws.hs = ws.t_new - t``; return where ``t + h >= t_end``.

    Clipping the last step makes every start land exactly on ``t_end``.
    """
    np.add(t, h, out=ws.t_new)
    last = ws.t_new >= t_end
    np.minimum(ws.t_new, t_end, out=ws.t_new)
    np.subtract(ws.t_new, t, out=ws.hs)
    return last


def dopri5_stages(into, ws: Workspace, F: np.ndarray) -> None:
    """Fill ``ws.W[1:]`` with ``h k_1, ..., h k_7``, ``ws.Y_new`` with ``y_{n+1}``, ``ws.F_new`` with ``k_7``.

    ``ws.W[0]`` holds ``y_n``, ``F`` ``(d, n)`` is ``k_1 = f(y_n)`` (kept from
    the previous step) and ``ws.hs`` the step sizes.  Six field evaluations.
    """
    W, W2, hs = ws.W, ws.W2, ws.hs
    np.multiply(F, hs, out=W[1])
    for s in range(1, 6):
        np.dot(STAGE_COMBINATIONS[s], W2[:s + 1], out=ws.stage2)
        into(ws.stage, W[s + 1], hs)
    np.dot(STAGE_COMBINATIONS[6], W2[:7], out=ws.Y_new2)
    into(ws.Y_new, ws.F_new, None)
    np.multiply(ws.F_new, hs, out=W[7])
