"""``[noise]``: the intensities and numerics of the scenario's stochastic evolution paths.

    [noise]
    sigma = 0.5                                   # every population, or
    # sigma = { superior = 0.5, subordinate = 0.2 }
    form = "x"                                    # "x" (sigma x dW) or "x(1-x)"
    scheme = "em"                                 # "em" or "milstein"
    paths = 1000
    dt = 0.01
    seed = 0

See :mod:`evogame.stochastic` for the model.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

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
    from ..stochastic.model import check_scheme, make_noise

    table = data["noise"]
    if not isinstance(table, Mapping):
        raise err("a table was expected", file, "noise", found=show(table))
    check_keys(table, NOISE_KEYS, file, "noise")
    sigma = table.get("sigma")
    form = table.get("form")
    if sigma is not None:
        if isinstance(sigma, Mapping):
            sigma = {k: number(v, file, f"noise.sigma.{k}") for k, v in sigma.items()}
        make_noise(game, sigma, "x" if form is None else form, file=file, section="noise")
    elif form is not None:
        make_noise(game, 0.0, form, file=file, section="noise")
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
