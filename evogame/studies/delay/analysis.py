"""The critical delay of every rest point of a game (``evogame analyze --delay``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping

import numpy as np

from ...errors import ScenarioError
from ...game.model import game_of
from .critical import DelayStability, delay_stability
from .model import DelayedReplicator, delays_per_population
from .spectrum import spectral_abscissa

if TYPE_CHECKING:
    from ...engine.analysis import Analysis

__all__ = ["DelayAnalysis", "RestPointDelay", "delay_analysis"]

#: a spectral abscissa within this (relative) distance of 0 decides nothing
SPECTRAL_TOL = 1e-8


@dataclass(frozen=True)
class RestPointDelay:
    """A rest point, how its stability depends on a common delay ``tau``, and its verdict at the delays asked.

    ``abscissa`` is the largest real part of the characteristic roots at those delays, from the
    pseudospectral discretisation (:mod:`evogame.studies.delay.spectrum`), when the populations' delays differ.
    """

    label: str
    shares: list
    classification: str
    stability: DelayStability
    verdict: str
    abscissa: float | None = None

    def to_dict(self) -> dict:
        return {"label": self.label, "state": self.shares, "classification": self.classification,
                **self.stability.to_dict(), "verdict": self.verdict, "spectral_abscissa": self.abscissa}


@dataclass(frozen=True)
class DelayAnalysis:
    """Critical delays of the rest points of the replicator with delayed payoffs.

    Attributes
    ----------
    delays : population name -> the delay asked about.
    tau : the common delay of every population (None when the populations' delays differ: the verdicts
        then come from the rightmost characteristic roots at those delays).
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
    critical delays are for a common delay of every population's payoffs.  With a
    common delay the verdict counts the crossings (:class:`DelayStability`); with
    different delays it is the sign of the spectral abscissa at those delays.
    """
    game = game_of(subject)
    if analysis.dynamics != "replicator":
        raise ScenarioError(f"a delay is implemented for the replicator dynamics only, not {analysis.dynamics}",
                            argument="delay", expected="the replicator dynamics (or no delay)")
    delays = delays_per_population(game, delay)
    common = set(delays)
    tau = delays[0] if len(common) == 1 else None
    field_ = DelayedReplicator(game, [1.0] * len(delays), params)   # the linearisation does not depend on tau
    given = DelayedReplicator(game, delays, params) if tau is None else None
    points = []
    for p in analysis.rest_points:
        A0, (A1,) = field_.linearisation(p.state)
        result = delay_stability(A0, A1, tol=analysis.rtol)
        if given is None:
            points.append(RestPointDelay(p.label, p.shares, p.classification, result, result.verdict(tau)))
            continue
        B0, blocks = given.linearisation(p.state)
        abscissa = spectral_abscissa(B0, list(zip(blocks, given.lags)))
        points.append(RestPointDelay(p.label, p.shares, p.classification, result,
                                     _verdict(abscissa, B0, blocks, result.zero_root), abscissa))
    return DelayAnalysis({pop.name: t for pop, t in zip(game.populations, delays)}, tau, points)


def _verdict(abscissa: float, A0, blocks, zero_root: bool) -> str:
    """Stable / unstable by the sign of the spectral abscissa, undetermined within round-off of 0."""
    scale = max([1.0, float(np.abs(A0).max(initial=0.0))] + [float(np.abs(A).max(initial=0.0)) for A in blocks])
    if abscissa > SPECTRAL_TOL * scale:
        return "unstable"
    if abscissa < -SPECTRAL_TOL * scale and not zero_root:
        return "asymptotically stable"
    return "undetermined"

