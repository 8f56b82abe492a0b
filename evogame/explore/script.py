"""The page's controller (JavaScript): sliders, the rest points and their table, thresholds, field, paths.

It reads the page's data (``#evogame-data``), the model (``EVOGAME_MODEL``, printed by :mod:`.model`) and the
numerics (``NUM``, :mod:`.solver_js`), computes on every move of any slider and draws with plotly.  A test
(or a user's console) drives it through ``window.evogame``: ``set({name: value})``, ``preset(i)``,
``result()``, ``path(start)``.
"""
from __future__ import annotations

__all__ = ["SCRIPT"]

SCRIPT = r"""
(function () {
  "use strict";
  const D = JSON.parse(document.getElementById("evogame-data").textContent);
  const M = EVOGAME_MODEL, W = D.words, d = D.dim, gd = document.getElementById("portrait");
  const STABLE = "asymptotically stable";
  const state = {preset: 0, p: D.presets[0].p.slice(), picked: D.picked.slice(), points: [], thresholds: {},
                 press: 0, handled: -1, ms: 0, pending: null};
  function fmt(v) { return v === 0 ? "0" : String(Number(v.toPrecision(6))); }
  function fmt4(v) { return v === 0 ? "0" : String(Number(v.toPrecision(4))); }
  function fill(t, o) { return t.replace(/\{(\w+)\}/g, function (_, k) { return o[k]; }); }
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]; }); }
  function shares(z) {
    const out = []; let at = 0;
    D.sizes.forEach(function (n) { const head = z.slice(at, at + n - 1); at += n - 1;
      out.push(head.concat([1 - head.reduce(function (a, b) { return a + b; }, 0)])); });
    return out;
  }
  function label(q) {
    const sh = shares(q.z);
    return "(" + q.support.map(function (S, k) {
      if (S.length === 1) { return D.names[k][S[0]]; }
      return "mixed(" + S.map(function (i) { return D.names[k][i] + " " + fmt4(sh[k][i]); }).join(", ") + ")";
    }).join(", ") + ")";
  }
  function plane(z) {             // reduced state -> drawing coordinates
    if (D.kind === "simplex") { const s = [z[0], z[1], 1 - z[0] - z[1]], V = D.vertices;
      return [s[0] * V[0][0] + s[1] * V[1][0] + s[2] * V[2][0], s[0] * V[0][1] + s[1] * V[1][1] + s[2] * V[2][1]]; }
    return z.slice();
  }
  function evText(ev) {
    const r = function (v) { return Math.abs(v) < 1e-12 ? 0 : v; };   // round-off of an exact zero shown as 0
    return ev.map(function (e) { return Math.abs(e[1]) < 1e-12 ? fmt4(r(e[0])) : fmt4(r(e[0])) + (e[1] >= 0 ? "+" : "") + fmt4(e[1]) + "i"; }).join(", ");
  }
  function className(c) { const k = D.classes.find(function (x) { return x[0] === c; }); return k ? k[1] : String(c); }

  // -- computing ---------------------------------------------------------------------------------------
  function compute() {
    const pts = NUM.restPoints(M, state.p, d);
    pts.forEach(function (q, i) { q.name = "E" + (i + 1); q.label = label(q); });
    state.points = pts;
    const stable = pts.filter(function (q) { return q.cls === STABLE && !q.boundary; });
    const edge = pts.filter(function (q) { return q.boundary; });
    let text = stable.length ? W.stable + stable.map(function (q) { return q.name + " " + q.label; }).join(", ") : W.none;
    if (edge.length) { text += "; " + W.boundary + ": " + edge.map(function (q) { return q.name + " " + q.label; }).join(", "); }
    state.stableText = text;
  }
  function thresholds() {
    const preset = D.presets[state.preset];
    D.sliders.forEach(function (s) {
      if (!D.target) { state.thresholds[s.name] = {status: "none", at: null, note: W.no_target}; return; }
      const b = NUM.boundaries(M, D.target.z, state.p, d, s.index, s.lo, s.hi, 401);
      const strength = s.kind === "mechanism", base = strength ? 0 : preset.p[s.index];
      const pk = NUM.pick(b, base, strength, s.hi), what = strength ? W.strength + " " + s.label : s.name;
      const o = {target: D.target.label, what: what, base: fmt(base), lo: fmt(s.lo), hi: fmt(s.hi), value: pk.at === null ? "" : fmt(pk.at)};
      let note;
      if (pk.status === "threshold") { o.side = strength ? W.exceeds : (pk.at > base ? W.rises : W.falls); note = W.threshold + " = " + fmt(pk.at) + " ▼: " + fill(W.becomes, o); }
      else if (pk.status === "crossing") { o.side = pk.at > base ? W.rises : W.falls; note = W.threshold + " = " + fmt(pk.at) + " ▼: " + fill(W.loses, o); }
      else if (pk.status === "already stable") { note = fill(W.already, o); }
      else { note = fill(W.never, o); }
      state.thresholds[s.name] = {status: pk.status, at: pk.at, note: note + W.others};
    });
  }

  // -- drawing -----------------------------------------------------------------------------------------
  function pointTraces() {
    const traces = [], three = D.kind === "cube";
    const groups = D.classes.map(function (c) { return {cls: c[0], name: c[1], symbol: c[2], pts: []}; });
    groups.push({cls: "boundary", name: W.boundary, symbol: "x-thin-open", pts: []});
    state.points.forEach(function (q) {
      const g = q.boundary ? groups[groups.length - 1] : groups.find(function (x) { return x.cls === q.cls; });
      if (g) { g.pts.push(q); }
    });
    groups.forEach(function (g) {
      const xy = g.pts.map(function (q) { return D.kind === "line" ? [q.z[0], 0] : plane(q.z); });
      const marker = {symbol: g.symbol, size: three ? 7 : 12, color: "black", line: {color: g.cls === "boundary" ? "#d35400" : "black", width: 1.5}};
      if (g.cls === "non-hyperbolic") { marker.gradient = {type: "horizontal", color: "white"}; }
      if (g.cls === "boundary") { marker.color = "#d35400"; }
      const t = {type: three ? "scatter3d" : "scatter", mode: "markers+text", name: g.name, legendgroup: g.cls,
        x: xy.map(function (v) { return v[0]; }), y: xy.map(function (v) { return v[1]; }), marker: marker,
        text: g.pts.map(function (q) { return q.name; }), textposition: "top right", textfont: {size: 11},
        hovertext: g.pts.map(function (q) { return q.name + " " + q.label + "<br>" + W.state + ": (" + q.z.map(fmt4).join(", ") + ")<br>" + W.eigenvalues + ": " + evText(q.ev) + "<br>" + (q.boundary ? W.boundary_class + ": " + q.why.join("; ") : className(q.cls)); }),
        hoverinfo: "text", showlegend: true, visible: g.pts.length ? true : "legendonly"};
      if (three) { t.z = xy.map(function (v) { return v[2]; }); }
      traces.push(t);
    });
    return traces;
  }
  function fieldTraces() {
    const p = state.p, F = D.fieldAt.map(function (z) { return M.field(z, p); });
    const speed = F.map(function (f) { return Math.sqrt(f.reduce(function (a, b) { return a + b * b; }, 0)); });
    const bar = {title: {text: W.speed}, len: 0.45, thickness: 12, y: 0.75};
    if (D.kind === "line") {
      return [{type: "scatter", mode: "lines+markers", x: D.fieldAt.map(function (z) { return z[0]; }), y: F.map(function (f) { return f[0]; }),
        line: {color: "#888", width: 1}, marker: {size: 5, color: speed, colorscale: "Viridis", colorbar: bar}, name: W.rate, hoverinfo: "skip", showlegend: false}];
    }
    if (D.kind === "cube") {
      return [{type: "cone", x: D.fieldAt.map(function (z) { return z[0]; }), y: D.fieldAt.map(function (z) { return z[1]; }),
        z: D.fieldAt.map(function (z) { return z[2]; }), u: F.map(function (f) { return f[0]; }), v: F.map(function (f) { return f[1]; }),
        w: F.map(function (f) { return f[2]; }), colorscale: "Viridis", sizemode: "scaled", sizeref: 0.6, anchor: "tail",
        colorbar: bar, hoverinfo: "skip", name: W.speed, showlegend: false}].concat(faceTraces());
    }
    const angle = F.map(function (f, i) { const a = plane(D.fieldAt[i].map(function (v, k) { return v + 1e-3 * f[k] / (speed[i] || 1); })), b = plane(D.fieldAt[i]);
      return 180 / Math.PI * Math.atan2(a[0] - b[0], a[1] - b[1]); });
    const at = D.fieldAt.map(plane);
    return [{type: "scatter", mode: "markers", x: at.map(function (v) { return v[0]; }), y: at.map(function (v) { return v[1]; }),
      marker: {symbol: "arrow", size: 11, angle: angle, color: speed, colorscale: "Viridis", colorbar: bar, line: {width: 0}},
      hoverinfo: "skip", name: W.speed, showlegend: false}];
  }
  function faceTraces() {          // the cube's six faces, the field in each face's two other shares
    return D.faces.map(function (face, i) {
      const zs = D.faceAt.map(function (uv) { const z = uv.slice(); z.splice(face.k, 0, face.side); return z; });
      const F = zs.map(function (z) { return M.field(z, state.p); });
      const speed = F.map(function (f) { return Math.hypot(f[face.other[0]], f[face.other[1]]); });
      return {type: "scatter", mode: "markers", xaxis: "x" + (i + 2), yaxis: "y" + (i + 2), hoverinfo: "skip", showlegend: false,
        x: D.faceAt.map(function (v) { return v[0]; }), y: D.faceAt.map(function (v) { return v[1]; }),
        marker: {symbol: "arrow", size: 8, color: speed, colorscale: "Viridis", line: {width: 0},
                 angle: F.map(function (f) { return 180 / Math.PI * Math.atan2(f[face.other[0]], f[face.other[1]]); })}};
    });
  }
  function pathTraces() {
    if (!D.starts.length) { return []; }
    const xs = [], ys = [], zs = [];
    state.picked.forEach(function (k) {
      NUM.path(M.field, state.p, D.starts[k], D.tEnd, 101).forEach(function (z) { const v = plane(z); xs.push(v[0]); ys.push(v[1]); zs.push(v[2]); });
      xs.push(null); ys.push(null); zs.push(null);
    });
    const three = D.kind === "cube", at = D.starts.map(plane);
    const starts = {type: three ? "scatter3d" : "scatter", mode: "markers", meta: "starts", name: W.starts,
      x: at.map(function (v) { return v[0]; }), y: at.map(function (v) { return v[1]; }),
      marker: {size: three ? 4 : 8, color: "#aaa", opacity: 0.8}, hoverinfo: "none"};
    const paths = {type: three ? "scatter3d" : "scatter", mode: "lines", name: W.path, x: xs, y: ys, line: {color: "#1f5fa8", width: 2}, hoverinfo: "skip"};
    if (three) { starts.z = at.map(function (v) { return v[2]; }); paths.z = zs; }
    return [starts, paths];
  }
  function table() {
    const rows = state.points.map(function (q) {
      return "<tr><td>" + q.name + "</td><td>" + esc(q.label) + "</td><td>" + shares(q.z).map(function (s) { return "(" + s.map(fmt4).join(", ") + ")"; }).join(" ") +
        "</td><td>" + evText(q.ev) + "</td><td>" + esc(q.boundary ? W.boundary_class : className(q.cls)) + "</td></tr>"; });
    document.getElementById("table").innerHTML = "<tr><th></th><th>" + W.point + "</th><th>" + W.state + "</th><th>" + W.eigenvalues +
      "</th><th>" + W.class + "</th></tr>" + rows.join("");
  }
  function marks() {
    D.sliders.forEach(function (s) {
      const t = state.thresholds[s.name], mark = document.getElementById("mark-" + s.name);
      document.getElementById("threshold-" + s.name).textContent = t.note;
      if (t.at === null) { mark.style.display = "none"; return; }
      const f = (t.at - s.lo) / (s.hi - s.lo);       // the thumb's centre at f: 7 px + f (width - 14 px)
      mark.style.display = ""; mark.style.left = "calc(7px + " + f + " * (100% - 14px))"; mark.title = t.note;
    });
  }
  function draw() {
    const t0 = performance.now();
    compute(); state.msCompute = performance.now() - t0;
    document.getElementById("stable").textContent = state.stableText;
    table();
    const traces = D.frame.concat(fieldTraces(), pathTraces(), pointTraces());
    // the portrait first (the slider-to-redraw time), then every slider's threshold at the new values
    return Plotly.react(gd, traces, D.layout, D.config).then(function () {
      state.ms = performance.now() - t0; thresholds(); marks(); state.msThresholds = performance.now() - t0 - state.ms; });
  }
  function redraw() {               // coalesce moves that come faster than drawing
    if (!state.pending) { state.pending = new Promise(function (r) { requestAnimationFrame(function () { state.pending = null; draw().then(r); }); }); }
    return state.pending;
  }

  // -- controls ----------------------------------------------------------------------------------------
  function show(s) {
    const v = state.p[s.index];
    document.getElementById("value-" + s.name).textContent = s.quantity + " = " + fmt(v);
    const box = document.getElementById("number-" + s.name); if (box.value === "" || Number(box.value) !== v) { box.value = fmt(v); }
    const input = document.getElementById("slider-" + s.name); if (Number(input.value) !== v) { input.value = v; }
  }
  function setValue(s, v) {
    if (!isFinite(v)) { return; }
    v = Math.min(s.hi, Math.max(s.lo, s.integer ? Math.round(v) : v));
    state.p[s.index] = v; show(s);
  }
  function buildSliders() {
    const box = document.getElementById("sliders"); box.innerHTML = "";
    if (!D.sliders.length) { box.textContent = W.no_sliders; }
    D.sliders.forEach(function (s) {
      const div = document.createElement("div"); div.className = "slider";
      div.innerHTML = '<label title="' + esc(s.description) + '">' + esc(s.label) + '</label>' +
        (s.description ? '<div class="desc">' + esc(s.description) + '</div>' : '') +
        '<div class="track"><input type="range" id="slider-' + esc(s.name) + '" min="' + s.lo + '" max="' + s.hi + '" step="' + s.step +
        '"><span class="mark" id="mark-' + esc(s.name) + '">\u25bc</span></div>' +
        '<output id="value-' + esc(s.name) + '"></output> <input type="number" class="num" step="any" id="number-' + esc(s.name) + '" min="' + s.lo + '" max="' + s.hi + '">' +
        (s.range_note ? ' <span class="desc">' + esc(s.range_note) + '</span>' : '') + '<div class="note" id="threshold-' + esc(s.name) + '"></div>';
      box.appendChild(div);
      div.querySelector("input[type=range]").addEventListener("input", function (e) { setValue(s, Number(e.target.value)); redraw(); });
      div.querySelector("input[type=number]").addEventListener("change", function (e) { setValue(s, Number(e.target.value)); redraw(); });
      show(s);
    });
  }
  function choosePreset(i) { state.preset = i; state.p = D.presets[i].p.slice(); D.sliders.forEach(show); return redraw(); }
  const select = document.getElementById("preset");
  D.presets.forEach(function (p, i) { const o = document.createElement("option"); o.value = i; o.textContent = p.label; select.appendChild(o); });
  select.parentElement.style.display = D.presets.length > 1 ? "" : "none";
  select.addEventListener("change", function () { choosePreset(Number(select.value)); });
  const clear = document.getElementById("clear");
  if (clear) { clear.addEventListener("click", function () { state.picked = []; redraw(); }); }
  buildSliders();
  window.evogame = {
    set: function (values) { Object.keys(values).forEach(function (n) { const s = D.sliders.find(function (x) { return x.name === n; });
      if (!s) { throw new Error("no slider " + n); } setValue(s, Number(values[n])); }); return redraw(); },
    preset: function (i) { select.value = i; return choosePreset(i); },
    result: function () { return {stable: state.stableText, ms: state.ms, msCompute: state.msCompute, msThresholds: state.msThresholds, p: state.p.slice(), thresholds: state.thresholds,
      points: state.points.map(function (q) { return {name: q.name, label: q.label, z: q.z, ev: q.ev, cls: q.cls, boundary: q.boundary, why: q.why}; })}; },
    path: function (start, n) { return NUM.path(M.field, state.p, start, D.tEnd, n || 201); },
    parameters: D.parameters
  };
  draw().then(function () {
    // plotly fires plotly_click again on every redraw while the button is held (the cube): one click per press
    gd.addEventListener("mousedown", function () { state.press++; }, true);
    gd.addEventListener("touchstart", function () { state.press++; }, true);
    gd.on("plotly_click", function (ev) {
      if (state.handled === state.press) { return; }
      state.handled = state.press;
      const pt = ev.points && ev.points[0];
      if (!pt || pt.data.meta !== "starts") { return; }
      const k = pt.pointNumber, at = state.picked.indexOf(k);
      if (at >= 0) { state.picked.splice(at, 1); } else { state.picked.push(k); }
      setTimeout(redraw, 0);          // never redraw inside plotly's own event
    });
    document.body.dataset.ready = "yes";
  });
})();
"""
