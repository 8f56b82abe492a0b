"""The replicator-mutator dynamics, with uniform mutation ``mu`` or an explicit mutation matrix.

``dx_{p,i}/dt = sum_j x_{p,j} f_{p,j} Q_{ji} - x_{p,i} fbar_p``: an offspring
of a ``j``-strategist plays ``i`` with probability ``Q_{ji}`` (row ``j`` of
``Q`` is a probability vector).  Uniform mutation: ``Q_{ii} = 1 - mu`` and
``Q_{ji} = mu / (n_p - 1)`` (copy, or with probability ``mu`` one of the other
strategies at random).  A scenario may give a population its own matrix
(``[dynamics.matrix]``, one square matrix per population, rows = parent
strategy); the others keep ``mu`` (default 0 then).  Its option ``matrix`` is
``((population, rows), ...)`` with rows as tuples of numbers (hashable, so
the derivation is cached); each row is checked (entries in [0, 1], sum 1
within 1e-9) and divided by its exact sum.

Rest points.  With ``Q = I`` (``mu = 0``) it is the replicator (rest points
found face by face, as the replicator's).  Otherwise, with positive payoffs,
a state with support ``S`` can only be at rest if no mutation leads out of
``S`` (``Q_{ji} = 0`` for ``j`` in ``S``, ``i`` not in ``S``): an ``i`` outside
would gain ``x_j f_j Q_{ji} > 0``.  So the rest points are searched on the
faces closed under mutation -- with ``mu > 0`` only the interior (the
perturbed equilibria) -- numerically, each with a certified residual.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Mapping

import numpy as np
import sympy

from ..errors import ScenarioError, did_you_mean
from ..game import Game, exact
from ..game.faces import Candidate, faces
from ..solvers.restpoints import find_rest_points
from .base import Dynamics
from .interior import interior_rest_points, roots_on_face
from .positive import check_positive_payoffs
from ..scenario.dynamics_spec import ROW_SUM_TOL, mutation_spec

__all__ = ["Mutator", "mutation_matrices"]


def mutation_matrices(game: Game, mu, matrix=()) -> list[list[list[sympy.Expr]]]:
    """Each population's mutation matrix ``Q`` (exact): its row in ``matrix``, else uniform with rate ``mu``.

    Raises :class:`ScenarioError` (naming the argument ``dynamics``) for an
    unknown population, a matrix that is not ``n x n``, an entry outside
    [0, 1] or a row that does not sum to 1.
    """
    names = [p.name for p in game.populations]
    given = {}
    for name, rows in matrix:
        if name not in names:
            raise ScenarioError(f"the mutation matrix names an unknown population '{name}'", argument="dynamics",
                                expected="one of " + ", ".join(names), suggestion=did_you_mean(name, names))
        given[name] = _checked(name, rows, game.populations[names.index(name)].n)
    out = []
    for pop in game.populations:
        n = pop.n
        uniform = [[(1 - mu) if i == j else mu / (n - 1) for i in range(n)] for j in range(n)]
        out.append(given.get(pop.name, uniform))
    return out


def _checked(name: str, rows, n: int) -> list[list[sympy.Expr]]:
    """A population's matrix as exact numbers, rows divided by their sums; refused unless stochastic."""
    def refuse(problem):
        return ScenarioError(f"the mutation matrix of '{name}' {problem}", argument="dynamics",
                             expected=f"{n} rows of {n} numbers in [0, 1], each row summing to 1")
    if len(rows) != n or any(len(row) != n for row in rows):
        raise refuse(f"is not {n} x {n}")
    try:
        exact_rows = [[exact(v) for v in row] for row in rows]
    except (TypeError, ValueError):
        raise refuse("has an entry that is not a number") from None
    if any(not 0 <= v <= 1 for row in exact_rows for v in row):
        raise refuse("has an entry outside [0, 1]")
    if any(abs(float(sum(row)) - 1) > ROW_SUM_TOL for row in exact_rows):
        raise refuse("has a row that does not sum to 1")
    return [[v / sum(row) for v in row] for row in exact_rows]


class Mutator(Dynamics):
    """The replicator-mutator dynamics (see the module docstring)."""

    name = "mutator"
    smooth = True
    OPTIONS = {"mu": None, "matrix": ()}

    def __init__(self, game: Game, mu, matrix=()):
        self.mu = self.option(mu, lambda v: 0 <= v <= 1, "the mutation rate mu must lie in [0, 1]",
                              "mutator:mu=VALUE with 0 <= VALUE <= 1, e.g. mutator:mu=0.01")
        self.matrix = tuple(matrix)
        self.mutation = mutation_matrices(game, self.mu, self.matrix)
        super().__init__(game)

    @property
    def needs_positive_payoffs(self) -> bool:
        """With mutation the field needs positive payoffs (the offspring are shares of payoff)."""
        return not self.is_replicator

    @property
    def face_rest_points(self) -> bool:
        """Without mutation, the replicator's rest points, face by face; with it, found numerically."""
        return self.is_replicator

    @property
    def spec(self) -> str:
        """``"mutator:mu=0.01"``; with matrices a :class:`~evogame.scenario.dynamics_spec.DynamicsSpec` ``"mutator:matrix"``."""
        if not self.matrix:
            return f"mutator:mu={float(self.mu):g}"
        return mutation_spec(float(self.mu), self.matrix, len(self.matrix) == len(self.game.populations))

    @property
    def is_replicator(self) -> bool:
        """Whether there is no mutation at all (every ``Q`` the identity)."""
        return all(Q[j][i] == (1 if i == j else 0) for Q in self.mutation for j in range(len(Q)) for i in range(len(Q)))

    @property
    def payoff_nullclines(self) -> bool:
        """Mutation moves the interior nullclines off ``f_1 = f_2`` (without it, the replicator's)."""
        return self.is_replicator

    @property
    def faces_invariant(self) -> bool:
        """Mutation re-creates strategies: faces are invariant only without it."""
        return self.is_replicator

    def components(self) -> list[sympy.Expr]:
        return self.components_of(self.fitness, self.game.shares)

    def components_of(self, fitness, shares, supports=None) -> list[sympy.Expr]:
        """The field for these payoffs and shares: strategies ``0..n-2`` of each population (or ``S[:-1]`` of
        each support ``S`` in ``supports``)."""
        out = []
        for p, (Q, sh, fp) in enumerate(zip(self.mutation, shares, fitness)):
            n = len(Q)
            fbar = sum(s * f for s, f in zip(sh, fp))
            for i in (range(n - 1) if supports is None else supports[p][:-1]):
                inflow = sum(sh[j] * fp[j] * Q[j][i] for j in range(n))
                out.append(inflow - sh[i] * fbar)
        return out

    def check(self, values: Mapping) -> list[str]:
        if self.is_replicator:
            return []
        note = check_positive_payoffs(self.game, self.fitness, values, "the replicator-mutator dynamics")
        return [note] if note else []

    def closed(self, support) -> bool:
        """Whether no mutation leads out of the support profile (only there can a rest point lie)."""
        return all(Q[j][i] == 0 for Q, S in zip(self.mutation, support) for j in S
                   for i in range(len(Q)) if i not in S)

    def rest_points(self, fitness, *, budget, numeric_values=None):
        if self.is_replicator:
            return find_rest_points(self.game, fitness, budget=budget, numeric_values=numeric_values)
        if numeric_values is not None:
            return [], [], ["mutator: the rest points are found numerically; no symbolic stability conditions"]
        closed = [f for f in faces(self.game, fitness) if self.closed(f.support)]
        if len(closed) == 1:     # only the interior: every strategy is re-created
            found, _, notes = interior_rest_points(self, fitness, "interior when mu > 0" if not self.matrix else
                                                   "interior: mutation re-creates every strategy")
            # the homotopy from the replicator's rest points first, multistart as the second net
            from ..solvers.homotopy import by_homotopy
            return by_homotopy(self, fitness, found, notes, budget)
        found, starts = [], 0
        for face in closed:
            payoffs = [[f.xreplace(face.substitution) for f in fp] for fp in fitness]
            face = replace(face, equations=self.components_of(payoffs, face.shares, face.support))
            if not face.unknowns:   # a vertex closed under mutation is at rest
                point = tuple(face.substitution[v] for v in self.variables)
                found.append(_vertex(face, point))
                continue
            roots, used = roots_on_face(self.game, face, 1e-9)
            found += roots
            starts += used
        note = (f"mutator: rest points on the {len(closed)} faces closed under mutation (no rest point elsewhere "
                f"when payoffs are positive), by Newton's method from {starts} quasi-random starts in all, each "
                "kept with residual <= 1e-10; one that no start reaches would be missed")
        return found, [], [note]


def _vertex(face, point) -> Candidate:
    return Candidate(face, np.array([float(v) for v in point]), exact_state=point, method="exact")
