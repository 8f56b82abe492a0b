"""The first Lyapunov coefficient of a Hopf point, from exact derivatives of the field.

At a rest point whose Jacobian ``A`` has a simple pair ``+-i omega`` (``omega > 0``) and no other
eigenvalue on the imaginary axis, with ``A q = i omega q``, ``A^T p = -i omega p``, ``<q, q> = 1`` and
``<p, q> = 1`` (``<a, b> = conj(a) . b``), Kuznetsov (2004, eq. (3.20); (5.39) for ``n`` dimensions)
gives

    l1 = 1/(2 omega) Re[ <p, C(q, q, qbar)> - 2 <p, B(q, A^{-1} B(q, qbar))>
                         + <p, B(qbar, (2 i omega I - A)^{-1} B(q, q))> ],

where ``B`` and ``C`` are the second and third derivatives of the field at the point.  On the centre
manifold ``x = x* + z q + conj(z q) + ...`` the dynamics is then ``z' = lambda z + c1 z |z|^2 + ...`` with
``Re c1 = omega l1``: where the pair is ``alpha +- i omega`` the small cycle has ``|z|^2 = -alpha / (omega l1)``.
With this normalisation of ``q`` the planar normal form ``x' = -omega y + a x (x^2 + y^2)``,
``y' = omega x + a y (x^2 + y^2)`` (``q = (1, -i)/sqrt 2``, so ``x + i y = sqrt 2 z``) has
``l1 = 2 a / omega``.
``l1 < 0``: supercritical (a stable cycle is born, of amplitude growing like the square root of the
distance to the Hopf point); ``l1 > 0``: subcritical; ``l1 = 0``: degenerate -- no verdict (e.g. a
centre with a first integral: the replicator's Rock-Paper-Scissors at ``w = l``).

References
----------
Yu. A. Kuznetsov, *Elements of Applied Bifurcation Theory*, 3rd ed., Springer 2004, sections 3.5, 5.4.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["HopfCoefficient", "first_lyapunov_coefficient", "SUPERCRITICAL", "SUBCRITICAL", "DEGENERATE",
           "DEGENERATE_RTOL"]

SUPERCRITICAL = "supercritical"
SUBCRITICAL = "subcritical"
DEGENERATE = "degenerate"
#: ``|l1|`` at most this fraction of its three terms' size (divided by ``2 omega``) counts as zero
DEGENERATE_RTOL = 1e-7


@dataclass(frozen=True)
class HopfCoefficient:
    """The first Lyapunov coefficient at a Hopf point.

    Attributes
    ----------
    omega : the frequency (the eigenvalues' imaginary part, > 0).
    l1 : the first Lyapunov coefficient (Kuznetsov's normalisation, see the module docstring).
    scale : the size ``l1`` would have without cancellation, ``max(|terms|, max|C|, max|B|^2 / max(max|A|,
        omega)) / (2 omega)``: ``l1`` is zero within ``DEGENERATE_RTOL * scale``.
    verdict : ``"supercritical"``, ``"subcritical"`` or ``"degenerate"``.
    q : the eigenvector of ``i omega`` (``<q, q> = 1``), for the cycle's shape.
    """

    omega: float
    l1: float
    scale: float
    verdict: str
    q: np.ndarray

    def to_dict(self) -> dict:
        return {"omega": float(self.omega), "l1": float(self.l1), "l1_scale": float(self.scale), "verdict": self.verdict}


def first_lyapunov_coefficient(jacobian, second, third, rtol: float = DEGENERATE_RTOL) -> HopfCoefficient:
    """The first Lyapunov coefficient of a field at a Hopf point.

    Parameters
    ----------
    jacobian : ``(n, n)`` ``A = DF`` at the point.
    second : ``(n, n, n)`` ``B[i, j, k] = d^2 F_i / dx_j dx_k``.
    third : ``(n, n, n, n)`` ``C[i, j, k, l] = d^3 F_i / dx_j dx_k dx_l``.
    rtol : relative size below which ``l1`` is zero (degenerate), see :class:`HopfCoefficient`.

    Returns
    -------
    HopfCoefficient
        ``omega`` is the imaginary part of the eigenvalue pair nearest the imaginary axis.

    Raises
    ------
    ValueError
        When ``A`` has no non-real eigenvalue, or ``A`` or ``2 i omega - A`` is singular (a resonance:
        another eigenvalue at 0 or at ``2 i omega``).
    """
    A = np.asarray(jacobian, dtype=float)
    Bt, Ct = np.asarray(second, dtype=float), np.asarray(third, dtype=float)
    omega, q, p = _eigenvectors(A)

    def B(u, v):
        return np.einsum("ijk,j,k->i", Bt, u, v)

    n = len(A)
    h11 = np.linalg.solve(A.astype(complex), B(q, q.conj()))
    h20 = np.linalg.solve(2j * omega * np.eye(n) - A, B(q, q))
    terms = (np.vdot(p, np.einsum("ijkl,j,k,l->i", Ct, q, q, q.conj())),
             -2 * np.vdot(p, B(q, h11)),
             np.vdot(p, B(q.conj(), h20)))
    l1 = float(np.real(sum(terms))) / (2 * omega)
    # the size l1 would have without cancellation: its terms, and the derivatives' own size
    size_A = max(np.abs(A).max(), omega)
    scale = max(max(abs(t) for t in terms), np.abs(Ct).max(), np.abs(Bt).max() ** 2 / size_A) / (2 * omega)
    if abs(l1) <= rtol * scale or scale == 0:
        verdict = DEGENERATE
    else:
        verdict = SUPERCRITICAL if l1 < 0 else SUBCRITICAL
    return HopfCoefficient(omega, l1, scale, verdict, q)


def _eigenvectors(A: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """``omega``, ``q`` and ``p`` normalised as in the module docstring."""
    values, vectors = np.linalg.eig(A)
    complex_ = [k for k, v in enumerate(values) if v.imag > 1e-12 * max(1.0, abs(v))]
    if not complex_:
        raise ValueError("no pair of complex eigenvalues: not a Hopf point")
    k = min(complex_, key=lambda j: abs(values[j].real))
    omega = float(values[k].imag)
    q = vectors[:, k] / np.linalg.norm(vectors[:, k])
    left_values, left = np.linalg.eig(A.T)
    j = int(np.argmin(np.abs(left_values - (-1j * omega))))
    p = left[:, j]
    p = p / np.conj(np.vdot(p, q))       # <p, q> = conj(p) . q = 1
    return omega, q, p
