"""Checks shared by the scenario sections: types, names, numbers, and the limits.

Every check raises a :class:`~evogame.errors.ScenarioError` naming the file
and the dotted key, with what was expected and what was found.
"""
from __future__ import annotations

import math
import re
from typing import Mapping

from ..errors import ScenarioError, did_you_mean

SIMULATION_KEYS = ("t_end", "initial")
TOP_LEVEL = ("game", "populations", "parameters", "payoffs", "fitness", "mechanisms", "presets", "dynamics",
             "simulation", "noise", "delay", "perception")
NOISE_KEYS = ("sigma", "form", "scheme", "paths", "dt", "seed")

#: names that cannot be parameters or state variables
RESERVED_NAMES = ("strength", "exp", "log", "sqrt", "abs", "min", "max", "binomial", "sum")

# Limits that keep validation bounded in time and memory whatever the file.
MAX_BYTES = 256 * 1024
MAX_LINE = 10_000
MAX_DEPTH = 16
MAX_POPULATIONS = 12
MAX_STRATEGIES = 24
MAX_PROFILES = 20_000
MAX_PARAMETERS = 1000
MAX_INITIAL_STATES = 10_000
MAX_MAGNITUDE = 1e300
MAX_SECONDS = 30.0

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


def err(msg, file, key, **kw):
    return ScenarioError(msg, file=file, key=key, **kw)


def check_keys(table: Mapping, allowed, file, where):
    for k in table:
        if k not in allowed:
            raise err(f"unknown key '{k}'", file, f"{where}.{k}" if where else k,
                       expected="one of " + ", ".join(allowed), suggestion=did_you_mean(k, allowed))


def string(v, file, key, *, required=True):
    if v is None and not required:
        return None
    if not isinstance(v, str) or not v.strip():
        raise err("a non-empty string was expected", file, key, found=show(v))
    return v


def text(v, file, key) -> str:
    """An optional free text (description, source): a string, possibly empty."""
    if v is None:
        return ""
    if not isinstance(v, str):
        raise err("a string was expected", file, key, found=show(v))
    return v


def show(v) -> str:
    text = repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


def number(v, file, key):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise err("a number was expected", file, key, found=show(v))
    if isinstance(v, float) and not math.isfinite(v):
        raise err("a finite number was expected", file, key, found=show(v))
    if v != 0 and not 1e-300 <= abs(v) <= MAX_MAGNITUDE:
        raise err("the number's magnitude is outside 1e-300..1e300", file, key, found=show(v),
                   expected="a number of reasonable magnitude")
    return v


def identifier(name, file, key, what) -> str:
    """A parameter or state-variable name: ASCII identifier, not reserved."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise err(f"{show(name)} is not a valid {what} name", file, key,
                   expected="ASCII letters, digits and underscores, starting with a letter")
    if name in RESERVED_NAMES:
        why = ("the strength of a mechanism" if name == "strength"
               else "a function of the expression language")
        raise err(f"'{name}' is reserved ({why}) and cannot be a {what} name", file, key,
                   expected="another name")
    return name
