"""Hairer's stiffness test, per start, and the choice of the starts handed to the implicit method.

The test (Hairer & Wanner, *Solving ODEs II*, IV.2, as in their DOPRI5 code)
estimates ``h`` times the dominant eigenvalue of the Jacobian from the last
two stages of an accepted step, which are both evaluated at ``t_n + h``
(``c_6 = c_7 = 1``)::

    h |rho| ~ h ||k_7 - k_6|| / ||y_{n+1} - g_6||,

``g_6`` the 6th stage state.  A step size held at the edge of the explicit
method's stability region (about ``-3.3`` on the negative real axis) keeps
``h |rho|`` near that edge however smooth the solution: the explicit
method is then working for stability, not accuracy.  Counting as in DOPRI5:
a tested, accepted step with ``h |rho|`` above :data:`STIFF_RATIO` adds one
to the start's stiff count and resets its calm count; any other tested,
accepted step adds one to the calm count, and :data:`CALM_RESET` calm
steps in a row reset the stiff count; rejected steps change neither.
Thresholds: ``h |rho| > 2`` for 10 counts, earlier than DOPRI5's 3.25 and 15.

As in DOPRI5 (every NSTIFF-th accepted step there), the test does not run
at every step: every :data:`TEST_PERIOD`-th batch iteration, and at every
iteration while some column's stiff count is non-zero.  A start whose count reaches
:data:`STIFF_COUNT` is handed over if finishing explicitly at the current
step size would take more than ``stiff_steps`` further steps.
"""
from __future__ import annotations

import numpy as np

from .records import StiffnessCounters
from .stages import Workspace
from .step_control import rms

STIFF_RATIO = 2.0      # h |rho| beyond this counts as stiff (DOPRI5: 3.25)
STIFF_COUNT = 10       # stiff counts before a hand-over (DOPRI5: 15)
CALM_RESET = 6         # calm tests in a row that reset the stiff count (as DOPRI5)
TEST_PERIOD = 8        # the test runs every this many batch iterations unless a count is running


def new_counters(n: int) -> StiffnessCounters:
    """Zero counts for ``n`` columns; not watching."""
    return StiffnessCounters(np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64), False)


def due_for_test(counters: StiffnessCounters, iteration: int) -> bool:
    """Whether the test runs at this batch iteration (numbered from 1)."""
    return counters.watching or iteration % TEST_PERIOD == 0


def stiffness_estimate(ws: Workspace) -> np.ndarray:
    """``h |rho| = ||h k_7 - h k_6|| / ||y_{n+1} - g_6||`` per column (0 where the two states coincide).

    For a linear field ``f(y) = A y`` this is ``h ||A v|| / ||v||`` with
    ``v = y_{n+1} - g_6``: ``h |lambda|`` when ``v`` is an eigenvector.
    """
    num = rms(ws.W[7] - ws.W[6])
    den = rms(ws.Y_new - ws.stage)
    return np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)     # den = 0: nothing moves


def hairer_test(ws: Workspace, accepted: np.ndarray, counters: StiffnessCounters) -> StiffnessCounters:
    """Update the counts from the step just taken (before ``ws.Y_new`` is constrained).

    Parameters
    ----------
    ws : the workspace after :func:`~evogame.dynamics.integrator.stages.dopri5_stages`:
        ``W[6]``, ``W[7]`` hold ``h k_6``, ``h k_7``; ``stage`` the 6th stage state.
    accepted : ``(n,)`` bool, the controller's verdict.
    counters : the counts before this step.

    Returns
    -------
    StiffnessCounters
        The new counts; ``watching`` is whether any column's stiff count is non-zero.
    """
    stiffish = accepted & (stiffness_estimate(ws) > STIFF_RATIO)
    calm = accepted & ~stiffish
    stiff, quiet = counters.stiff, counters.calm
    stiff = np.where(stiffish, stiff + 1, np.where(calm & (quiet + 1 >= CALM_RESET), 0, stiff))
    quiet = np.where(stiffish, 0, np.where(calm, quiet + 1, quiet))
    return StiffnessCounters(stiff, quiet, bool(stiff.any()))


def stiff_columns(counters: StiffnessCounters, live: np.ndarray, t: np.ndarray, h: np.ndarray, t_end: float,
                  stiff_steps: int) -> np.ndarray:
    """``(n,)`` bool: live columns found stiff that would need more than ``stiff_steps`` further steps."""
    return live & (counters.stiff >= STIFF_COUNT) & ((t_end - t) > stiff_steps * h)
