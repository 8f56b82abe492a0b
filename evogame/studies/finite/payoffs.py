"""Payoffs in finite populations: no self-interaction, groups drawn without replacement.

**One population** (a symmetric matrix game, or an N-player group game such
as the platform public good).  The scenario gives the expected payoff
``f_a(x)`` of strategy ``a`` in an infinite population, a polynomial of degree
``d`` in the shares.  Any such polynomial is, in exactly one way, the
multinomial expectation of a *group payoff* ``a_a(k)`` over the compositions
``k = (k_1..k_n)``, ``|k| = d``, of ``d`` co-players drawn with replacement:

    f_a(x) = sum_{|k| = d} d! / (k_1! ... k_n!) x^k a_a(k)

(the ``a_a(k)`` are the Bernstein coefficients of ``f_a``: homogenise ``f_a``
to degree ``d`` with ``x_1 + ... + x_n = 1`` and divide each coefficient by
the multinomial).  For a matrix game ``d = 1`` and ``a_a(e_b) = A[a][b]``; for
the public good written with ``binomial(N-1, k) x^k (1-x)^(N-1-k)`` weights
``d = N - 1`` and ``a_a(k)`` is the per-group payoff the file sums over.  In a
population of ``Z`` with counts ``i`` the ``d`` co-players of an ``a``-player
are drawn *without* replacement from the other ``Z - 1`` (a multivariate
hypergeometric draw):

    pi_a(i) = sum_{|k| = d} prod_b C(i_b - [b = a], k_b) / C(Z - 1, d) a_a(k).

This needs ``Z - 1 >= d``.  It does not depend on writing ``f`` with a higher
degree than needed (a uniformly random ``d``-subset of a random
``(d+1)``-group is a random ``d``-group), so ``d`` is the actual degree.

**Several populations** (games 1-3, 5).  An individual of population ``p``
meets the *other* populations, never its own, so there is no self-interaction
to remove: its payoff is the scenario's expected payoff evaluated at the
others' current shares ``x_q = i_q / Z_q`` (for a payoff table: one random
partner from each other population).  Payoffs that depend on the player's
own population's state (state-dependent mechanisms) are evaluated at its
current shares, the focal individual included.
"""
from __future__ import annotations

import math
import weakref

import numpy as np
import sympy
from scipy.special import gammaln

from ...errors import AnalysisError, ScenarioError
from .process import compositions

__all__ = ["FinitePayoffs", "group_payoffs"]

_GROUP_CACHE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def group_payoffs(dynamics) -> tuple[int, np.ndarray, object]:
    """The group payoffs of a one-population game: ``(d, K, coefficients)``.

    ``K`` is the ``(k, n)`` array of co-player compositions ``|k| = d``;
    ``coefficients(*parameters)`` returns the ``(n, len(K))`` group payoffs
    ``a_a(k)`` (the Bernstein coefficients of the expected payoffs, derived
    once symbolically and compiled).
    """
    cached = _GROUP_CACHE.get(dynamics)
    if cached is not None:
        return cached
    game = dynamics.game
    variables = list(game.variables)
    n = game.populations[0].n
    full = list(variables) + [sympy.Dummy("x_last")]
    polys = []
    for f in dynamics.fitness[0]:
        try:
            polys.append(sympy.Poly(sympy.expand(f), *variables))
        except sympy.PolynomialError:
            raise AnalysisError("finite-population payoffs of a one-population game need expected payoffs that "
                                f"are polynomials in the shares; '{f}' is not") from None
    d = max(max(p.total_degree(), 0) for p in polys)
    K = compositions(d, n)
    total = sum(full)
    coefficients = []
    for poly in polys:
        homogeneous = sum((c * sympy.Mul(*[v ** e for v, e in zip(variables, m)]) * total ** (d - sum(m))
                           for m, c in poly.terms()), sympy.Integer(0))
        hp = sympy.Poly(sympy.expand(homogeneous), *full)
        coefficients.append([hp.coeff_monomial(tuple(k)) / _multinomial(d, k) for k in K.tolist()])
    fn = sympy.lambdify(list(dynamics.parameters), coefficients, modules="numpy")
    out = (d, K, fn)
    _GROUP_CACHE[dynamics] = out
    return out


def _multinomial(d: int, k) -> int:
    return math.factorial(d) // math.prod(math.factorial(v) for v in k)


def _log_choose(n, k):
    """``log C(n, k)``, ``-inf`` where ``k > n`` or ``n < 0``."""
    n, k = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(k, dtype=float))
    ok = (k <= n) & (n >= 0) & (k >= 0)
    out = np.full(n.shape, -np.inf)
    out[ok] = gammaln(n[ok] + 1) - gammaln(k[ok] + 1) - gammaln(n[ok] - k[ok] + 1)
    return out


class FinitePayoffs:
    """The payoff of every strategy at any finite-population state of a game (values fixed).

    Parameters
    ----------
    dynamics : the game's derived dynamics (``evogame.dynamics.derive``): the
        expected payoffs with structural sums resolved.
    pvec : the parameter vector (``dynamics.parameter_vector(values)``).
    sizes : ``Z_p`` per population.

    Call with one ``(m, n_p)`` count array per population (the same ``m``
    states) to get one ``(m, n_p)`` payoff array per population.  In a
    one-population game the payoff of a strategy nobody plays is 0 (the
    process never uses it: it is weighted by ``i_a = 0``).
    """

    def __init__(self, dynamics, pvec, sizes):
        self.dynamics = dynamics
        self.game = dynamics.game
        self.pvec = np.asarray(pvec, dtype=float)
        self.sizes = tuple(sizes)
        self.group = None
        if len(self.game.populations) == 1:
            d, K, fn = group_payoffs(dynamics)
            if self.sizes[0] - 1 < d:
                raise ScenarioError(f"a population of {self.sizes[0]} is smaller than the groups its payoffs "
                                    f"describe ({d + 1} players: degree {d} in the shares)", argument="sizes",
                                    expected=f"a population size of at least {d + 1}")
            coefficients = np.array(fn(*self.pvec), dtype=float).reshape(self.game.populations[0].n, len(K))
            self.group = (d, K, coefficients)

    @property
    def degree(self) -> int | None:
        """``d``: co-players per group of a one-population game (None for several populations)."""
        return None if self.group is None else self.group[0]

    def __call__(self, counts: list[np.ndarray]) -> list[np.ndarray]:
        if self.group is not None:
            return [self._one_population(np.asarray(counts[0], dtype=float))]
        return self._populations([np.asarray(c, dtype=float) for c in counts])

    def _one_population(self, counts: np.ndarray) -> np.ndarray:
        d, K, a = self.group
        Z = self.sizes[0]
        m, n = counts.shape
        out = np.empty((m, n))
        log_total = _log_choose(Z - 1, d)
        for s in range(n):
            others = counts - np.eye(n)[s]                      # the other Z - 1 individuals
            log_w = _log_choose(others[:, None, :], K[None, :, :]).sum(axis=2) - log_total
            out[:, s] = np.exp(log_w) @ a[s]
        return out

    def _populations(self, counts: list[np.ndarray]) -> list[np.ndarray]:
        reduced = [c[:, :-1] / z for c, z in zip(counts, self.sizes)]
        args = [col for r in reduced for col in r.T]
        values = self.dynamics.fitness_function()(*args, *self.pvec)
        m = counts[0].shape[0]
        flat = [np.broadcast_to(np.asarray(v, dtype=float), (m,)) for v in values]
        out, start = [], 0
        for pop in self.game.populations:
            out.append(np.stack(flat[start:start + pop.n], axis=1))
            start += pop.n
        return out


def edge_counts(n: int, size: int, resident: int, mutant: int) -> np.ndarray:
    """``(size + 1, n)``: the states of one population with ``k = 0..size`` mutants among residents."""
    k = np.arange(size + 1)
    out = np.zeros((size + 1, n), dtype=np.int64)
    out[:, mutant] = k
    out[:, resident] = size - k
    return out


def pure_counts(n: int, size: int, strategy: int, m: int) -> np.ndarray:
    """``(m, n)``: a monomorphic population of ``strategy`` repeated ``m`` times."""
    out = np.zeros((m, n), dtype=np.int64)
    out[:, strategy] = size
    return out

