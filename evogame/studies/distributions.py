"""Distributions of uncertain parameters: ``NAME=uniform:LO:HI``, ``normal:MU:SD``, ``triangular:LO:MODE:HI``.

A distribution maps a point ``u`` of the unit interval to a parameter value
by its inverse distribution function (``ppf``), so the same quasi-random
design in ``[0, 1]^D`` (SALib's Saltelli design) and the same independent
uniform draws serve every distribution:

* ``uniform:LO:HI`` -- ``LO + (HI - LO) u`` (SALib ``unif``, bounds ``[LO, HI]``);
* ``normal:MU:SD`` -- ``MU + SD Phi^{-1}(u)`` (SALib ``norm``, bounds ``[MU, SD]``);
* ``triangular:LO:MODE:HI`` -- the triangular distribution on ``[LO, HI]``
  with its peak at ``MODE`` (SALib ``triang``, bounds ``[LO, HI, c]`` with
  ``c = (MODE - LO) / (HI - LO)``).

Uniform and triangular supports must lie inside the parameter's declared
range; a normal distribution's draws may leave it (the study notes how often).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import ScenarioError, did_you_mean

__all__ = ["Distribution", "parse_distribution", "KINDS"]

#: kind -> the numbers after it, in words
KINDS = {"uniform": "LO:HI", "normal": "MU:SD", "triangular": "LO:MODE:HI"}
EXAMPLE = "NAME=uniform:LO:HI, NAME=normal:MU:SD or NAME=triangular:LO:MODE:HI, e.g. c_D=uniform:0:5"


@dataclass(frozen=True)
class Distribution:
    """One uncertain parameter: its name, the kind of distribution and its numbers (as written)."""

    name: str
    kind: str
    numbers: tuple

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """The inverse distribution function at ``u`` in (0, 1): values distributed as the parameter."""
        u = np.asarray(u, dtype=float)
        if self.kind == "uniform":
            lo, hi = self.numbers
            return lo + (hi - lo) * u
        if self.kind == "normal":
            from scipy.special import ndtri
            mu, sd = self.numbers
            return mu + sd * ndtri(u)
        lo, mode, hi = self.numbers
        c = (mode - lo) / (hi - lo)
        # F(x) = (x - lo)^2 / ((hi - lo)(mode - lo)) below the mode, so its inverse is a square root
        left = lo + np.sqrt(u * (hi - lo) * (mode - lo))
        right = hi - np.sqrt((1 - u) * (hi - lo) * (hi - mode))
        return np.where(u < c, left, right)

    @property
    def mean(self) -> float:
        if self.kind == "normal":
            return self.numbers[0]
        return sum(self.numbers) / len(self.numbers)   # (LO + HI)/2, or (LO + MODE + HI)/3

    @property
    def variance(self) -> float:
        if self.kind == "uniform":
            lo, hi = self.numbers
            return (hi - lo) ** 2 / 12
        if self.kind == "normal":
            return self.numbers[1] ** 2
        a, c, b = self.numbers
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18

    @property
    def support(self) -> tuple[float, float]:
        if self.kind == "normal":
            return (-math.inf, math.inf)
        return (self.numbers[0], self.numbers[-1])

    def salib(self) -> tuple[str, list]:
        """SALib's name and bounds of this distribution (its ``problem["dists"]`` / ``["bounds"]`` entries)."""
        if self.kind == "uniform":
            return "unif", list(self.numbers)
        if self.kind == "normal":
            return "norm", list(self.numbers)
        lo, mode, hi = self.numbers
        return "triang", [lo, hi, (mode - lo) / (hi - lo)]

    def text(self) -> str:
        return f"{self.name}={self.kind}:" + ":".join(f"{v:g}" for v in self.numbers)

    def to_dict(self) -> dict:
        dist, bounds = self.salib()
        return {"name": self.name, "distribution": self.kind, "numbers": list(self.numbers),
                "mean": self.mean, "variance": self.variance, "salib_dist": dist, "salib_bounds": bounds}


def parse_distribution(text: str) -> Distribution:
    """``"c_D=uniform:0:5"`` -> ``Distribution("c_D", "uniform", (0.0, 5.0))`` (checked: LO < HI, SD > 0...)."""
    def bad(message, expected=EXAMPLE):
        return ScenarioError(f"'{text}': {message}", argument="distributions", expected=expected)

    if not isinstance(text, str) or "=" not in text:
        raise bad("not NAME=KIND:NUMBERS")
    name, spec = (s.strip() for s in text.split("=", 1))
    if not name:
        raise bad("no parameter name before '='")
    kind, *rest = spec.split(":")
    kind = kind.strip().lower()
    if kind not in KINDS:
        hint = did_you_mean(kind, KINDS)
        raise bad(f"unknown distribution '{kind}'" + (f" (did you mean '{hint}'?)" if hint else ""),
                  "one of " + ", ".join(f"{k}:{v}" for k, v in KINDS.items()))
    expected = f"{kind}:{KINDS[kind]}"
    if len(rest) != len(KINDS[kind].split(":")):
        raise bad(f"{kind} takes {len(KINDS[kind].split(':'))} numbers, found {len(rest)}", expected)
    try:
        numbers = tuple(float(v) for v in rest)
    except ValueError:
        raise bad(f"'{':'.join(rest)}' are not numbers", expected) from None
    if not all(math.isfinite(v) for v in numbers):
        raise bad("the numbers must be finite", expected)
    if kind == "uniform" and not numbers[0] < numbers[1]:
        raise bad("needs LO < HI", expected)
    if kind == "normal" and not numbers[1] > 0:
        raise bad("needs a standard deviation SD > 0", expected)
    if kind == "triangular" and not (numbers[0] <= numbers[1] <= numbers[2] and numbers[0] < numbers[2]):
        raise bad("needs LO <= MODE <= HI and LO < HI", expected)
    return Distribution(name, kind, numbers)
