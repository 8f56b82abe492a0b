"""Phase portraits for every geometry, chosen from the game's shape.

=========================  ===============================================
shape                      portrait
=========================  ===============================================
1 population, 2 strategies the line: ``dx/dt`` against ``x``, arrows on the
                           phase line, rest points marked
1 population, 3 strategies the simplex as a triangle (barycentric
                           coordinates): streamlines, vertices named
2 populations x 2          the unit square: streamlines, the interior
                           nullclines ``f_{p,1} = f_{p,2}``, axes named by
                           the share of each population's first strategy
3 populations x 2          the unit cube: trajectories from a grid of starts
                           in 3-D, coloured by the attractor they reach;
                           optional 2-D slices at fixed values of the third
                           share (0 and 1 are invariant faces)
=========================  ===============================================

Rest points come from :func:`evogame.analyze` and are marked by class (see
:mod:`evogame.plotting.style`): filled circle = asymptotically stable, open
circle = unstable source, open square = saddle, half-filled circle =
non-hyperbolic; marks are drawn above the flow.

In the simplex, strategy ``i`` sits at vertex ``V_i`` with ``V_1 = (1/2, h)``
(top), ``V_2 = (0, 0)``, ``V_3 = (1, 0)``, ``h = sqrt(3)/2``; a state
``(x_1, x_2, x_3)`` is drawn at ``sum_i x_i V_i`` and the field at
``sum_i (dx_i/dt) V_i``.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from ..engine.analysis import Analysis
from ..game import Game, game_of
from ..scenario import Scenario
from ..dynamics.simulation import simulate
from .common import Setting, default_t_end, fmt_number, payoff_differences, prepare, shape, wrap
from .style import (OKABE_ITO, legend_columns, mark_continua, mark_rest_points, no_portrait,
                    rest_point_legend_handles, style, width_inches)

__all__ = ["portrait", "line_portrait", "simplex_portrait", "square_portrait", "cube_portrait",
           "simplex_coordinates", "SIMPLEX_VERTICES", "portrait_kind", "cube_axes", "style_cube_axes"]

H = np.sqrt(3.0) / 2.0
#: cartesian positions of the simplex's vertices (strategy 1 top, 2 bottom left, 3 bottom right)
SIMPLEX_VERTICES = np.array([[0.5, H], [0.0, 0.0], [1.0, 0.0]])

STREAM_COLOUR = "#8c8c8c"


def portrait_kind(subject: Game | Scenario) -> str:
    """``"line"``, ``"simplex"``, ``"square"`` or ``"cube"``; AnalysisError for other shapes."""
    kinds = {(2,): "line", (3,): "simplex", (2, 2): "square", (2, 2, 2): "cube"}
    try:
        return kinds[shape(subject)]
    except KeyError:
        raise no_portrait(game_of(subject)) from None


def portrait(subject: Game | Scenario, params: Mapping | None = None, *, ax=None, analysis: Analysis | None = None,
             lang: str = "en", width="single", **options):
    """The phase portrait of ``game``, with the geometry chosen from its shape.

    Parameters
    ----------
    subject : the Game, or a Scenario (its settings and mechanisms are used)
    params : parameter overrides.
    ax : Axes to draw into (a 3-D Axes for the cube); default: a new figure.
    analysis : the analysis of ``game`` at ``params`` (computed if omitted).
    lang : ``"en"`` or ``"zh"`` (needs a CJK font, else English with a warning).
    width : ``"single"`` (8.5 cm), ``"double"`` (17.5 cm) or inches.
    options : passed to the geometry's function (e.g. ``speed=True``,
        ``slices=(1, 0)`` for the cube).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    AnalysisError
        For shapes without a portrait (e.g. 4 strategies, or 2 x 3).
    """
    game = game_of(subject)
    kind = portrait_kind(game)
    func = {"line": line_portrait, "simplex": simplex_portrait, "square": square_portrait,
            "cube": cube_portrait}[kind]
    return func(subject, params, ax=ax, analysis=analysis, lang=lang, width=width, **options)


# -- helpers -----------------------------------------------------------------------

def _finish_legend(fig, ax, handles, own_figure: bool, *, ncol: int = 2, where: str = "lower"):
    if not handles:
        return None
    if own_figure:
        return fig.legend(handles=handles, loc=f"outside {where} center",
                          ncol=legend_columns(fig, handles, ncol))
    return ax.legend(handles=handles, loc="best")


def _classes(setting: Setting, points=None):
    points = setting.analysis.rest_points if points is None else points
    return {p.classification for p in points}


# -- one population, two strategies: the line --------------------------------------

def line_portrait(subject: Game | Scenario, params: Mapping | None = None, *, ax=None, analysis=None, lang="en",
                  width="single", resolution: int = 401, resolved=None):
    """Phase line of a one-population, two-strategy game.

    Draws ``dx/dt = x (1 - x) (f_1 - f_2)`` against ``x`` (the share of the
    first strategy), the phase line ``dx/dt = 0`` with arrows between
    consecutive rest points in the direction of the flow, and the rest points.
    """
    game = game_of(subject)
    if shape(game) != (2,):
        raise no_portrait(game, "phase line")
    s = prepare(game, params, analysis=analysis, lang=lang, width=width, resolved=resolved)
    L = s.labels
    with style(width, s.cjk_font):
        own = ax is None
        fig = s.figure(0.62) if own else ax.figure
        ax = fig.add_subplot() if own else ax
        x = np.linspace(0.0, 1.0, resolution)
        xdot = s.field(x[:, None])[:, 0]
        var = L.variable(0) or "x"
        ax.axhline(0.0, color="black", linewidth=0.7, zorder=2)
        ax.plot(x, xdot, color=OKABE_ITO[0], linewidth=1.1, zorder=3, label=f"$\\dot{{{var}}}$")
        scale = float(np.max(np.abs(xdot))) or 1.0
        ax.set_ylim(-1.25 * scale, 1.25 * scale)
        ax.set_xlim(0.0, 1.0)
        # arrows on the phase line between consecutive rest points
        stops = sorted({0.0, 1.0, *[float(p.state[0]) for p in s.analysis.rest_points]})
        for a, b in zip(stops[:-1], stops[1:]):
            if b - a < 0.04:
                continue
            mid = 0.5 * (a + b)
            v = s.field(np.array([[mid]]))[0, 0]
            if abs(v) <= 1e-12 * scale:
                continue
            half = min(0.05, 0.3 * (b - a))
            sign = np.sign(v)
            ax.annotate("", xy=(mid + sign * half, 0.0), xytext=(mid - sign * half, 0.0),
                        arrowprops=dict(arrowstyle="-|>", color="black", linewidth=0.9,
                                        mutation_scale=9, shrinkA=0, shrinkB=0), zorder=4)
        points = s.analysis.rest_points
        coords = np.array([[p.state[0], 0.0] for p in points])
        mark_rest_points(ax, points, coords, L, names=True)
        handles = mark_continua(ax, s.analysis, lambda z: (z[0], 0.0), L)
        ax.set_xlabel(L.share(0, variable=True, population=len(L.population(0)) < 18))
        ax.set_ylabel(f"rate of change $\\dot{{{var}}}$" if L.lang == "en" else f"变化率 $\\dot{{{var}}}$")
        ax.spines[["top", "right"]].set_visible(False)
        handles = rest_point_legend_handles(_classes(s), L) + handles
        _finish_legend(fig, ax, handles, own, ncol=3, where="upper")
        return s.done(fig)


# -- one population, three strategies: the simplex ------------------------------------

def simplex_coordinates(shares) -> np.ndarray:
    """Cartesian coordinates of probability vectors ``(..., 3)`` in the triangle."""
    shares = np.asarray(shares, dtype=float)
    return shares @ SIMPLEX_VERTICES


def _barycentric(X, Y):
    x1 = Y / H
    x3 = X - 0.5 * x1
    x2 = 1.0 - x1 - x3
    return x1, x2, x3


def simplex_portrait(subject: Game | Scenario, params: Mapping | None = None, *, ax=None, analysis=None, lang="en",
                     width="single", grid: int = 81, density: float = 1.1, speed: bool = False,
                     resolved=None):
    """Phase portrait on the simplex of a one-population, three-strategy game.

    Streamlines of the replicator field in barycentric coordinates (coloured
    by speed ``|dx/dt|`` when ``speed=True``), the triangle's vertices named
    by strategy, and the rest points marked by class.
    """
    game = game_of(subject)
    if shape(game) != (3,):
        raise no_portrait(game, "simplex portrait")
    s = prepare(game, params, analysis=analysis, lang=lang, width=width, resolved=resolved)
    L = s.labels
    with style(width, s.cjk_font):
        own = ax is None
        fig = s.figure(1.0) if own else ax.figure
        ax = fig.add_subplot() if own else ax
        X, Y = np.meshgrid(np.linspace(0.0, 1.0, grid), np.linspace(0.0, H, grid))
        x1, x2, x3 = _barycentric(X, Y)
        outside = (x1 < -1e-9) | (x2 < -1e-9) | (x3 < -1e-9)
        states = np.stack([np.clip(x1, 0, 1), np.clip(x2, 0, 1)], axis=-1)
        F = s.field(states)
        d1, d2 = F[..., 0], F[..., 1]
        d3 = -d1 - d2
        U = d1 * SIMPLEX_VERTICES[0, 0] + d2 * SIMPLEX_VERTICES[1, 0] + d3 * SIMPLEX_VERTICES[2, 0]
        V = d1 * SIMPLEX_VERTICES[0, 1] + d2 * SIMPLEX_VERTICES[1, 1] + d3 * SIMPLEX_VERTICES[2, 1]
        U = np.ma.array(U, mask=outside)
        V = np.ma.array(V, mask=outside)
        spd = np.ma.array(np.hypot(U.filled(0), V.filled(0)), mask=outside)
        stream_kw = dict(density=density, linewidth=0.6, arrowsize=0.7, zorder=1, broken_streamlines=True)
        if speed:
            sp = ax.streamplot(X, Y, U, V, color=spd.filled(np.nan), cmap="viridis", **stream_kw)
            cb = fig.colorbar(sp.lines, ax=ax, shrink=0.6, pad=0.02)
            cb.set_label(L.word("speed"))
            cb.outline.set_linewidth(0.5)
        else:
            ax.streamplot(X, Y, U, V, color=STREAM_COLOUR, **stream_kw)
        tri = np.vstack([SIMPLEX_VERTICES, SIMPLEX_VERTICES[:1]])
        ax.plot(tri[:, 0], tri[:, 1], color="black", linewidth=0.8, zorder=3, clip_on=False)
        offsets = [(0.0, 0.06, "center", "bottom"), (-0.02, -0.05, "center", "top"),
                   (0.02, -0.05, "center", "top")]
        for i, (dx, dy, ha, va) in enumerate(offsets):
            vx, vy = SIMPLEX_VERTICES[i]
            ax.text(vx + dx, vy + dy, L.strategy(0, i), ha=ha, va=va, fontsize=8)
        points = s.analysis.rest_points
        coords = simplex_coordinates([p.shares[0] for p in points]) if points else np.zeros((0, 2))
        mark_rest_points(ax, points, coords, L, names=True)
        extra = mark_continua(ax, s.analysis, lambda z: simplex_coordinates([z[0], z[1], 1 - z[0] - z[1]]), L)
        ax.set_xlim(-0.06, 1.06)
        ax.set_ylim(-0.13, H + 0.12)
        ax.set_aspect("equal")
        ax.set_axis_off()
        handles = rest_point_legend_handles(_classes(s), L) + extra
        _finish_legend(fig, ax, handles, own, ncol=2)
        return s.done(fig)


# -- two populations, two strategies each: the unit square -------------------------------

def _square_panel(ax, s: Setting, axes: tuple[int, int] = (0, 1), fixed: dict | None = None, *,
                  grid: int = 41, density: float = 1.0, nullclines: bool = True, speed: bool = False,
                  fig=None, points=None):
    """Streamlines (and nullclines) of the (axes[0], axes[1]) components, other coordinates fixed.

    Returns the legend handles of the nullclines drawn.
    """
    from matplotlib.lines import Line2D
    fixed = fixed or {}
    d = s.game.dimension
    i, j = axes
    X, Y = np.meshgrid(np.linspace(0.0, 1.0, grid), np.linspace(0.0, 1.0, grid))
    states = np.zeros(X.shape + (d,))
    states[..., i], states[..., j] = X, Y
    for k, v in fixed.items():
        states[..., k] = v
    F = s.field(states)
    U, V = F[..., i], F[..., j]
    stream_kw = dict(density=density, linewidth=0.6, arrowsize=0.7, zorder=1)
    if speed:
        sp = ax.streamplot(X, Y, U, V, color=np.hypot(U, V), cmap="viridis", **stream_kw)
        cb = (fig or ax.figure).colorbar(sp.lines, ax=ax, shrink=0.7, pad=0.02)
        cb.set_label(s.labels.word("speed"))
        cb.outline.set_linewidth(0.5)
    else:
        ax.streamplot(X, Y, U, V, color=STREAM_COLOUR, **stream_kw)
    handles = []
    if nullclines and s.dyn.payoff_nullclines:   # only there is the nullcline f_1 = f_2
        fine = np.linspace(0.0, 1.0, 201)
        FX, FY = np.meshgrid(fine, fine)
        fstates = np.zeros(FX.shape + (d,))
        fstates[..., i], fstates[..., j] = FX, FY
        for k, v in fixed.items():
            fstates[..., k] = v
        diffs = payoff_differences(s)
        for n, (comp, colour) in enumerate(((i, OKABE_ITO[0]), (j, OKABE_ITO[1]))):
            g = diffs[comp]
            Z = g(fstates)
            if not (np.nanmin(Z) < 0.0 < np.nanmax(Z)):
                continue      # no interior nullcline of this component in view
            cs = ax.contour(FX, FY, Z, levels=[0.0], colors=[colour], linewidths=1.1, linestyles="--",
                            zorder=2)
            cs.set_gid(f"nullcline:{comp}")
            var = s.labels.variable(comp) or f"x_{comp + 1}"
            handles.append(Line2D([], [], color=colour, linewidth=1.1, linestyle="--",
                                  label=f"$\\dot{{{var}}} = 0$ ({s.labels.word('nullcline')})"))
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, 1.0)
    ax.set_aspect("equal")
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0", "0.25", "0.5", "0.75", "1"])
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0], ["0", "0.25", "0.5", "0.75", "1"])
    ax.tick_params(pad=4.5)
    points = s.analysis.rest_points if points is None else points
    if points:
        coords = np.array([[p.state[i], p.state[j]] for p in points])
        mark_rest_points(ax, points, coords, s.labels, names=True)
    return handles


def square_portrait(subject: Game | Scenario, params: Mapping | None = None, *, ax=None, analysis=None, lang="en",
                    width="single", grid: int = 41, density: float = 1.0, nullclines: bool = True,
                    speed: bool = False, resolved=None):
    """Phase portrait on the unit square of a two-population, 2 x 2 game.

    Horizontal axis: the share ``x`` of the first population's first strategy;
    vertical: the share ``y`` of the second population's first strategy.
    Streamlines of ``(dx/dt, dy/dt)``; dashed, the interior nullclines
    ``f_{1,1}(y) = f_{1,2}(y)`` (where ``dx/dt = 0`` inside the square) and
    ``f_{2,1}(x) = f_{2,2}(x)``; rest points marked by class.
    """
    game = game_of(subject)
    if shape(game) != (2, 2):
        raise no_portrait(game, "unit-square portrait")
    s = prepare(game, params, analysis=analysis, lang=lang, width=width, resolved=resolved)
    L = s.labels
    with style(width, s.cjk_font):
        own = ax is None
        fig = s.figure(1.08 if width != "double" else 0.62) if own else ax.figure
        ax = fig.add_subplot() if own else ax
        handles = _square_panel(ax, s, grid=grid, density=density, nullclines=nullclines, speed=speed,
                                fig=fig)
        extra = mark_continua(ax, s.analysis, lambda z: (z[0], z[1]), L)
        ax.set_xlabel(wrap(L.share(0, variable=True), 44))
        ax.set_ylabel(wrap(L.share(1, variable=True), 38))
        handles = rest_point_legend_handles(_classes(s), L) + extra + handles
        _finish_legend(fig, ax, handles, own, ncol=2)
        return s.done(fig)


# -- three populations, two strategies each: the unit cube ----------------------------------

def cube_portrait(subject: Game | Scenario, params: Mapping | None = None, *, ax=None, analysis=None, lang="en",
                  width="single", starts: Sequence[float] = (0.15, 0.5, 0.85), t_end: float | None = None,
                  slices: Sequence[float] | None = None, n_points: int = 300, resolved=None,
                  view: tuple[float, float] = (22.0, -58.0)):
    """Phase portrait in the unit cube of a three-population, 2 x 2 x 2 game.

    Trajectories of the replicator dynamics from the grid ``starts^3`` of
    initial states (integrated to ``t_end``: the scenario's, else 50), each
    coloured by the asymptotically stable rest point it ends at (grey when it
    ends at none within 0.02), with an arrow showing the direction; rest
    points marked by class.  ``slices`` (e.g. ``(1, 0)``) adds one 2-D panel
    per value of the third share ``z``: the ``(x, y)`` flow with ``z`` fixed.
    Only ``z = 0`` and ``z = 1`` are invariant faces, where the streamlines
    are true trajectories; at other values they show the ``(x, y)``
    components of the field.  The layout is fixed by hand (3-D axes do not
    take part in constrained layout).
    """
    from matplotlib.lines import Line2D
    game = game_of(subject)
    if shape(game) != (2, 2, 2):
        raise no_portrait(game, "unit-cube portrait")
    s = prepare(game, params, analysis=analysis, lang=lang, width=width, resolved=resolved)
    L = s.labels
    slices = [float(v) for v in (slices or [])]
    if ax is not None and slices:
        raise ValueError("slices need a new figure (do not pass ax)")
    stable = s.analysis.stable
    colours = {k: OKABE_ITO[k % (len(OKABE_ITO) - 1)] for k in range(len(stable))}
    grid = np.array(np.meshgrid(starts, starts, starts, indexing="ij")).reshape(3, -1).T
    t_end = default_t_end(subject) if t_end is None else float(t_end)
    sim = simulate(game, grid, t_end, params=dict(s.values), n_points=n_points, dynamics=s.analysis.dynamics)
    ends = [_attractor_of(path, stable) for path in sim.paths]
    handles = rest_point_legend_handles(_classes(s), L)
    for k, p in enumerate(stable):
        handles.append(Line2D([], [], color=colours[k], linewidth=1.0, label=f"→ {L.profile(p.label)}"))
    if any(k is None for k in ends):     # say what the grey paths are
        handles.append(Line2D([], [], color=NO_ATTRACTOR_COLOUR, linewidth=1.0,
                              label=_no_attractor_label(L, t_end)))
    with style(width, s.cjk_font):
        own = ax is None
        fig, ax, slice_axes = _cube_layout(s, handles, width, slices) if own else (ax.figure, ax, [])
        for path, k in zip(sim.paths, ends):
            _draw_cube_path(ax, path, NO_ATTRACTOR_COLOUR if k is None else colours[k])
        points = s.analysis.rest_points
        coords = np.array([p.state for p in points]) if points else np.zeros((0, 3))
        mark_rest_points(ax, points, coords, L, three_d=True, names=True)
        style_cube_axes(ax, L, view)
        for sax, value in zip(slice_axes, slices):
            _cube_slice(sax, s, value, [p for p in points if abs(p.state[2] - value) <= 1e-9])
        if own:
            fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.0),
                       ncol=legend_columns(fig, handles, 2 if width == "single" else 3))
        else:
            ax.legend(handles=handles, loc="upper left")
        return s.done(fig)


def cube_axes(fig, width_in: float, legend_in: float):
    """Resize ``fig`` for a cube above a legend strip ``legend_in`` inches high; the 3-D axes."""
    h = width_in * 0.88 + legend_in
    fig.set_size_inches(width_in, h)
    return fig.add_axes([0.0, legend_in / h, 1.0, 1.0 - legend_in / h], projection="3d")


def _cube_layout(s: Setting, handles, width, slices):
    """A new figure: the cube, the slices below it (single width) or beside it, the legend strip."""
    w = width_inches(width)
    fig = s.figure(1.0)
    fig.set_layout_engine("none")
    ncol = legend_columns(fig, handles, 2 if width == "single" else 3)
    legend_in = 0.17 * -(-len(handles) // ncol) + 0.12
    slice_axes = []
    n = len(slices)
    if not slices:
        ax = cube_axes(fig, w, legend_in)
    elif width == "single":
        cube_in, slice_in = w * 0.88, w * 0.5
        h = cube_in + slice_in + 0.3 + legend_in
        fig.set_size_inches(w, h)
        ax = fig.add_axes([0.0, (legend_in + slice_in + 0.3) / h, 1.0, cube_in / h], projection="3d")
        side = min(slice_in, (w - 0.2 - 0.5 * n) / n)
        for k in range(n):
            left = (0.5 + k * (side + 0.5)) / w
            slice_axes.append(fig.add_axes([left, (legend_in + 0.4) / h, side / w, side / h]))
    else:
        cube_in = min(w * 0.45, 3.1)
        side = min(cube_in * 0.62, (w - cube_in - 0.1) / n - 0.7)
        h = max(cube_in, side + 1.0) + legend_in
        fig.set_size_inches(w, h)
        ax = fig.add_axes([0.0, legend_in / h, cube_in / w, (h - legend_in) / h], projection="3d")
        for k in range(n):
            left = cube_in + 0.1 + 0.45 + k * (side + 0.7)
            bottom = legend_in + 0.5 + 0.5 * (h - legend_in - side - 1.0)
            slice_axes.append(fig.add_axes([left / w, bottom / h, side / w, side / h]))
    return fig, ax, slice_axes


def _no_attractor_label(labels, t_end: float) -> str:
    """The legend entry of the grey paths: e.g. "no attractor reached by t = 50"."""
    if labels.lang == "zh":
        return f"{labels.word('no attractor')}（$t = {fmt_number(t_end)}$）"
    return f"{labels.word('no attractor')} by $t = {fmt_number(t_end)}$"


#: trajectories of the cube portrait that end at no asymptotically stable rest point
NO_ATTRACTOR_COLOUR = "#9a9a9a"


def _attractor_of(path: np.ndarray, stable):
    """The index of the asymptotically stable rest point the path ends at (within 0.02), or None."""
    for k, p in enumerate(stable):
        if np.max(np.abs(path[-1] - p.state)) < 0.02:
            return k
    return None


def _draw_cube_path(ax, path: np.ndarray, colour):
    """One trajectory in its colour, with its start and a direction arrow."""
    ax.plot(path[:, 0], path[:, 1], path[:, 2], color=colour, linewidth=0.7, alpha=0.9, zorder=1)
    ax.plot(path[:1, 0], path[:1, 1], path[:1, 2], linestyle="none", marker=".", markersize=2.5,
            color=colour, zorder=1)
    # a direction arrow where the path has covered a third of its length
    seg = np.linalg.norm(np.diff(path, axis=0), axis=1)
    total = seg.sum()
    if not total > 0.05:
        return
    k = int(np.searchsorted(np.cumsum(seg), total / 3.0))
    k = min(max(k, 0), len(path) - 2)
    direction = path[k + 1] - path[k]
    norm = np.linalg.norm(direction)
    if norm > 0:
        direction = direction / norm * 0.07
        ax.quiver(*path[k], *direction, color=colour, linewidth=0.8, arrow_length_ratio=0.6, normalize=False)


def style_cube_axes(ax, labels, view: tuple[float, float] = (22.0, -58.0)):
    """The unit cube's 3-D axes: ticks at 0, 0.5, 1, each axis named by population and share, the view."""
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_zlim(0, 1)
    ax.set_xticks([0, 0.5, 1], ["0", "0.5", "1"])
    # y = 0 meets x = 1 at the front corner: one label there ("1" of x), not two
    ax.set_yticks([0, 0.5, 1], ["", "0.5", "1"])
    ax.set_zticks([0, 0.5, 1], ["0", "0.5", "1"])
    ax.tick_params(pad=0.0, labelsize=6.5)
    names = [labels.share(p, population=False, variable=True) for p in range(3)]
    for setter, p in ((ax.set_xlabel, 0), (ax.set_ylabel, 1), (ax.set_zlabel, 2)):
        setter(f"{labels.population(p)}\n{names[p]}", labelpad=-1, fontsize=7, linespacing=1.1)
    ax.view_init(elev=view[0], azim=view[1])
    ax.set_box_aspect((1, 1, 1), zoom=0.86)
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.pane.set_facecolor((0.97, 0.97, 0.97, 1.0))
        axis.pane.set_edgecolor("#bbbbbb")


def _cube_slice(ax, s: Setting, value: float, on_face):
    """The ``(x, y)`` flow at ``z = value``, titled by whether the face is invariant."""
    L = s.labels
    _square_panel(ax, s, (0, 1), {2: float(value)}, grid=31, density=0.7, nullclines=False, points=on_face)
    ax.set_xticks([0, 0.5, 1], ["0", "0.5", "1"])
    ax.set_yticks([0, 1], ["0", "1"])
    var = L.variable(2) or "z"
    invariant = value in (0.0, 1.0)
    title = f"${var} = {fmt_number(value)}$\n"
    title += L.strategy(2, 0 if value == 1 else 1) if invariant else "(projection)"
    ax.set_title(title, fontsize=7.5)
    ax.set_xlabel(f"${L.variable(0)}$", fontsize=7.5, labelpad=1.5)
    ax.set_ylabel(f"${L.variable(1)}$", fontsize=7.5, labelpad=3, rotation=0, va="center")
