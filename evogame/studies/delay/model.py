"""The replicator dynamics with payoffs observed after a delay (an information lag).

Population ``p`` sees the payoffs of the state ``tau_p`` time units ago while
its shares change now ("social-type" delay; Tao & Wang 1997, J. Theor. Biol.
187; Alboszta & Miekisz 2004, J. Theor. Biol. 231):

    dx_{p,i}/dt = x_{p,i}(t) [ f_{p,i}(x(t - tau_p)) - sum_j x_{p,j}(t) f_{p,j}(x(t - tau_p)) ].

The shares that multiply are current, so every face of the product of
simplices stays invariant and each population's shares keep summing to one;
for two strategies ``dx/dt = x(t)(1 - x(t)) [f_1 - f_2](x(t - tau))``.  The
"biological-type" delay of Alboszta & Miekisz (the shares multiplying are
delayed too) is not offered.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import sympy

from ...dynamics import derive, with_structural
from ...errors import ScenarioError
from ...game.model import Game

__all__ = ["DelayedReplicator", "delays_per_population"]


def delays_per_population(game: Game, delay, *, argument: str = "delay") -> tuple[float, ...]:
    """The delay of every population: one number for all, or ``{population: tau}`` (missing ones: 0).

    Raises a ScenarioError naming ``argument`` for a negative, infinite or
    non-numeric delay or an unknown population.
    """
    names = [p.name for p in game.populations]
    if isinstance(delay, Mapping):
        unknown = [k for k in delay if k not in names]
        if unknown:
            raise ScenarioError(f"unknown population '{unknown[0]}'", argument=argument,
                                expected="one of " + ", ".join(names))
        values = [delay.get(n, 0.0) for n in names]
    elif isinstance(delay, Sequence) and not isinstance(delay, str):
        if len(delay) != len(names):
            raise ScenarioError(f"{len(delay)} delays for {len(names)} populations", argument=argument,
                                expected="one delay, or one per population")
        values = list(delay)
    else:
        values = [delay] * len(names)
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, (int, float, np.floating, np.integer)) \
                or not np.isfinite(v) or v < 0:
            raise ScenarioError("a delay must be a finite number >= 0", argument=argument, found=repr(v),
                                expected="a time lag such as 1 or 0.5")
        out.append(float(v))
    return tuple(out)


class DelayedReplicator:
    """The delayed replicator field of a game with numbers for its parameters.

    Attributes
    ----------
    game : the game.
    delays : the delay of every population (``tau_p``).
    lags : the distinct positive delays, ascending; the field's arguments are
        the current state and one delayed copy of it per lag.
    variables : the current reduced state symbols (length ``d``).
    lagged : per lag, the delayed state symbols.
    components : the field, ``d`` sympy expressions in current and delayed symbols.
    """

    def __init__(self, game: Game, delays: Sequence[float], params: Mapping | None = None):
        work, params = with_structural(game, params)
        dyn = derive(work, "replicator")
        values = work.values(params)
        subs = {work.parameters[n].symbol: v for n, v in values.items()}
        self.game = game
        self.delays = tuple(float(t) for t in delays)
        self.variables = tuple(work.variables)
        lags = tuple(sorted({t for t in self.delays if t > 0}))
        symbols = tuple(tuple(sympy.Dummy(f"{v}_lag{k}") for v in self.variables) for k in range(len(lags)))
        self.lags, self.lagged = lags, symbols
        self.components = self._components(work, dyn, subs)
        self._jacobians = None
        self._fn = sympy.lambdify(list(self.variables) + [s for block in symbols for s in block],
                                  list(self.components), modules="numpy", cse=True)

    def _components(self, game: Game, dyn, subs) -> list[sympy.Expr]:
        comps = []
        for pop, shares, fp, tau in zip(game.populations, game.shares, dyn.fitness, self.delays):
            lagged = {} if tau == 0 else dict(zip(self.variables, self.lagged[self.lags.index(tau)]))
            payoffs = [sympy.sympify(f).xreplace(subs).xreplace(lagged) for f in fp]
            if pop.n == 2:
                x = shares[0]
                comps.append(x * (1 - x) * (payoffs[0] - payoffs[1]))
                continue
            fbar = sum(s * g for s, g in zip(shares, payoffs))
            comps.extend(shares[i] * (payoffs[i] - fbar) for i in range(pop.n - 1))
        return comps

    def rhs(self, Y: np.ndarray, lagged: Sequence[np.ndarray]) -> np.ndarray:
        """The field on a component-major batch: ``Y (d, n)``, one ``(d, n)`` delayed state per lag."""
        out = np.empty(Y.shape)
        for i, v in enumerate(self._fn(*Y, *(row for block in lagged for row in block))):
            out[i] = v   # a constant component broadcasts
        return out

    def linearisation(self, state: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        """``A0 = dF/dx(t)`` and, per lag, ``A_k = dF/dx(t - tau_k)`` at a rest point ``state (d,)``.

        At a rest point the delayed state equals the current one; the
        characteristic equation of ``dz/dt = A0 z(t) + sum_k A_k z(t - tau_k)`` is
        ``det(lambda I - A0 - sum_k A_k exp(-lambda tau_k)) = 0``, and
        ``A0 + sum_k A_k`` is the Jacobian of the undelayed replicator.  The
        Jacobians are derived and compiled once per field.
        """
        if self._jacobians is None:
            F = sympy.Matrix(self.components)
            blocks = [F.jacobian(list(self.variables))] + [F.jacobian(list(b)) for b in self.lagged]
            args = list(self.variables) + [s for block in self.lagged for s in block]
            self._jacobians = sympy.lambdify(args, [list(B) for B in blocks], modules="numpy", cse=True)
        state = [float(v) for v in np.asarray(state, dtype=float)]
        d = len(self.variables)
        values = self._jacobians(*state, *(state * len(self.lagged)))
        A0, *blocks = (np.array(B, dtype=float).reshape(d, d) for B in values)
        return A0, blocks
