"""What a notebook shows of evogame's objects, and their tables as pandas data frames.

Each result class has one-line ``_repr_html_`` (and, for the game,
``_repr_latex_``) and ``to_dataframe`` methods that call the functions here.
The HTML is built from the document model (:mod:`evogame.render.document`)
and rendered by :mod:`evogame.render.html`, the same blocks the reports use;
its formulas (LaTeX in ``$…$`` there) are typeset here, by matplotlib's
mathtext, into inline SVG images (the LaTeX kept as their ``alt`` text).  So
the display needs no math renderer in the page: a notebook exported to HTML
shows its formulas offline, with no script from a CDN (MathJax, KaTeX).

Data frames are in *long form*: one row per rest point (an analysis), per
grid value and rest point (a sweep), per grid cell (a regime map), per path
and time (a simulation).  pandas is optional (``pip install
"evogame[dataframes]"``); without it ``to_dataframe()`` raises
:class:`MissingDependency` saying so, and ``import evogame`` never needs it.
"""
from __future__ import annotations

import base64
import html as _html_text
import io
import re
from functools import lru_cache

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
    return typeset(html(Document(title, tuple(blocks))))


# -- formulas typeset without a math renderer in the page ------------------------------------------

#: ``$$…$$`` (a display) or ``$…$`` (inline) as the HTML back end writes them (their LaTeX HTML-escaped)
_FORMULA = re.compile(r"(\$\$?)(.+?)\1", re.S)
_ALIGNED = re.compile(r"^\\begin\{aligned\}(.*)\\end\{aligned\}$", re.S)
_SIZE = 11.0         # points: about the size of the text around the formula in a notebook (14 px)


@lru_cache(maxsize=4096)
def formula_svg(tex: str) -> tuple[str, float] | None:
    """One formula (LaTeX, without ``$``) as an SVG document and its depth below the baseline in points,
    typeset by matplotlib's mathtext; ``None`` where mathtext does not know a piece of the LaTeX."""
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.mathtext import MathTextParser
    prop, text = FontProperties(size=_SIZE), f"${tex}$"
    try:
        width, height, depth, *_ = MathTextParser("path").parse(text, dpi=72, prop=prop)
    except ValueError:
        return None
    figure = Figure(figsize=(width / 72, height / 72))
    figure.text(0, depth / height, text, fontproperties=prop)
    buffer = io.BytesIO()
    # no date in the file: the same formula gives the same bytes
    figure.savefig(buffer, dpi=72, format="svg", transparent=True, metadata={"Date": None})
    return buffer.getvalue().decode(), float(depth)


def _image(tex: str, display: bool) -> str:
    typeset_ = formula_svg(tex)
    alt = _html_text.escape(tex, quote=True)
    if typeset_ is None:          # shown as written rather than left for a renderer that may not be there
        return f'<code class="latex">{alt}</code>'
    svg, depth = typeset_
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    style = "display:block;margin:4px 0" if display else f"vertical-align:{-depth:.2f}pt"
    return f'<img class="formula" style="{style}" alt="{alt}" src="{source}">'


def _formula_html(match: re.Match) -> str:
    tex, display = _html_text.unescape(match.group(2)).strip(), match.group(1) == "$$"
    aligned = _ALIGNED.match(tex)
    if aligned:                   # mathtext has no aligned environment: one line per row
        return "".join(_image(row.replace("&", ""), True) for row in aligned.group(1).split("\\\\") if row.strip())
    return _image(tex, display)


def typeset(text: str) -> str:
    """HTML with every ``$…$`` and ``$$…$$`` formula replaced by an inline SVG image of it (see above)."""
    return _FORMULA.sub(_formula_html, text)


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


def share_names(game) -> list[str]:
    """``population:strategy`` for every strategy of every population (the names the cycles' tables use)."""
    return [f"{pop.name}:{strategy}" for pop in game.populations for strategy in pop.strategies]


def _shares(game, state) -> dict:
    """Every share of a state given in reduced coordinates (each population's last share is one minus the
    others), keyed by :func:`share_names`: a simplex of three or more strategies is read whole."""
    from ..game.faces import full_state
    state = np.asarray(state, dtype=float)
    if np.isnan(state).any():          # an absent rest point: no shares either
        return dict.fromkeys(share_names(game), float("nan"))
    return dict(zip(share_names(game), (float(v) for pop in full_state(game, state) for v in pop)))


def analysis_frame(analysis):
    """One row per rest point: ``point``, ``rest_point`` (its label), one column per state
    variable, every share (``population:strategy``), ``eigenvalue_k_real`` /
    ``eigenvalue_k_imag``, ``classification`` and ``asymptotically_stable``."""
    pd = require_pandas()
    game = analysis.game
    variables = [str(v) for v in game.variables]
    count = max([len(np.ravel(p.eigenvalues)) for p in analysis.rest_points] + [len(variables)])
    rows = [{"point": p.name, "rest_point": p.label, **dict(zip(variables, map(float, p.state))),
             **_shares(game, p.state), **_eigenvalue_columns(p.eigenvalues, count),
             "classification": p.classification, "asymptotically_stable": bool(p.asymptotically_stable)}
            for p in analysis.rest_points]
    columns = (["point", "rest_point", *variables, *share_names(game)]
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
    ``rest_point``, ``classification`` (None where absent), ``asymptotically_stable``,
    the state variables, every share (``population:strategy``) and
    ``eigenvalue_k_real`` / ``_imag`` (NaN where absent)."""
    pd = require_pandas()
    variables = [str(v) for v in result.game.variables]
    classes = result.classifications
    rows = []
    for label in result.labels:
        for i, value in enumerate(result.values):
            eigen = _eigenvalue_columns(result.eigenvalues[label][i], len(variables))
            rows.append({"parameter": result.parameter, "value": float(value), "rest_point": label,
                         "classification": classes[label][i],
                         "asymptotically_stable": classes[label][i] == "asymptotically stable",
                         **dict(zip(variables, map(float, result.states[label][i]))),
                         **_shares(result.game, result.states[label][i]), **eigen})
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
    """Long form: one row per grid cell and rest point: the two parameters' values,
    ``rest_point``, ``classification`` (None where absent), ``asymptotically_stable``,
    ``regime`` (the cell's index into ``result.regimes``) and ``stable_set`` (the
    cell's stable labels joined by ``; ``)."""
    from ..studies.sweep_results import class_name
    pd = require_pandas()
    ys, xs = np.meshgrid(result.y, result.x, indexing="ij")
    index = result.regime_index.ravel()
    stable_set = ["; ".join(result.regimes[k]) for k in index]
    frames = [pd.DataFrame({result.x_name: xs.ravel().astype(float), result.y_name: ys.ravel().astype(float),
                            "rest_point": label,
                            "classification": [class_name(int(c)) for c in np.ravel(result.codes[label])],
                            "asymptotically_stable": [label in result.regimes[k] for k in index],
                            "regime": index.astype(int), "stable_set": stable_set})
              for label in result.labels]
    return pd.concat(frames, ignore_index=True)


def basins_html(result) -> str:
    """Each attractor's basin share with its standard error."""
    rows = [(label, f"{p:.4f}", f"{se:.4f}", str(int(c)))
            for label, p, se, c in zip(result.labels, result.shares, result.standard_errors, result.counts)]
    rows.append(("not converged", f"{result.not_converged_share:.4f}", "", str(result.not_converged)))
    return _html(f"{result.game.title}: basins of attraction ({result.samples} samples)",
                 [_table(("attractor", "basin share", "std. error", "count"), rows),
                  *(Paragraph(inline(n)) for n in result.notes)])


def basins_frame(result):
    """One row per attractor: ``attractor``, ``share``, ``standard_error``, ``count`` and
    ``asymptotically_stable`` (the attractors are the analysis's asymptotically stable rest points)."""
    pd = require_pandas()
    return pd.DataFrame({"attractor": result.labels, "share": np.asarray(result.shares, dtype=float),
                         "standard_error": np.asarray(result.standard_errors, dtype=float),
                         "count": np.asarray(result.counts, dtype=int),
                         "asymptotically_stable": [bool(a.asymptotically_stable) for a in result.attractors]})


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
    """Long form: one row per path and time: ``path``, ``time``, one column per state variable and every
    share (``population:strategy``)."""
    pd = require_pandas()
    game = simulation.game
    B, T, d = simulation.paths.shape
    data = {"path": np.repeat(np.arange(B), T), "time": np.tile(np.asarray(simulation.times, dtype=float), B)}
    for k, v in enumerate(game.variables):
        data[str(v)] = simulation.paths[:, :, k].reshape(B * T).astype(float)
    names = iter(share_names(game))
    for p, pop in enumerate(game.populations):
        shares = simulation.shares(p).reshape(B * T, pop.n).astype(float)
        for k in range(pop.n):
            data[next(names)] = shares[:, k]
    return pd.DataFrame(data)
