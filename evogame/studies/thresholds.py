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


from ..solvers import stability as st
from ..dynamics import chosen_dynamics, structural_parameters
from ..errors import AnalysisError, ScenarioError, did_you_mean
from ..util.formatting import number
from ..game import Game
from ..scenario import STRENGTH, Scenario, as_scenario
from ..engine.targets import InteriorTarget, TargetJacobian
from .mechanisms import apply
from .stability_regions import (BISECTION, CLOSED_FORM, NONE, Pick, StableSet, bisection, closed_form,
                                stable_labels)

__all__ = ["threshold", "ThresholdResult", "target_support"]

TOL = 1e-10
#: the target that names the strictly mixed rest point (when there is exactly one)
INTERIOR = "interior"
GRID = 401



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
    dynamics : the dynamics the target was classified under.
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
    dynamics: str = "replicator"

    def to_dict(self) -> dict:
        return {
            "scenario": self.scenario,
            "dynamics": self.dynamics,
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

    def _repr_html_(self) -> str:
        from ..render.notebook import threshold_html
        return threshold_html(self)

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


def _key(game: Game, support) -> str:
    return ".".join(pop.strategies[S[0]] for pop, S in zip(game.populations, support))


# -- the main function ---------------------------------------------------------

def threshold(subject: Scenario | Game, mechanisms: Sequence = (), *, target: str | None = None, param: str | None = None,
              range: tuple[float, float] | None = None, params: Mapping | None = None, method: str = "auto",
              budget: float | None = 10.0, rtol: float = st.RTOL, tol: float = TOL,
              grid: int = GRID, dynamics=None) -> ThresholdResult:
    """The strength (or parameter value) at which the target becomes asymptotically stable.

    Parameters
    ----------
    subject : the Scenario (or a bare Game, with Mechanism objects)
    mechanisms : mechanism names (or ``(name, strength)`` pairs); without
        ``param`` their common strength ``s`` is the unknown.
    target : pure profile key (default: the scenario's ``[game] target``), or
        ``"interior"``: the strictly mixed rest point (exactly one at the
        baseline value; found by bisection, its state moving with the unknown).
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
    dynamics : the dynamics (``"smith"``, ``"logit:eta=0.1"``...); default: the scenario's ``[dynamics]``,
        else the replicator.  Under logit and mutation the pure profiles are not rest points: only the
        target ``"interior"``.  Under a dynamics other than the replicator the stable set is found by
        bisection (a Nash dynamics adds the Nash condition; a kink is not classified as stable).

    Returns
    -------
    ThresholdResult
    """
    if method not in ("auto", CLOSED_FORM, BISECTION):
        raise ValueError(f"unknown method {method!r}")
    scenario = as_scenario(subject)
    scenario = scenario.with_game(scenario.game.with_values(**(params or {})))
    mech_names = [m if isinstance(m, str) else (m[0] if isinstance(m, tuple) else m.name) for m in mechanisms]
    work, unknown, baseline, lo, hi = _unknown(scenario, mechanisms, param, range)
    dynamics = chosen_dynamics(scenario, dynamics)
    notes: list[str] = [] if dynamics == "replicator" else [f"under the {dynamics} dynamics"]
    problem, key, method, grid = _target(scenario, work, target, unknown, (baseline, lo, hi), dynamics, method, grid,
                                         rtol, budget, notes)
    label = problem.label
    solved = _solve(problem, method, label, budget, tol, grid, notes)
    pick = solved.pick()
    below_at, above_at = _either_side(pick, lo, hi)
    what = (" + ".join(mech_names) if unknown == STRENGTH else unknown)
    subject = f"the strength of {what}" if unknown == STRENGTH else unknown
    if mechanisms and unknown != STRENGTH:
        notes.append("mechanisms applied at strength 1: " + ", ".join(mech_names))
    meaning = _meaning(pick.status, label, unknown, subject, what, pick.threshold, baseline, lo, hi, solved)
    return ThresholdResult(
        scenario=scenario.game.name, target=label, target_key=key, unknown=unknown,
        mechanisms=mech_names, baseline=baseline, range=(lo, hi), threshold=pick.threshold, exact=pick.exact,
        expression=pick.expression, method=NONE if pick.status == "independent" else solved.method,
        status=pick.status, direction=solved.direction, stable_region=solved.region, meaning=meaning,
        stable_below=stable_labels(problem, below_at), stable_above=stable_labels(problem, above_at),
        below_at=below_at, above_at=above_at,
        tolerance=0.0 if solved.method == CLOSED_FORM else solved.tolerance, notes=notes, dynamics=dynamics)


def _target(scenario, work, target, unknown, span, dynamics, method, grid, rtol, budget, notes):
    """The target as a problem along the unknown, its key, and the method and grid its dynamics allow."""
    baseline, lo, hi = span
    if target == INTERIOR:
        problem = InteriorTarget(work, unknown, baseline, lo, hi, rtol, budget, dynamics)
        if problem.grid_limit is not None and grid > problem.grid_limit:
            grid = problem.grid_limit
            notes.append(f"the rest points are found value by value: a {grid}-point grid")
        if method == CLOSED_FORM:
            raise AnalysisError("the target 'interior' moves with the unknown: no closed form, use bisection")
        notes.append(f"target 'interior': the strictly mixed rest point {problem.label}, followed in {unknown}; "
                     "near the switch its floating-point eigenvalues are classified by the tolerance rule (|Re| <= "
                     f"{rtol:g} x max(1, max|J_ij|) counts as zero), which can move the threshold by more than the "
                     "bisection tolerance")
        return problem, INTERIOR, BISECTION, grid
    support = target_support(scenario.with_game(work), target)
    problem = TargetJacobian(work, support, unknown, baseline, lo, hi, rtol, dynamics)
    if not problem.linear_only:
        if method == CLOSED_FORM:
            raise AnalysisError(f"no closed form under {dynamics}: the stable set has conditions beside the "
                                "Jacobian (Nash condition, kinks or positive payoffs); use bisection")
        method = BISECTION
        notes.append(f"under {dynamics} the target is classified by its Jacobian only where it is a rest "
                     "point with a Jacobian (and the dynamics is defined): bisection")
    return problem, _key(work, support), method, grid


def _unknown(scenario: Scenario, mechanisms, param, range) -> tuple[Game, str, float, float, float]:
    """The game whose target is examined, the unknown, its baseline value and the searched range."""
    file, game = scenario.file, scenario.game
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
    return work, unknown, baseline, lo, hi


def _solve(problem: TargetJacobian, method: str, label: str, budget, tol, grid, notes) -> StableSet:
    """The stable set: in closed form when asked or possible, else by bisection."""
    solved = None
    if method in ("auto", CLOSED_FORM):
        solved = closed_form(problem, budget, notes)
        if solved is None and method == CLOSED_FORM:
            raise AnalysisError("no closed form for the stability condition of " + label + "; "
                                + "; ".join(notes))
    return solved if solved is not None else bisection(problem, tol, grid, notes)


def _either_side(pick: Pick, lo: float, hi: float) -> tuple[float, float]:
    """Values just below and above the threshold (closer than any other switch); the range's ends without one."""
    if pick.threshold is None:
        return lo, hi
    thr = pick.threshold
    gaps = [abs(b - thr) for b in pick.boundaries if abs(b - thr) > 0]
    delta = min([1e-4 * max(1.0, hi - lo)] + [0.5 * g for g in gaps])
    return thr - delta, thr + delta


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


