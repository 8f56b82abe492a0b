"""Stochastic evolution paths: sample paths with the mean and a quantile band for several noise levels,
and the distribution of end states.

One panel per population with two strategies (the share of its first
strategy) and per strategy of a larger population, as for
:func:`evogame.plotting.paths`; one colour per noise intensity (Okabe--Ito),
the deterministic path dashed black.  The figures draw results of
:func:`evogame.studies.stochastic.simulate_noisy`; the recipe that computes them is
:func:`evogame.plotting.recipes.noise_figure`.
"""
from __future__ import annotations

import math

import numpy as np

from ..studies.stochastic.paths import QUANTILES
from .common import prepare
from .paths import bottom_axes, panel_aspect, panel_grid, panels, share_series, time_panels
from .style import OKABE_ITO, style

__all__ = ["noise_paths_figure", "noise_ends_figure"]


def _sigma_label(result) -> str:
    values = sorted(set(result.noise.sigma.values()))
    if len(values) == 1:
        return f"$\\sigma = {values[0]:g}$"
    return ", ".join(f"$\\sigma_{{{n}}} = {v:g}$" for n, v in result.noise.sigma.items())


def noise_paths_figure(results, deterministic=None, *, start: int = 0, sample: int = 5, lang: str = "en",
                       width="single", resolved=None):
    """Sample paths, mean and 5--95 % band of each result (one noise level each), one panel per share.

    ``results``: :class:`~evogame.studies.stochastic.StochasticSimulation` s of one
    game from the same start; ``deterministic``: a
    :class:`~evogame.dynamics.simulation.Simulation` from it, drawn dashed.
    """
    game = results[0].game
    s = prepare(game, lang=lang, width=width, need_analysis=False, resolved=resolved)
    cells = panels(game)
    lo, hi = QUANTILES.index(0.05), QUANTILES.index(0.95)
    with style(width, s.cjk_font):
        fig = s.figure(panel_aspect(len(cells), width, 1 + math.ceil((len(results) + 1) / 2)))
        axes = panel_grid(fig, len(cells), width)
        handles = []
        for ax, (p, i) in zip(axes, cells):
            for k, r in enumerate(results):
                colour = OKABE_ITO[k % len(OKABE_ITO)]
                paths = share_series(game, r.paths[start], p, i)                  # (N, T)
                low, high = np.quantile(paths, [QUANTILES[lo], QUANTILES[hi]], axis=0)   # of this share itself
                for path in paths[:sample]:
                    ax.plot(r.times, path, color=colour, linewidth=0.4, alpha=0.45)
                ax.fill_between(r.times, low, high, color=colour, alpha=0.18, linewidth=0)
                (line,) = ax.plot(r.times, share_series(game, r.mean[start], p, i), color=colour, linewidth=1.4,
                                  label=_sigma_label(r))
                if ax is axes[0]:
                    handles.append(line)
            if deterministic is not None:
                (line,) = ax.plot(deterministic.times, share_series(game, deterministic.paths[0], p, i),
                                  color="black", linewidth=1.0, linestyle="--", label="$\\sigma = 0$")
                if ax is axes[0]:
                    handles.append(line)
        time_panels(axes, cells, s.labels, float(results[0].times[-1]), width)
        fig.legend(handles=handles, loc="outside lower center", ncol=2,
                   title=f"mean, 5–95 % band, {sample} sample paths; N = {results[0].n_paths}")
        return s.done(fig)


def noise_ends_figure(results, *, start: int = 0, bins: int = 20, lang: str = "en", width="single", resolved=None):
    """The distribution of end states: per share, the fraction of paths in each of ``bins`` bins of [0, 1]."""
    game = results[0].game
    s = prepare(game, lang=lang, width=width, need_analysis=False, resolved=resolved)
    cells = panels(game)
    edges = np.linspace(0.0, 1.0, bins + 1)
    with style(width, s.cjk_font):
        fig = s.figure(panel_aspect(len(cells), width, 1 + math.ceil(len(results) / 2)))
        axes = panel_grid(fig, len(cells), width)
        for ax, (p, i) in zip(axes, cells):
            for k, r in enumerate(results):
                ends = share_series(game, r.final[start], p, i)
                counts, _ = np.histogram(np.clip(ends, 0.0, 1.0), bins=edges)
                ax.stairs(counts / len(ends), edges, color=OKABE_ITO[k % len(OKABE_ITO)], linewidth=1.2,
                          label=_sigma_label(r))
            ax.set_xlim(0.0, 1.0)
            ax.set_ylim(0.0, 1.03)
            ax.spines[["top", "right"]].set_visible(False)
            ax.set_title(s.labels.share(p, i), fontsize=8, loc="left")
            ax.set_ylabel(s.labels.word("fraction of paths"))
        for ax in bottom_axes(axes, width):
            ax.set_xlabel(f"share at $t = {float(results[0].times[-1]):g}$")
        fig.legend(handles=axes[0].get_legend_handles_labels()[0], loc="outside lower center", ncol=2,
                   title=f"end states of N = {results[0].n_paths} paths")
        return s.done(fig)
