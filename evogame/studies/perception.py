"""Perceived payoffs against the behavioural parameters: a mechanism's threshold as a curve in loss aversion.

For each value of the curvature ``alpha`` the regime map over (loss
aversion ``lam``, the mechanisms' strength ``s``) is computed by the
vectorised engine; at each ``lam`` the threshold is the smallest strength of
the grid from which the target is asymptotically stable up to ``s = 1`` (0:
already stable, NaN: not stable at ``s = 1``), so the curve is exact to the
strength grid's step.  The threshold under the expected payoffs (the game
without ``[perception]``) is computed alongside, by :func:`threshold`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from ..errors import EvogameError, ScenarioError
from ..scenario import Scenario, as_scenario
from .sweeps import regime_map
from .thresholds import target_support, threshold

__all__ = ["ThresholdCurve", "threshold_curve", "behavioural_names"]


@dataclass
class ThresholdCurve:
    """The threshold strength of the mechanisms against loss aversion, one curve per ``alpha``.

    Attributes
    ----------
    scenario, mechanisms, target : the game's name, the mechanisms, the target's label.
    lam_name, alpha_name : the parameters of loss aversion and of the curvature for gains.
    lam : ``(n,)`` the loss-aversion grid; alphas : the curvatures, one curve each.
    thresholds : ``(len(alphas), n)`` the threshold strength (0: already stable; NaN: not stable at s = 1).
    step : the strength grid's step (the curve's resolution).
    expected : the threshold under the expected payoffs (None: none in [0, 1]), with ``expected_status``.
    """

    scenario: str
    mechanisms: list
    target: str
    lam_name: str
    alpha_name: str
    lam: np.ndarray
    alphas: list
    thresholds: np.ndarray
    step: float
    expected: float | None = None
    expected_status: str = ""
    notes: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"scenario": self.scenario, "mechanisms": list(self.mechanisms), "target": self.target,
                "lam_name": self.lam_name, "alpha_name": self.alpha_name, "lam": self.lam.tolist(),
                "alphas": list(self.alphas), "step": self.step, "expected": self.expected,
                "expected_status": self.expected_status, "notes": list(self.notes),
                "thresholds": [[None if np.isnan(v) else float(v) for v in row] for row in self.thresholds]}


def behavioural_names(scenario: Scenario) -> tuple[str, str]:
    """The names of loss aversion and of the gains' curvature in a scenario with ``[perception]``."""
    if scenario.perception is None:
        raise ScenarioError("the scenario has no [perception] section", file=scenario.file, argument="perception",
                            expected="a scenario whose [perception] declares gain and loss terms")
    symbols = scenario.perception.spec.symbols
    return str(symbols["lambda"]), str(symbols["alpha"])


def threshold_curve(subject: Scenario, mechanisms: Sequence, lam_values, alphas: Sequence[float] | None = None, *,
                    strengths: int = 201, target: str | None = None) -> ThresholdCurve:
    """The mechanisms' threshold strength against loss aversion, for each curvature in ``alphas``.

    ``alphas`` defaults to 0.5, the scenario's value and 1.  Raises
    :class:`ScenarioError` without ``[perception]``, mechanisms or a target.
    """
    scenario = as_scenario(subject)
    lam_name, alpha_name = behavioural_names(scenario)
    if not mechanisms:
        raise ScenarioError("a threshold curve needs a mechanism", file=scenario.file, argument="mechanisms",
                            expected="a mechanism name")
    support = target_support(scenario, target)
    label = scenario.game.profile_label(tuple(S[0] for S in support))
    default = float(scenario.game.parameters[alpha_name].value)
    alphas = sorted({0.5, default, 1.0}) if alphas is None else [float(a) for a in alphas]
    lam, s = np.asarray(lam_values, dtype=float), np.linspace(0.0, 1.0, strengths)
    rows = []
    for a in alphas:
        base = scenario.with_game(scenario.game.with_values(**{alpha_name: a}))
        result = regime_map(base, lam_name, lam, "strength", s, mechanisms)
        stable = np.array([[label in result.regimes[result.regime_index[j, i]] for i in range(len(lam))]
                           for j in range(len(s))])
        rows.append([_first_stable_to_the_end(stable[:, i], s) for i in range(len(lam))])
    expected, status, notes = _expected_threshold(scenario, mechanisms, target)
    return ThresholdCurve(scenario.game.name, list(mechanisms), label, lam_name, alpha_name, lam, alphas,
                          np.array(rows, dtype=float), float(s[1] - s[0]), expected, status, notes)


def _first_stable_to_the_end(stable: np.ndarray, s: np.ndarray) -> float:
    """The smallest grid strength from which the target stays stable up to 1 (NaN when not stable at 1)."""
    if not stable[-1]:
        return float("nan")
    unstable = np.flatnonzero(~stable)
    return float(s[0] if unstable.size == 0 else s[unstable[-1] + 1])


def _expected_threshold(scenario: Scenario, mechanisms, target):
    """The threshold under the expected payoffs (the mechanisms applied to the game without perception)."""
    plain = Scenario(scenario.perception.expected, scenario.mechanisms, target=scenario.target, file=scenario.file)
    try:
        result = threshold(plain, mechanisms, target=target)
    except EvogameError as exc:   # e.g. a mechanism that sets a behavioural parameter
        return None, "not computed", [f"expected payoffs: {exc}"]
    value = 0.0 if result.status == "already stable" else result.threshold
    return value, result.status, []
