"""The report's cases table, built from a :class:`~evogame.studies.case_results.CaseTable`.

One row per case: its condition (inequalities in the parameters, written as
the papers write them, ``B beta + G m > c_D + L lambda``), the rest points
asymptotically stable in it (E-numbers of the rest-point table) and a
witness: parameter values inside the box where :func:`evogame.analyze` finds
exactly that stable set.  An expression longer than :data:`LONG` characters
gets a short name (``h_3``) defined under the table.
"""
from __future__ import annotations

import sympy

from ..util.formatting import number
from .document import Column, Document, Heading, Math, Paragraph, Table, inline, join

__all__ = ["cases_blocks", "cases_document", "stable_sentence", "report_cases_blocks"]

#: an inequality longer than this (plain characters) is written with its expression's short name
LONG = 48

_WORDS = {
    "en": {"heading": "Cases in the declared parameter box", "case": "case", "condition": "condition",
           "stable": "asymptotically stable (ESS)", "stable_as": "asymptotically stable",
           "witness": "witness (checked by analyze)", "and": " and ", "either": " or ",
           "otherwise": "every other point of the box (none of the conditions above)",
           "everywhere": "the whole box", "at_values": "the scenario's values",
           "none": "no rest point is asymptotically stable", "only": "{} is the only ESS", "several": "{} are ESSs",
           "only_as": "{} is the only asymptotically stable point", "several_as": "{} are asymptotically stable",
           "unchecked": " (analyze there: {})", "nothing": "none", "where": "where", "title": "cases"},
    "zh": {"heading": "参数区间内的情形划分", "case": "情形", "condition": "条件", "stable": "渐近稳定点（ESS）",
           "stable_as": "渐近稳定点", "witness": "验证点（analyze 复核）", "and": " 且 ", "either": " 或 ",
           "otherwise": "区间内的其余参数组合（以上条件均不成立）", "everywhere": "整个参数区间",
           "at_values": "参数取值处", "none": "无渐近稳定的均衡点", "only": "{}为唯一的ESS", "several": "{}均为ESS",
           "only_as": "{}为唯一的渐近稳定点", "several_as": "{}均为渐近稳定点",
           "unchecked": "（analyze 在此处：{}）", "nothing": "无", "where": "其中", "title": "情形划分"},
}


def _words(lang: str) -> dict:
    return _WORDS["zh" if lang == "zh" else "en"]


def _symbol(table, name: str) -> str:
    return sympy.latex(table.game.parameters[name].symbol)


def _point_name(table, name: str, lang: str) -> str:
    """``E3 (loose, active)``; in Chinese with the scenario's strategy labels."""
    label = table.points.get(name, "")
    if lang == "zh":
        label = _zh_label(table, name) or label
        return f"{name}{label.replace('(', '（').replace(')', '）')}"
    return f"{name} {label}".strip()


def _zh_label(table, name: str) -> str | None:
    support = table.supports.get(name)
    if support is None:
        return None
    parts = ["/".join(pop.strategy_label(i, "zh") for i in S) for pop, S in zip(table.game.populations, support)]
    return "(" + ", ".join(parts) + ")"


def stable_sentence(table, stable, lang: str = "en") -> str:
    """"E3 (loose, active) is the only ESS", "no rest point is asymptotically stable", ..."""
    w = _words(lang)
    if not stable:
        return w["none"]
    names = [_point_name(table, n, lang) for n in stable]
    suffix = "" if table.ess else "_as"
    if len(names) == 1:
        return w["only" + suffix].format(names[0])
    joined = ", ".join(names[:-1]) + (" and " if lang != "zh" else "和") + names[-1]
    return w["several" + suffix].format(joined)


def _long_atoms(table) -> set:
    """Indices of the atoms whose inequality is too long for a table cell."""
    from ..studies.case_results import relation
    return {j for j, a in enumerate(table.atoms) if len(relation(a.expression, 1)[0]) > LONG}


def _literal(table, j: int, sign: int, long: set) -> tuple:
    from ..studies.case_results import relation
    if j in long:
        name, op = table.atoms[j].name, ">" if sign > 0 else "<"
        return inline(Math(f"h_{{{name[1:]}}} {op} 0", f"{name} {op} 0"))
    plain, tex = relation(table.atoms[j].expression, sign)
    return inline(Math(tex, plain))


def _condition(table, case, lang: str, long: set) -> tuple:
    """``A and B and (C or D and E)``; the last case, when it is a union of more than two pieces, is
    written as what it is, the rest of the box (its exact pieces are in ``to_dict``)."""
    w = _words(lang)
    if case is table.cases[-1] and len(case.cubes) > 2 and len(table.cases) > 1:
        return inline(w["otherwise"])
    common, alternatives = case.parts()

    def conj(literals):
        return join([_literal(table, j, s, long) for j, s in literals], w["and"])

    pieces = [conj(common)] if common else []
    if alternatives:
        alts = [conj(a) if len(a) == 1 else inline("(") + conj(a) + inline(")") for a in alternatives]
        either = join(alts, w["either"])
        pieces.append(inline("(") + either + inline(")") if common else either)
    return join(pieces, w["and"]) if pieces else inline(w["everywhere"])


def _witness(table, case, lang: str) -> tuple:
    """The witness's values that differ from the parameters' values (``c_D = 0.8``), then what analyze found."""
    w = _words(lang)
    changed = [(n, v) for n, v in case.witness.items() if v != float(table.game.parameters[n].value)]
    parts = [inline(Math(f"{_symbol(table, n)} = {number(v, 6)}", f"{n} = {number(v, 6)}")) for n, v in changed]
    cell = join(parts, ", ") if parts else inline(w["at_values"])
    if not case.verified:
        found = ", ".join(case.witness_stable) or w["nothing"]
        cell = cell + inline(w["unchecked"].format(found))
    return cell


def _box_paragraph(table, lang: str) -> Paragraph:
    if not table.box:
        return Paragraph(inline("没有参数声明取值范围：下表即参数取值处的稳定集。" if lang == "zh" else
                                "No parameter has a declared range (or all are set): the table is the stable "
                                "set at the values."))
    ranges = [inline(Math(f"{_symbol(table, n)} \\in [{number(lo, 6)}, {number(hi, 6)}]",
                          f"{n} in [{number(lo, 6)}, {number(hi, 6)}]")) for n, (lo, hi) in table.box.items()]
    never = ", ".join(table.settled.get("never", ()))
    always = ", ".join(table.settled.get("always", ()))
    if lang == "zh":
        head = inline("参数区间：")
        tail = "；其余参数取其设定值。各情形由下列表达式的符号划分（特征值及存在条件的因子）；表达式为零处为情形之间的边界，线性化在此不能判定稳定性。"
        if never:
            tail += f"在整个区间内 {never} 均不渐近稳定。"
        if always:
            tail += f"在整个区间内 {always} 均渐近稳定。"
        return Paragraph(head + join(ranges, "，") + inline(tail))
    text = ("; the other parameters at their values. The cases are the sign patterns of the factors of the "
            "eigenvalues (and existence conditions) of the rest points whose stability changes in the box; "
            "where one of them is 0 (a boundary between cases) the linearisation decides nothing.")
    if never:
        text += f" Never asymptotically stable in the box: {never}."
    if always:
        text += f" Asymptotically stable in the whole box: {always}."
    return Paragraph(inline("The box: ") + join(ranges, ", ") + inline(text))


def _check_paragraph(table, lang: str) -> Paragraph | None:
    check = table.check
    if check is None:
        return None
    verified = sum(c.verified for c in table.cases)
    if lang == "zh":
        text = (f"复核：{verified}/{len(table.cases)} 个验证点处 analyze 给出的稳定集与情形一致。"
                f"在区间内另取 {check.points} 个均匀随机点（种子 {table.seed}，其中 {check.confirmed} 个另由 analyze "
                f"逐点复核）：{check.boundary} 个落在边界上，{len(check.outside)} 个不属于任何情形，"
                f"{check.overlaps} 个同属多个情形，{len(check.mismatches)} 个稳定集与其情形不符。")
    else:
        text = (f"Check: at {verified} of {len(table.cases)} witnesses analyze finds exactly the case's stable set. "
                f"Of {check.points} further uniform points of the box (seed {table.seed}; {check.confirmed} of them "
                f"also analysed one by one by analyze), {check.boundary} lie on a boundary, {len(check.outside)} in "
                f"no case, {check.overlaps} in several cases and {len(check.mismatches)} have a stable set other "
                "than their case's.")
    shown = [*check.outside, *check.mismatches][:3]    # a few of the points to look at (all in to_dict)
    if shown:
        points = "; ".join(", ".join(f"{n} = {number(v, 4)}" for n, v in p.items()) for p in shown)
        text += (f" 例如：{points}。" if lang == "zh" else f" For example: {points}.")
    return Paragraph(inline(text))


def cases_blocks(table, lang: str = "en") -> list:
    """Heading, the box, the table of cases, the short names of long expressions and the check."""
    w = _words(lang)
    long = _long_atoms(table)
    header = tuple(inline(w[k]) for k in ("case", "condition", "stable" if table.ess else "stable_as", "witness"))
    rows = tuple((inline(str(c.number)), _condition(table, c, lang, long),
                  inline(stable_sentence(table, c.stable, lang)), _witness(table, c, lang)) for c in table.cases)
    columns = (Column("r"), Column(width=0.4), Column(width=0.24), Column(width=0.21))
    blocks = [Heading(inline(w["heading"])), _box_paragraph(table, lang), Table(columns, header, rows, small=True)]
    if long:
        defined = [inline(Math(f"h_{{{table.atoms[j].name[1:]}}} = {sympy.latex(table.atoms[j].expression)}",
                               f"{table.atoms[j].name} = {sympy.sstr(table.atoms[j].expression)}"))
                   for j in sorted(long)]
        blocks.append(Paragraph(inline(w["where"] + " ") + join(defined, "; ")))
    check = _check_paragraph(table, lang)
    blocks += [check] if check is not None else []
    blocks += [Paragraph(inline(n)) for n in table.notes]
    return blocks


def cases_document(table, lang: str = "en") -> Document:
    """The section on its own, as a document (for ``evogame cases`` and :meth:`CaseTable.to_markdown`)."""
    title = f"{table.game.title}: {_words(lang)['title']}"
    return Document(title, tuple(cases_blocks(table, lang)), "zh" if lang == "zh" else "en")


def report_cases_blocks(work, analysis, lang: str = "en") -> list:
    """The report's cases section for the scenario ``work`` (its symbolic ``analysis`` reused): none without
    symbolic rest points or without a declared range; the heading and the reason when the cases fail."""
    from ..errors import EvogameError
    from ..studies.cases import cases

    if not analysis.symbolic_rest_points:
        return []
    try:
        table = cases(work, analysis=analysis)
    except EvogameError as exc:
        return [Heading(inline(_words(lang)["heading"])), Paragraph(inline(str(exc)))]
    return cases_blocks(table, lang) if table.box else []   # no declared range: nothing to split
