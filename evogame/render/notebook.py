"""What a notebook shows of evogame's objects, and their tables as pandas data frames.

Each result class has one-line ``_repr_html_`` (and, for the game,
``_repr_latex_``) and ``to_dataframe`` methods that call the functions here.
The HTML is built from the document model (:mod:`evogame.render.document`)
and rendered by :mod:`evogame.render.html`, the same blocks the reports use;
formulas are LaTeX in ``$…$``, which Jupyter typesets.

Data frames are in *long form*: one row per rest point (an analysis), per
grid value and rest point (a sweep), per grid cell (a regime map), per path
and time (a simulation).  pandas is optional (``pip install
"evogame[dataframes]"``); without it ``to_dataframe()`` raises
:class:`MissingDependency` saying so, and ``import evogame`` never needs it.
"""
from __future__ import annotations

import numpy as np

from ..util.formatting import number
from ..util.optional import MissingDependency, require_pandas
from .document import Column, Display, Document, Heading, Paragraph, Table, inline

__all__ = ["MissingDependency", "require_pandas", "game_html", "game_latex", "analysis_html", "analysis_frame",
           "threshold_html", "compare_html", "sweep_html", "sweep_frame", "regime_map_html", "regime_map_frame",
           "basins_html", "basins_frame", "simulation_html", "simulation_frame"]

_DIGITS = 6


def _html(title: str, blocks) -> str:
    from .html import html
    return html(Document(title, tuple(blocks)))


def _table(header, rows) -> Table:
    """A table of text cells (strings or inline content)."""
    def cell(c):
        return c if isinstance(c, tuple) else inline(str(c))
    return Table((Column(),) * len(header), tuple(cell(h) for h in header),
                 tuple(tuple(cell(c) for c in row) for row in rows))


def _num(value) -> str:
    return "—" if value is None else number(float(value), _DIGITS)


# -- the game and its analysis ------------------------------------------------------------------

def _equation_blocks(game, dynamics: str) -> list:
    from ..dynamics import derive
    heading = "Replicator equations" if dynamics == "replicator" else f"Equations of the dynamics {dynamics}"
    return [Heading(inline(heading)), *(Display(eq) for eq in derive(game, dynamics).latex())]


def game_html(game) -> str:
    """The payoffs (a table) and the replicator equations (displayed formulas)."""
    from .report_document import payoff_blocks
    return _html(game.title, [Heading(inline("Payoffs")), *payoff_blocks(game), *_equation_blocks(game, "replicator")])


def game_latex(game) -> str:
    """The replicator equations, aligned, as one LaTeX display."""
    from ..dynamics import derive
    return "$$\\begin{aligned}" + " \\\\ ".join(derive(game).latex()) + "\\end{aligned}$$"


def analysis_html(analysis) -> str:
    """Parameters, payoffs, equations and the table of rest points (as the report prints them)."""
    from .report_document import _parameter_table, _rest_point_blocks, payoff_blocks
    from .vocabulary import WORDS
    game, words = analysis.game, WORDS["en"]
    blocks = [Heading(inline("Parameters")), _parameter_table(game, analysis.values, words)] if analysis.values else []
    blocks += [Heading(inline("Payoffs")), *payoff_blocks(game), *_equation_blocks(game, analysis.dynamics),
               Heading(inline("Rest points")), *_rest_point_blocks(game, analysis, words, "en")]
    if analysis.notes:
        blocks += [Heading(inline("Notes"), level=3), *(Paragraph(inline(n)) for n in analysis.notes)]
    return _html(game.title, blocks)


def _eigenvalue_columns(eigenvalues, count: int) -> dict:
    values = list(np.asarray(eigenvalues, dtype=complex).ravel()) + [complex(np.nan, np.nan)] * count
    out = {}
    for k, e in enumerate(values[:count], start=1):
        out[f"eigenvalue_{k}_real"], out[f"eigenvalue_{k}_imag"] = float(e.real), float(e.imag)
    return out


def analysis_frame(analysis):
    """One row per rest point: ``point``, ``rest_point`` (its label), one column per state
    variable, ``eigenvalue_k_real`` / ``eigenvalue_k_imag``, ``classification`` and
    ``asymptotically_stable``."""
    pd = require_pandas()
    variables = [str(v) for v in analysis.game.variables]
    count = max([len(np.ravel(p.eigenvalues)) for p in analysis.rest_points] + [len(variables)])
    rows = [{"point": p.name, "rest_point": p.label, **dict(zip(variables, map(float, p.state))),
             **_eigenvalue_columns(p.eigenvalues, count), "classification": p.classification,
             "asymptotically_stable": bool(p.asymptotically_stable)} for p in analysis.rest_points]
    columns = (["point", "rest_point", *variables]
               + [f"eigenvalue_{k}_{part}" for k in range(1, count + 1) for part in ("real", "imag")]
               + ["classification", "asymptotically_stable"])
    return pd.DataFrame(rows, columns=columns)


# -- studies ----------------------------------------------------------------------------------------

def threshold_html(result) -> str:
    """The threshold, how it was found and what it means, as a two-column table."""
    expression = inline(result.expression) if result.expression else inline("—")
    rows = [("target", result.target), ("unknown", result.unknown),
            ("mechanisms", ", ".join(map(str, result.mechanisms)) or "none"),
            ("threshold", _num(result.threshold)), ("exact", result.exact or "—"), ("boundary", expression),
            ("method", result.method), ("status", result.status), ("stable set", result.direction),
            ("stable below", ", ".join(result.stable_below) or "none"),
            ("stable above", ", ".join(result.stable_above) or "none")]
    blocks = [_table(("", "value"), rows), Paragraph(inline(result.meaning))]
    blocks += [Paragraph(inline(n)) for n in result.notes]
    return _html(f"{result.scenario}: threshold of {result.target} in {result.unknown}", blocks)


def compare_html(result) -> str:
    """Baseline and with-mechanism rest points side by side."""
    def state(side):
        return "—" if side is None else "; ".join("(" + ", ".join(_num(v) for v in vec) + ")" for vec in side["state"])

    rows = [((r["baseline"] or r["with"])["label"], state(r["baseline"]),
             r["baseline"]["classification"] if r["baseline"] else "—", state(r["with"]),
             r["with"]["classification"] if r["with"] else "—", r["change"]) for r in result.rows]
    header = ("rest point", "baseline state", "baseline", "with state", "with mechanisms", "change")
    what = " + ".join(f"{n} (s={s:g})" for n, s in result.mechanisms)
    return _html(f"{result.scenario}: baseline vs with {what}", [
        _table(header, rows),
        Paragraph(inline("Stable at baseline: " + (", ".join(result.baseline_stable) or "none"))),
        Paragraph(inline(f"Stable with {what}: " + (", ".join(result.with_stable) or "none")))])


def _runs(values, classes):
    """Runs of one class along a grid: ``(class, first value, last value)``."""
    runs, start = [], 0
    for i in range(1, len(classes) + 1):
        if i == len(classes) or classes[i] != classes[start]:
            runs.append((classes[start] or "absent", _num(values[start]), _num(values[i - 1])))
            start = i
    return runs


def sweep_html(result) -> str:
    """Each rest point's classification over runs of the grid, and the bifurcation points."""
    classes = result.classifications
    rows = [(label, *run) for label in result.labels for run in _runs(result.values, classes[label])]
    blocks = [_table(("rest point", "classification", "from", "to"), rows)]
    if result.bifurcations:
        blocks += [Heading(inline("Bifurcation points"), level=3),
                   _table((result.parameter, "rest point", "from", "to"),
                          [(_num(b["value"]), b["rest_point"], b["from"], b["to"]) for b in result.bifurcations])]
    blocks += [Paragraph(inline(n)) for n in result.notes]
    title = f"{result.game.title}: sweep of {result.parameter} ({len(result.values)} values)"
    return _html(title, blocks)


def sweep_frame(result):
    """Long form: one row per grid value and rest point: ``parameter``, ``value``,
    ``rest_point``, ``classification`` (None where absent), ``stable``, the state
    variables and ``eigenvalue_k_real`` / ``_imag`` (NaN where absent)."""
    pd = require_pandas()
    variables = [str(v) for v in result.game.variables]
    classes = result.classifications
    rows = []
    for label in result.labels:
        for i, value in enumerate(result.values):
            eigen = _eigenvalue_columns(result.eigenvalues[label][i], len(variables))
            rows.append({"parameter": result.parameter, "value": float(value), "rest_point": label,
                         "classification": classes[label][i], "stable": classes[label][i] == "asymptotically stable",
                         **dict(zip(variables, map(float, result.states[label][i]))), **eigen})
    return pd.DataFrame(rows)


def regime_map_html(result) -> str:
    """The regimes (stable sets) and the share of the grid each covers."""
    counts = np.bincount(result.regime_index.ravel(), minlength=len(result.regimes))
    rows = [(str(k), "; ".join(r) or "none", f"{c / result.regime_index.size:.1%}")
            for k, (r, c) in enumerate(zip(result.regimes, counts))]
    title = (f"{result.game.title}: regime map of {result.x_name} ({len(result.x)}) × "
             f"{result.y_name} ({len(result.y)})")
    return _html(title, [_table(("regime", "stable set", "share of the grid"), rows),
                         *(Paragraph(inline(n)) for n in result.notes)])


def regime_map_frame(result):
    """Long form: one row per grid cell: the two parameters' values, ``regime``
    (index into ``result.regimes``) and ``stable_set`` (labels joined by ``; ``)."""
    pd = require_pandas()
    ys, xs = np.meshgrid(result.y, result.x, indexing="ij")
    index = result.regime_index.ravel()
    return pd.DataFrame({result.x_name: xs.ravel().astype(float), result.y_name: ys.ravel().astype(float),
                         "regime": index.astype(int),
                         "stable_set": ["; ".join(result.regimes[k]) for k in index]})


def basins_html(result) -> str:
    """Each attractor's basin share with its standard error."""
    rows = [(label, f"{p:.4f}", f"{se:.4f}", str(int(c)))
            for label, p, se, c in zip(result.labels, result.shares, result.standard_errors, result.counts)]
    rows.append(("not converged", f"{result.not_converged_share:.4f}", "", str(result.not_converged)))
    return _html(f"{result.game.title}: basins of attraction ({result.samples} samples)",
                 [_table(("attractor", "basin share", "std. error", "count"), rows),
                  *(Paragraph(inline(n)) for n in result.notes)])


def basins_frame(result):
    """One row per attractor: ``attractor``, ``share``, ``standard_error``, ``count``."""
    pd = require_pandas()
    return pd.DataFrame({"attractor": result.labels, "share": np.asarray(result.shares, dtype=float),
                         "standard_error": np.asarray(result.standard_errors, dtype=float),
                         "count": np.asarray(result.counts, dtype=int)})


# -- simulation -------------------------------------------------------------------------------------

def simulation_html(simulation) -> str:
    """The size of the run and each path's start and end state."""
    B, T, _ = simulation.paths.shape
    rows = [(str(b), "(" + ", ".join(_num(v) for v in simulation.paths[b, 0]) + ")",
             "(" + ", ".join(_num(v) for v in simulation.paths[b, -1]) + ")") for b in range(B)]
    variables = ", ".join(str(v) for v in simulation.game.variables)
    header = ("path", f"start ({variables})", f"end ({variables})")
    blocks = [Paragraph(inline(f"{B} paths × {T} times, t from {_num(simulation.times[0])} to "
                               f"{_num(simulation.times[-1])}" + ("" if simulation.success
                                                                  else f"; failed: {simulation.message}"))),
              _table(header, rows)]
    return _html(f"{simulation.game.title}: simulation", blocks)


def simulation_frame(simulation):
    """Long form: one row per path and time: ``path``, ``time`` and one column per state variable."""
    pd = require_pandas()
    B, T, d = simulation.paths.shape
    data = {"path": np.repeat(np.arange(B), T), "time": np.tile(np.asarray(simulation.times, dtype=float), B)}
    for k, v in enumerate(simulation.game.variables):
        data[str(v)] = simulation.paths[:, :, k].reshape(B * T).astype(float)
    return pd.DataFrame(data)
