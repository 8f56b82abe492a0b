"""The implicit phase: finishing the starts that left the explicit batch.

Routing (:func:`finish_implicitly`):

* starts found stiff or past ``max_steps`` go, all together, to the batched
  Rodas3 Rosenbrock method (:mod:`~evogame.dynamics.integrator.rosenbrock`), in
  chunks of :data:`~evogame.dynamics.integrator.rosenbrock.ROS_CHUNK` starts, when a
  Jacobian is given;
* starts whose explicit step size collapsed, every handed-over start when
  there is no Jacobian, and the starts on which the Rosenbrock method gives
  up go one by one to ``scipy.integrate.solve_ivp`` with the requested
  method (:func:`implicit_solve`; LSODA by default, with the Jacobian if
  given and the method uses one).
"""
from __future__ import annotations

import numpy as np

from ...errors import AnalysisError
from .records import COLLAPSED, ROSENBROCK_GAVE_UP, BatchProblem, Departure, ImplicitResult
from .rosenbrock import ROS_CHUNK, ROS_NAME, rosenbrock_batch


def finish_implicitly(problem: BatchProblem, departures: list, reason: np.ndarray,
                      implicit_method: str) -> ImplicitResult:
    """Integrate the departed starts from where they left to the final time, writing ``problem.states``.

    Parameters
    ----------
    problem : the shared problem (field, Jacobian, constraint, times, output, tolerances).
    departures : :class:`~evogame.dynamics.integrator.records.Departure` groups, in the order they left.
    reason : ``(B,)`` object array of reasons per start; a start on which
        the Rosenbrock method gives up gets :data:`~evogame.dynamics.integrator.records.ROSENBROCK_GAVE_UP`
        appended (in place).
    implicit_method : ``solve_ivp`` method for the starts finished one by one.

    Returns
    -------
    ImplicitResult
    """
    batched = [g for g in departures if g.reason != COLLAPSED]
    lone = [g for g in departures if g.reason == COLLAPSED]
    if batched and problem.jacobian is None:      # Rosenbrock needs the Jacobian
        lone, batched = lone + batched, []
    result = ImplicitResult("", None, 0, 0)
    if batched:
        result = _rosenbrock_in_chunks(problem, Departure.joined(batched), reason, lone)
    method = result.method
    for group in lone:
        if implicit_method not in method:
            method = " and ".join(filter(None, [method, f"scipy {implicit_method}"]))
        _one_by_one(problem, group, implicit_method)
    return result._replace(method=method)


def _rosenbrock_in_chunks(problem: BatchProblem, group: Departure, reason: np.ndarray,
                          lone: list) -> ImplicitResult:
    """Rodas3 on ``group``, chunk by chunk; append the starts it gives up on to ``lone``."""
    B = problem.states.shape[0]
    steps = np.zeros(B, dtype=np.int64)
    iterations = evaluations = 0
    for lo in range(0, group.size, ROS_CHUNK):
        result = rosenbrock_batch(problem.rhs, problem.jacobian, group.part(lo, lo + ROS_CHUNK), problem.times,
                                  problem.states, rtol=problem.rtol, atol=problem.atol,
                                  constrain=problem.constrain)
        steps += result.steps
        iterations += result.iterations
        evaluations += result.evaluations
        if result.failed.size:
            failed = result.failed.starts
            reason[failed] = reason[failed] + ROSENBROCK_GAVE_UP
            lone.append(result.failed)
    return ImplicitResult(ROS_NAME, steps, iterations, evaluations)


def _one_by_one(problem: BatchProblem, group: Departure, method: str) -> None:
    """Finish every start of ``group`` on its own with :func:`implicit_solve`, then constrain its states."""
    states, times = problem.states, problem.times
    for j, start in enumerate(group.starts):
        k = int(group.next_saved[j])
        states[start, k:, :] = implicit_solve(problem.rhs, problem.jacobian, group.y[:, j], float(group.t[j]),
                                              times[k:], rtol=problem.rtol, atol=problem.atol, method=method,
                                              start=int(start))
        if problem.constrain is not None:
            block = np.ascontiguousarray(states[start, k:, :].T)
            problem.constrain(block, np.full(block.shape[1], start))
            states[start, k:, :] = block.T


def implicit_solve(rhs, jacobian, y0: np.ndarray, t0: float, times: np.ndarray, *, rtol: float, atol: float,
                   method: str = "LSODA", start: int | None = None) -> np.ndarray:
    """Integrate one start with ``scipy.integrate.solve_ivp`` and return its states at ``times``.

    Parameters
    ----------
    rhs : vectorised field ``(d, n) -> (d, n)`` (called with ``n = 1``).
    jacobian : ``(d, n) -> (n, d, d)``, passed to the methods that use one
        (Radau, BDF, LSODA), or ``None``.
    y0 : ``(d,)`` state at ``t0``.
    t0 : start time; ``times[0]`` may equal it or lie after it.
    times : saved times.
    rtol, atol : tolerances.
    method : any ``solve_ivp`` method.
    start : the start's index, for the error message.

    Returns
    -------
    ``(T, d)`` states (``y0`` repeated if ``times[-1] <= t0``).

    Raises
    ------
    AnalysisError
        When the solver fails, stops short, or returns non-finite values.
    """
    from scipy.integrate import solve_ivp      # lazy: scipy.integrate is slow to import

    d = y0.shape[0]

    def f(_t, y):
        return rhs(y.reshape(d, 1))[:, 0]

    options = {}
    if jacobian is not None and method in ("Radau", "BDF", "LSODA"):
        options["jac"] = lambda _t, y: jacobian(y.reshape(d, 1))[0]

    if times[-1] <= t0:
        return np.repeat(y0[None, :], len(times), axis=0)
    with np.errstate(all="ignore"):
        sol = solve_ivp(f, (t0, float(times[-1])), y0, method=method, t_eval=times, rtol=rtol, atol=atol,
                        **options)
    which = "" if start is None else f" from start {start}"
    if not sol.success or sol.y.shape[1] != len(times) or not np.all(np.isfinite(sol.y)):
        raise AnalysisError(f"integration failed{which} at t = {t0:g}: the explicit solver's step size "
                            f"collapsed and the implicit {method} solver failed too ({sol.message}); "
                            f"the vector field may not be finite there, or the parameters make the "
                            f"dynamics too stiff for the tolerances (rtol={rtol:g}, atol={atol:g})")
    return sol.y.T
