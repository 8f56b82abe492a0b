"""The full Markov chain of the finite populations with exploration, and its stationary distribution.

With ``mu > 0`` the chain on the state space (the product over populations
of the count vectors) is irreducible and aperiodic; its transition matrix
``P`` is sparse (from a state, one individual changes strategy) and built
from :func:`evogame.studies.finite.process.transition_probabilities`:
``P[i, j] = w_p T_{a->b}(i)`` where ``j`` is ``i`` with one ``a``-player of
population ``p`` turned into a ``b``-player, and ``P[i, i] = 1 - sum``.  The
stationary distribution solves ``pi P = pi``, ``sum pi = 1``: small chains
by GTH elimination, larger ones by sparse LU (SuperLU) with one balance
equation replaced by the normalisation; the residual ``max |pi P - pi|`` is
reported.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from ...errors import AnalysisError, ScenarioError
from .process import StateSpace, transition_probabilities

__all__ = ["transition_matrix", "stationary_distribution", "gth_stationary"]

#: chains up to this many states are solved densely by GTH elimination (relative accuracy everywhere)
DENSE_STATES = 600


def transition_matrix(space: StateSpace, payoffs, process) -> sp.csr_matrix:
    """The full chain's transition matrix ``(S, S)``, sparse, rows summing to 1."""
    if space.size > space.limit:
        raise ScenarioError(f"the full chain has {space.size} states", argument="sizes",
                            expected=f"at most {space.limit} states (smaller populations), or no mutation for the "
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


def stationary_distribution(P: sp.spmatrix, guess: int | None = None) -> tuple[np.ndarray, float]:
    """``(pi, residual)``: the stationary distribution of an irreducible chain and ``max |pi P - pi|``.

    Up to :data:`DENSE_STATES` states by GTH elimination (:func:`gth_stationary`).  Larger chains
    solve ``(P^T - I) pi = 0`` with ``pi_r = 1`` by sparse LU (SuperLU, minimum-degree ordering) and
    normalise; ``r`` is ``guess`` (a state believed likely), else the state that stays put the least,
    and the solve is repeated from the most likely state found when ``pi_r`` turns out small (the
    ratios to a likely state are well scaled); if the residual still exceeds 1e-13, the
    normalisation replaces one balance equation instead (slower: a dense row).  Accurate in
    absolute terms; the relative accuracy of very small probabilities is limited by the chain's
    conditioning.
    """
    n = P.shape[0]
    if n <= DENSE_STATES:
        pi = gth_stationary(P.toarray())
        return pi, float(np.abs(P.T @ pi - pi).max())
    Q = (P.T - sp.identity(n, format="csr")).tocsc()
    r = int(np.argmin(P.diagonal())) if guess is None else int(guess)
    pi = _fixing(Q, r)
    if not pi[r] >= 1e-6 * pi.max():
        pi = _fixing(Q, int(np.argmax(pi)))
    residual = float(np.abs(P.T @ pi - pi).max())
    if not residual <= 1e-13:        # badly scaled still: the normalisation as an equation (slower, robust)
        pi = _normalised(Q, int(np.argmax(pi)))
        residual = float(np.abs(P.T @ pi - pi).max())
    return pi, residual


def _normalised(Q, r: int) -> np.ndarray:
    """The solution of ``Q pi = 0`` with equation ``r`` replaced by ``sum pi = 1``."""
    n = Q.shape[0]
    Q = Q.tocoo()
    other = Q.row != r
    A = sp.coo_matrix((np.r_[Q.data[other], np.ones(n)], (np.r_[Q.row[other], np.full(n, r)],
                                                          np.r_[Q.col[other], np.arange(n)])), shape=(n, n))
    rhs = np.zeros(n)
    rhs[r] = 1.0
    pi = np.clip(splu(A.tocsc(), permc_spec="MMD_AT_PLUS_A").solve(rhs), 0.0, None)
    return pi / pi.sum()


def _fixing(Q, r: int) -> np.ndarray:
    """The solution of ``Q pi = 0`` with ``pi_r = 1``, clipped at 0 and normalised."""
    n = Q.shape[0]
    keep = np.r_[0:r, r + 1:n]
    A = Q[keep][:, keep]
    b = -Q[keep][:, [r]].toarray().ravel()
    pi = np.empty(n)
    pi[keep] = splu(A.tocsc(), permc_spec="MMD_AT_PLUS_A").solve(b)
    pi[r] = 1.0
    pi = np.clip(pi, 0.0, None)
    return pi / pi.sum()


def gth_stationary(P: np.ndarray) -> np.ndarray:
    """The stationary distribution of an irreducible stochastic matrix by Grassmann-Taksar-Heyman elimination.

    No subtractions, so every probability keeps its relative accuracy, however
    small (strong selection makes some fixation probabilities tiny).
    """
    A = np.array(P, dtype=float)
    n = len(A)
    for k in range(n - 1, 0, -1):
        leave = A[k, :k].sum()
        if not leave > 0:
            raise AnalysisError("the chain over monomorphic profiles is not irreducible at this selection "
                                "intensity (fixation probabilities underflow); lower beta")
        A[:k, k] /= leave
        A[:k, :k] += np.outer(A[:k, k], A[k, :k])
    pi = np.zeros(n)
    pi[0] = 1.0
    for k in range(1, n):
        pi[k] = pi[:k] @ A[:k, k]
    return pi / pi.sum()
