"""Periodic orbits by orthogonal collocation (the discretisation of AUTO and MatCont), and their monodromy.

A periodic orbit of period ``T`` of ``z' = G(z, lam)`` (``z`` the coordinates of one face, see
:class:`~.system.Face`) is, in the time ``t in [0, 1]`` scaled by ``T``, a solution of
``z' = T G(z, lam)`` with ``z(0) = z(1)``.  The interval ``[0, 1]`` is cut into ``NTST`` equal mesh
intervals; on each, ``z`` is the polynomial of degree ``NCOL`` through its values at ``NCOL + 1``
equally spaced nodes (the last node of an interval is the first of the next: the orbit is continuous),
and the equation holds exactly at the ``NCOL`` Gauss-Legendre points of the interval.  The values at
the mesh points converge like ``h^(2 NCOL)`` (de Boor & Swartz 1973): with ``NCOL = 4`` and ``NTST =
40`` a smooth cycle's period is correct to about ``1e-10`` relative.  Two scalar equations close the
system: the integral phase condition ``int <z - z_prev, z_prev'> dt = 0`` (Doedel 1981), which fixes
the orbit's phase as the one nearest the previous orbit, and the pseudo-arclength condition.

The monodromy matrix (whose eigenvalues are the Floquet multipliers) is the product over the mesh
intervals of the transfer matrices of the variational equation ``v' = T A(t) v`` collocated the same
way, in the full reduced coordinates (so that, on an invariant face, the multipliers across the face --
the invasion of the strategies not in use -- are among them).

References
----------
E. J. Doedel, AUTO: a program for the automatic bifurcation analysis of autonomous systems, Congr. Numer.
30 (1981) 265-284.  C. de Boor, B. Swartz, Collocation at Gaussian points, SIAM J. Numer. Anal. 10 (1973)
582-606.  Yu. A. Kuznetsov, *Elements of Applied Bifurcation Theory*, 3rd ed., Springer 2004, sec. 10.3.
"""
from __future__ import annotations

import numpy as np
import sympy

from ...solvers.continuation_system import ContinuationSystem, Face

__all__ = ["Mesh", "VectorField", "Collocation", "NTST", "NCOL"]

#: mesh intervals and collocation points per interval (AUTO's NTST, NCOL)
NTST = 40
NCOL = 4


class Mesh:
    """The uniform mesh on ``[0, 1]``: nodes, Gauss points, and the Lagrange matrices between them."""

    def __init__(self, ntst: int = NTST, ncol: int = NCOL):
        self.ntst, self.ncol = ntst, ncol
        g, w = np.polynomial.legendre.leggauss(ncol)
        self.gauss, self.weights = (g + 1) / 2, w / 2           # on [0, 1], weights summing to 1
        nodes = np.linspace(0.0, 1.0, ncol + 1)
        self.L = _lagrange(nodes, self.gauss)                     # (ncol, ncol + 1) values at Gauss points
        self.D = _lagrange(nodes, self.gauss, derivative=True)    # (ncol, ncol + 1) derivatives there
        self.index = np.arange(ntst)[:, None] * ncol + np.arange(ncol + 1)[None, :]
        self.size = ntst * ncol + 1
        self.times = np.linspace(0.0, 1.0, self.size)

    def at_gauss(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Values and time derivatives at the Gauss points, shapes ``(ntst, ncol, k)``, of nodes ``X (size, k)``."""
        Xi = X[self.index]
        return (np.einsum("jk,ikd->ijd", self.L, Xi),
                np.einsum("jk,ikd->ijd", self.D, Xi) * self.ntst)

    def dense(self, X: np.ndarray, per_interval: int = 16) -> np.ndarray:
        """The orbit at ``per_interval`` equally spaced times in each mesh interval (for min/max)."""
        s = np.linspace(0.0, 1.0, per_interval, endpoint=False)
        E = _lagrange(np.linspace(0.0, 1.0, self.ncol + 1), s)
        return np.einsum("jk,ikd->ijd", E, X[self.index]).reshape(-1, X.shape[1])


    def refined(self, U: np.ndarray, k: int) -> tuple["Mesh", np.ndarray]:
        """The mesh with every interval halved, and the unknowns ``U`` (``k`` coordinates) interpolated onto it."""
        fine = Mesh(2 * self.ntst, self.ncol)
        Z = U[:-2].reshape(self.size, k)
        s = np.linspace(0.0, 1.0, 2 * self.ncol, endpoint=False)
        E = _lagrange(np.linspace(0.0, 1.0, self.ncol + 1), s)
        values = np.einsum("jk,ikd->ijd", E, Z[self.index]).reshape(-1, k)
        return fine, np.concatenate([values.ravel(), Z[-1], U[-2:]])


def _lagrange(nodes: np.ndarray, at: np.ndarray, derivative: bool = False) -> np.ndarray:
    """``M[j, k] = L_k(at_j)`` (or ``L_k'(at_j)``) for the Lagrange basis on ``nodes``."""
    out = np.zeros((len(at), len(nodes)))
    for k in range(len(nodes)):
        others = np.delete(nodes, k)
        poly = np.poly1d(others, r=True) / np.prod(nodes[k] - others)
        out[:, k] = (poly.deriv() if derivative else poly)(at)
    return out


class VectorField:
    """``F``, ``F_x`` and ``F_lam`` of a :class:`~.system.ContinuationSystem` at many points at once."""

    def __init__(self, system: ContinuationSystem):
        dyn = system.dynamics
        symbol = dyn.parameters[system.index]
        d = self.dimension = system.dimension
        exprs = list(dyn.vector_field) + list(dyn.jacobian) + list(dyn.vector_field.diff(symbol))
        self._fn = sympy.lambdify(list(dyn.variables) + list(dyn.parameters), exprs, modules="numpy",
                                  cse=True, dummify=True)
        self.system, self._sizes = system, (d, d * d)

    def __call__(self, X: np.ndarray, lam: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """At the states ``X (n, d)``: ``F (n, d)``, ``F_x (n, d, d)``, ``F_lam (n, d)``."""
        n, d = len(X), self.dimension
        vals = self._fn(*X.T, *self.system.pvec(lam))
        # a constant entry comes back as a scalar: broadcast every entry to the n points
        out = np.stack([np.broadcast_to(np.asarray(v, dtype=float), (n,)) for v in vals], axis=1)
        return out[:, :d], out[:, d:d + d * d].reshape(n, d, d), out[:, d + d * d:]


class Collocation:
    """The collocation system of a cycle on ``face``; unknowns ``U = (Z nodes, tau, mu)``.

    ``T = period_scale * tau`` and ``lam = lo + span * mu`` (both scaled to be of order one, so that
    the arclength's norm weighs the orbit, the period and the parameter alike).
    """

    def __init__(self, field: VectorField, face: Face, lo: float, span: float, period_scale: float, mesh: Mesh):
        self.field, self.face, self.mesh = field, face, mesh
        self.lo, self.span, self.period_scale = lo, span, period_scale
        self.k = face.dimension
        self.rows = list(face.rows)
        self.n = mesh.size * self.k + 2
        # the arclength's weights: the orbit's nodes as a mean over the orbit, the period and parameter as such
        self.weights = np.concatenate([np.full(mesh.size * self.k, 1.0 / mesh.size), [1.0, 1.0]])

    def unpack(self, U: np.ndarray) -> tuple[np.ndarray, float, float]:
        return U[:-2].reshape(self.mesh.size, self.k), self.period_scale * U[-2], self.lo + self.span * U[-1]

    def states(self, Z: np.ndarray) -> np.ndarray:
        """Full reduced coordinates of face coordinates ``Z (n, k)``."""
        return self.face.x0[None, :] + Z @ self.face.P.T

    def system(self, U: np.ndarray, reference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Residual and Jacobian of every equation but the arclength (``n - 1`` rows, ``n`` columns).

        ``reference`` is the previous solution (for the phase condition).
        """
        m, k, N = self.mesh.ncol, self.k, self.mesh.ntst
        Z, T, lam = self.unpack(U)
        Zg, Zd = self.mesh.at_gauss(Z)
        F, J, Fl = self.field(self.states(Zg.reshape(-1, k)), lam)
        G = F[:, self.rows].reshape(N, m, k)
        Gz = (J[:, self.rows, :] @ self.face.P).reshape(N, m, k, k)
        Gl = Fl[:, self.rows].reshape(N, m, k)
        Zref, _, _ = self.unpack(reference)
        _, Zref_d = self.mesh.at_gauss(Zref)
        Zref_g, _ = self.mesh.at_gauss(Zref)
        phase = np.einsum("j,ijd,ijd->", self.mesh.weights, Zg - Zref_g, Zref_d) / N
        res = np.concatenate([(Zd - T * G).ravel(), Z[-1] - Z[0], [phase]])
        A = np.zeros((self.n - 1, self.n))
        eye = np.eye(k)
        blocks = (N * np.einsum("jc,ab->jacb", self.mesh.D, eye)[None]
                  - T * np.einsum("jc,ijab->ijacb", self.mesh.L, Gz)).reshape(N, m * k, (m + 1) * k)
        for i in range(N):
            A[i * m * k:(i + 1) * m * k, i * m * k:(i * m + m + 1) * k] = blocks[i]
        A[:N * m * k, -2] = -self.period_scale * G.ravel()
        A[:N * m * k, -1] = -T * self.span * Gl.ravel()
        r = N * m * k
        A[r:r + k, (self.mesh.size - 1) * k:self.mesh.size * k] = eye
        A[r:r + k, :k] -= eye
        phase = np.einsum("j,jc,ijd->icd", self.mesh.weights, self.mesh.L, Zref_d) / N   # (N, m+1, k)
        row = np.zeros((self.mesh.size, k))
        np.add.at(row, self.mesh.index, phase)
        A[r + k, :-2] = row.ravel()
        return res, A

    def monodromy(self, U: np.ndarray) -> np.ndarray:
        """The monodromy matrix ``(d, d)`` of the cycle ``U`` in the full reduced coordinates."""
        m, N = self.mesh.ncol, self.mesh.ntst
        Z, T, lam = self.unpack(U)
        Zg, _ = self.mesh.at_gauss(Z)
        _, J, _ = self.field(self.states(Zg.reshape(-1, self.k)), lam)
        d = J.shape[-1]
        J = J.reshape(N, m, d, d)
        eye = np.eye(d)
        M = np.eye(d)
        for i in range(N):
            # the collocation equations of v' = T A v on the interval, with v at its first node given
            B = (N * np.einsum("jc,ab->jacb", self.mesh.D, eye)
                 - T * np.einsum("jc,jab->jacb", self.mesh.L, J[i])).reshape(m * d, (m + 1) * d)
            rest = np.linalg.solve(B[:, d:], -B[:, :d])          # the other nodes from the first
            M = rest[-d:] @ M
        return M
