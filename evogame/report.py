"""``report``: a paper's whole standard output for one scenario, in Markdown and LaTeX.

The report holds, in the order a paper prints them:

1. the parameters (value, meaning, which dilemma or factor they stand for);
2. the payoff table (bimatrix for two populations, one row per profile for
   more, the matrix of a symmetric game, or the expected payoffs);
3. the replicator equations ``dx/dt = x (1 - x) (f_1 - f_2)`` (sympy LaTeX);
4. the rest-point table: state, Jacobian eigenvalues (with multiplicity) and
   classification, from :func:`evogame.analyze`;
5. the symbolic stability conditions of every rest point
   (``analyze(..., symbolic=True)``);
6. the thresholds of the declared mechanisms (:func:`evogame.thresholds.threshold`);
7. every figure that applies (phase portrait, evolution paths, sensitivity
   and bifurcation diagram per mechanism, regime map, basins), written to
   ``figures/`` as SVG (referenced from ``report.md``) and PDF (referenced
   from ``report.tex``).

``report.tex`` is a complete document (``article``; ``ctex`` only for Chinese).
The numbers are those of ``analyze(...).to_dict()``, printed with six
significant digits; ``analysis.json`` beside the report holds them in full.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

import sympy

from .analysis import analyze
from .dynamics import derive
from .errors import EvogameError, ScenarioError
from .figures import FIGURE_KINDS, draw_report_figures
from .formatting import complex_number, jsonable, number
from .game import Game
from .restpoints import face_label
from .scenario import Scenario, as_scenario
from .studies.mechanisms import apply
from .studies.thresholds import threshold

__all__ = ["report", "Report", "FIGURE_KINDS", "fmt", "fmt_complex"]

#: the figure kinds a report can hold, in the order they appear


_TEXT = {
    "en": {"report": "analysis report", "scenario": "Scenario", "mechanisms": "Mechanisms applied",
           "baseline": "none (baseline)", "parameters": "Parameters", "parameter": "parameter",
           "value": "value", "meaning": "meaning", "stands": "stands for", "payoffs": "Payoffs",
           "equations": "Replicator equations", "restpoints": "Rest points", "state": "state (shares)",
           "exact": "exact state", "eigenvalues": "eigenvalues of the Jacobian", "class": "classification",
           "symbolic": "Stability conditions (symbolic)", "exists": "exists iff",
           "stable_iff": "asymptotically stable iff", "thresholds": "Thresholds of the mechanisms",
           "mechanism": "mechanism", "threshold": "threshold", "closed": "closed form", "figures": "Figures",
           "figure": "Figure", "skipped": "Figures not drawn", "continua": "Continua of rest points",
           "notes": "Notes", "target": "target state", "state_vars": "State variables",
           "tolerance": "Tolerance", "profile": "profile", "strategy": "strategy",
           "none": "none", "expected": "Expected payoffs", "fitness": "expected payoff",
           "all_eq": "The state is the share of each population's first strategy"},
    "zh": {"report": "分析报告", "scenario": "情景文件", "mechanisms": "所加机制", "baseline": "无（基准）",
           "parameters": "参数", "parameter": "参数", "value": "取值", "meaning": "含义", "stands": "对应",
           "payoffs": "收益矩阵", "equations": "复制动态方程", "restpoints": "均衡点",
           "state": "状态（比例）", "exact": "精确解", "eigenvalues": "雅可比矩阵特征值",
           "class": "稳定性", "symbolic": "稳定性条件（符号）", "exists": "存在条件",
           "stable_iff": "渐近稳定当且仅当", "thresholds": "机制阈值", "mechanism": "机制",
           "threshold": "阈值", "closed": "解析式", "figures": "图", "figure": "图",
           "skipped": "未绘制的图", "continua": "平衡点连续统", "notes": "说明", "target": "目标状态",
           "state_vars": "状态变量", "tolerance": "容差", "profile": "策略组合", "strategy": "策略",
           "none": "无", "expected": "期望收益", "fitness": "期望收益",
           "all_eq": "状态为各群体第一个策略的比例"},
}

_CLASS_ZH = {"asymptotically stable": "渐近稳定", "unstable source": "不稳定源", "saddle": "鞍点",
             "non-hyperbolic": "非双曲"}


# -- number formatting (parsed back by the tests) --------------------------------------

def fmt(v: float) -> str:
    """Six significant digits; ``-0`` printed as ``0``."""
    return number(v, 6)


def fmt_complex(re: float, im: float) -> str:
    """``a``, ``a+bi`` or ``a-bi`` with six significant digits each."""
    return complex_number(re, im, 6)


def _state_text(shares) -> str:
    return "; ".join("(" + ", ".join(fmt(v) for v in vec) + ")" for vec in shares)


# -- escaping ------------------------------------------------------------------------------

_TEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
                "<": r"$<$", ">": r"$>$", "|": r"$|$"}


def tex_escape(text: str) -> str:
    return "".join(_TEX_SPECIAL.get(c, c) for c in str(text))


def md_escape(text: str) -> str:
    return str(text).replace("|", r"\|").replace("_", r"\_").replace("*", r"\*")


def _fit(latex: str) -> str:
    """Display math that shrinks to the line width when it is too long."""
    return (r"\begin{center}\resizebox{\ifdim\width>\linewidth\linewidth\else\width\fi}{!}"
            "{$\\displaystyle " + latex + "$}\\end{center}")


# -- the result -----------------------------------------------------------------------------

@dataclass
class Report:
    """What :func:`report` wrote.

    Attributes
    ----------
    directory : the output directory.
    markdown, latex, analysis_json : paths of ``report.md``, ``report.tex``
        and ``analysis.json``.
    figures : the figures drawn (kind, file name, caption, files per format).
    skipped : ``(kind, reason)`` for every figure kind that does not apply.
    thresholds : the ThresholdResults (``to_dict``) or errors per mechanism.
    analysis : the Analysis the report is about.
    """

    directory: Path
    markdown: Path
    latex: Path
    analysis_json: Path
    figures: list
    skipped: list
    thresholds: list
    analysis: object = field(repr=False)
    language: str = "en"
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {
            "directory": str(self.directory),
            "markdown": str(self.markdown),
            "latex": str(self.latex),
            "analysis_json": str(self.analysis_json),
            "language": self.language,
            "figures": [f.to_dict() for f in self.figures],
            "skipped": [{"kind": k, "reason": r} for k, r in self.skipped],
            "thresholds": list(self.thresholds),
            "seconds": self.seconds,
        }

    def __repr__(self) -> str:
        return (f"<Report in {str(self.directory)!r}: {len(self.figures)} figures, "
                f"{len(self.skipped)} kinds skipped, {len(self.thresholds)} thresholds>")


# -- the main function -------------------------------------------------------------------------

def report(subject: Scenario | Game, out, *, mechanisms: Sequence[str] = (), params: Mapping | None = None,
           lang: str = "en", kinds: Sequence[str] = FIGURE_KINDS, width="single", budget: float = 10.0,
           symbolic: bool = True, figure_formats: Sequence[str] = ("svg", "pdf")) -> Report:
    """Write ``report.md``, ``report.tex``, ``analysis.json`` and ``figures/`` into ``out``.

    Parameters
    ----------
    subject : the scenario (or a bare game): the baseline.
    out : the output directory (created if needed).
    mechanisms : mechanisms applied (strength 1) to the game the report
        analyses; they are also the ones whose sensitivity and bifurcation
        diagram are drawn (default: every declared mechanism).
    params : parameter overrides.
    lang : ``"en"`` or ``"zh"`` (labels of the scenario; Chinese needs a CJK
        font for the figures, else English figures and one warning).
    kinds : the figure kinds to draw (a subset of :data:`FIGURE_KINDS`).
    width : figure width, ``"single"`` or ``"double"``.
    budget : seconds of sympy per face / eigenvalue problem in the symbolic
        stability conditions and the thresholds (past it: numeric fallback,
        bisection for thresholds).  The rest-point table itself is the
        default ``analyze(game)``.
    symbolic : include the symbolic stability conditions (slow for games of
        three populations: about half a minute with the default budget).
    figure_formats : formats written for every figure (SVG for the Markdown,
        PDF for the LaTeX).

    Returns
    -------
    Report

    Raises
    ------
    ScenarioError
        When ``out`` cannot be created or written, or a name is unknown.
    """
    from .plotting.style import check_output_dir, resolve_language

    t0 = time.perf_counter()
    unknown = [k for k in kinds if k not in FIGURE_KINDS]
    if unknown:
        raise ScenarioError(f"unknown figure kind '{unknown[0]}'", argument="kinds",
                            expected="some of " + ", ".join(FIGURE_KINDS))
    out = check_output_dir(out)
    figdir = check_output_dir(out / "figures")
    params = dict(params or {})
    if lang not in ("en", "zh"):
        raise ScenarioError(f"unknown language '{lang}'", argument="lang", expected="'en' or 'zh'")
    resolved = resolve_language(lang)          # one warning at most, for every figure
    scenario = as_scenario(subject)
    base = scenario.with_game(scenario.game.with_values(**params))
    work = apply(base, list(mechanisms)) if mechanisms else base
    analysis = analyze(work)
    if symbolic:
        # the symbolic solve (parameters as symbols) is the slow part: its own budget per face
        sym = analyze(work, symbolic=True, budget=budget)
        analysis.symbolic_rest_points = sym.symbolic_rest_points
        analysis.notes.extend(n for n in sym.notes if n.startswith("symbolic"))
    declared = dict(scenario.mechanisms)
    focus = list(mechanisms) if mechanisms else list(declared)

    thresholds = _thresholds(base, declared, mechanisms, budget)
    figures, skipped = draw_report_figures(base, work, analysis, focus, kinds, figdir, out, resolved, width,
                                           figure_formats)

    text = _TEXT[lang]
    md = _markdown(scenario, work.game, analysis, mechanisms, thresholds, figures, skipped, text, lang)
    tex = _latex(scenario, work.game, analysis, mechanisms, thresholds, figures, skipped, text, lang)
    paths = {"md": out / "report.md", "tex": out / "report.tex", "json": out / "analysis.json"}
    try:
        paths["md"].write_text(md, encoding="utf-8")
        paths["tex"].write_text(tex, encoding="utf-8")
        paths["json"].write_text(json.dumps(jsonable(analysis.to_dict()), indent=2, ensure_ascii=False) + "\n",
                                 encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"cannot write the report ({exc.strerror or exc})", file=str(out)) from None
    return Report(out, paths["md"], paths["tex"], paths["json"], figures, skipped, thresholds, analysis,
                  lang, time.perf_counter() - t0)


# -- thresholds --------------------------------------------------------------------------------

def _thresholds(base: Scenario, declared: dict, applied: Sequence[str], budget) -> list[dict]:
    if base.target is None:
        return []
    out = []
    combos = [[name] for name in declared]
    if len(applied) > 1:
        combos.append(list(applied))
    for combo in combos:
        try:
            res = threshold(base, combo, budget=budget)
            out.append({"mechanisms": combo, **res.to_dict()})
        except EvogameError as exc:
            out.append({"mechanisms": combo, "error": str(exc)})
    return out


# -- Markdown ----------------------------------------------------------------------------------

def _class(cls: str, lang: str) -> str:
    return _CLASS_ZH.get(cls, cls) if lang == "zh" else cls


def _mech_text(mechanisms, text) -> str:
    return ", ".join(mechanisms) if mechanisms else text["baseline"]


def _payoff_rows(game: Game):
    """The payoff table as (header, rows) of LaTeX strings, and its kind."""
    if game.payoff_table is not None and len(game.populations) == 2:
        p0, p1 = game.populations
        header = [f"{p0.name} \\ {p1.name}"] + list(p1.strategies)
        rows = []
        for i, s0 in enumerate(p0.strategies):
            row = [s0]
            for j in range(p1.n):
                u = game.payoff_table[(i, j)]
                row.append(f"{sympy.latex(u[0])},\\; {sympy.latex(u[1])}")
            rows.append(row)
        return "bimatrix", header, rows
    if game.payoff_table is not None:
        header = [p.name for p in game.populations] + [f"u_{{\\text{{{tex_escape(p.name)}}}}}"
                                                       for p in game.populations]
        rows = []
        for idx, payoffs in sorted(game.payoff_table.items()):
            rows.append([p.strategies[i] for p, i in zip(game.populations, idx)]
                        + [sympy.latex(u) for u in payoffs])
        return "table", header, rows
    if game.matrix is not None:
        pop = game.populations[0]
        header = [f"{pop.name} (row vs column)"] + list(pop.strategies)
        rows = [[s] + [sympy.latex(a) for a in row] for s, row in zip(pop.strategies, game.matrix)]
        return "matrix", header, rows
    rows = []
    for pop, fp in zip(game.populations, game.fitness):
        for s, f in zip(pop.strategies, fp):
            rows.append([f"{pop.name}.{s}", sympy.latex(f)])
    return "fitness", ["strategy", "expected payoff"], rows


def _threshold_cells(t: dict) -> tuple[str, str, str]:
    if "error" in t:
        return "—", "—", t["error"]
    thr = "none" if t.get("threshold") is None else fmt(t["threshold"])
    if t.get("exact") and t.get("threshold") is not None:
        thr += f" (= {t['exact']})"
    return thr, t.get("expression") or "—", t.get("meaning", "")


def _markdown(scenario, work, analysis, mechanisms, thresholds, figures, skipped, text, lang) -> str:
    d = analysis.to_dict()
    L = []
    L.append(f"# {work.title}: {text['report']}\n")
    L.append(f"- {text['scenario']}: `{scenario.file or scenario.game.name}`")
    L.append(f"- {text['mechanisms']}: {_mech_text(mechanisms, text)}")
    if scenario.target_key:
        L.append(f"- {text['target'][:1].upper() + text['target'][1:]}: `{scenario.target_key}`")
    vars_ = ", ".join(f"${sympy.latex(v)}$ = share of {md_escape(pop.name)} playing {md_escape(pop.strategies[i])}"
                      for pop, sl in zip(work.populations, work.slices())
                      for i, v in enumerate(work.variables[sl]))
    L.append(f"- {text['state_vars']}: {vars_}")
    if scenario.game.description:
        L.append(f"\n{scenario.game.description}")
    # parameters
    L.append(f"\n## {text['parameters']}\n")
    L.append(f"| {text['parameter']} | {text['value']} | {text['meaning']} | {text['stands']} |")
    L.append("|---|---|---|---|")
    for name, value in analysis.values.items():
        p = work.parameters[name]
        L.append(f"| ${sympy.latex(p.symbol)}$ | {fmt(float(value))} | {md_escape(p.description)} | "
                 f"{md_escape(p.stands_for)} |")
    # payoffs
    L.append(f"\n## {text['payoffs']}\n")
    kind, header, rows = _payoff_rows(work)
    if kind == "fitness":
        for name, f in rows:
            L.append(f"- $f_{{\\text{{{tex_escape(name)}}}}} = {f}$")
    else:
        n_names = 1 if kind in ("bimatrix", "matrix") else len(work.populations)
        L.append("| " + " | ".join(f"${h}$" if (kind == "table" and i >= n_names) else md_escape(h)
                                   for i, h in enumerate(header)) + " |")
        L.append("|" + "---|" * len(header))
        for row in rows:
            cells = [md_escape(c) for c in row[:n_names]] + [f"${c}$" for c in row[n_names:]]
            L.append("| " + " | ".join(cells) + " |")
        if kind == "bimatrix":
            L.append(f"\nEach cell: payoff of {md_escape(work.populations[0].name)}, payoff of "
                     f"{md_escape(work.populations[1].name)}.")
    # equations
    L.append(f"\n## {text['equations']}\n")
    for eq in derive(work).latex():
        L.append(f"$$\n{eq}\n$$\n")
    # rest points
    L.append(f"## {text['restpoints']}\n")
    L.append(f"| # | rest point | {text['state']} | {text['exact']} | {text['eigenvalues']} | {text['class']} |")
    L.append("|---|---|---|---|---|---|")
    for k, (p, pd) in enumerate(zip(analysis.rest_points, d["rest_points"]), start=1):
        eig = ", ".join(fmt_complex(re, im) for re, im in pd["eigenvalues"])
        exact = ""
        if p.exact_state is not None:
            exact = "$" + ",\\ ".join(f"{sympy.latex(v)} = {sympy.latex(e)}"
                                      for v, e in zip(work.variables, p.exact_state)) + "$"
        L.append(f"| {k} | {md_escape(pd['label'])} | {_state_text(pd['state'])} | {exact} | {eig} | "
                 f"{_class(pd['classification'], lang)} |")
    L.append("\n" + md_escape(analysis.classification_rule()))
    if analysis.continua:
        L.append(f"\n**{text['continua']}**\n")
        for c in analysis.continua:
            L.append(f"- {md_escape(face_label(work, c.support))} (dimension {c.dimension}): "
                     + md_escape(", ".join(c.equations) or "the whole face"))
    # symbolic
    if analysis.symbolic_rest_points:
        L.append(f"\n## {text['symbolic']}\n")
        for sp in analysis.symbolic_rest_points:
            L.append(f"**{md_escape(face_label(work, sp['support']))}**\n")
            if sp.get("state") is not None:
                state = ",\\ ".join(f"{sympy.latex(v)} = {sympy.latex(e)}" for v, e in zip(work.variables, sp["state"]))
                L.append(f"- state: ${state}$")
            if sp.get("existence"):
                L.append(f"- {text['exists']}: $" + r" \wedge ".join(sympy.latex(c) for c in sp["existence"]) + "$")
            if sp.get("eigenvalues") is not None:
                L.append("- eigenvalues: $" + ",\\ ".join(sympy.latex(e) for e in sp["eigenvalues"]) + "$")
            L.append(f"- {text['stable_iff']} ({sp.get('criterion')}): ${sympy.latex(sp['condition'])}$\n")
    # thresholds
    if thresholds:
        L.append(f"## {text['thresholds']}\n")
        L.append(f"{text['target'][:1].upper() + text['target'][1:]}: `{scenario.target_key}`; strength s: 0 = baseline, 1 = as described.\n")
        L.append(f"| {text['mechanism']} | {text['threshold']} (s) | {text['closed']} | {text['meaning']} |")
        L.append("|---|---|---|---|")
        for t in thresholds:
            thr, expr, meaning = _threshold_cells(t)
            expr_md = f"`{expr}`" if expr != "—" else expr
            L.append(f"| {md_escape(' + '.join(t['mechanisms']))} | {thr} | {expr_md} | {md_escape(meaning)} |")
    # figures
    if figures or skipped:
        L.append(f"\n## {text['figures']}\n")
        for k, f in enumerate(figures, start=1):
            if "svg" in f.files:
                L.append(f"![{f.name}]({f.files['svg']})\n")
            L.append(f"*{text['figure']} {k}.* {md_escape(f.caption)}\n")
        if skipped:
            L.append(f"**{text['skipped']}**\n")
            for kind, reason in skipped:
                L.append(f"- {kind}: {md_escape(reason)}")
    if analysis.notes:
        L.append(f"\n## {text['notes']}\n")
        L.extend(f"- {md_escape(n)}" for n in analysis.notes)
    return "\n".join(L) + "\n"


# -- LaTeX ----------------------------------------------------------------------------------------

def _latex(scenario, work, analysis, mechanisms, thresholds, figures, skipped, text, lang) -> str:
    d = analysis.to_dict()
    T = []
    T.append(r"\documentclass[11pt]{article}")
    if lang == "zh":
        T.append(r"\usepackage[UTF8]{ctex}")
    T.append(r"\usepackage[margin=2.2cm]{geometry}")
    T.append(r"\usepackage{amsmath,amssymb}")
    T.append(r"\usepackage{booktabs,longtable,array}")
    T.append(r"\usepackage{graphicx}")
    T.append(r"\newcolumntype{P}[1]{>{\raggedright\arraybackslash}p{#1}}")
    T.append(r"\setlength{\LTcapwidth}{\linewidth}")
    T.append(r"\title{" + tex_escape(work.title) + ": " + text["report"] + "}")
    T.append(r"\date{}")
    T.append(r"\begin{document}")
    T.append(r"\maketitle")
    T.append(r"\begin{itemize}")
    T.append(r"\item " + text["scenario"] + r": \texttt{" + tex_escape(scenario.file or scenario.game.name) + "}")
    T.append(r"\item " + text["mechanisms"] + ": " + tex_escape(_mech_text(mechanisms, text)))
    if scenario.target_key:
        T.append(r"\item " + text["target"][:1].upper() + text["target"][1:] + r": \texttt{" + tex_escape(scenario.target_key) + "}")
    T.append(r"\item " + text["state_vars"] + ": " + "; ".join(
        f"${sympy.latex(v)}$: {tex_escape(pop.name)} playing {tex_escape(pop.strategies[i])}"
        for pop, sl in zip(work.populations, work.slices()) for i, v in enumerate(work.variables[sl])))
    T.append(r"\end{itemize}")
    if scenario.game.description:
        T.append(tex_escape(scenario.game.description))
    # parameters
    T.append(r"\section*{" + text["parameters"] + "}")
    T.append(r"\begin{longtable}{@{}l r P{0.42\linewidth} P{0.28\linewidth}@{}}")
    T.append(r"\toprule " + " & ".join([text["parameter"], text["value"], text["meaning"], text["stands"]])
             + r" \\ \midrule \endhead")
    for name, value in analysis.values.items():
        p = work.parameters[name]
        T.append(f"${sympy.latex(p.symbol)}$ & {fmt(float(value))} & {tex_escape(p.description)} & "
                 f"{tex_escape(p.stands_for)} \\\\")
    T.append(r"\bottomrule \end{longtable}")
    # payoffs
    T.append(r"\section*{" + text["payoffs"] + "}")
    kind, header, rows = _payoff_rows(work)
    if kind == "fitness":
        T.append(r"\begin{align*}")
        T.append(" \\\\\n".join(f"f_{{\\text{{{tex_escape(n)}}}}} &= {f}" for n, f in rows))
        T.append(r"\end{align*}")
    else:
        n_names = 1 if kind in ("bimatrix", "matrix") else len(work.populations)
        cols = "l" * n_names + "c" * (len(header) - n_names)
        T.append(r"\begin{center}\resizebox{\ifdim\width>\linewidth\linewidth\else\width\fi}{!}{%")
        T.append(r"\begin{tabular}{@{}" + cols + r"@{}}\toprule")
        head = [tex_escape(h) for h in header[:n_names]] + [
            (f"${h}$" if kind == "table" else tex_escape(h)) for h in header[n_names:]]
        T.append(" & ".join(head) + r" \\ \midrule")
        for row in rows:
            T.append(" & ".join([tex_escape(c) for c in row[:n_names]] + [f"${c}$" for c in row[n_names:]])
                     + r" \\")
        T.append(r"\bottomrule\end{tabular}}\end{center}")
        if kind == "bimatrix":
            T.append(f"Each cell: payoff of {tex_escape(work.populations[0].name)}, payoff of "
                     f"{tex_escape(work.populations[1].name)}.")
    # equations
    T.append(r"\section*{" + text["equations"] + "}")
    for eq in derive(work).latex():
        T.append(_fit(eq))
    # rest points
    T.append(r"\section*{" + text["restpoints"] + "}")
    T.append(r"{\small\begin{longtable}{@{}r P{0.22\linewidth} P{0.2\linewidth} P{0.27\linewidth} "
             r"P{0.16\linewidth}@{}}")
    T.append(r"\toprule \# & rest point & " + " & ".join([text["state"], text["eigenvalues"], text["class"]])
             + r" \\ \midrule \endhead")
    for k, (p, pd) in enumerate(zip(analysis.rest_points, d["rest_points"]), start=1):
        eig = ", ".join(fmt_complex(re, im) for re, im in pd["eigenvalues"])
        state = _state_text(pd["state"])
        if p.exact_state is not None and not p.is_pure:
            state += r" \newline $" + ",\\ ".join(f"{sympy.latex(v)} = {sympy.latex(e)}"
                                                 for v, e in zip(work.variables, p.exact_state)) + "$"
        T.append(f"{k} & {tex_escape(pd['label'])} & {state} & ${_tex_eigs(eig)}$ & "
                 f"{_class(pd['classification'], lang)} \\\\")
    T.append(r"\bottomrule \end{longtable}}")
    T.append(tex_escape(analysis.classification_rule()).replace("$|$Re$|$", r"$|\mathrm{Re}\,\lambda|$")
             .replace("$<$=", r"$\le$").replace("max$|$J\\_ij$|$", r"$\max|J_{ij}|$"))
    if analysis.continua:
        T.append(r"\paragraph{" + text["continua"] + "}")
        T.append(r"\begin{itemize}")
        for c in analysis.continua:
            T.append(r"\item " + tex_escape(face_label(work, c.support)) + f" (dimension {c.dimension}): "
                     + tex_escape(", ".join(c.equations) or "the whole face"))
        T.append(r"\end{itemize}")
    # symbolic
    if analysis.symbolic_rest_points:
        T.append(r"\section*{" + text["symbolic"] + "}")
        for sp in analysis.symbolic_rest_points:
            T.append(r"\paragraph{" + tex_escape(face_label(work, sp["support"])) + "}")
            if sp.get("state") is not None:
                T.append(_fit(",\\quad ".join(f"{sympy.latex(v)} = {sympy.latex(e)}"
                                              for v, e in zip(work.variables, sp["state"]))))
            if sp.get("existence"):
                T.append(text["exists"] + ":" + _fit(r" \;\wedge\; ".join(sympy.latex(c) for c in sp["existence"])))
            if sp.get("eigenvalues") is not None:
                T.append("Eigenvalues:" + "".join(_fit(f"\\lambda_{{{k}}} = {sympy.latex(e)}")
                                                  for k, e in enumerate(sp["eigenvalues"], start=1)))
            T.append(text["stable_iff"] + f" ({tex_escape(sp.get('criterion'))}):" + _fit(sympy.latex(sp["condition"])))
    # thresholds
    if thresholds:
        T.append(r"\section*{" + text["thresholds"] + "}")
        T.append(text["target"][:1].upper() + text["target"][1:] + r": \texttt{"
                 + tex_escape(scenario.target_key) + "}; "
                 "strength $s$: 0 = baseline, 1 = as described.")
        T.append(r"{\small\begin{longtable}{@{}P{0.15\linewidth} P{0.13\linewidth} P{0.27\linewidth} "
                 r"P{0.36\linewidth}@{}}")
        T.append(r"\toprule " + " & ".join([text["mechanism"], text["threshold"] + " ($s$)", text["closed"],
                                            text["meaning"]]) + r" \\ \midrule \endhead")
        for t in thresholds:
            thr, expr, meaning = _threshold_cells(t)
            T.append(" & ".join([tex_escape(" + ".join(t["mechanisms"])), tex_escape(thr),
                                 (r"\texttt{" + tex_escape(expr) + "}") if expr != "—" else "---",
                                 tex_escape(meaning)]) + r" \\")
        T.append(r"\bottomrule \end{longtable}}")
    # figures
    if figures:
        T.append(r"\section*{" + text["figures"] + "}")
        for f in figures:
            if "pdf" not in f.files:
                continue
            T.append(r"\begin{figure}[htbp]\centering")
            # natural size (8.5 or 17.5 cm, the fonts as designed), shrunk only if wider than the text
            T.append(r"\resizebox{\ifdim\width>\linewidth\linewidth\else\width\fi}{!}{\includegraphics{"
                     + f.files["pdf"] + "}}")
            T.append(r"\caption{" + tex_escape(f.caption) + "}")
            T.append(r"\end{figure}")
    if skipped:
        T.append(r"\paragraph{" + text["skipped"] + "}")
        T.append(r"\begin{itemize}")
        for kind, reason in skipped:
            T.append(r"\item " + tex_escape(kind) + ": " + tex_escape(reason))
        T.append(r"\end{itemize}")
    if analysis.notes:
        T.append(r"\section*{" + text["notes"] + "}")
        T.append(r"\begin{itemize}")
        T.extend(r"\item " + tex_escape(n) for n in analysis.notes)
        T.append(r"\end{itemize}")
    T.append(r"\end{document}")
    return "\n".join(line for line in T if line != "") + "\n"


def _tex_eigs(text: str) -> str:
    """Eigenvalue text in math mode: an upright imaginary unit."""
    return text.replace("i", r"\,\mathrm{i}")
