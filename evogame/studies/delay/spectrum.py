"""The rightmost characteristic roots of ``dz/dt = A0 z(t) + sum_k A_k z(t - tau_k)`` at given delays.

Pseudospectral discretisation of the infinitesimal generator (Breda, Maset &
Vermiglio 2005, SIAM J. Sci. Comput. 27): the state, a function on
``[-tau_max, 0]``, is represented by its values at ``N + 1`` Chebyshev points;
the generator differentiates (the Chebyshev differentiation matrix) and, at
``theta = 0``, applies the equation, with the delayed values interpolated.
The eigenvalues of the resulting ``d (N + 1)`` matrix approximate the
characteristic roots, the rightmost ones with spectral accuracy.  Used for
the verdict at several different delays (no single-delay crossing count
applies) and, in the tests, as an oracle independent of the crossing count.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

__all__ = ["characteristic_roots", "spectral_abscissa"]

#: Chebyshev intervals of the discretisation
NODES = 48


def characteristic_roots(A0: np.ndarray, delayed: Sequence[tuple[np.ndarray, float]], *,
                         nodes: int = NODES) -> np.ndarray:
    """Approximate characteristic roots, sorted by decreasing real part (rightmost first).

    ``delayed``: pairs ``(A_k, tau_k)`` with ``tau_k > 0``; with none, the eigenvalues of ``A0``.
    """
    A0 = np.atleast_2d(np.asarray(A0, dtype=float))
    d = len(A0)
    delayed = [(np.atleast_2d(np.asarray(A, dtype=float)), float(t)) for A, t in delayed if t > 0]
    if not delayed:
        roots = np.linalg.eigvals(A0)
        return roots[np.argsort(-roots.real, kind="stable")]
    tau = max(t for _, t in delayed)
    x, D = _chebyshev(nodes)
    # nodes theta = tau (x - 1)/2 (x = 1: theta = 0; x = -1: theta = -tau); a delay t sits at x = 1 - 2 t/tau
    M = np.kron(D * (2 / tau), np.eye(d))
    M[:d, :] = 0.0
    M[:d, :d] = A0
    for A, t in delayed:
        M[:d, :] += np.kron(_interpolation_row(x, 1 - 2 * t / tau)[None, :], A)
    roots = np.linalg.eigvals(M)
    return roots[np.argsort(-roots.real, kind="stable")]


def spectral_abscissa(A0, delayed, *, nodes: int = NODES) -> float:
    """The largest real part of the characteristic roots (< 0: asymptotically stable)."""
    return float(characteristic_roots(A0, delayed, nodes=nodes)[0].real)


def _chebyshev(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Chebyshev points ``cos(pi j / n)`` and the differentiation matrix (Trefethen 2000, ``cheb``)."""
    j = np.arange(n + 1)
    x = np.cos(np.pi * j / n)
    c = np.where((j == 0) | (j == n), 2.0, 1.0) * (-1.0) ** j
    dX = x[:, None] - x[None, :]
    D = np.outer(c, 1 / c) / (dX + np.eye(n + 1))
    return x, D - np.diag(D.sum(axis=1))


def _interpolation_row(x: np.ndarray, at: float) -> np.ndarray:
    """Weights ``l_j(at)`` of the polynomial interpolant at the Chebyshev points (barycentric form)."""
    hit = np.isclose(x, at, rtol=0, atol=1e-14)
    if hit.any():
        return hit.astype(float)
    n = len(x) - 1
    w = (-1.0) ** np.arange(n + 1)
    w[0] /= 2
    w[-1] /= 2
    terms = w / (at - x)
    return terms / terms.sum()
