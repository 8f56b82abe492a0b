"""Floquet multipliers of a cycle: the trivial one, the stability verdict, and the test functions of cycle bifurcations.

The monodromy matrix ``M`` of a periodic orbit (:meth:`~.collocation.Collocation.monodromy`) always has the
eigenvalue 1 with eigenvector ``F(x(0))`` (a shift along the orbit): the **trivial multiplier**.  It is
identified as the multiplier nearest 1 -- its distance from 1 measures the discretisation's error and
widens the tolerance.  The others decide:

* every nontrivial ``|mu| < 1 - tol``: the cycle is asymptotically (orbitally) stable;
* some ``|mu| > 1 + tol``: unstable;
* otherwise some lies on the unit circle within ``tol``: **non-hyperbolic cycle** (no verdict).

``tol = max(MULTIPLIER_TOL, 10 |mu_trivial - 1|)``.  Along a branch of cycles a nontrivial multiplier
crossing the unit circle at +1 is a fold of cycles (``LPC``, seen as the parameter's turning), at -1 a
period doubling (``PD``, the sign of ``prod (mu_i + 1)`` changes) and as a complex pair a Neimark-Sacker
point (``NS``, the number of complex multipliers outside the circle changes).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Multipliers", "multipliers", "MULTIPLIER_TOL", "STABLE", "UNSTABLE", "NON_HYPERBOLIC"]

#: the least tolerance on |mu| = 1 (the collocation is accurate to about 1e-9 on smooth cycles)
MULTIPLIER_TOL = 1e-6
STABLE = "asymptotically stable cycle"
UNSTABLE = "unstable cycle"
NON_HYPERBOLIC = "non-hyperbolic cycle"


@dataclass(frozen=True)
class Multipliers:
    """The Floquet multipliers of one cycle.

    Attributes
    ----------
    values : every multiplier (complex), the trivial one included, by decreasing modulus.
    trivial : the trivial multiplier (nearest 1; exactly 1 without discretisation error).
    nontrivial : the others.
    tolerance : the tolerance on ``|mu| = 1`` used for the verdict.
    stability : ``STABLE``, ``UNSTABLE`` or ``NON_HYPERBOLIC``.
    """

    values: np.ndarray
    trivial: complex
    nontrivial: np.ndarray
    tolerance: float
    stability: str

    @property
    def period_doubling(self) -> float:
        """``prod (mu + 1)`` over the nontrivial multipliers (real): changes sign where one crosses -1."""
        return float(np.real(np.prod(self.nontrivial + 1.0))) if len(self.nontrivial) else 1.0

    @property
    def complex_outside(self) -> int:
        """How many non-real nontrivial multipliers lie outside the unit circle (changes at a Neimark-Sacker point)."""
        complex_ = np.abs(self.nontrivial.imag) > 1e-8 * np.maximum(1.0, np.abs(self.nontrivial))
        return int(np.sum(complex_ & (np.abs(self.nontrivial) > 1.0)))

    def to_dict(self) -> dict:
        return {"multipliers": [[float(v.real), float(v.imag)] for v in self.values],
                "trivial_multiplier": [float(self.trivial.real), float(self.trivial.imag)],
                "multiplier_tolerance": self.tolerance, "stability": self.stability}


def multipliers(monodromy: np.ndarray) -> Multipliers:
    """The multipliers of a monodromy matrix, with the trivial one identified and the verdict (module docstring)."""
    values = np.linalg.eigvals(np.asarray(monodromy, dtype=float))
    values = values[np.argsort(-np.abs(values), kind="stable")]
    k = int(np.argmin(np.abs(values - 1.0)))
    trivial = complex(values[k])
    rest = np.delete(values, k)
    tol = max(MULTIPLIER_TOL, 10 * abs(trivial - 1.0))
    size = np.abs(rest)
    if np.any(size > 1 + tol):
        verdict = UNSTABLE
    elif np.all(size < 1 - tol):
        verdict = STABLE
    else:
        verdict = NON_HYPERBOLIC
    return Multipliers(values, trivial, rest, tol, verdict)
