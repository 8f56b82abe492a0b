"""The explorer: one self-contained HTML page with a slider over a mechanism's strength (or a parameter).

Every slider step shows the phase portrait of the game at that value: the
direction of the vector field on a coarse grid, the rest points marked by
class with the figures' marker language (filled = asymptotically stable,
open circle = unstable source, open square = saddle, half-filled =
non-hyperbolic, open diamond = not differentiable), hover text with the
state, eigenvalues and classification, and the stable set in words.  The
threshold (:func:`~evogame.studies.thresholds.threshold`) is marked on the
slider.

The numbers are precomputed, not computed in the browser: the rest points
and their classes come from :func:`~evogame.studies.sweeps.sweep1d` on the
slider's grid (the parametric engine, checked against
:func:`~evogame.analysis.analyze`, or ``analyze`` value by value), the field
from the compiled field of the dynamics.  Each step is a Plotly frame;
the page inlines plotly.js (about 4 MB), so it opens without a server or
network.

Geometry today: two populations of two strategies (the unit square) and one population of three
(the simplex, drawn as the figures draw it).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from . import stability as st
from .dynamics import chosen_dynamics, derive
from .errors import ScenarioError
from .parametric import ABSENT
from .plotting.wording import mid_phrase
from .scenario import STRENGTH, as_scenario

__all__ = ["explore", "ExploreResult", "INSTALL"]

INSTALL = 'pip install "evogame[explore]"'
FIELD_GRID = 13          # arrows per side of the square
#: the simplex's vertices as in the figures (evogame.plotting.portraits, not imported: it needs matplotlib)
SIMPLEX_VERTICES = np.array([[0.5, np.sqrt(3.0) / 2.0], [0.0, 0.0], [1.0, 0.0]])
ARROW = 0.032            # arrow length in state units (directions only; speed is in the hover)

#: class -> (plotly marker symbol or None for a text glyph, fill colour)
MARKERS = {
    st.ASYMPTOTICALLY_STABLE: ("circle", "black"),
    st.UNSTABLE_SOURCE: ("circle-open", "black"),
    st.SADDLE: ("square-open", "black"),
    st.NON_HYPERBOLIC: (None, "black"),          # the glyph ◐: a half-filled circle
    st.NOT_DIFFERENTIABLE: ("diamond-open", "black"),
}

WORDS = {
    "en": {"stable": "Asymptotically stable: ", "none": "No asymptotically stable rest point",
           "threshold": "threshold", "marked": "marked ▼ on the slider", "no_threshold": "no threshold in this range",
           "exactly": "exactly", "share": "share of"},
    "zh": {"stable": "渐近稳定：", "none": "没有渐近稳定的静止点", "threshold": "阈值",
           "marked": "滑块上以 ▼ 标出", "no_threshold": "此范围内没有阈值", "exactly": "精确值", "share": "比例："},
}
CLASS_ZH = {st.ASYMPTOTICALLY_STABLE: "渐近稳定", st.UNSTABLE_SOURCE: "不稳定（源）", st.SADDLE: "鞍点",
            st.NON_HYPERBOLIC: "非双曲", st.NOT_DIFFERENTIABLE: "不可微"}


@dataclass(frozen=True)
class ExploreResult:
    """What :func:`explore` wrote.

    Attributes
    ----------
    file : the HTML file; size : its size in bytes.
    parameter : the slider's quantity (``"strength"`` or a parameter); mechanisms : those applied.
    values : the slider's steps.
    stable_sets : per step, the labels of the asymptotically stable rest points.
    rest_points : per step, ``[(label, state, classification), ...]`` of the rest points shown.
    threshold : the threshold marked on the slider (None: none in the range).
    method : how the rest points were computed (``"vectorised"`` or ``"per point"``).
    """

    file: str
    size: int
    parameter: str
    mechanisms: tuple
    values: tuple
    stable_sets: tuple
    rest_points: tuple = field(repr=False)
    threshold: float | None
    method: str

    @property
    def steps(self) -> int:
        return len(self.values)

    def to_dict(self) -> dict:
        return {"kind": "explore", "file": self.file, "size": self.size, "parameter": self.parameter,
                "mechanisms": list(self.mechanisms), "steps": self.steps, "values": list(self.values),
                "stable_sets": [list(s) for s in self.stable_sets],
                "rest_points": [[{"label": lab, "state": list(state), "classification": cls}
                                 for lab, state, cls in step] for step in self.rest_points],
                "threshold": self.threshold, "method": self.method}


def _plotly():
    try:
        import plotly.graph_objects as go
        import plotly.io as pio
    except ImportError:
        raise ScenarioError("the explorer needs plotly, an optional extra", argument="explore",
                            expected=f"plotly installed: {INSTALL}") from None
    return go, pio


def _geometry(game, file) -> str:
    """``"square"`` (two populations of two strategies) or ``"simplex"`` (one population of three)."""
    sizes = [pop.n for pop in game.populations]
    kind = {(2, 2): "square", (3,): "simplex"}.get(tuple(sizes))
    if kind is None:
        shape = " x ".join(str(n) for n in sizes)
        raise ScenarioError(f"the explorer draws games of two populations of two strategies (the unit square) or "
                            f"one population of three (the simplex); this game has {len(sizes)} population(s) of "
                            f"{shape} strategies", file=file,
                            expected="two populations of two strategies, or one population of three")
    return kind


def _plane(kind: str, z: np.ndarray) -> np.ndarray:
    """Reduced states ``(..., 2)`` -> points of the drawing: the square as it is; the simplex's
    shares ``(z1, z2, 1 - z1 - z2)`` in the triangle of the figures (strategy 1 top, 2 left, 3 right)."""
    z = np.asarray(z, dtype=float)
    if kind == "square":
        return z
    shares = np.concatenate([z, 1.0 - z.sum(axis=-1, keepdims=True)], axis=-1)
    return shares @ SIMPLEX_VERTICES


def _field_states(kind: str) -> np.ndarray:
    """The states where arrows are drawn: a grid of the square, or a triangular grid of the simplex."""
    if kind == "square":
        g = np.linspace(0.03, 0.97, FIELD_GRID)
        X, Y = np.meshgrid(g, g)
        return np.stack([X.ravel(), Y.ravel()], axis=-1)
    n = FIELD_GRID + 2
    pts = [(i / n, j / n) for i in range(1, n) for j in range(1, n) if i + j < n]
    return np.array(pts, dtype=float)


def _slider_axis(scenario, mechanisms, param, values, steps):
    """The slider's quantity, the mechanisms applied and its grid."""
    if param is None and not mechanisms:
        if not scenario.mechanisms:
            raise ScenarioError("the scenario has no mechanisms: give a parameter for the slider", file=scenario.file,
                                argument="param", expected="a parameter for the slider (param=NAME)")
        mechanisms = [next(iter(scenario.mechanisms))]
    name = STRENGTH if param is None else param
    if values is None:
        if param is None:
            lo, hi = 0.0, 1.0
        else:
            p = scenario.game.parameters.get(param)
            if p is None or p.range is None:
                raise ScenarioError(f"parameter '{param}' has no declared range", file=scenario.file,
                                    argument="param", expected="NAME=LO:HI:N with its range")
            lo, hi = float(p.range[0]), float(p.range[1])
        values = np.linspace(lo, hi, steps)
    return name, list(mechanisms), np.asarray(values, dtype=float)


def explore(subject, out: str, *, mechanisms: Sequence[str] = (), param: str | None = None, values=None,
            steps: int = 41, params=None, dynamics=None, lang: str = "en") -> ExploreResult:
    """Write the explorer page of a scenario to ``out`` (HTML, self-contained).

    Parameters
    ----------
    subject : the Scenario (or its game).
    out : the HTML file written.
    mechanisms : applied with the slider on their (common) strength; default: the scenario's first
        mechanism, unless ``param`` is given (the mechanisms are then applied at strength 1).
    param : slide this parameter instead of the strength.
    values : the slider's grid (default: ``steps`` values over [0, 1] for a strength, else the
        parameter's declared range).
    params : new default values of the other parameters (name -> number).
    dynamics : the dynamics (default: the scenario's, else the replicator).
    lang : ``"en"`` or ``"zh"`` for the page's words.
    """
    from .studies.sweeps import sweep1d
    from .studies.thresholds import threshold

    go, pio = _plotly()
    if lang not in WORDS:
        raise ScenarioError(f"unknown language '{lang}'", argument="lang", expected="en or zh")
    scenario = as_scenario(subject)
    kind = _geometry(scenario.game, scenario.file)
    name, mechanisms, values = _slider_axis(scenario, mechanisms, param, values, steps)
    dynamics = chosen_dynamics(scenario, dynamics)
    sweep = sweep1d(scenario, name, values, mechanisms, params=params, dynamics=dynamics)
    try:
        thr = threshold(scenario, mechanisms, param=param, params=params, dynamics=dynamics,
                        range=(float(sweep.values[0]), float(sweep.values[-1])))
    except ScenarioError as exc:     # no target, or no threshold to find: said on the page
        thr = exc.message
    steps_data = [_step(sweep, i, lang) for i in range(len(sweep.values))]
    fig = _figure(go, scenario, sweep, steps_data, thr, dynamics, lang, kind)
    try:
        pio.write_html(fig, out, include_plotlyjs=True, full_html=True, auto_play=False,
                       config={"displaylogo": False})
    except OSError as exc:
        raise ScenarioError(f"cannot write the page ({exc.strerror})", file=str(out)) from None
    return ExploreResult(file=str(out), size=os.path.getsize(out), parameter=name, mechanisms=tuple(mechanisms),
                         values=tuple(float(v) for v in sweep.values),
                         stable_sets=tuple(tuple(s) for s in sweep.stable_sets),
                         rest_points=tuple(tuple((p["label"], tuple(p["state"]), p["classification"]) for p in step)
                                           for step in steps_data),
                         threshold=None if isinstance(thr, str) else thr.threshold, method=sweep.method)


def _step(sweep, i: int, lang: str) -> list[dict]:
    """The rest points present at step ``i``: label, state, eigenvalues and classification."""
    points = []
    for lab in sweep.labels:
        code = int(sweep.codes[lab][i])
        if code == ABSENT:
            continue
        points.append({"label": lab, "state": [float(v) for v in sweep.states[lab][i]],
                       "eigenvalues": [complex(e) for e in sweep.eigenvalues[lab][i]],
                       "classification": st.CLASSES[code]})
    return points


def _hover(p: dict, lang: str) -> str:
    cls = p["classification"] if lang == "en" else CLASS_ZH.get(p["classification"], p["classification"])
    state = ", ".join(f"{v:.4g}" for v in p["state"])
    eig = ", ".join("—" if np.isnan(e.real) else (f"{e.real:.4g}" if abs(e.imag) < 1e-12 else
                                                   f"{e.real:.4g}{e.imag:+.4g}i") for e in p["eigenvalues"])
    return f"<b>{p['label']}</b><br>state ({state})<br>eigenvalues {eig}<br>{cls}"


def _arrows(sweep, value: float, dynamics, kind: str) -> tuple[list, list]:
    """Arrow segments (``None``-separated polylines) of the field's direction at one slider value."""
    work = sweep.game
    dyn = derive(work, dynamics)
    values = dict(work.values())
    values[sweep.parameter] = value
    states = _field_states(kind)
    F = dyn.field(states, dyn.parameter_vector(values))
    P = _plane(kind, states)
    D = _plane(kind, states + F) - P      # the map to the drawing is affine: this is the field's image
    speed = np.hypot(D[:, 0], D[:, 1])
    scale = speed.max() if speed.max() > 0 else 1.0
    xs, ys = [], []
    for (x, y), (u, v), s in zip(P, D, speed):
        if s <= 1e-9 * scale:
            continue
        u, v = u / s * ARROW, v / s * ARROW
        tx, ty = x + u, y + v
        xs += [x, tx, None]
        ys += [y, ty, None]
        for ang in (2.6, -2.6):      # two head strokes at +-150 degrees from the direction
            c, sn = np.cos(ang), np.sin(ang)
            xs += [tx, tx + 0.4 * (u * c - v * sn), None]
            ys += [ty, ty + 0.4 * (u * sn + v * c), None]
    return xs, ys


def _traces(go, sweep, i: int, points: list[dict], dynamics, lang: str, kind: str) -> list:
    xs, ys = _arrows(sweep, float(sweep.values[i]), dynamics, kind)
    traces = [go.Scatter(x=xs, y=ys, mode="lines", line=dict(color="#9a9a9a", width=1), hoverinfo="skip",
                         name="field", showlegend=False)]
    for cls, (symbol, colour) in MARKERS.items():
        mine = [p for p in points if p["classification"] == cls]
        name = cls if lang == "en" else CLASS_ZH[cls]
        xy = _plane(kind, np.array([p["state"] for p in mine]).reshape(-1, 2))
        common = dict(x=xy[:, 0].tolist(), y=xy[:, 1].tolist(), name=name,
                      hovertext=[_hover(p, lang) for p in mine], hoverinfo="text",
                      customdata=[[p["label"], cls, *p["state"]] for p in mine], meta={"classification": cls})
        if symbol is None:
            traces.append(go.Scatter(mode="text", text=["◐"] * len(mine), textfont=dict(size=17, color=colour),
                                     **common))
        else:
            traces.append(go.Scatter(mode="markers", marker=dict(symbol=symbol, size=12, color=colour,
                                                                 line=dict(color="black", width=1.5)), **common))
    return traces


def _stable_text(stable: Sequence[str], lang: str) -> str:
    words = WORDS[lang]
    return words["stable"] + ", ".join(stable) if stable else words["none"]


def _axis_title(scenario, k: int, lang: str) -> str:
    pop = scenario.game.populations[k]
    label = (pop.label_zh if lang == "zh" else pop.label_en) or pop.name
    strategies = (pop.strategy_labels_zh if lang == "zh" else pop.strategy_labels_en) or pop.strategies
    first = strategies[0] if lang == "zh" else mid_phrase(strategies[0])   # reads as the figures' labels do
    return f"{label}: {WORDS[lang]['share']} {first}"


def _threshold_note(thr, name: str, lang: str) -> tuple[str, float | None]:
    words = WORDS[lang]
    if isinstance(thr, str):
        return f"{words['threshold']}: {thr}", None
    if thr.threshold is None:
        return f"{words['threshold']}: {words['no_threshold']}", None
    exact = f" ({words['exactly']} {thr.exact})" if thr.exact and thr.exact != f"{thr.threshold:.10g}" else ""
    return f"{words['threshold']}: {name} = {thr.threshold:.6g}{exact}, {words['marked']}", thr.threshold


def _figure(go, scenario, sweep, steps_data, thr, dynamics, lang, kind):
    name = sweep.parameter
    note, t = _threshold_note(thr, name, lang)
    marked = None if t is None else int(np.argmin(np.abs(sweep.values - t)))
    frames, slider_steps = [], []
    axes, shapes, corners = _frame_of(scenario, kind, lang)
    for i, points in enumerate(steps_data):
        key = f"step{i}"
        text = _stable_text(sweep.stable_sets[i], lang)
        frames.append(go.Frame(name=key, data=_traces(go, sweep, i, points, dynamics, lang, kind),
                               layout=dict(annotations=_annotations(text, note))))
        label = f"{sweep.values[i]:.4g}"
        slider_steps.append(dict(method="animate", label=("▼" + label) if i == marked else label,
                                 args=[[key], dict(mode="immediate", frame=dict(duration=0, redraw=True),
                                                   transition=dict(duration=0))]))
    title = scenario.game.title or scenario.game.name
    mech = ", ".join(sweep.mechanisms)
    fig = go.Figure(data=frames[0].data, frames=frames)
    fig.update_layout(
        title=f"{title} — {dynamics}" + (f" — {mech}" if mech else ""), width=720, height=900,
        **axes, plot_bgcolor="white", legend=dict(orientation="h", y=-0.32), shapes=shapes,
        annotations=_annotations(_stable_text(sweep.stable_sets[0], lang), note) + corners,
        sliders=[dict(active=0, steps=slider_steps, currentvalue=dict(prefix=f"{name} = "), pad=dict(t=60))],
        margin=dict(b=270))   # room under the plot for the slider, the legend and the threshold
    return fig


def _frame_of(scenario, kind: str, lang: str) -> tuple[dict, list, list]:
    """Axes, outline and vertex labels of the drawing: the unit square, or the simplex's triangle."""
    if kind == "square":
        axes = dict(xaxis=dict(range=[-0.04, 1.04], title=_axis_title(scenario, 0, lang), constrain="domain"),
                    yaxis=dict(range=[-0.04, 1.04], title=_axis_title(scenario, 1, lang), scaleanchor="x",
                               scaleratio=1))
        return axes, [dict(type="rect", x0=0, y0=0, x1=1, y1=1, line=dict(color="black", width=1))], []
    hidden = dict(visible=False, showgrid=False, zeroline=False)
    axes = dict(xaxis=dict(range=[-0.08, 1.08], constrain="domain", **hidden),
                yaxis=dict(range=[-0.12, 0.98], scaleanchor="x", scaleratio=1, **hidden))
    V = SIMPLEX_VERTICES
    path = f"M {V[0, 0]} {V[0, 1]} L {V[1, 0]} {V[1, 1]} L {V[2, 0]} {V[2, 1]} Z"
    pop = scenario.game.populations[0]
    names = (pop.strategy_labels_zh if lang == "zh" else pop.strategy_labels_en) or pop.strategies
    corners = [dict(text=names[i], x=V[i, 0], y=V[i, 1] + (0.05 if i == 0 else -0.05), showarrow=False,
                    xref="x", yref="y") for i in range(3)]
    return axes, [dict(type="path", path=path, line=dict(color="black", width=1))], corners


def _annotations(stable_text: str, note: str) -> list[dict]:
    return [dict(text=stable_text, xref="paper", yref="paper", x=0, y=1.06, showarrow=False, xanchor="left",
                 font=dict(size=14)),
            dict(text=note, xref="paper", yref="paper", x=0, y=-0.42, showarrow=False, xanchor="left",
                 font=dict(size=12, color="#444444"))]
