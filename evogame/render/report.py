"""``report``: a paper's whole standard output for one scenario, in Markdown and LaTeX.

The report holds, in the order a paper prints them:

1. the parameters (value, meaning, which dilemma or factor they stand for);
2. the payoff table (bimatrix for two populations, one row per profile for
   more, the matrix of a symmetric game, or the expected payoffs);
3. the replicator equations ``dx/dt = x (1 - x) (f_1 - f_2)`` (sympy LaTeX);
4. the rest-point table: state, Jacobian eigenvalues (with multiplicity) and
   classification, from :func:`evogame.analyze`;
5. the stability table (one row per equilibrium E1, E2, ...: the symbolic
   eigenvalues, their signs at the values and in the declared ranges, the
   conclusion; :mod:`evogame.engine.stability_table`) and the symbolic stability
   conditions of every rest point (``analyze(..., symbolic=True)``);
6. the thresholds of the declared mechanisms (:func:`evogame.thresholds.threshold`);
7. every figure that applies (phase portrait, evolution paths, sensitivity
   and bifurcation diagram per mechanism, regime map, the two-parameter
   diagram of the fold and Hopf curves a mechanism meets, basins), written to
   ``figures/`` as SVG (referenced from ``report.md``) and PDF (referenced
   from ``report.tex``).

``report.tex`` is a complete document (``article``; ``ctex`` only for Chinese).
The numbers are those of ``analyze(...).to_dict()``, printed with six
significant digits; ``analysis.json`` beside the report holds them in full.

This module computes, draws and writes; what the report says is built once as
a document (:mod:`evogame.render.report_document`) that the Markdown and
LaTeX back ends (:mod:`evogame.render`) render.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping, Sequence

from ..engine.analysis import analyze
from ..dynamics import with_dynamics
from ..errors import EvogameError, ScenarioError
from ..plotting.recipes import FIGURE_KINDS, draw_report_figures
from ..util.formatting import jsonable
from ..game.model import Game
from .latex import latex
from .cases_section import report_cases_blocks
from .markdown import markdown
from .report_document import report_document
from ..scenario import Scenario, as_scenario
from ..studies.mechanisms import apply
from ..studies.thresholds import threshold

__all__ = ["report", "Report", "FIGURE_KINDS"]


# -- the result -----------------------------------------------------------------------------

@dataclass(frozen=True)
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
           symbolic: bool = True, figure_formats: Sequence[str] = ("svg", "pdf"), dynamics=None,
           noise=None, finite=None, progress=None) -> Report:
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
        conditions and the thresholds (past it: numeric fallback, bisection).
    symbolic : include the symbolic stability conditions (slow for games of
        three populations: about half a minute with the default budget).
    figure_formats : formats of every figure (Markdown shows SVG, else PNG;
        LaTeX includes PDF, else PNG).
    dynamics : the dynamics the whole report follows; default: the scenario's
        ``[dynamics]``, else the replicator.
    noise : noise intensities (as for :func:`evogame.simulate_noisy`), default
        the scenario's ``[noise]``: a section on the pure profiles' stochastic stability.
    finite : keyword arguments of :func:`evogame.studies.finite.finite`: a "Finite populations" section.
    progress : called with a short description of each step as it starts.

    Returns :class:`Report`; raises :class:`ScenarioError` when ``out``
    cannot be written or a name is unknown.
    """
    from ..plotting.style import check_output_dir, resolve_language

    t0 = time.perf_counter()
    _check_kinds(kinds)
    out = check_output_dir(out)
    figdir = check_output_dir(out / "figures")
    params = dict(params or {})
    if lang not in ("en", "zh"):
        raise ScenarioError(f"unknown language '{lang}'", argument="lang", expected="'en' or 'zh'")
    resolved = resolve_language(lang)          # one warning at most, for every figure
    scenario = as_scenario(with_dynamics(subject, dynamics))
    base = scenario.with_game(scenario.game.with_values(**params))
    work = apply(base, list(mechanisms)) if mechanisms else base
    say = progress or (lambda step: None)
    analysis = _analysis(work, symbolic, budget, say)
    declared = dict(scenario.mechanisms)
    focus = list(mechanisms) if mechanisms else list(declared)

    say(f"thresholds of {len(declared)} mechanisms")
    thresholds = _thresholds(base, declared, mechanisms, budget)
    figures, skipped = [], []
    for kind in kinds:   # one kind at a time, to say where the report is
        say(f"{kind} figures")
        drawn, left = draw_report_figures(base, work, analysis, focus, [kind], figdir, out, resolved, width,
                                          figure_formats)
        figures, skipped = figures + drawn, skipped + left
    say("writing report.md, report.tex and analysis.json")

    table = _stability_table(analysis)     # one table for the document and analysis.json
    document = report_document(scenario, work.game, analysis, mechanisms, thresholds, figures, skipped, lang,
                               stochastic=_stochastic(work, noise), stability=table,
                               extra=[*report_cases_blocks(work, analysis, lang), *_finite_section(work, finite)])
    md, tex = markdown(document), latex(document)
    paths = {"md": out / "report.md", "tex": out / "report.tex", "json": out / "analysis.json"}
    try:
        paths["md"].write_text(md, encoding="utf-8")
        paths["tex"].write_text(tex, encoding="utf-8")
        paths["json"].write_text(json.dumps(jsonable(_analysis_dict(analysis, table)), indent=2, ensure_ascii=False)
                                 + "\n", encoding="utf-8")
    except OSError as exc:
        raise ScenarioError(f"cannot write the report ({exc.strerror or exc})", file=str(out)) from None
    return Report(out, paths["md"], paths["tex"], paths["json"], figures, skipped, thresholds, analysis,
                  lang, time.perf_counter() - t0)


def _stochastic(work: Scenario, noise):
    """The stochastic stability of the pure profiles, when noise is given or the scenario has a [noise] sigma."""
    settings = work.noise
    if noise is None and (settings is None or settings.sigma is None):
        return None
    from ..studies.stochastic.conditions import stochastic_stability
    return stochastic_stability(work, settings.sigma if noise is None else noise,
                                form=(settings.form if settings is not None else None) or "x")


def _analysis(work: Scenario, symbolic: bool, budget, say):
    """The rest points, with their symbolic stability conditions when asked."""
    say("rest points")
    analysis = analyze(work)
    if symbolic:
        say("symbolic stability conditions")
        # the symbolic solve (parameters as symbols) is the slow part: its own budget per face
        sym = analyze(work, symbolic=True, budget=budget)
        analysis = replace(analysis, symbolic_rest_points=sym.symbolic_rest_points,
                           notes=[*analysis.notes, *(n for n in sym.notes if n.startswith("symbolic"))])
    return analysis


def _stability_table(analysis):
    """The stability table when the symbolic conditions were derived, else None."""
    if not analysis.symbolic_rest_points:
        return None
    from ..engine.stability_table import stability_table
    return stability_table(analysis)


def _analysis_dict(analysis, table=None) -> dict:
    """``analysis.json``: the analysis, with its stability ``table`` (built here when not given) when the
    symbolic conditions were derived."""
    out = analysis.to_dict()
    table = _stability_table(analysis) if table is None else table
    if table is not None:
        out["stability_table"] = table.to_dict()
    return out


def _check_kinds(kinds) -> None:
    unknown = [k for k in kinds if k not in FIGURE_KINDS]
    if unknown:
        raise ScenarioError(f"unknown figure kind '{unknown[0]}'", argument="kinds",
                            expected="some of " + ", ".join(FIGURE_KINDS))


def _finite_section(work: Scenario, finite: Mapping | None) -> list:
    """The "Finite populations" blocks (none without ``finite``)."""
    if not finite:
        return []
    from ..studies.finite import finite as finite_populations
    from .finite_section import finite_blocks
    return finite_blocks(finite_populations(work, **finite))


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
