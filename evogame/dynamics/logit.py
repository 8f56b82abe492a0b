"""The logit dynamics: ``dx_{p,i}/dt = exp(f_{p,i}/eta) / sum_j exp(f_{p,j}/eta) - x_{p,i}``.

Each revising individual picks strategy ``i`` with the logit choice
probability at noise ``eta > 0`` (Sandholm 2010, ch. 6).  Its rest points are
the logit equilibria (the logit quantal response equilibria): they are
interior, and found numerically.  As ``eta -> 0`` the logit choice tends to
the best response: the best-response dynamics (a differential inclusion) is
approximated by a small ``eta``.
"""
from __future__ import annotations

import sympy

from ..game import Game
from .base import Dynamics
from .interior import interior_rest_points

__all__ = ["Logit"]


class Logit(Dynamics):
    """The logit dynamics with noise ``eta`` (see the module docstring)."""

    name = "logit"
    smooth = True
    payoff_nullclines = False
    face_rest_points = False
    faces_invariant = False
    #: option -> default (None: required)
    OPTIONS = {"eta": None}

    def __init__(self, game: Game, eta):
        self.eta = self.option(eta, lambda v: v > 0, "the logit noise eta must be a positive number",
                               "logit:eta=VALUE with VALUE > 0, e.g. logit:eta=0.1")
        super().__init__(game)

    def components(self) -> list[sympy.Expr]:
        return self.components_of(self.fitness, self.game.shares)

    def components_of(self, fitness, shares) -> list[sympy.Expr]:
        """Choice probability minus share, for every strategy but each population's last.

        The probability is written ``1 / sum_j exp((f_j - f_i)/eta)``: the same
        number as the softmax, without overflow when payoffs are large next to eta.
        """
        out = []
        for pop, sh, fp in zip(self.game.populations, shares, fitness):
            for i in range(pop.n - 1):
                total = sympy.Add(*[sympy.exp((fp[j] - fp[i]) / self.eta) for j in range(pop.n)])
                out.append(1 / total - sh[i])
        return out

    def rest_points(self, fitness, *, budget, numeric_values=None):
        if numeric_values is not None:
            return [], [], ["logit: the rest points (logit equilibria) are found numerically; "
                            "no symbolic stability conditions"]
        found, _, notes = interior_rest_points(self, fitness, "logit equilibria, interior")
        # the homotopy from the Nash equilibria at eta -> 0 first, multistart as the second net
        from ..solvers.homotopy import by_homotopy
        return by_homotopy(self, fitness, found, notes, budget)
