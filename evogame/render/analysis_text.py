"""The terminal text of an analysis (``evogame analyze``), as a document rendered in plain text.

Expressions are printed by ``sympy.sstr`` and numbers with four significant
digits (:func:`evogame.util.formatting.number`), so that the tables fit a terminal.
"""
from __future__ import annotations

import sympy

from ..util.formatting import number
from ..game.model import Game
from .document import BulletList, Column, Document, Heading, Paragraph, Table, inline
from .phrases import (classification_rule, coordinates_header, coordinates_text, eigenvalues_text,
                             state_variables)
from .plain import block_text, plain_text
from .stability_section import stability_sections, stability_table_blocks, symbolic_blocks
from .vocabulary import WORDS, classification_name, point_label, population_name, strategy_name
from ..game.faces import face_label

__all__ = ["analysis_text", "analysis_document", "payoff_text"]

_DIGITS = 4
_ZERO_IMAGINARY = 1e-12   # float64 eigenvalues of a real matrix: a tinier imaginary part is noise


def analysis_text(analysis, lang: str = "en", stability=None) -> str:
    """Payoff table, replicator equations, rest points, continua, notes and the time taken (``lang``: the
    names of populations, strategies and classes in English or, with the scenario's labels, Chinese;
    ``stability``: the analysis's stability table when the caller has built it)."""
    return plain_text(analysis_document(analysis, lang, stability)) + f"\n(analysis took {analysis.seconds:.2f} s)"


def _equations_heading(dynamics: str) -> str:
    """``Replicator equations`` (as always), or ``Equations of the dynamics logit:eta=0.5``."""
    return "Replicator equations" if dynamics == "replicator" else f"Equations of the dynamics {dynamics}"


def analysis_document(analysis, lang: str = "en", stability=None) -> Document:
    """The analysis as a document: state, parameters, payoffs, equations, rest
    points and, when derived, the symbolic stability conditions."""
    game = analysis.game
    values = ", ".join(f"{n}={number(float(v))}" for n, v in analysis.values.items())
    words = _TEXT_WORDS if lang == "en" else WORDS[lang]
    blocks = [Paragraph(inline(f"{words['state_vars']}: ", *state_variables(game, lang))),
              Paragraph(inline(f"{words['parameters']}: {values or words['none']}")),
              Heading(inline(words["payoffs"])), *_payoff_blocks(game, lang),
              Heading(inline(_equations_heading(analysis.dynamics) if lang == "en"
                             else _zh_equations_heading(analysis.dynamics))),
              *(Paragraph(inline(f"d{e.lhs.args[0]}/dt = {sympy.sstr(e.rhs)}")) for e in analysis.equations()),
              Heading(inline(words["restpoints"])), *_rest_point_blocks(analysis, lang)]
    if analysis.symbolic_rest_points is not None:
        blocks += stability_sections(analysis, lang) if stability is None else \
            [*stability_table_blocks(stability, lang), *symbolic_blocks(analysis, lang, stability)]
    if analysis.notes:
        blocks += [Heading(inline("Notes"), level=3), BulletList(tuple(inline(n) for n in analysis.notes))]
    return Document(game.title, tuple(blocks))


def payoff_text(game: Game, lang: str = "en") -> str:
    """The payoff table (or matrix, or expected payoffs) as aligned text."""
    return "\n".join(block_text(b) for b in _payoff_blocks(game, lang))


#: the terminal's own English words where they differ from the report's
_TEXT_WORDS = {"state_vars": "State", "parameters": "Parameters", "none": "none", "payoffs": "Payoffs",
               "restpoints": "Rest points"}


def _zh_equations_heading(dynamics: str) -> str:
    return WORDS["zh"]["equations"] if dynamics == "replicator" else f"{WORDS['zh']['equations_of']} {dynamics}"


def _table(header, rows) -> Table:
    return Table((Column(),) * len(header), tuple(inline(h) for h in header),
                 tuple(tuple(inline(c) for c in row) for row in rows))


def _payoff_blocks(game: Game, lang: str = "en") -> list:
    names = [population_name(p, lang) for p in game.populations]
    strategies = [[strategy_name(p, i, lang) for i in range(p.n)] for p in game.populations]
    if game.payoff_table is not None:
        header = names + [f"u_{name}" for name in names]
        rows = [[s[i] for s, i in zip(strategies, idx)] + [sympy.sstr(u) for u in payoffs]
                for idx, payoffs in sorted(game.payoff_table.items())]
        return [_table(header, rows)]
    if game.matrix is not None:
        header = [WORDS[lang]["row_vs_column"].format(names[0])] + strategies[0]
        return [_table(header, [[s] + [sympy.sstr(a) for a in row] for s, row in zip(strategies[0], game.matrix)])]
    return [Paragraph(inline(f"f[{name}.{s}] = {sympy.sstr(f)}"))
            for name, ss, fp in zip(names, strategies, game.fitness) for s, f in zip(ss, fp)]


def _rest_point_blocks(analysis, lang: str = "en") -> list:
    # a mixed point's label says "mixed": its shares are the coordinates beside it (the table fits 100 columns)
    rows = [(p.name, coordinates_text(p.state, _DIGITS), point_label(analysis.game, p.support, lang),
             eigenvalues_text(p.eigenvalues, _DIGITS, _ZERO_IMAGINARY), classification_name(p.classification, lang))
            for p in analysis.rest_points]
    words = WORDS[lang]
    header = ("point", coordinates_header(analysis.game), "rest point", "eigenvalues", "classification") \
        if lang == "en" else (words["point"], coordinates_header(analysis.game), words["rest_point"],
                              words["eigenvalues"], words["class"])
    blocks = [_table(header, rows)]
    blocks += [Paragraph(inline(f"continuum on face {face_label(analysis.game, c.support)} (dimension {c.dimension}): "
                                + (", ".join(c.equations) or "the whole face"))) for c in analysis.continua]
    blocks.append(Paragraph(classification_rule(analysis.rest_points, analysis.rtol)))
    return blocks
