"""The replicator-mutator dynamics with uniform mutation ``mu``.

``dx_{p,i}/dt = sum_j x_{p,j} f_{p,j} Q_{ji} - x_{p,i} fbar_p``, with
``Q_{ii} = 1 - mu`` and ``Q_{ji} = mu / (n_p - 1)``: an offspring of a
``j``-strategist copies ``j`` or, with probability ``mu``, one of the other
strategies at random.  With ``mu = 0`` it is the replicator (and its rest
points are found face by face, as the replicator's).  With ``mu > 0`` and
positive payoffs every strategy is re-created at the boundary, so its rest
points (the perturbed equilibria) are interior: found numerically, each with a
certified residual.
"""
from __future__ import annotations

from typing import Mapping

import sympy

from ..game import Game
from ..restpoints import find_rest_points
from .base import Dynamics
from .interior import interior_rest_points
from .positive import check_positive_payoffs

__all__ = ["Mutator"]


class Mutator(Dynamics):
    """The replicator-mutator dynamics (see the module docstring)."""

    name = "mutator"
    smooth = True
    OPTIONS = {"mu": None}

    def __init__(self, game: Game, mu):
        self.mu = self.option(mu, lambda v: 0 <= v <= 1, "the mutation rate mu must lie in [0, 1]",
                              "mutator:mu=VALUE with 0 <= VALUE <= 1, e.g. mutator:mu=0.01")
        super().__init__(game)

    @property
    def needs_positive_payoffs(self) -> bool:
        return self.mu != 0

    @property
    def face_rest_points(self) -> bool:
        """Without mutation, the replicator's rest points, face by face; with it, interior and numeric."""
        return self.mu == 0

    @property
    def payoff_nullclines(self) -> bool:
        """Mutation moves the interior nullclines off ``f_1 = f_2`` (without it, the replicator's)."""
        return self.mu == 0

    def components(self) -> list[sympy.Expr]:
        return self.components_of(self.fitness, self.game.shares)

    def components_of(self, fitness, shares) -> list[sympy.Expr]:
        out = []
        for pop, sh, fp in zip(self.game.populations, shares, fitness):
            n = pop.n
            fbar = sum(s * f for s, f in zip(sh, fp))
            for i in range(n - 1):
                inflow = sum(sh[j] * fp[j] * ((1 - self.mu) if j == i else self.mu / (n - 1)) for j in range(n))
                out.append(inflow - sh[i] * fbar)
        return out

    def check(self, values: Mapping) -> list[str]:
        if self.mu == 0:
            return []
        note = check_positive_payoffs(self.game, self.fitness, values, "the replicator-mutator dynamics")
        return [note] if note else []

    def rest_points(self, fitness, *, budget, numeric_values=None):
        if self.mu == 0:
            return find_rest_points(self.game, fitness, budget=budget, numeric_values=numeric_values)
        if numeric_values is not None:
            return [], [], ["mutator: the rest points are found numerically; no symbolic stability conditions"]
        return interior_rest_points(self, fitness, "interior when mu > 0")
