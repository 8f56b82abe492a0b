"""``continue_curves``: fold, Hopf and branch-point curves in two parameters, with codimension-two points.

The defining systems, the test functions and the tracing are in :mod:`.two_parameter`; this module
starts the curves (from the one-parameter continuation's folds, Hopf points and exchanges of stability,
or from points given for a plain field) and holds the typed results: ``Curve`` (its points and special
points, each a :class:`Codim2Point`, a :class:`~.branch.SpecialPoint` with the second parameter's value)
and :class:`CurveSet`, with ``to_dict()``, ``to_dataframe()`` and a text table.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...solvers import stability as st
from ...errors import ScenarioError, did_you_mean
from ...game.faces import face_label
from ...util.formatting import number
from ...solvers.arclength import Settings, at_parameter
from .branch import Point, SpecialPoint
from .events import BOUNDARY, BRANCH_POINT, EXCHANGE
from ...solvers.continuation_system import face_of
from .text import indented, note_lines, opening, origin_lines, section, state_text
from .two_parameter import (BRANCH, FOLD, HOPF, LABELS, DefiningCurve, TwoParameterSystem, follow, start_point,
                            whole_space)

__all__ = ["continue_curves", "curves_of_field", "Curve", "CurvePoint", "Codim2Point", "CurveSet"]

#: the curves' step control: fewer points than a branch (each point costs the test function's gradient)
SETTINGS = Settings(max_points=800)


def _floats(v) -> list[float]:
    return [0.0 if x == 0 else float(x) for x in np.asarray(v, dtype=float).ravel()]


def _eigen(ev) -> list[list[float]]:
    return [[float(e.real), float(e.imag)] for e in np.asarray(ev, dtype=complex)]


@dataclass(frozen=True)
class CurvePoint:
    """One point of a curve: both parameters, the state, the eigenvalues (and ``l1``, ``omega`` on a Hopf
    curve where the pair is imaginary; ``kind`` a codimension-two point's kind there).

    The eigenvalues are those of the face's Jacobian on a fold or Hopf curve, those of the whole Jacobian
    (along and across the face: one of the transverse ones is zero) on a branch-point curve."""

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
    """A fold (``LP``), Hopf (``H``) or branch-point (``BP``) curve in the plane of two parameters.

    Attributes
    ----------
    index : its number (from 1); ``kind`` ``"fold"``, ``"Hopf"`` or ``"branch point"``; ``label`` ``LP``,
        ``H`` or ``BP``.
    face : the face it lies on (of a branch point: the lower branch's); ``origin`` the special point it
        was started from.
    points : in arc order; ``ends`` why each end stopped; ``special`` its codimension-two points.
    also : the other faces whose branch-point curve is this same curve of the parameter plane (corners
        joined by an edge that is a continuum of rest points there, as in bimatrix games).
    """

    index: int
    kind: str
    label: str
    face: str
    origin: str
    points: list
    ends: tuple
    special: list = field(default_factory=list)
    also: list = field(default_factory=list)

    @property
    def first(self) -> np.ndarray:
        return np.array([p.first for p in self.points])

    @property
    def second(self) -> np.ndarray:
        return np.array([p.second for p in self.points])

    def to_dict(self) -> dict:
        return {"index": self.index, "kind": self.kind, "label": self.label, "face": self.face,
                "origin": self.origin, "ends": list(self.ends), "also": list(self.also),
                "special_points": [s.to_dict() for s in self.special], "points": [p.to_dict() for p in self.points]}


@dataclass
class CurveSet:
    """The result of :func:`continue_curves`: fold, Hopf and branch-point curves in two parameters.

    Attributes
    ----------
    game : the game's name; ``dynamics`` as written (``"plain field"`` for a normal form).
    parameters : ``(first, second)``, the names; ``intervals`` their ``(lo, hi)``.
    curves : every ``Curve`` (fold ``LP``, Hopf ``H`` or branch point ``BP``), each with its points and its
        codimension-two points (cusp ``CP``, Bogdanov-Takens ``BT``, Bautin ``GH``, zero-Hopf ``ZH``; on a
        branch-point curve, double exchange ``BP2``).
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
        lines = opening(f"{self.game}: fold, Hopf and branch-point curves in ({a}, {b}), {a} in "
                        f"[{number(a0)}, {number(a1)}], {b} in [{number(b0)}, {number(b1)}]", self.dynamics, "Curves")
        for c in self.curves:
            lines.append(f"{c.index}. {c.label} ({c.kind}) on {c.face}, {len(c.points)} points")
            lines += origin_lines(c.origin, c.ends)
            if c.also:
                lines += indented(f"also the branch-point curve of {'; '.join(c.also)}")
        rows = [["label", "curve", a, b, "state", "what"]]
        for s in self.special_points:
            rows.append([s.label, str(s.branch), number(s.parameter, 10), number(s.second, 10), state_text(s.state),
                         (s.kind + (": " + s.note if s.note else ""))[:40]])
        return "\n".join(lines + section("Codimension-two points", rows) + note_lines(self.notes))


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
            tol = st.tolerance(curve.face_jacobian(s.u) if curve.kind != BRANCH else
                               curve.system.derivatives(p.state, first, second)[1], rtol)
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
    """Trace one curve per start not on a curve already traced; a branch-point curve that is another face's
    branch-point curve of the parameter plane is listed once (:attr:`Curve.also`)."""
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
        curve = _built(d, len(curves) + 1, name, origin, steps, ends, rtol)
        same = next((c for c, o in zip(curves, defining) if kind == BRANCH == c.kind
                     and _same_locus(o, c, d, curve, settings)), None)
        if same is not None:
            same.also.append(name)
            for point in curve.special:      # its codimension-two points are the shared curve's (once)
                if not any(o.kind == point.kind and abs(o.parameter - point.parameter) <= 1e-8
                           and abs(o.second - point.second) <= 1e-8 for o in same.special):
                    point.branch, point.note = same.index, f"of {name}"
                    same.special.append(point)
            continue
        curves.append(curve)
        defining.append(d)
    return curves, notes


#: two branch-point curves are the same curve of the parameter plane when each point of one is at most this
#: far (scaled parameters) from the other
SAME_LOCUS = 1e-7


def _same_locus(d_old: DefiningCurve, old: Curve, d_new: DefiningCurve, new: Curve, settings: Settings) -> bool:
    """Whether two branch-point curves of different faces are one curve of the parameter plane (each point of
    either on the other; ``DefiningCurve.distance``)."""
    def inside(d, curve, other) -> bool:
        us = np.array([np.concatenate([d.face.coordinates(p.state), d.scaled(p.first, p.second)])
                       for p in curve.points])
        for p in other.points:
            target = d.scaled(p.first, p.second)
            k = int(np.argmin(np.max(np.abs(us[:, -2:] - target), axis=1)))
            near = np.max(np.abs(us[k, -2:] - target))
            if near > 4 * settings.max_step:
                return False
            # a traced point itself is on the curve (where the defining system may be singular: a crossing)
            if near > SAME_LOCUS and d.distance(us[k], target, settings) > SAME_LOCUS:
                return False
        return True
    return inside(d_old, old, new) and inside(d_new, new, old)


def _not_continued(run) -> list[str]:
    """Notes on the one-parameter run's branch points that start no curve."""
    return [f"BP of branch {s.branch} at {run.parameter} = {s.parameter:.10g} is a branch point of its face's own "
            "equations (two branches of one face cross), not an exchange of stability at a face's rest point: "
            "not continued" for s in run.special_points if s.kind == BRANCH_POINT]


def _jobs(run, second: str, value: float) -> list:
    """The curves to start from the one-parameter run: its folds and Hopf points, and its exchanges of
    stability as branch points of the lower branch (a boundary of a larger branch: the same event seen
    from above, started on the smaller face it reaches, so that ``_covered`` finds it traced)."""
    dyn = run.system.dynamics
    starts, crossings = [], []
    for s in run.special_points:
        branch = next(b for b in run.branches if b.index == s.branch)
        face = face_of(run.work, branch.support, dyn.faces_invariant)
        where = f"{s.label} of branch {s.branch} at {run.parameter} = {s.parameter:.10g}, {second} = {value:g}"
        if s.kind in (FOLD, HOPF):
            starts.append((s.kind, face, face_label(run.work, face.support), s.state, s.parameter, value, where))
        elif dyn.faces_invariant and s.kind in (EXCHANGE, BOUNDARY):
            face = face if s.kind == EXCHANGE else _lower_face(run.work, face, s.state)
            if face is not None:
                crossings.append((s.kind != EXCHANGE, (BRANCH, face, face_label(run.work, face.support), s.state,
                                                       s.parameter, value, where)))
    return starts + [job for _, job in sorted(crossings, key=lambda c: c[0])]


def _lower_face(game, face, state):
    """The face ``state`` lies on within ``face`` (its zero shares dropped), or None if it drops a population."""
    while True:
        zero = np.flatnonzero(face.shares(state) <= 1e-9)
        if not len(zero):
            return face
        support = face.without(int(zero[0]))
        if support is None:
            return None
        face = face_of(game, support, True)


def continue_curves(subject, first: str, first_interval, second: str, second_interval, *, mechanism=None,
                    strength=1, params=None, dynamics=None, rtol: float = st.RTOL,
                    settings: Settings | None = None, budget: float | None = 10.0) -> CurveSet:
    r"""Fold, Hopf and branch-point curves of a game in two parameters, from the one-parameter run's folds,
    Hopf points and exchanges of stability.

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
        met on them, and, where the dynamics keeps the faces invariant (the replicator), every branch-point
        curve (``BP``) through its exchanges of stability: the parameters where a rest point on a face (a
        corner, an edge point) has a transverse eigenvalue zero, continued on the face of that lower branch
        (see :mod:`evogame.studies.continuation.two_parameter`).  A boundary, where a larger branch leaves
        the state space, is the same event seen from the larger branch: its curve is the smaller face's.
        Branch-point curves of different faces that are one curve of the parameter plane (two corners
        joined by an edge of rest points there, as in bimatrix games) are listed once, the other faces in
        ``Curve.also`` (and its codimension-two points in the shared curve's).  A branch point of a face's
        own equations (two branches of one face crossing) starts no curve: a note says so.  On branch-point curves the
        double exchanges (``BP2``: a second transverse eigenvalue zero at the same rest point) are located.

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
    # the curves start from the rest points' special points: the limit cycles are not needed
    run = continue_rest_points(subject, first, first_interval, mechanism=mechanism, strength=strength,
                               params=params, dynamics=dynamics, rtol=rtol, budget=budget, cycles=False)
    system = TwoParameterSystem(run.system.dynamics, run.parameter, second, run.work.values())
    box = (tuple(map(float, run.interval)), (lo_b, hi_b))
    jobs = _jobs(run, second, value)
    curves, notes = _trace_all(system, box, jobs, rtol, settings or SETTINGS)
    notes += _not_continued(run)
    if not jobs:
        notes.append(f"the one-parameter run in {run.parameter} at {second} = {value:g} has no fold, no Hopf "
                     "point and no exchange of stability: no curve to continue")
    return CurveSet(run.game, run.dynamics, (run.parameter, second), box, curves, notes + list(run.notes),
                    list(run.variables))
