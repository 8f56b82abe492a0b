"""The explorer's sliders: which quantities get one, and the grid each moves along.

By default a slider for every mechanism of the scenario (its strength over ``[0, 1]``) and for up to
:data:`DEFAULT_PARAMETERS` parameters with a declared range (the first ones in the file, skipping integer
and structural ones); choosing mechanisms or parameters replaces the default.  A parameter's grid holds its
default value, so the slider's resting position is exactly the scenario's (or the preset's) value.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from ..dynamics import structural_parameters
from ..errors import ScenarioError, did_you_mean
from ..scenario import STRENGTH

__all__ = ["SliderSpec", "choose_sliders", "DEFAULT_PARAMETERS", "MECHANISM", "PARAMETER"]

DEFAULT_PARAMETERS = 3
MECHANISM, PARAMETER = "mechanism", "parameter"


@dataclass(frozen=True)
class SliderSpec:
    """One slider before its numbers: a mechanism's strength or a parameter, and its grid.

    ``values`` is the grid requested; :meth:`grid` adds the default value of a parameter.
    """

    name: str
    kind: str
    label: str
    values: tuple

    @property
    def quantity(self) -> str:
        """What the sweep engine moves: ``"strength"`` or the parameter."""
        return STRENGTH if self.kind == MECHANISM else self.name

    def grid(self, default: float) -> tuple[np.ndarray, int]:
        """The grid with ``default`` in it (when inside the range), and the default's index."""
        values = np.asarray(self.values, dtype=float).copy()
        near = np.isclose(values, default, rtol=0, atol=1e-12)
        if np.any(near):
            values[near] = default          # 0.30000000000000004 from linspace is the default 0.3
        elif values[0] <= default <= values[-1]:
            values = np.sort(np.append(values, default))
        return values, int(np.argmin(np.abs(values - default)))

    def to_dict(self) -> dict:
        return {"name": self.name, "kind": self.kind, "label": self.label, "values": list(self.values)}


def choose_sliders(scenario, mechanisms: Sequence[str] = (), parameters: Mapping | None = None, *,
                   steps: int = 41, parameter_steps: int = 21, lang: str = "en") -> list[SliderSpec]:
    """The sliders of a page.

    Parameters
    ----------
    scenario : the Scenario.
    mechanisms : mechanism names, each a slider over its strength ``linspace(0, 1, steps)``.
    parameters : name -> grid (None: ``parameter_steps`` over the declared range).
    With neither: every mechanism and up to three parameters with declared ranges.
    """
    game = scenario.game
    if not mechanisms and not parameters:
        mechanisms = list(scenario.mechanisms)
        skip = structural_parameters(game)
        parameters = {n: None for n, p in game.parameters.items()
                      if p.range is not None and not p.integer and n not in skip}
        parameters = dict(list(parameters.items())[:DEFAULT_PARAMETERS])
    sliders = []
    for name in mechanisms:
        mech = scenario.mechanism(name)
        label = (mech.label_zh if lang == "zh" else mech.label_en) or name
        sliders.append(SliderSpec(name, MECHANISM, label, tuple(np.linspace(0.0, 1.0, steps))))
    for name, values in (parameters or {}).items():
        sliders.append(SliderSpec(name, PARAMETER, name, tuple(_parameter_grid(scenario, name, values,
                                                                               parameter_steps))))
    if not sliders:
        raise ScenarioError("the scenario has no mechanisms and no parameter with a declared range: nothing to "
                            "slide", file=scenario.file, argument="param", expected="a parameter NAME=LO:HI:N")
    return sliders


def _parameter_grid(scenario, name: str, values, steps: int) -> np.ndarray:
    game = scenario.game
    p = game.parameters.get(name)
    if p is None:
        raise ScenarioError(f"unknown parameter '{name}'", file=scenario.file, argument="param",
                            expected="one of " + ", ".join(game.parameters),
                            suggestion=did_you_mean(name, game.parameters))
    if values is not None:
        return np.asarray(values, dtype=float)
    if p.range is None:
        raise ScenarioError(f"parameter '{name}' has no declared range", file=scenario.file,
                            argument="param", expected="NAME=LO:HI:N with its range")
    return np.linspace(float(p.range[0]), float(p.range[1]), steps)
