"""Rest points face by face without sympy: linear algebra and Krawczyk boxes on multi-affine payoffs.

When every expected payoff is a polynomial with numbers for coefficients in
which each monomial holds at most one share of each population (every
payoff table of a matrix game), the rest-point equations of a face are
*multi-affine* in its unknowns.  :class:`FaceSolver` then solves each face
numerically and proves what it reports:

* a face whose equations are affine (every face of a one-population game,
  every face of a two-population game, a face with at most two mixed
  populations): one linear system.  With rational payoffs a face that could
  hold a rest point is solved again exactly in ``Fraction`` arithmetic (the
  state is then exact, as sympy would give it, and positivity is decided
  exactly); a face the float solve shows to be empty is dropped only when
  the solution lies outside the face by more than its error bound;
* a face with three or more mixed populations: :func:`evogame.solvers.krawczyk.box_roots`
  finds every root in a box around the face, each proved unique in its
  enclosure; a share is positive when it is over the whole enclosure.

A face the numbers do not decide -- a singular system (a continuum, or no
solution), a root on the face's boundary, a search that cannot prove a root
(a double root) -- is handed back (``delegate``) and solved with sympy as
before, so nothing is reported on a guess.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Sequence

import numpy as np
import sympy

from .krawczyk import MAX_UNKNOWNS, box_roots
from .rational import to_fraction, to_sympy

__all__ = ["FaceSolver", "FaceOutcome"]

#: how far the box around a face reaches beyond it (so that a root on the boundary is inside the box)
MARGIN = 1 / 32


@dataclass
class FaceOutcome:
    """Rest points of one face: reduced states (float), exact states (sympy, or None), and how."""

    states: list = field(default_factory=list)
    exact_states: list = field(default_factory=list)
    delegate: str | None = None     # why the face must be solved another way (None: decided here)


class FaceSolver:
    """The multi-affine payoffs of a game with numbers for parameters, ready to solve any face.

    Build with :meth:`of`, which returns None when the payoffs are not multi-affine polynomials with
    number coefficients (then sympy solves every face).
    """

    def __init__(self, game, monomials, coefficients, exact):
        self.d = game.dimension
        self.sizes = [p.n for p in game.populations]
        self.offsets = np.cumsum([0] + self.sizes)[:-1]
        self.var_pop = [p for p, n in enumerate(self.sizes) for _ in range(n - 1)]
        self.monomials = monomials                       # tuples of variable indices
        self.C = np.array(coefficients, dtype=float)      # (strategies, monomials)
        self.exact = exact                                # per strategy {monomial index: Fraction}, or None
        self.scale = max(1.0, float(np.abs(self.C).sum(axis=1).max(initial=0.0)))

    @classmethod
    def of(cls, game, fitness) -> "FaceSolver | None":
        variables = list(game.variables)
        pop_of = [p for p, pop in enumerate(game.populations) for _ in range(pop.n - 1)]
        monomials, table, rows = [], {}, []
        for f in (f for fp in fitness for f in fp):
            try:
                poly = sympy.Poly(sympy.expand(f), *variables) if variables else None
            except sympy.PolynomialError:
                return None
            terms = poly.terms() if poly is not None else [((), f)]
            row = {}
            for exps, coeff in terms:
                if any(e > 1 for e in exps) or not (coeff.is_Number or coeff.is_number):
                    return None
                mono = tuple(k for k, e in enumerate(exps) if e)
                pops = [pop_of[k] for k in mono]
                if len(set(pops)) != len(pops):
                    return None
                if mono not in table:
                    table[mono] = len(monomials)
                    monomials.append(mono)
                row[table[mono]] = coeff
            rows.append(row)
        coefficients = [[float(row.get(k, 0)) for k in range(len(monomials))] for row in rows]
        exact = [{k: to_fraction(c) for k, c in row.items()} for row in rows]
        if any(c is None for row in exact for c in row.values()):
            exact = None
        return cls(game, monomials, coefficients, exact)

    # -- one face -------------------------------------------------------------------
    def solve(self, support) -> FaceOutcome:
        face = _FaceMap(self, support)
        if face.m == 0:
            exact = tuple(sympy.Integer(int(v)) for v in face.c)
            return FaceOutcome([face.c.copy()], [exact])
        if face.linear:
            return self._solve_linear(face)
        if face.m > MAX_UNKNOWNS:
            return FaceOutcome(delegate=f"{face.m} unknowns on a face of degree > 1")
        return self._solve_boxes(face)

    def _solve_linear(self, face: "_FaceMap") -> FaceOutcome:
        m = face.m
        G = face.equations(np.vstack([np.zeros(m), np.eye(m)]))
        b, A = -G[0], (G[1:] - G[0]).T
        s = np.linalg.svd(A, compute_uv=False)
        if s[-1] <= 1e-12 * max(1.0, s[0]):
            if self.exact:
                return self._solve_linear_exactly(face)
            # over the box [0, 1]^m (which holds the face) the affine equation A_i u - b_i spans
            # [sum min(A_ij, 0) - b_i, sum max(A_ij, 0) - b_i]: if one of them leaves out 0, the face is empty
            slack = 1e-12 * self.scale * (m + 1)
            low, high = np.minimum(A, 0).sum(axis=1) - b, np.maximum(A, 0).sum(axis=1) - b
            if np.any((low > slack) | (high < -slack)):
                return FaceOutcome()
            return FaceOutcome(delegate="singular system")
        u = np.linalg.solve(A, b)
        # |du| <= (|dA| |u| + |db|) / s_min, with dA, db from evaluating the payoffs (m eps scale) and from the
        # elimination (m eps s_max); a share sums up to m unknowns; a factor 100 for the constants
        error = 100 * m ** 2 * np.finfo(float).eps * (self.scale + s[0]) * (1 + np.abs(u).max()) / s[-1]
        shares = face.shares(u)
        if shares.min() < -error:
            return FaceOutcome()
        if self.exact:
            return self._solve_linear_exactly(face)
        if shares.min() > error:
            return FaceOutcome([face.state(u)], [None])
        return FaceOutcome(delegate="a share within rounding of zero")

    def _solve_linear_exactly(self, face: "_FaceMap") -> FaceOutcome:
        m = face.m
        points = [[Fraction(0)] * m] + [[Fraction(int(i == j)) for i in range(m)] for j in range(m)]
        G = [face.equations_exact(u) for u in points]
        rows = [[G[j + 1][i] - G[0][i] for j in range(m)] + [-G[0][i]] for i in range(m)]
        u = _gauss(rows, m)
        if u is None:
            return FaceOutcome(delegate="singular system (a continuum or no rest point)")
        if u is False:
            return FaceOutcome()
        if min(face.shares_exact(u)) <= 0:
            return FaceOutcome()
        x = face.state_exact(u)
        return FaceOutcome([np.array([float(v) for v in x])], [tuple(to_sympy(v) for v in x)])

    def _solve_boxes(self, face: "_FaceMap") -> FaceOutcome:
        m = face.m
        found = box_roots(face.equations, np.full(m, -MARGIN), np.full(m, 1 + MARGIN),
                          scale=self.scale, blocks=face.blocks)
        if not found.complete:
            return FaceOutcome(delegate=f"box search undecided after {found.boxes} boxes (a singular root?)")
        states = []
        for root, (lo, hi) in zip(found.roots, found.enclosures):
            low, high = face.share_bounds(lo, hi)
            if np.any(high <= 0):
                continue
            if np.any(low <= 0):
                return FaceOutcome(delegate="a root on the boundary of the face")
            states.append(face.state(root))
        return FaceOutcome(states, [None] * len(states))


class _FaceMap:
    """A face in its unknowns ``u``: reduced state ``x = B u + c``, its equations and shares."""

    def __init__(self, solver: FaceSolver, support):
        self.solver = solver
        self.m = sum(len(S) - 1 for S in support)
        self.B, self.c = np.zeros((solver.d, self.m)), np.zeros(solver.d)
        self.blocks, eq = [], []
        k_var = 0
        for p, (n, S) in enumerate(zip(solver.sizes, support)):
            free, last = list(S[:-1]), S[-1]
            first = sum(len(b) for b in self.blocks)
            block = list(range(first, first + len(free)))
            self.blocks.append(block)
            for i in range(n - 1):
                if i in free:
                    self.B[k_var + i, block[free.index(i)]] = 1.0
                elif i == last:
                    self.c[k_var + i] = 1.0
                    self.B[k_var + i, block] = -1.0
            base = solver.offsets[p]
            eq.extend((base + i, base + last) for i in free)
            k_var += n - 1
        self.mixed = [len(S) > 1 for S in support]
        self.rows = np.array([a for a, _ in eq], dtype=int)
        self.refs = np.array([b for _, b in eq], dtype=int)
        self.live = self._live(support)
        self._reduce()

    def _live(self, support) -> np.ndarray:
        """Which reduced variables are not identically zero on the face."""
        live = []
        for n, S in zip(self.solver.sizes, support):
            live.extend(i in S for i in range(n - 1))
        return np.array(live, dtype=bool)

    def _reduce(self) -> None:
        """The equations as one polynomial in the variables of mixed populations.

        A monomial with a variable that is 0 on the face vanishes; the variables of a population playing
        one strategy are 1 there and drop out.  ``linear``: no monomial left has two variables.
        """
        solver, exact = self.solver, self.solver.exact
        D = solver.C[self.rows] - solver.C[self.refs]
        terms, columns, columns_exact = {}, [], []
        for k, mono in enumerate(solver.monomials):
            diff = None if exact is None else [exact[a].get(k, 0) - exact[b].get(k, 0)
                                               for a, b in zip(self.rows, self.refs)]
            if (not any(diff) if diff is not None else not D[:, k].any()) or not all(self.live[v] for v in mono):
                continue
            reduced = tuple(v for v in mono if self.mixed[solver.var_pop[v]])
            j = terms.setdefault(reduced, len(terms))
            if j == len(columns):
                columns.append(np.zeros(len(self.rows)))
                columns_exact.append([Fraction(0)] * len(self.rows))
            columns[j] += D[:, k]
            if diff is not None:
                columns_exact[j] = [a + Fraction(b) for a, b in zip(columns_exact[j], diff)]
        keep = [j for j in range(len(columns))
                if (any(columns_exact[j]) if exact is not None else columns[j].any())]    # cancelled terms go
        self.terms = [t for t, j in terms.items() if j in keep]
        columns, columns_exact = [columns[j] for j in keep], [columns_exact[j] for j in keep]
        self.variables = sorted({v for t in self.terms for v in t})      # the mixed variables the terms use
        bit = {v: 1 << k for k, v in enumerate(self.variables)}
        self.masks = np.array([sum(bit[v] for v in t) for t in self.terms], dtype=int)
        self.coefficients = np.array(columns).reshape(len(self.terms), len(self.rows)).T
        self.coefficients_exact = columns_exact
        self.linear = all(len(t) <= 1 for t in self.terms)

    def equations(self, U: np.ndarray) -> np.ndarray:
        """The equations at points ``U`` (N, m): every product of a subset of the variables, by doubling."""
        X = U @ self.B[self.variables].T + self.c[self.variables]
        products = np.ones((len(U), 1))
        for k in range(len(self.variables)):     # column mask = the subset's bits
            products = np.concatenate([products, products * X[:, k:k + 1]], axis=1)
        return products[:, self.masks] @ self.coefficients.T

    def equations_exact(self, u: Sequence[Fraction]) -> list[Fraction]:
        x = self.state_exact(u)
        values = []
        for t in self.terms:
            v = Fraction(1)
            for k in t:
                v *= x[k]
            values.append(v)
        return [sum((col[i] * v for col, v in zip(self.coefficients_exact, values)), Fraction(0))
                for i in range(len(self.rows))]

    def state(self, u: np.ndarray) -> np.ndarray:
        return self.B @ u + self.c

    def state_exact(self, u: Sequence[Fraction]) -> list[Fraction]:
        return [Fraction(int(self.c[r])) + sum((Fraction(int(self.B[r, j])) * u[j]
                                                 for j in range(self.m) if self.B[r, j]), Fraction(0))
                for r in range(len(self.c))]

    def shares(self, u: np.ndarray) -> np.ndarray:
        """The shares that must be positive on the face's relative interior (free ones and each block's rest)."""
        return self.share_bounds(u, u)[0]

    def shares_exact(self, u: Sequence[Fraction]) -> list[Fraction]:
        out = [u[j] for b in self.blocks for j in b]
        out += [1 - sum((u[j] for j in b), Fraction(0)) for b in self.blocks if b]
        return out

    def share_bounds(self, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds of those shares over the box [lo, hi]."""
        low = [lo[b] for b in self.blocks if b] + [np.array([1 - hi[b].sum()]) for b in self.blocks if b]
        high = [hi[b] for b in self.blocks if b] + [np.array([1 - lo[b].sum()]) for b in self.blocks if b]
        return (np.concatenate(low), np.concatenate(high)) if low else (np.zeros(0), np.zeros(0))


def _gauss(rows: list[list[Fraction]], m: int):
    """Solve the augmented system exactly: the solution, None if singular and consistent, False if inconsistent."""
    rows = [r[:] for r in rows]
    rank = 0
    pivots = []
    for col in range(m):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        p = rows[rank][col]
        rows[rank] = [v / p for v in rows[rank]]
        for r in range(len(rows)):
            if r != rank and rows[r][col] != 0:
                f = rows[r][col]
                rows[r] = [a - f * b for a, b in zip(rows[r], rows[rank])]
        pivots.append(col)
        rank += 1
    if any(all(v == 0 for v in r[:m]) and r[m] != 0 for r in rows[rank:]):
        return False
    if rank < m:
        return None
    u = [Fraction(0)] * m
    for r, col in enumerate(pivots):
        u[col] = rows[r][m]
    return u
