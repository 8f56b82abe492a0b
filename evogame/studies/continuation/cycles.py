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
a linear interpolation in its note).  A turn of the parameter is a fold of cycles only where it is located with a
nontrivial multiplier at 1 (within ``1e-3``): else the cycle's note says the parameter turns there, and no kind.

The branch is **not followed blindly**; it stops, with the reason stated, where

* a share in use falls below ``FACE_SHARE`` somewhere on the orbit (the cycle reaches a face: under
  the replicator, the approach to a heteroclinic cycle on the boundary);
* the period exceeds ``PERIOD_GROWTH`` times the Hopf period while the orbit spends at least half of it
  below 5 % of its top speed (a period growing without bound because the orbit lingers near rest
  points: a homoclinic or heteroclinic approach; a long period alone is no sign, a large orbit is slow);
* the orbit comes back to another Hopf point of the same rest points: its amplitude below a tenth of the
  branch's largest, its parameter within 5 % (of the distance between the two Hopf points) of that point's, and
  the parameter turning (the step went over the orbit of zero amplitude, a branch point with the rest points:
  past it the same cycles come back) or the amplitude below ``1e-6``.  The branch ends with the Hopf point itself
  (the orbit of zero amplitude, period ``2 pi / omega``, multipliers ``exp(T lambda_i)``); the branch that would
  start there is the same one, and is not continued again;
* the orbit shrinks back to a rest point (amplitude below ``1e-6``), the parameter leaves the interval,
  the trivial multiplier is off 1 by more than ``MESH_TOL`` with 320 mesh intervals (the mesh is halved,
  from 40 intervals, each time it is off by more on a coarser one), or Newton fails down to the smallest step.

A **degenerate** Hopf point (``l1 = 0``) is not continued: for the replicator's three-strategy games it
is a centre with a first integral (Zeeman 1980; Hofbauer & Sigmund 1998, ch. 7) -- a continuum of closed
orbits at one parameter value, no isolated cycle branch; a note says so.
"""
from __future__ import annotations

import numpy as np

from .collocation import Collocation, Mesh, VectorField
from .cycle_tracer import JOINS, trace_cycles
# the result types, settings and thresholds live in cycle_types (the tracer needs them too: imports go one way,
# cycles -> cycle_tracer -> cycle_types); they stay importable from here
from .cycle_types import FACE_SHARE, LPC, MESH_TOL, NS, PD, PERIOD_GROWTH, Cycle, CycleBranch, CycleSettings
from .lyapunov import DEGENERATE
from ...solvers.continuation_system import face_of

__all__ = ["Cycle", "CycleBranch", "continue_cycles", "CycleSettings", "FACE_SHARE", "PERIOD_GROWTH", "MESH_TOL",
           "LPC", "PD", "NS"]

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
            if s.hopf.verdict != DEGENERATE and any(b.joins is s for b in branches):
                notes.append(f"the Hopf point at {continuation.parameter} = {s.parameter:.10g} (branch {s.branch}) "
                             "is where an earlier cycle branch ends: its cycles are that branch's, not continued "
                             "again")
            continue
        seen.append((s.parameter, s.state))
        if s.hopf.verdict == DEGENERATE:
            notes.append(_degenerate_note(s, continuation))
            continue
        branch = next(b for b in continuation.branches if b.index == s.branch)
        face = face_of(work, branch.support, invariant)
        # compiled only when a cycle branch starts (and scipy's sparse solvers imported, in the tracer): most
        # diagrams of the seed games have no Hopf point, and the two were a third of their first call
        field_ = field_ or VectorField(system)
        period = 2 * np.pi / s.hopf.omega
        coll = Collocation(field_, face, lo, hi - lo, period, mesh)
        # the other Hopf points of the same rest points, where the cycles may shrink back to the rest point
        joins = [o for o in branch.special if o.label == "H" and o.hopf is not None and o.hopf.verdict != DEGENERATE
                 and abs(o.parameter - s.parameter) > 1e-8 * max(1.0, abs(s.parameter))]
        cycles, end = trace_cycles(coll, s, work, names, settings, joins, continuation.parameter)
        cycle_branch = CycleBranch(len(branches) + 1, s.branch, s.parameter, s.hopf.l1, cycles, end)
        if end.startswith(JOINS):
            cycle_branch.joins = min(joins, key=lambda o: abs(o.parameter - cycles[-1].parameter))
            seen.append((cycle_branch.joins.parameter, cycle_branch.joins.state))
        branches.append(cycle_branch)
    return branches, notes


def _degenerate_note(s, continuation) -> str:
    where = f"the Hopf point at {continuation.parameter} = {s.parameter:.10g} (branch {s.branch})"
    if continuation.dynamics.split(":")[0] in ("replicator", "maynard_smith"):
        return (f"{where} is degenerate (l1 = 0): under the {continuation.dynamics.split(':')[0]} dynamics it is a "
                "centre with a first integral (Zeeman 1980), a continuum of closed orbits at that one value and no "
                "isolated limit cycle; no cycle branch is continued")
    return (f"{where} is degenerate (l1 = 0 within rounding): the first Lyapunov coefficient gives no isolated "
            "cycle branch to start; not continued")
