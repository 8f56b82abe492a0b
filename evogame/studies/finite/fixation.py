"""Fixation of a single mutant, and the embedded chain over monomorphic profiles (small-mutation limit).

Without exploration a mutant ``b`` entering a population monomorphic in
``a`` (the other populations monomorphic too) moves the population along
the edge ``a``-``b``: a birth-death chain in the number ``k`` of mutants with

    T+(k) = (Z - k)/Z * k/(Z - 1) * phi(+Delta(k)),   T-(k) = k/Z * (Z - k)/(Z - 1) * phi(-Delta(k)),

``Delta(k) = pi_b(k) - pi_a(k)``, so ``T-(k)/T+(k) = exp(-beta Delta(k))`` and
the probability that the mutant takes over is (Traulsen, Nowak & Pacheco 2006)

    rho_{a->b} = 1 / (1 + sum_{i=1}^{Z-1} prod_{j=1}^{i} T-(j)/T+(j))
               = 1 / (1 + sum_{i=1}^{Z-1} exp(-beta sum_{j=1}^{i} Delta(j))),

evaluated in logarithms (no overflow at strong selection).  Neutral drift
(``beta = 0``) gives ``1/Z``.

Small-mutation limit (Fudenberg & Imhof 2006).  As ``mu -> 0`` the process
spends almost all its time at monomorphic profiles and moves between them
by one fixation at a time: from profile ``s`` a mutant arises in population
``p`` with probability ``w_p mu`` and plays each other strategy ``t`` with
probability ``1/(n_p - 1)``, so the embedded chain moves to ``s`` with
``s_p`` replaced by ``t`` with probability ``w_p rho_{s_p -> t} / (n_p - 1)``
(time rescaled by ``mu``).  Its stationary distribution is the limit of the
full chain's, concentrated on the corners.
"""
from __future__ import annotations

import itertools

import numpy as np
from scipy.special import logsumexp

from .payoffs import edge_counts, pure_counts

__all__ = ["fixation_probability", "invasions", "embedded_chain"]


def fixation_probability(differences, beta: float) -> float:
    """``rho = 1 / (1 + sum_i exp(-beta sum_{j<=i} Delta_j))`` for ``Delta_1..Delta_{Z-1}``.

    ``differences[j-1]`` is the mutant's payoff minus the resident's with ``j`` mutants.
    """
    exponents = np.concatenate([[0.0], np.cumsum(-beta * np.asarray(differences, dtype=float))])
    return float(np.exp(-logsumexp(exponents)))


def invasions(game, payoffs, process) -> list[tuple[tuple, int, int, float]]:
    """Every single-mutant invasion of a monomorphic profile: ``(resident, p, mutant strategy, rho)``.

    ``resident`` is the profile (strategy index per population); the mutant
    plays ``t != resident[p]`` in population ``p``; the other populations stay
    monomorphic at the resident profile.
    """
    out = []
    pops = game.populations
    for resident in itertools.product(*[range(p.n) for p in pops]):
        for p, pop in enumerate(pops):
            Z = process.sizes[p]
            for t in range(pop.n):
                if t == resident[p]:
                    continue
                counts = [edge_counts(q.n, process.sizes[q_], resident[p], t) if q_ == p
                          else pure_counts(q.n, process.sizes[q_], resident[q_], Z + 1)
                          for q_, q in enumerate(pops)]
                pay = payoffs(counts)[p]
                delta = pay[1:Z, t] - pay[1:Z, resident[p]]
                out.append((resident, p, t, fixation_probability(delta, process.beta)))
    return out


def embedded_chain(game, found, process) -> tuple[list[tuple], np.ndarray]:
    """The small-mutation limit's chain over the pure profiles (order of ``itertools.product``).

    ``found`` as returned by :func:`invasions`; returns ``(profiles, M)``.
    """
    profiles = list(itertools.product(*[range(p.n) for p in game.populations]))
    index = {s: k for k, s in enumerate(profiles)}
    w = process.weights
    M = np.zeros((len(profiles), len(profiles)))
    for resident, p, t, rho in found:
        after = resident[:p] + (t,) + resident[p + 1:]
        M[index[resident], index[after]] = w[p] * rho / (game.populations[p].n - 1)
    M[np.diag_indices_from(M)] = 1.0 - M.sum(axis=1)
    return profiles, M
