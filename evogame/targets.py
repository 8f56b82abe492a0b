"""A target rest point as a function of one unknown: the parametric engine along a line.

A threshold asks where a target's stability switches as one unknown ``u``
(a mechanism's strength, or a parameter) moves, every other parameter at its
exact default:

* :class:`TargetJacobian` -- a pure profile (a corner of the product of
  simplices, a rest point for every ``u``): its Jacobian ``J(u)``, symbolic
  and compiled;
* :class:`InteriorTarget` -- the strictly mixed rest point, whose state moves
  with ``u``: followed with :class:`~evogame.parametric.ParametricRestPoints`.

Both answer ``negative(u)`` (asymptotically stable at each value) and
``eigenvalues(u)`` on arrays, which is all the bisection needs.
"""
from __future__ import annotations

import numpy as np
import sympy

from .dynamics import derive
from .errors import AnalysisError
from .game import Game
from .parametric import ABSENT, ParametricRestPoints
from .restpoints import face_label

__all__ = ["TargetJacobian", "InteriorTarget", "corner_state"]


def corner_state(game: Game, support) -> dict:
    """Reduced coordinates of a pure profile: ``{variable: 0 or 1}``."""
    return {var: sympy.Integer(v) for var, v in zip(game.variables, game.pure_state([S[0] for S in support]))}


class TargetJacobian:
    """A pure profile's Jacobian as a function of one unknown: symbolic, and compiled for arrays.

    The evaluation of the parametric engine along a line: the corner is a
    rest point for every value; ``J_u`` is its Jacobian with every parameter
    but the unknown at its exact default (``J_full`` keeps them symbolic).
    """

    def __init__(self, work: Game, support, unknown: str, baseline: float, lo: float, hi: float, rtol: float):
        self.work, self.support, self.unknown = work, support, unknown
        self.baseline, self.lo, self.hi, self.rtol = baseline, lo, hi, rtol
        self.dyn = derive(work)
        self.symbol = work.parameters[unknown].symbol
        values = work.values()
        self.others = {work.parameters[n].symbol: v for n, v in values.items() if n != unknown}
        self.corner = corner_state(work, support)
        self.J_full = self.dyn.jacobian.xreplace(self.corner)
        self.J_u = self.J_full.xreplace(self.others).applyfunc(sympy.cancel)
        self._entries: dict = {}   # compiled Jacobian entries, on first use
        self.label = work.profile_label([S[0] for S in support])

    def jacobians(self, u: np.ndarray) -> np.ndarray:
        """``(n,)`` values of the unknown -> ``(n, d, d)`` Jacobians."""
        u = np.asarray(u, dtype=float)
        d = self.J_u.rows
        out = np.empty(u.shape + (d, d))
        for i in np.ndindex(d, d):
            val = self._fn_entry(i)(u)
            out[(...,) + i] = np.broadcast_to(np.asarray(val, dtype=float), u.shape)
        return out

    def _fn_entry(self, ij):
        if ij not in self._entries:
            self._entries[ij] = sympy.lambdify([self.symbol], self.J_u[ij], modules="numpy")
        return self._entries[ij]

    def negative(self, u: np.ndarray) -> np.ndarray:
        """Boolean: every eigenvalue has a negative real part (the open stable set itself).

        Bisection uses this rather than the classification, whose tolerance
        band around zero would shift the boundary by up to ``rtol * max|J|``.
        """
        ev = self.eigenvalues(u)
        return np.real(ev).max(axis=-1, initial=-np.inf) < 0

    def eigenvalues(self, u: np.ndarray) -> np.ndarray:
        return np.linalg.eigvals(self.jacobians(np.atleast_1d(u)))


class InteriorTarget:
    """The strictly mixed rest point as a function of one unknown (the target ``interior``).

    Unlike a corner, its state moves with the unknown: it is followed with
    :class:`ParametricRestPoints` (solved once on the interior face with the
    unknown symbolic, compiled, evaluated on arrays).  There must be at most one
    such point at every value of the range (and one somewhere).  At a value
    ``u`` the target is asymptotically stable iff the strictly mixed rest point
    exists there and every eigenvalue of its Jacobian has a negative real part.
    """

    def __init__(self, work: Game, unknown: str, baseline: float, lo: float, hi: float, rtol: float,
                 budget: float | None):
        self.work, self.unknown = work, unknown
        self.baseline, self.lo, self.hi, self.rtol = baseline, lo, hi, rtol
        self.support = tuple(tuple(range(p.n)) for p in work.populations)
        self.label = face_label(work, self.support)
        self.derived = ParametricRestPoints(work, [unknown], budget, rtol)
        if not self.derived.ok:
            raise AnalysisError("the strictly mixed rest point cannot be followed in closed form in "
                                f"{unknown}: " + "; ".join(self.derived.notes))
        counts = self._existing(np.linspace(lo, hi, 101))[0].sum(axis=0)
        if counts.max(initial=0) != 1:
            found = "none" if counts.max(initial=0) == 0 else f"up to {int(counts.max())} at once"
            raise AnalysisError(f"the target 'interior' needs one strictly mixed rest point (at most one at "
                                f"every {unknown} in [{lo:g}, {hi:g}]); found {found}")

    def _existing(self, u: np.ndarray):
        """``(exists (K, n), codes (K, n), eigenvalues (K, n, d))`` of the interior branches at ``u``."""
        ev = self.derived.evaluate([np.asarray(u, dtype=float)])
        rows = [k for k, key in enumerate(ev["keys"]) if key[0] == self.support]
        d = self.work.dimension
        if not rows:
            return (np.zeros((0, len(u)), bool), np.zeros((0, len(u)), np.int8),
                    np.zeros((0, len(u), d), complex))
        return ev["codes"][rows] != ABSENT, ev["codes"][rows], ev["eigenvalues"][rows]

    def eigenvalues(self, u: np.ndarray) -> np.ndarray:
        """``(n, d)``: the eigenvalues of the interior point (NaN where there is none, or several)."""
        u = np.atleast_1d(np.asarray(u, dtype=float))
        exists, _, eig = self._existing(u)
        single = exists.sum(axis=0) == 1
        out = np.full((len(u), self.work.dimension), np.nan, dtype=complex)
        for k in range(exists.shape[0]):
            pick = exists[k] & single
            out[pick] = eig[k][pick]
        return out

    def negative(self, u: np.ndarray) -> np.ndarray:
        """Boolean: the interior point exists and is asymptotically stable by the classification rule.

        Its state is computed in floating point, so a centre's real parts are
        round-off: the tolerance rule (``stability.tolerance``) decides, as in
        every classification, rather than the sign alone.
        """
        u = np.atleast_1d(np.asarray(u, dtype=float))
        exists, codes, _ = self._existing(u)
        single = exists.sum(axis=0) == 1
        return single & np.any(exists & (codes == 0), axis=0)
