"""The explorer's sliders: which quantities get one, and the range each moves over.

By default a slider for every mechanism of the scenario (its strength over ``[0, 1]``) and for up to
:data:`DEFAULT_PARAMETERS` parameters (those with a declared range first, in file order; structural ones --
sum limits, which fix the payoffs' degree -- never).  A parameter without a declared range moves over a
stated default range (:func:`default_range`), said on the page.  All sliders act together: the page
computes at any combination of values in the ranges; ``steps`` only sets the step of the thumb (the number
box beside it takes any value).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from ..dynamics import structural_parameters
from ..errors import ScenarioError, did_you_mean

__all__ = ["SliderSpec", "choose_sliders", "default_range", "DEFAULT_PARAMETERS", "MECHANISM", "PARAMETER"]

DEFAULT_PARAMETERS = 3
MECHANISM, PARAMETER = "mechanism", "parameter"


@dataclass(frozen=True)
class SliderSpec:
    """One slider: a mechanism's strength or a parameter, its range and thumb steps.

    Attributes
    ----------
    name : the mechanism's or parameter's name; kind : ``"mechanism"`` or ``"parameter"``.
    label : what the page calls it (in the page's language); description : the scenario's description.
    lo, hi : its range; steps : thumb positions over the range; integer : whole values only.
    range_note : how the range was chosen (empty: declared in the scenario or on the command line).
    """

    name: str
    kind: str
    label: str
    description: str
    lo: float
    hi: float
    steps: int
    integer: bool = False
    range_note: str = ""

    @property
    def quantity(self) -> str:
        """The name shown beside the value: ``strength`` or the parameter."""
        return "strength" if self.kind == MECHANISM else self.name

    def to_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "label": self.label, "description": self.description,
                "range": [self.lo, self.hi], "steps": self.steps, "integer": self.integer,
                "range_note": self.range_note}


def default_range(value: float) -> tuple[float, float, str]:
    """The range of a parameter declared without one: ``[0, max(1, 2 v)]`` for ``v >= 0`` (the range
    ``evogame threshold`` searches), ``[min(-1, 2 v), 0]`` for ``v < 0``; and the words saying so."""
    if value >= 0:
        hi = max(1.0, 2.0 * value)
        return 0.0, hi, "no range in the scenario: [0, max(1, 2 x value)]"
    return min(-1.0, 2.0 * value), 0.0, "no range in the scenario: [min(-1, 2 x value), 0]"


def choose_sliders(scenario, mechanisms: Sequence[str] = (), parameters: Mapping | None = None, *,
                   steps: int = 201, lang: str = "en", values: Mapping | None = None) -> list[SliderSpec]:
    """The sliders of a page.

    Parameters
    ----------
    scenario : the Scenario.
    mechanisms : mechanism names, each a slider over its strength ``[0, 1]``.
    parameters : name -> ``(lo, hi)`` or a grid (its ends are the range), or None (the declared range, else
        :func:`default_range`).  With neither: every mechanism and up to three parameters.
    steps : thumb positions of each slider.
    values : the parameters' values (the default range is taken around them).
    """
    game = scenario.game
    skip = structural_parameters(game)
    if not mechanisms and not parameters:
        mechanisms = list(scenario.mechanisms)
        ranged = [n for n, p in game.parameters.items() if p.range is not None and n not in skip]
        rest = [n for n in game.parameters if n not in ranged and n not in skip]
        parameters = {n: None for n in (ranged + rest)[:DEFAULT_PARAMETERS]}
    sliders = []
    for name in mechanisms:
        mech = scenario.mechanism(name)
        sliders.append(SliderSpec(name, MECHANISM, mech.label(lang) or name, mech.description or "", 0.0, 1.0,
                                  steps))
    for name, grid in (parameters or {}).items():
        sliders.append(_parameter_slider(scenario, name, grid, steps, skip, dict(values or {}), lang))
    return sliders


def _parameter_slider(scenario, name: str, grid, steps: int, skip, values, lang: str) -> SliderSpec:
    game = scenario.game
    p = game.parameters.get(name)
    if p is None:
        raise ScenarioError(f"unknown parameter '{name}'", file=scenario.file, argument="param",
                            expected="one of " + ", ".join(game.parameters) if game.parameters else "no parameters",
                            suggestion=did_you_mean(name, game.parameters))
    if name in skip:
        raise ScenarioError(f"'{name}' fixes the degree of the payoffs (a sum limit): it cannot move "
                            "continuously", file=scenario.file, argument="param",
                            expected=f"one page per value: -p {name}=VALUE")
    note = ""
    if grid is not None:
        grid = np.asarray(grid, dtype=float)
        lo, hi = float(grid.min()), float(grid.max())
        steps = len(grid) if len(grid) > 2 else steps
    elif p.range is not None:
        lo, hi = float(p.range[0]), float(p.range[1])
    else:
        value = float(values.get(name, p.value if p.value is not None else 0.0))
        lo, hi, note = default_range(value)
    if not lo < hi:
        raise ScenarioError(f"the range of '{name}' is empty: [{lo:g}, {hi:g}]", file=scenario.file,
                            argument="param", expected="NAME=LO:HI:N with LO < HI")
    if p.integer:
        steps = int(round(hi - lo)) + 1
    label = parameter_labels(scenario).get(name, {}).get(lang)
    return SliderSpec(name, PARAMETER, f"{name}: {label}" if label else name, p.description or p.stands_for or "",
                      lo, hi, max(2, steps), p.integer, note)


def parameter_labels(scenario) -> dict:
    """``name -> {"en": label_en, "zh": label_zh}`` of the parameters, as the scenario file writes them (the
    game keeps no labels of its parameters; empty for a scenario without a file)."""
    if not scenario.file:
        return {}
    import tomllib
    try:
        with open(scenario.file, "rb") as fh:
            raw = tomllib.load(fh).get("parameters", {})
    except (OSError, ValueError):
        return {}
    return {n: {"en": spec.get("label_en"), "zh": spec.get("label_zh")} for n, spec in raw.items()
            if isinstance(spec, dict)}
