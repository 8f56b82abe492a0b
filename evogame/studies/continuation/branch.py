"""The results of a continuation: points, special points, branches (typed, with ``to_dict()``).

A :class:`Branch` is a curve of rest points on one face, as computed: its points in arc order (the
special points among them), the runs of one stability class (:meth:`Branch.segments`) and where it
ends.  A later cycle continuation starts from a :class:`SpecialPoint` of kind ``"Hopf"`` (its state,
parameter value, ``omega`` and eigenvector ``q``); a bifurcation figure draws :meth:`Branch.segments`
(solid where asymptotically stable) and labels the special points by :attr:`SpecialPoint.label`.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

import numpy as np

from ...solvers import stability as st
from ...util.formatting import number
from .text import WIDTH, note_lines, opening, origin_lines, section, state_text

__all__ = ["Point", "SpecialPoint", "Branch", "Segment", "Continuation", "snapped"]

#: the classes with a real part on the axis: at a branch's end they mark a bifurcation there, not a run
_ZERO = (st.NON_HYPERBOLIC, st.UNSTABLE_NON_HYPERBOLIC)


#: a coordinate within this of 0 or 1 is on the face there (round-off of a boundary point: printed as 0 / 1)
SNAP = 1e-12


def snapped(v) -> np.ndarray:
    """``v`` with every coordinate within ``SNAP`` of 0 or 1 set to it exactly (``-0`` to ``0``)."""
    v = np.array(v, dtype=float)
    v[np.abs(v) <= SNAP] = 0.0
    v[np.abs(v - 1.0) <= SNAP] = 1.0
    return v


def _floats(v) -> list[float]:
    return [float(x) for x in snapped(np.asarray(v, dtype=float).ravel())]


def _eigen(ev) -> list[list[float]]:
    return [[float(e.real), float(e.imag)] for e in np.asarray(ev, dtype=complex)]


@dataclass(frozen=True)
class Point:
    """One rest point of a branch: parameter value, state (reduced coordinates), eigenvalues, class.

    ``kind`` is ``""`` for a regular step, ``"start"``, ``"end"`` (an interval end), or the kind of
    the special point located there.  ``residual`` is ``max |F|`` there (a rest point: ~0).
    """

    parameter: float
    state: np.ndarray
    eigenvalues: np.ndarray
    classification: str
    tolerance: float
    residual: float
    kind: str = ""

    def to_dict(self) -> dict:
        return {"parameter": float(self.parameter), "state": _floats(self.state),
                "eigenvalues": _eigen(self.eigenvalues), "classification": self.classification,
                "tolerance": self.tolerance, "residual": self.residual, "kind": self.kind}


@dataclass
class SpecialPoint:
    """A located bifurcation point on a branch.

    Attributes
    ----------
    kind : ``"fold"``, ``"branch point"``, ``"exchange of stability"``, ``"boundary"`` or ``"Hopf"``.
    label : ``LP``, ``BP`` or ``H`` (the diagrams' labels).
    branch : the index of the branch it lies on.
    parameter : its value (float); ``exact`` the exact value where a closed form gives it, else None.
    point : the rest point there (state, eigenvalues, class).
    partners : the other branches that meet this one at the same parameter value (e.g. the branch of
        the larger face in an exchange of stability).
    hopf : for a Hopf point, the first Lyapunov coefficient (:class:`~.lyapunov.HopfCoefficient`).
    note : what else the reader should know (a failure to compute ``l1``, a degenerate crossing).
    """

    kind: str
    label: str
    branch: int
    parameter: float
    point: Point
    exact: str | None = None
    partners: list = field(default_factory=list)
    hopf: object = None
    note: str = ""

    @property
    def state(self) -> np.ndarray:
        return self.point.state

    def to_dict(self) -> dict:
        d = {"kind": self.kind, "label": self.label, "branch": self.branch, "parameter": float(self.parameter),
             "exact": self.exact, "state": _floats(self.point.state),
             "eigenvalues": _eigen(self.point.eigenvalues), "classification": self.point.classification,
             "partners": list(self.partners), "note": self.note}
        if self.hopf is not None:
            d.update(self.hopf.to_dict())
        return d

    def detail(self) -> str:
        """One short phrase for the text table."""
        if self.hopf is not None:
            h = self.hopf
            return f"omega {number(h.omega, 5)}, l1 {number(h.l1, 4)}: {h.verdict}"
        parts = [self.note] if self.note else []
        if self.partners:
            parts.append("meets branch " + ", ".join(str(p) for p in self.partners))
        return "; ".join(parts)


@dataclass(frozen=True)
class Segment:
    """A run of one stability class along a branch, between parameter values ``start`` and ``end``."""

    start: float
    end: float
    classification: str

    def to_dict(self) -> dict:
        return {"from": self.start, "to": self.end, "classification": self.classification}


@dataclass
class Branch:
    """A branch of rest points on one face (see the module docstring).

    Attributes
    ----------
    index : its number (from 1).
    face : the face it lies on, e.g. ``(loose, active)``; ``support`` the strategies in use.
    origin : where it was started (``"analyze at strength = 0: E3"``).
    points : in arc order; ``ends`` why each end stopped (``"interval end"``, ``"boundary"``, ...).
    special : its special points, in arc order.
    """

    index: int
    face: str
    support: tuple
    origin: str
    points: list
    ends: tuple
    special: list = field(default_factory=list)

    @property
    def parameters(self) -> np.ndarray:
        return np.array([p.parameter for p in self.points])

    @property
    def states(self) -> np.ndarray:
        return np.array([p.state for p in self.points])

    def segments(self) -> list[Segment]:
        """Runs of one class; a special point closes one run and opens the next at its parameter value."""
        runs: list[list] = []
        start, current = self.points[0].parameter, None
        ends = (self.points[0], self.points[-1]) if len(self.points) > 1 else ()
        for p in self.points:
            # an end exactly at a bifurcation (a zero real part) bounds the runs as a special point does
            if p.kind not in ("", "start", "end") or (any(p is e for e in ends) and p.classification in _ZERO):
                if current is not None:
                    runs.append([start, p.parameter, current])
                start, current = p.parameter, None
                continue
            if current is not None and p.classification != current:
                runs.append([start, p.parameter, current])
                start = p.parameter
            current = p.classification
            runs_end = p.parameter
        if current is not None:
            runs.append([start, runs_end, current])
        # a last step that lands within rounding of a bifurcation is classified there (non-hyperbolic): not a run
        span = abs(self.points[-1].parameter - self.points[0].parameter) or 1.0
        if len(runs) > 1:
            runs = [r for r in runs if abs(r[1] - r[0]) > 1e-6 * span] or runs
        merged: list[list] = []
        for r in runs:
            if merged and merged[-1][2] == r[2] and merged[-1][1] == r[0]:
                merged[-1][1] = r[1]
            else:
                merged.append(r)
        return [Segment(a, b, c) for a, b, c in merged]

    def classifications_at(self, value: float) -> list[str]:
        """The class of each of the branch's rest points at ``value`` (several past a fold), from its segments."""
        return [s.classification for s in self.segments()
                if min(s.start, s.end) < value < max(s.start, s.end)]

    def to_dict(self) -> dict:
        return {"index": self.index, "face": self.face, "support": [list(s) for s in self.support],
                "origin": self.origin, "ends": list(self.ends),
                "segments": [s.to_dict() for s in self.segments()],
                "special_points": [s.to_dict() for s in self.special],
                "points": [p.to_dict() for p in self.points]}


@dataclass
class Continuation:
    """The result of :func:`~evogame.studies.continuation.continue_rest_points`.

    Attributes
    ----------
    game : the game's name; ``dynamics`` as written; ``parameter`` the continued one (``strength``
        for mechanisms, listed in ``mechanisms``); ``interval`` ``(start, end)``.
    values : the other parameters' values.
    branches : every branch; ``notes`` what the reader should know.
    variables : the names of the reduced coordinates of ``Point.state``.
    work : the game continued (mechanisms applied: ``strength`` is then one of its parameters), and
        ``system`` its compiled field and derivatives (``ContinuationSystem``): what a
        continuation of the cycles born at the Hopf points starts from.  Not in ``to_dict()``.
    cycles : the branches of limit cycles born at the Hopf points (``CycleBranch``).
    """

    game: str
    dynamics: str
    parameter: str
    mechanisms: list
    interval: tuple
    values: dict
    variables: list
    branches: list
    notes: list
    work: object = field(default=None, repr=False, compare=False)
    system: object = field(default=None, repr=False, compare=False)
    #: the limit cycles born at the Hopf points (``CycleBranch``), when continued
    cycles: list = field(default_factory=list)

    @property
    def special_points(self) -> list[SpecialPoint]:
        """Every special point, by parameter value."""
        return sorted((s for b in self.branches for s in b.special), key=lambda s: (s.parameter, s.branch))

    def to_dict(self) -> dict:
        return {"game": self.game, "dynamics": self.dynamics, "parameter": self.parameter,
                "mechanisms": list(self.mechanisms), "interval": [float(v) for v in self.interval],
                "parameters": {k: float(v) for k, v in self.values.items()}, "variables": list(self.variables),
                "stability_rule": "eigenvalues of the Jacobian in reduced coordinates, classified as analyze "
                                  f"does (|Re| <= {st.RTOL:g} x max(1, max|J_ij|) counts as zero)",
                "branches": [b.to_dict() for b in self.branches],
                "special_points": [s.to_dict() for s in self.special_points],
                "cycles": [c.to_dict() for c in self.cycles], "notes": list(self.notes)}

    def to_dataframe(self):
        """One row per point of every branch (a pandas.DataFrame; the "dataframes" extra): ``branch``,
        ``face``, the parameter, one column per state variable, ``classification``, ``asymptotically_stable``
        and ``kind`` (the special point's kind, ``""`` for a regular step)."""
        from ...util.optional import require_pandas

        pd = require_pandas()
        rows = [{"branch": b.index, "face": b.face, self.parameter: p.parameter,
                 **dict(zip(self.variables, map(float, p.state))), "classification": p.classification,
                 "asymptotically_stable": p.classification == st.ASYMPTOTICALLY_STABLE, "kind": p.kind}
                for b in self.branches for p in b.points]
        return pd.DataFrame(rows, columns=["branch", "face", self.parameter, *self.variables, "classification",
                                           "asymptotically_stable", "kind"])

    def table(self) -> str:
        """Branches, their stability runs and the special points, as text (<= 100 columns)."""
        lo, hi = self.interval
        head = f"{self.game}: rest points continued in {self.parameter} from {number(lo)} to {number(hi)}"
        if self.mechanisms:
            head += f" (mechanisms: {', '.join(self.mechanisms)})"
        lines = opening(head, self.dynamics, "Branches")
        for b in self.branches:
            lines.append(f"{b.index}. {b.face}")
            lines += origin_lines(b.origin, b.ends)
            for s in b.segments():
                lines.append(f"     {self.parameter} {number(s.start)} .. {number(s.end)}: {s.classification}")
        rows = [["label", "branch", self.parameter, "exact", "state", "what"]]
        for s in self.special_points:
            rows.append([s.label, str(s.branch), number(s.parameter, 10), s.exact or "",
                         state_text(snapped(s.state)), (s.detail() if s.hopf is not None else
                                      s.kind + (": " + s.detail() if s.detail() else ""))[:44]])
        for c in self.cycles:
            for cyc in c.special:
                rows.append([cyc.kind, f"C{c.index}", number(cyc.parameter, 10), "", f"T = {number(cyc.period, 6)}",
                             cyc.note.split(":")[0][:44]])
        lines += section("Special points", rows)
        if self.cycles:
            lines += ["", "Limit cycles (from the Hopf points)", "-----------------------------------"]
            for c in self.cycles:
                lines += textwrap.wrap(c.summary(), WIDTH, subsequent_indent="     ")
        return "\n".join(lines + note_lines(self.notes))
