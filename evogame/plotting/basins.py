"""Basins of attraction: initial states coloured by the attractor their path reaches.

Drawn from a :class:`~evogame.studies.basins.BasinResult`: the states and
their attractors come from :func:`evogame.studies.basins.basins`
(a scrambled Sobol sample, uniform on the product of simplices, each start
integrated until it is within ``1e-3`` of an asymptotically stable rest
point).  The geometry follows the phase portrait:

* one population, two strategies: a rug of the starts on ``[0, 1]``, the
  separatrix (critical mass) marked;
* one population, three strategies: the starts in the simplex;
* two populations x 2: the starts in the unit square;
* three populations x 2: the starts in the unit cube (3-D);
* any other shape: the basin shares as bars with their standard errors.

The legend gives each attractor's basin share with its standard error
``sqrt(p (1 - p) / n)``; starts that reached no attractor are grey.
"""
from __future__ import annotations

import numpy as np

from .common import prepare, shape, wrap
from .portraits import SIMPLEX_VERTICES, cube_axes, simplex_coordinates, style_cube_axes
from .style import (OKABE_ITO, legend_columns, mark_rest_points, rest_point_legend_handles, style,
                    width_inches)

__all__ = ["basin_map_figure", "attractor_colours"]

NOT_CONVERGED_COLOUR = "#b0b0b0"


def attractor_colours(count: int) -> list[str]:
    """The colour of attractor ``k`` (same order as ``Analysis.stable``), as in the cube portrait."""
    return [OKABE_ITO[k % (len(OKABE_ITO) - 1)] for k in range(count)]


def basin_map_figure(result, *, lang: str = "en", width="single", resolved=None):
    """Draw a :class:`~evogame.studies.basins.BasinResult`: each start coloured by its attractor.

    The geometry follows the game's shape (see the module docstring); the
    legend gives each attractor's basin share ``p`` with its standard error.

    Returns
    -------
    matplotlib.figure.Figure
    """
    game = result.game
    s = prepare(game, None, analysis=result.analysis if result.analysis is not None
                and result.analysis.game is game else None, lang=lang, width=width, resolved=resolved)
    L = s.labels
    colours = attractor_colours(len(result.attractors))
    point_colours = np.array([colours[a] if a >= 0 else NOT_CONVERGED_COLOUR for a in result.assignment],
                             dtype=object)
    handles = _share_handles(result, colours, L, width)
    kind = {(2,): "line", (3,): "simplex", (2, 2): "square", (2, 2, 2): "cube"}.get(shape(game), "bars")
    points = s.analysis.rest_points
    title = f"{L.word('attractor')} (n = {result.samples})"
    with style(width, s.cjk_font):
        # legend handles take their defaults from the style: made inside it
        marks = rest_point_legend_handles({p.classification for p in points}, L)
        if kind == "bars":
            return s.done(_bars(s, result, colours))
        if kind == "cube":
            return s.done(_cube(s, result, point_colours, points, handles, marks, title))
        draw = {"line": _line, "square": _square, "simplex": _simplex}[kind]
        fig = draw(s, result, point_colours, points)
        handles = marks + handles
        fig.legend(handles=handles, loc="outside lower center", ncol=legend_columns(fig, handles, 2),
                   title=title)
        return s.done(fig)


def _share_handles(result, colours, labels, width="single") -> list:
    """A legend entry per attractor, ``→ label: p ± se`` (broken to fit the width), and one for the
    starts that reached none."""
    import textwrap
    from matplotlib.lines import Line2D
    limit = max(24, int((width_inches(width) * 0.96 * 72.0 - 32.0) / (0.5 * 7.0)))
    handles = []
    for k, (label, p, se) in enumerate(zip(result.labels, result.shares, result.standard_errors)):
        handles.append(Line2D([], [], linestyle="none", marker="s", markersize=5, markerfacecolor=colours[k],
                              markeredgecolor=colours[k],
                              label="\n".join(textwrap.wrap(f"→ {labels.profile(label)}: {p:.3f} ± {se:.3f}",
                                                             limit))))
    if result.not_converged:
        p = result.not_converged_share
        handles.append(Line2D([], [], linestyle="none", marker="s", markersize=5,
                              markerfacecolor=NOT_CONVERGED_COLOUR, markeredgecolor=NOT_CONVERGED_COLOUR,
                              label=f"{labels.word('no attractor')}: {p:.3f}"))
    return handles


def _line(s, result, point_colours, points):
    """One population, two strategies: a rug of the starts on [0, 1], the separatrices dotted."""
    L = s.labels
    fig = s.figure(0.5)
    ax = fig.add_subplot()
    x = result.initial[:, 0]
    order = np.argsort(x)
    ax.vlines(x[order], 0.0, 1.0, colors=list(point_colours[order]), linewidth=0.5, zorder=1)
    if result.separatrix:
        for sep in result.separatrix:
            xs = float(np.ravel(sep["state"])[0]) if not isinstance(sep["state"], (int, float)) \
                else float(sep["state"])
            ax.axvline(xs, color="black", linewidth=0.8, linestyle=":", zorder=2)
    mark_rest_points(ax, points, np.array([[p.state[0], 0.0] for p in points]), L)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.set_xlabel(L.share(0, variable=True))
    return fig


def _square(s, result, point_colours, points):
    """Two populations x 2: the starts in the unit square."""
    L = s.labels
    fig = s.figure(1.15)
    ax = fig.add_subplot()
    ax.scatter(result.initial[:, 0], result.initial[:, 1], c=list(point_colours), s=2.0,
               linewidths=0, zorder=1, rasterized=False)
    mark_rest_points(ax, points, np.array([[p.state[0], p.state[1]] for p in points]), L)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel(wrap(L.share(0, variable=True), 44))
    ax.set_ylabel(wrap(L.share(1, variable=True), 38))
    return fig


def _simplex(s, result, point_colours, points):
    """One population, three strategies: the starts in the simplex, its vertices named."""
    L = s.labels
    fig = s.figure(1.1)
    ax = fig.add_subplot()
    z = result.initial
    xy = simplex_coordinates(np.column_stack([z[:, 0], z[:, 1], 1 - z[:, 0] - z[:, 1]]))
    ax.scatter(xy[:, 0], xy[:, 1], c=list(point_colours), s=2.0, linewidths=0, zorder=1)
    tri = np.vstack([SIMPLEX_VERTICES, SIMPLEX_VERTICES[:1]])
    ax.plot(tri[:, 0], tri[:, 1], color="black", linewidth=0.8, zorder=3, clip_on=False)
    for i, (dx, dy, va) in enumerate([(0, 0.06, "bottom"), (-0.02, -0.05, "top"), (0.02, -0.05, "top")]):
        vx, vy = SIMPLEX_VERTICES[i]
        ax.text(vx + dx, vy + dy, L.strategy(0, i), ha="center", va=va)
    mark_rest_points(ax, points, simplex_coordinates([p.shares[0] for p in points]), L)
    ax.set_xlim(-0.06, 1.06)
    ax.set_ylim(-0.13, np.sqrt(3) / 2 + 0.12)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return fig


def _cube(s, result, point_colours, points, handles, marks, title):
    """Three populations x 2: the starts in the unit cube (3-D), the legend below."""
    fig = s.figure(1.0)
    fig.set_layout_engine("none")
    ncol = legend_columns(fig, handles + marks, 2)
    all_handles = marks + handles
    ax = cube_axes(fig, width_inches(s.width), 0.17 * -(-len(all_handles) // ncol) + 0.3)
    z = result.initial
    ax.scatter(z[:, 0], z[:, 1], z[:, 2], c=list(point_colours), s=1.5, linewidths=0, alpha=0.55,
               depthshade=False)
    mark_rest_points(ax, points, np.array([p.state for p in points]), s.labels, three_d=True)
    style_cube_axes(ax, s.labels)
    fig.legend(handles=all_handles, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=ncol, title=title)
    return fig


def _bars(s, result, colours):
    """Any other shape: the basin shares as bars with their standard errors."""
    L = s.labels
    fig = s.figure(0.75)
    ax = fig.add_subplot()
    labels = [L.profile(lab) for lab in result.labels] + ([L.word("no attractor")] if result.not_converged else [])
    shares = list(result.shares) + ([result.not_converged_share] if result.not_converged else [])
    errors = list(result.standard_errors) + (
        [np.sqrt(result.not_converged_share * (1 - result.not_converged_share) / result.samples)]
        if result.not_converged else [])
    bar_colours = colours + ([NOT_CONVERGED_COLOUR] if result.not_converged else [])
    ax.barh(np.arange(len(labels)), shares, xerr=errors, color=bar_colours, height=0.6,
            error_kw=dict(linewidth=0.8, capsize=2))
    ax.set_yticks(np.arange(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"basin share (n = {result.samples})")
    ax.spines[["top", "right"]].set_visible(False)
    return fig
