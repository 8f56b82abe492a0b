"""``[presets]``: named settings of several parameters at once.

A preset is a named institutional arrangement -- the government-enterprise
platform structures of seed 004 (co-creation, network, enterprise-led,
government-led) are four presets of one game.  Form::

    [presets.network]
    label_en = "Network structure"
    label_zh = "网络型"
    description = "..."
    set = { alpha = 0.5, omega = "2*omega" }   # parameter -> number, or expression
                                               # in the parameters' values before the preset

This module parses and checks the section; comparing presets is
:mod:`evogame.studies.presets`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping

import sympy

from ..errors import ScenarioError, did_you_mean
from .expressions import parse_expression
from ..game import Game, exact

__all__ = ["Preset", "PRESET_KEYS", "parse_presets", "check_value"]

PRESET_KEYS = ("label_en", "label_zh", "description", "set")


@dataclass(frozen=True)
class Preset:
    """A parsed preset.

    Attributes
    ----------
    name : identifier (``presets.<name>`` in the file).
    label_en, label_zh, description : display texts.
    set : parameter name -> sympy expression in the parameter symbols (a
        number for plain values).
    """

    name: str
    label_en: str = ""
    label_zh: str = ""
    description: str = ""
    set: dict = field(default_factory=dict)

    def label(self, lang: str = "en") -> str:
        return (self.label_zh if lang == "zh" else self.label_en) or self.name

    def to_dict(self) -> dict:
        return {"name": self.name, "label_en": self.label_en, "label_zh": self.label_zh,
                "description": self.description, "set": {k: sympy.sstr(v) for k, v in self.set.items()}}

    def __repr__(self) -> str:
        return f"<Preset {self.name!r}: " + ", ".join(f"{k} = {sympy.sstr(v)}" for k, v in self.set.items()) + ">"



def _text(v, file, key) -> str:
    if v is None:
        return ""
    if not isinstance(v, str):
        raise ScenarioError("a string was expected", file=file, key=key, found=repr(v)[:60])
    return v


def parse_presets(raw, game: Game, file: str | None) -> dict[str, Preset]:
    """Parse and check the ``[presets]`` section of a scenario.

    Every preset must be a table with the keys of :data:`PRESET_KEYS` (``set``
    required and non-empty); every ``set`` key a declared parameter; every
    value a number or an expression in the parameters, whose value at the
    defaults is a finite real number inside the parameter's declared range
    (an integer for an integer parameter).  Raises :class:`ScenarioError`
    naming the file and the key (``presets.<name>.set.<parameter>``).
    """
    if not isinstance(raw, Mapping):
        raise ScenarioError("a table of presets was expected ([presets.<name>] tables)", file=file,
                            key="presets", found=repr(raw)[:60])
    names = {n: p.symbol for n, p in game.parameters.items()}
    defaults = {p.symbol: p.value for p in game.parameters.values() if p.value is not None}
    out: dict[str, Preset] = {}
    for name, spec in raw.items():
        where = f"presets.{name}"
        if not name.isidentifier():
            raise ScenarioError(f"'{name}' is not a valid preset name", file=file, key=where,
                                expected="letters, digits and underscores")
        if not isinstance(spec, Mapping):
            raise ScenarioError("a table was expected", file=file, key=where, found=repr(spec)[:60],
                                expected=f"[presets.{name}] with label_en, label_zh, description, set")
        for k in spec:
            if k not in PRESET_KEYS:
                raise ScenarioError(f"unknown key '{k}'", file=file, key=f"{where}.{k}",
                                    expected="one of " + ", ".join(PRESET_KEYS),
                                    suggestion=did_you_mean(k, PRESET_KEYS))
        settings = spec.get("set")
        if not isinstance(settings, Mapping) or not settings:
            raise ScenarioError("the preset sets nothing", file=file, key=f"{where}.set",
                                expected="a table parameter -> number or expression", found=repr(settings)[:60])
        parsed = {}
        for pname, value in settings.items():
            key = f"{where}.set.{pname}"
            if pname not in game.parameters:
                raise ScenarioError(f"unknown parameter '{pname}'", file=file, key=key,
                                    expected="a parameter declared in [parameters]",
                                    suggestion=did_you_mean(pname, game.parameters))
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                raise ScenarioError("a number or an expression was expected", file=file, key=key,
                                    found=repr(value)[:60])
            if isinstance(value, str):
                expr = parse_expression(value, names, file=file, key=key)
            else:
                try:
                    expr = exact(value)
                except ValueError:
                    raise ScenarioError("a finite number was expected", file=file, key=key,
                                        found=repr(value)) from None
            check_value(game, pname, expr.xreplace(defaults), file, key)
            parsed[pname] = expr
        out[name] = Preset(name, _text(spec.get("label_en"), file, f"{where}.label_en"),
                           _text(spec.get("label_zh"), file, f"{where}.label_zh"),
                           _text(spec.get("description"), file, f"{where}.description"), parsed)
    return out


def check_value(game: Game, pname: str, value, file, key) -> None:
    """A preset's value must be a finite real number in the parameter's range."""
    param = game.parameters[pname]
    if value.free_symbols:
        missing = ", ".join(sorted(str(s) for s in value.free_symbols))
        raise ScenarioError(f"the value depends on parameters without a default ({missing})", file=file, key=key)
    number = complex(sympy.N(value))
    if not (math.isfinite(number.real) and abs(number.imag) < 1e-12):
        raise ScenarioError("the value is not a finite real number", file=file, key=key, found=sympy.sstr(value))
    if param.range is not None and not param.range[0] <= number.real <= param.range[1]:
        raise ScenarioError(f"value {number.real:g} is outside the declared range "
                            f"[{param.range[0]:g}, {param.range[1]:g}] of '{pname}'", file=file, key=key)
    if param.integer and not (value.is_Integer or (value.is_Rational and value.q == 1)):
        raise ScenarioError(f"'{pname}' is an integer parameter", file=file, key=key,
                            expected="an integer", found=sympy.sstr(value))
