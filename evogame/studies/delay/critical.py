"""The critical delay ``tau*`` at which a rest point loses stability (a Hopf bifurcation).

Linearised at a rest point, the delayed replicator with one delay ``tau`` is
``dz/dt = A0 z(t) + A1 z(t - tau)`` (:meth:`DelayedReplicator.linearisation`),
with characteristic equation

    Delta(lambda, tau) = det(lambda I - A0 - A1 exp(-lambda tau)) = 0.

Its roots move continuously with ``tau``; a root enters or leaves the right
half-plane only through ``lambda = i omega`` (a zero root does not depend on
``tau``: ``Delta(0, tau) = det(-J)``, ``J = A0 + A1`` the undelayed Jacobian).
For a retarded equation the roots that appear when ``tau > 0`` come from
``Re lambda = -infinity``, so at ``tau = 0+`` the point is stable exactly when
``J`` is Hurwitz.  Counting the crossings with their direction
``sign Re dlambda/dtau`` (implicit differentiation of ``Delta``) gives the number
of roots in the right half-plane at every ``tau``, and the first crossing of a
point stable at ``tau = 0+`` is ``tau*``.

* **Closed form** (``A0 = 0``: every interior rest point of the replicator, where
  the payoff differences vanish): ``Delta = prod_k (lambda - mu_k exp(-lambda tau))``
  over the eigenvalues ``mu_k`` of ``J``.  ``lambda = i omega`` needs
  ``omega = |mu|`` and ``omega tau = arg(mu) - pi/2 (mod 2 pi)``; there
  ``dlambda/dtau = -lambda^2 / (1 + lambda tau)``, with real part
  ``omega^2 / (1 + omega^2 tau^2) > 0``: every crossing is to the right.  So
  ``tau* = min_k ((arg mu_k - pi/2) mod 2 pi) / |mu_k|``; for a stable focus
  ``mu = a +- ib`` (``a < 0 < b``) that is ``arctan(-a/b) / |mu|``, for a real
  ``mu < 0`` it is ``pi / (2 |mu|)`` (Hayes 1950), and a centre (``mu = +-i b``)
  is destabilised by any delay (``tau* = 0``).
* **Corners** (two strategies per population, and every vertex): ``A1 = 0``
  (the factor ``x(1 - x)`` vanishes), so stability does not depend on the delay.
* **Numerically** otherwise: with ``z = exp(-i omega tau)`` on the unit circle,
  ``det(i omega I - A0 - z A1) = 0`` is a generalised eigenvalue problem in
  ``z``.  ``omega`` is scanned over ``(0, ||A0|| + ||A1||]`` (no root
  ``i omega`` lies beyond: ``|omega| <= ||A0|| + ||A1||``); where the number of
  eigenvalues ``|z| < 1`` changes, ``|z(omega)| = 1`` is solved by Brent's
  method and ``tau = (-arg z mod 2 pi) / omega``; each crossing is certified
  by the residual of the characteristic equation.  Crossings repeat at
  ``tau + 2 pi k / omega``.  A crossing where ``|z| - 1`` touches zero without
  changing sign, or at ``omega`` below ``1e-6 (||A0|| + ||A1||)``, is not found.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.linalg
from scipy.optimize import brentq

__all__ = ["Crossing", "DelayStability", "delay_stability"]

TWO_PI = 2.0 * math.pi
#: omega grid of the numeric scan
SCAN_POINTS = 4001


@dataclass(frozen=True)
class Crossing:
    """A pair of roots ``+-i omega`` on the imaginary axis at ``tau`` (and at ``tau + k period``).

    ``direction`` is ``Re dlambda/dtau`` there (> 0: into the right half-plane);
    ``residual`` is ``|Delta(i omega, tau)|`` relative to ``max(1, ||A0|| + ||A1|| + omega)^d``.
    """

    tau: float
    omega: float
    direction: float
    residual: float

    @property
    def period(self) -> float:
        return TWO_PI / self.omega

    def to_dict(self) -> dict:
        return {"tau": self.tau, "omega": self.omega, "direction": self.direction, "residual": self.residual}


@dataclass(frozen=True)
class DelayStability:
    """How the stability of a rest point depends on a common delay ``tau``.

    Attributes
    ----------
    method : ``"closed form"`` (``A0 = 0``), ``"numeric"``, or ``"delay-independent"`` (``A1 = 0``).
    eigenvalues : of the undelayed Jacobian ``J = A0 + A1``.
    unstable_at_zero : roots with positive real part at ``tau = 0+`` (``None``: undetermined).
    zero_root : whether ``lambda = 0`` is a root at every delay (``det J = 0``): linearisation decides nothing.
    crossings : the first crossing of every branch, by ``tau``.
    tau_star, omega_star : the critical delay and the frequency there, when the point is stable at ``tau = 0+``
        and a crossing exists; ``tau_star = 0`` when any delay destabilises it.
    residual : the residual of the characteristic equation at ``(i omega_star, tau_star)``.
    """

    method: str
    eigenvalues: np.ndarray
    A0: np.ndarray = field(repr=False)
    A1: np.ndarray = field(repr=False)
    unstable_at_zero: int | None
    zero_root: bool
    crossings: tuple
    tau_star: float | None
    omega_star: float | None
    residual: float | None = None

    @property
    def stable_at_zero(self) -> bool:
        return self.unstable_at_zero == 0 and not self.zero_root

    def unstable_roots(self, tau: float) -> int | None:
        """Roots in the open right half-plane at delay ``tau`` (None: undetermined, or ``tau`` on a crossing)."""
        if self.unstable_at_zero is None:
            return None
        n = self.unstable_at_zero
        for c in self.crossings:
            for k in range(int(math.floor((tau - c.tau) / c.period + 1e-12)) + 1 if tau >= c.tau else 0):
                at = c.tau + k * c.period
                if abs(at - tau) <= 1e-9 * max(1.0, tau):
                    return None
                direction = c.direction if k == 0 else _direction(self.A0, self.A1, c.omega, at)
                if abs(direction) <= 1e-12:
                    return None
                n += 2 if direction > 0 else -2
        return max(n, 0)

    def verdict(self, tau: float) -> str:
        """``"asymptotically stable"``, ``"unstable"`` or ``"undetermined"`` at delay ``tau`` (linearisation)."""
        if tau == 0:   # no delay: the undelayed Jacobian's eigenvalues decide (a centre stays undetermined)
            scale = max(1.0, float(np.abs(self.A0 + self.A1).max(initial=0.0)))
            real = self.eigenvalues.real
            if np.any(real > 1e-9 * scale):
                return "unstable"
            return "asymptotically stable" if np.all(real < -1e-9 * scale) else "undetermined"
        n = self.unstable_roots(tau)
        if n is None:
            return "undetermined"
        if n > 0:
            return "unstable"
        return "undetermined (zero eigenvalue)" if self.zero_root else "asymptotically stable"

    def to_dict(self) -> dict:
        return {"method": self.method,
                "eigenvalues": [[float(e.real), float(e.imag)] for e in self.eigenvalues],
                "stable_at_zero": self.stable_at_zero, "zero_root": self.zero_root,
                "tau_star": self.tau_star, "omega_star": self.omega_star, "residual": self.residual,
                "crossings": [c.to_dict() for c in self.crossings]}


def delay_stability(A0: np.ndarray, A1: np.ndarray, *, method: str = "auto", tol: float = 1e-9) -> DelayStability:
    """Stability of ``dz/dt = A0 z(t) + A1 z(t - tau)`` as a function of ``tau >= 0``.

    ``method``: ``"auto"`` (closed form when ``A0 = 0``, else numeric), ``"closed form"`` or ``"numeric"``.
    ``tol`` is the relative tolerance for a zero entry or real part (as in :mod:`evogame.solvers.stability`).
    """
    A0 = np.atleast_2d(np.asarray(A0, dtype=float))
    A1 = np.atleast_2d(np.asarray(A1, dtype=float))
    scale = max(1.0, float(np.abs(A0).max(initial=0.0)), float(np.abs(A1).max(initial=0.0)))
    J = A0 + A1
    mu = np.linalg.eigvals(J) if J.size else np.zeros(0, complex)
    mu = mu[np.lexsort((mu.imag, mu.real))]
    zero_root = bool(np.any(np.abs(mu) <= tol * scale))
    if np.abs(A1).max(initial=0.0) <= tol * scale:
        n0 = int(np.sum(mu.real > tol * scale))
        undecided = np.any(np.abs(mu.real) <= tol * scale)
        return DelayStability("delay-independent", mu, A0, A1, None if undecided and not n0 else n0,
                              zero_root, (), None, None)
    if method == "auto":
        method = "closed form" if np.abs(A0).max(initial=0.0) <= tol * scale else "numeric"
    if method == "closed form":
        crossings = _closed_form(A0, A1, mu, tol * scale)
    elif method == "numeric":
        crossings = _numeric(A0, A1, tol * scale)
    else:
        raise ValueError(f"unknown method {method!r}")
    crossings = tuple(sorted(crossings, key=lambda c: (c.tau, c.omega)))
    unstable = int(np.sum(mu.real > tol * scale))
    at_zero = [c for c in crossings if c.tau == 0.0]
    later = tuple(c for c in crossings if c.tau > 0)
    if any(abs(c.direction) <= 1e-12 for c in at_zero):
        return DelayStability(method, mu, A0, A1, None, zero_root, later, None, None)
    # roots on the axis at tau = 0 (a centre) count from tau = 0+ by the side they move to
    n0 = unstable + sum(2 for c in at_zero if c.direction > 0)
    if unstable == 0 and not zero_root and n0 > 0:   # non-hyperbolic at 0, unstable for every tau > 0
        first = next(c for c in at_zero if c.direction > 0)
        return DelayStability(method, mu, A0, A1, n0, zero_root, later, 0.0, first.omega, first.residual)
    first = next((c for c in later if c.direction > 0), None)
    if n0 != 0 or zero_root or first is None:
        return DelayStability(method, mu, A0, A1, n0, zero_root, later, None, None)
    return DelayStability(method, mu, A0, A1, n0, zero_root, later, first.tau, first.omega, first.residual)


def _closed_form(A0, A1, mu, tol) -> list[Crossing]:
    """``A0 = 0``: the crossing of ``lambda = mu exp(-lambda tau)`` at ``+i|mu|``, for every eigenvalue ``mu``."""
    out = []
    for m in mu:
        omega = abs(m)
        if omega <= tol:
            continue
        phase = (math.atan2(m.imag, m.real) - math.pi / 2) % TWO_PI
        if abs(m.real) <= tol and m.imag > 0:
            phase = 0.0   # a centre: on the axis at tau = 0
        tau = phase / omega
        direction = omega ** 2 / (1 + (omega * tau) ** 2)
        out.append(Crossing(tau, omega, direction, _residual(A0, A1, omega, tau)))
    return out


def _numeric(A0, A1, tol) -> list[Crossing]:
    """Crossings ``det(i omega I - A0 - z A1) = 0``, ``|z| = 1``, found by scanning ``omega``."""
    bound = np.linalg.norm(A0, 2) + np.linalg.norm(A1, 2)
    grid = np.linspace(1e-6 * bound, bound * (1 + 1e-9), SCAN_POINTS)
    moduli = np.array([_moduli(A0, A1, w) for w in grid])
    counts = (moduli < 1.0).sum(axis=1)
    out = []
    for k in np.nonzero(np.diff(counts))[0]:
        lo, hi = sorted((counts[k], counts[k + 1]))
        roots = [brentq(lambda w, j=j: _moduli(A0, A1, w)[j] - 1.0, grid[k], grid[k + 1], xtol=1e-15, rtol=1e-15)
                 for j in range(lo, hi)]
        while roots:   # branches of equal modulus (mu and its conjugate when A0 = 0) cross together
            omega = roots[0]
            group = [w for w in roots if abs(w - omega) <= 1e-9 * omega]
            roots = [w for w in roots if abs(w - omega) > 1e-9 * omega]
            z = _pencil(A0, A1, omega)
            for zk in z[np.argsort(np.abs(np.abs(z) - 1.0), kind="stable")][:len(group)]:
                phase = (-math.atan2(zk.imag, zk.real)) % TWO_PI
                phase = 0.0 if (phase > TWO_PI - 1e-9 or phase < 1e-9) else phase
                tau = phase / omega
                out.append(Crossing(tau, omega, _direction(A0, A1, omega, tau), _residual(A0, A1, omega, tau)))
    return out


def _pencil(A0, A1, omega) -> np.ndarray:
    """The finite ``z`` with ``det(i omega I - A0 - z A1) = 0``."""
    d = len(A0)
    z = scipy.linalg.eigvals(1j * omega * np.eye(d) - A0, A1)
    return z[np.isfinite(z) & (np.abs(z) < 1e8)]


def _moduli(A0, A1, omega) -> np.ndarray:
    """``|z|`` of the pencil, ascending, padded with ``inf`` to length ``d``."""
    m = np.sort(np.abs(_pencil(A0, A1, omega)))
    return np.concatenate([m, np.full(len(A0) - len(m), np.inf)])


def _direction(A0, A1, omega, tau) -> float:
    """``Re dlambda/dtau = -Re(w* M_tau v / w* M_lambda v)`` at ``lambda = i omega``, ``M v = 0 = w* M``."""
    lam = 1j * omega
    e = np.exp(-lam * tau)
    M = lam * np.eye(len(A0)) - A0 - A1 * e
    U, _, Vh = np.linalg.svd(M)
    v, w = Vh[-1].conj(), U[:, -1]
    num = w.conj() @ (lam * e * A1) @ v
    den = w.conj() @ (np.eye(len(A0)) + tau * e * A1) @ v
    return float(np.real(-num / den))


def _residual(A0, A1, omega, tau) -> float:
    """``|det(i omega I - A0 - A1 exp(-i omega tau))|``, relative to ``max(1, ||A0|| + ||A1|| + omega)^d``."""
    d = len(A0)
    M = 1j * omega * np.eye(d) - A0 - A1 * np.exp(-1j * omega * tau)
    scale = max(1.0, np.linalg.norm(A0, 2) + np.linalg.norm(A1, 2) + omega)
    return float(abs(np.linalg.det(M)) / scale ** d)
