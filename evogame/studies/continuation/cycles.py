"""Limit cycles continued from the Hopf points of a one-parameter continuation.

Method: **orthogonal collocation** (:mod:`.collocation`, as AUTO and MatCont), not shooting.  Why: a
game's dynamics has a small dimension and a field that sympy compiles to vectorised numpy, so one
Newton step is one evaluation of ``F`` and ``F_x`` at all collocation points and one dense linear solve
(a few milliseconds), with no integrator and its tolerances inside the Newton loop; the mesh values
converge like ``h^8``, and the monodromy matrix comes from the same collocated variational equation.
Shooting would integrate the variational equation (``d^2`` extra equations, a Python right-hand side)
at every Newton step, hundreds of times slower here, and loses accuracy where a multiplier is large.
The tests use an independent shooting method with ``scipy.integrate.solve_ivp`` as the baseline.

From a Hopf point with frequency ``omega`` and eigenvector ``q`` the branch starts on the orbit
``x* + eps Re(q e^(2 pi i t))`` of period ``2 pi / omega`` (the tangent of the cycle branch there), and
is followed by pseudo-arclength in ``(orbit, period, parameter)``.  At every accepted cycle are
reported the parameter, the period, each share's minimum and maximum over the orbit, and the Floquet
multipliers (:mod:`.floquet`: the trivial one identified, the stability from the others).  Along the
branch, folds of cycles (``LPC``), period doublings (``PD``) and Neimark-Sacker points (``NS``) are
detected between consecutive cycles and located there: regula falsi on the arclength with the collocation
solved at each trial, on the test function (the tangent's parameter component for LPC, ``prod (mu + 1)``
over the nontrivial multipliers for PD, ``prod (|mu|^2 - 1)`` over their complex pairs for NS); the located
cycle is inserted in the branch with its kind (where location fails, the next cycle carries the kind and
a linear interpolation in its note).

The branch is **not followed blindly**; it stops, with the reason stated, where

* a share in use falls below ``FACE_SHARE`` somewhere on the orbit (the cycle reaches a face: under
  the replicator, the approach to a heteroclinic cycle on the boundary);
* the period exceeds ``PERIOD_GROWTH`` times the Hopf period while the orbit spends at least half of it
  below 5 % of its top speed (a period growing without bound because the orbit lingers near rest
  points: a homoclinic or heteroclinic approach; a long period alone is no sign, a large orbit is slow);
* the orbit shrinks back to a rest point (another Hopf point), the parameter leaves the interval,
  the trivial multiplier is off 1 by more than ``MESH_TOL`` with 320 mesh intervals (the mesh is halved,
  from 40 intervals, each time it is off by more on a coarser one), or Newton fails down to the smallest step.

A **degenerate** Hopf point (``l1 = 0``) is not continued: for the replicator's three-strategy games it
is a centre with a first integral (Zeeman 1980; Hofbauer & Sigmund 1998, ch. 7) -- a continuum of closed
orbits at one parameter value, no isolated cycle branch; a note says so.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...util.formatting import number
from .collocation import Collocation, Mesh, VectorField
from .floquet import STABLE, Multipliers, multipliers
from .lyapunov import DEGENERATE
from ...solvers.continuation_system import face_of

__all__ = ["Cycle", "CycleBranch", "continue_cycles", "CycleSettings", "FACE_SHARE", "PERIOD_GROWTH"]

#: a share in use below this somewhere on the orbit: the cycle reaches a face
FACE_SHARE = 1e-4
#: a period beyond this multiple of the Hopf period: the period grows without bound
PERIOD_GROWTH = 10.0
#: the trivial multiplier farther than this from 1: the mesh no longer resolves the orbit
MESH_TOL = 1e-6
LPC, PD, NS = "LPC", "PD", "NS"


@dataclass(frozen=True)
class CycleSettings:
    """Step control of a cycle continuation (steps in the weighted norm of (orbit, period / T_Hopf, mu))."""

    first_step: float = 2e-3
    min_step: float = 1e-6
    max_step: float = 0.03
    max_cycles: int = 400
    max_iter: int = 10
    residual: float = 1e-10
    ntst: int = 40
    ncol: int = 4


@dataclass(frozen=True)
class Cycle:
    """One limit cycle of a branch.

    Attributes
    ----------
    parameter, period : the continued parameter's value and the period.
    shares : the names of the shares (``population:strategy``, every strategy of every population).
    minimum, maximum : each share's minimum and maximum over the orbit (the amplitude).
    floquet : the Floquet multipliers (:class:`~.floquet.Multipliers`), with the stability verdict.
    kind : ``""``, ``"start"``, ``"LPC"``, ``"PD"``, ``"NS"`` or ``"end"``; ``note`` what else to know.
    orbit : ``(n, d)`` the orbit in reduced coordinates at equally spaced times over one period.
    """

    parameter: float
    period: float
    shares: tuple
    minimum: np.ndarray
    maximum: np.ndarray
    floquet: Multipliers
    kind: str = ""
    note: str = ""
    orbit: np.ndarray = field(default=None, repr=False, compare=False)

    @property
    def stability(self) -> str:
        return self.floquet.stability

    def to_dict(self) -> dict:
        return {"parameter": float(self.parameter), "period": float(self.period), "kind": self.kind,
                "minimum": dict(zip(self.shares, map(float, self.minimum))),
                "maximum": dict(zip(self.shares, map(float, self.maximum))),
                **self.floquet.to_dict(), "note": self.note}


@dataclass
class CycleBranch:
    """The branch of limit cycles born at one Hopf point.

    Attributes
    ----------
    index : its number (from 1); ``hopf_branch`` the rest-point branch of its Hopf point, ``hopf_parameter``
        where it is born, ``l1`` the Hopf point's first Lyapunov coefficient.
    cycles : the cycles in arc order; ``special`` those of kind LPC / PD / NS.
    end : why the branch stops (see the module docstring).
    """

    index: int
    hopf_branch: int
    hopf_parameter: float
    l1: float
    cycles: list
    end: str

    @property
    def special(self) -> list:
        return [c for c in self.cycles if c.kind in (LPC, PD, NS)]

    def to_dict(self) -> dict:
        return {"index": self.index, "hopf_branch": self.hopf_branch, "hopf_parameter": float(self.hopf_parameter),
                "l1": float(self.l1), "end": self.end, "special": [c.to_dict() for c in self.special],
                "cycles": [c.to_dict() for c in self.cycles]}

    def to_dataframe(self):
        """One row per cycle (a pandas.DataFrame; the "dataframes" extra): parameter, period, classification
        (the Floquet verdict), asymptotically_stable, kind, the largest nontrivial multiplier's modulus, and
        each share's minimum and maximum."""
        from ...util.optional import require_pandas

        pd = require_pandas()
        rows = []
        for c in self.cycles:
            row = {"parameter": c.parameter, "period": c.period, "classification": c.stability,
                   "asymptotically_stable": c.stability == STABLE, "kind": c.kind,
                   "max_multiplier": float(np.max(np.abs(c.floquet.nontrivial), initial=0.0))}
            row.update({f"min {s}": float(v) for s, v in zip(c.shares, c.minimum)})
            row.update({f"max {s}": float(v) for s, v in zip(c.shares, c.maximum)})
            rows.append(row)
        return pd.DataFrame(rows)

    def summary(self) -> str:
        """One line for the text table."""
        last = self.cycles[-1] if self.cycles else None
        if last is None:
            return f"C{self.index}: from H at {number(self.hopf_parameter, 8)}: {self.end}"
        runs = sorted({c.stability for c in self.cycles}, key=[c.stability for c in self.cycles].index)
        return (f"C{self.index}: from H at {number(self.hopf_parameter, 8)} (branch {self.hopf_branch}) to "
                f"{number(last.parameter, 8)}, period {number(self.cycles[0].period, 6)} .. "
                f"{number(last.period, 6)}; {', '.join(runs)}; ends: {self.end}")


def continue_cycles(continuation, settings: CycleSettings | None = None) -> tuple[list, list]:
    """The cycle branch born at each Hopf point of ``continuation``: ``(branches, notes)``."""
    settings = settings or CycleSettings()
    system, work = continuation.system, continuation.work
    if system is None or work is None:
        return [], []
    field_, mesh = None, Mesh(settings.ntst, settings.ncol)
    names = tuple(f"{pop.name}:{s}" for pop in work.populations for s in pop.strategies)
    invariant = system.dynamics.faces_invariant
    lo, hi = (float(v) for v in continuation.interval)
    branches, notes, seen = [], [], []
    for s in continuation.special_points:
        if s.label != "H" or s.hopf is None:
            continue
        if any(abs(s.parameter - p) <= 1e-8 * max(1.0, abs(p)) and np.allclose(s.state, x, atol=1e-7)
               for p, x in seen):
            continue
        seen.append((s.parameter, s.state))
        if s.hopf.verdict == DEGENERATE:
            notes.append(_degenerate_note(s, continuation))
            continue
        branch = next(b for b in continuation.branches if b.index == s.branch)
        face = face_of(work, branch.support, invariant)
        # imported (scipy's sparse solvers) and compiled only when a cycle branch starts: most diagrams of the
        # seed games have no Hopf point, and the import and the compilation were a third of their first call
        from .cycle_tracer import trace_cycles

        field_ = field_ or VectorField(system)
        period = 2 * np.pi / s.hopf.omega
        coll = Collocation(field_, face, lo, hi - lo, period, mesh)
        cycles, end = trace_cycles(coll, s, work, names, settings)
        branches.append(CycleBranch(len(branches) + 1, s.branch, s.parameter, s.hopf.l1, cycles, end))
    return branches, notes


def _degenerate_note(s, continuation) -> str:
    where = f"the Hopf point at {continuation.parameter} = {s.parameter:.10g} (branch {s.branch})"
    if continuation.dynamics.split(":")[0] in ("replicator", "maynard_smith"):
        return (f"{where} is degenerate (l1 = 0): under the {continuation.dynamics.split(':')[0]} dynamics it is a "
                "centre with a first integral (Zeeman 1980), a continuum of closed orbits at that one value and no "
                "isolated limit cycle; no cycle branch is continued")
    return (f"{where} is degenerate (l1 = 0 within rounding): the first Lyapunov coefficient gives no isolated "
            "cycle branch to start; not continued")
