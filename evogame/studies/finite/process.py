"""The pairwise-comparison (Fermi) process of finite populations, and its state space.

Population ``p`` has ``Z_p`` individuals; its state is the vector of counts
``i_p = (i_{p,1}, ..., i_{p,n_p})`` with ``sum_a i_{p,a} = Z_p``.  One step of
the process (Traulsen, Nowak & Pacheco 2006, with exploration):

1. a population ``p`` is chosen uniformly (probability ``w_p = 1/P``);
2. an individual of ``p`` is drawn uniformly; say it plays ``a``;
3. with probability ``mu`` it explores: it switches to one of the other
   ``n_p - 1`` strategies, drawn uniformly;
4. otherwise it draws a role model uniformly from the *other* ``Z_p - 1``
   members of its population; if the role model plays ``b != a`` the
   individual imitates it with the Fermi probability
   ``phi(pi_b - pi_a) = 1 / (1 + exp(-beta (pi_b - pi_a)))``.

So, given that population ``p`` revises, an ``a``-player becomes a ``b``-player
with probability

    T_{a->b}(i) = (i_a / Z) [ (1 - mu) (i_b / (Z - 1)) phi(pi_b - pi_a) + mu / (n - 1) ],

and the chain moves with probability ``w_p T_{a->b}``.  For two strategies
``T+(k)`` (one more first-strategy player) and ``T-(k)`` are the two
transitions out of ``k = i_1``; the gradient of selection is
``G(k) = T+(k) - T-(k)``.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np
from scipy.special import expit

from ...errors import ScenarioError

__all__ = ["Process", "StateSpace", "compositions", "fermi", "transition_probabilities"]

#: the largest state space whose full chain is built (sparse): a lattice of dimension <= 2
MAX_STATES = 1_000_000
#: ... and of dimension >= 3 (three or more populations; LU fill-in grows faster there)
MAX_STATES_3D = 150_000


def fermi(beta: float, delta):
    """``1 / (1 + exp(-beta * delta))``: the probability of imitating a role model ``delta`` better off."""
    return expit(beta * np.asarray(delta, dtype=float))


@dataclass(frozen=True)
class Process:
    """The pairwise-comparison process: population sizes, selection intensity and exploration.

    Attributes
    ----------
    sizes : ``Z_p`` per population (each at least 2).
    beta : selection intensity (``0``: neutral drift).
    mutation : exploration probability ``mu`` per revision (``0``: none).
    """

    sizes: tuple[int, ...]
    beta: float
    mutation: float = 0.0

    def __post_init__(self):
        sizes = tuple(int(z) for z in self.sizes)
        if any(z < 2 for z in sizes) or any(z != s for z, s in zip(sizes, self.sizes)):
            raise ScenarioError(f"population sizes {list(self.sizes)} are not whole numbers of at least 2",
                                argument="sizes", expected="an integer Z >= 2 per population")
        if not (math.isfinite(self.beta) and self.beta >= 0):
            raise ScenarioError(f"selection intensity {self.beta!r} is not a non-negative number",
                                argument="beta", expected="beta >= 0 (0: neutral drift)")
        if not (0 <= self.mutation < 1):
            raise ScenarioError(f"mutation probability {self.mutation!r} is not in [0, 1)",
                                argument="mutation", expected="0 <= mu < 1")
        object.__setattr__(self, "sizes", sizes)

    @property
    def weights(self) -> np.ndarray:
        """``w_p``: the probability that population ``p`` revises in a step (uniform)."""
        return np.full(len(self.sizes), 1.0 / len(self.sizes))

    def to_dict(self) -> dict:
        return {"rule": "pairwise comparison (Fermi imitation) with exploration",
                "sizes": list(self.sizes), "beta": self.beta, "mutation": self.mutation,
                "imitation": "phi(pi_b - pi_a) = 1 / (1 + exp(-beta (pi_b - pi_a)))",
                "role_model": "drawn uniformly from the other Z - 1 members of the revising individual's population",
                "exploration": "with probability mu the revising individual switches to one of the other n - 1 "
                               "strategies, drawn uniformly",
                "revising_population": "one revision per step, in a population drawn uniformly (w_p = 1/P)"}


def compositions(total: int, parts: int) -> np.ndarray:
    """Every vector of ``parts`` non-negative integers summing to ``total``, in lexicographic order.

    For two parts row ``k`` is ``(k, total - k)``.
    """
    rows = []
    for bars in itertools.combinations(range(total + parts - 1), parts - 1):
        edges = (-1,) + bars + (total + parts - 1,)
        rows.append([edges[j + 1] - edges[j] - 1 for j in range(parts)])
    out = np.array(rows, dtype=np.int64).reshape(-1, parts)
    return out[np.lexsort(out.T[::-1])]


@dataclass(frozen=True, eq=False)
class StateSpace:
    """The states of the finite populations: per population the count vectors, globally their product.

    Attributes
    ----------
    sizes, strategies : ``Z_p`` and ``n_p`` per population.
    counts : per population, the array ``(C_p, n_p)`` of its count vectors.
    shape : ``(C_1, ..., C_P)``; a global state is indexed in C order over it.
    """

    sizes: tuple[int, ...]
    strategies: tuple[int, ...]
    counts: tuple = field(init=False, repr=False)
    shape: tuple = field(init=False)

    def __post_init__(self):
        counts = tuple(compositions(z, n) for z, n in zip(self.sizes, self.strategies))
        object.__setattr__(self, "counts", counts)
        object.__setattr__(self, "shape", tuple(len(c) for c in counts))

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def limit(self) -> int:
        """The most states whose full chain is solved: :data:`MAX_STATES`, or :data:`MAX_STATES_3D` in 3+ dimensions."""
        return MAX_STATES if sum(n - 1 for n in self.strategies) <= 2 else MAX_STATES_3D

    def local_indices(self) -> list[np.ndarray]:
        """Per population, the index of its count vector at every global state (length ``size``)."""
        return list(np.unravel_index(np.arange(self.size), self.shape))

    def state_counts(self) -> list[np.ndarray]:
        """Per population, the counts ``(size, n_p)`` at every global state."""
        return [c[idx] for c, idx in zip(self.counts, self.local_indices())]

    def index(self, counts) -> int:
        """The global index of a state given as one count vector per population."""
        local = []
        for c, row in zip(self.counts, counts):
            hit = np.flatnonzero((c == np.asarray(row)).all(axis=1))
            if not hit.size:
                raise ValueError(f"{list(row)} is not a state of this space")
            local.append(int(hit[0]))
        return int(np.ravel_multi_index(local, self.shape))

    def neighbours(self, p: int) -> np.ndarray:
        """``(C_p, n_p, n_p)``: the local index after one ``a``-player of ``p`` becomes a ``b``-player (-1: none)."""
        c = self.counts[p]
        lookup = {tuple(row): k for k, row in enumerate(c.tolist())}
        n = self.strategies[p]
        out = np.full((len(c), n, n), -1, dtype=np.int64)
        for k, row in enumerate(c.tolist()):
            for a, b in itertools.permutations(range(n), 2):
                if row[a] > 0:
                    moved = list(row)
                    moved[a] -= 1
                    moved[b] += 1
                    out[k, a, b] = lookup[tuple(moved)]
        return out


def transition_probabilities(counts: np.ndarray, payoffs: np.ndarray, beta: float, mutation: float) -> np.ndarray:
    """``T[m, a, b]``: the probability that an ``a``-player becomes a ``b``-player, given the population revises.

    ``counts`` and ``payoffs`` are ``(m, n)`` arrays (one row per state of the
    population); see the module docstring for the formula.  The diagonal is 0.
    """
    counts = np.asarray(counts, dtype=float)
    m, n = counts.shape
    Z = counts[0].sum()
    focal = counts[:, :, None] / Z
    model = counts[:, None, :] / (Z - 1)
    imitate = fermi(beta, payoffs[:, None, :] - payoffs[:, :, None])
    out = focal * ((1 - mutation) * model * imitate + mutation / (n - 1))
    out[:, np.arange(n), np.arange(n)] = 0.0
    return out
