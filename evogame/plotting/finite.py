"""Finite-population figures: the invasion diagram, the gradient of selection, the stationary distribution.

They draw a :class:`evogame.studies.finite.FiniteResult` and compute nothing:

* **invasion diagram** -- the pure profiles as nodes (area and label: their
  stationary probability in the small-mutation limit), an arrow from the
  resident to the invaded profile wherever selection favours the mutant
  (``rho > 1/Z``), labelled with ``rho / (1/Z)`` (egttools' convention).  The
  labels are placed when the figure is drawn, each at the first free place of
  a fixed list (a node's label above, below, right or left of it; an arrow's
  along its arc from the middle outwards), so that no label covers a node or
  another label (:mod:`evogame.plotting.point_labels`);
* **gradient of selection** ``G(k) = T+(k) - T-(k)`` of one two-strategy
  population against ``k/Z`` (its zeros are the finite-population
  counterparts of the rest points);
* **stationary distribution** -- of the full chain with exploration: the
  distribution of the number of target-strategy players in each population,
  one line style and marker per population (lines that coincide stay
  visible); without exploration, the small-mutation limit over the profiles,
  each bar with its value.  A logarithmic axis where one state holds nearly
  all the mass (:data:`LOG_RANGE`).
"""
from __future__ import annotations

import math

import numpy as np

from .point_labels import GAP, PlaceAtDraw, outside, overlap, place, square_box
from .style import OKABE_ITO, Labels, new_figure, style

__all__ = ["finite_figure", "invasion_diagram", "gradient_panel", "stationary_panel", "LOG_RANGE",
           "POPULATION_LOOKS"]

#: a stationary panel is drawn on a log axis when its largest value exceeds the smallest positive one by this
LOG_RANGE = 100.0
#: decades shown below the largest value on a log axis of the full chain's marginals
LOG_DECADES = 6
#: (line style, marker) of each population's marginal, in order
POPULATION_LOOKS = (("-", "o"), ("--", "s"), (":", "^"), ("-.", "D"), ((0, (5, 1, 1, 1, 1, 1)), "v"))
#: where along an arrow's arc its label is tried, from the middle outwards
ARC_PLACES = (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78)
#: the depth offset (x, y) of the cube's back face (three populations of two)
DEPTH = (0.75, 0.45)
#: the arrows' arc (matplotlib's ``arc3`` connection style)
ARC_RAD = 0.12


def finite_figure(result, *, width="double", game=None):
    """The invasion diagram beside the gradient of selection (one population of two) and the stationary panel.

    ``game``: the analysed Game, for the strategies' labels (else their ids).
    """
    panels = 1 + (result.gradient is not None) + 1
    many = len(result.small_mutation.profiles) > 4
    fig = new_figure(width, aspect=0.42 if panels == 3 else (0.5 if not many else 0.95))
    with style(width):
        if many:      # the diagram across the top: its labels need the width
            top, bottom = fig.subfigures(2, 1, height_ratios=[1.1, 1])
            axes = [top.subplots()] + list(np.atleast_1d(bottom.subplots(1, panels - 1)))
        else:
            axes = fig.subplots(1, panels, gridspec_kw={"width_ratios": [1.25] + [1] * (panels - 1)})
        invasion_diagram(result, axes[0], game=game)
        if result.gradient is not None:
            gradient_panel(result, axes[1], game=game)
        stationary_panel(result, axes[-1], game=game)
        for letter, ax in zip("abc", axes):
            ax.set_title(f"({letter})", loc="left")
    return fig


def _names(result, game):
    """Profile -> display name; population -> its target strategy's display name; population -> its name."""
    if game is None:
        return (lambda profile: profile), dict(result.target_strategies), {p: p for p in result.target_strategies}
    labels = Labels(game)
    targets, populations = {}, {}
    for p, pop in enumerate(game.populations):
        if pop.name in result.target_strategies:
            targets[pop.name] = labels.strategy(p, pop.strategies.index(result.target_strategies[pop.name]))
            populations[pop.name] = labels.population(p)
    return labels.profile, targets, populations


def _positions(result) -> dict:
    """Node positions: a square for two populations of two, a cube for three, else a regular polygon."""
    sml = result.small_mutation
    if len(sml.indices[0]) == 2 and all(max(idx) <= 1 for idx in sml.indices) and len(sml.indices) == 4:
        # first population's first strategy on the right, second population's first strategy on top
        return {label: (1.0 - idx[0], 1.0 - idx[1]) for label, idx in zip(sml.profiles, sml.indices)}
    if len(sml.indices) == 8 and all(len(idx) == 3 and max(idx) <= 1 for idx in sml.indices):
        # three populations of two: a cube in oblique projection, the third population in depth
        return {label: (1.0 - idx[0] + DEPTH[0] * idx[2], 1.0 - idx[1] + DEPTH[1] * idx[2])
                for label, idx in zip(sml.profiles, sml.indices)}
    n = len(sml.profiles)
    if n == 2:
        return {sml.profiles[0]: (0.0, 0.5), sml.profiles[1]: (1.0, 0.5)}
    return {label: (0.5 + 0.5 * math.sin(2 * math.pi * k / n), 0.5 + 0.5 * math.cos(2 * math.pi * k / n))
            for k, label in enumerate(sml.profiles)}


def _arc_points(start, end) -> list:
    """Points of the arrow's arc from ``start`` to ``end`` at :data:`ARC_PLACES` (equal-aspect axes).

    matplotlib's ``arc3`` is the quadratic Bezier curve with control point
    ``m + rad (dy, -dx)``, ``m`` the chord's middle, ``(dx, dy)`` the chord.
    """
    p0, p2 = np.asarray(start, dtype=float), np.asarray(end, dtype=float)
    d = p2 - p0
    c = (p0 + p2) / 2 + ARC_RAD * np.array([d[1], -d[0]])
    return [tuple((1 - t) ** 2 * p0 + 2 * t * (1 - t) * c + t ** 2 * p2) for t in ARC_PLACES]


def _wrap_profile(name: str, limit: int = 18) -> str:
    """A long profile name on lines of at most about ``limit`` characters, broken after commas."""
    if len(name) <= limit or ", " not in name:
        return name
    lines = []
    for part in name.split(", "):
        if lines and len(lines[-1]) + 2 + len(part) <= limit:
            lines[-1] += ", " + part
        else:
            lines.append(part)
    return ",\n".join(lines)


def invasion_diagram(result, ax, *, game=None):
    """Nodes: pure profiles (stationary probability as mu -> 0); arrows where rho > 1/Z, labelled rho/(1/Z)."""
    sml = result.small_mutation
    pos = _positions(result)
    profile_name, *_ = _names(result, game)
    probability = dict(zip(sml.profiles, sml.distribution))
    text = dict(textcoords="offset points", xytext=(0.0, 0.0), fontsize=6, annotation_clip=False)
    arrows = []
    for inv in sml.invasions:
        if inv.relative <= 1.0:
            continue
        start, end = pos[inv.resident], pos[inv.invader]
        ax.annotate("", xy=end, xytext=start,
                    arrowprops=dict(arrowstyle="-|>", color="#444444", lw=0.8, shrinkA=13, shrinkB=13,
                                    connectionstyle=f"arc3,rad={ARC_RAD}"))
        ann = ax.annotate(f"{inv.relative:.3g}", xy=start, **text,
                          bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none"))
        ann.set_gid(f"finite-arrow-label:{inv.resident}->{inv.invader}")
        arrows.append((ann, _arc_points(start, end)))
    nodes = []
    for label, (x, y) in pos.items():
        p = probability[label]
        size = 60 + 240 * p                      # points^2
        dots = ax.scatter([x], [y], s=size, color=OKABE_ITO[2] if label == result.target else OKABE_ITO[0],
                          edgecolor="black", linewidth=0.6, zorder=5)
        dots.set_gid(f"finite-node:{label}")
        ann = ax.annotate(f"{_wrap_profile(profile_name(label))}\n{p:.3g}", xy=(x, y), **text,
                          multialignment="center")
        ann.set_gid(f"finite-node-label:{label}")
        nodes.append((ann, (x, y), 0.5 * math.sqrt(size) + 0.3))
    if len(pos) > 4:
        xs, ys = zip(*pos.values())
        ax.set_xlim(min(xs) - 0.9, max(xs) + 0.9)
        ax.set_ylim(min(ys) - 0.62, max(ys) + 0.4)
    else:
        ax.set_xlim(-0.35, 1.35)
        ax.set_ylim(-0.62, 1.4)   # room under the lower nodes' labels for the key
    ax.set_aspect("equal")
    ax.axis("off")
    sizes = result.process.sizes
    key = ax.text(0.5, ax.get_ylim()[0], f"Z = {', '.join(map(str, sizes))}; arrows where ρ > 1/Z, labelled ρ/(1/Z);\n"
                              "nodes: stationary probability as μ → 0", fontsize=6, ha="center", va="bottom")
    for ann, *_ in nodes + arrows:
        ann.set_in_layout(False)
    placer = PlaceAtDraw(lambda renderer: _place_labels(ax, renderer, nodes, arrows, key))
    placer.set_zorder(2.9)           # before the labels (texts: zorder 3)
    ax.add_artist(placer)
    return ax


def _place_labels(ax, renderer, nodes, arrows, key):
    """Node labels first (below the lower nodes, above the upper ones first), then the arrows' labels."""
    px = renderer.points_to_pixels(1.0)
    obstacles = [square_box(ax.transData.transform(xy), (radius + GAP) * px) for _, xy, radius in nodes]
    obstacles.append(key.get_window_extent(renderer))
    # the other panels, with their tick and axis labels
    obstacles += [other.get_tightbbox(renderer) for other in ax.figure.axes if other is not ax]

    def cost(box):
        return sum(overlap(box, o) for o in obstacles) + outside(box, ax.figure.bbox), outside(box, ax.bbox)

    for ann, (x, y), radius in nodes:
        d = radius + 2 * GAP
        sides = ((0, -1), (0, 1)) if y <= 0.5 else ((0, 1), (0, -1))
        sides += ((1, 0), (-1, 0), (1, 1), (-1, 1), (1, -1), (-1, -1))
        candidates = [((x, y), (dx * d * s, dy * d * s), dx, dy) for s in (1.0, 2.0) for dx, dy in sides]
        obstacles.append(place(ann, renderer, candidates, cost))
    for ann, points in arrows:
        obstacles.append(place(ann, renderer, [(xy, (0.0, 0.0), 0, 0) for xy in points], cost))


def gradient_panel(result, ax, *, game=None):
    """``G(k)`` against ``k/Z`` for one population of two strategies, with the zero line."""
    G = np.asarray(result.gradient)
    Z = len(G) - 1
    _, targets, _ = _names(result, game)
    first = next(iter(targets.values())) if result.target_index[0] == 0 else None
    ax.axhline(0.0, color="#999999", lw=0.6)
    ax.plot(np.arange(Z + 1) / Z, G, color=OKABE_ITO[1], lw=1.0)
    ax.set_xlim(0, 1)
    strategy = first or "first strategy"
    ax.set_xlabel(f"share of '{strategy}', k/Z")
    ax.set_ylabel("gradient of selection G(k)")
    ax.text(0.98, 0.95, f"G = T⁺ − T⁻\nβ = {result.process.beta:g}, μ = {result.process.mutation:g}",
            transform=ax.transAxes, fontsize=6, ha="right", va="top")
    return ax


def _spans_decades(values) -> bool:
    """True when the largest value exceeds the smallest positive one by more than :data:`LOG_RANGE`."""
    values = np.asarray(values, dtype=float)
    positive = values[values > 0]
    return positive.size > 0 and positive.max() > LOG_RANGE * positive.min()


def stationary_panel(result, ax, *, game=None):
    """The full chain's marginal distributions of target-strategy counts, else the small-mutation limit."""
    profile_name, targets, populations = _names(result, game)
    if result.stationary is None:
        return _small_mutation_bars(result, ax, profile_name)
    concentrated = False
    for k, (pop, marginal) in enumerate(result.stationary.marginals):
        marginal = np.asarray(marginal, dtype=float)
        Z = len(marginal) - 1
        linestyle, marker = POPULATION_LOOKS[k % len(POPULATION_LOOKS)]
        count = len(result.stationary.marginals)
        step = max(count, Z // 8)          # markers of the populations at alternate points: none hides another
        line, = ax.plot(np.arange(Z + 1) / Z, marginal, drawstyle="steps-mid", color=OKABE_ITO[k % len(OKABE_ITO)],
                        lw=1.0, linestyle=linestyle, marker=marker, markersize=3.0, markerfacecolor="none",
                        markevery=(k * step // count, step),
                        label=f"{populations.get(pop, pop)}: '{targets.get(pop, result.target_strategies[pop])}'")
        line.set_gid(f"finite-marginal:{pop}")
        concentrated |= bool(marginal.max() > 0.5 and _spans_decades(marginal))
    ax.set_xlim(0, 1)
    if concentrated:          # one state holds most of a population's mass: the tails on a log axis
        top = max(float(np.max(m)) for _, m in result.stationary.marginals)
        ax.set_yscale("log")
        ax.set_ylim(10.0 ** (math.floor(math.log10(top)) - LOG_DECADES), 2.0 * top)
    else:
        ax.set_ylim(bottom=0)
    ax.set_xlabel("share of target strategy")
    ax.set_ylabel("stationary probability" + (" (log scale)" if concentrated else ""))
    ax.legend(fontsize=6, frameon=False, title=f"μ = {result.process.mutation:g}", title_fontsize=6)
    return ax


def _small_mutation_bars(result, ax, profile_name):
    """One bar per profile, each with its value; a log axis (up to 1) when the values span decades."""
    sml = result.small_mutation
    values = np.asarray(sml.distribution, dtype=float)
    log = _spans_decades(values)
    x = np.arange(len(values))
    ax.bar(x, values, color=OKABE_ITO[0], gid="finite-stationary-bars")
    if log:
        ax.set_yscale("log")
        ax.set_ylim(10.0 ** (math.floor(math.log10(values[values > 0].min())) - 1), 1.0)
    else:
        ax.set_ylim(0, 1.15 * values.max() if values.max() > 0 else 1.0)
    low, high = ax.get_ylim()
    scale = (lambda v: math.log10(v)) if log else (lambda v: v)
    for xi, v in zip(x, values):
        # a bar reaching the top of the axis carries its value inside, in white
        inside = v > 0 and (scale(high) - scale(v)) < 0.1 * (scale(high) - scale(low))
        t = ax.annotate(f"{v:.3g}", xy=(xi, max(v, low)), xytext=(0, -1.5 if inside else 1.5),
                        textcoords="offset points", ha="center", va="top" if inside else "bottom", fontsize=6,
                        color="white" if inside else "black")
        t.set_gid("finite-stationary-value")
    ax.set_xticks(x, [_wrap_profile(profile_name(p)) for p in sml.profiles], rotation=30 if len(x) <= 4 else 60,
                  ha="right", rotation_mode="anchor", fontsize=6)
    ax.set_ylabel("stationary probability (μ → 0)" + (", log scale" if log else ""))
    return ax
