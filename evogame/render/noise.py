"""The stochastic stability of pure profiles as document blocks (``evogame analyze --noise``, the report).

Built once as data (:mod:`evogame.render.document`); the plain-text,
Markdown and LaTeX back ends render them.
"""
from __future__ import annotations

import sympy

from ..formatting import number
from .document import Column, Heading, Notation, Paragraph, Table, inline
from .plain import block_text

_DIGITS = 4


def stochastic_stability_blocks(result) -> list:
    """Heading, the noise, a table (one row per pure profile), the symbolic conditions and the theorem."""
    p = result.p
    noise = ", ".join(f"sigma_{name} = {number(v, _DIGITS)}" for name, v in result.noise.sigma.items())
    form = "sigma x dW" if result.noise.form == "x" else "sigma x(1-x) dW (multiplicative on the simplex for more strategies)"
    header = ("pure profile", "deterministic", "SDE equilibrium", "a - b^2/2", "almost surely",
              f"a + (p-1) b^2/2, p = {number(p, _DIGITS)}", "p-th moment")
    rows = []
    for c in result.corners:
        exps = ", ".join(f"{number(k.lyapunov, _DIGITS)}" for k in c.coordinates) if c.equilibrium else "-"
        moms = ", ".join(f"{number(k.moment_exponent(p), _DIGITS)}" for k in c.coordinates) if c.equilibrium else "-"
        rows.append((c.label, c.deterministic, "yes" if c.equilibrium else "no", exps, c.almost_sure, moms, c.moment))
    blocks = [Heading(inline(f"Stochastic stability of the pure profiles (noise {form})")),
              Paragraph(inline(f"Noise: {noise}. Distance coordinates at a corner: the shares of the strategies not "
                               "played; linearised there, du_i = a_i u_i dt + b_i u_i dB_i with b_i = sigma_p.")),
              Table((Column(),) * len(header), tuple(inline(h) for h in header),
                    tuple(tuple(inline(cell) for cell in row) for row in rows))]
    for c in result.corners:
        blocks.append(Paragraph(_corner_line(c, p)))
    blocks.append(Paragraph(inline("Theorem: " + result.theorem)))
    return blocks


def _expr(e) -> Notation:
    """A sympy expression or relation: math in LaTeX, ``sstr`` in Markdown and plain text."""
    return Notation(sympy.latex(e), sympy.sstr(e))


def _corner_line(c, p) -> tuple:
    coords = []
    for k in c.coordinates:
        coords += [f"{'; ' if coords else ''}{k.coordinate}: a = ", _expr(k.a), f" = {number(k.a_value, _DIGITS)}, b = ",
                   _expr(k.b)]
    moment = f"p-th moment (p = {number(p, _DIGITS)}) iff "
    if not c.equilibrium:
        parts = [f"{c.label}: not an equilibrium of the SDE -- {c.reason}."]
        if c.conditions:
            parts += [" Substitute model: a.s. iff ", _expr(c.conditions["substitute_almost_sure"]), "; " + moment,
                      _expr(c.conditions["substitute_moment"]), "."]
        return inline(*parts)
    if not c.diagonal:
        return inline(f"{c.label}: linearised drift not diagonal; {c.method}. ", *coords)
    return inline(f"{c.label}: ", *coords, ". Almost surely exponentially stable iff ",
                  _expr(c.conditions["almost_sure"]), "; " + moment, _expr(c.conditions["moment"]),
                  f" ({c.method}).")


def stochastic_stability_text(result) -> str:
    """The blocks as plain text."""
    return "\n\n".join(block_text(b) for b in stochastic_stability_blocks(result))
