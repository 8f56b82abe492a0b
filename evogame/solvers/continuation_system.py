"""The field of a dynamics as a function of the state and one continued parameter, on one face.

:class:`ContinuationSystem` compiles, once per continuation, the field ``F(x, lam)``, its Jacobian
``F_x`` (the dynamics' own, :meth:`~evogame.dynamics.Dynamics.jacobian_at`), the derivative ``F_lam``
in the continued parameter and, when a Hopf point needs them, the second and third derivatives in the
state (sympy, differentiated once, compiled with ``lambdify``).

:class:`Face` is the chart of one face of the product of simplices in reduced coordinates (the first
``n_p - 1`` shares of each population).  Where every face is invariant (the replicator), a rest point
stays on its face as the parameter moves, and the branch is continued in the face's own coordinates
``z``: ``x = x0 + P z``.  Because the field is tangent to the face, the rows of ``F`` of the free
coordinates are exactly the face field in ``z``; in the basis ``[P, Q]`` the Jacobian is block upper
triangular, and the eigenvalues of its lower block are the transverse ones (the invasion rates of the
unused strategies).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import sympy


__all__ = ["ContinuationSystem", "Face", "face_of"]


class ContinuationSystem:
    """Compiled ``F``, ``F_x``, ``F_lam`` (and, lazily, ``F_xx``, ``F_xxx``) of a dynamics in one parameter.

    Parameters
    ----------
    dynamics : the Dynamics (its symbolic field and Jacobian).
    parameter : the name of the continued parameter (one of ``dynamics.parameters``).
    values : every parameter's value (name -> number); the continued one is replaced by ``lam``.
    """

    def __init__(self, dynamics, parameter: str, values: Mapping):
        self.dynamics = dynamics
        names = [str(s) for s in dynamics.parameters]
        self.index = names.index(parameter)
        self.parameter = parameter
        self.base = dynamics.parameter_vector(values)
        self.dimension = len(dynamics.variables)
        symbol = dynamics.parameters[self.index]
        self._args = list(dynamics.variables) + list(dynamics.parameters)
        # F, F_x (the dynamics' own symbolic Jacobian) and F_lam in one compiled function of scalars: a
        # continuation evaluates them at thousands of single points, where a call's overhead dominates
        self._all = _compiled(dynamics, symbol, tuple(self._args))
        self._last: tuple = (None, None)
        self._second = None
        self._third = None

    def pvec(self, lam: float) -> np.ndarray:
        """The parameter vector with the continued parameter at ``lam``."""
        p = self.base.copy()
        p[self.index] = lam
        return p

    def derivatives(self, x: np.ndarray, lam: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(F, F_x, F_lam)`` at ``(x, lam)``: shapes ``(d,)``, ``(d, d)``, ``(d,)`` (the last point is kept)."""
        # tolist: the state as Python floats in one call (a Newton step asks for F, F_x and F_lam at one point)
        key = (tuple(np.asarray(x, dtype=float).tolist()), float(lam))
        if self._last[0] != key:
            d = self.dimension
            vals = np.array(self._all(*key[0], *self.pvec(lam)), dtype=float)
            self._last = (key, (vals[:d], vals[d:d + d * d].reshape(d, d), vals[d + d * d:]))
        return self._last[1]

    def field(self, x: np.ndarray, lam: float) -> np.ndarray:
        return self.derivatives(x, lam)[0]

    def jacobian(self, x: np.ndarray, lam: float) -> np.ndarray:
        return self.derivatives(x, lam)[1]

    def dlam(self, x: np.ndarray, lam: float) -> np.ndarray:
        """``dF/dlam`` at ``(x, lam)``, shape ``(d,)``."""
        return self.derivatives(x, lam)[2]

    def second(self, x: np.ndarray, lam: float) -> np.ndarray:
        """``B[i, j, k] = d^2 F_i / dx_j dx_k`` at ``(x, lam)``."""
        if self._second is None:
            self._second = self._tensor(2)
        return self._evaluate(self._second, x, lam)

    def third(self, x: np.ndarray, lam: float) -> np.ndarray:
        """``C[i, j, k, l] = d^3 F_i / dx_j dx_k dx_l`` at ``(x, lam)``."""
        if self._third is None:
            self._third = self._tensor(3)
        return self._evaluate(self._third, x, lam)

    def _tensor(self, order: int):
        """The derivatives of order ``order`` of the field in the state, compiled: ``(function, positions)``."""
        return _compiled_tensor(self.dynamics, order, tuple(self._args))

    def _evaluate(self, tensor, x, lam):
        fn, positions = tensor
        vals = np.array(fn(*np.asarray(x, dtype=float).tolist(), *self.pvec(lam)), dtype=float)
        return vals[positions]


def _compiled_tensor(dynamics, order: int, args: tuple):
    """The compiled derivatives ``d^order F_i / dx_j dx_k ...`` and where each entry of the full tensor is (cached).

    Mixed partial derivatives do not depend on the order of differentiation: only the entries with sorted state
    indices ``j <= k <= ...`` are derived, each from the dynamics' own symbolic Jacobian (one derivative fewer),
    and compiled in one function; ``positions`` (shape ``(d,) * (order + 1)``, ``F``'s index first) picks each
    entry of the full tensor from its values.
    """
    key = (tuple(dynamics.vector_field), order, args)
    if key not in _COMPILED:
        X = list(dynamics.variables)
        d = len(X)
        sorted_indices = list(itertools.combinations_with_replacement(range(d), order))
        exprs = []
        for i in range(d):
            for idx in sorted_indices:
                e = dynamics.jacobian[i, idx[0]]
                for k in idx[1:]:
                    e = e.diff(X[k])
                exprs.append(e)
        where = {idx: n for n, idx in enumerate(sorted_indices)}
        positions = np.empty((d,) * (order + 1), dtype=np.intp)
        for full in itertools.product(range(d), repeat=order + 1):
            positions[full] = full[0] * len(sorted_indices) + where[tuple(sorted(full[1:]))]
        if len(_COMPILED) >= COMPILED_CACHE:
            _COMPILED.pop(next(iter(_COMPILED)))
        _COMPILED[key] = (sympy.lambdify(list(args), exprs, modules=_modules(exprs), cse=True, dummify=True),
                          positions)
    return _COMPILED[key]


#: compiled (F, F_x, F_lam) by expressions: a study that repeats a continuation (a second call, the
#: one-parameter runs of a two-parameter study) compiles its field once; at most this many kept
_COMPILED: dict = {}
COMPILED_CACHE = 16


def _compiled(dynamics, symbol, args: tuple):
    """The compiled ``(F, F_x, F_lam)`` of ``dynamics`` in ``symbol`` as one function of ``args`` (cached)."""
    key = (tuple(dynamics.vector_field), tuple(dynamics.jacobian), symbol, args)
    if key not in _COMPILED:
        exprs = (list(dynamics.vector_field) + list(dynamics.jacobian)
                 + list(dynamics.vector_field.diff(symbol)))
        if len(_COMPILED) >= COMPILED_CACHE:
            _COMPILED.pop(next(iter(_COMPILED)))
        _COMPILED[key] = sympy.lambdify(list(args), exprs, modules=_modules(exprs), cse=True, dummify=True)
    return _COMPILED[key]


#: sympy functions that ``lambdify`` prints as ``math`` functions or builtins (sympy.printing.pycode)
MATH_FUNCTIONS = frozenset({"exp", "log", "sin", "cos", "tan", "sinh", "cosh", "tanh", "asin", "acos", "atan",
                            "atan2", "Abs", "Min", "Max", "floor", "ceiling", "erf", "erfc", "gamma"})


def _modules(exprs) -> list:
    """``["math"]`` when every function in ``exprs`` is one Python's ``math`` module (or a builtin) provides.

    The first ``lambdify`` with ``"numpy"`` in a process builds sympy's numpy namespace (it imports
    ``numpy.testing``, ``unittest``, ``numpy.f2py``...: 0.3 s, a third of a seed game's first diagram).  The
    values do not change: with ``["math", "numpy"]`` the math functions were already taken from ``math``.
    """
    names = {type(f).__name__ for e in exprs for f in e.atoms(sympy.Function)}
    return ["math"] if names <= MATH_FUNCTIONS else ["math", "numpy"]


@dataclass(frozen=True)
class Face:
    """The chart ``x = x0 + P z`` of a face in reduced coordinates.

    Attributes
    ----------
    support : per population, the indices of the strategies in use (all of them: the whole state space).
    x0 : ``(d,)`` the face's origin.
    P : ``(d, m)`` its tangent basis; ``rows`` the ``m`` free coordinates (``z = x[rows]``).
    Q : ``(d, d - m)`` a complement: ``[P, Q]`` is a basis of the reduced coordinates.
    invariant : whether the dynamics keeps the face invariant (then the transverse block exists).
    blocks : per population, ``(slice, number of strategies, strategies in use)``: where
        :meth:`shares` reads the shares a branch on the face keeps non-negative.
    """

    support: tuple
    x0: np.ndarray
    P: np.ndarray
    rows: tuple
    Q: np.ndarray
    invariant: bool
    blocks: tuple

    @property
    def dimension(self) -> int:
        return len(self.rows)

    def state(self, z: np.ndarray) -> np.ndarray:
        return self.x0 + self.P @ np.asarray(z, dtype=float)

    def coordinates(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(x, dtype=float)[list(self.rows)]

    def shares(self, x: np.ndarray) -> np.ndarray:
        """The shares of the strategies in use (those a branch on this face keeps non-negative)."""
        x = np.asarray(x, dtype=float)
        out = []
        for sl, n, used in self.blocks:
            full = np.append(x[sl], 1.0 - x[sl].sum()) if n > 1 else np.ones(1)
            out.extend(full[i] for i in used)
        return np.array(out, dtype=float)

    def without(self, k: int) -> tuple | None:
        """The support of the face without the ``k``-th strategy in use (order of :meth:`shares`); None if that
        leaves a population with no strategy."""
        pairs = [(p, i) for p, (_, _, used) in enumerate(self.blocks) for i in used]
        p, i = pairs[k]
        support = [tuple(u) for u in self.support]
        support[p] = tuple(j for j in support[p] if j != i)
        return tuple(support) if support[p] else None

    def transverse(self, J: np.ndarray) -> np.ndarray:
        """The eigenvalues of the Jacobian across the face (none if the face is not invariant)."""
        m = self.dimension
        if not self.invariant or m == len(self.x0):
            return np.zeros(0, dtype=complex)
        M = np.hstack([self.P, self.Q])
        T = np.linalg.solve(M, J @ M)
        return np.linalg.eigvals(T[m:, m:])


def face_of(game, support, invariant: bool) -> Face:
    """The chart of the face with this support (per population, the strategies in use).

    ``invariant=False`` (a dynamics that does not keep faces invariant): the whole state space.
    """
    d = game.dimension
    if not invariant:
        support = tuple(tuple(range(pop.n)) for pop in game.populations)
    x0 = np.zeros(d)
    columns, rows, blocks, fixed = [], [], [], []
    for sl, pop, used in zip(game.slices(), game.populations, support):
        start, last = sl.start, pop.n - 1
        blocks.append((sl, pop.n, tuple(used)))
        # the dependent strategy: the last one if in use (implicit), else the last strategy in use
        dependent = last if last in used else max(used)
        if dependent != last:
            x0[start + dependent] = 1.0
        for i in range(last):
            if i in used and i != dependent:
                col = np.zeros(d)
                col[start + i] = 1.0
                if dependent != last:
                    col[start + dependent] = -1.0
                columns.append(col)
                rows.append(start + i)
            else:
                fixed.append(start + i)
    P = np.array(columns, dtype=float).T.reshape(d, len(columns))
    Q = np.eye(d)[:, fixed] if fixed else np.zeros((d, 0))
    return Face(tuple(tuple(u) for u in support), x0, P, tuple(rows), Q, invariant, tuple(blocks))
