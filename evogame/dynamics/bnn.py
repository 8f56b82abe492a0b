"""The Brown-von Neumann-Nash dynamics: ``dx_i/dt = [f_i - fbar]_+ - x_i sum_j [f_j - fbar]_+``.

Each revising individual switches to a strategy with probability proportional
to its excess payoff over the population's mean (Brown and von Neumann 1950;
Sandholm 2010, ch. 5).  Rest points: the Nash equilibria (see
:mod:`evogame.dynamics.kinked`).
"""
from __future__ import annotations

import sympy

from .kinked import KinkedDynamics

__all__ = ["BNN"]


class BNN(KinkedDynamics):
    """The BNN dynamics (see the module docstring)."""

    name = "bnn"

    def components(self) -> list[sympy.Expr]:
        comps = []
        for pop, shares, fp in zip(self.game.populations, self.game.shares, self.fitness):
            fbar = sum(s * f for s, f in zip(shares, fp))
            excess = [self.plus(f - fbar) for f in fp]
            total = sympy.Add(*excess)
            comps.extend(excess[i] - shares[i] * total for i in range(pop.n - 1))
        return comps
