"""Thresholds: the mechanism strength (or parameter value) at which a target
rest point becomes asymptotically stable.

The target is a pure strategy profile (a corner of the product of simplices,
e.g. ``loose.active``), which is a rest point for every parameter value.  Its
Jacobian ``J(u)`` in the tangent space depends on one unknown ``u`` -- the
strength ``s`` of the applied mechanism(s), or a parameter -- with every other
parameter at its exact default value.  The target is asymptotically stable on

    S = { u : every eigenvalue of J(u) has negative real part },

and the threshold is the boundary point of ``S`` where stability switches:
for a strength, the smallest ``s >= 0`` from which the target is stable; for a
parameter, the boundary point nearest to its default value (the crossing
point).

Two methods:

* **closed form** -- the stability condition (eigenvalues < 0, or the
  Routh--Hurwitz determinants > 0) is a conjunction of inequalities in ``u``;
  sympy solves each exactly and ``S`` is their intersection.  The boundary is
  also solved with every other parameter symbolic, giving its expression
  (for game 1: ``c_D = B*beta + G*m - L*lambda``).
* **bisection** -- when the condition cannot be solved (or on request): the
  numeric classification of the target on a grid over the range, each change
  bracketed and bisected to ``tol`` (default ``1e-10``).

When every failing part of the condition is free of ``u`` (for game 1, a
supervision-only mechanism and the target ``(loose, active)``), there is no
threshold and the result says so.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np
import sympy

from .. import stability as st
from ..analysis import analyze
from ..dynamics import derive, structural_parameters
from ..errors import AnalysisError, ScenarioError, did_you_mean
from ..formatting import number
from ..game import Game, exact
from ..scenario import STRENGTH, Scenario, as_scenario
from ..timelimit import Timeout, time_limit
from .mechanisms import apply

__all__ = ["threshold", "ThresholdResult", "target_support", "corner_state"]

TOL = 1e-10
GRID = 401

CLOSED_FORM, BISECTION, NONE = "closed form", "bisection", "none"


@dataclass
class ThresholdResult:
    """The result of :func:`threshold`.

    Attributes
    ----------
    threshold : the value of the unknown where the target's stability
        switches (float), or None (no threshold: see ``status``).
    exact : the threshold as an exact number (string) when found in closed form.
    expression : the boundary in closed form with the other parameters
        symbolic, e.g. ``"c_D = B*beta + G*m - L*lambda"`` (None when found
        numerically or not solvable).
    method : ``"closed form"``, ``"bisection"`` or ``"none"``.
    status : ``"threshold"`` (the target becomes stable at the threshold),
        ``"crossing"`` (a parameter: stable at the default, loses stability at
        the threshold), ``"already stable"``, ``"never stable"`` (in the
        range), ``"independent"`` (the stability does not depend on the unknown).
    target, target_key : the target's label ``"(loose, active)"`` and profile key.
    unknown : ``"strength"`` or the parameter's name; ``mechanisms`` the
        applied mechanisms (at strength 1 when the unknown is a parameter).
    baseline : the unknown's baseline value (0 for a strength, else the default).
    range : the interval searched ``[lo, hi]``.
    stable_region : the intervals of the range where the target is stable.
    direction : the stable set in words (``"stable for c_D < 0.9"``).
    meaning : one sentence in words.
    stable_below, stable_above : labels of the asymptotically stable rest
        points just below and just above the threshold (or, without a
        threshold, at the two ends of the range), at ``below_at``, ``above_at``.
    tolerance : 0 for a closed form (exact); else the final bisection bracket.
    """

    scenario: str
    target: str
    target_key: str
    unknown: str
    mechanisms: list
    baseline: float
    range: tuple
    threshold: float | None
    exact: str | None
    expression: str | None
    method: str
    status: str
    direction: str
    stable_region: list
    meaning: str
    stable_below: list
    stable_above: list
    below_at: float | None
    above_at: float | None
    tolerance: float
    notes: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "scenario": self.scenario,
            "target": self.target,
            "target_key": self.target_key,
            "unknown": self.unknown,
            "mechanisms": list(self.mechanisms),
            "baseline": self.baseline,
            "range": list(self.range),
            "threshold": self.threshold,
            "exact": self.exact,
            "expression": self.expression,
            "method": self.method,
            "status": self.status,
            "direction": self.direction,
            "stable_region": [list(iv) for iv in self.stable_region],
            "meaning": self.meaning,
            "stable_below": list(self.stable_below),
            "stable_above": list(self.stable_above),
            "below_at": self.below_at,
            "above_at": self.above_at,
            "tolerance": self.tolerance,
            "notes": list(self.notes),
        }

    def __repr__(self) -> str:
        thr = "none" if self.threshold is None else f"{self.threshold:.10g}"
        return (f"<ThresholdResult {self.target} in {self.unknown}: {thr} ({self.method}, {self.status})>")


# -- the target ----------------------------------------------------------------

def target_support(scenario: Scenario, target: str | None) -> tuple[tuple[int, ...], ...]:
    """The support of a pure target profile.

    ``target`` is a profile key ``"loose.active"`` (also accepted:
    ``"(loose, active)"`` or ``"loose,active"``); None means the scenario's
    ``[game] target``.
    """
    game = scenario.game
    if target is not None:
        if not isinstance(target, str):
            raise ScenarioError("the target must be a string", file=scenario.file, key="game.target",
                                found=repr(target))
        try:
            profile = game.profile(target, key=None)
        except ScenarioError as exc:
            raise exc.located(file=scenario.file, argument="target") from None
    elif scenario.target is not None:
        profile = scenario.target
    else:
        raise ScenarioError("no target state: the scenario has no [game] target", file=scenario.file,
                            argument="target", expected="a target, one strategy per population joined by '.', "
                                                        "e.g. " + ".".join(p.strategies[0] for p in game.populations))
    return tuple((i,) for i in profile)


def corner_state(game: Game, support) -> dict:
    """Reduced coordinates of a pure profile: ``{variable: 0 or 1}``."""
    out = {}
    for pop, S, sl in zip(game.populations, support, game.slices()):
        for k, var in enumerate(game.variables[sl]):
            out[var] = sympy.Integer(1 if k == S[0] else 0)
    return out


def _key(game: Game, support) -> str:
    return ".".join(pop.strategies[S[0]] for pop, S in zip(game.populations, support))


# -- the main function ---------------------------------------------------------

def threshold(subject: Scenario | Game, mechanisms: Sequence = (), *, target: str | None = None, param: str | None = None,
              range: tuple[float, float] | None = None, params: Mapping | None = None, method: str = "auto",
              budget: float | None = 10.0, rtol: float = st.RTOL, tol: float = TOL,
              grid: int = GRID) -> ThresholdResult:
    """The strength (or parameter value) at which the target becomes asymptotically stable.

    Parameters
    ----------
    subject : the Scenario (or a bare Game, with Mechanism objects)
    mechanisms : mechanism names (or ``(name, strength)`` pairs); without
        ``param`` their common strength ``s`` is the unknown.
    target : pure profile key (default: the scenario's ``[game] target``).
    param : a parameter name: find its threshold instead (other parameters at
        their defaults, the mechanisms applied at strength 1).
    range : ``(lo, hi)`` searched; default ``[0, 1]`` for a strength, else the
        parameter's declared range.
    params : new default values of other parameters (name -> number).
    method : ``"auto"`` (closed form, else bisection), ``"closed form"`` or
        ``"bisection"``.
    budget : seconds for each sympy step before falling back.
    rtol : relative tolerance of the classification (see ``stability``).
    tol : bisection tolerance on the unknown.
    grid : grid points that bracket the switches before bisection.

    Returns
    -------
    ThresholdResult
    """
    if method not in ("auto", CLOSED_FORM, BISECTION):
        raise ValueError(f"unknown method {method!r}")
    scenario = as_scenario(subject)
    file = scenario.file
    game = scenario.game.with_values(**(params or {}))
    scenario = scenario.with_game(game)
    mech_names = [m if isinstance(m, str) else (m[0] if isinstance(m, tuple) else m.name) for m in mechanisms]
    if param is None or param == STRENGTH:
        if not mechanisms:
            raise ScenarioError("a threshold in the strength needs a mechanism", file=file, argument="mechanisms",
                                expected="a mechanism name (or a parameter, for the parameter's threshold)")
        work = apply(scenario, mechanisms, ("symbolic", 1)).game
        unknown, baseline = STRENGTH, 0.0
        lo, hi = range if range is not None else (0.0, 1.0)
    else:
        if param not in game.parameters:
            raise ScenarioError(f"unknown parameter '{param}'", file=file, argument="param",
                                expected="one of " + ", ".join(game.parameters),
                                suggestion=did_you_mean(param, game.parameters))
        if param in structural_parameters(game):
            raise AnalysisError(f"'{param}' fixes the degree of the payoffs (a sum limit); it has no continuous "
                                f"threshold -- use `evogame sweep` over its values instead")
        work = apply(scenario, mechanisms, 1).game if mechanisms else game
        unknown = param
        baseline = float(game.parameters[param].value) if game.parameters[param].value is not None else None
        if baseline is None:
            raise ScenarioError(f"parameter '{param}' has no default value", file=file, key=f"parameters.{param}")
        declared = game.parameters[param].range
        if range is not None:
            lo, hi = range
        elif declared is not None:
            lo, hi = declared
        else:
            lo, hi = 0.0, max(1.0, 2 * abs(baseline))
    lo, hi = float(lo), float(hi)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ScenarioError(f"the range [{lo:g}, {hi:g}] is empty or not finite", argument="range",
                            expected="LO:HI with LO < HI")
    support = target_support(scenario.with_game(work), target)
    key = _key(work, support)
    label = work.profile_label([S[0] for S in support])
    problem = _Problem(work, support, unknown, baseline, lo, hi, rtol)

    notes: list[str] = []
    solved = None
    if method in ("auto", CLOSED_FORM):
        solved = _closed_form(problem, budget, notes)
        if solved is None and method == CLOSED_FORM:
            raise AnalysisError("no closed form for the stability condition of " + label + "; "
                                + "; ".join(notes))
    if solved is None:
        solved = _bisection(problem, tol, grid, notes)
    status, thr, exact_value, expression, boundaries, stable_at_base = solved.pick()

    # stable sets on both sides
    if thr is not None:
        gaps = [abs(b - thr) for b in boundaries if abs(b - thr) > 0]
        delta = min([1e-4 * max(1.0, hi - lo)] + [0.5 * g for g in gaps])
        below_at, above_at = thr - delta, thr + delta
    else:
        below_at, above_at = lo, hi
    stable_below = _stable_labels(problem, below_at)
    stable_above = _stable_labels(problem, above_at)

    what = (" + ".join(mech_names) if unknown == STRENGTH else unknown)
    subject = f"the strength of {what}" if unknown == STRENGTH else unknown
    if mechanisms and unknown != STRENGTH:
        notes.append("mechanisms applied at strength 1: " + ", ".join(mech_names))
    meaning = _meaning(status, label, unknown, subject, what, thr, baseline, lo, hi, solved)
    return ThresholdResult(
        scenario=game.name, target=label, target_key=key, unknown=unknown, mechanisms=mech_names,
        baseline=baseline, range=(lo, hi), threshold=thr, exact=exact_value, expression=expression,
        method=NONE if status == "independent" else solved.method, status=status,
        direction=solved.direction, stable_region=solved.region, meaning=meaning,
        stable_below=stable_below, stable_above=stable_above, below_at=below_at, above_at=above_at,
        tolerance=0.0 if solved.method == CLOSED_FORM else solved.tolerance, notes=notes)


def _meaning(status, label, unknown, subject, what, thr, baseline, lo, hi, solved) -> str:
    f = _num
    if status == "independent":
        return (f"no threshold: the stability of {label} does not depend on {what}"
                + (f" ({solved.failing})" if solved.failing else "") + ".")
    if status == "never stable" and solved.blocked:
        return (f"no threshold: {what} cannot make {label} asymptotically stable: the condition "
                f"{solved.blocked} fails whatever {unknown} and does not involve it.")
    if status == "never stable":
        extra = f"; {solved.outside}" if solved.outside else ""
        return f"no threshold: {label} is never asymptotically stable for {unknown} in [{f(lo)}, {f(hi)}]{extra}."
    if status == "already stable":
        return (f"no threshold needed: {label} is already asymptotically stable at the baseline "
                f"({unknown} = {f(baseline)}); {solved.direction}.")
    if status == "crossing":
        side = "rises above" if thr > baseline else "falls below"
        return (f"{label} is asymptotically stable at the default {unknown} = {f(baseline)} and loses stability "
                f"when {unknown} {side} {f(thr)} ({solved.direction}).")
    if unknown == "strength":
        return (f"{label} becomes asymptotically stable when {subject} exceeds {f(thr)} "
                f"(0 = baseline, 1 = as described; {solved.direction}).")
    side = "rises above" if thr > baseline else "falls below"
    return (f"{label} becomes asymptotically stable when {unknown} {side} {f(thr)} "
            f"(default {f(baseline)}; {solved.direction}).")


def _num(v) -> str:
    return number(v, 10)


# -- the problem: the target's Jacobian as a function of the unknown ------------

class _Problem:
    """The target corner's Jacobian in the unknown, symbolic and compiled."""

    def __init__(self, work: Game, support, unknown: str, baseline: float, lo: float, hi: float, rtol: float):
        self.work, self.support, self.unknown = work, support, unknown
        self.baseline, self.lo, self.hi, self.rtol = baseline, lo, hi, rtol
        self.dyn = derive(work)
        self.symbol = work.parameters[unknown].symbol
        values = work.values()
        self.others = {work.parameters[n].symbol: v for n, v in values.items() if n != unknown}
        self.corner = corner_state(work, support)
        self.J_full = self.dyn.jacobian.xreplace(self.corner)
        self.J_u = self.J_full.xreplace(self.others).applyfunc(sympy.cancel)
        self._entries: dict = {}   # compiled Jacobian entries, on first use
        self.label = work.profile_label([S[0] for S in support])

    def jacobians(self, u: np.ndarray) -> np.ndarray:
        """``(n,)`` values of the unknown -> ``(n, d, d)`` Jacobians."""
        u = np.asarray(u, dtype=float)
        d = self.J_u.rows
        out = np.empty(u.shape + (d, d))
        for i in np.ndindex(d, d):
            val = self._fn_entry(i)(u)
            out[(...,) + i] = np.broadcast_to(np.asarray(val, dtype=float), u.shape)
        return out

    def _fn_entry(self, ij):
        if ij not in self._entries:
            self._entries[ij] = sympy.lambdify([self.symbol], self.J_u[ij], modules="numpy")
        return self._entries[ij]

    def stable(self, u: np.ndarray) -> np.ndarray:
        """Boolean: the target is asymptotically stable at each value (numeric classification)."""
        J = self.jacobians(np.atleast_1d(u))
        ev = np.linalg.eigvals(J) if J.shape[-1] else np.zeros(J.shape[:-1], complex)
        tol = st.tolerance(J, self.rtol)
        return st.classify_many(ev, tol) == 0

    def negative(self, u: np.ndarray) -> np.ndarray:
        """Boolean: every eigenvalue has a negative real part (the open stable set itself).

        Bisection uses this rather than the classification, whose tolerance
        band around zero would shift the boundary by up to ``rtol * max|J|``.
        """
        ev = self.eigenvalues(u)
        return np.real(ev).max(axis=-1, initial=-np.inf) < 0

    def eigenvalues(self, u: np.ndarray) -> np.ndarray:
        return np.linalg.eigvals(self.jacobians(np.atleast_1d(u)))


@dataclass
class _Solved:
    """A stable set in the unknown, from either method, and how to pick the threshold."""

    problem: _Problem
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

    def pick(self):
        p = self.problem
        base = p.baseline
        stable_at_base = self.stable_at(base)
        if self.independent:
            return "independent", None, None, None, self.boundaries, stable_at_base
        thr = None
        if p.unknown == "strength":
            if stable_at_base:
                return "already stable", None, None, None, self.boundaries, True
            ups = [b for b in self.boundaries if b >= base and self.stable_at(self._right(b))]
            if not ups:
                return "never stable", None, None, None, self.boundaries, False
            thr = ups[0]
            status = "threshold"
        else:
            if not self.boundaries:
                return ("already stable" if stable_at_base else "never stable"), None, None, None, \
                    self.boundaries, stable_at_base
            thr = min(self.boundaries, key=lambda b: (abs(b - base), b))
            status = "crossing" if stable_at_base else "threshold"
        ex = self.exact_boundaries.get(thr)
        return status, float(thr), (None if ex is None else sympy.sstr(ex)), self.expressions.get(thr), \
            self.boundaries, stable_at_base

    def _right(self, b):
        nxt = [c for c in self.boundaries if c > b]
        end = nxt[0] if nxt else self.problem.hi
        return b + 0.5 * (end - b) if end > b else b


def _stable_labels(problem: _Problem, value: float) -> list[str]:
    a = analyze(problem.work, {problem.unknown: float(value)}, rtol=problem.rtol)
    return [p.label for p in a.stable]


# -- closed form ---------------------------------------------------------------

def _conjuncts(condition) -> list:
    if condition is sympy.true or condition is sympy.false:
        return [condition]
    if isinstance(condition, sympy.And):
        return list(condition.args)
    return [condition]


def _closed_form(p: _Problem, budget, notes) -> _Solved | None:
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
    direction = _describe(S_all, p.unknown)
    region = _region(S_all.intersect(rng))
    solved = _Solved(p, CLOSED_FORM, [float(b) for b in boundary_pts], {float(b): b for b in boundary_pts},
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
        solved.outside = f"{direction} (outside the range)"
    # closed-form expressions of the boundaries, other parameters symbolic
    for b in boundary_pts:
        expr = _boundary_expression(p, conj_full, b, budget)
        if expr is not None:
            solved.expressions[float(b)] = expr
    return solved


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


def _boundary_expression(p: _Problem, conj_full, b, budget) -> str | None:
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

def _bisection(p: _Problem, tol: float, grid: int, notes) -> _Solved:
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
    solved = _Solved(p, BISECTION, boundaries, {}, stable_at, direction, region, tolerance=max(width, tol))
    if not boundaries and not flags[0]:
        # Independent when the eigenvalues that fail (real part >= 0) are the same all along the range.
        ev = p.eigenvalues(u)
        failing = [np.sort_complex(e[np.real(e) >= -p.rtol * max(1.0, np.abs(e).max(initial=0))]) for e in ev]
        if all(len(f) == len(failing[0]) and np.allclose(f, failing[0], rtol=1e-12, atol=1e-12) for f in failing):
            solved.independent = True
            solved.failing = "its non-negative eigenvalues " + ", ".join(f"{complex(e).real:.6g}" for e in failing[0]) \
                + " stay the same over the range"
    return solved
