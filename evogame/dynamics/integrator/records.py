"""Typed records passed between the integrator's pieces, and the result :class:`BatchSolution`.

Arrays inside a frozen record may still be updated in place by their owner
(the explicit loop freezes finished columns that way); what a frozen record
guarantees is that its fields are not rebound.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, NamedTuple

import numpy as np

#: Why a start leaves the explicit batch (``BatchSolution.reason``).
STIFF = "stiff"
MAX_STEPS = "max_steps"
COLLAPSED = "step size collapsed"
#: Appended to the reason of a start on which the Rosenbrock method gave up as well.
ROSENBROCK_GAVE_UP = ", then the Rosenbrock step size collapsed"


@dataclass(frozen=True, eq=False)
class BatchSolution:
    """What :func:`~evogame.dynamics.integrator.dopri5_batch` returns.

    Attributes
    ----------
    times : ``(T,)`` saved times.
    states : ``(B, T, d)`` states at the saved times.
    steps, rejected : ``(B,)`` accepted and rejected explicit steps per start.
    handed_over : ``(B,)`` bool, starts finished by an implicit solver.
    reason : per start, why it was handed over (``"stiff"``, ``"max_steps"``,
        ``"step size collapsed"``, with ``", then the Rosenbrock step size
        collapsed"`` appended when the Rosenbrock method gave up too), else ``""``.
    evaluations : number of (vectorised) right-hand-side calls of the explicit and
        Rosenbrock phases (those of scipy's solvers are not counted).
    iterations : number of batch iterations, explicit plus Rosenbrock.
    implicit_method : the implicit solver(s) used, ``""`` if none.
    implicit_steps : ``(B,)`` accepted Rosenbrock steps per start, or ``None``
        when no start went to the Rosenbrock method.
    """

    times: np.ndarray
    states: np.ndarray
    steps: np.ndarray
    rejected: np.ndarray
    handed_over: np.ndarray
    reason: list[str] = field(default_factory=list)
    evaluations: int = 0
    iterations: int = 0
    implicit_method: str = ""
    implicit_steps: np.ndarray | None = None

    @property
    def message(self) -> str:
        """One line: the explicit totals, or how many starts went to which implicit method and why."""
        n = int(self.handed_over.sum())
        if not n:
            return (f"explicit Dormand-Prince 5(4), per-start step control: {int(self.steps.sum())} steps, "
                    f"{int(self.rejected.sum())} rejected")
        kinds = sorted({r for r in self.reason if r})
        if n and not kinds:
            kinds = ["handed over"]
        return (f"explicit Dormand-Prince 5(4), per-start step control; {n} of {len(self.steps)} starts "
                f"({', '.join(kinds)}) finished with the {self.implicit_method} method")


@dataclass(frozen=True, eq=False)
class BatchProblem:
    """The initial-value problem and the options shared by every piece of the solver.

    Attributes
    ----------
    rhs : vectorised field ``(d, n) -> (d, n)``.
    into : ``into(Y, out, scale)`` writes ``scale * rhs(Y)`` (``scale`` ``(n,)`` or ``None``) into ``out``.
    jacobian : ``(d, n) -> (n, d, d)``, or ``None``.
    constrain : ``constrain(Y, starts)`` applied in place to accepted and saved states, or ``None``.
    times : ``(T,)`` saved times; ``times_padded`` is ``times`` followed by ``inf`` (a sentinel
        for "no saved time left"); ``t_end`` is ``times[-1]``.
    states : ``(B, T, d)`` output array, written as saved times are passed.
    rtol, atol : tolerances.
    max_steps, stiff_steps : see :func:`~evogame.dynamics.integrator.dopri5_batch`.
    """

    rhs: Callable[[np.ndarray], np.ndarray]
    into: Callable
    jacobian: Callable[[np.ndarray], np.ndarray] | None
    constrain: Callable[[np.ndarray, np.ndarray], None] | None
    times: np.ndarray
    times_padded: np.ndarray
    t_end: float
    states: np.ndarray
    rtol: float
    atol: float
    max_steps: int
    stiff_steps: int


@dataclass(frozen=True, eq=False)
class Departure:
    """Starts that leave a batch together, and where they are when they leave.

    Attributes
    ----------
    starts : ``(m,)`` indices of the starts (rows of ``y0``).
    t : ``(m,)`` times reached.
    y : ``(d, m)`` states there (one column per start).
    next_saved : ``(m,)`` index of the first saved time not yet written.
    reason : why they leave (:data:`STIFF`, :data:`MAX_STEPS`, :data:`COLLAPSED`).
    """

    starts: np.ndarray
    t: np.ndarray
    y: np.ndarray
    next_saved: np.ndarray
    reason: str = ""

    @property
    def size(self) -> int:
        return self.starts.size

    @classmethod
    def joined(cls, departures: list[Departure], reason: str = "") -> Departure:
        """All ``departures`` as one group, in order."""
        return cls(np.concatenate([g.starts for g in departures]), np.concatenate([g.t for g in departures]),
                   np.concatenate([g.y for g in departures], axis=-1),
                   np.concatenate([g.next_saved for g in departures]), reason)

    def part(self, lo: int, hi: int) -> Departure:
        """The starts ``lo:hi`` of the group (views, not copies)."""
        return Departure(self.starts[lo:hi], self.t[lo:hi], self.y[:, lo:hi], self.next_saved[lo:hi], self.reason)


@dataclass(frozen=True, eq=False)
class StepControl:
    """Per-column state of the step-size controller.

    Attributes
    ----------
    h : ``(n,)`` the step size to try next.
    cap : ``(n,)`` the largest growth factor allowed for it: the controller's
        maximum, or 1 right after a rejected step.
    """

    h: np.ndarray
    cap: np.ndarray


@dataclass(frozen=True, eq=False)
class StiffnessCounters:
    """Per-column counters of Hairer's stiffness test.

    Attributes
    ----------
    stiff : ``(n,)`` tests in a row with ``h |rho|`` above the threshold (accepted steps only).
    calm : ``(n,)`` tests in a row below it; six reset ``stiff``.
    watching : whether to run the test at every iteration: set when, at the
        last test, some column (live or frozen) had a non-zero ``stiff`` count.
    """

    stiff: np.ndarray
    calm: np.ndarray
    watching: bool = False

    def take(self, keep: np.ndarray) -> StiffnessCounters:
        """The counters of the columns ``keep`` (the flag is kept as it is)."""
        return StiffnessCounters(self.stiff[keep], self.calm[keep], self.watching)


class StepVerdict(NamedTuple):
    """The controller's decision on one explicit step attempt, per column."""

    accepted: np.ndarray    # (n,) bool: error norm < 1
    factor: np.ndarray      # (n,) the next step size is the step just tried times this


class ExplicitResult(NamedTuple):
    """What the explicit phase gives: its tallies, and the starts left for the implicit phase."""

    steps: np.ndarray         # (B,) accepted explicit steps per start
    rejected: np.ndarray      # (B,) rejected explicit steps per start
    departures: list          # of Departure, in the order the starts left
    iterations: int
    evaluations: int


class ImplicitResult(NamedTuple):
    """What the implicit phase adds to the solution."""

    method: str               # the implicit solver(s) used, "" if none
    steps: np.ndarray | None  # (B,) accepted Rosenbrock steps per start, None if it was not used
    iterations: int           # Rosenbrock batch iterations
    evaluations: int          # Rosenbrock field evaluations


class RosenbrockResult(NamedTuple):
    """What :func:`~evogame.dynamics.integrator.rosenbrock.rosenbrock_batch` returns."""

    failed: Departure         # starts on which the method gave up, where it left them
    steps: np.ndarray         # (B,) accepted Rosenbrock steps per start
    iterations: int
    evaluations: int
