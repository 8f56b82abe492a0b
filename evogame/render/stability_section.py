"""The stability table as document blocks, for the report (Markdown, LaTeX) and ``analyze --symbolic`` (text).

One row per equilibrium in E order: ``lambda_1 ... lambda_d`` as expressions,
the signs of their real parts at the values (and for every value in the
declared ranges, where the game declares ranges), and the conclusion.  Long
expressions appear by their short names (``A_1``), defined under the table;
the columns have fixed widths in LaTeX (booktabs, a ``longtable``), so the
table fits the text width without being shrunk.
"""
from __future__ import annotations

import sympy

from ..game.faces import face_label
from ..solvers.stability import ALWAYS, NEVER
from ..engine.stability_table import StabilityTable, conclusion_class, stability_table
from .document import (LATEX, MARKDOWN, PLAIN, BulletList, Column, Formula, Formulas, Heading, Math, Notation, Only,
                       Paragraph, Table, inline)
from .vocabulary import WORDS, classification_name

__all__ = ["stability_sections", "stability_table_blocks", "symbolic_blocks", "STABILITY_WORDS"]

STABILITY_WORDS = {
    "en": {"heading": "Stability of the equilibria", "point": "point", "at_values": "sign at the values",
           "in_ranges": "sign in the ranges", "conclusion": "conclusion", "where": "where",
           "here": "at the values", "absent": "absent at the values", "if": "if",
           "never": "never {stable}", "never in ranges": "never {stable} in the declared ranges",
           "zero trace": "never asymptotically stable (the eigenvalues within its face sum to zero)",
           "unstable in ranges": "unstable in the declared ranges (an eigenvalue is positive)",
           "not derived": "no symbolic form",
           "legend": "Signs: of the real part of each eigenvalue, at the parameter values{ranges}. "
                     "ESS: an asymptotically stable pure equilibrium (evolutionarily stable strategy). "
                     "Equilibria absent at the values come last; the conditions under which they exist "
                     "are in the symbolic section.",
           "legend_ranges": " and for every value in the declared ranges (>= 0: never negative; ?: the ranges "
                            "do not decide)"},
    "zh": {"heading": "均衡点稳定性分析", "point": "均衡点", "at_values": "取值处符号", "in_ranges": "参数范围内符号",
           "conclusion": "结论", "where": "其中", "here": "当前取值", "absent": "当前取值下不存在", "if": "条件",
           "never": "不可能为{stable}", "never in ranges": "在参数声明范围内不可能为{stable}",
           "zero trace": "不可能渐近稳定（所在面上特征值之和为零）",
           "unstable in ranges": "在参数声明范围内不稳定（有正特征值）", "not derived": "无符号解",
           "legend": "符号：各特征值实部在参数取值处的符号{ranges}。ESS：渐近稳定的纯策略均衡（演化稳定策略）。"
                     "当前取值下不存在的均衡点列在最后，其存在条件见符号分析一节。",
           "legend_ranges": "，以及在参数声明范围内的符号（>= 0：非负；?：范围不能确定）"},
}

#: how each criterion of ``stability.symbolic_stability`` decides, in words
CRITERIA = {
    "en": {"eigenvalues": "every eigenvalue negative",
           "Routh-Hurwitz": "Routh-Hurwitz criterion: the Hurwitz determinants positive",
           "eigenvalues and Routh-Hurwitz": "the eigenvalues off the face negative and the Routh-Hurwitz "
                                            "determinants of the rest positive"},
    "zh": {"eigenvalues": "全部特征值为负", "Routh-Hurwitz": "Routh-Hurwitz判据：各Hurwitz行列式为正",
           "eigenvalues and Routh-Hurwitz": "面外特征值为负且其余部分的Hurwitz行列式为正"},
}
_SYMBOLIC_WORDS = {
    "en": {"absent": "at the values", "absent_text": "not a rest point in the state space: {reason}",
           "zero trace": "never asymptotically stable",
           "zero trace_text": "its eigenvalues within its face sum to zero (the trace of the Jacobian there is "
                              "zero), so they cannot all have negative real parts",
           "verdict": {ALWAYS: "always holds", NEVER: "never holds"}},
    "zh": {"absent": "当前取值", "absent_text": "不在状态空间内：{reason}", "zero trace": "不可能渐近稳定",
           "zero trace_text": "所在面上的特征值之和为零（该处雅可比矩阵的迹为零），不可能全部实部为负",
           "verdict": {ALWAYS: "恒成立", NEVER: "恒不成立"}},
}
_NOT_LATEX = (MARKDOWN, PLAIN)

_SIGN_LATEX = {"+": "+", "-": "-", "0": "0", ">= 0": r"\geq 0", "<= 0": r"\leq 0", None: "?", "?": "?"}
_SIGN_PLAIN = {None: "?"}


def stability_table_blocks(table: StabilityTable, lang: str = "en") -> list:
    """The heading, the table, the short names of long expressions and a legend."""
    words = STABILITY_WORDS[lang]
    d, ranges = table.dimension, table.has_ranges
    header = [inline(words["point"]),
              *(inline(Math(rf"\lambda_{{{k}}}", f"lambda_{k}")) for k in range(1, d + 1)),
              inline(words["at_values"])]
    if ranges:
        header.append(inline(words["in_ranges"]))
    header.append(inline(words["conclusion"]))
    rows = [_row(table, row, d, ranges, words, lang) for row in table.rows]
    blocks = [Heading(inline(words["heading"])),
              Table(_columns(d, ranges), tuple(header), tuple(rows), small=True)]
    if table.names:
        blocks.append(Paragraph(inline(words["where"] + ":")))
        blocks.append(BulletList(tuple(inline(Math(f"{sympy.latex(n)} = {sympy.latex(e)}",
                                                   f"{n} = {sympy.sstr(e)}"))
                                       for n, e in table.names.items())))
    legend = words["legend"].format(ranges=words["legend_ranges"] if ranges else "")
    blocks.append(Paragraph(inline(legend)))
    return blocks


def _columns(d: int, ranges: bool) -> tuple:
    """Fixed widths (fractions of the line) that add up, with the column gaps, to the text width."""
    eigen = 0.13 if d <= 2 else (0.11 if d == 3 else 0.4 / d)
    signs = 0.1
    rest = 0.78 - d * eigen - signs * (2 if ranges else 1)
    return ((Column("l"), *(Column(width=eigen) for _ in range(d)), Column(width=signs))
            + ((Column(width=signs),) if ranges else ()) + (Column(width=round(max(rest, 0.18), 3)),))


def _row(table: StabilityTable, row, d: int, ranges: bool, words, lang) -> tuple:
    if row.eigenvalues is None:
        eigen = [inline("—")] * d
    else:
        eigen = [inline(_math(table.short(e))) for e in row.eigenvalues]
    cells = [inline(row.name), *eigen, _signs(row.signs)]
    if ranges:
        cells.append(_signs(row.signs_in_ranges) if row.signs_in_ranges else inline("—"))
    cells.append(_conclusion(table, row, words, lang))
    return tuple(cells)


def _math(expr) -> Math:
    return Math(sympy.latex(expr), sympy.sstr(expr))


def _signs(signs) -> tuple:
    if signs is None:
        return (Notation("\\text{—}", "—"),)
    latex = "(" + ",".join(_SIGN_LATEX.get(s, "?") for s in signs) + ")"
    plain = "(" + ", ".join(_SIGN_PLAIN.get(s, s) for s in signs) + ")"
    return (Notation(latex, plain),)


def _class_words(name: str, lang: str) -> str:
    return name if name == "ESS" else classification_name(name, lang)


def _conclusion(table: StabilityTable, row, words, lang) -> tuple:
    """What the equilibrium is in general, and (when that is a condition) what it is at the values."""
    stable = "ESS" if row.pure else classification_name("asymptotically stable", lang)
    if row.kind == "class":
        parts = [_class_words(row.conclusion, lang) if row.conclusion != "not derived" else words["not derived"]]
    elif row.kind == "if" and lang == "zh":
        parts = ["当 ", _condition(table.short_condition(row.condition)), f" 时为{stable}"]
    elif row.kind == "if":
        parts = [f"{stable} {words['if']} ", _condition(table.short_condition(row.condition))]
    elif row.kind in ("never", "never in ranges"):
        parts = [words[row.kind].format(stable=stable)]
    else:
        parts = [words[row.kind]]
    if row.classification is None:
        parts += ["; " + words["absent"]]
    elif row.kind != "class" or row.eigenvalues is None:
        parts += ["; " + words["here"] + ": " + _class_words(conclusion_class(row.classification, row.pure), lang)]
    return inline(*parts)


def _condition(condition) -> Math:
    """A conjunction of inequalities, ``and`` between them in plain text."""
    parts = condition.args if isinstance(condition, sympy.And) else (condition,)
    return Math(r" \wedge ".join(sympy.latex(p) for p in parts), " and ".join(sympy.sstr(p) for p in parts))



def stability_sections(analysis, lang: str = "en") -> list:
    """The stability table and then the symbolic section, both from one :func:`stability_table` (building it
    is the costly part: signs under the ranges, short names)."""
    table = stability_table(analysis)
    return [*stability_table_blocks(table, lang), *symbolic_blocks(analysis, lang, table)]


def symbolic_blocks(analysis, lang: str = "en", table: StabilityTable | None = None) -> list:
    """The symbolic section: every symbolic rest point in E order (those absent at the values last, with
    the reason), its state, when it exists, its eigenvalues and its stability condition in words.
    ``table``: the analysis's stability table when the caller has it (else it is built here)."""
    points = sorted(analysis.symbolic_rest_points or (), key=lambda s: _e_number(s.get("name", "")))
    if not points:
        return []
    game, words = analysis.game, WORDS[lang]
    present = {p.name for p in analysis.rest_points}
    table = stability_table(analysis) if table is None else table
    reasons = {row.name: row.absent for row in table.rows if row.absent}
    blocks = [Heading(inline(words["symbolic"]))]
    for point in points:
        title = f"{point.get('name', '')} {face_label(game, point['support'])}".strip()
        blocks += [Heading(inline(title), level=3),
                   Formulas(tuple(_symbolic_items(game, point, point.get("name") in present,
                                                  reasons.get(point.get("name"), ""), lang)))]
    return blocks


def _e_number(name: str) -> int:
    return int(name[1:]) if name[1:].isdigit() else 10 ** 6


def _formula(label: tuple, exprs, joined="list", numbered=None, latex=None, plain=None) -> Formula:
    latex = tuple(sympy.latex(e) for e in exprs) if latex is None else latex
    plain = tuple(sympy.sstr(e) for e in exprs) if plain is None else plain
    return Formula(label, latex, joined, numbered, plain)


def _symbolic_items(game, point, present: bool, reason: str, lang: str) -> list:
    words, own = WORDS[lang], _SYMBOLIC_WORDS[lang]
    items = []
    if point.get("state") is not None:   # LaTeX: the equations speak for themselves
        items.append(_formula((Only(_NOT_LATEX, "state"),), (),
                              latex=tuple(f"{sympy.latex(v)} = {sympy.latex(e)}"
                                          for v, e in zip(game.variables, point["state"])),
                              plain=tuple(f"{v} = {sympy.sstr(e)}" for v, e in zip(game.variables, point["state"]))))
    if point.get("existence"):
        items.append(_formula(inline(words["exists"]), point["existence"], joined="and"))
    if not present:
        text = own["absent_text"].format(reason=reason or "-")
        items.append(Formula(inline(f"{own['absent']}: {text}"), ()))
    if point.get("eigenvalues") is not None:
        items.append(_formula((Only(_NOT_LATEX, "eigenvalues"), Only((LATEX,), "Eigenvalues")),
                              point["eigenvalues"], numbered=r"\lambda"))
    if point.get("criterion") == "zero trace":
        text = own["zero trace_text"]
        items.append(Formula(inline(f"{own['zero trace']}: {text}"), ()))
        return items
    criterion = CRITERIA[lang].get(point.get("criterion"), point.get("criterion") or "")
    items.append(_formula(inline(f"{words['stable_iff']} ({criterion})"), (point["condition"],),
                          plain=(_plain_condition(point["condition"]),)))
    verdict = point.get("verdict")
    if verdict:
        text = own["verdict"].get(verdict, verdict)
        items.append(Formula(inline(f"{words['in_ranges']}: {text}"), ()))
    elif point.get("condition_in_ranges", point["condition"]) != point["condition"]:   # simplified
        items.append(_formula(inline(words["in_ranges"]), (point["condition_in_ranges"],),
                              plain=(_plain_condition(point["condition_in_ranges"]),)))
    return items


def _plain_condition(condition) -> str:
    """A conjunction as plain text: ``a < 0 and b < 0``."""
    parts = condition.args if isinstance(condition, sympy.And) else (condition,)
    return " and ".join(sympy.sstr(p) for p in parts)
