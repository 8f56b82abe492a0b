"""Perceived payoffs: what a scenario's ``[perception]`` declares, and the functions of prospect theory.

Prospect theory (Tversky & Kahneman 1992) values an outcome ``x`` against a
reference point ``r`` with the value function

.. math::

    v(d) = d^{\\alpha} \\quad (d = x - r \\ge 0), \\qquad v(d) = -\\lambda (-d)^{\\beta} \\quad (d < 0),

and weighs the probability ``p`` of an uncertain event with
``w(p) = p^γ / (p^γ + (1 - p)^γ)^{1/γ}`` (Tversky–Kahneman, ``γ`` = 0.61 for
gains and 0.69 for losses) or ``w(p) = exp(-δ (-ln p)^γ)`` (Prelec 1998).
Mental accounting (Thaler 1985) values named sets of terms together, each
account against its own reference point.

The behavioural parameters (``alpha``, ``beta``, ``lam``, ``gamma_gain``,
``gamma_loss``, ``delta`` by default) are ordinary game parameters, so every
study (thresholds, sweeps, uncertainty, the explorer, continuation) treats
them like any other.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import sympy

__all__ = ["ROLES", "DEFAULT_NAMES", "DEFAULT_VALUES", "DEFAULT_RANGES", "WEIGHTINGS", "Account", "Frame",
           "PerceptionSpec", "Perception", "value", "weight", "prospect"]

#: the behavioural parameters, by role, in the order they are added to a game
ROLES = ("alpha", "beta", "lambda", "gamma_gain", "gamma_loss", "delta")
#: the scenario parameter each role is called by default (``lambda`` is ``lam``: short, and a valid name)
DEFAULT_NAMES = {"alpha": "alpha", "beta": "beta", "lambda": "lam", "gamma_gain": "gamma_gain",
                 "gamma_loss": "gamma_loss", "delta": "delta"}
#: Tversky & Kahneman's (1992) estimates; Prelec's delta = 1 (his one-parameter form)
DEFAULT_VALUES = {"alpha": "0.88", "beta": "0.88", "lambda": "2.25", "gamma_gain": "0.61",
                  "gamma_loss": "0.69", "delta": "1"}
#: the ranges given to a behavioural parameter the scenario does not declare itself
DEFAULT_RANGES = {"alpha": (0.1, 1.0), "beta": (0.1, 1.0), "lambda": (0.0, 5.0), "gamma_gain": (0.3, 1.0),
                  "gamma_loss": (0.3, 1.0), "delta": (0.1, 2.0)}
DESCRIPTIONS = {"alpha": "prospect theory: curvature of the value function for gains (0 < alpha <= 1)",
                "beta": "prospect theory: curvature of the value function for losses (0 < beta <= 1)",
                "lambda": "prospect theory: loss aversion (a loss weighs lambda times a gain of the same size)",
                "gamma_gain": "probability weighting of gains (1 = no distortion)",
                "gamma_loss": "probability weighting of losses (1 = no distortion)",
                "delta": "Prelec weighting: elevation (1 = Prelec's one-parameter form)"}
#: probability weighting functions: Tversky-Kahneman 1992, Prelec 1998, or none (w(p) = p)
WEIGHTINGS = ("tk", "prelec", "none")


@dataclass(frozen=True)
class Account:
    """A mental account: terms valued together, ``v(sum of the terms' outcomes - reference)``.

    ``kind`` is ``"gain"``, ``"loss"`` or None (the sign of the balance decides,
    piecewise where the declared ranges do not fix it).
    """

    name: str
    terms: tuple
    reference: sympy.Expr = sympy.Integer(0)
    kind: str | None = None


@dataclass(frozen=True)
class Frame:
    """How one population perceives its payoffs: its gain terms, loss terms and mental accounts.

    Each gain or loss term is valued where it appears in a payoff entry,
    ``v(x - reference)`` with ``x`` the term's outcome in that entry; each
    account is valued in every entry (an account none of whose terms appear
    there has the outcome 0).
    """

    gains: tuple = ()
    losses: tuple = ()
    accounts: tuple = ()
    reference: sympy.Expr = sympy.Integer(0)

    @property
    def terms(self) -> tuple:
        """Every declared term: the gains, the losses, then the accounts' terms."""
        return self.gains + self.losses + tuple(t for a in self.accounts for t in a.terms)


@dataclass(frozen=True)
class PerceptionSpec:
    """A parsed ``[perception]`` section.

    Attributes
    ----------
    frames : per population, its :class:`Frame`, or None (objective payoffs).
    probabilities : symbols of the parameters that are probabilities of uncertain events.
    weighting : ``"tk"``, ``"prelec"`` or ``"none"``.
    symbols : role (see :data:`ROLES`) -> the parameter symbol playing it.
    """

    frames: tuple
    probabilities: tuple = ()
    weighting: str = "tk"
    symbols: Mapping = field(default_factory=dict)

    def roles_used(self) -> tuple[str, ...]:
        """The roles whose parameters the perceived game carries."""
        roles = ["alpha", "beta", "lambda"]
        if self.weighting != "none" and self.probabilities:
            roles += ["gamma_gain", "gamma_loss"] + (["delta"] if self.weighting == "prelec" else [])
        return tuple(roles)


@dataclass(frozen=True, eq=False)
class Perception:
    """What the perception did to a game: the declaration, the expected-payoff game and the notes.

    Attributes
    ----------
    spec : the ``PerceptionSpec``.
    expected : the game of expected (objective) payoffs, without the behavioural parameters.
    notes : sentences to show with any analysis (terms kept piecewise, branches assumed).
    """

    spec: PerceptionSpec
    expected: object
    notes: tuple = ()

    def to_dict(self) -> dict:
        pops = [p.name for p in self.expected.populations]
        return {"weighting": self.spec.weighting,
                "parameters": {role: str(s) for role, s in self.spec.symbols.items()
                               if role in self.spec.roles_used()},
                "probabilities": [str(p) for p in self.spec.probabilities],
                "populations": {name: None if f is None else {
                    "gains": [str(t) for t in f.gains], "losses": [str(t) for t in f.losses],
                    "reference": str(f.reference),
                    "accounts": [{"name": a.name, "terms": [str(t) for t in a.terms], "reference": str(a.reference),
                                  "kind": a.kind} for a in f.accounts]}
                    for name, f in zip(pops, self.spec.frames)},
                "notes": list(self.notes)}


def weight(p: sympy.Expr, symbols: Mapping, weighting: str, kind: str) -> sympy.Expr:
    """The decision weight ``w(p)`` of an event of probability ``p`` (``kind`` ``"gain"`` or ``"loss"``).

    Tversky-Kahneman: ``w(p) = p^γ / (p^γ + (1 - p)^γ)^{1/γ}``; Prelec:
    ``w(p) = exp(-δ (-ln p)^γ)``; ``"none"``: ``w(p) = p``.  ``γ`` is
    ``gamma_gain`` or ``gamma_loss`` by ``kind``.
    """
    if weighting == "none" or p == 1:
        return p
    g = symbols["gamma_gain" if kind == "gain" else "gamma_loss"]
    if weighting == "prelec":
        return sympy.exp(-symbols["delta"] * (-sympy.log(p)) ** g)
    return p ** g / (p ** g + (1 - p) ** g) ** (1 / g)


def value(d: sympy.Expr, symbols: Mapping, kind: str) -> sympy.Expr:
    """The value ``v(d)`` of an outcome ``d`` measured from the reference point, on the branch ``kind``.

    ``"gain"``: ``d^α``; ``"loss"``: ``-λ (-d)^β``.
    """
    if d == 0:
        return sympy.Integer(0)
    if kind == "gain":
        return d ** symbols["alpha"]
    return -symbols["lambda"] * (-d) ** symbols["beta"]


def prospect(d: sympy.Expr, p: sympy.Expr, symbols: Mapping, weighting: str, kind: str | None) -> sympy.Expr:
    """``w(p) v(d)`` on the branch ``kind``, or, for ``kind`` None, the exact piecewise form
    ``w⁺(p) d^α`` where ``d >= 0`` and ``-w⁻(p) λ (-d)^β`` elsewhere."""
    if kind is not None:
        return weight(p, symbols, weighting, kind) * value(d, symbols, kind)
    # |d| on each branch equals d (resp. -d) there, and keeps both branches real everywhere, so that a
    # numeric evaluation of the piecewise expression (which computes both) never takes a negative power
    return sympy.Piecewise((weight(p, symbols, weighting, "gain") * value(sympy.Abs(d), symbols, "gain"), d >= 0),
                           (weight(p, symbols, weighting, "loss") * value(-sympy.Abs(d), symbols, "loss"), True))
