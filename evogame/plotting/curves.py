"""The two-parameter bifurcation diagram: fold, Hopf and branch-point curves over the regime map.

From a :class:`~evogame.studies.continuation.curves.CurveSet` (:func:`evogame.continue_curves`) and,
behind it, the :class:`~evogame.studies.sweeps.RegimeMapResult` of the same two parameters:

* the regime map as the background (each cell coloured by its set of asymptotically stable rest points,
  the colours and legend of :func:`evogame.plotting.regimes.regime_map_figure`);
* each curve on top, one style per kind: fold ``LP`` black, Hopf ``H`` blue -- solid where the first
  Lyapunov coefficient ``l1 < 0`` (supercritical), dashed where ``l1 > 0`` (subcritical), dotted where it
  is zero within rounding (degenerate: no verdict), sparsely dotted where the pair is real (a neutral
  saddle, no Hopf point) --, branch point ``BP`` (exchange of
  stability, in replicator games the regime map's boundaries) vermilion, dash-dotted;
* the codimension-two points (cusp ``CP``, Bogdanov-Takens ``BT``, Bautin ``GH``, zero-Hopf ``ZH``)
  marked and labelled, each place once;
* the first parameter (the one-parameter run's) across, the second up; each curve kind once in the legend.
"""
from __future__ import annotations

import numpy as np

from ..studies.continuation.lyapunov import DEGENERATE_RTOL
from .common import prepare
from .legends import parameter_label, place_legend, word
from .regimes import mark_values, regime_background
from .style import style

__all__ = ["curve_diagram", "curves_caption", "CURVE_STYLES"]

#: per curve kind: its colour, line width and (for the fold and the branch point) line pattern
#: (dark: the regime map behind is in pale tints of the Okabe--Ito colours)
CURVE_STYLES = {"fold": ("#000000", 1.5, "-"), "Hopf": ("#a50026", 1.6, "-"),
                "branch point": ("#3d3d3d", 1.3, (0, (5.0, 1.5, 1.2, 1.5)))}
#: the Hopf curve's pattern by the sign of l1
HOPF_PATTERNS = {"supercritical": "-", "subcritical": (0, (3.0, 1.6)), "degenerate": (0, (1.0, 1.3)),
                 "neutral saddle": (0, (0.6, 2.4))}
#: the order of the kinds in the legend
KINDS = ("fold", "Hopf", "branch point")
#: the name of each Hopf pattern in the legend
HOPF_LOOKS = {"supercritical": "solid", "subcritical": "dashed", "degenerate": "dotted",
              "neutral saddle": "sparse dots"}
MARK = dict(marker="D", markersize=3.6, markerfacecolor="white", markeredgecolor="black", markeredgewidth=0.9,
            linestyle="none")


def _verdict(point) -> str:
    """``supercritical`` (l1 < 0), ``subcritical`` (l1 > 0), ``degenerate`` (l1 zero within rounding) or
    ``neutral saddle`` (no l1: the pair of eigenvalues whose sum vanishes is real, no Hopf point there)."""
    l1 = point.l1
    if l1 is None or not np.isfinite(l1):
        return "neutral saddle"
    # the point does not carry l1's scale (lyapunov.HopfCoefficient.scale): its frequency stands for it
    if abs(l1) <= DEGENERATE_RTOL * max(1.0, abs(point.omega or 0.0)):
        return "degenerate"
    return "supercritical" if l1 < 0 else "subcritical"


def _runs(curve) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """The curve as runs of one pattern ``(pattern key, first, second)``; neighbouring runs share a point."""
    x, y = curve.first, curve.second
    if curve.kind != "Hopf":
        return [(curve.kind, x, y)]
    verdicts = [_verdict(p) for p in curve.points]
    runs, start = [], 0
    for k in range(1, len(verdicts) + 1):
        if k == len(verdicts) or verdicts[k] != verdicts[start]:
            runs.append((verdicts[start], x[start:min(k + 1, len(x))], y[start:min(k + 1, len(y))]))
            start = k
    return runs


def _draw_curves(ax, curves) -> dict:
    """Every curve, by kind and run; returns ``kind -> the set of patterns used``."""
    used: dict = {}
    for curve in curves:
        colour, lw, pattern = CURVE_STYLES.get(curve.kind, ("#555555", 1.2, "-"))
        for key, x, y in _runs(curve):
            dash = HOPF_PATTERNS[key] if curve.kind == "Hopf" else pattern
            (line,) = ax.plot(x, y, color=colour, linewidth=lw, linestyle=dash, zorder=4, solid_capstyle="butt")
            line.set_gid(f"curve:{curve.index}:{curve.kind}:{key}")
            used.setdefault(curve.kind, set()).add(key)
    return used


def _mark_codim2(ax, special) -> bool:
    """The codimension-two points, each (label, place) once, labelled; whether any was drawn."""
    seen = set()
    for s in special:
        key = (s.label, round(float(s.parameter), 6), round(float(s.second), 6))
        if key in seen:
            continue
        seen.add(key)
        (mark,) = ax.plot([s.parameter], [s.second], zorder=6, clip_on=False, **MARK)
        mark.set_gid(f"codim2:{s.label}")
        ax.annotate(s.label, (s.parameter, s.second), xytext=(3.0, 2.5), textcoords="offset points", fontsize=6.5,
                    zorder=7, annotation_clip=False, gid=f"codim2-label:{s.label}")
    return bool(seen)


def _kind_handles(L, used: dict) -> list:
    """``(handle, label)``, one per curve kind drawn; the Hopf entry shows (and names) each pattern it uses."""
    from matplotlib.lines import Line2D
    handles = []
    for kind in [k for k in KINDS if k in used] + sorted(k for k in used if k not in KINDS):
        colour, lw, pattern = CURVE_STYLES.get(kind, ("#555555", 1.2, "-"))
        if kind != "Hopf":
            handles.append((Line2D([], [], color=colour, linewidth=lw, linestyle=pattern), word(L, kind)))
            continue
        keys = [k for k in HOPF_PATTERNS if k in used[kind]]
        parts = tuple(Line2D([], [], color=colour, linewidth=lw, linestyle=HOPF_PATTERNS[k]) for k in keys)
        if len(keys) == 1:
            label = f"{word(L, 'Hopf')}, {word(L, keys[0])}"
        else:
            # a line per pattern: the entry stays within a column's width
            label = "\n".join([word(L, "Hopf") + ("：" if L.lang == "zh" else ":"),
                               *(f"{word(L, HOPF_LOOKS[k])} {word(L, k)}" for k in keys)])
        handles.append((parts if len(parts) > 1 else parts[0], label))
    return handles


def curve_diagram(curves, regimes, *, mechanisms=(), ax=None, lang: str = "en", width="single",
                  resolved=None):
    """Draw a :class:`~evogame.studies.continuation.curves.CurveSet` over a regime map (module docstring).

    Parameters
    ----------
    curves : the fold, Hopf (and branch-point) curves in ``curves.parameters = (first, second)``.
    regimes : the :class:`~evogame.studies.sweeps.RegimeMapResult` of the same two parameters (``x`` the
        first, ``y`` the second), drawn behind; its grid sets the axes' limits.
    mechanisms : the mechanisms whose ``strength`` an axis is (named in its label; default: the regime map's).
    ax : draw into these axes (the legend inside them) instead of a new figure.
    lang, width, resolved : as every figure (:func:`evogame.plotting.common.prepare`).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.legend_handler import HandlerTuple
    from matplotlib.lines import Line2D

    first, second = curves.parameters
    if (regimes.x_name, regimes.y_name) != (first, second):
        raise ValueError(f"the regime map is in ({regimes.x_name}, {regimes.y_name}), the curves in "
                         f"({first}, {second})")
    game = regimes.game
    mechanisms = list(mechanisms or regimes.mechanisms)
    s = prepare(game, None, lang=lang, width=width, need_analysis=False, resolved=resolved)
    L = s.labels
    with style(width, s.cjk_font):
        own = ax is None
        fig = s.figure(_aspect(curves, regimes, width)) if own else ax.figure
        ax = fig.add_subplot() if own else ax
        handles = regime_background(ax, regimes, L)
        ax.set_xlabel(parameter_label(L, first, mechanisms))
        ax.set_ylabel(parameter_label(L, second, mechanisms))
        used = _draw_curves(ax, curves.curves)
        if not used:
            ax.text(0.02, 0.98, word(L, "no curve"), transform=ax.transAxes, ha="left", va="top", fontsize=6.5,
                    color="#444444", zorder=6, gid="no-curve",
                    bbox=dict(facecolor="white", alpha=0.8, edgecolor="none", boxstyle="square,pad=0.2"))
        entries = [(h, h.get_label()) for h in handles] + _kind_handles(L, used)
        if _mark_codim2(ax, curves.special_points):
            entries.append((Line2D([], [], **MARK), word(L, "codimension two")))
        entries += [(h, h.get_label()) for h in mark_values(ax, regimes, game, L)]
        place_legend(fig, ax, [h for h, _ in entries], own=own, outside=dict(ncol=1 if width == "single" else 2),
                     labels=[text for _, text in entries], title=L.word("stable set"), handlelength=2.6,
                     handler_map={tuple: HandlerTuple(ndivide=None, pad=0.3)})
        if own:
            fig.set_gid("curves")
        return s.done(fig)


def _aspect(curves, regimes, width) -> float:
    """Height over width: the square-ish map, and at single width the legend's lines below it."""
    if width != "single":
        return 0.62
    kinds = {c.kind for c in curves.curves}
    verdicts = {_verdict(p) for c in curves.curves if c.kind == "Hopf" for p in c.points}
    lines = len(regimes.regimes) + 3 + len(kinds) + (len(verdicts) if len(verdicts) > 1 else 0)
    return 0.8 + 0.055 * lines


def curves_caption(fig, first: str, second: str) -> str:
    """The caption of :func:`curve_diagram` (what is drawn, as drawn)."""
    gids = {str(a.get_gid()) for ax in fig.axes for a in ax.get_children()}
    kinds = [k for k in KINDS if any(g.startswith("curve:") and g.split(":")[2] == k for g in gids)]
    verdicts = [v for v in HOPF_LOOKS if any(g.startswith("curve:") and g.endswith(f":Hopf:{v}") for g in gids)]
    names = {"fold": "fold (LP)", "Hopf": f"Hopf (H; {', '.join(f'{HOPF_LOOKS[v]} {v}' for v in verdicts)})",
             "branch point": "branch-point (BP, exchange of stability)"}
    text = f"The plane of {first} and {second} coloured by the set of asymptotically stable rest points"
    if kinds:
        text += ", with the " + ", ".join(names[k] for k in kinds) + " curves continued from the one-parameter run"
    else:
        text += "; no curve was continued"
    if any(g.startswith("codim2:") for g in gids):
        text += "; diamonds: codimension-two points (CP cusp, BT Bogdanov-Takens, GH Bautin, ZH zero-Hopf)"
    return text + "."
