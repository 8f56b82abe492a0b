"""Every root of a multi-affine system in a box, each proved by Krawczyk's test.

A function is *multi-affine* when it is affine in each coordinate separately
(the rest-point equations of a matrix game on one face: expected payoffs are
linear in every other population's shares).  Two facts make a box search
exact rather than heuristic:

* the range of a multi-affine ``g`` over a box is spanned by its values at the
  box's ``2^m`` vertices -- so "no root here" is decided by vertex values;
* ``dg/du_j`` does not depend on ``u_j`` and is multi-affine in the others, so
  its range over the box is spanned by the slopes along the box's edges in
  direction ``j`` -- an exact interval Jacobian from the same vertex values.

:func:`box_roots` subdivides the box, discards boxes whose vertex values
exclude zero, and applies the Krawczyk operator
``K(X) = c - Y G(c) + (I - Y J(X)) (X - c)`` (``Y`` the inverse of the
Jacobian at the centre) to the rest: ``K(X)`` inside the interior of ``X``
proves exactly one root in ``X`` (and it lies in ``K(X)``); ``K(X)`` disjoint
from ``X`` proves none.  The test is applied to each box widened by 10 %, so
that a root on the line between two boxes is proved too.  Rounding is covered
by a slack of ``1e-12`` times the payoff scale on every value.  A root where
the Jacobian is singular (a continuum, a double root) cannot be proved: the
search then reports itself incomplete and the caller solves that face in
another way.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

__all__ = ["BoxRoots", "box_roots", "MAX_UNKNOWNS"]

#: at most this many unknowns (2^m vertices per box)
MAX_UNKNOWNS = 10
#: relative slack on every computed value, times the payoff scale (rounding)
SLACK = 1e-12
#: how far each box is widened for Krawczyk's test (fraction of its width, per side)
WIDEN = 0.05
#: the search gives up (incomplete) past this many boxes, or when a box narrower than MIN_WIDTH is undecided
MAX_BOXES = 50_000
MIN_WIDTH = 1e-9


@dataclass
class BoxRoots:
    """The roots found: ``roots[k]`` lies in the box ``enclosures[k]`` = (lo, hi), the only root there.

    ``complete`` is False when some box could be neither excluded nor proved (a singular root or a
    continuum); then ``roots`` may miss roots.
    """

    roots: list = field(default_factory=list)
    enclosures: list = field(default_factory=list)
    complete: bool = True
    boxes: int = 0
    _unique: list = field(default_factory=list, repr=False)

    def add(self, root: np.ndarray, lo: np.ndarray, hi: np.ndarray, unique: tuple) -> None:
        """Keep a proved root unless it is one already kept.

        ``unique`` = (a, b): the box in which this root was proved the only one.  Two enclosures of which
        one lies inside the other's ``unique`` box hold the same root.
        """
        for (elo, ehi), (ua, ub) in zip(self.enclosures, self._unique):
            if (np.all(lo >= ua) and np.all(hi <= ub)) or (np.all(elo >= unique[0]) and np.all(ehi <= unique[1])):
                return
        self.roots.append(root)
        self.enclosures.append((lo, hi))
        self._unique.append(unique)


def box_roots(G: Callable[[np.ndarray], np.ndarray], lo: Sequence[float], hi: Sequence[float], *,
              scale: float = 1.0, blocks: Sequence[Sequence[int]] = (), max_boxes: int = MAX_BOXES) -> BoxRoots:
    """Every root of the multi-affine ``G: (N, m) -> (N, m)`` in the box ``[lo, hi]``, each proved.

    ``blocks``: index groups whose coordinates must sum to at most 1 (a simplex in reduced
    coordinates); boxes entirely beyond are discarded.
    """
    lo, hi = np.atleast_2d(np.asarray(lo, float)), np.atleast_2d(np.asarray(hi, float))
    m = lo.shape[1]
    if m > MAX_UNKNOWNS:
        raise ValueError(f"box_roots handles at most {MAX_UNKNOWNS} unknowns, not {m}")
    bits = np.array(list(itertools.product((0.0, 1.0), repeat=m)))          # (2^m, m)
    slack = SLACK * max(1.0, scale)
    out = BoxRoots()
    while len(lo):
        out.boxes += len(lo)
        if out.boxes > max_boxes:
            out.complete = False
            break
        lo, hi = _feasible(lo, hi, blocks)
        if not len(lo):
            break
        lo, hi = _not_excluded(G, lo, hi, bits, slack)
        if not len(lo):
            break
        w = hi - lo
        wlo, whi = lo - WIDEN * w, hi + WIDEN * w
        Klo, Khi, ok = _krawczyk(G, wlo, whi, bits, slack)
        proved = ok & np.all(Klo > wlo, axis=1) & np.all(Khi < whi, axis=1)
        empty = ok & (np.any(Khi < wlo, axis=1) | np.any(Klo > whi, axis=1))
        for k in np.flatnonzero(proved):
            root, rlo, rhi = _contract(G, Klo[k], Khi[k], bits, slack)
            out.add(root, rlo, rhi, (wlo[k], whi[k]))
        rest = ~proved & ~empty
        shrink = ok[rest]              # every root of X lies in K(X'): keep X cap K(X') only
        lo, hi = lo[rest], hi[rest]
        lo[shrink] = np.maximum(lo[shrink], Klo[rest][shrink])
        hi[shrink] = np.minimum(hi[shrink], Khi[rest][shrink])
        if np.any(np.max(hi - lo, axis=1) < MIN_WIDTH):
            out.complete = False
            break
        lo, hi = _bisected(lo, hi)
    return out


def _feasible(lo, hi, blocks):
    keep = np.ones(len(lo), bool)
    for b in blocks:
        if len(b) > 1:
            keep &= lo[:, list(b)].sum(axis=1) <= 1.0 + 1e-9
    return lo[keep], hi[keep]


def _vertex_values(G, lo, hi, bits):
    V = lo[:, None, :] + bits[None] * (hi - lo)[:, None, :]              # (K, 2^m, m)
    K, n, m = V.shape
    values = G(V.reshape(-1, m))
    return values.reshape(K, n, values.shape[1])                           # (K, 2^m, m_eq)


def _not_excluded(G, lo, hi, bits, slack):
    g = _vertex_values(G, lo, hi, bits)
    excluded = np.any((g.min(axis=1) > slack) | (g.max(axis=1) < -slack), axis=1)
    return lo[~excluded], hi[~excluded]


def _interval_jacobian(g, lo, hi, bits):
    """Exact range of every partial derivative over each box, from the edge slopes: (Jlo, Jhi) (K, m_eq, m)."""
    K, n, meq = g.shape
    m = bits.shape[1]
    Jlo = np.empty((K, meq, m))
    Jhi = np.empty((K, meq, m))
    for j in range(m):
        up = bits[:, j] == 1.0
        partner = np.flatnonzero(up)
        base = partner - (1 << (m - 1 - j))     # the vertex with bit j cleared (itertools.product order)
        s = (g[:, partner, :] - g[:, base, :]) / (hi[:, j] - lo[:, j])[:, None, None]
        Jlo[:, :, j] = s.min(axis=1)
        Jhi[:, :, j] = s.max(axis=1)
    return Jlo, Jhi


def _centre(G, c, h):
    """G and its Jacobian at the centres ``c`` (K, m): exact slopes over ``c +- h e_j``."""
    K, m = c.shape
    pts = [c] + [c + h[:, j:j + 1] * np.eye(m)[j] for j in range(m)] + [c - h[:, j:j + 1] * np.eye(m)[j]
                                                                            for j in range(m)]
    vals = G(np.concatenate(pts)).reshape(2 * m + 1, K, -1)
    J = np.stack([(vals[1 + j] - vals[1 + m + j]) / (2 * h[:, j:j + 1]) for j in range(m)], axis=2)
    return vals[0], J


def _krawczyk(G, lo, hi, bits, slack):
    """K(X) as (Klo, Khi) for every box, and whether the centre's Jacobian could be inverted."""
    g = _vertex_values(G, lo, hi, bits)
    Jlo, Jhi = _interval_jacobian(g, lo, hi, bits)
    c, r = (lo + hi) / 2, (hi - lo) / 2
    gc, Jc = _centre(G, c, np.maximum(r, 1e-300))
    K, m = c.shape
    ok = np.zeros(K, bool)
    Y = np.zeros((K, m, m))
    cond = np.linalg.cond(Jc) if K else np.zeros(0)
    good = np.isfinite(cond) & (cond < 1e12)
    if np.any(good):
        Y[good] = np.linalg.inv(Jc[good])
        ok[good] = True
    Jm = (Jlo + Jhi) / 2
    Jr = (Jhi - Jlo) / 2 + slack / np.maximum(r, 1e-300)[:, None, :]    # a slope carries 2 slacks / width
    absY = np.abs(Y)
    M = np.abs(np.eye(m) - Y @ Jm) + absY @ Jr
    centre = c - np.einsum("kij,kj->ki", Y, gc)
    radius = (1 + 1e-9) * (np.einsum("kij,kj->ki", M, r) + absY.sum(axis=2) * slack) \
        + 4 * np.finfo(float).eps * np.abs(centre)
    return centre - radius, centre + radius, ok


def _contract(G, lo, hi, bits, slack, steps: int = 80):
    """Krawczyk iteration X <- K(X) cap X from a proved enclosure: the root to rounding, and its enclosure."""
    lo, hi = lo[None].copy(), hi[None].copy()
    for _ in range(steps):
        Klo, Khi, ok = _krawczyk(G, lo, hi, bits, slack)
        if not ok[0]:
            break
        nlo, nhi = np.maximum(lo, Klo), np.minimum(hi, Khi)
        if np.any(nlo > nhi):        # cannot happen to a box holding a root, but never lose the box
            break
        progress = np.any((nhi - nlo) < 0.9 * (hi - lo))
        lo, hi = nlo, nhi
        if not progress:
            break
    return ((lo + hi) / 2)[0], lo[0], hi[0]


def _bisected(lo, hi):
    """Each box cut in two across its widest side."""
    j = np.argmax(hi - lo, axis=1)
    mid = (lo[np.arange(len(lo)), j] + hi[np.arange(len(lo)), j]) / 2
    lo2, hi1 = lo.copy(), hi.copy()
    hi1[np.arange(len(lo)), j] = mid
    lo2[np.arange(len(lo)), j] = mid
    return np.concatenate([lo, lo2]), np.concatenate([hi1, hi])
