"""Evolution paths: strategy shares over time from several initial states.

One panel per population with two strategies (the share ``x_p(t)`` of its
first strategy) and, for a population with three or more strategies, one
panel per strategy.  Each initial state has its own colour (Okabe--Ito);
the paths come from :func:`evogame.simulate` (``solve_ivp``, RK45,
``rtol = 1e-8``).
"""
from __future__ import annotations

import math
from typing import Mapping

import numpy as np
import sympy

from ..game import Game, game_of
from ..scenario import Scenario
from ..dynamics.simulation import as_initial_states, simulate
from .common import default_initial_states, default_t_end, format_state, prepare, title_limit, wrap
from .style import OKABE_ITO, style, width_inches

__all__ = ["paths", "panels", "panel_grid"]


def panels(game: Game) -> list[tuple[int, int]]:
    """The (population, strategy) pairs drawn, one panel each (see module docstring)."""
    out = []
    for p, pop in enumerate(game.populations):
        if pop.n == 2:
            out.append((p, 0))
        else:
            out.extend((p, i) for i in range(pop.n))
    return out


def panel_grid(fig, count: int, width) -> list:
    """``count`` axes sharing the time axis: one column (single width) or up to 3 per row."""
    ncols = 1 if width == "single" else min(count, 3)
    nrows = math.ceil(count / ncols)
    axes = fig.subplots(nrows, ncols, squeeze=False, sharex=True)
    flat = list(axes.ravel())
    for ax in flat[count:]:
        ax.set_visible(False)
    return flat[:count]


def panel_aspect(count: int, width, legend_rows: int = 1) -> float:
    """Figure height / width for ``count`` panels (about 1.2 in per panel row at single width)."""
    ncols = 1 if width == "single" else min(count, 3)
    rows = math.ceil(count / ncols)
    per_row = 1.15 if width == "single" else 1.9
    height = rows * per_row + 0.35 + 0.18 * legend_rows
    return height / width_inches(width)


def time_panels(axes, cells, labels, t_end: float, width) -> None:
    """Every panel of shares against time styled (:func:`style_panel`, time from 0 to ``t_end``); the
    time axis labelled on the bottom row."""
    for ax, (p, i) in zip(axes, cells):
        style_panel(ax, labels, p, i)
        ax.set_xlim(0.0, t_end)
    for ax in bottom_axes(axes, width):
        ax.set_xlabel(labels.word("time"))


def bottom_axes(axes, width) -> list:
    ncols = 1 if width == "single" else min(len(axes), 3)
    return axes[-ncols:]


def share_series(game: Game, trajectories: np.ndarray, p: int, i: int) -> np.ndarray:
    """Share of strategy ``i`` of population ``p`` along paths ``(B, T, d)`` -> ``(B, T)``."""
    sl = game.slices()[p]
    head = trajectories[..., sl]
    if i < game.populations[p].n - 1:
        return head[..., i]
    return 1.0 - head.sum(axis=-1)


def style_panel(ax, labels, p: int, i: int):
    """Title: population and strategy; vertical axis: the share (0 to 1) and its symbol."""
    ax.set_ylim(-0.03, 1.03)
    ax.set_yticks([0, 0.5, 1.0], ["0", "0.5", "1"])
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(wrap(labels.share(p, i), title_limit(ax)), fontsize=8, loc="left")
    var = labels.variable(p, i)
    word = labels.word("share")
    ax.set_ylabel(f"{word} ${var}$" if var else word)


def paths(subject: Game | Scenario, initial=None, t_end: float | None = None, params: Mapping | None = None, *,
          lang: str = "en", width="single", n_points: int = 301, resolved=None):
    """Shares of every population's strategies over time from several initial states.

    Parameters
    ----------
    subject : the Game, or a Scenario (its settings and mechanisms are used)
    initial : initial states (reduced coordinates ``(B, d)``, or per start one
        probability vector per population); default: the scenario's
        ``[simulation] initial``, else the centre and four spread points.
    t_end : final time; default the scenario's ``[simulation] t_end``, else 50.
    params : parameter overrides.
    lang, width : see :func:`evogame.plotting.portrait`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    game = game_of(subject)
    s = prepare(game, params, lang=lang, width=width, need_analysis=False, resolved=resolved)
    L = s.labels
    starts = default_initial_states(subject) if initial is None else as_initial_states(s.game, initial)
    t_end = default_t_end(subject) if t_end is None else float(t_end)
    if getattr(subject, "delay", None) is not None:     # a scenario's [delay]: payoffs seen at x(t - tau)
        from ..studies.delay import simulate_delayed
        sim = simulate_delayed(subject, starts, t_end, params=s.values, n_points=n_points)
    else:
        sim = simulate(subject, starts, t_end, params=s.values, n_points=n_points)   # a scenario's [dynamics]
    cells = panels(s.game)
    with style(width, s.cjk_font):
        ncol = min(len(starts), 3 if width == "single" else 5)
        fig = s.figure(panel_aspect(len(cells), width, 1 + math.ceil(len(starts) / ncol)))
        axes = panel_grid(fig, len(cells), width)
        many = len(starts) > len(OKABE_ITO)
        colours = ([OKABE_ITO[b] for b in range(len(starts))] if not many else
                   [__import__("matplotlib").colormaps["viridis"](b / max(1, len(starts) - 1))
                    for b in range(len(starts))])
        lines = []
        for ax, (p, i) in zip(axes, cells):
            series = share_series(game, sim.paths, p, i)
            for b in range(len(starts)):
                (line,) = ax.plot(sim.times, series[b], color=colours[b], linewidth=1.1,
                                  label=format_state(starts[b]))
                if ax is axes[0]:
                    lines.append(line)
        time_panels(axes, cells, L, t_end, width)
        variables = ", ".join(sympy.latex(v) for v in game.variables)
        title = f"{L.word('start')} $({variables})$" if len(game.variables) > 1 else \
            f"{L.word('start')} ${variables}$"
        if not many:
            fig.legend(handles=lines, loc="outside lower center", ncol=ncol, title=title)
        return s.done(fig)
