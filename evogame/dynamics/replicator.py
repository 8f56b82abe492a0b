"""The replicator dynamics: ``dx_{p,i}/dt = x_{p,i} (f_{p,i} - fbar_p)``."""
from __future__ import annotations

from typing import Mapping

import sympy

from ..solvers.restpoints import find_rest_points
from .base import Dynamics

__all__ = ["Replicator"]


class Replicator(Dynamics):
    """The replicator dynamics: ``dx_{p,i}/dt = x_{p,i} (f_{p,i} - fbar_p)``.

    For two strategies ``dx/dt = x (1 - x) (f_1 - f_2)``.  Its rest points
    are the states where every strategy in use earns the same payoff: they
    are found face by face (:func:`evogame.solvers.restpoints.find_rest_points`).
    """

    name = "replicator"
    smooth = True

    def components(self) -> list[sympy.Expr]:
        comps = []
        for pop, shares, fp in zip(self.game.populations, self.game.shares, self.fitness):
            if pop.n == 2:
                x = shares[0]
                comps.append(x * (1 - x) * (fp[0] - fp[1]))
            else:
                fbar = sum(s * f for s, f in zip(shares, fp))
                comps.extend(shares[i] * (fp[i] - fbar) for i in range(pop.n - 1))
        return comps

    def rest_points(self, fitness, *, budget: float | None, numeric_values: Mapping | None = None):
        return find_rest_points(self.game, fitness, budget=budget, numeric_values=numeric_values)


#: the dynamics evogame knows, by name
