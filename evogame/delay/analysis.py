"""The critical delay of every rest point of a game (``evogame analyze --delay``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping

from ..errors import ScenarioError
from ..formatting import number
from ..game import game_of
from ..render.document import Column, Heading, Paragraph, Table, inline
from ..render.plain import block_text
from .critical import DelayStability, delay_stability
from .model import DelayedReplicator, delays_per_population

if TYPE_CHECKING:
    from ..analysis import Analysis

__all__ = ["DelayAnalysis", "RestPointDelay", "delay_analysis"]

_DIGITS = 4


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

    def text(self) -> str:
        """The "Delay" section of ``evogame analyze``."""
        rows = [(p.label, p.stability.method, _tau_star(p.stability),
                 "" if p.stability.omega_star is None else number(p.stability.omega_star, _DIGITS),
                 _residual(p.stability), p.verdict or "-") for p in self.points]
        at = "tau = " + number(self.tau, _DIGITS) if self.tau is not None else "unequal delays"
        header = ("rest point", "tau* method", "tau* (Hopf)", "omega*", "residual", f"at {at}")
        table = Table((Column(),) * len(header), tuple(inline(h) for h in header),
                      tuple(tuple(inline(c) for c in r) for r in rows))
        note = ("Payoffs seen at x(t - tau), shares current; linearised dz/dt = A0 z(t) + A1 z(t - tau), "
                "characteristic equation det(lambda I - A0 - A1 e^(-lambda tau)) = 0. Closed form where A0 = 0 "
                "(interior points): tau* = min over eigenvalues mu of ((arg mu - pi/2) mod 2 pi)/|mu|, omega* = |mu|; "
                "corners have A1 = 0 (stability independent of the delay); otherwise crossings i omega found "
                "numerically, certified by the residual of the characteristic equation. "
                "tau* is given for points stable at tau = 0+ (0: any delay destabilises a centre).")
        if self.tau is None:
            note += " The populations' delays differ: tau* is for a common delay, no verdict is given."
        return "\n".join(block_text(b) for b in (Heading(inline("Delay")), table, Paragraph(inline(note))))


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


def _tau_star(s: DelayStability) -> str:
    if s.method == "delay-independent":
        return "none (A1 = 0)"
    if s.zero_root:
        return "none (zero eigenvalue)"
    if s.tau_star is None:
        return "none (unstable at 0)" if s.unstable_at_zero else "none (no crossing)"
    return number(s.tau_star, _DIGITS)


def _residual(s: DelayStability) -> str:
    first = next((c for c in s.crossings if c.tau == s.tau_star), None)
    return "" if first is None else f"{first.residual:.1e}"
