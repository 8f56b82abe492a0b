"""The explicit phase: every start stepped with the Dormand--Prince pair, each with its own step size.

One batch iteration (:meth:`ExplicitBatch.advance`) tries one step on every
column at once: step times (:func:`~evogame.dynamics.integrator.stages.step_times`),
the seven stages (:func:`~evogame.dynamics.integrator.stages.dopri5_stages`), the
per-column verdict and step-size factor
(:func:`~evogame.dynamics.integrator.step_control.judge_step`), now and then
Hairer's stiffness test (:mod:`~evogame.dynamics.integrator.stiffness`), the
saved times passed (:func:`~evogame.dynamics.integrator.dense_output.save_dopri5`),
and the accepted columns move on.  A start leaves the batch when it reaches
the final time, or, as a :class:`~evogame.dynamics.integrator.records.Departure`
for the implicit phase, when it is found stiff, its step size collapses
or the iteration count reaches ``max_steps``.
"""
from __future__ import annotations

import numpy as np

from .records import COLLAPSED, MAX_STEPS, STIFF, BatchProblem, Departure, ExplicitResult, StepControl
from .stages import Workspace, dopri5_stages, step_times
from .step_control import MAX_FACTOR, initial_step, judge_step, next_control
from .stiffness import due_for_test, hairer_test, new_counters, stiff_columns
from .dense_output import save_dopri5

#: Compact the arrays only past this many columns (smaller batches are not worth the copies).
COMPACT_MIN_COLUMNS = 16


class ExplicitBatch:
    """The explicit phase's per-column state.

    Column ``j`` of every array holds the start ``idx[j]``.  A start that
    leaves is frozen in place (``live`` False, ``t = t_end``, zero step, no
    saved time left), which keeps it harmless in the vectorised step, and
    the arrays are compacted only when at most three quarters of their
    columns are live: cutting columns out at every departure would copy the
    whole work space each time.  A frozen column keeps its stiff count until
    compaction (its zero steps count as calm), so it can keep the stiffness
    test running at every iteration for a while.

    Attributes
    ----------
    problem : the shared :class:`~evogame.dynamics.integrator.records.BatchProblem`.
    idx, t, nxt, n_steps, live : ``(n,)`` start index, time, next saved
        index, accepted steps and whether the column is still integrated.
    F : ``(d, n)`` the field at the current states (``k_1`` of the next step);
        the states themselves are ``ws.W[0]``.
    control, stiffness : step-size controller and stiffness-test state.
    ws : the :class:`~evogame.dynamics.integrator.stages.Workspace`.
    steps, rejected : ``(B,)`` per start, filled when it leaves.
    departures : the :class:`~evogame.dynamics.integrator.records.Departure` groups so far.
    """

    __slots__ = ("problem", "idx", "t", "F", "nxt", "n_steps", "live", "n_live", "control", "stiffness", "ws",
                 "steps", "rejected", "departures", "iterations", "evaluations", "h_min")

    def __init__(self, problem: BatchProblem, y0: np.ndarray, first: int = 0):
        """The starts ``first, first + 1, ...`` with the initial states ``y0`` ``(n, d)``."""
        B, d = y0.shape
        t0, t_end = float(problem.times[0]), problem.t_end
        Y = np.ascontiguousarray(y0.T)
        self.problem = problem
        self.idx = np.arange(first, first + B)
        self.t = np.full(B, t0)
        self.F = np.ascontiguousarray(problem.rhs(Y), dtype=float)
        h = initial_step(problem.rhs, Y, self.F, t_end - t0, problem.rtol, problem.atol)
        self.evaluations = 2
        self.control = StepControl(h=h, cap=np.full(B, MAX_FACTOR))
        self.stiffness = new_counters(B)
        self.nxt = np.ones(B, dtype=np.int64)
        self.n_steps = np.zeros(B, dtype=np.int64)
        self.live = np.ones(B, dtype=bool)
        self.n_live = B
        self.iterations = 0
        self.steps = np.zeros(problem.states.shape[0], dtype=np.int64)
        self.rejected = np.zeros(problem.states.shape[0], dtype=np.int64)
        self.departures = []
        # a step below this is lost in the round-off of t: the step size has collapsed
        self.h_min = 10 * np.finfo(float).eps * max(abs(t0), abs(t_end), 1.0)
        self.ws = Workspace(d, B)
        self.ws.W[0] = Y

    def run(self) -> ExplicitResult:
        """Iterate until every start has finished or left; return the tallies and the departures."""
        with np.errstate(divide="ignore", over="ignore", invalid="ignore", under="ignore"):
            while self.n_live:
                n = self.idx.size
                if 4 * self.n_live <= 3 * n and n > COMPACT_MIN_COLUMNS:
                    self.compact()
                collapsed = self.control.h < self.h_min
                if collapsed.any():
                    collapsed &= self.live          # frozen columns have h = 0
                    if collapsed.any():
                        self.leave(np.nonzero(collapsed)[0], COLLAPSED)
                        continue
                self.advance()
        self.ws = None
        return ExplicitResult(self.steps, self.rejected, self.departures, self.iterations, self.evaluations)

    def advance(self) -> None:
        """One batch iteration: try a step on every column, keep the accepted ones, retire finished starts."""
        problem, ws = self.problem, self.ws
        self.iterations += 1
        last = step_times(ws, self.t, self.control.h, problem.t_end)
        dopri5_stages(problem.into, ws, self.F)
        self.evaluations += 6
        verdict = judge_step(ws, self.control.cap, problem.rtol, problem.atol)
        accepted = verdict.accepted
        self.n_steps += accepted
        if due_for_test(self.stiffness, self.iterations):
            self.stiffness = hairer_test(ws, accepted, self.stiffness)     # before constrain moves Y_new
        if problem.constrain is not None:
            problem.constrain(ws.Y_new, self.idx)
        save_dopri5(problem.states, problem.times_padded, self.idx, self.t, self.nxt, ws, accepted,
                    problem.constrain)
        np.copyto(ws.W[0], ws.Y_new, where=accepted)
        np.copyto(self.F, ws.F_new, where=accepted)       # first same as last: k_7 is the next k_1
        np.copyto(self.t, ws.t_new, where=accepted)
        self.control = next_control(ws.hs, verdict.factor, accepted, self.control.h)
        self.retire(accepted & last)

    def retire(self, finished: np.ndarray) -> None:
        """Let the finished starts go, then the stiff ones, then all if ``max_steps`` is reached."""
        problem = self.problem
        finished &= self.live
        if finished.any():
            cols = np.nonzero(finished)[0]
            problem.states[self.idx[cols], len(problem.times) - 1, :] = self.ws.W[0][:, cols].T
            self.leave(cols)
        if self.stiffness.watching:
            stiff = stiff_columns(self.stiffness, self.live, self.t, self.control.h, problem.t_end,
                                  problem.stiff_steps)
            if stiff.any():
                self.leave(np.nonzero(stiff)[0], STIFF)
        if self.iterations >= problem.max_steps and self.n_live:
            self.leave(np.nonzero(self.live)[0], MAX_STEPS)

    def leave(self, cols: np.ndarray, reason: str | None = None) -> None:
        """Record and freeze the columns ``cols``: finished (``reason`` None) or departing for the implicit phase."""
        starts = self.idx[cols]
        self.steps[starts] = self.n_steps[cols]
        self.rejected[starts] = self.iterations - self.n_steps[cols]     # every iteration tried one step
        if reason is not None:
            self.departures.append(Departure(starts, self.t[cols].copy(), self.ws.W[0][:, cols].copy(),
                                             self.nxt[cols].copy(), reason))
        self.live[cols] = False
        self.t[cols] = self.problem.t_end
        self.control.h[cols] = 0.0
        self.nxt[cols] = len(self.problem.times)
        self.n_live -= cols.size

    def compact(self) -> None:
        """Drop the frozen columns (a new, smaller work space)."""
        keep = np.nonzero(self.live)[0]
        self.idx, self.t, self.nxt, self.n_steps = self.idx[keep], self.t[keep], self.nxt[keep], self.n_steps[keep]
        self.control = StepControl(h=self.control.h[keep], cap=self.control.cap[keep])
        self.stiffness = self.stiffness.take(keep)
        self.F = self.F[:, keep]
        Y = self.ws.W[0][:, keep]
        self.ws = None                          # free the old work space before allocating the new one
        self.ws = Workspace(Y.shape[0], keep.size)
        self.ws.W[0] = Y
        self.live = np.ones(keep.size, dtype=bool)
