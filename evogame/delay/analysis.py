"""The critical delay of every rest point of a game (``evogame analyze --delay``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping

from ..errors import ScenarioError
from ..game import game_of
from .critical import DelayStability, delay_stability
from .model import DelayedReplicator, delays_per_population

if TYPE_CHECKING:
    from ..analysis import Analysis

__all__ = ["DelayAnalysis", "RestPointDelay", "delay_analysis"]


@dataclass(frozen=True)
class RestPointDelay:
    """A rest point and how its stability depends on a common delay ``tau``."""

    label: str
    shares: list
    classification: str
    stability: DelayStability
    verdict: str | None

    def to_dict(self) -> dict:
        return {"label": self.label, "state": self.shares, "classification": self.classification,
                **self.stability.to_dict(), "verdict": self.verdict}


@dataclass(frozen=True)
class DelayAnalysis:
    """Critical delays of the rest points of the replicator with delayed payoffs.

    Attributes
    ----------
    delays : population name -> the delay asked about.
    tau : the common delay the verdicts are for (None when the populations' delays differ).
    points : one :class:`RestPointDelay` per rest point, in the analysis' order.
    """

    delays: dict
    tau: float | None
    points: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"model": "dx_i/dt = x_i(t) [f_i(x(t - tau)) - sum_j x_j(t) f_j(x(t - tau))]",
                "characteristic_equation": "det(lambda I - A0 - A1 exp(-lambda tau)) = 0",
                "delays": dict(self.delays), "tau": self.tau, "rest_points": [p.to_dict() for p in self.points]}


def delay_analysis(subject, analysis: "Analysis", delay, params: Mapping | None = None) -> DelayAnalysis:
    """``tau*`` (and ``omega*``) for every rest point of ``analysis``, and the verdict at the given delay.

    ``delay``: one number for every population or ``{population: tau}``; the
    critical delays are for a common delay of every population's payoffs.
    """
    game = game_of(subject)
    if analysis.dynamics != "replicator":
        raise ScenarioError(f"a delay is implemented for the replicator dynamics only, not {analysis.dynamics}",
                            argument="delay", expected="--dynamics replicator (or no delay)")
    delays = delays_per_population(game, delay)
    common = set(delays)
    tau = delays[0] if len(common) == 1 else None
    field_ = DelayedReplicator(game, [1.0] * len(delays), params)   # the linearisation does not depend on tau
    points = []
    for p in analysis.rest_points:
        A0, (A1,) = field_.linearisation(p.state)
        result = delay_stability(A0, A1, tol=analysis.rtol)
        verdict = None if tau is None else result.verdict(tau)
        points.append(RestPointDelay(p.label, p.shares, p.classification, result, verdict))
    return DelayAnalysis({pop.name: t for pop, t in zip(game.populations, delays)}, tau, points)

