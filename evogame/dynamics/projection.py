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
(:func:`evogame.dynamics.simulation.field_writer` then wraps these instead of
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

__all__ = ["Projection", "active_set", "tangent_cone_projection", "UNUSED_TOL"]

#: a share at most this small counts as unused by the numeric field
UNUSED_TOL = 1e-12


def active_set(shares: np.ndarray, payoffs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(mean, active)``: the projection's active set ``S`` (a mask ``(..., n)``) and ``mean_S(f)`` ``(...)``.

    ``S`` holds the strategies in use and the unused ones that earn more
    than the mean over ``S`` (see the module docstring).
    """
    shares = np.asarray(shares, dtype=float)
    f = np.asarray(payoffs, dtype=float)
    used = shares > UNUSED_TOL
    n_used = used.sum(axis=-1)
    total_used = np.where(used, f, 0.0).sum(axis=-1)
    # the unused strategies' payoffs, best first (the used ones as -inf, last)
    ranked = -np.sort(-np.where(used, -np.inf, f), axis=-1)
    gains = np.cumsum(np.where(np.isfinite(ranked), ranked, 0.0), axis=-1)
    gains = np.concatenate([np.zeros(gains.shape[:-1] + (1,)), gains], axis=-1)   # gains[k]: the best k
    k = np.arange(f.shape[-1])
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_before = (total_used[..., None] + gains[..., :-1]) / (n_used[..., None] + k)
        added = (ranked > mean_before).sum(axis=-1)                  # how many unused strategies join S
        mean = (total_used + np.take_along_axis(gains, added[..., None], axis=-1)[..., 0]) / (n_used + added)
    return mean, used | (f > mean[..., None])


def tangent_cone_projection(shares: np.ndarray, payoffs: np.ndarray) -> np.ndarray:
    """``Pi_{T(x)}(f)`` for a batch of states of one population: ``(..., n), (..., n) -> (..., n)``.

    ``v_i = f_i - mean_S(f)`` on the active set ``S`` (:func:`active_set`), 0
    outside it; ``sum_i v_i = 0`` and ``v_j >= 0`` wherever ``x_j = 0``.
    """
    mean, active = active_set(shares, payoffs)
    return np.where(active, np.asarray(payoffs, dtype=float) - mean[..., None], 0.0)


class Projection(KinkedDynamics):
    """The projection dynamics (see the module docstring)."""

    name = "projection"
    field_is_symbolic = False

    def __init__(self, game: Game):
        super().__init__(game)
        self._field_fn = self._projected     # field() and field_function() evaluate the projection
        self._payoff_jac = None

    def components(self) -> list[sympy.Expr]:
        """The interior formula ``f_i - (1/n) sum_j f_j`` (the field where every strategy is in use)."""
        comps = []
        for pop, fp in zip(self.game.populations, self.fitness):
            mean = sympy.Add(*fp) / pop.n
            comps.extend(fp[i] - mean for i in range(pop.n - 1))
        return comps

    def _by_population(self, args):
        """Per population ``(slice, shares (..., n), payoffs (..., n))`` at ``(*variables, *parameters)``."""
        d = len(self.variables)
        shape = np.broadcast_shapes(*(np.shape(a) for a in args))
        z = [np.broadcast_to(np.asarray(a, dtype=float), shape) for a in args[:d]]
        payoffs = [np.broadcast_to(np.asarray(v, dtype=float), shape) for v in self.fitness_function()(*args)]
        k = 0
        for pop, sl in zip(self.game.populations, self.game.slices()):
            head = z[sl]
            yield sl, np.stack(head + [1.0 - np.sum(head, axis=0)], axis=-1), np.stack(payoffs[k:k + pop.n], axis=-1)
            k += pop.n

    def _projected(self, *args) -> list[np.ndarray]:
        """The projected field at ``(*variables, *parameters)`` (scalars or arrays, broadcast together)."""
        out = []
        for _, shares, f in self._by_population(args):
            v = tangent_cone_projection(shares, f)
            out.extend(v[..., i] for i in range(shares.shape[-1] - 1))
        return out

    def jacobian_at(self, states: np.ndarray, params: np.ndarray) -> np.ndarray:
        """The Jacobian of the field on the face of each state, with its active sets: ``(..., d, d)``.

        Where the active set ``S`` is locally constant the field is
        ``P_S f`` with ``P_S = diag(1_S) - 1_S 1_S^T / |S|``, so its derivative is
        ``P_S df/dz``; in the interior this is the interior formula's Jacobian
        (what classifies an interior rest point), on a face it is what the
        stiff integrator steps with.
        """
        if self._payoff_jac is None:
            flat = sympy.Matrix([f for fp in self.fitness for f in fp])
            self._payoff_jac = self._compile(list(flat.jacobian(sympy.Matrix(self.variables))))
        states = np.asarray(states, dtype=float)
        params = np.asarray(params, dtype=float)
        args = (*np.moveaxis(states, -1, 0), *np.moveaxis(params, -1, 0))
        shape = np.broadcast_shapes(states.shape[:-1], params.shape[:-1])
        d = len(self.variables)
        jf = np.stack([np.broadcast_to(v, shape) for v in self._payoff_jac(*args)], axis=-1).reshape(shape + (-1, d))
        rows, k = [], 0
        for _, shares, f in self._by_population(args):
            n = shares.shape[-1]
            _, active = active_set(shares, f)
            a = active.astype(float)
            P = a[..., :, None] * (np.eye(n) - a[..., None, :] / a.sum(axis=-1)[..., None, None])
            rows.append((P @ jf[..., k:k + n, :])[..., :n - 1, :])
            k += n
        return np.concatenate(rows, axis=-2)

    def field_function_at(self, params):
        """The projected field with these parameter values: ``f(*variables) -> list``."""
        pargs = tuple(float(v) for v in np.asarray(params, dtype=float).ravel())
        return lambda *z: self._projected(*z, *pargs)

    def kinks(self, states: np.ndarray, params: np.ndarray, relative: float | None = None) -> np.ndarray:
        """Where a state is on the boundary (a strategy unused): the field has no Jacobian there.

        ``relative`` (the share counted as zero) defaults to ``KINK_TOL``.
        """
        states, params = np.asarray(states, dtype=float), np.asarray(params, dtype=float)
        shape = np.broadcast_shapes(states.shape[:-1], params.shape[:-1])
        tol = KINK_TOL if relative is None else relative
        out = np.zeros(shape, dtype=bool)
        with np.errstate(invalid="ignore"):
            for sl in self.game.slices():
                block = np.broadcast_to(states[..., sl], shape + (sl.stop - sl.start,))
                out |= np.any(block <= tol, axis=-1) | (1.0 - np.sum(block, axis=-1) <= tol)
        return out
