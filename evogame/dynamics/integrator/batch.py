"""``dopri5_batch``: the explicit phase, then the implicit phase, assembled into a :class:`BatchSolution`."""
from __future__ import annotations

import mmap
from typing import Callable

import numpy as np

from .dopri5 import ExplicitBatch
from .handover import finish_implicitly
from .records import BatchProblem, BatchSolution, ExplicitResult
from .stages import field_writer


def dopri5_batch(rhs: Callable[[np.ndarray], np.ndarray], y0: np.ndarray, times: np.ndarray, *,
                 rtol: float = 1e-8, atol: float = 1e-10,
                 constrain: Callable[[np.ndarray, np.ndarray], None] | None = None,
                 jacobian: Callable[[np.ndarray], np.ndarray] | None = None,
                 max_steps: int = 100_000, stiff_steps: int = 20,
                 implicit_method: str = "LSODA", out: np.ndarray | None = None) -> BatchSolution:
    """Integrate ``dy/dt = rhs(y)`` from every row of ``y0`` on ``[times[0], times[-1]]``.

    Every start is stepped with the Dormand--Prince 5(4) pair under its own
    step-size control; starts found stiff (Hairer's test) or past
    ``max_steps`` are finished with the batched Rodas3 Rosenbrock method
    when ``jacobian`` is given, and starts whose step size collapses (or
    all handed-over starts, without a Jacobian, or those on which Rodas3
    gives up) one by one with scipy's ``implicit_method``.  See
    :mod:`evogame.dynamics.integrator` for the maths.

    Parameters
    ----------
    rhs : vectorised right-hand side, ``(d, n) -> (d, n)`` (one column per
        state; component-major so each component is a contiguous row).  If it
        has an attribute ``into``, ``rhs.into(Y, out, scale)`` must write
        ``scale * rhs(Y)`` (``scale`` ``(n,)`` or ``None`` for 1) into ``out``;
        the stages then need no temporary arrays.
    y0 : ``(B, d)`` initial states at ``times[0]``.
    times : ``(T,)`` increasing saved times, ``T >= 2``.
    rtol, atol : tolerances, as in ``solve_ivp``.
    constrain : optional ``constrain(Y, starts)`` applied in place to every
        accepted state and every saved state (``Y`` is ``(d, n)``, ``starts``
        the ``(n,)`` indices of the columns' starts), e.g. a projection onto
        an invariant set.
    jacobian : ``(d, n) -> (n, d, d)``, for the implicit methods.
    max_steps : batch iterations of the explicit phase (each tries one step
        per start) before every remaining start is handed over.
    stiff_steps : a start found stiff is handed over only if finishing
        explicitly would take more than this many further steps.
    implicit_method : ``solve_ivp`` method for the starts finished one by one.
    out : optional preallocated ``(B, T, d)`` output array.

    Returns
    -------
    BatchSolution

    Raises
    ------
    AnalysisError
        When a start finished one by one fails in scipy too.

    Notes
    -----
    Memory: besides the output array, the work space is ``O(B d)`` (the
    block of seven stage derivatives per column, see
    :class:`~evogame.dynamics.integrator.stages.Workspace`), independent of the
    number of saved times; the Rosenbrock phase adds ``O(m d^2)`` for at
    most 2048 starts at a time.
    """
    y0 = np.asarray(y0, dtype=float)
    times = np.asarray(times, dtype=float)
    B, d = y0.shape
    states = output_array((B, len(times), d)) if out is None else out
    states[:, 0, :] = y0
    if B == 0 or d == 0:
        states[:] = y0[:, None, :]
        return BatchSolution(times, states, np.zeros(B, dtype=np.int64), np.zeros(B, dtype=np.int64),
                             np.zeros(B, dtype=bool), [""] * B)
    problem = BatchProblem(rhs=rhs, into=field_writer(rhs), jacobian=jacobian, constrain=constrain, times=times,
                           times_padded=np.append(times, np.inf), t_end=float(times[-1]), states=states,
                           rtol=rtol, atol=atol, max_steps=max_steps, stiff_steps=stiff_steps)
    explicit = _explicit_in_blocks(problem, y0)
    reason = np.full(B, "", dtype=object)
    handed = np.zeros(B, dtype=bool)
    for group in explicit.departures:
        reason[group.starts] = group.reason
        handed[group.starts] = True
    implicit = finish_implicitly(problem, explicit.departures, reason, implicit_method)
    return BatchSolution(times, states, explicit.steps, explicit.rejected, handed, reason.tolist(),
                         explicit.evaluations + implicit.evaluations, explicit.iterations + implicit.iterations,
                         implicit.method, implicit.steps)


#: Numbers per work array (starts x dimension) of one block of the explicit phase, at most.  Starts are
#: independent, so a large batch is stepped in blocks: each work array stays in cache, and the stage
#: products stay below the size at which OpenBLAS runs them on several threads (which, on a shared
#: machine, made 30k starts cost 2.5x the CPU time of one thread).
BLOCK_ELEMENTS = 32768


def _explicit_in_blocks(problem: BatchProblem, y0: np.ndarray) -> ExplicitResult:
    """The explicit phase on consecutive, equal blocks of starts (:data:`BLOCK_ELEMENTS`); the tallies joined."""
    B, d = y0.shape
    blocks = -(-B * d // BLOCK_ELEMENTS)
    size = -(-B // blocks)                  # equal blocks: a small last block costs as many iterations
    steps, rejected = np.zeros(B, dtype=np.int64), np.zeros(B, dtype=np.int64)
    departures, iterations, evaluations = [], 0, 0
    for lo in range(0, B, size):
        part = ExplicitBatch(problem, y0[lo:lo + size], first=lo).run()
        steps += part.steps
        rejected += part.rejected
        departures += part.departures
        iterations += part.iterations
        evaluations += part.evaluations
    return ExplicitResult(steps, rejected, departures, iterations, evaluations)


#: Outputs of at least this many bytes are mapped without numpy's huge-page advice (:func:`output_array`).
PLAIN_PAGES_BYTES = 4 << 20


def output_array(shape: tuple) -> np.ndarray:
    """An uninitialised float array for the saved states, in ordinary 4 KiB pages when it is large.

    numpy asks the kernel for transparent huge pages on every array of 4 MiB or more; where the kernel
    then compacts memory on the first touch of each 2 MiB page (``defrag=madvise``, a common default),
    the scattered first writes of the saved states became the batch's largest cost in a process that
    had held other large arrays: 10,000 starts of game 2 took 0.82 s of CPU instead of 0.38 s, 100,000
    starts 4.8 s instead of 3.7 s.  A private anonymous ``mmap`` gets plain pages; on Linux they are
    populated in one call (``MAP_POPULATE``: 12 ms for 48 MB, against 19 ms faulted in one by one, and
    11 ms in huge pages when the kernel has them free).
    """
    nbytes = int(np.prod(shape)) * 8
    if nbytes < PLAIN_PAGES_BYTES:
        return np.empty(shape)
    if hasattr(mmap, "MAP_PRIVATE") and hasattr(mmap, "MAP_ANONYMOUS"):
        flags = mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | getattr(mmap, "MAP_POPULATE", 0)
        memory = mmap.mmap(-1, nbytes, flags=flags)
    else:                                           # Windows: an anonymous mapping of the paging file
        memory = mmap.mmap(-1, nbytes)
    return np.frombuffer(memory, dtype=np.float64).reshape(shape)
