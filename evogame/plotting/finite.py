"""Finite-population figures: the invasion diagram, the gradient of selection, the stationary distribution.

They draw a :class:`evogame.finite.FiniteResult` and compute nothing:

* **invasion diagram** -- the pure profiles as nodes (area and label: their
  stationary probability in the small-mutation limit), an arrow from the
  resident to the invaded profile wherever selection favours the mutant
  (``rho > 1/Z``), labelled with ``rho / (1/Z)`` (egttools' convention);
* **gradient of selection** ``G(k) = T+(k) - T-(k)`` of one two-strategy
  population against ``k/Z`` (its zeros are the finite-population
  counterparts of the rest points);
* **stationary distribution** -- of the full chain with exploration: the
  distribution of the number of target-strategy players in each population;
  without exploration, the small-mutation limit over the profiles.
"""
from __future__ import annotations

import math

import numpy as np

from .style import OKABE_ITO, new_figure

__all__ = ["finite_figure", "invasion_diagram", "gradient_panel", "stationary_panel"]


def finite_figure(result, *, width="double"):
    """The invasion diagram beside the gradient of selection (one population of two) and the stationary panel."""
    panels = 1 + (result.gradient is not None) + 1
    fig = new_figure(width, aspect=0.4 if panels == 3 else 0.45)
    axes = fig.subplots(1, panels, gridspec_kw={"width_ratios": [1.25] + [1] * (panels - 1)})
    invasion_diagram(result, axes[0])
    if result.gradient is not None:
        gradient_panel(result, axes[1])
    stationary_panel(result, axes[-1])
    for letter, ax in zip("abc", axes):
        ax.set_title(f"({letter})", loc="left", fontsize="medium")
    return fig


def _positions(result) -> dict:
    """Node positions: a square for two populations of two, else a regular polygon."""
    sml = result.small_mutation
    if len(sml.indices[0]) == 2 and all(max(idx) <= 1 for idx in sml.indices) and len(sml.indices) == 4:
        # first population's first strategy on the right, second population's first strategy on top
        return {label: (1.0 - idx[0], 1.0 - idx[1]) for label, idx in zip(sml.profiles, sml.indices)}
    n = len(sml.profiles)
    if n == 2:
        return {sml.profiles[0]: (0.0, 0.5), sml.profiles[1]: (1.0, 0.5)}
    return {label: (0.5 + 0.5 * math.sin(2 * math.pi * k / n), 0.5 + 0.5 * math.cos(2 * math.pi * k / n))
            for k, label in enumerate(sml.profiles)}


def invasion_diagram(result, ax):
    """Nodes: pure profiles (stationary probability as mu -> 0); arrows where rho > 1/Z, labelled rho/(1/Z)."""
    sml = result.small_mutation
    pos = _positions(result)
    probability = dict(zip(sml.profiles, sml.distribution))
    for inv in sml.invasions:
        if inv.relative <= 1.0:
            continue
        (x0, y0), (x1, y1) = pos[inv.resident], pos[inv.invader]
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops=dict(arrowstyle="-|>", color="#444444", lw=0.8, shrinkA=13, shrinkB=13,
                                    connectionstyle="arc3,rad=0.12"))
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        nx, ny = -(y1 - y0), (x1 - x0)        # the arc bends to the right of the arrow's direction
        ax.text(mx - 0.08 * nx, my - 0.08 * ny, f"{inv.relative:.3g}", fontsize=6, ha="center", va="center",
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"))
    for label, (x, y) in pos.items():
        p = probability[label]
        is_target = label == result.target
        ax.scatter([x], [y], s=60 + 240 * p, color=OKABE_ITO[2] if is_target else OKABE_ITO[0],
                   edgecolor="black", linewidth=0.6, zorder=5)
        below = y <= 0.5
        ax.text(x, y - 0.13 if below else y + 0.13, f"{label}\n{p:.3g}", fontsize=6, ha="center",
                va="top" if below else "bottom")
    ax.set_xlim(-0.35, 1.35)
    ax.set_ylim(-0.62, 1.4)   # room under the lower nodes' labels for the key
    ax.set_aspect("equal")
    ax.axis("off")
    sizes = result.process.sizes
    ax.text(0.5, -0.62, f"Z = {', '.join(map(str, sizes))}; arrows where ρ > 1/Z, labelled ρ/(1/Z);\n"
                        "nodes: stationary probability as μ → 0", fontsize=6, ha="center", va="bottom")
    return ax


def gradient_panel(result, ax):
    """``G(k)`` against ``k/Z`` for one population of two strategies, with the zero line."""
    G = np.asarray(result.gradient)
    Z = len(G) - 1
    first = next(iter(result.target_strategies.values())) if result.target_index[0] == 0 else None
    ax.axhline(0.0, color="#999999", lw=0.6)
    ax.plot(np.arange(Z + 1) / Z, G, color=OKABE_ITO[1], lw=1.0)
    ax.set_xlim(0, 1)
    strategy = first or "first strategy"
    ax.set_xlabel(f"share of '{strategy}', k/Z")
    ax.set_ylabel("gradient of selection G(k)")
    ax.text(0.98, 0.95, f"G = T⁺ − T⁻\nβ = {result.process.beta:g}, μ = {result.process.mutation:g}",
            transform=ax.transAxes, fontsize=6, ha="right", va="top")
    return ax


def stationary_panel(result, ax):
    """The full chain's marginal distributions of target-strategy counts, else the small-mutation limit."""
    if result.stationary is None:
        sml = result.small_mutation
        ax.bar(range(len(sml.profiles)), sml.distribution, color=OKABE_ITO[0])
        ax.set_xticks(range(len(sml.profiles)), sml.profiles, rotation=30, ha="right", fontsize=6)
        ax.set_ylabel("stationary probability (μ → 0)")
        return ax
    for k, (pop, marginal) in enumerate(result.stationary.marginals):
        Z = len(marginal) - 1
        ax.plot(np.arange(Z + 1) / Z, marginal, drawstyle="steps-mid", color=OKABE_ITO[k % len(OKABE_ITO)], lw=1.0,
                label=f"{pop}: '{result.target_strategies[pop]}'")
    ax.set_xlim(0, 1)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("share of target strategy")
    ax.set_ylabel("stationary probability")
    ax.legend(fontsize=6, frameon=False, title=f"mu = {result.process.mutation:g}", title_fontsize=6)
    return ax
