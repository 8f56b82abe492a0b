"""The stable set of a target in one unknown: in closed form, or by bisection.

``S = { u : every eigenvalue of J(u) has negative real part }`` for the
target's Jacobian ``J(u)`` (:class:`~evogame.engine.targets.TargetJacobian`):

* closed form -- the stability condition (eigenvalues < 0, or the
  Routh--Hurwitz determinants > 0) as a conjunction of inequalities in ``u``,
  each solved exactly by sympy, ``S`` their intersection; the boundary is also
  solved with every other parameter symbolic (its expression);
* bisection -- the numeric classification on a grid over the range, each
  change bracketed and bisected to ``tol``.

Both give a :class:`StableSet`; :meth:`StableSet.pick` chooses the threshold.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import sympy

from ..solvers import stability as st
from ..engine.analysis import analyze
from ..errors import UndefinedDynamics
from ..util.formatting import number
from ..game import exact
from ..engine.targets import TargetJacobian
from ..util.timelimit import Timeout, time_limit

__all__ = ["StableSet", "Pick", "closed_form", "bisection", "stable_labels", "CLOSED_FORM", "BISECTION", "NONE"]

CLOSED_FORM, BISECTION, NONE = "closed form", "bisection", "none"


def _num(v) -> str:
    return number(v, 10)


class Pick(NamedTuple):
    """The threshold chosen from a stable set."""

    status: str                  # threshold, crossing, already stable, never stable, independent
    threshold: float | None
    exact: str | None            # the exact value (closed form)
    expression: str | None       # the boundary with the other parameters symbolic
    boundaries: list
    stable_at_baseline: bool


@dataclass
class StableSet:
    """A stable set in the unknown, from either method, and how to pick the threshold."""

    problem: TargetJacobian
    method: str
    boundaries: list             # sorted switch points inside [lo, hi] (floats)
    exact_boundaries: dict       # float -> sympy exact (closed form)
    stable_at: object            # callable float -> bool
    direction: str
    region: list
    independent: bool = False
    failing: str = ""
    blocked: str = ""
    outside: str = ""
    tolerance: float = 0.0
    expressions: dict = field(default_factory=dict)   # float boundary -> expression string

    def pick(self) -> Pick:
        """The threshold: for a strength the first switch to stable from the baseline up; for a parameter
        the switch nearest its default."""
        p = self.problem
        base = p.baseline
        stable_at_base = self.stable_at(base)
        if self.independent:
            return Pick("independent", None, None, None, self.boundaries, stable_at_base)
        thr = None
        if p.unknown == "strength":
            if stable_at_base:
                return Pick("already stable", None, None, None, self.boundaries, True)
            ups = [b for b in self.boundaries if b >= base and self.stable_at(self._right(b))]
            if not ups:
                return Pick("never stable", None, None, None, self.boundaries, False)
            thr = ups[0]
            status = "threshold"
        else:
            if not self.boundaries:
                return Pick("already stable" if stable_at_base else "never stable", None, None, None,
                            self.boundaries, stable_at_base)
            thr = min(self.boundaries, key=lambda b: (abs(b - base), b))
            status = "crossing" if stable_at_base else "threshold"
        ex = self.exact_boundaries.get(thr)
        return Pick(status, float(thr), None if ex is None else sympy.sstr(ex), self.expressions.get(thr),
                    self.boundaries, stable_at_base)

    def _right(self, b):
        nxt = [c for c in self.boundaries if c > b]
        end = nxt[0] if nxt else self.problem.hi
        return b + 0.5 * (end - b) if end > b else b


def stable_labels(problem: TargetJacobian, value: float) -> list[str]:
    """The asymptotically stable rest points at one value of the unknown, under the problem's dynamics."""
    try:
        a = analyze(problem.work, {problem.unknown: float(value)}, rtol=problem.rtol, dynamics=problem.dynamics)
    except UndefinedDynamics:
        return []
    return [p.label for p in a.stable]


# -- closed form ---------------------------------------------------------------

def _conjuncts(condition) -> list:
    if condition is sympy.true or condition is sympy.false:
        return [condition]
    if isinstance(condition, sympy.And):
        return list(condition.args)
    return [condition]


def closed_form(p: TargetJacobian, budget, notes) -> StableSet | None:
    from sympy.solvers.inequalities import solve_univariate_inequality


    u = p.symbol
    full = st.symbolic_stability(p.J_full, budget)
    conj_full = _conjuncts(full["condition"])
    conj_u = [c.xreplace(p.others) for c in conj_full]
    # an inequality between numbers evaluates to true/false; keep those separately
    pieces = []
    try:
        with time_limit(budget):
            for c_full, c in zip(conj_full, conj_u):
                c = sympy.simplify(c) if c not in (sympy.true, sympy.false) else c
                if c is sympy.true or c is sympy.false or u not in c.free_symbols:
                    value = bool(c) if c in (sympy.true, sympy.false) else bool(c.subs(u, 0))
                    pieces.append((c_full, None, value))
                    continue
                S = solve_univariate_inequality(c, u, relational=False)
                pieces.append((c_full, S, None))
    except Timeout:
        notes.append(f"closed form: solving the stability condition exceeded {budget:g} s; bisection used")
        return None
    except (NotImplementedError, TypeError, ValueError) as exc:
        notes.append(f"closed form: sympy could not solve the stability condition ({type(exc).__name__}); "
                     "bisection used")
        return None

    constant_false = [c_full for c_full, S, v in pieces if S is None and v is False]
    S_all = sympy.S.Reals
    for _, S, v in pieces:
        if S is not None:
            S_all = S_all.intersect(S)
    if constant_false:
        S_all = sympy.S.EmptySet
    rng = sympy.Interval(exact(p.lo), exact(p.hi))
    boundary_pts = [b for b in _finite_points(S_all.boundary) if p.lo <= float(b) <= p.hi]
    boundary_pts.sort(key=float)

    def stable_at(v):
        return bool(S_all.contains(exact(float(v))) == sympy.true)

    # a boundary on an end of the range counts only when the stable side lies inside the range
    inner = sorted(float(b) for b in boundary_pts if p.lo < float(b) < p.hi)

    def edge_counts(b):
        if p.lo < float(b) < p.hi:
            return True
        near = [c for c in inner] + [p.hi if float(b) == p.lo else p.lo]
        other = min(near, key=lambda c: abs(c - float(b)))
        return stable_at(0.5 * (float(b) + other))

    boundary_pts = [b for b in boundary_pts if edge_counts(b)]
    direction = _describe_within(S_all, p.unknown, rng)
    region = _region(S_all.intersect(rng))
    _note_extension(p, S_all, region, notes)
    solved = StableSet(p, CLOSED_FORM, [float(b) for b in boundary_pts], {float(b): b for b in boundary_pts},
                     stable_at, direction, region)
    if constant_false:
        # Parts of the condition that fail whatever the unknown.  When they are
        # the only parts failing at the baseline, the target's stability does
        # not depend on the unknown at all; otherwise the unknown fixes some
        # parts but never these.
        base = exact(p.baseline)
        dependent_failing = [c_full for c_full, S, v in pieces if S is not None and S.contains(base) != sympy.true]
        shown = " and ".join(_show_condition(c) for c in constant_false)
        if dependent_failing:
            solved.blocked = shown
        else:
            solved.independent = True
            solved.failing = f"the failing condition {shown} does not involve it"
    elif not region and S_all is not sympy.S.EmptySet:
        # Never stable in the range: say where it would be.
        solved.outside = f"{_describe(S_all, p.unknown)} (outside the range)"
    # closed-form expressions of the boundaries, other parameters symbolic
    for b in boundary_pts:
        expr = _boundary_expression(p, conj_full, b, budget)
        if expr is not None:
            solved.expressions[float(b)] = expr
    return solved


def _note_extension(p: TargetJacobian, S_all, region, notes) -> None:
    """Where the closed form's stable set has a boundary beyond the range: say it, as a note."""
    if region and any(not p.lo <= float(b) <= p.hi for b in _finite_points(S_all.boundary)):
        notes.append(f"the closed form over every real {p.unknown}: {_describe(S_all, p.unknown)} "
                     f"(the algebraic extension beyond [{_num(p.lo)}, {_num(p.hi)}])")


def _show_condition(c) -> str:
    return sympy.sstr(c)


def _finite_points(boundary) -> list:
    if isinstance(boundary, sympy.FiniteSet):
        return [b for b in boundary if b.is_finite and b.is_real]
    if boundary is sympy.S.EmptySet:
        return []
    if isinstance(boundary, sympy.Union):
        out = []
        for a in boundary.args:
            out.extend(_finite_points(a))
        return out
    raise NotImplementedError(f"boundary {boundary}")


def _region(S) -> list:
    """Intervals (as [lo, hi] floats) of a real set restricted to the range."""
    if S is sympy.S.EmptySet:
        return []
    if isinstance(S, sympy.Interval):
        return [[float(S.start), float(S.end)]]
    if isinstance(S, sympy.Union):
        out = []
        for a in S.args:
            out.extend(_region(a))
        return sorted(out)
    if isinstance(S, sympy.FiniteSet):
        return [[float(v), float(v)] for v in S]
    return []


def _describe_within(S, name: str, rng: sympy.Interval) -> str:
    """``"stable for c_D < 0.9 (within [0, 6])"``: the stable set inside the searched range, in words.

    An end of a piece that is the range's own end is not repeated: ``c_D < 0.9`` rather than ``0 <= c_D < 0.9``.
    """
    inside = S.intersect(rng)
    within = f" (within [{_num(rng.start)}, {_num(rng.end)}])"
    if inside is sympy.S.EmptySet:
        return f"never stable for {name} in [{_num(rng.start)}, {_num(rng.end)}]"
    if inside == rng:
        return f"stable for every {name} in [{_num(rng.start)}, {_num(rng.end)}]"
    parts = []
    for piece in (inside.args if isinstance(inside, sympy.Union) else (inside,)):
        if not isinstance(piece, sympy.Interval):
            parts.append(f"{name} in {sympy.sstr(piece)}")
            continue
        a, b = piece.start, piece.end
        lop = "<" if piece.left_open else "<="
        rop = "<" if piece.right_open else "<="
        if a == rng.start and b == rng.end:
            parts.append(f"every {name}")
        elif a == rng.start:
            parts.append(f"{name} {rop} {_num(b)}")
        elif b == rng.end:
            parts.append(f"{name} {'>' if lop == '<' else '>='} {_num(a)}")
        else:
            parts.append(f"{_num(a)} {lop} {name} {rop} {_num(b)}")
    return "stable for " + " or ".join(parts) + within


def _describe(S, name: str) -> str:
    """``"stable for c_D < 0.9"`` from a sympy set."""
    if S is sympy.S.EmptySet:
        return f"never stable for any {name}"
    if S == sympy.S.Reals:
        return f"stable for every {name}"
    parts = []
    for piece in (S.args if isinstance(S, sympy.Union) else (S,)):
        if isinstance(piece, sympy.Interval):
            a, b = piece.start, piece.end
            lop = "<=" if not piece.left_open else "<"
            rop = "<=" if not piece.right_open else "<"
            if a == -sympy.oo and b == sympy.oo:
                parts.append(f"every {name}")
            elif a == -sympy.oo:
                parts.append(f"{name} {rop} {_num(b)}")
            elif b == sympy.oo:
                parts.append(f"{name} {'>=' if lop == '<=' else '>'} {_num(a)}")
            else:
                parts.append(f"{_num(a)} {lop} {name} {rop} {_num(b)}")
        else:
            parts.append(f"{name} in {sympy.sstr(piece)}")
    return "stable for " + " or ".join(parts)


def _boundary_expression(p: TargetJacobian, conj_full, b, budget) -> str | None:
    """Solve the part of the condition that vanishes at ``b`` for the unknown, symbolically."""

    u = p.symbol
    for c in conj_full:
        if not isinstance(c, sympy.core.relational.Relational):
            continue
        h = c.lhs - c.rhs
        try:
            at = sympy.simplify(h.xreplace(p.others).subs(u, b))
        except Exception:  # noqa: BLE001 -- a failed simplification only loses the expression
            continue
        if at != 0:
            continue
        num = sympy.numer(sympy.together(h))
        try:
            with time_limit(budget):
                sols = sympy.solve(num, u)
        except (Timeout, NotImplementedError):
            continue
        for sol in sols:
            try:
                if abs(complex(sympy.N(sol.xreplace(p.others), 30)) - complex(b)) < 1e-12:
                    return f"{p.unknown} = {sympy.sstr(sympy.simplify(sol))}"
            except (TypeError, ValueError):
                continue
    return None


# -- bisection -----------------------------------------------------------------

def bisection(p: TargetJacobian, tol: float, grid: int, notes) -> StableSet:
    u = np.linspace(p.lo, p.hi, grid)
    if p.lo < p.baseline < p.hi:
        u = np.unique(np.append(u, p.baseline))
    flags = p.negative(u)
    boundaries, width = [], 0.0
    for i in range(len(u) - 1):
        if flags[i] != flags[i + 1]:
            a, b = u[i], u[i + 1]
            fa = flags[i]
            while b - a > tol:
                m = 0.5 * (a + b)
                if m <= a or m >= b:
                    break
                if p.negative(np.array([m]))[0] == fa:
                    a = m
                else:
                    b = m
            boundaries.append(float(0.5 * (a + b)))
            width = max(width, float(b - a))
    notes.append(f"bisection: {grid}-point grid over [{_num(p.lo)}, {_num(p.hi)}], each switch of the sign of the "
                 f"largest real part of the eigenvalues bisected to "
                 f"{tol:g}; a stable window narrower than the grid step {(p.hi - p.lo) / (grid - 1):.3g} could "
                 "be missed")

    def stable_at(v):
        return bool(p.negative(np.array([float(v)]))[0])

    # runs of the grid -> region and direction
    region = []
    edges = [p.lo] + boundaries + [p.hi]
    for k in range(len(edges) - 1):
        mid = 0.5 * (edges[k] + edges[k + 1])
        if stable_at(mid):
            region.append([float(edges[k]), float(edges[k + 1])])
    if region:
        direction = "stable for " + " or ".join(
            f"{p.unknown} in [{_num(a)}, {_num(b)}]" for a, b in region) + f" (within [{_num(p.lo)}, {_num(p.hi)}])"
    else:
        direction = f"never stable for {p.unknown} in [{_num(p.lo)}, {_num(p.hi)}]"
    solved = StableSet(p, BISECTION, boundaries, {}, stable_at, direction, region, tolerance=max(width, tol))
    ev = p.eigenvalues(u) if not boundaries and not flags[0] else None
    if ev is not None and np.isfinite(ev).all():
        # Independent when the eigenvalues that fail (real part >= 0) are the same all along the range
        # (and exist all along it: not where the target is no rest point or has no Jacobian).
        failing = [np.sort_complex(e[np.real(e) >= -p.rtol * max(1.0, np.abs(e).max(initial=0))]) for e in ev]
        if all(len(f) == len(failing[0]) and np.allclose(f, failing[0], rtol=1e-12, atol=1e-12) for f in failing):
            solved.independent = True
            solved.failing = "its non-negative eigenvalues " + ", ".join(f"{complex(e).real:.6g}" for e in failing[0]) \
                + " stay the same over the range"
    return solved
