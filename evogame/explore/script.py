"""The page's controller: a short script that builds the sliders and hands precomputed traces to Plotly.

It reads the JSON in ``<script id="evogame-data">`` (written by :mod:`evogame.explore.page`), builds one
``<input type="range">`` per slider (with the threshold's ▼ mark), and at every change calls
``Plotly.react`` with the step's field, rest points and the paths of the starts clicked.  It computes no
numbers: every value it draws was computed in Python.
"""

SCRIPT = r"""
(function () {
  "use strict";
  const D = JSON.parse(document.getElementById("evogame-data").textContent);
  const W = D.words, Q = D.quantum, QD = D.directionQuantum, three = D.kind === "cube";
  const gd = document.getElementById("portrait");
  const state = {preset: 0, slider: 0, index: [], picked: D.picked.slice()};

  function preset() { return D.presets[state.preset]; }
  function fmt(v) { return Number(v.toPrecision(4)).toString(); }

  function fieldTraces(step) {
    const at = D.fieldAt, f = step.field;
    if (D.kind === "line") {
      return [{type: "scatter", mode: "lines", x: at.map(p => p[0]), y: f, line: {color: "#8a8a8a", width: 1.5},
               hoverinfo: "skip", showlegend: false, name: "field"}];
    }
    if (three) {
      return [{type: "cone", anchor: "tail", sizemode: "scaled", sizeref: D.arrow, showscale: false,
               colorscale: [[0, "#8c8c8c"], [1, "#8c8c8c"]], hoverinfo: "skip", name: "field",
               x: at.map(p => p[0]), y: at.map(p => p[1]), z: at.map(p => p[2]),
               u: at.map((p, i) => f[3 * i] * QD), v: at.map((p, i) => f[3 * i + 1] * QD),
               w: at.map((p, i) => f[3 * i + 2] * QD)}];
    }
    const ar = arrows(at, f, D.arrow);
    return [{type: "scatter", mode: "lines", x: ar.xs, y: ar.ys, line: {color: "#9a9a9a", width: 1},
             hoverinfo: "skip", showlegend: false, name: "field"}];
  }

  function pointTraces(step) {
    const at = p => p.p || (D.kind === "line" ? [p.s[0], 0] : p.s);    // where the drawing puts a state
    return D.classes.map(function (c) {
      const mine = step.points.filter(p => p.c === c[0]).map(p => Object.assign({p: at(p)}, p));
      const t = {type: three ? "scatter3d" : "scatter", name: c[1], meta: c[0], hoverinfo: "text",
                 x: mine.map(p => p.p[0]), y: mine.map(p => p.p[1]),
                 hovertext: mine.map(p => "<b>" + p.l + "</b><br>" + W.state + " (" + p.s.map(fmt).join(", ") +
                                          ")<br>" + W.eigenvalues + " " + p.e + "<br>" + c[1]),
                 customdata: mine.map(p => [p.l, p.c].concat(p.s))};
      if (three) { t.z = mine.map(p => p.p[2]); }
      if (c[2] === null) {
        t.mode = "text"; t.text = mine.map(() => "\u25d0"); t.textfont = {size: 17, color: "black"};
      } else {
        t.mode = "markers";
        t.marker = {symbol: c[2], size: three ? 6 : 12, color: "black", line: {color: "black", width: 1.5}};
      }
      return t;
    });
  }

  function pathTraces(step) {
    if (!step.paths) { return []; }
    const n = D.starts.length, out = [];
    const starts = {type: three ? "scatter3d" : "scatter", mode: "markers", name: W.starts, meta: "starts",
                    showlegend: false, hoverinfo: "text", hovertext: D.starts.map(s => "(" + s.map(fmt).join(", ") + ")"),
                    x: D.starts.map(s => s[0]), y: D.starts.map(s => s[1]),
                    marker: {size: three ? 3 : 7, color: three ? "rgba(90,90,90,0.6)" : "rgba(120,120,120,0.45)"}};
    if (three) { starts.z = D.starts.map(s => s[2]); }
    const xs = [], ys = [], zs = [], dim = three ? 3 : 2;
    state.picked.forEach(function (k) {
      if (k >= n) { return; }
      const path = step.paths[k];
      for (let j = 0; j < path.length; j += dim) {
        xs.push(path[j] * Q); ys.push(path[j + 1] * Q); if (three) { zs.push(path[j + 2] * Q); }
      }
      xs.push(null); ys.push(null); if (three) { zs.push(null); }
    });
    const lines = {type: three ? "scatter3d" : "scatter", mode: "lines", name: W.path, x: xs, y: ys,
                   hoverinfo: "skip", line: {color: "#1f5fa8", width: three ? 4 : 2}, showlegend: false};
    if (three) { lines.z = zs; }
    out.push(lines, starts);
    return out;
  }

  function arrows(at, f, a) {     // None-separated polylines: a shaft and two head strokes per arrow
    const xs = [], ys = [];
    at.forEach(function (p, i) {
      const u = f[2 * i] * QD * a, v = f[2 * i + 1] * QD * a;
      if (u === 0 && v === 0) { return; }
      const tx = p[0] + u, ty = p[1] + v;
      xs.push(p[0], tx, null); ys.push(p[1], ty, null);
      [2.6, -2.6].forEach(function (g) {
        const c = Math.cos(g), s = Math.sin(g);
        xs.push(tx, tx + 0.4 * (u * c - v * s), null); ys.push(ty, ty + 0.4 * (u * s + v * c), null);
      });
    });
    return {xs: xs, ys: ys};
  }

  function faceTraces(step) {   // the cube's six faces: the field in the face, and the rest points on it
    const out = [];
    D.faces.forEach(function (face, i) {
      const ax = {xaxis: "x" + (i + 2), yaxis: "y" + (i + 2), showlegend: false};
      out.push(Object.assign({type: "scatter", mode: "lines", x: [0, 1, 1, 0, 0], y: [0, 0, 1, 1, 0],
                              line: {color: "black", width: 1}, hoverinfo: "skip"}, ax));
      if (step.faces) {
        const ar = arrows(D.faceAt, step.faces[i], 0.09);
        out.push(Object.assign({type: "scatter", mode: "lines", x: ar.xs, y: ar.ys, hoverinfo: "skip",
                                line: {color: "#9a9a9a", width: 1}}, ax));
      }
      const on = step.points.filter(p => Math.abs(p.s[face.k] - face.side) < 1e-9);
      D.classes.forEach(function (c) {
        const mine = on.filter(p => p.c === c[0]);
        if (!mine.length) { return; }
        const t = Object.assign({type: "scatter", x: mine.map(p => p.s[face.other[0]]),
                                 y: mine.map(p => p.s[face.other[1]]), hoverinfo: "text",
                                 hovertext: mine.map(p => "<b>" + p.l + "</b><br>" + c[1])}, ax);
        if (c[2] === null) {
          Object.assign(t, {mode: "text", text: mine.map(() => "\u25d0"), textfont: {size: 12, color: "black"}});
        } else {
          Object.assign(t, {mode: "markers", marker: {symbol: c[2], size: 7, color: "black",
                                                      line: {color: "black", width: 1.2}}});
        }
        out.push(t);
      });
    });
    return out;
  }

  function draw() {
    const s = preset().sliders[state.slider], step = s.steps[state.index[state.slider]];
    const traces = fieldTraces(step).concat(D.frame, pointTraces(step), pathTraces(step),
                                            three ? faceTraces(step) : []);
    document.getElementById("stable").textContent = step.stable;
    document.getElementById("where").textContent = s.label + ": " + s.quantity + " = " +
      fmt(s.values[state.index[state.slider]]) + W.others;
    return Plotly.react(gd, traces, D.layout, D.config);
  }

  function buildSliders() {
    const box = document.getElementById("sliders");
    box.innerHTML = "";
    state.index = preset().sliders.map(s => s.default);
    preset().sliders.forEach(function (s, k) {
      const div = document.createElement("div");
      div.className = "slider";
      const head = document.createElement("label");
      head.textContent = s.label + (s.kind === "mechanism" ? " (" + s.name + ")" : "");
      head.htmlFor = "slider-" + s.name;
      const track = document.createElement("div");
      track.className = "track";
      const input = document.createElement("input");
      Object.assign(input, {type: "range", id: "slider-" + s.name, min: 0, max: s.values.length - 1, step: 1,
                            value: s.default});
      input.dataset.slider = k;
      track.appendChild(input);
      if (s.threshold !== null) {
        const mark = document.createElement("span");
        mark.className = "mark";
        mark.textContent = "\u25bc";
        mark.title = s.note;
        mark.style.left = (100 * s.thresholdAt) + "%";
        track.appendChild(mark);
      }
      const out = document.createElement("output");
      out.id = "value-" + s.name;
      out.textContent = s.quantity + " = " + fmt(s.values[s.default]);
      const note = document.createElement("div");
      note.className = "note";
      note.id = "threshold-" + s.name;
      note.textContent = s.note;
      div.append(head, track, out, note);
      box.appendChild(div);
      input.addEventListener("input", function () { move(k, Number(input.value)); });
    });
  }

  function move(k, i) {
    const sliders = preset().sliders;
    state.slider = k;
    sliders.forEach(function (s, j) {
      state.index[j] = j === k ? i : s.default;
      const input = document.getElementById("slider-" + s.name);
      if (Number(input.value) !== state.index[j]) { input.value = state.index[j]; }
      document.getElementById("value-" + s.name).textContent = s.quantity + " = " + fmt(s.values[state.index[j]]);
    });
    draw();
  }

  const select = document.getElementById("preset");
  D.presets.forEach(function (p, i) {
    const o = document.createElement("option");
    o.value = i; o.textContent = p.label; select.appendChild(o);
  });
  select.parentElement.style.display = D.presets.length > 1 ? "" : "none";
  select.addEventListener("change", function () {
    state.preset = Number(select.value); state.slider = 0; buildSliders(); draw();
  });
  const clear = document.getElementById("clear");      // no button where there are no paths (the line)
  if (clear) { clear.addEventListener("click", function () { state.picked = []; draw(); }); }
  buildSliders();
  draw().then(function () {
    gd.on("plotly_click", function (ev) {
      const pt = ev.points && ev.points[0];
      if (!pt || pt.data.meta !== "starts") { return; }
      const k = pt.pointNumber, at = state.picked.indexOf(k);
      if (at >= 0) { state.picked.splice(at, 1); } else { state.picked.push(k); }
      draw();
    });
    document.body.dataset.ready = "yes";
  });
})();
"""
