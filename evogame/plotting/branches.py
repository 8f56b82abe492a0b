"""The bifurcation diagram drawn from a continuation: branches as curves, LP / BP / H points, cycle envelopes.

From a :class:`~evogame.studies.continuation.Continuation` (:func:`evogame.continue_rest_points`):

* one panel per population, showing one share of it (the first strategy's, or the one chosen);
* every branch of rest points as a curve against the parameter, **solid where asymptotically stable,
  dashed otherwise**, coloured by its **family** -- the kind of face it lies on (corners, edges, larger
  faces, the interior) -- not one colour per point, so the legend stays short;
* branches that **coincide** in a panel (e.g. two corners with the same share 1 of the population shown)
  are drawn once: a curve that lies, to ``COINCIDE`` in the share, on one already drawn with the same
  stability over its whole range is left out; a stable piece is drawn over an unstable one;
* the special points marked and labelled ``LP`` (fold), ``BP`` (branch point, exchange of stability,
  boundary) and ``H`` (Hopf), each place once;
* the limit cycles born at Hopf points as the **envelope** of the share's minimum and maximum over the
  orbit (solid where the cycle is asymptotically stable, dashed otherwise), shaded between.

The legend's swatches show the line as drawn (the dash included).
"""
from __future__ import annotations

import numpy as np

from .common import prepare, title_limit, wrap
from .legends import in_two_columns, parameter_label, place_legend, stability_key, word
from .style import OKABE_ITO, style, width_inches

__all__ = ["branch_diagram", "branch_caption", "FAMILIES"]

#: the families of branches (by the dimension of their face) and of cycles, with their colours
FAMILIES = {"corner": OKABE_ITO[0], "edge": OKABE_ITO[1], "face": OKABE_ITO[2], "interior": OKABE_ITO[3],
            "cycle": OKABE_ITO[4]}
STABLE_WIDTH, UNSTABLE_WIDTH = 1.8, 1.0
DASH = (0, (3.0, 1.6))
#: two curves within this (share) of each other over the same range coincide
COINCIDE = 1e-6
KEY_COLOUR = "#6a6a6a"
#: the classes with an eigenvalue on the imaginary axis (at a bifurcation point)
_AXIS = ("non-hyperbolic", "unstable (non-hyperbolic)")


def _family(game, branch) -> str:
    """``corner``, ``edge``, ``face`` or ``interior`` from the number of strategies the branch's face uses."""
    extra = sum(len(u) - 1 for u in branch.support)
    if extra == 0:
        return "corner"
    if extra == sum(p.n - 1 for p in game.populations):
        return "interior"
    return "edge" if extra == 1 else "face"


def _column(game, population: int, strategy: int) -> tuple[int | None, int]:
    """The reduced coordinate of the share shown (None: the population's last share, ``1 - sum``) and the slice."""
    sl = game.slices()[population]
    n = game.populations[population].n
    return (sl.start + strategy if strategy < n - 1 else None), sl


def _share(states: np.ndarray, column, sl) -> np.ndarray:
    states = np.atleast_2d(states)
    return states[:, column] if column is not None else 1.0 - states[:, sl].sum(axis=1)


def _pieces(result, branch, column, sl):
    """The branch as runs of one stability, ``(stable, x, y)``.

    A point on the imaginary axis (a special point, non-hyperbolic) belongs to the runs on both sides of it, so
    a run starts and ends exactly at the bifurcation; two runs that meet between steps share a point (no gap).
    """
    x = np.array([p.parameter for p in branch.points])
    y = _share(np.array([p.state for p in branch.points]), column, sl)
    stable = [p.classification == "asymptotically stable" for p in branch.points]
    neutral = [p.classification in _AXIS for p in branch.points]
    n = len(x)
    regular = [k for k in range(n) if not neutral[k]]
    if not regular:
        return [(False, x, y)]
    runs, start = [], regular[0]
    for prev, k in zip(regular, regular[1:] + [None]):
        if k is None or stable[k] != stable[prev] or k != prev + 1 and any(neutral[prev + 1:k]):
            runs.append((start, prev))
            start = k
    out = []
    for a, b in runs:
        while a > 0 and neutral[a - 1]:
            a -= 1
        stop = b
        while stop + 1 < n and neutral[stop + 1]:
            stop += 1
        if stop == b and b + 1 < n:
            stop = b + 1            # one point into the next run: the curve is continuous
        out.append((bool(stable[a if not neutral[a] else b]), x[a:stop + 1], y[a:stop + 1]))
    return out


def _uncovered(piece, drawn) -> list:
    """The parts of ``piece`` not lying on a curve already drawn with the same stability (module docstring),
    each with one covered neighbour point on either side (no gap where they meet)."""
    stable, x, y = piece
    covered = np.zeros(len(x), dtype=bool)
    for s, xa, ya in drawn:
        if s != stable or len(xa) < 2 or (np.any(np.diff(xa) < 0) and np.any(np.diff(xa) > 0)):
            continue                                    # a curve that folds back is not compared
        order = np.argsort(xa)
        xs, ys = xa[order], ya[order]
        inside = (x >= xs[0] - COINCIDE) & (x <= xs[-1] + COINCIDE)
        covered |= inside & (np.abs(np.interp(x, xs, ys) - y) <= COINCIDE)
    out, k, n = [], 0, len(x)
    while k < n:
        if covered[k]:
            k += 1
            continue
        stop = k
        while stop + 1 < n and not covered[stop + 1]:
            stop += 1
        lo, hi = max(k - 1, 0), min(stop + 1, n - 1)
        if hi > lo:
            out.append((stable, x[lo:hi + 1], y[lo:hi + 1]))
        k = stop + 1
    return out


def _draw_panel(ax, result, game, column, sl, index: int, used: set):
    """The branches, cycles and special points of one panel."""
    drawn = []
    pieces = [(_family(game, b), piece) for b in result.branches for piece in _pieces(result, b, column, sl)]
    pieces.sort(key=lambda fp: (not fp[1][0], list(FAMILIES).index(fp[0])))    # stable first
    for family, whole in pieces:
        for piece in _uncovered(whole, drawn):
            _plot_piece(ax, family, piece, used)
        drawn.append(whole)
    for cb in result.cycles:
        _draw_cycles(ax, cb, index, used)
    _mark_special(ax, result, column, sl)


def _plot_piece(ax, family, piece, used: set):
    stable, x, y = piece
    used.add(family)
    (line,) = ax.plot(x, y, color=FAMILIES[family], linewidth=STABLE_WIDTH if stable else UNSTABLE_WIDTH,
                      linestyle="-" if stable else DASH, zorder=3 if stable else 2, solid_capstyle="butt")
    line.set_gid(f"branch:{family}:{'stable' if stable else 'not stable'}")


def _draw_cycles(ax, branch, index: int, used: set):
    """The envelope (min and max over the orbit) of share ``index`` (in ``Cycle.shares``) along a cycle branch."""
    if not branch.cycles:
        return
    x = np.array([c.parameter for c in branch.cycles])
    lo = np.array([c.minimum[index] for c in branch.cycles])
    hi = np.array([c.maximum[index] for c in branch.cycles])
    stable = np.array([c.stability == "asymptotically stable cycle" for c in branch.cycles])
    used.add("cycle")
    ax.fill_between(x, lo, hi, color=FAMILIES["cycle"], alpha=0.15, linewidth=0, zorder=1)
    # the not-stable runs reach one cycle into the neighbouring stable runs: no gap where the verdict changes
    near = np.convolve((~stable).astype(int), [1, 1, 1], "same") > 0
    for curve in (lo, hi):
        for s, where in ((True, stable), (False, near)):
            (line,) = ax.plot(x, np.where(where, curve, np.nan), color=FAMILIES["cycle"],
                              linewidth=STABLE_WIDTH if s else UNSTABLE_WIDTH, linestyle="-" if s else DASH,
                              zorder=3 if s else 2)
            line.set_gid(f"cycle:{branch.index}:{'stable' if s else 'not stable'}")


def _mark_special(ax, result, column, sl):
    """LP / BP / H marks, each (label, place) once; a label near an earlier one goes to the other side of its mark."""
    seen, placed = set(), []
    span = abs(result.interval[1] - result.interval[0]) or 1.0
    low, high = ax.get_ylim()
    pt = (high - low) / (ax.get_position().height * ax.figure.get_figheight() * 72.0)   # share units per point
    for s in result.special_points:
        y = float(_share(s.state, column, sl)[0])
        key = (s.label, round(s.parameter, 6), round(y, 4))
        if key in seen:
            continue
        seen.add(key)
        (mark,) = ax.plot([s.parameter], [y], marker="o", markersize=3.2, color="black", zorder=5, linestyle="none",
                          markerfacecolor="white", markeredgewidth=0.8)
        mark.set_gid(f"special:{s.label}")
        sides = [True, False] if y < 0.85 else [False, True]    # near the top: below, clear of the title

        def crowded(up):
            at = y + (6.0 if up else -5.0) * pt           # the label's middle, in share units
            return any(abs(s.parameter - x) < 0.07 * span and abs(at - v) < 8.0 * pt for x, v in placed)
        above = next((up for up in sides if not crowded(up)), sides[0])
        placed.append((s.parameter, y + (6.0 if above else -5.0) * pt))
        ax.annotate(s.label, (s.parameter, y), xytext=(2.5, 3.0 if above else -8.0), textcoords="offset points",
                    fontsize=6.5, zorder=6, annotation_clip=False)


def branch_diagram(result, *, shares=None, lang: str = "en", width="single", resolved=None):
    """Draw a :class:`~evogame.studies.continuation.Continuation` as a bifurcation diagram (module docstring).

    Parameters
    ----------
    result : the continuation (its ``work`` game names the shares).
    shares : per population, the index of the strategy whose share is shown (default: the first's).
    lang, width, resolved : as every figure (:func:`evogame.plotting.common.prepare`).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.lines import Line2D

    game = result.work
    s = prepare(game, None, lang=lang, width=width, need_analysis=False, resolved=resolved)
    L = s.labels
    n_pop = len(game.populations)
    shares = list(shares) if shares is not None else [0] * n_pop
    with style(width, s.cjk_font):
        w = width_inches(width)
        fig = s.figure((n_pop * 1.05 + 0.9) / w)
        axes = list(np.atleast_1d(fig.subplots(n_pop, 1, sharex=True, squeeze=False).ravel()))
        used: set = set()
        for p, ax in enumerate(axes):
            column, sl = _column(game, p, shares[p])
            index = sum(q.n for q in game.populations[:p]) + shares[p]
            ax.set_ylim(-0.04, 1.08)
            _draw_panel(ax, result, game, column, sl, index, used)
            ax.set_yticks([0, 0.5, 1.0], ["0", "0.5", "1"])
            ax.set_xlim(*sorted(result.interval))
            ax.spines[["top", "right"]].set_visible(False)
            ax.set_title(wrap(L.share(p, shares[p]), title_limit(ax, 7.5)), fontsize=7.5, loc="left")
        axes[-1].set_xlabel(parameter_label(L, result.parameter, result.mechanisms))
        handles = [Line2D([], [], color=FAMILIES[f], linewidth=STABLE_WIDTH, label=word(L, f))
                   for f in FAMILIES if f in used]
        key = stability_key(L, colour=KEY_COLOUR, stable_width=STABLE_WIDTH, unstable_width=UNSTABLE_WIDTH, dash=DASH)
        # the families in the first column, the stability key in the second (the legend fills by columns)
        place_legend(fig, None, in_two_columns(handles, key), own=True, outside=dict(ncol=2), handlelength=3.2,
                     fontsize=6.5, labelspacing=0.25)
        fig.set_gid("branches")
        return s.done(fig)


def branch_caption(fig, name: str) -> str:
    """The caption of :func:`branch_diagram` (what is drawn, as drawn)."""
    gids = {str(a.get_gid()) for ax in fig.axes for a in ax.get_children()}
    text = (f"Branches of rest points continued along {name}: solid where asymptotically stable, dashed "
            "otherwise, one colour per family (corners, edges, larger faces, interior); coinciding branches "
            "drawn once")
    if any(g.startswith("special:") for g in gids):
        text += "; LP fold, BP branch point or exchange of stability, H Hopf point"
    if any(g.startswith("cycle:") for g in gids):
        text += "; shaded: the limit cycles' range of the share (min / max over the orbit)"
    return text + "."
