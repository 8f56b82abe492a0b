"""The terminal text of an analysis (``evogame analyze``), as a document rendered in plain text.

Expressions are printed by ``sympy.sstr`` and numbers with four significant
digits (:func:`evogame.formatting.number`), so that the tables fit a terminal.
"""
from __future__ import annotations

import sympy

from .formatting import number
from .game import Game
from .render.document import BulletList, Column, Document, Heading, Paragraph, Table, inline
from .render.phrases import (classification_rule, coordinates_header, coordinates_text, eigenvalues_text,
                             state_variables)
from .render.plain import block_text, plain_text
from .render.stability_section import stability_table_blocks, symbolic_blocks
from .stability_table import stability_table
from .faces import face_label

__all__ = ["analysis_text", "analysis_document", "payoff_text"]

_DIGITS = 4
_ZERO_IMAGINARY = 1e-12   # float64 eigenvalues of a real matrix: a tinier imaginary part is noise


def analysis_text(analysis) -> str:
    """Payoff table, replicator equations, rest points, continua, notes and the time taken."""
    return plain_text(analysis_document(analysis)) + f"\n(analysis took {analysis.seconds:.2f} s)"


def _equations_heading(dynamics: str) -> str:
    """``Replicator equations`` (as always), or ``Equations of the dynamics logit:eta=0.5``."""
    return "Replicator equations" if dynamics == "replicator" else f"Equations of the dynamics {dynamics}"


def analysis_document(analysis) -> Document:
    """The analysis as a document: state, parameters, payoffs, equations, rest
    points and, when derived, the symbolic stability conditions."""
    game = analysis.game
    values = ", ".join(f"{n}={number(float(v))}" for n, v in analysis.values.items())
    blocks = [Paragraph(inline("State: ", *state_variables(game))),
              Paragraph(inline(f"Parameters: {values}" if values else "Parameters: none")),
              Heading(inline("Payoffs")), *_payoff_blocks(game),
              Heading(inline(_equations_heading(analysis.dynamics))),
              *(Paragraph(inline(f"d{e.lhs.args[0]}/dt = {sympy.sstr(e.rhs)}")) for e in analysis.equations()),
              Heading(inline("Rest points")), *_rest_point_blocks(analysis)]
    if analysis.symbolic_rest_points is not None:
        blocks += [*stability_table_blocks(stability_table(analysis)), *symbolic_blocks(analysis)]
    if analysis.notes:
        blocks += [Heading(inline("Notes"), level=3), BulletList(tuple(inline(n) for n in analysis.notes))]
    return Document(game.title, tuple(blocks))


def payoff_text(game: Game) -> str:
    """The payoff table (or matrix, or expected payoffs) as aligned text."""
    return "\n".join(block_text(b) for b in _payoff_blocks(game))


def _table(header, rows) -> Table:
    return Table((Column(),) * len(header), tuple(inline(h) for h in header),
                 tuple(tuple(inline(c) for c in row) for row in rows))


def _payoff_blocks(game: Game) -> list:
    if game.payoff_table is not None:
        header = [p.name for p in game.populations] + [f"u_{p.name}" for p in game.populations]
        rows = [[p.strategies[i] for p, i in zip(game.populations, idx)] + [sympy.sstr(u) for u in payoffs]
                for idx, payoffs in sorted(game.payoff_table.items())]
        return [_table(header, rows)]
    if game.matrix is not None:
        pop = game.populations[0]
        header = [f"{pop.name} (row vs column)"] + list(pop.strategies)
        return [_table(header, [[s] + [sympy.sstr(a) for a in row] for s, row in zip(pop.strategies, game.matrix)])]
    return [Paragraph(inline(f"f[{pop.name}.{s}] = {sympy.sstr(f)}"))
            for pop, fp in zip(game.populations, game.fitness) for s, f in zip(pop.strategies, fp)]


def _rest_point_blocks(analysis) -> list:
    rows = [(p.name, coordinates_text(p.state, _DIGITS), p.label,
             eigenvalues_text(p.eigenvalues, _DIGITS, _ZERO_IMAGINARY), p.classification)
            for p in analysis.rest_points]
    header = ("point", coordinates_header(analysis.game), "rest point", "eigenvalues", "classification")
    blocks = [_table(header, rows)]
    blocks += [Paragraph(inline(f"continuum on face {face_label(analysis.game, c.support)} (dimension {c.dimension}): "
                                + (", ".join(c.equations) or "the whole face"))) for c in analysis.continua]
    blocks.append(Paragraph(classification_rule(analysis.rest_points, analysis.rtol)))
    return blocks
