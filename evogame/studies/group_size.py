"""Free riding and group size: a one-population public good analysed for every N.

For each group size ``N`` the game is rebuilt with ``size = N`` (it fixes the
polynomial degree of the payoffs), analysed exactly, and its basins computed
exactly on the line (:func:`~evogame.studies.basins.one_dimensional_basins`):
the critical mass, the sharing level of the upper attractor and its basin.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from ..engine.analysis import analyze
from ..errors import AnalysisError, ScenarioError, did_you_mean
from ..util.formatting import aligned
from ..game import Game
from ..scenario import Scenario, as_scenario
from .basins import one_dimensional_basins

__all__ = ["GroupSizeSweep", "free_riding_by_group_size"]


@dataclass
class GroupSizeSweep:
    """How the one-dimensional public good changes with the number of players.

    Attributes
    ----------
    size, mass : the names of the group-size and critical-mass parameters.
    rows : one dict per group size: ``N``, ``M`` (the critical mass used),
        ``stable`` (labels), ``critical_mass`` (the unstable share of
        sharers separating the no-sharing basin from the sharing one, or
        None), ``sharing_level`` (share of sharers at the highest attractor
        other than no sharing, or 0), ``free_riders`` (1 - sharing_level),
        ``sharing_basin`` (exact share of initial states that end at that
        attractor) and ``expected_sharing`` (sum over attractors of basin
        share x share of sharers: the long-run share of sharers from a
        uniformly random start).
    """

    game: Game = field(repr=False)
    size: str
    mass: str | None
    strategy: str
    rows: list

    def to_dict(self) -> dict:
        return {"game": self.game.name, "size_parameter": self.size, "mass_parameter": self.mass,
                "strategy": self.strategy, "rows": [dict(r) for r in self.rows]}

    def table(self) -> str:
        head = (self.size, self.mass or "", "critical mass", "sharing level", "free riders",
                "sharing basin", "expected sharing", "stable states")
        rows = [head]
        for r in self.rows:
            rows.append((str(r[self.size]), str(r.get(self.mass, "")) if self.mass else "",
                         _opt(r["critical_mass"]), f"{r['sharing_level']:.4f}", f"{r['free_riders']:.4f}",
                         f"{r['sharing_basin']:.4f}", f"{r['expected_sharing']:.4f}", ", ".join(r["stable"])))
        return "\n".join(aligned(rows))

    def __repr__(self) -> str:
        return (f"<GroupSizeSweep of {self.game.name!r} over {self.size} = "
                f"{', '.join(str(r[self.size]) for r in self.rows)}>")


def _opt(v) -> str:
    return "none" if v is None else f"{v:.4f}"


def free_riding_by_group_size(subject: Scenario | Game, sizes: Sequence[int], *, params: Mapping | None = None,
                              size: str = "N", mass: str | None = "M",
                              mass_fraction: float | None = None) -> GroupSizeSweep:
    """Critical mass, sharing level and basin of a one-population public good per group size.

    For every ``N`` in ``sizes`` the game is rebuilt with ``size = N`` (it
    fixes the polynomial degree), analysed exactly and its basins computed
    exactly (:func:`one_dimensional_basins`).

    Parameters
    ----------
    subject : a one-population, two-strategy game (or its Scenario) whose
        first strategy is the cooperative one ("share").
    sizes : the group sizes (integers).
    params : other parameter overrides.
    size, mass : the names of the group-size and critical-mass parameters
        (``mass=None`` when the game has none).
    mass_fraction : keep ``M = max(1, ceil(mass_fraction * N))``; default:
        keep the game's ``M``, capped at ``N``.

    Returns
    -------
    GroupSizeSweep
    """
    scenario = as_scenario(subject)
    game = scenario.game
    if game.dimension != 1 or len(game.populations) != 1:
        raise AnalysisError("the group-size sweep needs one population with two strategies")
    for name in (size, mass):
        if name is not None and name not in game.parameters:
            raise ScenarioError(f"unknown parameter '{name}'", file=scenario.file, key=name,
                                suggestion=did_you_mean(name, game.parameters))
    base = dict(params or {})
    m0 = base.get(mass, game.parameters[mass].value) if mass else None
    rows = []
    for N in sizes:
        N = int(N)
        over = dict(base)
        over[size] = N
        if mass:
            M = max(1, math.ceil(mass_fraction * N)) if mass_fraction is not None else min(int(m0), N)
            over[mass] = M
        g = game.with_values(**over)
        a = analyze(g)
        exact = one_dimensional_basins(g, a)
        stable = a.stable
        upper = [p for p in stable if float(p.state[0]) > 1e-12]
        top = max(upper, key=lambda p: float(p.state[0])) if upper else None
        level = float(top.state[0]) if top else 0.0
        row = {size: N}
        if mass:
            row[mass] = M
        row.update({
            "stable": [p.label for p in stable],
            "critical_mass": exact["critical_mass"] if top else None,
            "sharing_level": level,
            "free_riders": 1.0 - level,
            "sharing_basin": exact["shares"].get(top.label, 0.0) if top else 0.0,
            "expected_sharing": float(sum(exact["shares"].get(p.label, 0.0) * float(p.state[0])
                                          for p in stable)),
        })
        rows.append(row)
    return GroupSizeSweep(game, size, mass, game.populations[0].strategies[0], rows)
