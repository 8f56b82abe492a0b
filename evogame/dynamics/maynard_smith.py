"""The Maynard Smith (adjusted) replicator dynamics: ``dx_{p,i}/dt = x_{p,i} (f_{p,i} - fbar_p) / fbar_p``.

Defined where every population's mean payoff ``fbar_p`` is positive; it is
the replicator's field divided by a positive function, so it has the same
rest points, and at each of them the Jacobian is the replicator's divided
by ``fbar_p`` row by row: the same classes where ``fbar > 0`` for a single
population (and, block by block, for several).
"""
from __future__ import annotations

from typing import Mapping

import sympy

from ..solvers.restpoints import find_rest_points
from .base import Dynamics
from .positive import check_positive_payoffs

__all__ = ["MaynardSmith"]


class MaynardSmith(Dynamics):
    """The adjusted replicator dynamics (see the module docstring)."""

    name = "maynard_smith"
    smooth = True
    needs_positive_payoffs = True

    def components(self) -> list[sympy.Expr]:
        comps = []
        for pop, shares, fp in zip(self.game.populations, self.game.shares, self.fitness):
            fbar = sum(s * f for s, f in zip(shares, fp))
            comps.extend(shares[i] * (fp[i] - fbar) / fbar for i in range(pop.n - 1))
        return comps

    def check(self, values: Mapping) -> list[str]:
        note = check_positive_payoffs(self.game, self.fitness, values, "the Maynard Smith dynamics")
        return [note] if note else []

    def rest_points(self, fitness, *, budget, numeric_values=None):
        # the zeros of x (f - fbar) / fbar with fbar > 0 are the replicator's
        return find_rest_points(self.game, fitness, budget=budget, numeric_values=numeric_values)
