"""The explorer's HTML: plotly.js inlined, the precomputed numbers as JSON, and the controller script.

The page is one file with no external reference: ``<script>`` with plotly.js (Plotly's offline bundle),
``<script type="application/json" id="evogame-data">`` with every step of every slider (see
:func:`page_data`), and the controller (:data:`~evogame.explore.script.SCRIPT`).
"""
from __future__ import annotations

import html
import itertools
import json

import numpy as np

from .compute import DIRECTION_QUANTUM, QUANTUM
from .geometry import FACES, SIMPLEX_VERTICES, face_states, field_states, plane
from .words import MARKERS, axis_title, class_name, eigenvalue_text, stable_text

__all__ = ["page_data", "page_html", "ARROW"]

ARROW = {"square": 0.032, "simplex": 0.028, "cube": 0.3, "line": 0.0}
STYLE = """
body { font-family: system-ui, sans-serif; margin: 16px; color: #222; }
h1 { font-size: 20px; margin: 0 0 4px 0; } .sub { color: #555; margin: 0 0 10px 0; font-size: 13px; }
main { display: flex; gap: 18px; align-items: flex-start; }
#controls { width: 360px; flex: none; font-size: 13px; }
.slider { margin: 0 0 10px 0; } .slider label { display: block; font-weight: 600; }
.track { position: relative; } .track input { width: 100%; margin: 10px 0 2px 0; }
.mark { position: absolute; top: -3px; transform: translateX(-50%); color: #c0392b; font-size: 11px; }
.note { color: #555; font-size: 11px; } output { font-family: monospace; }
#stable { font-size: 15px; font-weight: 600; margin: 4px 0; } #where { color: #555; font-size: 12px; margin: 0; }
.small { color: #555; font-size: 12px; max-width: 1080px; }
"""


def _quantised(values, quantum: float = QUANTUM) -> list:
    return [int(v) for v in np.round(np.nan_to_num(np.asarray(values, dtype=float).ravel()) / quantum)]


def _step(data, i: int, kind: str, lang: str) -> dict:
    points = [{"l": p["label"], "s": list(p["state"]), "c": p["classification"],
               "e": eigenvalue_text(p["eigenvalues"])}
              for p in data.points[i]]
    if kind == "simplex":           # elsewhere the drawing is the state itself (the line: (z, 0))
        for p, q in zip(points, data.points[i]):
            p["p"] = [float(v) for v in plane(kind, np.array(q["state"]))]
    field = ([float(f"{v:.4g}") for v in data.directions[i]] if kind == "line"
             else _quantised(data.directions[i], DIRECTION_QUANTUM))
    paths = None if data.paths is None else [_quantised(path) for path in data.paths[i]]
    faces = None if data.faces is None else [_quantised(f, DIRECTION_QUANTUM) for f in data.faces[i]]
    return {"stable": stable_text(data.stable_sets[i], lang), "points": points, "field": field, "paths": paths,
            "faces": faces}


def _slider(data, kind: str, lang: str) -> dict:
    spec, values = data.spec, data.values
    at = None
    if data.threshold is not None:      # the threshold's place on the track, between the steps around it
        at = float(np.interp(data.threshold, values, np.arange(len(values))) / (len(values) - 1))
    return {"name": spec.name, "kind": spec.kind, "label": spec.label, "quantity": spec.quantity,
            "values": [float(v) for v in values], "default": data.default, "threshold": data.threshold,
            "exact": data.exact, "thresholdAt": at, "note": data.note, "method": data.method,
            "steps": [_step(data, i, kind, lang) for i in range(len(values))]}


def page_data(scenario, presets: list[tuple[str, str, list]], *, kind: str, starts, picked, words: dict,
              lang: str) -> dict:
    """Everything the page draws: ``presets`` is ``[(name, label, [SliderData, ...]), ...]``."""
    return {"kind": kind, "lang": lang, "quantum": QUANTUM, "directionQuantum": DIRECTION_QUANTUM, "arrow": ARROW[kind], "words": words,
            "classes": [[cls, class_name(cls, lang), symbol] for cls, symbol in MARKERS.items()],
            "fieldAt": [[float(v) for v in p] for p in plane(kind, field_states(kind))],
            "starts": [[float(v) for v in p] for p in plane(kind, starts)] if len(starts) else [],
            "picked": list(picked), "frame": _frame_traces(kind), "faces": _faces(scenario) if kind == "cube" else [],
            "faceAt": face_states(0, 0.0)[:, 1:].tolist() if kind == "cube" else [], "layout": _layout(scenario, kind, lang, words),
            "config": {"displaylogo": False, "responsive": False},
            "presets": [{"name": name, "label": label, "sliders": [_slider(d, kind, lang) for d in sliders]}
                        for name, label, sliders in presets]}


def _faces(scenario) -> list[dict]:
    """The cube's faces: which population is fixed at which share, the two others drawn, and a title."""
    pops = scenario.game.populations
    return [{"k": k, "side": side, "other": [j for j in range(3) if j != k],
             "title": f"{pops[k].name} = {side:g}<br>" + "<br>".join(
                 f"{axis}: {pops[j].name}" for axis, j in zip("xy", [j for j in range(3) if j != k]))}
            for k, side in FACES]


def _face_axes(scenario) -> dict:
    """Six small square panels under the cube, one per face, its two other shares as axes (named in the title)."""
    out, notes = {}, []
    for i, face in enumerate(_faces(scenario)):
        x0, x1 = i / 6 + 0.02, (i + 1) / 6 - 0.02
        out[f"xaxis{i + 2}"] = {"domain": [x0, x1], "range": [-0.05, 1.05], "anchor": f"y{i + 2}", "tickvals": [0, 1],
                                "showgrid": False}
        out[f"yaxis{i + 2}"] = {"domain": [0.0, 0.17], "range": [-0.05, 1.05], "anchor": f"x{i + 2}", "tickvals": [0, 1],
                                "showgrid": False, "scaleanchor": f"x{i + 2}", "scaleratio": 1}
        notes.append({"text": face["title"], "xref": f"x{i + 2} domain", "yref": f"y{i + 2} domain", "x": 0.5,
                      "y": 1.04, "yanchor": "bottom", "showarrow": False, "font": {"size": 9}})
    return {**out, "annotations": notes}


def _frame_traces(kind: str) -> list:
    """Static traces: the cube's twelve edges (the 2-D outlines are layout shapes)."""
    if kind != "cube":
        return []
    xs, ys, zs = [], [], []
    for a, b in itertools.combinations(list(itertools.product((0, 1), repeat=3)), 2):
        if sum(u != v for u, v in zip(a, b)) == 1:
            for coords, (u, v) in zip((xs, ys, zs), zip(a, b)):
                coords += [u, v, None]
    return [{"type": "scatter3d", "mode": "lines", "x": xs, "y": ys, "z": zs, "hoverinfo": "skip",
             "line": {"color": "black", "width": 2}, "showlegend": False, "name": "cube"}]


def _layout(scenario, kind: str, lang: str, words: dict) -> dict:
    base = {"width": 700, "height": 640, "plot_bgcolor": "white", "hovermode": "closest", "uirevision": "keep",
            "margin": {"l": 60, "r": 20, "t": 20, "b": 60}, "legend": {"orientation": "h", "y": -0.12}}
    if kind == "cube":
        axis = [dict(title={"text": axis_title(scenario, k, lang, short=True)}, range=[-0.02, 1.02]) for k in range(3)]
        return {**base, "height": 820, "scene": {"xaxis": axis[0], "yaxis": axis[1], "zaxis": axis[2],
                                                 "aspectmode": "cube", "domain": {"x": [0, 1], "y": [0.27, 1]},
                                                 "camera": {"eye": {"x": 1.6, "y": -1.6, "z": 1.1}}},
                "legend": {"orientation": "h", "y": 1.02}, **_face_axes(scenario)}
    if kind == "line":
        return {**base, "xaxis": {"range": [-0.03, 1.03], "title": {"text": axis_title(scenario, 0, lang)}},
                "yaxis": {"title": {"text": words["rate"]}, "zeroline": True, "zerolinecolor": "black"}}
    if kind == "square":
        return {**base, "xaxis": {"range": [-0.04, 1.04], "title": {"text": axis_title(scenario, 0, lang)},
                                  "constrain": "domain"},
                "yaxis": {"range": [-0.04, 1.04], "title": {"text": axis_title(scenario, 1, lang)},
                          "scaleanchor": "x", "scaleratio": 1},
                "shapes": [{"type": "rect", "x0": 0, "y0": 0, "x1": 1, "y1": 1, "line": {"color": "black", "width": 1}}]}
    V = SIMPLEX_VERTICES
    pop = scenario.game.populations[0]
    names = (pop.strategy_labels_zh if lang == "zh" else pop.strategy_labels_en) or pop.strategies
    hidden = {"visible": False, "showgrid": False, "zeroline": False}
    return {**base, "xaxis": {"range": [-0.08, 1.08], "constrain": "domain", **hidden},
            "yaxis": {"range": [-0.12, 0.98], "scaleanchor": "x", "scaleratio": 1, **hidden},
            "shapes": [{"type": "path", "line": {"color": "black", "width": 1},
                        "path": f"M {V[0, 0]} {V[0, 1]} L {V[1, 0]} {V[1, 1]} L {V[2, 0]} {V[2, 1]} Z"}],
            "annotations": [{"text": names[i], "x": float(V[i, 0]), "y": float(V[i, 1]) + (0.05 if i == 0 else -0.05),
                             "showarrow": False, "xref": "x", "yref": "y"} for i in range(3)]}


def page_html(plotly_js: str, data: dict, script: str, *, title: str, subtitle: str, words: dict) -> str:
    """The page: styles, plotly.js, the controls, the portrait's ``<div>``, the data and the script."""
    blob = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False).replace("</", "<\\/")
    paths = words["paths"] if data["starts"] else words["no_paths"]
    clear = f' <button id="clear">{html.escape(words["clear"])}</button>' if data["starts"] else ""
    return (f'<!DOCTYPE html>\n<html lang="{data["lang"]}"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{STYLE}</style>\n"
            f'<script type="text/javascript">{plotly_js}</script></head>\n<body>'
            f"<h1>{html.escape(title)}</h1><p class=\"sub\">{html.escape(subtitle)}</p><main>"
            f'<div id="controls"><label>{html.escape(words["preset"])} <select id="preset"></select></label>'
            f'<div id="sliders"></div></div>'
            f'<div><p id="stable"></p><p id="where"></p><div id="portrait"></div>'
            f'<p class="small">{html.escape(paths)}{clear}</p></div></main>'
            f'<p class="small">{html.escape(words["precomputed"])}</p>\n'
            f'<script type="application/json" id="evogame-data">{blob}</script>\n'
            f"<script>{script}</script></body></html>\n")
