"""Baseline vs with mechanisms: the rest points of both games, matched face by face."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np

from ..engine.analysis import analyze
from ..dynamics import chosen_dynamics, structural_parameters
from ..errors import ScenarioError
from ..util.formatting import number
from ..game import Game
from ..game.faces import face_label
from ..scenario import Scenario, as_scenario
from ..solvers.stability import RTOL
from .mechanisms import apply

__all__ = ["CompareResult", "compare", "compare_perception"]


@dataclass
class CompareResult:
    """Baseline vs with-mechanism(s) rest points, matched by face and position.

    Attributes
    ----------
    mechanisms : ``(name, strength)`` pairs applied.
    rows : one per rest point of either game: ``face``, ``baseline`` and
        ``with`` (each a dict ``name`` (E-number), ``label``, ``short_label``
        (``mixed`` for a mixing population), ``coordinates`` (the declared
        state variables), ``state`` (the full shares), ``eigenvalues``,
        ``classification``, or None when the point does not exist there) and ``change`` (
        ``"unchanged"``, ``"<old> -> <new>"``, ``"appears"``, ``"disappears"``).
    baseline_stable, with_stable : labels of the asymptotically stable points.
    """

    scenario: str
    mechanisms: list
    rows: list
    baseline_stable: list
    with_stable: list
    baseline: object = field(repr=False, default=None)
    applied: object = field(repr=False, default=None)
    #: what the right-hand side is, when not mechanisms (``"perceived payoffs"``), and notes to print with it
    label: str | None = None
    notes: list = field(default_factory=list)

    @property
    def changed(self) -> list[dict]:
        """Rows whose classification changed, or that appear or disappear."""
        return [r for r in self.rows if r["change"] != "unchanged"]

    def to_dict(self) -> dict:
        return {
            "scenario": self.scenario,
            "mechanisms": [{"name": n, "strength": s} for n, s in self.mechanisms],
            "baseline_stable": list(self.baseline_stable),
            "with_stable": list(self.with_stable),
            "rows": [dict(r) for r in self.rows],
            "changed": [dict(r) for r in self.changed],
        } | ({"compared": self.label, "notes": list(self.notes)} if self.label else {})

    def table(self) -> str:
        """Side-by-side text table, at most 100 columns wide: each point by its E-number (baseline's, then the
        one with the mechanism where it differs) and short label, its coordinates once where they agree."""
        from ..render.plain import fit_table, fit_text
        from ..render.phrases import coordinates_header

        what = self.label or " + ".join(f"{n} (s={s:g})" for n, s in self.mechanisms)
        game = self.baseline.game if self.baseline is not None else None
        head = ("point", "rest point", coordinates_header(game) if game else "state",
                "expected payoffs" if self.label else "baseline", self.label or "with mechanism")
        rows = [list(head)] + [list(_compare_row(r)) for r in self.rows]
        lines = [f"expected vs {what}" if self.label else f"baseline vs with {what}", *fit_table(rows)]
        lines.append(("stable with expected payoffs: " if self.label else "stable at baseline: ")
                     + (", ".join(self.baseline_stable) or "none"))
        lines.append(f"stable with {what}: " + (", ".join(self.with_stable) or "none"))
        ch = self.changed
        lines.append("changed: " + ("; ".join(f"{_point_name(r)} {r['change']}" for r in ch) if ch else "nothing"))
        lines += [f"note: {n}" for n in self.notes]
        return fit_text("\n".join(lines))

    def _repr_html_(self) -> str:
        from ..render.notebook import compare_html
        return compare_html(self)

    def __repr__(self) -> str:
        return (f"<CompareResult {self.scenario}: stable {self.baseline_stable} -> {self.with_stable}, "
                f"{len(self.changed)} changed>")


def compare(subject: Scenario | Game, items: Sequence, strength=1, *, params: Mapping | None = None, rtol: float | None = None,
            budget: float | None = 10.0, dynamics=None) -> CompareResult:
    """Analyse the baseline and the game with mechanisms applied, and match their rest points.

    Rest points are matched face by face (the same support); several on one
    face are paired greedily by distance of their states.  ``params``
    overrides default values in both games.
    """
    rtol = RTOL if rtol is None else rtol
    scenario = as_scenario(subject)
    game = scenario.game
    if not items:
        raise ScenarioError("compare needs a mechanism", file=scenario.file, argument="mechanisms",
                            expected="at least one mechanism name")
    structural = {k: v for k, v in (params or {}).items() if k in structural_parameters(game)}
    if structural:   # a sum limit fixes the polynomial degree: it must be a default value, not an override
        game = game.with_values(**structural)
        params = {k: v for k, v in params.items() if k not in structural}
    applied = apply(scenario.with_game(game), items, strength).game
    dynamics = chosen_dynamics(scenario, dynamics)
    base = analyze(game, params, rtol=rtol, budget=budget, dynamics=dynamics)
    new = analyze(applied, params, rtol=rtol, budget=budget, dynamics=dynamics)

    rows = _matched_rows(game, base, new)
    mechs = applied.origin.strengths()
    return CompareResult(game.name, mechs, rows, [p.label for p in base.stable], [p.label for p in new.stable],
                         base, new)


def _point_name(row: dict) -> str:
    """``E3``, or ``E3/E4`` when the point is E3 at baseline and E4 with the mechanism."""
    names = [side["name"] for side in (row["baseline"], row["with"]) if side is not None]
    return "/".join(dict.fromkeys(names))


def _compare_row(row: dict) -> tuple:
    """point, short label, coordinates (``a -> b`` where the mechanism moves the point), both classes."""
    b, w = row["baseline"], row["with"]
    states = [" -" if side is None else _coordinates(side["coordinates"]) for side in (b, w)]
    where = states[0] if states[0] == states[1] or w is None else states[1] if b is None else " -> ".join(states)
    return (_point_name(row), (b or w)["short_label"], where.strip(), b["classification"] if b else "-",
            w["classification"] if w else "-")


def _coordinates(values) -> str:
    text = [number(v, 4) for v in values]
    return text[0] if len(text) == 1 else "(" + ", ".join(text) + ")"


def _matched_rows(game: Game, base, new) -> list[dict]:
    """The rest points of two analyses of games on the same state space, matched face by face (greedy by
    distance of the states where a face has several)."""
    # the short label the texts print (vocabulary is a leaf: it imports no evogame module)
    from ..render.vocabulary import point_label

    def side(p):
        return {"name": p.name, "label": p.label, "short_label": point_label(game, p.support),
                "coordinates": [float(v) for v in p.state], "state": p.shares,
                "eigenvalues": [[float(e.real), float(e.imag)] for e in p.eigenvalues],
                "classification": p.classification}

    rows = []
    supports = []
    for p in base.rest_points + new.rest_points:
        if p.support not in supports:
            supports.append(p.support)
    for S in supports:
        left = [p for p in base.rest_points if p.support == S]
        right = [p for p in new.rest_points if p.support == S]
        pairs = []
        free = list(range(len(right)))
        for p in left:
            if free:
                k = min(free, key=lambda k: float(np.max(np.abs(right[k].state - p.state), initial=0)))
                free.remove(k)
                pairs.append((p, right[k]))
            else:
                pairs.append((p, None))
        pairs += [(None, right[k]) for k in free]
        for p, q in pairs:
            if p is None:
                change = "appears"
            elif q is None:
                change = "disappears"
            elif p.classification == q.classification:
                change = "unchanged"
            else:
                change = f"{p.classification} -> {q.classification}"
            rows.append({"face": face_label(game, S), "baseline": side(p) if p else None,
                         "with": side(q) if q else None, "change": change})
    return rows


def compare_perception(subject: Scenario, *, params: Mapping | None = None, rtol: float | None = None,
                       budget: float | None = 10.0, dynamics=None) -> CompareResult:
    """The game of expected payoffs and the game of perceived payoffs (``[perception]``), side by side.

    Rest points are matched as in :func:`compare`; the behavioural parameters
    in ``params`` (``lam``, ``alpha``...) apply to the perceived game only.
    Raises :class:`ScenarioError` when the scenario has no ``[perception]``.
    """
    scenario = as_scenario(subject)
    perception = scenario.perception
    if perception is None:
        raise ScenarioError("the scenario has no [perception] section", file=scenario.file, argument="perception",
                            expected="a scenario whose [perception] declares gain and loss terms")
    rtol = RTOL if rtol is None else rtol
    dynamics = chosen_dynamics(scenario, dynamics)
    expected = perception.expected
    base = analyze(expected, {k: v for k, v in (params or {}).items() if k in expected.parameters}, rtol=rtol,
                   budget=budget, dynamics=dynamics)
    new = analyze(scenario, params, rtol=rtol, budget=budget, dynamics=dynamics)
    rows = _matched_rows(expected, base, new)
    return CompareResult(scenario.game.name, [], rows, [p.label for p in base.stable], [p.label for p in new.stable],
                         base, new, label="perceived payoffs", notes=list(perception.notes))
