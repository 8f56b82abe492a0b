"""Sensitivity of the evolution paths to one parameter or one mechanism's strength.

For each value ``v`` of the varied quantity the replicator dynamics are
integrated from the same initial state (default: the centre of the state
space, every strategy equally common) and the paths are overlaid, one panel
per population (as in :mod:`evogame.plotting.paths`), coloured along
``viridis`` from the smallest to the largest value, with a legend of the
values (a colour bar when there are more than seven).  A mechanism's strength
is varied on games the caller has applied it to (:func:`evogame.plotting.recipes.sensitivity`
applies them); a parameter, on the game itself.
"""
from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np

from ..errors import ScenarioError
from ..game import Game, game_of
from ..scenario import Scenario, as_scenario
from ..dynamics.simulation import as_initial_states, simulate
from .common import Setting, centre_state, default_t_end, fmt_number, prepare
from .paths import panel_aspect, panel_grid, panels, share_series, time_panels
from .style import style, width_inches

__all__ = ["sensitivity_figure"]

_LEGEND_MAX = 7


def sensitivity_figure(subject: Game | Scenario, values: Sequence[float], *, parameter: str | None = None,
                       mechanism: str | None = None, games: Sequence | None = None, initial=None,
                       t_end: float | None = None, params: Mapping | None = None, lang: str = "en",
                       width="single", n_points: int = 301, resolved=None):
    """Paths for several values of one parameter or one mechanism strength, overlaid.

    Parameters
    ----------
    subject : the Game, or a Scenario (its settings and mechanisms are used)
    values : the values of the parameter (or strengths of the mechanism).
    parameter : the parameter varied (exactly one of ``parameter`` and
        ``mechanism``).
    mechanism : the mechanism whose strength ``s`` is varied (0 = baseline,
        1 = as described).
    games : with ``mechanism``, the subject with the mechanism applied at
        each strength in ``values`` (one Game or Scenario per value).
    initial : one initial state (reduced coordinates or shares); default the
        centre of the state space.
    t_end : final time; default the scenario's, else 50.
    params : other parameter overrides, held fixed.

    Returns
    -------
    matplotlib.figure.Figure
    """
    game = game_of(subject)
    if (parameter is None) == (mechanism is None):
        raise ScenarioError("give exactly one of a parameter and a mechanism to vary", argument="vary",
                            expected="NAME=v1,v2,... with NAME a parameter or a mechanism")
    values = [float(v) for v in values]
    if not values:
        raise ScenarioError("no values to vary over", argument="vary", expected="at least one value")
    params = dict(params or {})
    if parameter is not None:
        game.values({**params, parameter: values[0]})     # checks the name (with a suggestion)
    start = centre_state(game)[None, :] if initial is None else as_initial_states(game, initial)
    if start.shape[0] != 1:
        raise ScenarioError("a sensitivity figure starts from one initial state", argument="initial",
                            found=f"{start.shape[0]} states")
    t_end = default_t_end(subject) if t_end is None else float(t_end)

    if mechanism is not None and (games is None or len(games) != len(values)):
        raise ValueError("varying a mechanism's strength needs the game at each strength (games=...)")
    runs, unsettled = [], []
    for k, v in enumerate(values):
        if parameter is not None:
            game_k, params_k = subject, {**params, parameter: v}
        else:
            game_k, params_k = games[k], params
        sim = simulate(game_k, start, t_end, params=params_k, n_points=n_points)
        runs.append(sim)
        if _no_stable_state_and_moving(game_k, params_k, sim):
            unsettled.append(v)

    s = prepare(game, params, lang=lang, width=width, need_analysis=False, resolved=resolved)
    L = s.labels
    if parameter is not None:
        quantity = L.parameter(parameter)
    else:
        mech = as_scenario(subject).mechanism(mechanism)
        quantity = f"{mech.label(L.lang)}: {L.word('strength')} $s$"
    note = _unsettled_note(L, values, unsettled, quantity, t_end) if unsettled else None
    return _overlay(s, values, runs, quantity, t_end, note)


#: a path still moving faster than this (max norm of dx/dt) at t_end has not settled
MOVING_SPEED = 1e-4


def _no_stable_state_and_moving(subject, params, sim) -> bool:
    """Whether the game at these values has no asymptotically stable rest point (from the analysis)
    and the path is still moving at its last time."""
    from ..engine.analysis import analyze
    path, times = np.asarray(sim.paths[0], dtype=float), np.asarray(sim.times, dtype=float)
    speed = np.max(np.abs(path[-1] - path[-2])) / (times[-1] - times[-2])
    # the path first: a settled path needs no analysis (most do; analyze costs ~0.1 s a game)
    return bool(speed > MOVING_SPEED) and not analyze(subject, params).stable


def _unsettled_note(labels, values, unsettled, quantity: str, t_end: float) -> str:
    """E.g. "no stable state (s = 0.5, 0.75): paths still moving at t = 30" (the values named when not all)."""
    which = "" if len(unsettled) == len(values) else \
        f" ({quantity.split(': ')[-1]} = {', '.join(fmt_number(v) for v in unsettled)})"
    if labels.lang == "zh":
        return f"无渐近稳定状态{which}：路径在 $t = {fmt_number(t_end)}$ 时仍在变化"
    return f"no stable state{which}: paths still moving at $t = {fmt_number(t_end)}$"


def _overlay(s: Setting, values: Sequence[float], runs, quantity: str, t_end: float, note: str | None = None):
    """The runs' shares against time, one panel per share, coloured by value; legend or colour bar.

    ``note`` (no stable state, paths still moving) is written under the
    legend's title or the colour bar's label, clear of the paths.
    """
    game, L, width = s.game, s.labels, s.width
    cells = panels(game)
    import matplotlib
    # viridis from dark purple to yellow-green: its last tenth (yellow) is too pale on white
    cmap = matplotlib.colors.ListedColormap(matplotlib.colormaps["viridis"](np.linspace(0.0, 0.9, 256)))
    lo, hi = min(values), max(values)
    norm = matplotlib.colors.Normalize(vmin=lo, vmax=hi if hi > lo else lo + 1.0)
    with style(width, s.cjk_font):
        longest = max(len(fmt_number(v)) for v in values)
        fit = int(width_inches(width) * 0.95 // ((longest * 0.56 * 7.0 + 30.0) / 72.0))
        ncol = max(1, min(len(values), _LEGEND_MAX, fit))
        legend_rows = 1 + (math.ceil(len(values) / ncol) if len(values) <= _LEGEND_MAX else 2) + (note is not None)
        title = quantity if note is None else f"{quantity}\n{note}"
        fig = s.figure(panel_aspect(len(cells), width, legend_rows))
        axes = panel_grid(fig, len(cells), width)
        handles = []
        for ax, (p, i) in zip(axes, cells):
            for v, sim in zip(values, runs):
                series = share_series(game, sim.paths, p, i)[0]
                colour = cmap(norm(v))
                (line,) = ax.plot(sim.times, series, color=colour, linewidth=1.1, label=fmt_number(v))
                if ax is axes[0]:
                    handles.append(line)
        time_panels(axes, cells, L, t_end, width)
        if len(values) <= _LEGEND_MAX:
            legend = fig.legend(handles=handles, loc="outside lower center", ncol=ncol, title=title)
            legend.get_title().set_gid("no-stable-state" if note else None)
        else:
            sm = matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap)
            cb = fig.colorbar(sm, ax=axes, location="bottom", shrink=0.7, aspect=35)
            cb.set_label(title)
            cb.ax.xaxis.label.set_gid("no-stable-state" if note else None)
            cb.outline.set_linewidth(0.5)
        return s.done(fig)
