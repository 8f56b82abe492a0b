"""Where the stable outcome switches: regime maps and bifurcation diagrams, drawn from results.

The sweeps and thresholds are computed by the studies; :mod:`evogame.plotting.recipes`
holds the recipes (``regime_figure``, ``bifurcation``) that compute and then
call the functions here, which only draw.

* **Regime map** (from :func:`evogame.studies.sweeps.regime_map`): the plane of two
  parameters coloured by the set of asymptotically stable rest points in each
  cell; the threshold curve of the target state (from
  :func:`evogame.studies.thresholds.threshold`) drawn on top where it has a closed
  form.  The curve is the zero set of ``numerator(u - e(q))``, where
  ``u = e(q)`` is the threshold's boundary expression with every parameter
  but the two axes at its value.
* **Bifurcation diagram** (from :func:`evogame.studies.sweeps.sweep1d`): every rest
  point's coordinates against the parameter, one panel per state variable,
  thick where the point is asymptotically stable and thin and broken
  otherwise, each point in its own (colour, line pattern), with the
  bifurcation points marked by dotted vertical lines and their values on the
  top axis.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import sympy

from ..scenario.expressions import parse_expression
from ..game import Game, parameter_symbol
from .common import fmt_number, prepare, title_limit, wrap
from .legends import parameter_label, place_legend, stability_key
from .style import OKABE_ITO, style, width_inches

__all__ = ["regime_map_figure", "regime_background", "mark_values", "bifurcation_figure", "threshold_curve",
           "regime_colours"]

NONE_COLOUR = "#e4e4e4"


def _tint(colour: str, amount: float = 0.45) -> tuple:
    """Mix a colour with white (``amount`` of white)."""
    from matplotlib.colors import to_rgb
    r, g, b = to_rgb(colour)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


def regime_colours(regimes: Sequence[tuple], labels: Sequence[str]) -> list:
    """A fill colour per regime: grey for "no stable state", else a tint of Okabe--Ito.

    Single-point regimes take the colour of their rest point (its position in
    ``labels``), so the same state has the same colour in every figure;
    regimes with several stable points take the next free colours.
    """
    palette = OKABE_ITO[:7]
    out, used = [], set()
    for r in regimes:
        if len(r) == 1 and r[0] in labels:
            k = list(labels).index(r[0]) % len(palette)
            used.add(k)
            out.append(_tint(palette[k]))
        else:
            out.append(None)
    free = [k for k in range(len(palette)) if k not in used] or list(range(len(palette)))
    n = 0
    for i, r in enumerate(regimes):
        if out[i] is None:
            if not r:
                out[i] = NONE_COLOUR
            else:
                out[i] = _tint(palette[free[n % len(free)]], 0.25)
                n += 1
    return out


def _set_label(regime: tuple, labels) -> str:
    # Chinese figures name the rest points by the strategies' Chinese labels (English ones keep the short names)
    names = [labels.profile(r) for r in regime] if labels.lang == "zh" else list(regime)
    return " + ".join(names) if regime else labels.word("none")


# -- threshold curve -------------------------------------------------------------------

def threshold_curve(game: Game, result, x_name: str, y_name: str):
    """The threshold's closed-form boundary as an implicit function of the two axes.

    Parameters
    ----------
    game : the game the threshold was computed on (mechanisms applied or
        not; every parameter other than the axes is held at its value).
    result : a :class:`~evogame.studies.thresholds.ThresholdResult` with an
        ``expression`` ``"u = e(...)"``.
    x_name, y_name : the axes (parameters, or ``"strength"``).

    Returns
    -------
    (h, latex) or None : ``h(X, Y)`` whose zero set is the curve, and the
    boundary in LaTeX; None when there is no closed form or the boundary does
    not depend on the axes.
    """
    if result is None or not getattr(result, "expression", None) or " = " not in result.expression:
        return None
    lhs_name, rhs_text = result.expression.split(" = ", 1)
    names = {n: p.symbol for n, p in game.parameters.items()}
    names.setdefault("strength", parameter_symbol("strength"))
    if lhs_name not in names:
        return None
    rhs = parse_expression(rhs_text, names)
    u = names[lhs_name]
    eq = sympy.numer(sympy.together(u - rhs))
    values = game.values()
    axes = {x_name, y_name}
    subs = {names[n]: v for n, v in values.items() if n not in axes and n in names}
    if "strength" not in axes and "strength" not in values:
        subs[names["strength"]] = sympy.Integer(1)
    eq = sympy.expand(eq.xreplace(subs))
    X, Y = names.get(x_name), names.get(y_name)
    if X is None or Y is None or not (eq.free_symbols & {X, Y}) or eq.free_symbols - {X, Y}:
        return None
    fn = sympy.lambdify((X, Y), eq, modules="numpy")

    def h(xv, yv):
        return np.broadcast_to(np.asarray(fn(xv, yv), dtype=float), np.broadcast(xv, yv).shape)

    return h, f"{sympy.latex(u)} = {sympy.latex(rhs)}"


# -- regime map ----------------------------------------------------------------------

def regime_map_figure(result, threshold=None, *, ax=None, lang: str = "en", width="single", resolved=None,
                      threshold_game: Game | None = None):
    """Draw a :class:`~evogame.studies.sweeps.RegimeMapResult`.

    Parameters
    ----------
    result : RegimeMapResult (arrays indexed ``[j, i]`` for ``y[j], x[i]``).
    threshold : optional ThresholdResult of the target in one of the axes;
        its closed-form boundary is drawn as a black curve.
    threshold_game : the game the threshold was computed on (default: the
        sweep's game).

    Returns
    -------
    matplotlib.figure.Figure
    """
    game = result.game
    s = prepare(game, None, lang=lang, width=width, need_analysis=False, resolved=resolved)
    L = s.labels
    with style(width, s.cjk_font):
        own = ax is None
        fig = s.figure(1.0 + 0.05 * len(result.regimes) if width == "single" else 0.62) if own else ax.figure
        ax = fig.add_subplot() if own else ax
        handles = regime_background(ax, result, L)
        if threshold is not None:
            handles += _draw_threshold(ax, result, threshold, threshold_game or game, L)
        handles += mark_values(ax, result, game, L)
        place_legend(fig, ax, handles, own=own, outside=dict(ncol=1 if width == "single" else 2),
                     title=L.word("stable set"))
        return s.done(fig)


def regime_background(ax, result, labels) -> list:
    """The regime map drawn into ``ax`` (cells, limits, axis labels); a legend patch per regime."""
    from matplotlib.patches import Patch
    colours = regime_colours(result.regimes, result.labels)
    _draw_regimes(ax, result, colours)
    ax.set_xlim(result.x[0], result.x[-1])
    ax.set_ylim(result.y[0], result.y[-1])
    ax.set_xlabel(parameter_label(labels, result.x_name, result.mechanisms))
    ax.set_ylabel(parameter_label(labels, result.y_name, result.mechanisms))
    return [Patch(facecolor=c, edgecolor="#666666", linewidth=0.4, label=_set_label(r, labels))
            for r, c in zip(result.regimes, colours)]


def _draw_regimes(ax, result, colours):
    """Fill every cell with the colour of its regime (the cells are centred on the grid)."""
    from matplotlib.colors import ListedColormap
    cmap = ListedColormap(colours)
    x, y = np.asarray(result.x, dtype=float), np.asarray(result.y, dtype=float)
    uniform = all(len(v) > 1 and np.allclose(np.diff(v), v[1] - v[0], rtol=1e-6, atol=0) for v in (x, y))
    if uniform:
        # one image, not a path per cell: small vector files
        dx, dy = x[1] - x[0], y[1] - y[0]
        mesh = ax.imshow(result.regime_index, cmap=cmap, vmin=-0.5, vmax=len(colours) - 0.5,
                         origin="lower", interpolation="nearest", aspect="auto", zorder=0,
                         extent=(x[0] - dx / 2, x[-1] + dx / 2, y[0] - dy / 2, y[-1] + dy / 2))
    else:
        mesh = ax.pcolormesh(x, y, result.regime_index, cmap=cmap, vmin=-0.5, vmax=len(colours) - 0.5,
                             shading="nearest", rasterized=True, zorder=0)
    mesh.set_gid("regimes")


def _draw_threshold(ax, result, threshold, game: Game, labels) -> list:
    """The threshold's closed-form curve where it crosses the map; its legend handle (or none)."""
    from matplotlib.lines import Line2D
    curve = threshold_curve(game, threshold, result.x_name, result.y_name)
    if curve is None:
        return []
    h, tex = curve
    fx = np.linspace(result.x[0], result.x[-1], 401)
    fy = np.linspace(result.y[0], result.y[-1], 401)
    FX, FY = np.meshgrid(fx, fy)
    Z = h(FX, FY)
    if not np.nanmin(Z) < 0.0 < np.nanmax(Z):
        return []
    cs = ax.contour(FX, FY, Z, levels=[0.0], colors=["black"], linewidths=1.3, zorder=3)
    cs.set_gid("threshold")
    return [Line2D([], [], color="black", linewidth=1.3, label=f"{labels.word('threshold')} ${tex}$")]


def mark_values(ax, result, game: Game, labels) -> list:
    """A cross at the game's parameter values when both axes are parameters in view; its legend handle."""
    from matplotlib.lines import Line2D
    values = game.values() if all(p.value is not None for p in game.parameters.values()) else {}
    if result.x_name not in values or result.y_name not in values:
        return []
    dx, dy = float(values[result.x_name]), float(values[result.y_name])
    if not (result.x[0] <= dx <= result.x[-1] and result.y[0] <= dy <= result.y[-1]):
        return []
    mark = dict(linestyle="none", marker="X", markersize=6.5, markerfacecolor="white", markeredgecolor="black",
                markeredgewidth=0.9)
    ax.plot([dx], [dy], zorder=5, clip_on=False, **mark)[0].set_gid("parameter-values")
    return [Line2D([], [], label=labels.word("defaults"), **mark)]


# -- bifurcation diagram ----------------------------------------------------------------

#: colours of the branches (Okabe--Ito without the yellow, too pale for thin lines)
BRANCH_COLOURS = tuple(OKABE_ITO[k] for k in (0, 1, 2, 3, 4, 5, 7))
#: line patterns of the branches, (stable, not stable), one family per round of the colours: every
#: branch has its own (colour, pattern) pair; stability is also told by the width (thick / thin)
BRANCH_PATTERNS = (("-", (0, (3.0, 2.0))),
                   ((0, (4.0, 1.2)), (0, (1.0, 1.5))),
                   ((0, (4.0, 1.2, 1.0, 1.2)), (0, (4.0, 1.5, 1.0, 1.5))))
#: distance (points) between branches that coincide in a panel (e.g. four corners with x = 1)
COINCIDENT_OFFSET = 1.8
STABLE_WIDTH, UNSTABLE_WIDTH = 2.2, 1.0
KEY_COLOUR = "#7a7a7a"
#: legend rows: 7 pt text with this spacing (in font sizes)
LEGEND_SPACING = 0.2


def branch_looks(labels) -> dict:
    """Each branch's colour and (stable, not stable) line patterns: distinct for every branch."""
    n = len(BRANCH_COLOURS)
    return {label: (BRANCH_COLOURS[k % n], BRANCH_PATTERNS[(k // n) % len(BRANCH_PATTERNS)])
            for k, label in enumerate(labels)}


def bifurcation_figure(result, *, lang: str = "en", width="single", resolved=None, axes=None):
    """Draw a :class:`~evogame.studies.sweeps.Sweep1DResult` as a bifurcation diagram.

    One panel per state variable: every rest point's coordinate against the
    parameter, thick where asymptotically stable, thin and dashed otherwise,
    absent where it does not exist.  Each rest point has its own colour and
    line pattern; rest points that coincide in a panel (corners sharing a
    coordinate) are drawn side by side, ``COINCIDENT_OFFSET`` points apart,
    towards the inside of the panel.  The bifurcation values are dotted lines,
    their values written on the top axis.  The legend names the rest points
    by the strategies' labels, in as many columns as fit.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.legend_handler import HandlerTuple
    from matplotlib.lines import Line2D
    game = result.game
    s = prepare(game, None, lang=lang, width=width, need_analysis=False, resolved=resolved)
    L = s.labels
    values = np.asarray(result.values, dtype=float)
    looks = branch_looks(result.labels)
    names = [L.profile(label) for label in result.labels]
    with style(width, s.cjk_font):
        own = axes is None
        ncol = _legend_columns(names, width)
        names = [_fit(name, width, ncol) for name in names]
        fig, axes = _bifurcation_panels(s, result, width, ncol, names) if own else (axes[0].figure, axes)
        for var, ax in enumerate(axes):
            _draw_branches(ax, result, values, var, looks)
        handles = [Line2D([], [], color=looks[label][0], linewidth=1.5, linestyle=looks[label][1][0], label=name)
                   for label, name in zip(result.labels, names)]
        columns = 1 if width == "single" else min(game.dimension, 3)
        marks = _bifurcation_values(result)
        for var, ax in enumerate(axes):
            _style_bifurcation_panel(ax, result, values, var, L, marks if var < columns else None)
        for ax in axes[-columns:]:
            ax.set_xlabel(parameter_label(L, result.parameter, result.mechanisms))
        # the key, one entry, in grey: black is also a branch's colour
        key = tuple(stability_key(L, colour=KEY_COLOUR, stable_width=STABLE_WIDTH, unstable_width=UNSTABLE_WIDTH,
                                  dash=BRANCH_PATTERNS[0][1]))
        labels = [h.get_label() for h in handles] + [L.word("stability key")]
        place_legend(fig, axes[0], [*handles, key], own=own, outside=dict(ncol=ncol, labelspacing=LEGEND_SPACING),
                     labels=labels, handlelength=2.4, handler_map={tuple: HandlerTuple(ndivide=None, pad=0.3)})
        return s.done(fig)


def _entry_chars(width, ncol: int) -> int:
    """How many characters of a 7-pt legend entry fit one of ``ncol`` columns."""
    return max(12, int((width_inches(width) * 0.96 / ncol * 72.0 - 32.0) / (0.5 * 7.0)))


def _fit(name: str, width, ncol: int) -> str:
    """A legend entry broken into lines that fit its column (after a comma where possible)."""
    import textwrap
    limit = _entry_chars(width, ncol)
    return name if len(name) <= limit else "\n".join(textwrap.wrap(name, limit))


def _legend_columns(names, width) -> int:
    """As many legend columns (up to 2 at single width, 3 at double) as the longest entry allows."""
    longest = max(len(n) for n in names)
    entry = (longest * 0.56 * 7.0 + 30.0) / 72.0           # inches: text + handle + spacing
    wanted = 2 if width == "single" else 3
    return max(1, min(wanted, int(width_inches(width) * 0.96 // entry)))


def _bifurcation_panels(s, result, width, ncol: int, names):
    """A new figure with one panel per state variable (one column, or up to 3 at double width).

    The panels shrink (down to 0.72 in) so that a single-column figure with a
    long legend stays at most 1.3 times as high as it is wide.
    """
    d = result.game.dimension
    ncols = 1 if width == "single" else min(d, 3)
    nrows = -(-d // ncols)
    w = width_inches(width)
    lines = [name.count("\n") + 1 for name in names] + [1]          # and the key
    legend_rows = -(-sum(lines) // ncol)
    legend = 0.12 + legend_rows * 7.0 * (1.0 + LEGEND_SPACING) / 72.0
    fixed = 0.55 + legend                                   # x label, values on the top axis, legend
    per_row = 1.25 if width == "single" else 1.9
    if width == "single":
        per_row = min(per_row, max(0.72, (1.3 * w - fixed) / nrows))
    fig = s.figure((nrows * per_row + fixed) / w)
    grid = fig.subplots(nrows, ncols, squeeze=False, sharex=True)
    axes = list(grid.ravel())
    for ax in axes[d:]:
        ax.set_visible(False)
    return fig, axes[:d]


def _draw_branches(ax, result, values, var: int, looks):
    """Every rest point's coordinate ``var``: thick where asymptotically stable, thin otherwise.

    Rest points that lie on top of each other in this panel (e.g. two corners
    with ``x = 1``) are drawn side by side: the first at its value, the next
    ``COINCIDENT_OFFSET`` points further towards the inside of the panel.
    """
    from matplotlib.transforms import offset_copy
    series = {}
    for label in result.labels:
        states = np.asarray(result.states[label], dtype=float)
        codes = np.asarray(result.codes[label])
        yv = states[:, var] if states.ndim == 2 else np.full(len(values), np.nan)
        series[label] = (np.where(codes >= 0, yv, np.nan), codes == 0)
    for group in _coincident(series, result.labels):
        # the branches that are somewhere stable at the true value, the others beside them
        group = sorted(group, key=lambda label: not bool(np.any(series[label][1])))
        shown = series[group[0]][0]
        shown = shown[~np.isnan(shown)]
        inward = -1.0 if shown.size and float(np.median(shown)) > 0.5 else 1.0
        for r, label in enumerate(group):
            yv, stable = series[label]
            colour, (solid_style, dashed_style) = looks[label]
            shift = offset_copy(ax.transData, fig=ax.figure, x=0.0, y=inward * r * COINCIDENT_OFFSET,
                                units="points")
            solid = np.where(stable, yv, np.nan)
            dashed = _bridge(np.where(~stable, yv, np.nan), solid)
            (d_line,) = ax.plot(values, dashed, color=colour, linewidth=UNSTABLE_WIDTH, linestyle=dashed_style,
                                zorder=2, transform=shift, clip_on=False)
            (s_line,) = ax.plot(values, solid, color=colour, linewidth=STABLE_WIDTH, linestyle=solid_style,
                                zorder=3, solid_capstyle="butt", transform=shift, clip_on=False)
            d_line.set_gid(f"bifurcation:{label}:{var}:not stable")
            s_line.set_gid(f"bifurcation:{label}:{var}:stable")


def _bifurcation_values(result) -> list[tuple[float, str]]:
    """The distinct bifurcation values and their tick labels; values too close to the previous
    one to be read apart (under 6 % of the range) are named with it ("0.9, 0.95") and not again."""
    values = sorted({round(float(b["value"]), 9) for b in result.bifurcations})
    span = float(result.values[-1] - result.values[0]) or 1.0
    marks: list[list] = []
    for v in values:
        if marks and v - marks[-1][0] < 0.06 * span:
            marks[-1][1] += f", {fmt_number(v)}"
            marks.append([v, ""])
        else:
            marks.append([v, fmt_number(v)])
    return [(v, text) for v, text in marks]


def _style_bifurcation_panel(ax, result, values, var: int, labels, marks=None):
    """Shares from 0 to 1, the panel named by its variable, dotted lines at the bifurcation points
    (their values on a top axis when ``marks`` are given)."""
    game = result.game
    ax.set_ylim(-0.05, 1.05)
    ax.set_yticks([0, 0.5, 1.0], ["0", "0.5", "1"])
    ax.set_xlim(values[0], values[-1])
    ax.spines[["top", "right"]].set_visible(False)
    p = _population_of(game, var)
    i = var - game.slices()[p].start
    ax.set_title(wrap(labels.share(p, i), title_limit(ax, 7.5)), fontsize=7.5, loc="left")
    ax.set_ylabel(f"{labels.word('share')} ${sympy.latex(game.variables[var])}$")
    for v in sorted({round(float(b["value"]), 9) for b in result.bifurcations}):
        ax.axvline(v, color="#777777", linewidth=0.6, linestyle=":", zorder=1)
    if marks:
        top = ax.secondary_xaxis("top")
        top.set_xticks([v for v, _ in marks], [text for _, text in marks])
        top.tick_params(labelsize=6.5, colors="#555555", length=2.0, pad=1.0)
        top.spines["top"].set_visible(False)
        top.set_gid("bifurcation-values")


def _coincident(series: dict, labels) -> list[list[str]]:
    """Group the rest points whose coordinate is the same wherever both exist (1e-9)."""
    groups: list[list[str]] = []
    for label in labels:
        yv, _ = series[label]
        for g in groups:
            other, _ = series[g[0]]
            both = ~np.isnan(yv) & ~np.isnan(other)
            if both.any() and np.all(np.abs(yv[both] - other[both]) <= 1e-9):
                g.append(label)
                break
        else:
            groups.append([label])
    return groups


def _bridge(dashed: np.ndarray, solid: np.ndarray) -> np.ndarray:
    """Extend the dashed series by one point into adjacent solid points (no gaps at switches)."""
    out = dashed.copy()
    n = len(out)
    for i in range(n):
        if np.isnan(dashed[i]) and not np.isnan(solid[i]):
            if (i > 0 and not np.isnan(dashed[i - 1])) or (i + 1 < n and not np.isnan(dashed[i + 1])):
                out[i] = solid[i]
    return out


def _population_of(game: Game, var_idx: int) -> int:
    for p, sl in enumerate(game.slices()):
        if sl.start <= var_idx < sl.stop:
            return p
    raise IndexError(var_idx)
