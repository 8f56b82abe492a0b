"""The mechanisms' threshold strength at every draw: what :func:`~evogame.studies.thresholds.threshold` gives there.

At a draw ``theta`` the threshold study examines the target corner's
stability condition in the strength ``s`` on the range ``[0, 1]`` (baseline
``s = 0``) and returns one of four outcomes (:data:`STATUSES`):

* ``already stable`` -- the target is asymptotically stable at ``s = 0``;
* ``threshold`` -- it is not, and ``s*`` is the first boundary of the stable
  set in ``[0, 1)`` with the stable side to its right;
* ``independent`` -- a part of the condition that does not involve ``s``
  fails, and every part that does holds at ``s = 0``;
* ``never stable`` -- otherwise.

The condition (:func:`evogame.solvers.stability.symbolic_stability` of the corner's
Jacobian, every parameter symbolic) is a conjunction ``h_k(theta, s) op 0``;
which part binds changes from draw to draw, so no single closed form
``s* = h(theta)`` serves every draw.  :class:`StrengthConditions` compiles
each part in the uncertain parameters and ``s`` and, for the parts that
involve ``s``, the coefficients in ``s`` of the numerator and denominator of
``h_k``: the stable set can change only at their real roots.  At every draw at
once the roots in ``[0, 1)`` are sorted and the condition is evaluated just
right of each (midway to the next root, or to 1) and at 0: the first root
with the condition true to its right is ``s*`` -- the threshold study's
choice, branch by branch.  Where the condition is not polynomial in ``s``
(or sympy cannot derive it in time) the study falls back to bisection at
every draw (:func:`evogame.studies.uncertainty._bisect`).
"""
from __future__ import annotations

import numpy as np
import sympy

from ..solvers import stability as st
from ..errors import AnalysisError
from ..scenario import STRENGTH
from ..engine.targets import TargetJacobian
from ..util.timelimit import Timeout, time_limit
from .stability_regions import _conjuncts
from .uncertainty_model import CHUNK

__all__ = ["StrengthConditions", "STATUSES", "THRESHOLD", "ALREADY", "NEVER", "INDEPENDENT", "NoClosedForm"]

STATUSES = ("threshold", "already stable", "never stable", "independent")
THRESHOLD, ALREADY, NEVER, INDEPENDENT = range(4)
#: roots whose imaginary part is below this (relative) are real
IMAG_TOL = 1e-9
_TESTS = {"<": np.less, ">": np.greater, "<=": np.less_equal, ">=": np.greater_equal}


class NoClosedForm(AnalysisError):
    """The target's stability condition is not a conjunction of parts polynomial in the strength."""


class StrengthConditions:
    """The target's stability condition, compiled in the uncertain parameters and the strength.

    Parameters
    ----------
    work : the game with the mechanisms applied at a symbolic ``strength``.
    support : the target corner's support.
    names : the uncertain parameters (the columns of the draws); the others stay at their values in ``work``.
    rtol, budget, dynamics : as for :func:`~evogame.studies.thresholds.threshold`.
    """

    def __init__(self, work, support, names, rtol: float, budget, dynamics):
        problem = TargetJacobian(work, support, STRENGTH, 0.0, 0.0, 1.0, rtol, dynamics)
        if not problem.linear_only:
            raise NoClosedForm(f"under {dynamics} the stable set has conditions beside the Jacobian")
        self.theta = [work.parameters[n].symbol for n in names]
        s = self.symbol = problem.symbol
        fixed = {k: v for k, v in problem.others.items() if k not in self.theta}
        try:
            with time_limit(budget):
                parts = _conjuncts(st.symbolic_stability(problem.J_full, budget)["condition"])
                self._derive(parts, fixed, s)
        except Timeout:
            raise NoClosedForm(f"deriving the stability condition exceeded {budget:g} s") from None
        except (sympy.PolynomialError, NotImplementedError, TypeError, ValueError) as exc:
            raise NoClosedForm(f"sympy could not split the stability condition ({type(exc).__name__})") from None
        #: each part's boundary in the strength with every parameter symbolic (None where not linear in it)
        self.expressions = self.branches(budget)

    def _derive(self, parts, fixed, s) -> None:
        constant, dependent, self.constant_false = [], [], False
        self.full = []      # the dependent parts with every parameter symbolic (their boundary expressions)
        for c in parts:
            if c is sympy.true:
                continue
            if c is sympy.false:
                self.constant_false = True
                continue
            if not isinstance(c, sympy.core.relational.Relational) or c.rel_op not in _TESTS:
                raise NoClosedForm(f"a part of the stability condition is not an inequality: {c}")
            h = sympy.cancel((c.lhs - c.rhs).xreplace(fixed))
            if s in h.free_symbols:
                num, den = sympy.fraction(sympy.together(h))
                polys = [sympy.Poly(num, s), sympy.Poly(den, s)]
                if any(p.free_symbols - set(self.theta) - {s} for p in polys):
                    raise NoClosedForm("the stability condition has other symbols")
                dependent.append((h, c.rel_op, polys))
                self.full.append(c.lhs - c.rhs)
            else:
                constant.append((h, c.rel_op))
        args = self.theta
        self.constant_ops = [op for _, op in constant]
        self.constant = sympy.lambdify(args, [h for h, _ in constant], modules="numpy", cse=True)
        self.ops = [op for _, op, _ in dependent]
        self.values = sympy.lambdify(args + [s], [h for h, _, _ in dependent], modules="numpy", cse=True)
        self.roots = []   # (part index, degree, compiled coefficients, highest first)
        for k, (_, _, polys) in enumerate(dependent):
            for p in polys:
                if p.degree() >= 1:
                    self.roots.append((k, p.degree(), sympy.lambdify(args, p.all_coeffs(), modules="numpy")))

    def evaluate(self, draws: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(status (n,) codes into STATUSES, s* (n,) NaN where no threshold, binding part (n,) -1 where none)``.

        Evaluated in blocks of ``CHUNK`` draws (the arrays stay in cache).
        """
        n = draws.shape[0]
        status, value, part = np.empty(n, np.int8), np.empty(n), np.empty(n, np.int64)
        for lo in range(0, n, CHUNK):
            block = slice(lo, min(n, lo + CHUNK))
            status[block], value[block], part[block] = self._block(draws[block])
        return status, value, part

    def _block(self, draws: np.ndarray) -> tuple:
        n = draws.shape[0]
        cols = [draws[:, j] for j in range(draws.shape[1])]
        with np.errstate(all="ignore"):
            const_ok = np.full(n, not self.constant_false)
            for v, op in zip(self.constant(*cols), self.constant_ops):
                const_ok &= _TESTS[op](np.broadcast_to(v, (n,)), 0)
            at0 = self._holds(cols, np.zeros(n))
            cands = self._candidates(cols, n)
            best, part = np.full(n, np.inf), np.full(n, -1)
            for j, (c, k) in enumerate(cands):
                # stability is constant between consecutive roots: test it midway to the next one (or to 1)
                nxt = np.ones(n)
                for i, (other, _) in enumerate(cands):
                    if i != j:
                        nxt = np.minimum(nxt, np.where(other > c, other, np.inf))
                ok = np.isfinite(c) & self._holds(cols, 0.5 * (c + nxt))
                take = ok & (c < best)
                best = np.where(take, c, best)
                part = np.where(take, k, part)
        found = const_ok & np.isfinite(best)
        stable0 = const_ok & at0
        status = np.where(stable0, ALREADY, np.where(found, THRESHOLD, np.where(at0, INDEPENDENT, NEVER)))
        has = status == THRESHOLD
        return status, np.where(has, best, np.nan), np.where(has, part, -1)

    def _holds(self, cols, s) -> np.ndarray:
        """Every part involving ``s`` holds at ``(theta, s)``."""
        ok = np.ones(np.shape(s), dtype=bool)
        for v, op in zip(self.values(*cols, s), self.ops):
            ok &= _TESTS[op](np.broadcast_to(v, np.shape(s)), 0)
        return ok

    def _candidates(self, cols, n) -> list[tuple[np.ndarray, int]]:
        """The real roots in ``[0, 1)`` of every part's numerator and denominator (``inf`` elsewhere), each with
        the part it comes from."""
        out = []
        for k, degree, coefficients in self.roots:
            roots = _real_roots([np.broadcast_to(np.asarray(c, dtype=float), (n,)) for c in coefficients(*cols)])
            out += [(np.where((r >= 0) & (r < 1), r, np.inf), k) for r in roots]
        return out

    def branches(self, budget) -> list[str | None]:
        """Each part's boundary ``strength = ...`` with every parameter symbolic (None where not linear in it)."""
        out = []
        for h in self.full:
            try:
                with time_limit(budget):
                    p = sympy.Poly(sympy.numer(sympy.together(h)), self.symbol)
                    if p.degree() != 1:
                        out.append(None)
                        continue
                    a, b = p.all_coeffs()
                    out.append(f"{STRENGTH} = {sympy.sstr(sympy.factor(-b / a))}")
            except (Timeout, sympy.PolynomialError):
                out.append(None)
        return out


def _real_roots(coefficients: list[np.ndarray]) -> list[np.ndarray]:
    """The real roots of polynomials given by coefficient arrays (highest first): ``degree`` arrays ``(n,)``,
    NaN where a draw has fewer.

    Degree 1 and 2 in closed form (a vanishing leading coefficient lowers the degree at that draw), higher
    degrees by ``np.roots`` draw by draw.
    """
    n, degree = coefficients[0].shape[0], len(coefficients) - 1
    if degree == 1:
        a, b = coefficients
        return [np.where(a != 0, -b / np.where(a != 0, a, 1.0), np.nan)]
    if degree == 2:
        a, b, c = coefficients
        quad = a != 0
        safe = np.where(quad, a, 1.0)
        disc = b * b - 4 * a * c
        root = np.sqrt(np.where(disc >= 0, disc, np.nan))
        # the stable form: q = -(b + sign(b) sqrt(disc)) / 2, roots q / a and c / q
        q = -0.5 * (b + np.where(b >= 0, root, -root))
        linear = np.where(b != 0, -c / np.where(b != 0, b, 1.0), np.nan)
        return [np.where(quad, q / safe, linear),
                np.where(quad & (q != 0), c / np.where(q != 0, q, 1.0), np.where(quad, q / safe, np.nan))]
    out = np.full((n, degree), np.nan)
    C = np.stack(coefficients, axis=1)
    for i in range(n):
        c = np.trim_zeros(C[i], "f")
        if len(c) > 1 and np.all(np.isfinite(c)):
            r = np.roots(c)
            r = r[np.abs(r.imag) <= IMAG_TOL * np.maximum(1.0, np.abs(r))].real
            out[i, :len(r)] = r
    return list(out.T)
