"""The report as a document: the sections a paper prints about one scenario, built once.

:func:`report_document` turns the results (the analysis, the thresholds,
the figures drawn) into a :class:`~evogame.render.document.Document`; the
Markdown and LaTeX back ends render that one document.  The sections, in
order: what was analysed, the parameters, the payoffs, the replicator
equations, the rest points (eigenvalues, classification, continua), the
stability table (symbolic eigenvalues, their signs, the conclusion), the
symbolic stability conditions, the thresholds of the mechanisms, the figures
and the notes.  Numbers have six significant digits
(:func:`evogame.util.formatting.number`).
"""
from __future__ import annotations

from typing import Sequence

import sympy

from ..dynamics import derive
from ..errors import ScenarioError
from ..scenario.expressions import parse_expression
from ..util.formatting import number
from ..game import Game
from ..game.faces import face_label
from ..scenario import STRENGTH, strength_symbol
from .document import (LATEX, MARKDOWN, PLAIN, Break, BulletList, Code, Column, Display, Document, Equations,
                       Figure, Heading, Math, Notation, Only, Paragraph, Table, inline)
from .latex import escape as latex_escape
from .phrases import classification_rule, coordinates_header, coordinates_text, eigenvalues_text, state_variables
from .stability_section import stability_sections, stability_table_blocks, symbolic_blocks
from .vocabulary import (WORDS, capitalised, classification_name, point_label, population_name, profile_support,
                         strategy_name, threshold_meaning_zh)

__all__ = ["report_document", "payoff_blocks"]

_DIGITS = 6
_STRENGTH = Notation("s", "s")
_NOT_LATEX = (MARKDOWN, PLAIN)


def report_document(scenario, game: Game, analysis, mechanisms: Sequence[str], thresholds: Sequence[dict],
                    figures: Sequence, skipped: Sequence[tuple[str, str]], lang: str, *, stochastic=None,
                    extra: Sequence = (), stability=None) -> Document:
    """The report on ``analysis`` of ``game`` (the scenario's game with ``mechanisms`` applied).

    ``thresholds`` are ``ThresholdResult.to_dict()`` (or ``{"error": …}``)
    with the ``mechanisms`` they apply; ``figures`` the figures drawn (kind,
    name, caption, files) and ``skipped`` ``(kind, reason)`` for the others;
    ``stochastic`` the stochastic stability of the pure profiles, if any
    (:mod:`evogame.render.noise`).
    ``extra`` blocks (e.g. the finite-population section) come before the figures.
    ``stability``: the analysis's stability table when the caller has built it (else it is built here).
    """
    from .noise import stochastic_stability_blocks

    words = WORDS[lang]
    blocks = [*_front_matter(scenario, game, mechanisms, words, lang),
              Heading(inline(words["parameters"])), _parameter_table(game, analysis.values, words),
              Heading(inline(words["payoffs"])), *payoff_blocks(game, lang),
              Heading(inline(_equations_heading(words, analysis.dynamics))),
              *(Display(eq) for eq in derive(game, analysis.dynamics).latex()),
              Heading(inline(words["restpoints"])), *_rest_point_blocks(game, analysis, words, lang),
              *(_stability_blocks(analysis, lang, stability) if analysis.symbolic_rest_points else ()),
              *(stochastic_stability_blocks(stochastic) if stochastic is not None else ()),
              *_threshold_blocks(scenario, thresholds, words, lang), *extra,
              *_figure_blocks(figures, skipped, words)]
    if analysis.notes:
        blocks += [Heading(inline(words["notes"])), BulletList(tuple(inline(n) for n in analysis.notes))]
    return Document(f"{game.title}: {words['report']}", tuple(blocks), lang)


def _stability_blocks(analysis, lang: str, table) -> list:
    """The stability table and the symbolic section, from ``table`` when given."""
    if table is None:
        return stability_sections(analysis, lang)
    return [*stability_table_blocks(table, lang), *symbolic_blocks(analysis, lang, table)]


def _equations_heading(words, dynamics: str) -> str:
    """"Replicator equations", or the equations of the dynamics the report follows."""
    return words["equations"] if dynamics == "replicator" else f"{words['equations_of']} {dynamics}"


def _front_matter(scenario, game: Game, mechanisms, words, lang: str = "en") -> list:
    items = [inline(f"{words['scenario']}: ", Code(str(scenario.file or scenario.game.name))),
             inline(f"{words['mechanisms']}: " + (", ".join(mechanisms) if mechanisms else words["baseline"]))]
    if scenario.target_key:
        items.append(inline(f"{capitalised(words['target'])}: ", Code(scenario.target_key)))
    items.append(inline(f"{words['state_vars']}: ", *state_variables(game, lang)))
    blocks = [BulletList(tuple(items))]
    if scenario.game.description:
        blocks.append(Paragraph(inline(scenario.game.description)))
    return blocks


def _parameter_table(game: Game, values, words) -> Table:
    header = tuple(inline(words[k]) for k in ("parameter", "value", "meaning", "stands"))
    rows = tuple((inline(Math(sympy.latex(game.parameters[name].symbol))), inline(number(float(value), _DIGITS)),
                  inline(str(game.parameters[name].description)), inline(str(game.parameters[name].stands_for)))
                 for name, value in values.items())
    columns = (Column("l"), Column("r"), Column(width=0.42), Column(width=0.28))
    return Table(columns, header, rows)


def payoff_blocks(game: Game, lang: str = "en") -> list:
    """The payoffs: the bimatrix of two populations, one row per profile for
    more, the matrix of a symmetric game, or the expected payoffs; populations
    and strategies named in ``lang`` (the scenario's Chinese labels in ``zh``)."""
    def fit_table(names, header, rows):
        columns = (Column("l"),) * names + (Column("c"),) * (len(header) - names)
        return Table(columns, tuple(header), tuple(tuple(r) for r in rows), layout="fit")

    def strategies(pop):
        return [strategy_name(pop, i, lang) for i in range(pop.n)]

    pops, words = game.populations, WORDS[lang]
    names = [population_name(p, lang) for p in pops]
    if game.payoff_table is not None and len(pops) == 2:
        header = [inline(f"{names[0]} \\ {names[1]}")] + [inline(s) for s in strategies(pops[1])]
        rows = [[inline(s0)] + [inline(Math(",\\; ".join(sympy.latex(u) for u in game.payoff_table[(i, j)])))
                                for j in range(pops[1].n)]
                for i, s0 in enumerate(strategies(pops[0]))]
        return [fit_table(1, header, rows), Paragraph(inline(words["each_cell"].format(*names)))]
    if game.payoff_table is not None:
        header = ([inline(name) for name in names]
                  + [inline(Math(f"u_{{\\text{{{latex_escape(name)}}}}}")) for name in names])
        rows = [[inline(strategy_name(p, i, lang)) for p, i in zip(pops, idx)]
                + [inline(Math(sympy.latex(u))) for u in payoffs]
                for idx, payoffs in sorted(game.payoff_table.items())]
        return [fit_table(len(pops), header, rows)]
    if game.matrix is not None:
        pop = pops[0]
        header = [inline(words["row_vs_column"].format(names[0]))] + [inline(s) for s in strategies(pop)]
        rows = [[inline(s)] + [inline(Math(sympy.latex(a))) for a in row]
                for s, row in zip(strategies(pop), game.matrix)]
        return [fit_table(1, header, rows)]
    return [Equations(tuple((Math(f"f_{{\\text{{{latex_escape(f'{name}.{s}')}}}}}"), Math(sympy.latex(f)))
                            for pop, name, fp in zip(pops, names, game.fitness)
                            for s, f in zip(strategies(pop), fp)))]


def _rest_point_blocks(game: Game, analysis, words, lang) -> list:
    columns = (Column("r"), Column(width=0.21), Column(width=0.2), Column(backends=frozenset(_NOT_LATEX)),
               Column(width=0.26), Column(width=0.16))
    variables = coordinates_header(game)
    header = (inline(words["point"]), inline(words["rest_point"]), inline(Math(sympy.latex(sympy.Tuple(
        *game.variables)) if len(game.variables) > 1 else sympy.latex(game.variables[0]), variables)),
              inline(words["exact"]), inline(words["eigenvalues"]), inline(words["class"]))
    rows = []
    for point in analysis.rest_points:
        exact, state = (), inline(coordinates_text(point.state, _DIGITS))
        if point.exact_state is not None:
            exact = inline(Math(",\\ ".join(f"{sympy.latex(v)} = {sympy.latex(e)}"
                                            for v, e in zip(game.variables, point.exact_state))))
            if not point.is_pure:   # LaTeX has no exact column: the exact state goes under the shares
                state += (Only((LATEX,), Break(), *exact),)
        eigenvalues = eigenvalues_text(point.eigenvalues, _DIGITS)
        rows.append((inline(point.name), inline(point_label(game, point.support, lang)), state, exact,
                     inline(Notation(eigenvalues.replace("i", r"\,\mathrm{i}"), eigenvalues)),
                     inline(classification_name(point.classification, lang))))
    blocks = [Table(columns, header, tuple(rows), small=True),
              Paragraph(classification_rule(analysis.rest_points, analysis.rtol))]
    if analysis.continua:
        items = tuple(inline(f"{face_label(game, c.support)} (dimension {c.dimension}): "
                             + (", ".join(c.equations) or "the whole face")) for c in analysis.continua)
        blocks += [Heading(inline(words["continua"]), level=3), BulletList(items)]
    return blocks


def _threshold_blocks(scenario, thresholds, words, lang: str = "en") -> list:
    if not thresholds:
        return []
    game = scenario.game
    target = [Code(scenario.target_key)]
    if lang == "zh" and profile_support(game, scenario.target_key) is not None:
        target = [point_label(game, profile_support(game, scenario.target_key), lang), " (", *target, ")"]
    intro = inline(f"{capitalised(words['target'])}: ", *target, words["strength_note"], _STRENGTH,
                   words["strength_scale"])
    header = (inline(words["mechanism"]), inline(words["threshold"], " (", _STRENGTH, ")"),
              inline(words["closed"]), inline(words["meaning"]))
    columns = tuple(Column(width=w) for w in (0.15, 0.13, 0.27, 0.36))
    names = {n: p.symbol for n, p in game.parameters.items()}
    names[STRENGTH] = strength_symbol()
    mechanisms = scenario.mechanisms

    def mechanism(name):
        return mechanisms[name].label(lang) if lang == "zh" and name in mechanisms else name

    rows = tuple((inline(" + ".join(mechanism(m) for m in t["mechanisms"])),
                  *_threshold_cells(t, names, lang, scenario)) for t in thresholds)
    return [Heading(inline(words["thresholds"]), tight=True), Paragraph(intro),
            Table(columns, header, rows, small=True)]


def _threshold_cells(t: dict, names, lang: str = "en", scenario=None) -> tuple:
    """The threshold (with its exact value), its closed form and its meaning (in ``zh`` said again from the
    result's fields, with the scenario's Chinese names)."""
    if "error" in t:
        return inline("—"), inline("—"), inline(t["error"])
    value = WORDS[lang]["none"] if t.get("threshold") is None else number(t["threshold"], _DIGITS)
    if t.get("exact") and t.get("threshold") is not None:
        value += f" (= {t['exact']})"
    expression = inline(_equation(t["expression"], names)) if t.get("expression") else inline("—")
    meaning = t.get("meaning", "") if lang != "zh" or scenario is None else threshold_meaning_zh(t, scenario)
    return inline(value), expression, inline(meaning)


def _equation(text: str, names):
    """A threshold's closed form ``"c_D = B*beta + G*m - L*lambda"`` as mathematics (sympy's LaTeX printer).

    Read back with the scenario's own whitelist parser; kept as code if it does not parse.
    """
    lhs, eq, rhs = text.partition("=")
    try:
        sides = [parse_expression(side.strip(), names) for side in (lhs, rhs)] if eq else None
    except ScenarioError:
        sides = None
    if sides is None:
        return Code(text)
    short = {names[STRENGTH]: "s"}     # the strength is s throughout the report
    return Math(" = ".join(sympy.latex(side, symbol_names=short) for side in sides), plain=text)


def _figure_blocks(figures, skipped, words) -> list:
    blocks: list = []
    if figures:
        blocks.append(Heading(inline(words["figures"])))
    elif skipped:   # LaTeX has never given the skipped kinds a section of their own
        blocks.append(Only(_NOT_LATEX, Heading(inline(words["figures"]))))
    blocks += [Figure(f.name, f"{words['figure']} {k}", inline(f.caption), dict(f.files))
               for k, f in enumerate(figures, start=1)]
    if skipped:
        blocks += [Heading(inline(words["skipped"]), level=3),
                   BulletList(tuple(inline(f"{kind}: {reason}") for kind, reason in skipped))]
    return blocks
