"""Phrases that the report and the terminal text both say about a game and its analysis.

Each returns inline content (or a string) built once, for every back end.
"""
from __future__ import annotations

from typing import Sequence

import sympy

from ..util.formatting import complex_number, number
from ..game import Game
from ..solvers.stability import BAUER_FIKE
from .document import LATEX, MARKDOWN, PLAIN, Math, Notation, Only, inline, join

__all__ = ["shares_text", "coordinates_text", "coordinates_header", "eigenvalues_text", "state_variables",
           "classification_rule"]

_RE = Notation(r"|\mathrm{Re}\,\lambda|", "|Re|")
_LE = Notation(r"\le", "<=")
_MAX_J = Notation(r"\max|J_{ij}|", "max|J_ij|")


def shares_text(shares: Sequence[Sequence[float]], digits: int) -> str:
    """A state as one probability vector per population: ``(0.5, 0.5); (1, 0)``."""
    return "; ".join("(" + ", ".join(number(v, digits) for v in vec) + ")" for vec in shares)


def coordinates_header(game: Game) -> str:
    """The declared state variables as the papers write a point: ``(x, y)`` (``x`` alone for one)."""
    names = [str(v) for v in game.variables]
    return names[0] if len(names) == 1 else "(" + ", ".join(names) + ")"


def coordinates_text(state: Sequence[float], digits: int) -> str:
    """A state in the declared variables: ``(1, 0)`` for ``(x, y)``; one number for one variable."""
    values = [number(v, digits) for v in state]
    return values[0] if len(values) == 1 else "(" + ", ".join(values) + ")"


def eigenvalues_text(eigenvalues, digits: int, zero: float = 0.0) -> str:
    """Complex eigenvalues as ``a``, ``a+bi`` or ``a-bi``, comma separated
    (an imaginary part with ``|im| <= zero`` left out)."""
    return ", ".join(complex_number(e.real, e.imag, digits, zero=zero) for e in eigenvalues)


def state_variables(game: Game, lang: str = "en") -> tuple:
    """What each state variable is: ``x = share of superior playing strict, …`` (in ``zh`` with the
    scenario's Chinese labels: ``x = 上级政府选择严格监管的比例``).

    LaTeX has always written the shorter ``x: superior playing strict; …``.
    """
    from .vocabulary import WORDS, population_name, strategy_name

    others, words, zh = (MARKDOWN, PLAIN), WORDS[lang], lang == "zh"
    pieces = [inline(Math(sympy.latex(v), str(v)), Only(others, words["share_of"]), Only((LATEX,), "：" if zh else ": "),
                     population_name(pop, lang), words["playing"], strategy_name(pop, i, lang), words["share_end"])
              for pop, sl in zip(game.populations, game.slices()) for i, v in enumerate(game.variables[sl])]
    return join(pieces, Only(others, "，" if zh else ", "), Only((LATEX,), "；" if zh else "; "))


def classification_rule(rest_points: Sequence, rtol: float) -> tuple:
    """One sentence per rule that classified ``rest_points`` (empty when there are none).

    Exact points decide a zero real part exactly; algebraic points count
    ``|Re λ| <= 1e-30 max(1, max|J_ij|)`` as zero, numeric ones
    ``|Re λ| <= rtol max(1, max|J_ij|)``.
    """
    how = {p.classified_by for p in rest_points}
    rules = []
    if any(h.startswith("exact (") for h in how):
        rules.append(inline("points found exactly with a rational Jacobian: a zero real part is decided exactly "
                            "(no tolerance)"))
    if any(h.startswith(BAUER_FIKE) for h in how):
        rules.append(inline("points found exactly in more than 3 dimensions: the signs of all real parts are "
                            "proved by a Bauer-Fike bound on the float64 eigenvalues of the exact Jacobian (so none "
                            "is zero); where the bound does not decide, a zero real part is decided exactly"))
    if any(h.startswith("60-digit") for h in how):
        rules.append(inline("points with algebraic coordinates: 60-digit eigenvalues, ", _RE, " ", _LE,
                            " 1e-30 x max(1, ", _MAX_J, ") counts as zero"))
    if any(h.startswith("float64") for h in how):
        rules.append(inline("points found numerically: ", _RE, " ", _LE, f" {rtol:g} x max(1, ", _MAX_J,
                            ") counts as zero"))
    kinks = [p for p in rest_points if p.classified_by.startswith("no Jacobian")]
    if kinks:
        rules.append(inline("points where the field has a kink: not differentiable, no linear classification ("
                            + "; ".join(f"{p.label}: {p.classified_by.split('; ', 1)[-1]}" for p in kinks) + ")"))
    if not rules:
        return ()
    return inline("Classification: ", *join(rules, "; "),
                  ". A positive real part means unstable, whatever the other eigenvalues (Lyapunov); with a zero "
                  "real part beside it: unstable (non-hyperbolic). A zero real part and none positive means "
                  "non-hyperbolic (linearisation decides nothing there).")
