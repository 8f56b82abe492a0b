"""The noise of a stochastic evolutionary game: its forms, intensities and the Wiener components.

Each population ``p`` gets its own noise of intensity ``sigma_p`` (the
Wiener processes of different populations are independent):

``dz_p = F_p(z) dt + sigma_p * g_p(z) dW_p``

on the population's reduced coordinates ``z_p`` (the shares of every
strategy but the last).  Two forms are offered:

* ``"x"`` -- the field's standard form ``dx = F(x) dt + sigma x dW``: every
  reduced coordinate ``z_i`` is multiplied by its own independent Wiener
  process, ``g_i = z_i``.  The noise vanishes where the share is 0, **not**
  where it is 1: a corner with a coordinate equal to 1 is not an equilibrium
  of the SDE, and the exact solution leaves ``[0, 1]`` with positive
  probability.
* ``"x(1-x)"`` -- the noise vanishes on every face.  For a population of two
  strategies ``g = z (1 - z)`` with one Wiener process.  For ``n > 2``
  strategies it is the multiplicative form on the simplex

  ``dx_i = ... + (sigma / sqrt 2) x_i (dW_i - sum_j x_j dW_j)``,  ``i = 1..n``,

  with ``n`` independent Wiener processes ``W_1..W_n`` of the population:
  the noise terms sum to zero (the shares keep summing to 1) and vanish on
  the face ``x_i = 0``.  For ``n = 2`` it is exactly ``sigma x (1 - x) dB``
  with ``B = (W_1 - W_2)/sqrt 2``, the two-strategy form.

Wiener components are laid out population by population, in the order of
the game's populations: ``n_p - 1`` components for the form ``"x"``, 1 for
``"x(1-x)"`` with two strategies, ``n_p`` for ``"x(1-x)"`` with more.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from ...scenario.noise import FORMS, SCHEMES, check_scheme, noise_intensities  # noqa: F401  (the format names them)

SCHEME_NAMES = {"em": "Euler-Maruyama", "milstein": "Milstein"}
#: strong orders of convergence of the schemes (for globally Lipschitz coefficients)
STRONG_ORDER = {"em": 0.5, "milstein": 1.0}


@dataclass(frozen=True)
class NoiseBlock:
    """The noise of one population: where it acts and how.

    Attributes
    ----------
    population : the population's name.
    start, stop : its reduced coordinates ``z[start:stop]``.
    strategies : its number of strategies ``n``.
    sigma : the intensity.
    form : ``"x"`` or ``"x(1-x)"``.
    first : index of its first Wiener component.
    """

    population: str
    start: int
    stop: int
    strategies: int
    sigma: float
    form: str
    first: int

    @property
    def simplex(self) -> bool:
        """The multiplicative form on the simplex (``"x(1-x)"`` with more than two strategies)."""
        return self.form == "x(1-x)" and self.strategies > 2

    @property
    def components(self) -> int:
        """How many Wiener components drive this population."""
        if self.form == "x":
            return self.stop - self.start
        return self.strategies if self.simplex else 1

    @property
    def equation(self) -> str:
        if self.form == "x":
            return f"dz_i = F_i dt + {self.sigma:g} z_i dW_i"
        if not self.simplex:
            return f"dz = F dt + {self.sigma:g} z (1 - z) dW"
        return f"dx_i = F_i dt + {self.sigma:g}/sqrt(2) x_i (dW_i - sum_j x_j dW_j), i = 1..{self.strategies}"


@dataclass(frozen=True)
class Noise:
    """Noise settings: intensities per population and the form.

    Attributes
    ----------
    sigma : population name -> intensity ``sigma_p >= 0`` (a population not
        named has no noise).
    form : ``"x"`` (the field's standard ``sigma x dW``) or ``"x(1-x)"``.
    """

    sigma: Mapping[str, float]
    form: str = "x"

    def blocks(self, game) -> list[NoiseBlock]:
        """One :class:`NoiseBlock` per population (intensity 0 where none is given)."""
        out, first = [], 0
        for pop, sl in zip(game.populations, game.slices()):
            block = NoiseBlock(pop.name, sl.start, sl.stop, pop.n, float(self.sigma.get(pop.name, 0.0)),
                               self.form, first)
            first += block.components
            out.append(block)
        return out

    def to_dict(self) -> dict:
        return {"sigma": dict(self.sigma), "form": self.form}


def make_noise(game, sigma, form: str = "x", *, file: str | None = None, section: str | None = None) -> Noise:
    """Checked :class:`Noise` from ``sigma``: one number for every population, or ``{population: number}``
    (the checks, and the errors naming the key or argument, are the format's: ``noise_intensities``)."""
    return Noise(noise_intensities(game, sigma, form, file=file, section=section), form)


