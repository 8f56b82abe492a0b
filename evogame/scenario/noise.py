"""``[noise]``: the intensities and numerics of the scenario's stochastic evolution paths.

    [noise]
    sigma = 0.5                                   # every population, or
    # sigma = { superior = 0.5, subordinate = 0.2 }
    form = "x"                                    # "x" (sigma x dW) or "x(1-x)"
    scheme = "em"                                 # "em" or "milstein"
    paths = 1000
    dt = 0.01
    seed = 0

See :mod:`evogame.studies.stochastic` for the model.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

from ..errors import ScenarioError, did_you_mean
from .checks import NOISE_KEYS, check_keys, err, number, show


@dataclass(frozen=True)
class NoiseSettings:
    """The scenario's ``[noise]`` table (None: the command's or library's default)."""

    sigma: float | Mapping[str, float] | None = None
    form: str | None = None
    scheme: str | None = None
    paths: int | None = None
    dt: float | None = None
    seed: int | None = None

    def to_dict(self) -> dict:
        sigma = dict(self.sigma) if isinstance(self.sigma, Mapping) else self.sigma
        return {"sigma": sigma, "form": self.form, "scheme": self.scheme, "paths": self.paths, "dt": self.dt,
                "seed": self.seed}


def parse_noise(data: Mapping[str, Any], game, file: str) -> NoiseSettings | None:
    """The ``[noise]`` settings, checked; None when the section is absent."""
    if "noise" not in data:
        return None
    table = data["noise"]
    if not isinstance(table, Mapping):
        raise err("a table was expected", file, "noise", found=show(table))
    check_keys(table, NOISE_KEYS, file, "noise")
    sigma = table.get("sigma")
    form = table.get("form")
    if sigma is not None:
        if isinstance(sigma, Mapping):
            sigma = {k: number(v, file, f"noise.sigma.{k}") for k, v in sigma.items()}
        noise_intensities(game, sigma, "x" if form is None else form, file=file, section="noise")
    elif form is not None:
        noise_intensities(game, 0.0, form, file=file, section="noise")
    scheme = table.get("scheme")
    if scheme is not None:
        check_scheme(scheme, file=file, key="noise.scheme")
    paths = _whole(table.get("paths"), file, "noise.paths", 1, 10_000_000)
    seed = _whole(table.get("seed"), file, "noise.seed", 0, 2 ** 63 - 1)
    dt = table.get("dt")
    if dt is not None and not (number(dt, file, "noise.dt") > 0):
        raise err("a positive step was expected", file, "noise.dt", found=show(dt))
    return NoiseSettings(sigma, form, scheme, paths, None if dt is None else float(dt), seed)


def _whole(v, file, key, lo, hi):
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise err(f"a whole number from {lo} to {hi} was expected", file, key, found=show(v))
    return v

#: the noise forms and schemes (the stochastic engine reads them from here: the format names them)
FORMS = ("x", "x(1-x)")
SCHEMES = ("em", "milstein")


def noise_intensities(game, sigma, form: str = "x", *, file: str | None = None,
                      section: str | None = None) -> dict:
    """Checked intensities ``{population: sigma}`` from one number or ``{population: number}``, and the form.

    Errors are :class:`~evogame.errors.ScenarioError` naming the key
    ``section.sigma`` / ``section.form`` of ``file`` (a scenario's
    ``[noise]``), or the arguments ``noise`` / ``form`` of a library call.
    """
    def where(name, argument):
        return {"file": file, "key": f"{section}.{name}" if section else None,
                "argument": None if section else argument}

    if form not in FORMS:
        raise ScenarioError(f"unknown noise form {form!r}", **where("form", "form"),
                            expected="'x' (sigma x dW) or 'x(1-x)' (noise vanishing on the boundary)",
                            suggestion=did_you_mean(str(form), FORMS))
    names = [p.name for p in game.populations]
    if isinstance(sigma, Mapping):
        for name in sigma:
            if name not in names:
                raise ScenarioError(f"unknown population '{name}'", **where("sigma", "noise"),
                                    expected="one of " + ", ".join(names), suggestion=did_you_mean(str(name), names))
        return {name: _intensity(v, where("sigma", "noise")) for name, v in sigma.items()}
    value = _intensity(sigma, where("sigma", "noise"))
    return {name: value for name in names}


def _intensity(v, where) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0 or v > 1e6:
        raise ScenarioError("a noise intensity must be a finite number >= 0", **where,
                            expected="sigma >= 0 (e.g. 0.5)", found=repr(v))
    return float(v)


def check_scheme(scheme: str, *, file: str | None = None, key: str | None = None,
                 argument: str | None = "scheme") -> str:
    if scheme not in SCHEMES:
        raise ScenarioError(f"unknown scheme {scheme!r}", file=file, key=key, argument=None if key else argument,
                            expected="'em' (Euler-Maruyama) or 'milstein'", suggestion=did_you_mean(str(scheme), SCHEMES))
    return scheme
