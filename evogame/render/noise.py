"""The stochastic stability of pure profiles as document blocks (``evogame analyze --noise``, the report).

Built once as data (:mod:`evogame.render.document`); the plain-text,
Markdown and LaTeX back ends render them.
"""
from __future__ import annotations

import sympy

from ..util.formatting import number
from .document import Column, Heading, Notation, Paragraph, Table, inline
from .plain import block_text

_DIGITS = 4
#: paragraph columns (fractions of the line width) so that the LaTeX table fits the text width
_COLUMNS = tuple(Column(width=w) for w in (0.09, 0.13, 0.1, 0.08, 0.13, 0.08, 0.13, 0.08))


def stochastic_stability_blocks(result) -> list:
    """Heading, the noise, a table (one row per pure profile), the symbolic conditions and the theorems."""
    p = result.p
    noise = ", ".join(f"sigma_{name} = {number(v, _DIGITS)}" for name, v in result.noise.sigma.items())
    form = "sigma x dW" if result.noise.form == "x" else "sigma x(1-x) dW (multiplicative on the simplex for more strategies)"
    header = ("pure profile", "deterministic", "linearised drift", "a - b^2/2", "almost surely",
              f"a + (p-1) b^2/2, p = {number(p, _DIGITS)}", "p-th moment", "theorems")
    rows = []
    for c in result.corners:
        exps = ", ".join(f"{number(k.lyapunov, _DIGITS)}" for k in c.coordinates) if c.equilibrium else ""
        moms = ", ".join(f"{number(k.moment_exponent(p), _DIGITS)}" for k in c.coordinates) if c.equilibrium else ""
        rows.append((c.label, c.deterministic, _drift(c), exps or "-", c.almost_sure, moms or "-", c.moment,
                     ", ".join(c.theorems) or "-"))
    blocks = [Heading(inline(f"Stochastic stability of the pure profiles (noise {form})")),
              Paragraph(inline(f"Noise: {noise}. Distance coordinates at a corner: the shares of the strategies not "
                               "played; linearised there, du_i = (sum_j A_ij u_j) dt + b_i u_i dB_i with "
                               "b_i = sigma_p, a_i = A_ii. Where the field has a kink at the corner (not "
                               "differentiable, as in the rest-point table) A is the one-sided linearisation on the "
                               "simplex.")),
              Table(_COLUMNS, tuple(inline(h) for h in header),
                    tuple(tuple(inline(cell) for cell in row) for row in rows), small=True)]
    for c in result.corners:
        blocks.append(Paragraph(_corner_line(c, p)))
    blocks.append(Paragraph(inline("Theorems: " + result.theorem)))
    return blocks


def _drift(c) -> str:
    """The table's short word for the linearised drift."""
    if c.linearisation == "none":
        return "none (no linearisation)"
    if not c.equilibrium:
        return "-"
    return f"one-sided, {c.structure}" if c.linearisation == "one-sided" else c.structure


def _expr(e) -> Notation:
    """A sympy expression or relation: math in LaTeX, ``sstr`` in Markdown and plain text."""
    return Notation(sympy.latex(e), sympy.sstr(e))


def _corner_line(c, p) -> tuple:
    coords = []
    for k in c.coordinates:
        coords += [f"{'; ' if coords else ''}{k.coordinate}: a = ", _expr(k.a), f" = {number(k.a_value, _DIGITS)}, b = ",
                   _expr(k.b)]
    moment = f"p-th moment (p = {number(p, _DIGITS)}) iff "
    if c.linearisation == "none":
        return inline(f"{c.label}: {c.deterministic}; no theorem applies -- {c.reason}.")
    if not c.equilibrium:
        parts = [f"{c.label}: not an equilibrium of the SDE -- {c.reason}."]
        if c.conditions:
            parts += [" Substitute model: a.s. iff ", _expr(c.conditions["substitute_almost_sure"]), "; " + moment,
                      _expr(c.conditions["substitute_moment"]), "."]
        return inline(*parts)
    if c.structure == "coupled":
        return inline(f"{c.label}: linearised drift coupled; {c.method}. ", *coords)
    region = [" Where ", _expr(c.conditions["region"]), " (the signs, at the values, of the arguments of [.]_+ at "
              "the corner, which this linearisation assumes)."] if "region" in c.conditions else []
    return inline(f"{c.label}: ", *coords, ". Almost surely exponentially stable iff ",
                  _expr(c.conditions["almost_sure"]), "; " + moment, _expr(c.conditions["moment"]),
                  f" ({c.method}).", *region)


def stochastic_stability_text(result) -> str:
    """The blocks as plain text."""
    return "\n\n".join(block_text(b) for b in stochastic_stability_blocks(result))
