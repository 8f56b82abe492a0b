"""``[parameters]``: names, default values, ranges, documentation.

A parameter is ``name = number`` or a table ``{ value, range, description,
stands_for, integer, label_en, label_zh }``.  A declared range binds every
value the parameter takes: its default, presets, mechanisms at strength 1
and command-line overrides (a range [0, 1] marks a probability or fraction).
"""
from __future__ import annotations

from typing import Any, Mapping

from ..game import Parameter, exact, state_names
from .checks import (MAX_PARAMETERS, RESERVED_NAMES, check_keys, err, identifier, number, show, text)

PARAMETER_KEYS = ("value", "range", "description", "stands_for", "integer", "label_en", "label_zh")


def parse_parameters(data: Mapping[str, Any], populations, file: str) -> tuple[Parameter, ...]:
    """The declared parameters, checked; state variables must not clash with them."""
    raw = data.get("parameters", {})
    if not isinstance(raw, Mapping):
        raise err("a table was expected", file, "parameters", found=show(raw))
    if len(raw) > MAX_PARAMETERS:
        raise err(f"{len(raw)} parameters", file, "parameters", expected=f"at most {MAX_PARAMETERS} parameters")
    parameters = tuple(_parameter(name, spec, file) for name, spec in raw.items())
    names = {p.name for p in parameters}
    for sname in state_names(populations, names):
        if sname in names:
            raise err(f"state variable '{sname}' has the name of a parameter", file, "populations",
                      expected="distinct names (set 'variable' of the population)")
        if sname in RESERVED_NAMES:
            raise err(f"state variable '{sname}' is a reserved name", file, "populations",
                      expected="another 'variable' for the population")
    return parameters


def _parameter(name: str, spec, file: str) -> Parameter:
    key = f"parameters.{name}"
    identifier(name, file, key, "parameter")
    if not isinstance(spec, Mapping):
        return Parameter(name, exact(number(spec, file, key)))
    check_keys(spec, PARAMETER_KEYS, file, key)
    value = spec.get("value")
    if value is not None:
        value = number(value, file, f"{key}.value")
    rng = _range(spec.get("range"), value, file, key)
    integer = spec.get("integer", False)
    if not isinstance(integer, bool):
        raise err("true or false was expected", file, f"{key}.integer", found=show(integer))
    if integer and value is not None and value != int(value):
        raise err("an integer value was expected", file, f"{key}.value", found=show(value))
    for k in ("description", "stands_for", "label_en", "label_zh"):
        text(spec.get(k), file, f"{key}.{k}")
    return Parameter(name, None if value is None else exact(value), spec.get("description", ""), rng,
                     spec.get("stands_for", ""), integer)


def _range(rng, value, file: str, key: str) -> tuple[float, float] | None:
    if rng is None:
        return None
    if not isinstance(rng, list) or len(rng) != 2:
        raise err("a range [low, high] was expected", file, f"{key}.range", found=show(rng))
    lo, hi = (number(v, file, f"{key}.range") for v in rng)
    if lo > hi:
        raise err("the range's low end is above its high end", file, f"{key}.range", found=show(rng))
    if value is not None and not lo <= value <= hi:
        raise err(f"value {value} is outside its declared range [{lo}, {hi}]"
                  + (" (a probability or fraction)" if (lo, hi) == (0, 1) else ""), file,
                  f"{key}.value", expected=f"a value in [{lo}, {hi}]", found=show(value))
    return (lo, hi)
