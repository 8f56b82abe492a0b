"""The explorer's HTML: plotly.js (compressed), the model and numerics as JavaScript, the data, the controller.

The page is one file with no external reference.  plotly.js is the bundle the installed plotly package
ships (``plotly.offline.get_plotlyjs``, about 4.7 MB; the package ships no partial bundle), stored gzipped
and base64-encoded (about 2 MB) and unpacked by the browser's own ``DecompressionStream`` when the page
opens, so the page stays under 3 MB without vendoring another copy of plotly.js.
"""
from __future__ import annotations

import base64
import functools
import gzip
import html
import itertools
import json

from .geometry import FACES, SIMPLEX_VERTICES, face_states
from .words import axis_title

__all__ = ["page_html", "packed_plotly", "layout", "frame_traces", "face_panels"]

STYLE = """
body { font-family: system-ui, sans-serif; margin: 16px; color: #222; }
h1 { font-size: 20px; margin: 0 0 4px 0; } .sub { color: #555; margin: 0 0 10px 0; font-size: 13px; }
main { display: flex; gap: 18px; align-items: flex-start; }
#controls { width: 360px; flex: none; font-size: 13px; max-height: 1100px; overflow-y: auto; }
.slider { margin: 0 0 12px 0; } .slider label { display: block; font-weight: 600; }
.desc { color: #666; font-size: 11px; }
.track { position: relative; height: 24px; }
.track input { -webkit-appearance: none; appearance: none; width: 100%; margin: 12px 0 0 0; padding: 0;
  height: 4px; background: #ccc; border-radius: 2px; }
.track input::-webkit-slider-thumb { -webkit-appearance: none; width: 14px; height: 14px; border-radius: 50%;
  background: #1f5fa8; border: none; }
.track input::-moz-range-thumb { width: 14px; height: 14px; border-radius: 50%; background: #1f5fa8; border: none; }
.mark { position: absolute; top: 0; transform: translateX(-50%); color: #c0392b; font-size: 11px; line-height: 11px; }
.note { color: #555; font-size: 11px; } output { font-family: monospace; } .num { width: 90px; }
#stable { font-size: 15px; font-weight: 600; margin: 4px 0; }
.small { color: #555; font-size: 12px; max-width: 1080px; }
table { border-collapse: collapse; font-size: 12px; margin: 8px 0; } td, th { border-bottom: 1px solid #ddd;
  padding: 2px 8px; text-align: left; }
"""

LOADER = """
(function () {
  const packed = document.getElementById("plotly-gz").textContent;
  const bytes = Uint8Array.from(atob(packed), function (c) { return c.charCodeAt(0); });
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  new Response(stream).text().then(function (code) {
    const s = document.createElement("script"); s.text = code; document.head.appendChild(s);
    evogameStart();
  });
})();
"""


@functools.lru_cache(maxsize=1)
def packed_plotly() -> str:
    """The installed plotly.js, gzipped and base64-encoded (once per process)."""
    from plotly.offline import get_plotlyjs
    return base64.b64encode(gzip.compress(get_plotlyjs().encode("utf-8"), 6, mtime=0)).decode("ascii")


def face_panels(scenario, lang: str = "en") -> tuple[list, dict]:
    """The cube's faces (which population is fixed at which share, the two others drawn) and six small square
    panels under the cube, one per face, its two other shares as axes (named in the title)."""
    pops = scenario.game.populations
    faces, axes, notes = [], {}, []
    for i, (k, side) in enumerate(FACES):
        other = [j for j in range(3) if j != k]
        faces.append({"k": k, "side": side, "other": other})
        x0, x1 = i / 6 + 0.02, (i + 1) / 6 - 0.02
        axes[f"xaxis{i + 2}"] = {"domain": [x0, x1], "range": [-0.05, 1.05], "anchor": f"y{i + 2}",
                                 "tickvals": [0, 1], "showgrid": False}
        axes[f"yaxis{i + 2}"] = {"domain": [0.0, 0.17], "range": [-0.05, 1.05], "anchor": f"x{i + 2}",
                                 "tickvals": [0, 1], "showgrid": False, "scaleanchor": f"x{i + 2}", "scaleratio": 1}
        # the short names (the panels are narrow); the Chinese labels under zh
        name = [p.label_zh if lang == "zh" and p.label_zh else p.name for p in pops]
        title = f"{name[k]} = {side:g}<br>" + "<br>".join(f"{a}: {name[j]}" for a, j in zip("xy", other))
        notes.append({"text": title, "xref": f"x{i + 2} domain", "yref": f"y{i + 2} domain", "x": 0.5, "y": 1.04,
                      "yanchor": "bottom", "showarrow": False, "font": {"size": 9}})
    return faces, {**axes, "annotations": notes}


def frame_traces(kind: str) -> list:
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


def layout(scenario, kind: str, lang: str, words: dict) -> dict:
    """The portrait's plotly layout in the game's geometry."""
    base = {"width": 720, "height": 660, "plot_bgcolor": "white", "hovermode": "closest", "uirevision": "keep",
            "margin": {"l": 60, "r": 20, "t": 30, "b": 60}, "legend": {"orientation": "h", "y": -0.12}}
    if kind == "cube":
        axis = [dict(title={"text": axis_title(scenario, k, lang, short=True)}, range=[-0.02, 1.02]) for k in range(3)]
        # the legend under the faces: at the top it covered plotly's toolbar
        return {**base, "height": 860, "margin": {"l": 30, "r": 20, "t": 40, "b": 90},
                "scene": {"xaxis": axis[0], "yaxis": axis[1], "zaxis": axis[2], "aspectmode": "cube",
                          "domain": {"x": [0, 1], "y": [0.27, 1]}, "camera": {"eye": {"x": 1.6, "y": -1.6, "z": 1.1}}},
                "legend": {"orientation": "h", "y": -0.03, "yanchor": "top", "x": 0}, **face_panels(scenario, lang)[1]}
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


def face_grid() -> list:
    """The two other shares of the field's arrows in each face of the cube."""
    return face_states(0, 0.0)[:, 1:].tolist()


def page_html(data: dict, model_js: str, numerics: str, script: str, *, title: str, subtitle: str,
              words: dict) -> str:
    """The page: styles, packed plotly.js, the controls, the portrait, the table, the data and the scripts."""
    blob = json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False).replace("</", "<\\/")
    paths = words["paths"] if data["starts"] else words["no_paths"]
    clear = f' <button id="clear">{html.escape(words["clear"])}</button>' if data["starts"] else ""
    stated = [f"{s['name']} {s['range_note']} = [{s['lo']:g}, {s['hi']:g}]" for s in data["sliders"] if s["range_note"]]
    ranges = f'<p class="small">{html.escape(words["stated_range"] + "; ".join(stated))}</p>' if stated else ""
    code = (f"function evogameStart() {{\n{numerics}\nconst EVOGAME_MODEL = {model_js};\n{script}\n}}\n"
            .replace("</", "<\\/"))
    return (f'<!DOCTYPE html>\n<html lang="{data["lang"]}"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>\n<body>"
            f"<h1>{html.escape(title)}</h1><p class=\"sub\">{html.escape(subtitle)}</p><main>"
            f'<div id="controls"><label>{html.escape(words["preset"])} <select id="preset"></select></label>'
            f'<div id="sliders"></div></div>'
            f'<div><p id="stable"></p><div id="portrait"></div>'
            f'<p class="small">{html.escape(paths)}{clear}</p><table id="table"></table></div></main>'
            f'{ranges}<p class="small">{html.escape(words["computes"])}</p>\n'
            f'<script type="application/json" id="evogame-data">{blob}</script>\n'
            f'<script type="application/octet-stream" id="plotly-gz">{packed_plotly()}</script>\n'
            f"<script>{code}</script>\n<script>{LOADER}</script></body></html>\n")
