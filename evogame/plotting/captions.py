"""A report figure's caption, written from what the drawn figure holds.

Every clause that names a drawn element (a mark, a line, a colour) is said
only when the figure has it, read back from the artists (their gids, colours
and data); where an element the reader would expect is absent (the regime
map's threshold curve), the caption says so and why.
"""
from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D

from .point_labels import LABEL_GID
from .style import MARKS

__all__ = ["marks_sentence", "portrait_caption", "paths_caption", "sensitivity_caption", "bifurcation_caption",
           "regime_caption", "basins_caption", "describe_mark"]

_SHAPES = {"o": "circle", "s": "square", "D": "diamond", "d": "diamond", "^": "triangle", "v": "triangle",
           "<": "triangle", ">": "triangle", "p": "pentagon", "h": "hexagon", "*": "star", "X": "cross", "x": "cross"}

_PORTRAITS = {"line": "Phase line: the rate of change against the share, arrows in the direction of the flow",
              "simplex": "Phase portrait on the simplex (streamlines)",
              "square": "Phase portrait on the unit square (streamlines)",
              "cube": "Phase portrait in the unit cube: trajectories from a 3 x 3 x 3 grid of starts, "
                      "coloured by the attractor reached"}


def _artists(fig):
    return fig.findobj(lambda a: a.get_gid() is not None)


def _gids(fig) -> list[str]:
    return [str(a.get_gid()) for a in _artists(fig)]


def describe_mark(mark: dict) -> str:
    """A mark's look in words from its ``plot`` keywords: ``"half-filled circle"``, ``"open square"``."""
    shape = _SHAPES.get(mark.get("marker"), "mark")
    if mark.get("fillstyle") in ("left", "right", "top", "bottom"):
        filled = str(mark.get("markerfacecolor", "black")).lower()
        if filled in ("black", "#000000", "k"):
            return f"half-filled {shape}"
        return f"{shape} with a grey {'lower' if mark['fillstyle'] == 'bottom' else 'upper'} half" \
            if mark["fillstyle"] in ("top", "bottom") else f"{shape} with a grey half"
    face = str(mark.get("markerfacecolor", "black")).lower()
    return f"{'open' if face in ('white', 'none', '#ffffff') else 'filled'} {shape}"


def marks_sentence(fig) -> str:
    """"Rest points: filled circle: asymptotically stable; …" for the classes drawn, the continua, the names."""
    gids = _gids(fig)
    drawn = [g.split(":", 1)[1] for g in gids if g.startswith("rest-points:")]
    classes = [c for c in MARKS if c in drawn] + sorted({c for c in drawn if c not in MARKS})
    parts = [f"{describe_mark(MARKS[c]) if c in MARKS else 'a mark'}: {c}" for c in classes]
    if "continua" in gids:
        parts.append("cross: a continuum of rest points (one of its points)")
    if not parts:
        return ""
    text = "Rest points: " + "; ".join(parts) + "."
    if any(g.startswith(LABEL_GID) for g in gids):
        text += " E1, E2, …: the rest points as numbered in the rest-point table."
    return text


def portrait_caption(fig, geometry: str) -> str:
    """The portrait's caption: the geometry, the nullclines and grey paths when drawn, the marks."""
    from .portraits import NO_ATTRACTOR_COLOUR
    caption = _PORTRAITS[geometry]
    if any(g.startswith("nullcline:") for g in _gids(fig)):
        caption = caption[:-1] + "; dashed: interior nullclines)"
    if geometry == "cube" and any(line.get_color() == NO_ATTRACTOR_COLOUR for ax in fig.axes
                                  for line in ax.get_lines()):
        caption += "; grey: paths that reach no asymptotically stable rest point in the time drawn"
    return f"{caption}. {marks_sentence(fig)}".strip()


def paths_caption(scenario, t_end: float, count: int) -> str:
    """The paths figure's caption: where the paths start and until when."""
    from ..util.formatting import number
    starts = ("the scenario's [simulation] initial states" if scenario.simulation.initial is not None
              else f"the centre of the state space and {count - 1} spread points (a Halton sequence)")
    return f"Evolution paths from {starts}, to t = {number(t_end, 3)}."


def sensitivity_caption(fig, name: str, strengths) -> str:
    """The sensitivity figure's caption: the strengths drawn, the start, the note when drawn."""
    from ..util.formatting import number
    text = (f"Sensitivity of the paths to the strength s of '{name}' (s = "
            f"{', '.join(number(v, 3) for v in strengths)}; 0 = baseline, 1 = as described), from the centre "
            "of the state space")
    if "no-stable-state" in _gids(fig):
        text += "; the note under the legend names the strengths at which no state is asymptotically stable"
    return text + "."


def _coinciding(ax) -> bool:
    """Whether two branches of a bifurcation panel lie on top of each other wherever both exist."""
    series = {}
    for line in ax.get_lines():
        gid = str(line.get_gid())
        if not gid.startswith("bifurcation:"):
            continue
        label = gid.rsplit(":", 2)[0]
        y = np.asarray(line.get_ydata(), dtype=float)
        series[label] = np.where(np.isnan(y), series.get(label, y), y)
    values = list(series.values())
    for i, a in enumerate(values):
        for b in values[i + 1:]:
            both = ~np.isnan(a) & ~np.isnan(b)
            if both.any() and np.allclose(a[both], b[both], atol=1e-9, rtol=0):
                return True
    return False


def bifurcation_caption(fig, name: str) -> str:
    """The bifurcation diagram's caption; side-by-side branches and bifurcation lines only when drawn."""
    text = (f"Rest points against the strength s of '{name}': thick where asymptotically stable, thin and "
            "broken otherwise")
    if any(_coinciding(ax) for ax in fig.axes):
        text += ", coinciding rest points drawn side by side"
    if "bifurcation-values" in _gids(fig):
        text += "; dotted lines at the bifurcation points, their values on the top axis"
    else:
        text += "; no bifurcation point in this range"
    return text + "."


def regime_caption(fig, x_name: str, y_name: str, target: str | None, threshold) -> str:
    """The regime map's caption: the threshold curve and the cross when drawn, else why not."""
    gids = _gids(fig)
    text = (f"Regime map: the set of asymptotically stable states over ({x_name}, {y_name}), other parameters "
            "at their values")
    if "threshold" in gids:
        text += "; black: the target's threshold in closed form"
    elif threshold is None:
        text += (f"; no threshold line is drawn: neither {x_name} nor {y_name} has a closed-form threshold "
                 f"for the target {target}" if target else "; no threshold line is drawn: no target state")
    else:
        text += (f"; no threshold line is drawn: the target's closed-form threshold does not cross this range "
                 f"of ({x_name}, {y_name})")
    if "parameter-values" in gids:
        text += "; cross: the parameter values of this report"
    else:
        text += "; the report's parameter values lie outside this range"
    return text + "."


def basins_caption(fig) -> str:
    """The basins figure's caption: grey starts and the rest points' marks only when drawn."""
    from .basins import NOT_CONVERGED_COLOUR
    text = "Basins of attraction: initial states coloured by the asymptotically stable rest point their path reaches"
    handles = [h for legend in fig.legends + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
               for h in legend.legend_handles]
    if any(isinstance(h, Line2D) and h.get_markerfacecolor() == NOT_CONVERGED_COLOUR for h in handles):
        text += "; grey: starts whose path reaches none in the time integrated"
    return f"{text}. {marks_sentence(fig)}".strip()
