"""Delay figures: paths below and above a rest point's critical delay, and ``tau*`` along a swept value.

They draw the results of :mod:`evogame.studies.delay.study` (``delay_paths``,
``critical_delay_curve``) and compute nothing themselves.
"""
from __future__ import annotations

import numpy as np

from ..util.formatting import number
from .common import prepare
from .paths import panel_aspect, panel_grid, panels, share_series, time_panels
from .style import OKABE_ITO, style

__all__ = ["delay_paths_figure", "critical_delay_figure"]

_WORDS = {"en": {"delay": "delay", "critical": "critical delay", "rest": "rest point",
                 "stable": r"stable ($\tau < \tau^*$)", "unstable": r"oscillation ($\tau > \tau^*$)"},
          "zh": {"delay": "时滞", "critical": "临界时滞", "rest": "平衡点",
                 "stable": r"稳定 ($\tau < \tau^*$)", "unstable": r"振荡 ($\tau > \tau^*$)"}}


def delay_paths_figure(result, *, lang: str = "en", width="single", resolved=None):
    """One panel per share: the paths at each delay of ``result`` (a :class:`~evogame.studies.delay.study.DelayPaths`).

    A dashed line marks the rest point's share; the legend gives each delay as a multiple of ``tau*``.
    """
    game = result.game
    s = prepare(game, lang=lang, width=width, need_analysis=False, resolved=resolved)
    L, words = s.labels, _WORDS[s.labels.lang]
    cells = panels(game)
    t_end = float(result.simulations[0].times[-1])
    with style(width, s.cjk_font):
        fig = s.figure(panel_aspect(len(cells), width, 2))
        axes = panel_grid(fig, len(cells), width)
        handles = []
        rest = np.asarray(result.state, dtype=float)[None, None, :]
        for ax, (p, i) in zip(axes, cells):
            ax.axhline(float(share_series(game, rest, p, i)[0, 0]), color="#777777", linewidth=0.7,
                       linestyle=(0, (4, 3)), label=words["rest"])
            for k, (tau, sim) in enumerate(zip(result.delays, result.simulations)):
                series = share_series(game, sim.paths, p, i)
                ratio = tau / result.tau_star
                label = rf"$\tau$ = {number(tau, 3)} = {number(ratio, 3)} $\tau^*$"
                for b in range(series.shape[0]):
                    (line,) = ax.plot(sim.times, series[b], color=OKABE_ITO[(k + 1) % len(OKABE_ITO)],
                                      linewidth=0.9, label=label)
                if ax is axes[0]:
                    handles.append(line)
        time_panels(axes, cells, L, t_end, width)
        title = (rf"{words['critical']} $\tau^*$ = {number(result.tau_star, 4)}, "
                 rf"$\omega^*$ = {number(result.omega_star, 4)}")
        fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), title=title)
        return s.done(fig)


def critical_delay_figure(curve, game, *, quantity: str | None = None, lang: str = "en", width="single",
                          resolved=None):
    """``tau*`` against the swept value of ``curve`` (a :class:`~evogame.studies.delay.study.CriticalDelayCurve`).

    Gaps: no rest point is stable at ``tau = 0+`` with a Hopf crossing there.
    """
    s = prepare(game, lang=lang, width=width, need_analysis=False, resolved=resolved)
    words = _WORDS[s.labels.lang]
    with style(width, s.cjk_font):
        fig = s.figure(0.62)
        ax = fig.subplots()
        ax.plot(curve.values, curve.tau_star, color=OKABE_ITO[1], linewidth=1.2)
        ax.fill_between(curve.values, 0, curve.tau_star, where=np.isfinite(curve.tau_star), color=OKABE_ITO[1],
                        alpha=0.12, linewidth=0)
        ax.set_xlim(float(curve.values[0]), float(curve.values[-1]))
        finite = np.isfinite(curve.tau_star)
        top = float(curve.tau_star[finite].max()) if finite.any() else 0.0
        ax.set_ylim(0, 1.25 * top if top > 0 else 1.0)
        if top > 0:   # name the two sides of the curve
            x = float(np.mean(curve.values[finite]))
            ax.text(x, 0.35 * top, words["stable"], ha="center", fontsize=7, color="#555555")
            ax.text(x, 1.12 * top, words["unstable"], ha="center", fontsize=7, color="#555555")

        ax.set_xlabel(quantity or curve.name)
        ax.set_ylabel(rf"{words['critical']} $\tau^*$")
        ax.spines[["top", "right"]].set_visible(False)
        return s.done(fig)
