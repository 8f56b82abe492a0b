"""Test functions along a branch, and the special points they locate.

At every accepted point of a curve (:mod:`.arclength`) these are evaluated; a sign change between
two consecutive points is located on the arc between them by the Illinois variant of regula falsi on
the pseudo-arclength ``sigma`` (each trial point corrected back onto the curve, Newton starting from the
nearest point already corrected on the step's side of it), to ``1e-13`` in ``sigma`` (a boundary: until the
share is zero to a few roundings).

* **fold** (limit point, ``LP``): the parameter component of the tangent, ``t_mu``;
* **branch point** (``BP``) of the face system: ``det [G_z, G_mu; t^T]`` (it changes sign at a simple
  branch point, not at a fold);
* **exchange of stability** (``BP``): the product of the transverse eigenvalues (the invasion rates
  of the strategies not in use), where a branch of a larger face crosses this one (a transcritical
  branch point of the replicator: a share of the crossing branch passes through zero);
* **boundary** (``BP``): a share in use passes through zero: the branch leaves the state space
  there (it meets a branch of the smaller face); the branch stops.  For a dynamics that keeps no face invariant
  (logit, mutation) only a share clearly negative counts (beyond ``1e-9`` plus a thousandth of the step): its rest
  points stay off the faces, and a tiny share is rounding;
* **Hopf** (``H``): the bialternate-product determinant of the face Jacobian,
  ``prod_{i<j} (lambda_i + lambda_j)``, confirmed by a pair ``+-i omega`` with ``omega > 0`` at the
  located point (else a neutral saddle, not reported).

A sign change counts only where the test function's smallest factor is beyond the classification
tolerance (:func:`evogame.solvers.stability.tolerance`) at both ends: a stretch of centres (a bimatrix game's
interior point, whose pair stays on the imaginary axis) has no Hopf point.
"""
from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass

import numpy as np

from ...solvers import stability as st
from ...solvers.arclength import Curve, Settings, Step, correct, tangent

__all__ = ["Tests", "evaluate", "detect", "FOLD", "BRANCH_POINT", "EXCHANGE", "BOUNDARY", "HOPF", "LABELS"]

FOLD = "fold"
BRANCH_POINT = "branch point"
EXCHANGE = "exchange of stability"
BOUNDARY = "boundary"
HOPF = "Hopf"
#: the short labels of the bifurcation diagrams
LABELS = {FOLD: "LP", BRANCH_POINT: "BP", EXCHANGE: "BP", BOUNDARY: "BP", HOPF: "H"}
#: sigma tolerance of the location
SIGMA_TOL = 1e-13
#: a share at most this is on the boundary
SHARE_ZERO = 1e-12
#: events at most this far apart (max norm in (z, mu)) are one point
SAME_EVENT = 1e-6
#: a share at most this in absolute value is zero to rounding: where a boundary's location stops
SHARE_NOISE = 8 * np.finfo(float).eps
#: a dynamics without invariant faces leaves the state space only where a share is below
#: ``-(NEGATIVE_SHARE + NEGATIVE_PER_STEP * step)``: a thousand times Newton's tolerance, and a share moving at
#: a rate of order one across the face is that negative after one step
NEGATIVE_SHARE = 1e-9
NEGATIVE_PER_STEP = 1e-3


@dataclass(frozen=True)
class Tests:
    """The test functions at one point, with whether each is clear of zero (beyond the tolerance)."""

    fold: float
    branch: float
    hopf: float
    hopf_clear: bool
    transverse: float
    transverse_clear: bool
    shares: np.ndarray


def evaluate(curve: Curve, u: np.ndarray, t: np.ndarray, rtol: float = st.RTOL) -> Tests:
    """The test functions at the point ``u`` with tangent ``t``."""
    D, J = curve.derivative(u)
    tol = st.tolerance(J, rtol)
    m = curve.face.dimension
    internal = np.linalg.eigvals(D[:, :m]) if m else np.zeros(0, complex)
    sums = [a + b for a, b in itertools.combinations(internal, 2)]
    hopf = float(np.real(np.prod(sums))) if sums else 1.0
    across = curve.face.transverse(J)
    transverse = float(np.real(np.prod(across))) if len(across) else 1.0
    return Tests(fold=float(t[-1]), branch=float(np.linalg.det(np.vstack([D, t]))),
                 hopf=hopf, hopf_clear=all(abs(s) > tol for s in sums),
                 transverse=transverse, transverse_clear=all(abs(v) > tol for v in across),
                 shares=curve.face.shares(curve.state(u)))


def detect(curve: Curve, prev: Step, new: Step, settings: Settings, rtol: float = st.RTOL) -> tuple[list, bool]:
    """The special points between two accepted steps (in arc order) and whether the branch stops.

    Each is a :class:`~.arclength.Step` whose ``kind`` is one of the kinds above; a boundary stops
    the branch there (later points are dropped).
    """
    a, b = _tests(curve, prev, rtol), _tests(curve, new, rtol)
    h = float(prev.t @ (new.u - prev.u))
    found = []

    def fold_test(u, t):
        return t[-1]

    if np.sign(a.fold) != np.sign(b.fold):
        found.append((FOLD, fold_test, {}))
    elif np.sign(a.branch) != np.sign(b.branch):
        found.append((BRANCH_POINT, lambda u, t: evaluate(curve, u, t, rtol).branch, {}))
    if a.hopf_clear and b.hopf_clear and np.sign(a.hopf) != np.sign(b.hopf):
        found.append((HOPF, lambda u, t: evaluate(curve, u, t, rtol).hopf, {}))
    if a.transverse_clear and b.transverse_clear and np.sign(a.transverse) != np.sign(b.transverse):
        found.append((EXCHANGE, lambda u, t: evaluate(curve, u, t, rtol).transverse, {}))
    for k in _leaving(curve, a.shares, b.shares, h):
        found.append((BOUNDARY, lambda u, t, k=k: curve.face.shares(curve.state(u))[k],
                      {"share": int(k), "reach": (float(prev.u[-1]), 2 * abs(h))}))
    located = []
    for kind, fn, info in found:
        # a share is a number of order one: within a few roundings of zero it is zero (past that, regula falsi
        # only wanders on the rounding noise, or on the smaller face's branch where the share vanishes)
        step = _locate(curve, prev, h, fn, kind, settings, zero=SHARE_NOISE if kind == BOUNDARY else 0.0)
        if step is None and kind == BOUNDARY:
            step = _interpolated(prev, new, fn, h)
        if step is not None:
            step.info.update(info)
            located.append(step)
    located.sort(key=lambda s: s.info["sigma"])
    for k, s in enumerate(located):
        if s.kind == BOUNDARY:
            # where the branch leaves the state space it crosses the face's branch: that is the boundary
            same = [o for o in located[:k] if np.max(np.abs(o.u - s.u)) <= SAME_EVENT]
            return [o for o in located[:k] if all(o is not x for x in same)] + [s], True
    return located, False


def _leaving(curve: Curve, before: np.ndarray, after: np.ndarray, h: float) -> np.ndarray:
    """The shares in use by which the branch leaves the state space between two steps ``h`` apart."""
    if curve.face.invariant:
        # a share reaching zero exactly is a boundary too: past a transcritical point the corrector can land on
        # the smaller face's branch, where that share vanishes identically
        return np.flatnonzero((after <= SHARE_ZERO) & (before > SHARE_ZERO))
    # a dynamics that keeps no face invariant (logit; mutation) has its field smooth across the faces, and its rest
    # points off them (logit shares are positive; with mutation the field points inwards on the faces): a share of
    # 1e-20 comes out of Newton as +-1e-13 (its tolerance), not the branch leaving: only a share clearly negative is
    # (a step-size rule, as a genuine crossing moves a share by an amount of the order of the step)
    noise = NEGATIVE_SHARE + NEGATIVE_PER_STEP * abs(h)
    return np.flatnonzero((after < -noise) & (before >= -noise))


def _interpolated(prev: Step, new: Step, fn, h: float) -> Step:
    """Where the corrector cannot reach a boundary (singular at a transcritical point): the secant's zero."""
    a, b = fn(prev.u, prev.t), fn(new.u, new.t)
    w = a / (a - b) if a != b else 0.0
    return Step(prev.u + w * (new.u - prev.u), prev.t, BOUNDARY,
                {"sigma": w * h, "note": "located by the secant between two steps (the corrector is singular there)"})


def _tests(curve: Curve, step: Step, rtol: float) -> Tests:
    if "tests" not in step.info:
        step.info["tests"] = evaluate(curve, step.u, step.t, rtol)
    return step.info["tests"]


def _warm_start(known: list, sigma: float, normal: np.ndarray) -> np.ndarray | None:
    """Newton's first iterate at ``sigma``: along the tangent of the nearest point already on the arc between the
    step's start and ``sigma`` (``known``: ``(sigma, u, t)``, the start included); None for the plain predictor."""
    # The bracket shrinks onto the zero, so that point is far closer than the step's start: at a singular crossing
    # (linear convergence) Newton needs fewer iterations.  Only from the start's side: a point past the zero may sit
    # on a transcritical crossing itself, where its tangent may be the other curve's and Newton follows it there;
    # and not on the chord between the two sides: where the test function is a share, the chord's point has that
    # share zero, on the smaller face, whose own branch of rest points Newton then never leaves
    behind = [k for k in known if k[0] * sigma >= 0 and abs(k[0]) < abs(sigma)]
    s0, u0, t0 = max(behind, key=lambda k: abs(k[0]))
    along = float(normal @ t0)          # the hyperplanes' normal: step along t0 onto the trial's hyperplane
    return u0 + (sigma - s0) / along * t0 if along > 0.5 else None


def _locate(curve: Curve, prev: Step, h: float, fn, kind: str, settings: Settings, zero: float = 0.0
            ) -> Step | None:
    """The zero of ``fn(u, t)`` on the arc ``sigma`` in ``(0, h)`` from ``prev`` (Illinois regula falsi); it stops
    where ``|fn| <= zero``."""
    # a crossing of two curves of rest points is singular: Newton converges only linearly there
    patient = dataclasses.replace(settings, max_iter=80)
    known: list = [(0.0, prev.u, prev.t)]          # (sigma, u, t) of the points on the arc so far

    def at(sigma):
        if sigma == 0:
            return prev.u, prev.t
        res = correct(curve, prev.u, prev.t, sigma, patient, _warm_start(known, sigma, prev.t))
        if res is None or np.linalg.norm(res[0] - prev.u) > 2 * abs(h) + 1e-12:
            return None         # no convergence, or onto another branch
        D, _ = curve.derivative(res[0])
        t = tangent(D, prev.t)
        known.append((sigma, res[0], t))
        return res[0], t

    lo, hi = 0.0, h
    point_lo, point_hi = at(lo), at(hi)
    if point_hi is None:
        return None
    f_lo, f_hi = fn(*point_lo), fn(*point_hi)
    g_lo, g_hi = f_lo, f_hi            # the values the Illinois rule scales (the f's stay true)
    side = 0
    for _ in range(200):
        if abs(hi - lo) <= SIGMA_TOL * max(1.0, abs(h)) or abs(f_lo) <= zero or abs(f_hi) <= zero:
            break
        sigma = (lo * g_hi - hi * g_lo) / (g_hi - g_lo)
        if not min(lo, hi) < sigma < max(lo, hi):
            sigma = 0.5 * (lo + hi)
        point = at(sigma)
        if point is None:                  # at the singular crossing itself: bisect instead
            sigma = 0.5 * (lo + hi)
            point = at(sigma)
        if point is None:
            if abs(hi - lo) <= 1e-6 * abs(h):
                break
            return None
        f = fn(*point)
        if np.sign(f) == np.sign(f_hi):
            hi, f_hi, g_hi, point_hi = sigma, f, f, point
            g_lo = g_lo / 2 if side == 1 else g_lo      # Illinois: halve the stale end's value
            side = 1
        else:
            lo, f_lo, g_lo, point_lo = sigma, f, f, point
            g_hi = g_hi / 2 if side == -1 else g_hi
            side = -1
    u, t = point_lo if abs(f_lo) < abs(f_hi) else point_hi
    sigma = lo if abs(f_lo) < abs(f_hi) else hi
    return Step(u, t, kind, {"sigma": sigma})
