"""The full Markov chain of the finite populations with exploration, and its stationary distribution.

With ``mu > 0`` the chain on the state space (the product over populations
of the count vectors) is irreducible and aperiodic; its transition matrix
``P`` is sparse (from a state, one individual changes strategy) and built
from :func:`evogame.finite.process.transition_probabilities`:
``P[i, j] = w_p T_{a->b}(i)`` where ``j`` is ``i`` with one ``a``-player of
population ``p`` turned into a ``b``-player, and ``P[i, i] = 1 - sum``.  The
stationary distribution solves ``pi P = pi``, ``sum pi = 1``: one
probability is fixed, the remaining sparse linear system is solved by LU
(SuperLU), and the result normalised; the residual ``max |pi P - pi|`` is
reported.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve

from ..errors import ScenarioError
from .process import MAX_STATES, StateSpace, transition_probabilities

__all__ = ["transition_matrix", "stationary_distribution"]


def transition_matrix(space: StateSpace, payoffs, process) -> sp.csr_matrix:
    """The full chain's transition matrix ``(S, S)``, sparse, rows summing to 1."""
    if space.size > MAX_STATES:
        raise ScenarioError(f"the full chain has {space.size} states", argument="sizes",
                            expected=f"at most {MAX_STATES} states (smaller populations), or no mutation for the "
                                     "small-mutation limit only")
    local = space.local_indices()
    counts = space.state_counts()
    pay = payoffs(counts)
    strides = [int(np.prod(space.shape[p + 1:])) for p in range(len(space.shape))]
    state = np.arange(space.size)
    rows, cols, vals = [], [], []
    for p, w in enumerate(process.weights):
        T = w * transition_probabilities(counts[p], pay[p], process.beta, process.mutation)
        after = space.neighbours(p)[local[p]]
        n = space.strategies[p]
        for a in range(n):
            for b in range(n):
                ok = (after[:, a, b] >= 0) & (T[:, a, b] > 0)
                rows.append(state[ok])
                cols.append(state[ok] + (after[ok, a, b] - local[p][ok]) * strides[p])
                vals.append(T[ok, a, b])
    rows, cols, vals = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    stay = 1.0 - np.bincount(rows, weights=vals, minlength=space.size)
    P = sp.coo_matrix((np.concatenate([vals, stay]), (np.concatenate([rows, state]), np.concatenate([cols, state]))),
                      shape=(space.size, space.size))
    return P.tocsr()


def stationary_distribution(P: sp.spmatrix) -> tuple[np.ndarray, float]:
    """``(pi, residual)``: the stationary distribution of an irreducible chain and ``max |pi P - pi|``.

    Solves ``(P^T - I) pi = 0`` with ``pi_r = 1`` for the state ``r`` that
    stays put the least (the best-connected one), then normalises.
    """
    n = P.shape[0]
    if n == 1:
        return np.ones(1), 0.0
    Q = (P.T - sp.identity(n, format="csr")).tocsc()
    r = int(np.argmin(P.diagonal()))
    keep = np.r_[0:r, r + 1:n]
    A = Q[keep][:, keep]
    b = -Q[keep][:, [r]].toarray().ravel()
    rest = spsolve(A.tocsc(), b)
    pi = np.empty(n)
    pi[keep] = rest
    pi[r] = 1.0
    pi = np.clip(pi, 0.0, None)
    pi /= pi.sum()
    residual = float(np.abs(P.T @ pi - pi).max())
    return pi, residual
