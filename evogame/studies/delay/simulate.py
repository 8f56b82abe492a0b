"""Evolution paths of the replicator dynamics with delayed payoffs, for many starts at once."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping

import numpy as np

from ...dynamics import chosen_dynamics, parse_dynamics
from ...errors import AnalysisError, ScenarioError
from ...game.model import game_of
from ...dynamics.simulation import SimplexConstraint, Simulation, as_initial_states, simulate
from .integrate import MAX_STEP, fixed_step, integrate_dde
from .model import DelayedReplicator, delays_per_population

if TYPE_CHECKING:
    from ...game.model import Game
    from ...scenario import Scenario

__all__ = ["DelayedSimulation", "simulate_delayed"]

#: the most steps a delayed simulation takes (about a minute and a half)
MAX_STEPS = 1_000_000


@dataclass(repr=False)   # the Simulation's short repr
class DelayedSimulation(Simulation):
    """Paths of the delayed replicator dynamics (:class:`~evogame.dynamics.simulation.Simulation` plus the delays).

    Attributes
    ----------
    delays : population name -> its delay ``tau_p``.
    step : the fixed step of the method of steps (0 when every delay is 0).
    history : ``"constant: initial state"``, ``"constant: given state"`` or ``"function"``.
    """

    delays: dict = field(default_factory=dict)
    step: float = 0.0
    history: str = "constant: initial state"

    def to_dict(self) -> dict:
        return {**super().to_dict(), "delays": dict(self.delays), "step": self.step, "history": self.history}


def simulate_delayed(subject: "Game | Scenario", initial_states, t_end: float, *, delay=None,
                     params: Mapping | None = None, n_points: int = 201, history=None,
                     step: float | None = None, dynamics=None) -> DelayedSimulation:
    """Integrate the replicator dynamics with payoffs seen ``tau`` time units late.

    ``dx_{p,i}/dt = x_{p,i}(t) [f_{p,i}(x(t - tau_p)) - sum_j x_{p,j}(t) f_{p,j}(x(t - tau_p))]``
    (:mod:`evogame.studies.delay.model`), by the method of steps with RK4 and a cubic
    Hermite continuous extension (:func:`evogame.studies.delay.integrate.integrate_dde`).
    With every delay 0 it is :func:`evogame.dynamics.simulation.simulate` itself.

    Parameters
    ----------
    subject : the Game (or a Scenario: its game, and its ``[delay]`` when ``delay`` is None).
    initial_states : ``(B, d)`` reduced coordinates, or per start one probability vector per population.
    t_end : final time (> 0).
    delay : one delay for every population, or ``{population: tau}``; default: the scenario's ``[delay]``.
    history : the state before ``t = 0``: None (constant, equal to the initial state), a constant
        state ``(d,)`` or ``(B, d)``, or a function ``s -> (B, d)`` for ``s < 0``.
    step : the fixed step (default: the largest ``tau_min / m`` <= 0.01).
    dynamics : must be the replicator (the only dynamics with a delayed form here).
    """
    game = game_of(subject)
    settings = getattr(subject, "delay", None)
    if delay is None and settings is not None:
        delay = settings.tau
        history = settings.history if history is None else history
    if delay is None:
        raise ScenarioError("no delay was given and the scenario has no [delay]", argument="delay",
                            expected="a delay such as 1, or POPULATION=TAU")
    name, _ = parse_dynamics(chosen_dynamics(subject, dynamics))
    if name != "replicator":
        raise ScenarioError(f"a delay is implemented for the replicator dynamics only, not {name}",
                            argument="delay", expected="the replicator dynamics (or no delay)")
    delays = delays_per_population(game, delay)
    named = {p.name: t for p, t in zip(game.populations, delays)}
    if not (np.isfinite(t_end) and t_end > 0):
        raise AnalysisError(f"t_end must be a positive number, got {t_end}")
    if not any(delays):
        plain = simulate(subject, initial_states, t_end, params=params, n_points=n_points, dynamics="replicator")
        return DelayedSimulation(plain.game, plain.times, plain.paths, plain.success, plain.message, plain.stats,
                                 plain.tolerances, delays=named, step=0.0)
    z0 = as_initial_states(game, initial_states)
    constraint = SimplexConstraint(game, np.clip(z0, 0.0, 1.0))
    z0 = constraint.snap(z0)
    B = z0.shape[0]
    field_ = DelayedReplicator(game, delays, params)
    times = np.linspace(0.0, float(t_end), int(n_points))
    past, label = _history(game, history, z0)
    h = fixed_step(field_.lags, MAX_STEP) if step is None else float(step)
    if not (0 < h <= min(field_.lags)):
        raise ScenarioError(f"the step {h:g} must be positive and at most the smallest delay {min(field_.lags):g}",
                            argument="step", expected="a step in (0, smallest delay]")
    if t_end / h > MAX_STEPS:
        raise ScenarioError(f"a delay of {min(field_.lags):g} over t_end = {t_end:g} needs {t_end / h:.3g} steps "
                            f"(the step is at most the smallest delay)", argument="delay",
                            expected=f"a delay of at least {t_end / MAX_STEPS:.3g}, or 0 for no delay")
    starts = np.arange(B)
    with np.errstate(over="ignore", invalid="ignore"):
        sol = integrate_dde(field_.rhs, z0.T, field_.lags, times, history=past, step=h,
                            constrain=lambda Y: constraint(Y, starts))
    paths = np.transpose(sol.states, (2, 0, 1))
    ok = bool(np.all(np.isfinite(paths)))
    message = (f"method of steps: RK4, fixed step {h:.6g}, cubic Hermite continuous extension; "
               f"history {label}")
    return DelayedSimulation(game, times, paths, ok, message if ok else "non-finite states: " + message,
                             {"steps": sol.steps},
                             {"method": f"method of steps, RK4 with fixed step {h:.6g} (no error control)"},
                             delays=named, step=h, history=label)


def _history(game, history, z0: np.ndarray) -> tuple[Callable, str]:
    """The history as ``s -> (d, B)`` and how it was given."""
    if history is None or (isinstance(history, str) and history == "constant"):
        return (lambda s: z0.T), "constant: initial state"
    if callable(history):
        return (lambda s: np.asarray(history(s), dtype=float).reshape(z0.shape).T), "function"
    try:
        past = as_initial_states(game, history)
    except AnalysisError as exc:
        raise ScenarioError(str(exc), argument="history") from None
    if past.shape[0] not in (1, z0.shape[0]):
        raise ScenarioError(f"{past.shape[0]} history states for {z0.shape[0]} starts", argument="history",
                            expected="one state, or one per start")
    block = np.broadcast_to(past, z0.shape).T.copy()
    return (lambda s: block), "constant: given state"
