"""Dynamics whose rest points are the Nash equilibria and whose field has kinks: BNN and Smith.

Both are built from ``[u]_+ = max(u, 0)``, written ``(u + |u|)/2``.  Their
rest points are exactly the Nash equilibria (Hofbauer and Sandholm 2009;
Sandholm 2010, ch. 5): the replicator's rest points -- every strategy in use
earns the mean payoff -- at which no unused strategy earns more.  The field
is differentiable except where an argument ``u`` of ``[u]_+`` vanishes; there
evogame computes no Jacobian: the point is ``not differentiable``, with the
evidence of paths started nearby.  What exists there is the *one-sided*
linearisation on a cone of directions (:func:`one_sided_jacobian`), e.g. the
simplex seen from one of its corners.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy

from ..solvers.restpoints import find_rest_points
from .base import Dynamics

__all__ = ["KinkedDynamics", "positive_part", "excess_payoffs", "nash_holds", "one_sided_jacobian", "OneSided",
           "NASH_TOL", "KINK_TOL"]

#: an unused strategy may earn at most this much more than the mean payoff at a (numeric) Nash equilibrium
NASH_TOL = 1e-9
#: an argument of [u]_+ this close to zero (relative to the payoffs' scale) is a kink
KINK_TOL = 1e-9


def positive_part(u: sympy.Expr) -> sympy.Expr:
    """``[u]_+ = (u + |u|)/2``: differentiable except at ``u = 0`` (its derivative is ``(1 + sign u)/2``)."""
    return (u + sympy.Abs(u)) / 2


def excess_payoffs(game, fitness, support, point) -> list:
    """The Nash condition's terms at ``point`` (a substitution of the state variables): for every strategy
    outside ``support`` (per population, the strategies in use), the pair ``(f_i - fbar, fbar)`` as
    expressions in what ``fitness`` still leaves symbolic.  Read by :func:`nash_holds`."""
    out = []
    for S, shares, fp in zip(support, game.shares, fitness):
        f = [e.xreplace(point) for e in fp]
        fbar = sum(s.xreplace(point) * fi for s, fi in zip(shares, f))
        out += [e for i, fi in enumerate(f) if i not in S for e in (fi - fbar, fbar)]
    return out


def nash_holds(values, shape) -> np.ndarray:
    """Where no unused strategy earns more than the mean: the pairs of :func:`excess_payoffs`, evaluated
    (arrays broadcasting to ``shape``), each excess at most NASH_TOL * max(1, |fbar|)."""
    values = [np.broadcast_to(np.asarray(v, dtype=complex), shape).real for v in values]
    ok = np.ones(shape, dtype=bool)
    for excess, fbar in zip(values[::2], values[1::2]):
        ok &= excess <= NASH_TOL * np.maximum(1.0, np.abs(fbar))
    return ok


class KinkedDynamics(Dynamics):
    """Shared by BNN, Smith and the projection: rest points = Nash equilibria; no Jacobian at a kink.

    A subclass builds its field with :meth:`plus`, which records every argument
    (BNN, Smith: a kink is where one vanishes), or overrides :meth:`at_kink`
    (the projection: every point of the boundary).
    """

    smooth = False
    nash_rest_points = True
    faces_invariant = False

    def __init__(self, game):
        self.kink_arguments: list[sympy.Expr] = []
        super().__init__(game)
        self._kinks = sympy.lambdify(list(self.variables) + list(self.parameters), self.kink_arguments,
                                     modules="numpy")

    def plus(self, u: sympy.Expr) -> sympy.Expr:
        """``[u]_+``, remembering ``u`` (an argument identically zero is no kink and is dropped)."""
        u = sympy.expand(u)
        if u == 0:
            return sympy.Integer(0)
        self.kink_arguments.append(u)
        return positive_part(u)

    def rest_points(self, fitness, *, budget, numeric_values=None):
        candidates, continua, notes = find_rest_points(self.game, fitness, budget=budget,
                                                       numeric_values=numeric_values)
        if numeric_values is not None:   # symbolic mode: the Nash condition is not decided symbolically
            return [], [], notes + [f"{self.name}: rest points are the Nash equilibria; no symbolic "
                                    "stability conditions (the field has kinks)"]
        payoffs = sympy.lambdify(list(self.variables), [f for fp in fitness for f in fp], modules="numpy")
        nash = [c for c in candidates if self._is_nash(fitness, payoffs, c)]
        kept = [k for k in continua if k.sample is None or self._is_nash_state(payoffs, k.sample)]
        notes.append(f"{self.name}: the rest points are the Nash equilibria: the replicator's rest points at "
                     f"which no unused strategy earns more than the mean payoff ({len(candidates) - len(nash)} "
                     "replicator rest points are not)")
        return nash, kept, notes

    def _is_nash(self, fitness, payoffs, candidate) -> bool:
        """No unused strategy earns more than the mean: exactly at an exact state, else within NASH_TOL."""
        if candidate.exact_state is not None:
            point = dict(zip(self.variables, candidate.exact_state))
            for pop, shares, fp in zip(self.game.populations, self.game.shares, fitness):
                f = [e.xreplace(point) for e in fp]
                x = [s.xreplace(point) for s in shares]
                fbar = sum(a * b for a, b in zip(x, f))
                if any(sympy.N(fi - fbar, 30) > NASH_TOL * max(1, abs(sympy.N(fbar))) for fi in f):
                    return False
            return True
        return self._is_nash_state(payoffs, candidate.state)

    def _is_nash_state(self, payoffs, state) -> bool:
        f = np.array([float(v) for v in payoffs(*state)])
        k = 0
        for pop, sl in zip(self.game.populations, self.game.slices()):
            x = np.append(state[sl], 1 - np.sum(state[sl]))
            fp = f[k:k + pop.n]
            k += pop.n
            if np.any(fp - x @ fp > NASH_TOL * max(1.0, np.abs(fp).max())):
                return False
        return True

    def kinks(self, states: np.ndarray, params: np.ndarray, relative: float | None = None) -> np.ndarray:
        """Where an argument of ``[.]_+`` vanishes (relative to the payoffs' scale): no Jacobian there."""
        states, params = np.asarray(states, dtype=float), np.asarray(params, dtype=float)
        shape = np.broadcast_shapes(states.shape[:-1], params.shape[:-1])
        if not self.kink_arguments:
            return np.zeros(shape, dtype=bool)
        columns = [*np.moveaxis(states, -1, 0), *np.moveaxis(params, -1, 0)]
        with np.errstate(all="ignore"):
            args = np.stack([np.broadcast_to(np.asarray(v, dtype=float), shape) for v in self._kinks(*columns)])
            payoffs = np.stack([np.broadcast_to(np.asarray(v, dtype=float), shape)
                                for v in self.fitness_function()(*columns)])
            scale = np.maximum(1.0, np.abs(payoffs).max(axis=0))
            return np.any(np.abs(args) <= (KINK_TOL if relative is None else relative) * scale, axis=0)


@dataclass(frozen=True)
class OneSided:
    """The one-sided linearisation of a field with kinks at a point, on a cone of directions.

    Attributes
    ----------
    jacobian : ``(d, d)`` sympy Matrix ``J`` with ``F(point + h M u) = h J M u + o(h)`` for every ``u >= 0``
        (symbolic in the parameters); None where the field is not linear on the cone (``crossing``).
    region : sympy relations in the parameters under which ``jacobian`` is this expression: the signs, at
        the values, of the arguments ``g`` of ``|g|`` at the point and of the kinks' slopes along the edges
        (an equation ``g(point) = 0`` for a kink at these values only: then ``jacobian`` is at the values).
    kinks : the arguments ``g`` of ``|g|`` that vanish at the point (at the values).
    crossing : ``(g, edges where g rises, edges where it falls)`` for each kink whose surface ``g = 0``
        enters the cone and which enters the field at first order: there the field is only piecewise
        linear on the cone.
    """

    jacobian: sympy.Matrix | None
    region: tuple = ()
    kinks: tuple = ()
    crossing: tuple = ()


def one_sided_jacobian(field, variables, point: dict, edges: sympy.Matrix, subs: dict, tol: float) -> OneSided:
    """Directional derivatives of a field built from ``|g|`` terms, along the cone ``{point + M u : u >= 0}``.

    Write the field as ``F = Phi(x, |g_1(x)|, ..., |g_m(x)|)`` with ``Phi`` smooth.  Where
    ``g_i(point) != 0``, ``|g_i|`` is smooth with gradient ``sign(g_i(point)) grad g_i``.  Where
    ``g_i(point) = 0`` (a kink), ``|g_i(point + h M u)| = h |grad g_i . M u| + O(h^2)``, so

    ``F(point + h M u) = h [dPhi/dx M u + sum_i w_i |grad g_i . M u|] + o(h)``,  ``w_i = dPhi/d|g_i|`` at the point.

    On the cone ``u >= 0`` the term ``|grad g_i . M u|`` is linear, ``s_i grad g_i . M u``, when the slopes
    ``grad g_i . M e_j`` along the edges ``j`` all have the sign ``s_i`` (or vanish); then the one-sided
    Jacobian is ``dPhi/dx + sum_i w_i s_i grad g_i`` (with ``s_i = sign(g_i(point))`` for the smooth ones).
    The signs are those at the values (``region`` says where they hold); where a kink is one at these values
    only (``g_i(point) = 0`` is an equation in the parameters) the Jacobian is given at the values.  A kink
    with slopes of both signs and ``w_i != 0`` makes the field piecewise linear on the cone: it is reported
    in ``crossing`` and no Jacobian is returned.

    Parameters
    ----------
    field : sequence of ``d`` sympy expressions in ``variables`` (and parameters).
    variables : the ``d`` state symbols.
    point : ``{variable: value}``, the point (exact values).
    edges : ``(d, k)`` sympy Matrix ``M``, the cone's edge directions as columns.
    subs : ``{parameter symbol: value}``, the values at which kinks and signs are decided.
    tol : ``|g(point)|`` and a slope at most this count as zero.
    """
    field = sympy.Matrix(list(field))
    atoms = sorted(field.atoms(sympy.Abs), key=sympy.default_sort_key)
    marks = sympy.symbols(f"_abs0:{len(atoms)}", real=True)
    phi = field.xreplace(dict(zip(atoms, marks)))
    variables = list(variables)
    region, kinks, crossing, signs = [], [], [], []
    for atom in atoms:
        g = atom.args[0]
        value = g.xreplace(point)
        if abs(_number(value, subs)) > tol:
            signs.append(1 if _number(value, subs) > 0 else -1)
            region.append(signs[-1] * value > 0)
            continue
        kinks.append(g)
        slopes = list(sympy.Matrix([[sympy.diff(g, v) for v in variables]]).xreplace(point) * edges)
        numbers = [_number(e, subs) for e in slopes]
        up = tuple(j for j, e in enumerate(numbers) if e > tol)
        down = tuple(j for j, e in enumerate(numbers) if e < -tol)
        signs.append(None if up and down else -1 if down else 1)
        if signs[-1] is None:
            crossing.append((g, up, down))
        else:
            region += [sympy.Eq(value, 0), *(signs[-1] * e >= 0 for e in slopes)]
    # |g| = sign * g near the point (on the cone, for a kink): its value and its gradient there
    at = {**point, **{m: (0 if a.args[0] in kinks else sign * a.args[0].xreplace(point))
                      for a, m, sign in zip(atoms, marks, signs)}}
    J = phi.jacobian(variables).xreplace(at)
    for atom, mark, sign in zip(atoms, marks, signs):
        weight = sympy.diff(phi, mark).xreplace(at)
        if sign is None:      # a kink entering the cone matters only where it enters the field at first order
            if not any(abs(_number(w, subs)) > tol for w in weight):
                crossing = [c for c in crossing if c[0] != atom.args[0]]
            continue
        J += weight * sign * sympy.Matrix([[sympy.diff(atom.args[0], v) for v in variables]]).xreplace(point)
    strict = {r.lhs for r in region if isinstance(r, sympy.StrictGreaterThan) and r.rhs == 0}
    region = tuple(dict.fromkeys(r for r in region if r is not sympy.true and not (
        isinstance(r, sympy.GreaterThan) and r.rhs == 0 and r.lhs in strict)))      # e >= 0 beside e > 0
    if any(isinstance(r, sympy.Eq) for r in region):      # a kink at these values only: no formula around them
        J = J.xreplace(subs)
    return OneSided(None if crossing else J, region, tuple(kinks), tuple(crossing))


def _number(expr, subs) -> float:
    """An expression of the parameters at the values, as a float."""
    return float(sympy.N(sympy.sympify(expr).xreplace(subs), 30))
