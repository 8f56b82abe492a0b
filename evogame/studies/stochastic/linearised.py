"""Verdicts for the linearised SDE at a corner, ``du = A u dt + sum_l B_l u dW_l`` in distance coordinates.

The drift matrix ``A`` decides which theorem of :mod:`.theorems` applies:
diagonal (Theorem 1), triangular after a reordering with off-diagonal
entries >= 0 (Theorem 2), anything else (Theorem 3, the second-moment
operator: exact for ``p = 2``, sufficient otherwise).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: an exponent or a matrix entry this small (relative to the matrix) counts as zero
ZERO = 1e-12


@dataclass(frozen=True)
class LinearVerdict:
    """What the linearised SDE does: ``structure``, the two verdicts, the theorems they rest on, how."""

    structure: str
    almost_sure: str
    moment: str
    theorems: tuple
    method: str


def verdict(exponent: float) -> str:
    """``"exponentially stable"`` (< 0), ``"unstable"`` (> 0) or ``"boundary case"`` (0)."""
    if exponent < -ZERO:
        return "exponentially stable"
    if exponent > ZERO:
        return "unstable"
    return "boundary case"


def structure(A: np.ndarray) -> str:
    """``"diagonal"``, ``"triangular"`` (after a reordering, off-diagonal entries >= 0) or ``"coupled"``."""
    if A.size == 0:
        return "diagonal"
    scale = max(1.0, float(np.abs(A).max()))
    links = np.abs(A - np.diag(np.diag(A))) > ZERO * scale
    if not links.any():
        return "diagonal"
    if (A[links] < 0).any():
        return "coupled"
    # triangular after a reordering <=> the graph i -> j (A_ij != 0, i != j) has no cycle: peel off sources
    left = set(range(A.shape[0]))
    while left:
        free = [i for i in left if not any(links[i, j] for j in left if j != i)]
        if not free:
            return "coupled"
        left -= set(free)
    return "triangular"


def linear_verdict(A: np.ndarray, b: np.ndarray, p: float, noise_matrices) -> LinearVerdict:
    """The verdicts for ``du = A u dt + noise`` with diagonal noise ``b_i u_i dB_i`` (``noise_matrices``:
    a callable giving the ``B_l`` for Theorem 3, asked for only when needed)."""
    kind = structure(A)
    if kind != "coupled":
        a = np.diag(A)
        almost_sure = verdict(max(a - b ** 2 / 2, default=-np.inf))
        moment = verdict(max(a + (p - 1) * b ** 2 / 2, default=-np.inf))
        if kind == "diagonal":
            return LinearVerdict(kind, almost_sure, moment, ("1",),
                                 "decoupled linearisation (Theorem 1): exact conditions for the linearised SDE")
        return LinearVerdict(kind, almost_sure, moment, ("1", "2"),
                             "triangular linearisation (Theorem 2): exact conditions on its diagonal for the "
                             "linearised SDE")
    return _mean_square(A, p, noise_matrices())


def _mean_square(A: np.ndarray, p: float, matrices) -> LinearVerdict:
    """Coupled drift: the second-moment operator (Theorem 3)."""
    d = A.shape[0]
    K = np.kron(A, np.eye(d)) + np.kron(np.eye(d), A)
    for B in matrices:
        K += np.kron(B, B)
    growth = float(np.real(np.linalg.eigvals(K)).max(initial=-np.inf))
    stable = growth < -ZERO
    if p == 2:
        moment = verdict(growth)
    else:      # mean-square stability gives every p < 2 (Lyapunov's inequality for moments); nothing else follows
        moment = "exponentially stable" if stable and p < 2 else "undecided"
    return LinearVerdict(
        "coupled", "exponentially stable" if stable else "undecided", moment, ("3",),
        f"second-moment operator (Theorem 3): its largest real part is {growth:.6g} (< 0: mean-square, hence "
        "almost surely, exponentially stable; otherwise the almost-sure verdict is undecided)")
