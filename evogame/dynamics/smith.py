"""The Smith dynamics: ``dx_i/dt = sum_j x_j [f_i - f_j]_+ - x_i sum_j [f_j - f_i]_+``.

Pairwise comparison: a revising ``j``-strategist meets a random strategy
``i`` and switches with probability proportional to its payoff advantage
(Smith 1984; Sandholm 2010, ch. 5).  Rest points: the Nash equilibria (see
:mod:`evogame.dynamics.kinked`).  At a strict pure equilibrium no argument of
``[.]_+`` vanishes: the field is smooth there and the point is classified by
its Jacobian.
"""
from __future__ import annotations

import sympy

from .kinked import KinkedDynamics

__all__ = ["Smith"]


class Smith(KinkedDynamics):
    """The Smith dynamics (see the module docstring)."""

    name = "smith"

    def components(self) -> list[sympy.Expr]:
        comps = []
        for pop, shares, fp in zip(self.game.populations, self.game.shares, self.fitness):
            n = pop.n
            gain = [[self.plus(fp[i] - fp[j]) if i != j else sympy.Integer(0) for j in range(n)] for i in range(n)]
            for i in range(n - 1):
                inflow = sympy.Add(*[shares[j] * gain[i][j] for j in range(n)])
                outflow = shares[i] * sympy.Add(*[gain[j][i] for j in range(n)])
                comps.append(inflow - outflow)
        return comps
