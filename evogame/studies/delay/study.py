"""What the delay figures need: paths below and above ``tau*``, and ``tau*`` along a parameter or strength."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np

from ...engine.analysis import analyze
from ...errors import AnalysisError, ScenarioError
from ...scenario import Scenario, as_scenario
from ...dynamics.simulation import as_initial_states
from ..mechanisms import apply
from .analysis import delay_analysis
from .simulate import DelayedSimulation, simulate_delayed

__all__ = ["DelayPaths", "CriticalDelayCurve", "delay_paths", "critical_delay_curve", "critical_point"]


@dataclass
class DelayPaths:
    """Paths of the delayed replicator at delays below and above a rest point's ``tau*``.

    Attributes
    ----------
    label, state : the rest point (reduced coordinates).
    tau_star, omega_star : its critical delay and the frequency there.
    delays : the delays drawn; simulations : one :class:`DelayedSimulation` per delay (same starts).
    """

    label: str
    state: np.ndarray
    tau_star: float
    omega_star: float
    delays: tuple
    simulations: list = field(repr=False)

    @property
    def game(self):
        return self.simulations[0].game

    def to_dict(self) -> dict:
        return {"rest_point": self.label, "state": self.state.tolist(), "tau_star": self.tau_star,
                "omega_star": self.omega_star, "delays": list(self.delays),
                "simulations": [s.to_dict() for s in self.simulations]}


@dataclass
class CriticalDelayCurve:
    """``tau*`` (and ``omega*``) of the game's rest points stable at ``tau = 0+``, along one swept value.

    ``tau_star[k]`` is the smallest critical delay at ``values[k]`` (NaN where no rest point is stable at
    ``tau = 0+`` or none loses stability through a delay).
    """

    name: str
    values: np.ndarray
    tau_star: np.ndarray
    omega_star: np.ndarray
    labels: list
    game_name: str = ""

    def to_dict(self) -> dict:
        clean = [None if not np.isfinite(v) else float(v) for v in self.tau_star]
        return {"name": self.name, "values": self.values.tolist(), "tau_star": clean,
                "omega_star": [None if not np.isfinite(v) else float(v) for v in self.omega_star],
                "rest_points": list(self.labels)}


def critical_point(subject, params: Mapping | None = None):
    """The rest point with the smallest positive ``tau*`` (stable at ``tau = 0+``): ``(RestPoint, DelayStability)``.

    None when no rest point loses stability through a delay.
    """
    analysis = analyze(subject, params, dynamics="replicator")
    result = delay_analysis(subject, analysis, 1.0, params)
    best = None
    for point, info in zip(analysis.rest_points, result.points):
        s = info.stability
        if s.tau_star is not None and s.tau_star > 0 and (best is None or s.tau_star < best[1].tau_star):
            best = (point, s)
    return best


def delay_paths(subject, *, factors: Sequence[float] = (0.5, 1.5), delays: Sequence[float] | None = None,
                initial=None, t_end: float | None = None, params: Mapping | None = None,
                n_points: int = 1201) -> DelayPaths:
    """Paths at ``tau = factor * tau*`` (or at the given ``delays``) of the rest point a delay destabilises first.

    Default start: the rest point moved a tenth of the way to the centre of the state space; default
    ``t_end``: 30 periods ``2 pi / omega*``.
    """
    found = critical_point(subject, params)
    if found is None:
        raise AnalysisError("no rest point of this game loses its stability through a delay (none is "
                            "stable at tau = 0+ with a Hopf crossing); the delay analysis lists every rest point")
    point, s = found
    game = as_scenario(subject).game
    if initial is None:
        centre = np.concatenate([np.full(p.n - 1, 1.0 / p.n) for p in game.populations])
        initial = point.state + 0.1 * (centre - point.state)
    starts = as_initial_states(game, initial)
    t_end = 30 * 2 * np.pi / s.omega_star if t_end is None else float(t_end)
    delays = tuple(float(f) * s.tau_star for f in factors) if delays is None else tuple(float(t) for t in delays)
    sims: list[DelayedSimulation] = [simulate_delayed(subject, starts, t_end, delay=tau, params=params,
                                                      n_points=n_points, dynamics="replicator") for tau in delays]
    return DelayPaths(point.label, point.state, s.tau_star, s.omega_star, delays, sims)


def critical_delay_curve(subject: Scenario, name: str, values, mechanisms: Sequence = (),
                         params: Mapping | None = None) -> CriticalDelayCurve:
    """``tau*`` along a parameter (mechanisms applied at strength 1) or along ``"strength"`` of ``mechanisms``."""
    scenario = as_scenario(subject)
    if name == "strength" and not mechanisms:
        raise ScenarioError("sweeping 'strength' needs a mechanism", argument="mechanisms")
    if name != "strength" and name not in scenario.game.parameters:
        raise ScenarioError(f"unknown parameter '{name}'", argument="param",
                            expected="a parameter, or 'strength' with a mechanism")
    values = np.asarray(values, dtype=float)
    taus, omegas, labels = np.full(len(values), np.nan), np.full(len(values), np.nan), []
    for k, v in enumerate(values):
        if name == "strength":
            work = apply(scenario, list(mechanisms), float(v))
        else:
            base = scenario.with_game(scenario.game.with_values(**{name: float(v)}))
            work = apply(base, list(mechanisms)) if mechanisms else base
        found = critical_point(work, params)
        labels.append(None if found is None else found[0].label)
        if found is not None:
            taus[k], omegas[k] = found[1].tau_star, found[1].omega_star
    return CriticalDelayCurve(name, values, taus, omegas, labels, scenario.game.name)
