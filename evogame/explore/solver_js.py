"""The page's numerics (JavaScript): eigenvalues, polynomial roots, Newton, the rest points, the classification
rule, Dormand-Prince 5(4) paths and the threshold bisection.  Generic: the game enters only through the model
printed by :mod:`.model` (``M.field``, ``M.jacobian``, ``M.faces``).

Tolerances (stated on the page):

* classification: evogame's one rule (:func:`evogame.solvers.stability.tolerance`): ``|Re lambda| <= 1e-9 max(1,
  max|J_ij|)`` counts as zero;
* on the boundary: a rest point with an eigenvalue's real part within ``BAND max(1, max|J_ij|)`` of zero but
  above round-off (``ZERO max(1, max|J_ij|)``: an exact zero such as a centre's is classified by the rule), or
  a share within ``BAND`` of zero (a point about to leave its face), or on a face whose equations are
  singular there (not isolated): the page says "on the boundary" instead of a class it could get wrong;
* paths: Dormand-Prince 5(4) with ``rtol 1e-8``, ``atol 1e-10`` (as :func:`evogame.simulate`).
"""
from __future__ import annotations

__all__ = ["NUMERICS", "BAND", "RTOL", "ZERO"]

BAND = 1e-7
RTOL = 1e-9
#: a real part below ZERO x max(1, max|J|) is round-off of an exact zero (a centre's): not "on the boundary"
ZERO = 1e-12

NUMERICS = r"""
const NUM = (function () {
  "use strict";
  const RTOL = %(rtol)s, BAND = %(band)s, ZERO = %(zero)s, POSITIVE = 1e-12;
  function maxAbs(a) { let m = 0; for (let i = 0; i < a.length; i++) { const x = Math.abs(a[i]); if (x > m || x !== x) { m = x; } } return m; }

  // -- polynomials (coefficients highest first) and eigenvalues ------------------------------------------
  function horner(c, x) { let v = 0; for (let i = 0; i < c.length; i++) { v = v * x + c[i]; } return v; }
  function trim(c) {
    const s = maxAbs(c); let k = 0;
    while (k < c.length - 1 && Math.abs(c[k]) <= 1e-14 * s) { k++; }
    return c.slice(k);
  }
  function quadratic(a, b, c) {
    const disc = b * b - 4 * a * c;
    if (disc >= 0) {
      const q = -0.5 * (b + (b >= 0 ? 1 : -1) * Math.sqrt(disc));
      if (q === 0) { return [[0, 0], [0, 0]]; }
      return [[q / a, 0], [c / q, 0]];
    }
    const re = -b / (2 * a), im = Math.sqrt(-disc) / (2 * Math.abs(a));
    return [[re, im], [re, -im]];
  }
  function realRootOfOdd(c) {       // a real root of an odd-degree polynomial: bisection, then Newton
    const m = c.map(function (v) { return v / c[0]; });
    let R = 1; for (let i = 1; i < m.length; i++) { R = Math.max(R, 1 + Math.abs(m[i])); }
    let lo = -R, hi = R;
    for (let it = 0; it < 200 && hi - lo > 0; it++) {
      const mid = 0.5 * (lo + hi);
      if (mid <= lo || mid >= hi) { break; }
      if (horner(m, mid) < 0) { lo = mid; } else { hi = mid; }
    }
    return 0.5 * (lo + hi);
  }
  function deflate(c, r) { const out = [c[0]]; for (let i = 1; i < c.length - 1; i++) { out.push(c[i] + r * out[i - 1]); } return out; }
  function roots(coeffs) {           // every complex root [re, im]
    const c = trim(coeffs), n = c.length - 1;
    if (n <= 0) { return []; }
    if (n === 1) { return [[-c[1] / c[0], 0]]; }
    if (n === 2) { return quadratic(c[0], c[1], c[2]); }
    if (n === 3) { const r = realRootOfOdd(c); return [[r, 0]].concat(roots(deflate(c, r))); }
    // Durand-Kerner (Weierstrass) for higher degrees
    const m = c.map(function (v) { return v / c[0]; });
    let z = []; for (let k = 0; k < n; k++) { z.push([Math.cos(0.4 + 2 * Math.PI * k / n) * 0.9, Math.sin(0.4 + 2 * Math.PI * k / n) * 0.9]); }
    const R = 1 + maxAbs(m.slice(1)); z = z.map(function (w) { return [w[0] * R, w[1] * R]; });
    for (let it = 0; it < 800; it++) {
      let moved = 0;
      for (let k = 0; k < n; k++) {
        let pr = 1, pi = 0;                       // p(z_k)
        for (let i = 0; i <= n; i++) { if (i === 0) { pr = 1; pi = 0; } else { const r = pr * z[k][0] - pi * z[k][1] + m[i]; pi = pr * z[k][1] + pi * z[k][0]; pr = r; } }
        let dr = 1, di = 0;                       // prod (z_k - z_j)
        for (let j = 0; j < n; j++) { if (j !== k) { const a = z[k][0] - z[j][0], b = z[k][1] - z[j][1]; const r = dr * a - di * b; di = dr * b + di * a; dr = r; } }
        const den = dr * dr + di * di; if (den === 0) { continue; }
        const qr = (pr * dr + pi * di) / den, qi = (pi * dr - pr * di) / den;
        z[k] = [z[k][0] - qr, z[k][1] - qi]; moved = Math.max(moved, Math.abs(qr) + Math.abs(qi));
      }
      if (moved < 1e-15 * R) { break; }
    }
    return z;
  }
  function charpoly(J, d) {          // Faddeev-LeVerrier: det(lambda I - J), highest first
    let M = new Array(d * d).fill(0); const c = [1];
    for (let k = 1; k <= d; k++) {
      const N = new Array(d * d).fill(0);
      for (let i = 0; i < d; i++) { for (let j = 0; j < d; j++) { let s = i === j ? c[k - 1] : 0; for (let l = 0; l < d; l++) { s += J[i * d + l] * M[l * d + j]; } N[i * d + j] = s; } }
      M = N; let tr = 0;
      for (let i = 0; i < d; i++) { for (let l = 0; l < d; l++) { tr += J[i * d + l] * M[l * d + i]; } }
      c.push(-tr / k);
    }
    return c;
  }
  function eig(J, d) {               // eigenvalues with multiplicity, sorted by real then imaginary part
    if (d === 0) { return []; }
    let upper = true, lower = true;
    for (let i = 0; i < d; i++) { for (let j = 0; j < d; j++) { if (i > j && J[i * d + j] !== 0) { upper = false; } if (i < j && J[i * d + j] !== 0) { lower = false; } } }
    let ev;
    if (upper || lower) { ev = []; for (let i = 0; i < d; i++) { ev.push([J[i * d + i], 0]); } } else { ev = roots(charpoly(J, d)); }
    return ev.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
  }
  const CLASSES = ["asymptotically stable", "unstable source", "saddle", "non-hyperbolic", "not differentiable",
                   "unstable (non-hyperbolic)"];
  function classify(ev, J) {         // evogame's rule; boundary: a real part within BAND of zero
    const scale = Math.max(1, maxAbs(J)), tol = RTOL * scale;
    const re = ev.map(function (e) { return e[0]; });
    if (re.some(function (r) { return !isFinite(r); })) { return {cls: null, boundary: true, tol: tol}; }
    if (!re.length) { return {cls: CLASSES[3], boundary: false, tol: tol}; }
    const zero = re.some(function (r) { return Math.abs(r) <= tol; }), growing = re.some(function (r) { return r > tol; });
    let cls;
    if (zero) { cls = growing ? CLASSES[5] : CLASSES[3]; }
    else if (re.every(function (r) { return r < 0; })) { cls = CLASSES[0]; }
    else if (re.every(function (r) { return r > 0; })) { cls = CLASSES[1]; }
    else { cls = CLASSES[2]; }
    // a real part at round-off level is zero (a centre's), decided alike by the engine's exact arithmetic; one
    // between round-off and BAND is where float64 and exact arithmetic could classify differently
    return {cls: cls, tol: tol, boundary: re.some(function (r) { const a = Math.abs(r); return a > ZERO * scale && a <= BAND * scale; })};
  }

  // -- Newton on a face's equations -------------------------------------------------------------------
  function solveLinear(A, b, n) {    // Gaussian elimination with partial pivoting; null when singular
    A = A.slice(); b = b.slice(); const s = Math.max(maxAbs(A), 1e-300);
    for (let k = 0; k < n; k++) {
      let piv = k; for (let i = k + 1; i < n; i++) { if (Math.abs(A[i * n + k]) > Math.abs(A[piv * n + k])) { piv = i; } }
      if (!(Math.abs(A[piv * n + k]) > 1e-13 * s)) { return null; }
      if (piv !== k) { for (let j = 0; j < n; j++) { const t = A[k * n + j]; A[k * n + j] = A[piv * n + j]; A[piv * n + j] = t; } const t = b[k]; b[k] = b[piv]; b[piv] = t; }
      for (let i = k + 1; i < n; i++) { const f = A[i * n + k] / A[k * n + k]; for (let j = k; j < n; j++) { A[i * n + j] -= f * A[k * n + j]; } b[i] -= f * b[k]; }
    }
    const x = new Array(n).fill(0);
    for (let i = n - 1; i >= 0; i--) { let s2 = b[i]; for (let j = i + 1; j < n; j++) { s2 -= A[i * n + j] * x[j]; } x[i] = s2 / A[i * n + i]; }
    return x;
  }
  function fdJacobian(eqs, u, p, n) {
    const J = new Array(n * n);
    for (let j = 0; j < n; j++) {
      const h = 1e-6 * (1 + Math.abs(u[j])), a = u.slice(), b = u.slice(); a[j] += h; b[j] -= h;
      const fa = eqs(a, p), fb = eqs(b, p);
      for (let i = 0; i < n; i++) { J[i * n + j] = (fa[i] - fb[i]) / (2 * h); }
    }
    return J;
  }
  function newton(eqs, p, u0, n, scale, iterations) {
    let u = u0.slice(), F = eqs(u, p), r = maxAbs(F);
    for (let it = 0; it < (iterations || 60) && r > 0; it++) {
      if (!isFinite(r) || maxAbs(u) > 1e3) { return null; }
      const step = solveLinear(fdJacobian(eqs, u, p, n), F.map(function (v) { return -v; }), n);
      if (!step) { return null; }
      let t = 1, un = u, Fn = F, rn = r;
      for (let b = 0; b < 20; b++) {
        un = u.map(function (v, i) { return v + t * step[i]; }); Fn = eqs(un, p); rn = maxAbs(Fn);
        if (rn < r || rn <= 1e-15 * scale) { break; }
        t *= 0.5;
      }
      const small = maxAbs(step) * t <= 1e-15 * (1 + maxAbs(u));
      u = un; F = Fn; r = rn;
      if (small) { break; }
    }
    return r <= 1e-10 * scale ? u : null;
  }
  function singular(eqs, u, p, n) {  // the face's equations do not determine the point (a continuum there)
    const J = fdJacobian(eqs, u, p, n), b = new Array(n).fill(1);
    return solveLinear(J, b, n) === null;
  }

  // -- rest points ------------------------------------------------------------------------------------
  const memory = {};                 // face index -> the points found at the previous values (continuation)
  function candidates(face, k, p, scale) {
    const out = [];
    if (face.kind === "corner") { return [[]]; }
    if (face.kind === "polynomial") {
      roots(face.coeffs(p)).forEach(function (r) {
        if (Math.abs(r[1]) <= 1e-7 * Math.max(1, Math.abs(r[0]))) { out.push([r[0]]); }
      });
      if (trim(face.coeffs(p)).length === 1 && face.coeffs(p).every(function (c) { return Math.abs(c) <= 1e-12 * scale; })) {
        return [];                  // the polynomial vanishes: a continuum of rest points, none isolated
      }
    } else if (face.kind === "closed") {
      const flat = face.closed(p);
      for (let i = 0; i + face.n <= flat.length; i += face.n) { out.push(flat.slice(i, i + face.n)); }
    }
    if (face.kind === "newton") {
      (memory[k] || []).concat(face.starts).forEach(function (u0) { out.push(u0); });
    }
    return out;
  }
  function restPoints(M, p, d) {
    const found = [];
    M.faces.forEach(function (face, k) {
      const scale = face.n ? Math.max(1, maxAbs(face.eqs(face.starts[0] || new Array(face.n).fill(0.5), p))) : 1;
      const mine = [];
      candidates(face, k, p, scale).forEach(function (u0) {
        if (!u0.every(isFinite)) { return; }
        let u = u0;
        if (face.n) {
          const polished = newton(face.eqs, p, u0, face.n, scale, face.kind === "newton" ? 60 : 8);
          if (polished) { u = polished; } else if (face.kind === "newton" || maxAbs(face.eqs(u0, p)) > 1e-8 * scale) { return; }
        }
        const shares = face.shares(u, p);
        if (!shares.every(function (s) { return s > POSITIVE; })) { return; }
        if (mine.some(function (v) { return maxAbs(v.u.map(function (x, i) { return x - u[i]; })) <= 1e-8; })) { return; }
        const why = [];
        if (shares.some(function (s) { return s <= BAND; })) { why.push("a share within " + BAND + " of 0"); }
        if (face.n && singular(face.eqs, u, p, face.n)) { why.push("not isolated on its face"); }
        mine.push({u: u, why: why});
      });
      memory[k] = mine.map(function (m) { return m.u; });
      mine.forEach(function (m) {
        const z = face.state(m.u, p), J = M.jacobian(z, p), ev = eig(J, d), c = classify(ev, J);
        if (c.boundary) { m.why.push("an eigenvalue's real part within " + BAND + " x max(1, max|J|) of 0"); }
        found.push({support: face.support, z: z, ev: ev, cls: c.cls, tol: c.tol, boundary: m.why.length > 0, why: m.why});
      });
    });
    return found.sort(order);
  }
  function cmp(a, b) {               // Python's comparison of nested tuples
    if (Array.isArray(a)) {
      for (let i = 0; i < Math.min(a.length, b.length); i++) { const c = cmp(a[i], b[i]); if (c) { return c; } }
      return a.length - b.length;
    }
    return a < b ? -1 : a > b ? 1 : 0;
  }
  function order(a, b) {             // analyze's E order: corners first, then by face, then by state
    const size = function (s) { return s.reduce(function (t, S) { return t + S.length; }, 0); };
    return size(a.support) - size(b.support) || cmp(a.support, b.support) ||
      cmp(a.z.map(function (v) { return Math.round(v * 1e12); }), b.z.map(function (v) { return Math.round(v * 1e12); }));
  }

  // -- paths: Dormand-Prince 5(4) ------------------------------------------------------------------------
  const A = [[], [1 / 5], [3 / 40, 9 / 40], [44 / 45, -56 / 15, 32 / 9],
             [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
             [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
             [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84]];
  const C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1];
  const E = [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40];
  function path(f, p, z0, tEnd, nOut, rtol, atol) {
    rtol = rtol || 1e-8; atol = atol || 1e-10;
    const d = z0.length, out = [z0.slice()];
    let z = z0.slice(), t = 0, h = Math.min(1e-2, tEnd / 100), k1 = f(z, p);
    for (let j = 1; j < nOut; j++) {
      const tOut = tEnd * j / (nOut - 1);
      let guard = 0;
      while (t < tOut - 1e-14 * tEnd && guard++ < 100000) {
        const hh = Math.min(h, tOut - t), K = [k1];
        for (let s = 1; s < 7; s++) {
          const y = z.slice();
          for (let i = 0; i < d; i++) { let acc = 0; for (let r = 0; r < s; r++) { acc += A[s][r] * K[r][i]; } y[i] += hh * acc; }
          K.push(f(y, p));
        }
        const y5 = z.slice(); let err = 0;
        for (let i = 0; i < d; i++) {
          let acc = 0, e = 0; for (let r = 0; r < 7; r++) { if (r < 6) { acc += A[6][r] * K[r][i]; } e += E[r] * K[r][i]; }
          y5[i] = z[i] + hh * acc;
          const sc = atol + rtol * Math.max(Math.abs(z[i]), Math.abs(y5[i])); err += Math.pow(hh * e / sc, 2);
        }
        err = Math.sqrt(err / d);
        if (err <= 1 || hh < 1e-12) { t += hh; z = y5; k1 = K[6]; }
        h = hh * Math.min(5, Math.max(0.2, 0.9 * Math.pow(Math.max(err, 1e-10), -0.2)));
      }
      out.push(z.slice());
    }
    return out;
  }

  // -- thresholds: the target's stability along one slider, bisected (the engine's rule) ----------------
  function stableAt(M, zTarget, p, d) {
    const J = M.jacobian(zTarget, p);
    if (!J.every(isFinite)) { return false; }
    return eig(J, d).every(function (e) { return e[0] < 0; });
  }
  function boundaries(M, zTarget, p, d, index, lo, hi, grid) {
    const q = p.slice(), at = function (v) { q[index] = v; return stableAt(M, zTarget, q, d); };
    const out = []; let prev = at(lo), a0 = lo;
    for (let i = 1; i < grid; i++) {
      const v = lo + (hi - lo) * i / (grid - 1), s = at(v);
      if (s !== prev) {
        let a = a0, b = v;
        while (b - a > 1e-10) { const m = 0.5 * (a + b); if (m <= a || m >= b) { break; } if (at(m) === prev) { a = m; } else { b = m; } }
        out.push({at: 0.5 * (a + b), stable: s});
      }
      prev = s; a0 = v;
    }
    return {list: out, stableAt: at};
  }
  function pick(b, base, strength, hi) { // the engine's pick: a strength's first switch up, a parameter's nearest
    const stableBase = b.stableAt(base);
    if (!b.list.length) { return {status: stableBase ? "already stable" : "never stable", at: null}; }
    if (strength) {
      if (stableBase) { return {status: "already stable", at: null}; }
      const ups = b.list.filter(function (x, i) {
        const end = i + 1 < b.list.length ? b.list[i + 1].at : hi; return x.at >= base && b.stableAt(x.at + 0.5 * (end - x.at)); });
      return ups.length ? {status: "threshold", at: ups[0].at} : {status: "never stable", at: null};
    }
    const near = b.list.slice().sort(function (x, y) { return Math.abs(x.at - base) - Math.abs(y.at - base) || x.at - y.at; })[0];
    return {status: stableBase ? "crossing" : "threshold", at: near.at};
  }
  return {eig: eig, roots: roots, classify: classify, restPoints: restPoints, path: path, boundaries: boundaries,
          pick: pick, stableAt: stableAt, maxAbs: maxAbs, BAND: BAND, RTOL: RTOL};
})();
""" % {"rtol": repr(RTOL), "band": repr(BAND), "zero": repr(ZERO)}
