"""Pseudo-arclength continuation of a curve of rest points on one face (Keller 1977).

The curve is ``G(u) = 0`` with ``u = (z, mu)``: ``z`` the face coordinates, ``mu`` the continued
parameter scaled to the interval (``lam = lo + span * mu``, so ``mu`` runs over ``[0, 1]`` and steps
are measured in units comparable with the shares).  A step from ``u0`` with unit tangent ``t0``:

* predictor ``u = u0 + h t0``;
* corrector: Newton on ``G(u) = 0``, ``t0 . (u - u0) = h`` with the exact derivatives
  ``[G_z, G_mu]`` (the dynamics' Jacobian and ``dF/dlam``, compiled once);
* the new tangent solves ``[G_z, G_mu; t0^T] t = (0, ..., 0, 1)`` (oriented along ``t0``).

Step control: a step whose corrector fails (no convergence in ``max_iter`` iterations, or tangents
turning by more than ``max_turn``) is halved down to ``min_step``; a step that converged in at most
three iterations lets the next grow by 1.5 up to ``max_step``.  The curve stops at the interval's ends
(the end point solved at the end's exact value) or where a watcher says so.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from .continuation_system import ContinuationSystem, Face

__all__ = ["Curve", "Settings", "Step", "trace", "correct", "at_parameter", "tangent"]


@dataclass(frozen=True)
class Settings:
    """Step control of the continuation (steps in the scaled parameter, see the module docstring)."""

    initial_step: float = 0.01
    min_step: float = 1e-7
    max_step: float = 0.04
    max_points: int = 4000
    #: Newton stops when a correction is below this (and the residual below ``residual``)
    tol: float = 1e-12
    residual: float = 1e-10
    max_iter: int = 8
    #: largest angle (radians) between consecutive tangents of an accepted step
    max_turn: float = 0.3


class Curve:
    """The rest points of ``system`` on ``face`` as a curve ``G(z, mu) = 0`` (see the module docstring)."""

    def __init__(self, system: ContinuationSystem, face: Face, lo: float, span: float):
        self.system, self.face, self.lo, self.span = system, face, lo, span
        self.rows = list(face.rows)
        # index arrays once: a continuation evaluates the derivative at thousands of points
        self._rows = np.array(self.rows, dtype=np.intp)

    def lam(self, u: np.ndarray) -> float:
        return self.lo + self.span * float(u[-1])

    def mu(self, lam: float) -> float:
        return (lam - self.lo) / self.span

    def state(self, u: np.ndarray) -> np.ndarray:
        return self.face.state(u[:-1])

    def residual(self, u: np.ndarray) -> np.ndarray:
        return self.system.field(self.state(u), self.lam(u))[self.rows]

    def full_residual(self, u: np.ndarray) -> np.ndarray:
        return self.system.field(self.state(u), self.lam(u))

    def derivative(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``([G_z, G_mu], J)``: the ``(m, m+1)`` derivative on the face and the full Jacobian ``(d, d)``."""
        return self.newton_parts(u)[1:]

    def newton_parts(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(G, [G_z, G_mu], J)`` at ``u`` from one evaluation of the compiled field (a Newton step needs all)."""
        u = np.asarray(u, dtype=float)
        F, J, F_lam = self.system.derivatives(self.face.state(u[:-1]), self.lo + self.span * float(u[-1]))
        rows, m = self._rows, len(u) - 1
        D = np.empty((len(rows), m + 1))
        D[:, :m] = J[rows] @ self.face.P
        D[:, m] = F_lam[rows] * self.span
        return F[rows], D, J


@dataclass
class Step:
    """One accepted point of a curve: ``u``, its unit tangent ``t``, and what placed it there."""

    u: np.ndarray
    t: np.ndarray
    kind: str = ""          # "" a regular step; "end" an interval end; else a special point's kind
    info: dict = field(default_factory=dict)


def tangent(D: np.ndarray, t_prev: np.ndarray) -> np.ndarray:
    """The unit tangent ``t`` with ``D t = 0``, oriented along ``t_prev``."""
    A = np.vstack([D, t_prev])
    rhs = np.zeros(len(t_prev))
    rhs[-1] = 1.0
    try:
        t = np.linalg.solve(A, rhs)
    except np.linalg.LinAlgError:
        # at a branch point the kernel of D has dimension 2: the right singular vector nearest t_prev
        _, _, vt = np.linalg.svd(np.vstack([D, np.zeros_like(t_prev)]))
        kernel = vt[-2:] if len(t_prev) > 1 else vt
        t = kernel.T @ (kernel @ t_prev)
        if not np.linalg.norm(t):
            t = vt[-1]
    t /= np.linalg.norm(t)
    return t if t @ t_prev >= 0 else -t


def _parts(curve, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(G(u), [G_z, G_mu])``: from one evaluation where the curve offers it (:meth:`Curve.newton_parts`)."""
    parts = getattr(curve, "newton_parts", None)
    if parts is not None:
        return parts(u)[:2]
    D, _ = curve.derivative(u)
    return curve.residual(u), D


def _norm(v: np.ndarray) -> float:
    # the Euclidean norm as np.linalg.norm computes it (sqrt of the dot product), without its dispatch
    return math.sqrt(float(v @ v))


def correct(curve: Curve, u0: np.ndarray, t0: np.ndarray, h: float, settings: Settings,
            start: np.ndarray | None = None):
    """The corrector of a step of length ``h``: ``(u, iterations)``, or None when Newton fails.

    ``start``: Newton's first iterate (default the predictor ``u0 + h t0``); the point solved for is the same,
    the curve's point on the hyperplane ``t0 . (u - u0) = h``.
    """
    u = u0 + h * t0 if start is None else np.array(start, dtype=float)
    n = len(u)
    A, r = np.empty((n, n)), np.empty(n)
    A[-1] = t0
    for k in range(1, settings.max_iter + 1):
        G, D = _parts(curve, u)
        A[:-1] = D
        r[:-1] = G
        r[-1] = t0 @ (u - u0) - h
        try:
            du = np.linalg.solve(A, -r)
        except np.linalg.LinAlgError:
            return None
        if not np.isfinite(du).all():
            return None
        u = u + du
        if _norm(du) <= settings.tol * (1 + _norm(u)):
            if _max_abs(_parts(curve, u)[0]) <= settings.residual:
                return u, k
    return None


def _max_abs(v: np.ndarray) -> float:
    return float(np.abs(v).max()) if len(v) else 0.0


def at_parameter(curve: Curve, u: np.ndarray, mu: float, settings: Settings = Settings()):
    """The point of the curve near ``u`` with the scaled parameter fixed at ``mu`` (Newton in ``z``), or None."""
    u = np.array(u, dtype=float)
    u[-1] = mu
    m = len(u) - 1
    for _ in range(2 * settings.max_iter):
        if m == 0:
            return u
        G, D = _parts(curve, u)
        try:
            dz = np.linalg.solve(D[:, :m], -G)
        except np.linalg.LinAlgError:
            return None
        u[:m] += dz
        if _norm(dz) <= settings.tol * (1 + _norm(u)):
            return u if _max_abs(_parts(curve, u)[0]) <= settings.residual else None
    return None


def first_tangent(curve: Curve, u0: np.ndarray, direction: float) -> np.ndarray:
    """The tangent at a start point, along increasing (``direction = 1``) or decreasing scaled parameter."""
    D, _ = curve.derivative(u0)
    e = np.zeros(len(u0))
    e[-1] = direction
    return tangent(D, e)


Watcher = Callable[[Step, Step], tuple[list, bool]]


def trace(curve: Curve, u0: np.ndarray, direction: float, settings: Settings, watch: Watcher) -> tuple[list, str]:
    """Follow the curve from ``u0``: the accepted steps and why it stopped.

    ``watch(previous, new)`` returns the special points located between them (steps, in order) and
    whether the curve stops at the last of them.  Reasons: ``"interval end"``, ``"stopped"`` (by the
    watcher), ``"step too small"``, ``"too many points"``.
    """
    steps = [Step(np.asarray(u0, dtype=float), first_tangent(curve, u0, direction), "start")]
    h = settings.initial_step
    while len(steps) < settings.max_points:
        prev = steps[-1]
        result = correct(curve, prev.u, prev.t, h, settings)
        new_t = None
        if result is not None:
            D, _ = curve.derivative(result[0])
            new_t = tangent(D, prev.t)
            if np.arccos(np.clip(new_t @ prev.t, -1, 1)) > settings.max_turn:
                result = None
        if result is None:
            h /= 2
            if h < settings.min_step:
                return steps, "step too small"
            continue
        new = Step(result[0], new_t)
        outside = not 0.0 <= new.u[-1] <= 1.0
        if outside:
            new = _end_point(curve, prev, new, settings)
        located, stop = watch(prev, new)
        if stop:
            steps.extend(located)
            return steps, "stopped"
        steps.extend(located)
        steps.append(new)
        if outside:
            return steps, "interval end"
        h = min(h * 1.5, settings.max_step) if result[1] <= 3 else (h * 0.7 if result[1] > 5 else h)
    return steps, "too many points"


def _end_point(curve: Curve, prev: Step, new: Step, settings: Settings) -> Step:
    """The point where the curve between ``prev`` and ``new`` crosses an end of the interval."""
    bound = 1.0 if new.u[-1] > 1.0 else 0.0
    frac = (bound - prev.u[-1]) / (new.u[-1] - prev.u[-1])
    guess = prev.u + frac * (new.u - prev.u)
    u = at_parameter(curve, guess, bound, settings)
    if u is None:
        # a crossing of two curves exactly at the end (a double root there): Newton converges only linearly
        u = at_parameter(curve, guess, bound, replace(settings, max_iter=40))
    if u is None:
        u = guess
        u[-1] = bound
    D, _ = curve.derivative(u)
    return Step(u, tangent(D, prev.t), "end")
