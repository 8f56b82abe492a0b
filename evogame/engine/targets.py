"""A target rest point as a function of one unknown: the parametric engine along a line.

A threshold asks where a target's stability switches as one unknown ``u``
(a mechanism's strength, or a parameter) moves, every other parameter at its
exact default:

* :class:`TargetJacobian` -- a pure profile (a corner of the product of
  simplices, a rest point for every ``u``): its Jacobian ``J(u)``, symbolic
  and compiled;
* :class:`InteriorTarget` -- the strictly mixed rest point, whose state moves
  with ``u``: followed with :class:`~evogame.engine.parametric.ParametricRestPoints`.

Both answer ``negative(u)`` (asymptotically stable at each value) and
``eigenvalues(u)`` on arrays, which is all the bisection needs.
"""
from __future__ import annotations

import numpy as np
import sympy

from ..dynamics import derive
from ..dynamics.kinked import excess_payoffs, nash_holds
from ..dynamics.positive import positive_on_grid
from ..errors import AnalysisError, UndefinedDynamics
from ..game.model import Game
from .parametric import ABSENT, ParametricRestPoints, PointwiseRestPoints
from ..game.faces import face_label

#: grid of a threshold whose target is analysed value by value (the rest points are found numerically)
POINTWISE_GRID = 41

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

    def __init__(self, work: Game, support, unknown: str, baseline: float, lo: float, hi: float, rtol: float,
                 dynamics="replicator"):
        self.work, self.support, self.unknown = work, support, unknown
        self.baseline, self.lo, self.hi, self.rtol, self.dynamics = baseline, lo, hi, rtol, dynamics
        self.dyn = dyn = derive(work, dynamics)
        self.label = work.profile_label([S[0] for S in support])
        if not dyn.face_rest_points:
            raise AnalysisError(f"under {dyn.spec} the pure profiles are not rest points (its rest points are "
                                "interior, found numerically): use the target 'interior'")
        self.symbol = work.parameters[unknown].symbol
        values = work.values()
        self.others = {work.parameters[n].symbol: v for n, v in values.items() if n != unknown}
        self.corner = corner_state(work, support)
        self.J_full = dyn.jacobian.xreplace(self.corner)
        self.J_u = self.J_full.xreplace(self.others).applyfunc(sympy.cancel)
        self._entries: dict = {}   # compiled Jacobian entries, on first use
        #: whether the stable set is read from the Jacobian alone (else: conditions beside it, bisection only)
        self.linear_only = dyn.smooth and not dyn.nash_rest_points and not dyn.needs_positive_payoffs
        self._conditions = None if self.linear_only else _CornerConditions(self)

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
        with np.errstate(invalid="ignore"):
            return np.real(ev).max(axis=-1, initial=-np.inf) < 0   # NaN (no linearisation) is not stable

    def eigenvalues(self, u: np.ndarray) -> np.ndarray:
        """``(n, d)`` eigenvalues; NaN where the corner is no rest point, is a kink, or the dynamics is undefined."""
        u = np.atleast_1d(np.asarray(u, dtype=float))
        with np.errstate(all="ignore"):
            J = self.jacobians(u)
            linear = np.isfinite(J).all(axis=(-2, -1))
            if self._conditions is not None:
                linear &= self._conditions.linear(u)
            ev = np.full(u.shape + (J.shape[-1],), np.nan, dtype=complex)
            ev[linear] = np.linalg.eigvals(J[linear])
        return ev


class _CornerConditions:
    """What must hold beside the Jacobian for a corner to be classified by it, under other dynamics.

    A Nash dynamics (BNN, Smith): the corner is a rest point only where no unused strategy earns more than the
    one in use, and has a Jacobian only where no argument of ``[.]_+`` vanishes; Maynard Smith: the
    dynamics is defined only where the payoffs are positive.
    """

    def __init__(self, target: TargetJacobian):
        self.t = t = target
        dyn, work = t.dyn, t.work
        self.state = np.array([float(v) for v in work.pure_state([S[0] for S in t.support])])
        self.columns = [list(dyn.parameters).index(s) for s in (t.symbol,)]
        self.pvec = dyn.parameter_vector(work.values())
        self.excess = None
        if dyn.nash_rest_points:
            fitness = [[f.xreplace(t.others) for f in fp] for fp in dyn.fitness]
            pairs = excess_payoffs(work, fitness, t.support, t.corner)
            self.excess = sympy.lambdify([t.symbol], pairs, modules="numpy") if pairs else None
        self.positive = None
        if dyn.needs_positive_payoffs:
            self.positive = lambda u: positive_on_grid(work, [t.symbol], [u], t.others)
            if self.positive(np.array([t.baseline])) is None:
                self.positive = self._checked_positive
        if not dyn.smooth and self.kinks(np.linspace(t.lo, t.hi, 401)).all():
            raise AnalysisError(f"under {dyn.spec} the pure profile {t.label} is a kink of the field at every "
                                f"{t.unknown} in [{t.lo:g}, {t.hi:g}]: no Jacobian, so no threshold from the "
                                "linearisation (simulate or basins show what paths near it do)")

    def kinks(self, u: np.ndarray, relative: float | None = None) -> np.ndarray:
        params = np.broadcast_to(self.pvec, u.shape + self.pvec.shape).copy()
        params[..., self.columns[0]] = u
        return self.t.dyn.kinks(np.broadcast_to(self.state, u.shape + self.state.shape), params, relative)

    def _checked_positive(self, u: np.ndarray) -> np.ndarray:
        out = np.ones(u.shape, dtype=bool)
        base = self.t.work.values()
        for i, v in enumerate(u):
            try:
                self.t.dyn.check({**base, self.t.unknown: float(v)})
            except UndefinedDynamics:
                out[i] = False
        return out

    def linear(self, u: np.ndarray) -> np.ndarray:
        """Where the corner is a rest point with a Jacobian (and the dynamics is defined)."""
        ok = np.ones(u.shape, dtype=bool)
        if self.positive is not None:
            ok &= self.positive(u)
        if self.excess is not None:
            ok &= nash_holds(self.excess(u), u.shape)
        if not self.t.dyn.smooth:   # exactly at a kink: the bisection then finds the kink itself, not a band's edge
            ok &= ~self.kinks(u, relative=0.0)
        return ok


class InteriorTarget:
    """The strictly mixed rest point as a function of one unknown (the target ``interior``).

    Unlike a corner, its state moves with the unknown: it is followed with
    :class:`ParametricRestPoints` (solved once on the interior face with the
    unknown symbolic, compiled, evaluated on arrays), or, where the rest points
    are found numerically (logit, mutation), analysed value by value
    (:class:`PointwiseRestPoints`, on a grid of at most :data:`POINTWISE_GRID`).  There must be at most one
    such point at every value of the range (and one somewhere).  At a value
    ``u`` the target is asymptotically stable iff the strictly mixed rest point
    exists there and every eigenvalue of its Jacobian has a negative real part.
    """

    def __init__(self, work: Game, unknown: str, baseline: float, lo: float, hi: float, rtol: float,
                 budget: float | None, dynamics="replicator"):
        self.work, self.unknown = work, unknown
        self.baseline, self.lo, self.hi, self.rtol, self.dynamics = baseline, lo, hi, rtol, dynamics
        self.support = tuple(tuple(range(p.n)) for p in work.populations)
        self.label = face_label(work, self.support)
        self.pointwise, self.grid_limit = None, None
        self.derived = ParametricRestPoints(work, [unknown], budget, rtol, dynamics) \
            if derive(work, dynamics).face_rest_points else None
        if self.derived is None or not self.derived.ok:
            # rest points found numerically (logit, mutation), or no closed form: value by value
            self.pointwise = PointwiseRestPoints(work, [unknown], budget, rtol, dynamics)
            self.grid_limit = POINTWISE_GRID
        checked = np.linspace(lo, hi, 101 if self.pointwise is None else 21)
        counts = self._existing(checked)[0].sum(axis=0)
        if counts.max(initial=0) != 1:
            found = "none" if counts.max(initial=0) == 0 else f"up to {int(counts.max())} at once"
            raise AnalysisError(f"the target 'interior' needs one strictly mixed rest point (at most one at "
                                f"every {unknown} in [{lo:g}, {hi:g}]); found {found}")

    def _existing(self, u: np.ndarray):
        """``(exists (K, n), codes (K, n), eigenvalues (K, n, d))`` of the interior branches at ``u``."""
        u = np.asarray(u, dtype=float)
        if self.pointwise is not None:
            ev = self.pointwise.grid([u])
        else:
            ev = self.derived.evaluate([u])
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
