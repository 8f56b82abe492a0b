"""The projection dynamics: each population's payoffs projected onto the tangent cone of its simplex.

    dx_p/dt = Pi_{T(x_p)}(f_p(x)),   T(x_p) = {v : sum_i v_i = 0, v_j >= 0 where x_{p,j} = 0}

(Nagurney and Zhang 1997; Lahkar and Sandholm 2008; Sandholm 2010, ch. 5).
The projection is ``v_i = f_i - mean_S(f)`` for the strategies ``i`` of the
active set ``S`` and ``0`` outside it, where (Lahkar and Sandholm 2008)
``S = support(x_p) + {unused j : f_j > mean_S(f)}``.  ``S`` is found exactly:
the unused strategies sorted by payoff, best first, are added while each
earns more than the mean of those already in ``S`` (once one does not, no
later one does: the mean with it included is still at least its payoff).

Where the field is smooth and where it is not.  In the interior of the whole
state space (every strategy of every population in use) the tangent cone is
the whole tangent space and the field is ``f_i - (1/n_p) sum_j f_j``: that is
:meth:`Projection.components` (the printed equations, and the Jacobian at
interior points).  On the boundary the field is the projection, which is not
one expression and not even continuous (next to a face, the interior
formula; on it, the projection).  So the numeric field -- :meth:`field`,
:meth:`field_function`, :meth:`field_function_at`, hence ``simulate``,
``basins`` and the figures -- evaluates the projection on each batch of
states (:func:`tangent_cone_projection`), and ``field_is_symbolic`` is False
(:func:`evogame.simulation.field_writer` then wraps these instead of
compiling ``vector_field``).  A share at most :data:`UNUSED_TOL` counts as
unused (the last share is ``1 -`` the others, with round-off).

Rest points: exactly the Nash equilibria (Lahkar and Sandholm 2008), found as
for BNN and Smith (:class:`~evogame.dynamics.kinked.KinkedDynamics`).  An
interior Nash equilibrium is classified by the Jacobian of the interior
formula; at a rest point on the boundary there is no Jacobian: it is
``not differentiable``, with the evidence of paths started nearby.
"""
from __future__ import annotations

import numpy as np
import sympy

from ..game import Game
from .kinked import KINK_TOL, KinkedDynamics

__all__ = ["Projection", "tangent_cone_projection", "UNUSED_TOL"]

#: a share at most this small counts as unused by the numeric field
UNUSED_TOL = 1e-12


def tangent_cone_projection(shares: np.ndarray, payoffs: np.ndarray) -> np.ndarray:
    """``Pi_{T(x)}(f)`` for a batch of states of one population: ``(..., n), (..., n) -> (..., n)``.

    ``v_i = f_i - lambda`` for the strategies in use, ``v_j = [f_j - lambda]_+``
    for the unused ones, with ``lambda = mean_S(f)`` the mean payoff over the
    active set (see the module docstring); ``sum_i v_i = 0`` and ``v_j >= 0``
    wherever ``x_j = 0``.
    """
    shares = np.asarray(shares, dtype=float)
    f = np.asarray(payoffs, dtype=float)
    used = shares > UNUSED_TOL
    n_used = used.sum(axis=-1)
    total_used = np.where(used, f, 0.0).sum(axis=-1)
    # the unused strategies' payoffs, best first (the used ones as -inf, last)
    ranked = -np.sort(-np.where(used, -np.inf, f), axis=-1)
    gains = np.cumsum(np.where(np.isfinite(ranked), ranked, 0.0), axis=-1)
    before = np.concatenate([np.zeros(gains.shape[:-1] + (1,)), gains[..., :-1]], axis=-1)
    k = np.arange(f.shape[-1])
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_before = (total_used[..., None] + before) / (n_used[..., None] + k)
        added = (ranked > mean_before).sum(axis=-1)                  # how many unused strategies join S
        extra = np.take_along_axis(np.concatenate([np.zeros(gains.shape[:-1] + (1,)), gains], axis=-1),
                                   added[..., None], axis=-1)[..., 0]
        mean = (total_used + extra) / (n_used + added)
    excess = f - mean[..., None]
    return np.where(used, excess, np.maximum(excess, 0.0))


class Projection(KinkedDynamics):
    """The projection dynamics (see the module docstring)."""

    name = "projection"
    field_is_symbolic = False

    def __init__(self, game: Game):
        super().__init__(game)
        self._field_fn = self._projected     # field() and field_function() evaluate the projection

    def components(self) -> list[sympy.Expr]:
        """The interior formula ``f_i - (1/n) sum_j f_j`` (the field where every strategy is in use)."""
        comps = []
        for pop, fp in zip(self.game.populations, self.fitness):
            mean = sympy.Add(*fp) / pop.n
            comps.extend(fp[i] - mean for i in range(pop.n - 1))
        return comps

    def _projected(self, *args) -> list[np.ndarray]:
        """The projected field at ``(*variables, *parameters)`` (scalars or arrays, broadcast together)."""
        d = len(self.variables)
        z = [np.asarray(a, dtype=float) for a in args[:d]]
        payoffs = self.fitness_function()(*args)
        shape = np.broadcast_shapes(*(np.shape(a) for a in args))
        out, k = [], 0
        for pop, sl in zip(self.game.populations, self.game.slices()):
            head = [np.broadcast_to(z[i], shape) for i in range(sl.start, sl.stop)]
            shares = np.stack(head + [1.0 - np.sum(head, axis=0)], axis=-1)
            f = np.stack([np.broadcast_to(np.asarray(v, dtype=float), shape) for v in payoffs[k:k + pop.n]],
                         axis=-1)
            k += pop.n
            v = tangent_cone_projection(shares, f)
            out.extend(v[..., i] for i in range(pop.n - 1))
        return out

    def field_function_at(self, params):
        """The projected field with these parameter values: ``f(*variables) -> list``."""
        pargs = tuple(float(v) for v in np.asarray(params, dtype=float).ravel())
        return lambda *z: self._projected(*z, *pargs)

    def at_kink(self, state: np.ndarray, pvec: np.ndarray) -> bool:
        """Whether ``state`` is on the boundary (a strategy unused): the field has no Jacobian there."""
        state = np.asarray(state, dtype=float)
        for sl in self.game.slices():
            if np.any(state[sl] <= KINK_TOL) or 1.0 - np.sum(state[sl]) <= KINK_TOL:
                return True
        return False
