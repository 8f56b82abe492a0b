"""Parsing the values of the shared options: scenario files, overrides, initial states, ranges, grids.

Errors name the library's argument the value stands for (``params``,
``initial``, ``range``, ``param``...); :mod:`evogame.cli.messages` names the
option of the command that was run.  Values that only the command line has
(``--group-sizes``) are named by their option.
"""
from __future__ import annotations

import math

from .. import scenario as scenarios
from ..errors import ScenarioError, did_you_mean

#: largest regime map (cells) a command computes: memory and time grow with it (~1 GB per 2e6 cells)
MAX_CELLS = 250_000


def load(path: str):
    """Load a scenario, turning every problem into a ScenarioError (the loader is imported on first use)."""
    return scenarios.load_scenario(path)


def parse_params(scenario, items, studied: str | None = None) -> dict:
    """``["c_D=1.5", ...]`` -> ``{"c_D": 1.5}``, checked against the scenario's parameters.

    ``studied`` is the option that carries the parameter a command studies (``--vary``, ``--sweep``): an
    override that looks like its value (``c_D``, ``c_D=0:5:101``) is refused with a pointer to it.
    """
    return dict(_parse_param(scenario, item, studied) for item in items)


def _parse_param(scenario, item: str, studied: str | None = None):
    game, file = scenario.game, scenario.file
    if "=" not in item:
        hint = f" (to study '{item}' itself: {studied} {item})" if studied and item.strip() in game.parameters else ""
        raise ScenarioError(f"'{item}' is not NAME=VALUE", argument="params",
                            expected="NAME=VALUE, e.g. c_D=1.5" + hint)
    name, value = item.split("=", 1)
    name = name.strip()
    if studied and ":" in value and name in game.parameters:
        usage = f"{studied} {item}" if studied == "--sweep" else f"{studied} {name}"   # --vary takes a name
        raise ScenarioError(f"'{item}': -p sets one value, not a grid", file=file, argument="params",
                            expected=f"NAME=VALUE; to study '{name}' itself: {usage}")
    if name not in game.parameters:
        raise ScenarioError(f"unknown parameter '{name}'", file=file, argument="params",
                            expected="one of " + ", ".join(game.parameters),
                            suggestion=did_you_mean(name, game.parameters))
    try:
        number = float(value)
    except ValueError:
        raise ScenarioError(f"'{item}': '{value}' is not a number", argument="params", expected="a number") from None
    if not math.isfinite(number):
        raise ScenarioError(f"'{item}': '{value}' is not finite", argument="params", expected="a finite number")
    param = game.parameters[name]
    if param.range is not None and not param.range[0] <= number <= param.range[1]:
        lo, hi = param.range
        kind = "a probability or fraction, " if tuple(param.range) == (0, 1) else ""
        raise ScenarioError(f"{name}={value} is outside the declared range [{lo:g}, {hi:g}] of '{name}' ({kind}"
                            "declared in the scenario)", file=file, argument="params",
                            expected=f"a value in [{lo:g}, {hi:g}] (widen 'range' in the scenario file to go "
                                     "beyond it)")
    if param.integer and number != int(number):
        raise ScenarioError(f"{name}={value}: '{name}' is an integer parameter", argument="params",
                            expected="a whole number")
    return name, _number(value, number)


def _number(text: str, number: float):
    """Keep the user's decimal exactly: '0.3' -> 3/10 later, via its shortest repr."""
    try:
        return int(text)
    except ValueError:
        return number


def parse_initial(scenario, items) -> list[list[float]]:
    """``["0.5,0.5", ...]`` -> reduced-coordinate rows, checked for length."""
    game = scenario.game
    rows = []
    for item in items:
        try:
            row = [float(v) for v in item.replace(";", ",").split(",") if v.strip()]
        except ValueError:
            raise ScenarioError(f"'{item}' is not a list of numbers", argument="initial",
                                expected="comma-separated numbers, e.g. 0.5,0.5") from None
        if len(row) != game.dimension:
            raise ScenarioError(f"'{item}' has {len(row)} numbers", argument="initial",
                                expected=f"{game.dimension} (the shares of every strategy but the last, "
                                         f"per population: {', '.join(str(v) for v in game.variables)})")
        rows.append(row)
    return rows


def parse_range(text: str | None) -> tuple[float, float] | None:
    """``"0:2"`` -> ``(0.0, 2.0)``; None stays None."""
    if text is None:
        return None
    try:
        lo, hi = (float(v) for v in text.split(":"))
    except ValueError:
        raise ScenarioError(f"'{text}' is not LO:HI", argument="range", expected="LO:HI, e.g. 0:2") from None
    return lo, hi


def parse_sizes(text: str) -> list[int]:
    """``"2:12"`` -> ``[2, ..., 12]`` (the group sizes of ``basins --group-sizes``)."""
    try:
        lo, hi = (int(v) for v in text.split(":"))
    except ValueError:
        raise ScenarioError(f"'{text}' is not LO:HI", argument="--group-sizes",
                            expected="two integers LO:HI, e.g. 2:14") from None
    if not 1 <= lo <= hi or hi - lo > 200:
        raise ScenarioError(f"'{text}' is not an increasing range of at most 200 sizes from 1",
                            argument="--group-sizes", expected="1 <= LO <= HI, e.g. 2:14")
    return list(range(lo, hi + 1))


def parse_population_sizes(text: str) -> list[int]:
    """``"30"`` -> ``[30]``; ``"20,40"`` -> one size per population (``finite --size``, ``report --finite``)."""
    try:
        sizes = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        sizes = []
    if not sizes or any(z < 2 for z in sizes):
        raise ScenarioError(f"'{text}' is not a population size", argument="sizes",
                            expected="a whole number Z >= 2, or one per population separated by commas (e.g. 20,40)")
    return sizes


def parse_kinds(text: str | None, known) -> tuple[str, ...]:
    """``"portrait,paths"`` -> ``("portrait", "paths")``, each one of ``known``; None: all of them."""
    if text is None:
        return tuple(known)
    chosen = tuple(k.strip() for k in text.split(",") if k.strip())
    for kind in chosen:
        if kind not in known:
            raise ScenarioError(f"unknown figure kind '{kind}'", argument="kinds",
                                expected="some of " + ", ".join(known), suggestion=did_you_mean(kind, known))
    return chosen


def check_grid_size(axes) -> None:
    """Refuse a regime map with more than MAX_CELLS cells before any work is done.

    ``axes`` are ``(name, values)`` pairs, the parsed swept parameters.
    """
    cells = 1
    for _, values in axes:
        cells *= len(values)
    if len(axes) > 1 and cells > MAX_CELLS:
        raise ScenarioError(f"a regime map of {' x '.join(str(len(v)) for _, v in axes)} = {cells} cells is too "
                            "large", argument="param", expected=f"at most {MAX_CELLS} cells (e.g. 500 x 500)")


def parse_delay(scenario, items):
    """``--delay`` values -> one delay (``["1"]``) or ``{population: delay}`` (``["superior=1", ...]``).

    None when the option was not given: the scenario's ``[delay]`` applies (if any).
    """
    if not items:
        return None
    names = [p.name for p in scenario.game.populations]
    if len(items) == 1 and "=" not in items[0]:
        return _delay_number(items[0], items[0])
    out = {}
    for item in items:
        if "=" not in item:
            raise ScenarioError(f"'{item}': give one delay, or POPULATION=DELAY for each population",
                                argument="delay", expected="TAU, or POPULATION=TAU (repeatable)")
        name, value = (s.strip() for s in item.split("=", 1))
        if name not in names:
            raise ScenarioError(f"unknown population '{name}'", file=scenario.file, argument="delay",
                                expected="one of " + ", ".join(names), suggestion=did_you_mean(name, names))
        out[name] = _delay_number(item, value)
    return out


def _delay_number(item: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ScenarioError(f"'{item}' is not a number", argument="delay", expected="a delay >= 0") from None
    if not (math.isfinite(number) and number >= 0):
        raise ScenarioError(f"'{item}' is not a delay", argument="delay", expected="a finite number >= 0")
    return number
