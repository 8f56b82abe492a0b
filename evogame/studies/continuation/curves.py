"""``continue_curves``: fold and Hopf curves in two parameters, with their codimension-two points.

The defining systems, the test functions and the tracing are in :mod:`.two_parameter`; this module
starts the curves (from the one-parameter continuation's folds and Hopf points, or from points given
for a plain field) and holds the typed results: ``Curve`` (its points and special points, each a
:class:`Codim2Point`, a :class:`~.branch.SpecialPoint` with the second parameter's value) and
:class:`CurveSet`, with ``to_dict()``, ``to_dataframe()`` and a text table.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

import numpy as np

from ...solvers import stability as st
from ...errors import ScenarioError, did_you_mean
from ...game.faces import face_label
from ...util.formatting import aligned, number
from ...solvers.arclength import Settings, at_parameter
from .branch import Point, SpecialPoint
from ...solvers.continuation_system import face_of
from .two_parameter import (FOLD, HOPF, LABELS, DefiningCurve, TwoParameterSystem, follow, start_point,
                            whole_space)

__all__ = ["continue_curves", "curves_of_field", "Curve", "CurvePoint", "Codim2Point", "CurveSet"]

#: the table's width
WIDTH = 100
#: the curves' step control: fewer points than a branch (each point costs the test function's gradient)
SETTINGS = Settings(max_points=800)


def _floats(v) -> list[float]:
    return [0.0 if x == 0 else float(x) for x in np.asarray(v, dtype=float).ravel()]


def _eigen(ev) -> list[list[float]]:
    return [[float(e.real), float(e.imag)] for e in np.asarray(ev, dtype=complex)]


@dataclass(frozen=True)
class CurvePoint:
    """One point of a fold or Hopf curve: both parameters, the state, the eigenvalues (and ``l1``, ``omega``
    on a Hopf curve where the pair is imaginary; ``kind`` a codimension-two point's kind there)."""

    first: float
    second: float
    state: np.ndarray
    eigenvalues: np.ndarray
    l1: float | None = None
    omega: float | None = None
    kind: str = ""

    def to_dict(self) -> dict:
        return {"first": self.first, "second": self.second, "state": _floats(self.state),
                "eigenvalues": _eigen(self.eigenvalues), "l1": self.l1, "omega": self.omega, "kind": self.kind}


@dataclass
class Codim2Point(SpecialPoint):
    """A codimension-two point on a curve: :class:`~.branch.SpecialPoint` (``parameter`` the first
    parameter's value, ``branch`` the curve's index) with ``second``, the second parameter's value."""

    second: float = 0.0

    def to_dict(self) -> dict:
        return {**super().to_dict(), "second": float(self.second)}


@dataclass
class Curve:
    """A fold (``LP``) or Hopf (``H``) curve in the plane of two parameters.

    Attributes
    ----------
    index : its number (from 1); ``kind`` ``"fold"`` or ``"Hopf"``; ``label`` ``LP`` or ``H``.
    face : the face it lies on; ``origin`` the special point it was started from.
    points : in arc order; ``ends`` why each end stopped; ``special`` its codimension-two points.
    """

    index: int
    kind: str
    label: str
    face: str
    origin: str
    points: list
    ends: tuple
    special: list = field(default_factory=list)

    @property
    def first(self) -> np.ndarray:
        return np.array([p.first for p in self.points])

    @property
    def second(self) -> np.ndarray:
        return np.array([p.second for p in self.points])

    def to_dict(self) -> dict:
        return {"index": self.index, "kind": self.kind, "label": self.label, "face": self.face,
                "origin": self.origin, "ends": list(self.ends), "special_points": [s.to_dict() for s in self.special],
                "points": [p.to_dict() for p in self.points]}


@dataclass
class CurveSet:
    """The result of :func:`continue_curves`: fold and Hopf curves in two parameters.

    Attributes
    ----------
    game : the game's name; ``dynamics`` as written (``"plain field"`` for a normal form).
    parameters : ``(first, second)``, the names; ``intervals`` their ``(lo, hi)``.
    curves : every ``Curve`` (fold ``LP`` or Hopf ``H``), each with its points and its
        codimension-two points (cusp ``CP``, Bogdanov-Takens ``BT``, Bautin ``GH``, zero-Hopf ``ZH``).
    notes : what the reader should know (starts not continued, the one-parameter run's notes).
    variables : the names of the state coordinates of the points.
    """

    game: str
    dynamics: str
    parameters: tuple
    intervals: tuple
    curves: list
    notes: list
    variables: list = field(default_factory=list)

    @property
    def special_points(self) -> list:
        return sorted((s for c in self.curves for s in c.special), key=lambda s: (s.parameter, s.second))

    def to_dict(self) -> dict:
        return {"game": self.game, "dynamics": self.dynamics, "parameters": list(self.parameters),
                "intervals": [[float(v) for v in i] for i in self.intervals], "variables": list(self.variables),
                "curves": [c.to_dict() for c in self.curves],
                "special_points": [s.to_dict() for s in self.special_points], "notes": list(self.notes)}

    def to_dataframe(self):
        """One row per point of every curve (pandas): ``curve``, ``kind``, both parameters, the state, ``l1``."""
        from ...util.optional import require_pandas

        pd = require_pandas()
        a, b = self.parameters
        rows = [{"curve": c.index, "kind": c.kind, a: p.first, b: p.second,
                 **dict(zip(self.variables, map(float, p.state))), "l1": p.l1, "special": p.kind}
                for c in self.curves for p in c.points]
        return pd.DataFrame(rows, columns=["curve", "kind", a, b, *self.variables, "l1", "special"])

    def table(self) -> str:
        """The curves and their codimension-two points, as text (<= 100 columns)."""
        (a, b), ((a0, a1), (b0, b1)) = self.parameters, self.intervals
        lines = [f"{self.game}: fold and Hopf curves in ({a}, {b}), {a} in [{number(a0)}, {number(a1)}], "
                 f"{b} in [{number(b0)}, {number(b1)}]", f"dynamics: {self.dynamics}", "", "Curves", "------"]
        for c in self.curves:
            lines.append(f"{c.index}. {c.label} ({c.kind}) on {c.face}, {len(c.points)} points")
            lines += textwrap.wrap(f"from {c.origin}; ends: {', '.join(c.ends)}", WIDTH,
                                   initial_indent="     ", subsequent_indent="     ")
        rows = [["label", "curve", a, b, "state", "what"]]
        for s in self.special_points:
            state = "(" + ", ".join(number(v, 4) for v in s.state) + ")"
            rows.append([s.label, str(s.branch), number(s.parameter, 10), number(s.second, 10), state[:24],
                         (s.kind + (": " + s.note if s.note else ""))[:40]])
        lines += ["", "Codimension-two points", "----------------------"]
        lines += aligned(rows) if len(rows) > 1 else ["none"]
        for n in self.notes:
            lines += textwrap.wrap(f"note: {n}", WIDTH, subsequent_indent="      ")
        return "\n".join(lines)


def _built(curve: DefiningCurve, index: int, face: str, origin: str, steps, ends, rtol: float) -> Curve:
    """A ``Curve`` from the traced steps."""
    points, special = [], []
    for s in steps:
        tests = s.info.get("tests") or curve.tests(s.u)
        hopf = tests.get("hopf")
        first, second = curve.parameters(s.u)
        kind = s.kind if s.kind not in ("start", "end") else ""
        p = CurvePoint(first, second, curve.state(s.u), np.sort_complex(tests["eigenvalues"]),
                       None if hopf is None else hopf.l1, None if hopf is None else hopf.omega, kind)
        points.append(p)
        if kind:
            ev = p.eigenvalues
            tol = st.tolerance(curve.face_jacobian(s.u), rtol)
            point = Point(first, p.state, ev, st.classify(ev, tol), tol,
                          float(np.max(np.abs(curve.full_residual(s.u)), initial=0.0)), kind)
            special.append(Codim2Point(kind, LABELS[kind], index, first, point, second=second))
    return Curve(index, curve.kind, LABELS[curve.kind], face, origin, points, ends, special)


def _covered(curves: list, defining: list, kind: str, face, u0, settings) -> bool:
    """Whether the start ``u0`` lies on a curve already traced (same kind and face)."""
    for c, d in zip(curves, defining):
        if c.kind != kind or d.face.support != face.support:
            continue
        us = np.array([np.concatenate([d.face.coordinates(p.state), d.scaled(p.first, p.second)])
                       for p in c.points])
        k = int(np.argmin(np.max(np.abs(us - u0), axis=1)))
        if np.max(np.abs(us[k] - u0)) > 4 * settings.max_step:
            continue
        guess = us[k].copy()
        u = at_parameter(d, guess, u0[-1], settings)
        if u is not None and np.max(np.abs(u - u0)) <= 1e-6:
            return True
    return False


def curves_of_field(field, first: str, first_interval, second: str, second_interval, starts, *,
                    rtol: float = st.RTOL, settings: Settings | None = None, name: str = "field") -> CurveSet:
    """Fold and Hopf curves of a plain field (a normal form) from given start points.

    Parameters
    ----------
    field : a :class:`~.two_parameter.PlainField` (sympy expressions in its variables and parameters).
    first, second : the parameters' names; ``first_interval``, ``second_interval`` their ``(lo, hi)``.
    starts : ``(kind, state, a, b)`` per curve: ``"fold"`` or ``"Hopf"``, a point near the curve.

    Returns
    -------
    CurveSet
    """
    settings = settings or SETTINGS
    system = TwoParameterSystem(field, first, second, {str(p): 0.0 for p in field.parameters})
    box = (tuple(map(float, first_interval)), tuple(map(float, second_interval)))
    face = whole_space(len(field.variables))
    jobs = [(kind, face, "the whole space", np.asarray(x, float), a, b, f"the start {kind} at ({a:g}, {b:g})")
            for kind, x, a, b in starts]
    curves, notes = _trace_all(system, box, jobs, rtol, settings)
    return CurveSet(name, "plain field", (first, second), box, curves, notes, [str(v) for v in field.variables])


def _trace_all(system, box, jobs, rtol, settings):
    """Trace one curve per start not on a curve already traced."""
    curves, defining, notes = [], [], []
    for kind, face, name, x, a, b, origin in jobs:
        d = DefiningCurve(system, face, kind, box)
        u0 = start_point(d, x, a, b, settings)
        if u0 is None:
            notes.append(f"{origin}: Newton on the defining system did not converge; not continued")
            continue
        if _covered(curves, defining, kind, face, u0, settings):
            continue
        try:
            steps, ends = follow(d, u0, settings)
        except np.linalg.LinAlgError:
            notes.append(f"{origin}: the defining system is singular there; not continued")
            continue
        curves.append(_built(d, len(curves) + 1, name, origin, steps, ends, rtol))
        defining.append(d)
    return curves, notes


def continue_curves(subject, first: str, first_interval, second: str, second_interval, *, mechanism=None,
                    strength=1, params=None, dynamics=None, rtol: float = st.RTOL,
                    settings: Settings | None = None, budget: float | None = 10.0) -> CurveSet:
    r"""Fold and Hopf curves of a game in two parameters, from the one-parameter run's folds and Hopf points.

    Parameters
    ----------
    subject : a Scenario (or a bare Game).
    first, first_interval : the parameter of the one-parameter run (``"strength"`` with ``mechanism``)
        and its ``(lo, hi)``.
    second, second_interval : the second parameter and its ``(lo, hi)``.  The one-parameter run is at
        the second parameter's value (``params``, else its default), or at ``lo`` when that value is not
        in the interval.
    mechanism, strength, params, dynamics, rtol, budget : as :func:`~evogame.continue_rest_points`.
    settings : step control of the curves (default ``SETTINGS``).

    Returns
    -------
    CurveSet
        Every fold (``LP``) and Hopf (``H``) curve through the one-parameter run's folds and Hopf points,
        with the cusp (``CP``), Bogdanov-Takens (``BT``), Bautin (``GH``) and zero-Hopf (``ZH``) points
        met on them (see :mod:`evogame.studies.continuation.two_parameter`).

    Raises
    ------
    ScenarioError
        An unknown second parameter, the same parameter twice, an empty interval.
    """
    from .study import continue_rest_points

    if second == first:
        raise ScenarioError(f"the two continued parameters are both '{first}'", argument="param",
                            expected="two different parameters")
    lo_b, hi_b = (float(v) for v in second_interval)
    if not (np.isfinite(lo_b) and np.isfinite(hi_b)) or lo_b == hi_b:
        raise ScenarioError(f"the interval [{lo_b:g}, {hi_b:g}] is empty or not finite", argument="param",
                            expected="two different finite numbers")
    game = getattr(subject, "game", subject)
    if second not in game.parameters:
        raise ScenarioError(f"unknown parameter '{second}'", argument="param",
                            expected="one of " + ", ".join(game.parameters),
                            suggestion=did_you_mean(second, game.parameters))
    params = dict(params or {})
    value = float(params.get(second, game.parameters[second].value if game.parameters[second].value is not None
                             else lo_b))
    if not min(lo_b, hi_b) <= value <= max(lo_b, hi_b):
        value = lo_b
    params[second] = value
    run = continue_rest_points(subject, first, first_interval, mechanism=mechanism, strength=strength,
                               params=params, dynamics=dynamics, rtol=rtol, budget=budget)
    dyn = run.system.dynamics
    system = TwoParameterSystem(dyn, run.parameter, second, run.work.values())
    box = (tuple(map(float, run.interval)), (lo_b, hi_b))
    jobs = []
    for s in run.special_points:
        if s.kind not in (FOLD, HOPF):
            continue
        branch = next(b for b in run.branches if b.index == s.branch)
        face = face_of(run.work, branch.support, dyn.faces_invariant)
        jobs.append((s.kind, face, face_label(run.work, face.support), s.state, s.parameter, value,
                     f"{s.label} of branch {s.branch} at {run.parameter} = {s.parameter:.10g}, {second} = {value:g}"))
    curves, notes = _trace_all(system, box, jobs, rtol, settings or SETTINGS)
    if not jobs:
        notes.append(f"the one-parameter run in {run.parameter} at {second} = {value:g} has no fold and no Hopf "
                     "point: no curve to continue")
    return CurveSet(run.game, run.dynamics, (run.parameter, second), box, curves, notes + list(run.notes),
                    list(run.variables))
