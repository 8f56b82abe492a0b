"""The uncertainty study's model: the parametric engine as a function of the draws, in chunks.

:class:`Model` evaluates the compiled rest points at a sample of draws (one
row per draw) and returns which rest points are asymptotically stable and the
target's stability margin.  The draws are cut into contiguous chunks of at
most ``CHUNK`` rows (memory: rest points x chunk x dimension complex
eigenvalues); with an executor (:mod:`evogame.util.executors`) into at least
:func:`~evogame.util.executors.chunk_count` chunks, evaluated on the workers.

Every draw is evaluated on its own (elementwise arrays, one eigenvalue
problem per draw), so the chunks' values joined in order are the in-process
ones.  Compiled functions do not pickle: a worker rebuilds the engine from its
inputs once per process (:func:`~evogame.util.executors.worker_cached`) and returns
its fingerprint with every chunk (:func:`evogame.studies.chunked.fingerprint`);
a chunk whose worker derived otherwise is evaluated here instead.

Where nothing but the Jacobians decides stability (every rest point solved
symbolically in real terms, a smooth dynamics defined everywhere without a
Nash condition), :class:`LeanPoints` reads it from the points' expressions
compiled for the study -- the fixed strength folded in, the largest real part
without ``eigvals`` where the Jacobian's structure allows -- and gives exactly
the engine's "asymptotically stable" (its tolerance rule) at a fraction of
the cost; otherwise the engine's whole evaluation is used.
"""
from __future__ import annotations

import functools
import math
import weakref
from typing import Callable

import numpy as np
import sympy

from ..solvers import stability as st
from ..dynamics.kinked import nash_holds
from ..util.executors import chunk_count, chunk_slices, map_chunks, token_of, worker_cached
from ..engine.parametric import ABSENT, POSITIVE_TOL, ParametricRestPoints
from .chunked import fingerprint

__all__ = ["Model", "Tally", "CHUNK"]

#: draws evaluated at once: memory is rest points x CHUNK x dimension complex eigenvalues
CHUNK = 50_000
STABLE = st.CLASSES.index(st.ASYMPTOTICALLY_STABLE)


class Tally:
    """Draws evaluated so far against the draws planned, reported as ``progress(done, total)``.

    The total is planned ahead where it is known (the Monte Carlo sample, the
    Sobol design) and grows when an evaluation goes beyond it (the
    threshold's bisection learns its work as it goes).
    """

    def __init__(self, progress: Callable[[int, int], None] | None = None):
        self.progress, self.done, self.total = progress, 0, 0

    def plan(self, n: int) -> None:
        self.total += int(n)

    def expect(self, n: int) -> None:
        """An evaluation of ``n`` draws starts: the total covers it."""
        self.total = max(self.total, self.done + int(n))

    def reach(self, done: int) -> None:
        """``done`` draws are evaluated."""
        self.done = int(done)
        if self.progress:
            self.progress(self.done, self.total)


class Model:
    """The engine as a function of the draws: which rest points are stable, and the target's margin.

    ``spec`` is what rebuilds the engine on a worker (``ParametricRestPoints(*spec)``);
    ``executor`` None evaluates here.
    """

    def __init__(self, engine, target: int, fixed: list[float], *, executor=None, spec: tuple | None = None,
                 tally: Tally | None = None):
        self.engine, self.target, self.fixed = engine, target, fixed
        self.executor, self.spec = executor, spec
        self.token = token_of(*spec) if executor is not None else None
        self.expected = fingerprint(engine) if executor is not None else None
        self.tally = tally or Tally()
        self.seen = np.zeros(len(engine.keys), dtype=bool)   # rest points that exist at some draw

    def evaluate(self, draws: np.ndarray, strength: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(stable (K, n) bool, margin (n,))`` at the draws ``(n, D)`` (strength: per draw, if given)."""
        parts = self._map("evaluate", draws, strength)
        for _, seen, _ in parts:
            self.seen |= seen
        if not parts:
            return np.zeros((len(self.engine.keys), 0), dtype=bool), np.zeros(0)
        return np.concatenate([p[0] for p in parts], axis=1), np.concatenate([p[2] for p in parts])

    def margin(self, draws: np.ndarray) -> np.ndarray:
        """The target's margin alone (from its compiled Jacobian where nothing else decides)."""
        parts = self._map("margin", draws, None)
        return np.concatenate(parts) if parts else np.zeros(0)

    def target_eigenvalues(self, draws: np.ndarray, strength: np.ndarray) -> np.ndarray:
        """``(n, d)`` the target's eigenvalues at the draws and per-draw strengths (NaN where the engine gives
        none: not a rest point, a kink, the dynamics undefined)."""
        parts = self._map("eigenvalues", draws, strength)
        return np.concatenate(parts) if parts else np.zeros((0, self.engine.dimension), complex)

    def _map(self, kind: str, draws: np.ndarray, strength: np.ndarray | None) -> list:
        """The chunks' results in order, evaluated here or on the executor."""
        n = draws.shape[0]
        if n == 0:
            return []
        chunks = math.ceil(n / CHUNK)
        if self.executor is not None:
            chunks = max(chunks, chunk_count(self.executor, n))
        slices = chunk_slices(n, chunks)
        parts = [(draws[s], None if strength is None else strength[s]) for s in slices]
        self.tally.expect(n)
        start = self.tally.done
        progress = lambda done, _: self.tally.reach(start + done)  # noqa: E731
        sizes = [s.stop - s.start for s in slices]
        if self.executor is None:
            return map_chunks(_here, parts, None, args=(self.engine, self.target, self.fixed, kind),
                              progress=progress, sizes=sizes)
        results = map_chunks(_on_worker, parts, self.executor,
                             args=(self.token, self.spec, self.target, self.fixed, kind),
                             progress=progress, sizes=sizes)
        return [value if mark == self.expected else _here(part, self.engine, self.target, self.fixed, kind)
                for (mark, value), part in zip(results, parts)]


def _on_worker(part: tuple, token: str, spec: tuple, target: int, fixed: list, kind: str) -> tuple:
    """On a worker: the engine of ``spec`` (rebuilt once per process), its fingerprint and a chunk's values."""
    engine = worker_cached(token, lambda: ParametricRestPoints(*spec))
    return fingerprint(engine), _here(part, engine, target, fixed, kind)


def _here(part: tuple, engine, target: int, fixed: list, kind: str):
    """One chunk ``(draws, strength or None)``: ``(stable, seen, margin)``, the margin alone or the target's
    eigenvalues."""
    draws, strength = part
    if kind == "margin":
        return _margin(engine, target, fixed, draws)
    if kind == "eigenvalues":
        return _corner_eigenvalues(engine, target, _columns(draws, fixed, strength), draws.shape[0])
    return _evaluate(engine, target, fixed, draws, strength)


def _columns(draws: np.ndarray, fixed: list, strength: np.ndarray | None, scalars: bool = False) -> list:
    """The engine's arguments: the draws' columns, then the fixed strength (a number when ``scalars``:
    the compiled expressions broadcast it, at no cost per draw) or the per-draw strengths."""
    n = draws.shape[0]
    cols = [draws[:, j] for j in range(draws.shape[1])]
    if strength is not None:
        return cols + [strength]
    return cols + [float(v) if scalars else np.full(n, v) for v in fixed]


def _evaluate(engine, target: int, fixed: list, draws: np.ndarray, strength: np.ndarray | None) -> tuple:
    """Which rest points are asymptotically stable ``(K, n)``, which exist somewhere ``(K,)``, the margin ``(n,)``."""
    lean = _lean(engine, target, tuple(fixed) if strength is None else None)
    if lean is not None:
        return lean.evaluate(_columns(draws, [], strength), draws.shape[0])
    ev = engine.evaluate(_columns(draws, fixed, strength))
    with np.errstate(invalid="ignore"):
        margin = np.max(ev["eigenvalues"][target].real, axis=-1)
    return ev["codes"] == STABLE, (ev["codes"] != ABSENT).any(axis=1), margin


#: the lean evaluations of an engine, by (target, fixed strength or None): beside the engine, keyed weakly
_LEAN: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _lean(engine, target: int, fixed: tuple | None) -> "LeanPoints | None":
    """The engine's rest points compiled for the study alone, when nothing but their Jacobians decides their
    stability (every point solved symbolically in real terms, a smooth dynamics defined everywhere without
    a Nash condition); None otherwise."""
    points = getattr(engine, "points", None)
    if (points is None or engine.polynomial or engine.defined is not None or not engine.dyn.smooth
            or any(pt["complex"] or pt["excess"] is not None or "symbolic" not in pt for pt in points)):
        return None
    cache = _LEAN.setdefault(engine, {})
    if (target, fixed) not in cache:
        cache[(target, fixed)] = LeanPoints(engine, target, fixed)
    return cache[(target, fixed)]


class LeanPoints:
    """Existence and asymptotic stability of every rest point, compiled for the draws with the fixed strength
    folded in.

    A rest point is asymptotically stable iff it exists (finite state, every share of its face above
    ``parametric.POSITIVE_TOL``, finite Jacobian) and ``max Re(lambda) < -tol`` with the one tolerance rule
    ``tol = rtol max(1, max|J_ij|)``: exactly ``classify_many(...) == 0`` (every real part negative and none
    within ``tol`` of zero), which the engine computes.  The largest real part is the largest diagonal entry
    of a triangular Jacobian, ``tr/2 + Re sqrt(tr^2/4 - det)`` of a 2 x 2 one, else from ``eigvals``.  A point
    whose Jacobian has zero trace identically (the interior of a bimatrix game) has ``max Re(lambda) >= 0``:
    never stable, so only its existence is evaluated (unless it is the target, whose margin is reported).
    """

    def __init__(self, engine, target: int, fixed: tuple | None):
        self.dimension, self.rtol = engine.dimension, engine.rtol
        symbols = list(engine.symbols)
        subs = {}
        if fixed is not None:
            subs = dict(zip(symbols[len(symbols) - len(fixed):], (sympy.nsimplify(v) for v in fixed)))
            symbols = symbols[:len(symbols) - len(fixed)]
        by_key = {pt["key"]: pt for pt in engine.points}
        self.points = [self._compile(by_key[key]["symbolic"], symbols, subs, k == target)
                       for k, key in enumerate(engine.keys)]
        self.target = target

    def _compile(self, symbolic, symbols, subs, is_target: bool) -> dict:
        state, shares, J = symbolic
        J = J.xreplace(subs)
        # rows or columns zero off the diagonal carry their diagonal entry as an eigenvalue (a point on a face)
        split, core = st.split_decoupled(J)
        # the eigenvalues of a core with zero trace sum to zero: max Re >= 0, never stable
        never = not is_target and core.rows > 0 and sympy.cancel(core.trace()) == 0
        checks = [e.xreplace(subs) for e in state]
        positive = [e.xreplace(subs) for e in shares]
        entries = [] if never else [e for e in J if not e.is_zero]
        ok = all(e.is_finite is not False for e in checks) and all(
            bool(e > POSITIVE_TOL) for e in positive if e.is_number)
        exprs = [e for e in checks if not e.is_number] + [e for e in positive if not e.is_number]
        blocks = [] if never else list(split) + ([] if core.rows == 0 else list(core))
        outputs = exprs + entries + blocks
        fn = sympy.lambdify(symbols, outputs, modules="numpy", cse=True) if outputs else None
        return {"never": never, "ok": ok, "finite": sum(not e.is_number for e in checks),
                "positive": len(exprs) - sum(not e.is_number for e in checks), "entries": len(entries),
                "split": len(split), "core": core.rows, "fn": fn}

    def evaluate(self, args: list, n: int) -> tuple:
        """``(stable (K, n), seen (K,), margin (n,))`` at the draws (``args``: their columns)."""
        K = len(self.points)
        stable = np.zeros((K, n), dtype=bool)
        seen = np.zeros(K, dtype=bool)
        margin = np.full(n, np.nan)
        with np.errstate(all="ignore"):
            for k, pt in enumerate(self.points):
                exists, is_stable, top = self._point(pt, args, n)
                seen[k] = bool(np.any(exists))
                if is_stable is not None:
                    stable[k] = exists & is_stable
                if k == self.target:
                    margin = np.where(exists, top, np.nan)
        return stable, seen, margin

    def _point(self, pt: dict, args: list, n: int) -> tuple:
        """``exists``, ``stable where it exists`` (None: never) and ``max Re(lambda)`` of one rest point."""
        exists = np.asarray(pt["ok"])
        values = pt["fn"](*args) if pt["fn"] is not None else []
        f, p = pt["finite"], pt["positive"]
        for v in values[:f]:
            exists = exists & np.isfinite(v)
        for v in values[f:f + p]:
            exists = exists & (np.asarray(v) > POSITIVE_TOL)
        if pt["never"]:
            return np.broadcast_to(exists, (n,)), None, None
        m = pt["entries"]
        scale = 1.0
        for v in values[f + p:f + p + m]:
            a = np.abs(v)
            exists = exists & np.isfinite(a)
            scale = np.maximum(scale, a)
        split = values[f + p + m:f + p + m + pt["split"]]
        core, c = values[f + p + m + pt["split"]:], pt["core"]
        tops = list(split)
        if c == 1:
            tops.append(core[0])
        elif c == 2:
            a, b, g, e = core
            half = 0.5 * (a + e)
            tops.append(half + np.sqrt(np.maximum(half * half - (a * e - b * g), 0.0)))
        elif c > 2:
            J = np.stack([np.broadcast_to(np.asarray(v, dtype=float), (n,)) for v in core], axis=-1)
            tops.append(np.max(np.linalg.eigvals(J.reshape(n, c, c)).real, axis=-1))
        top = functools.reduce(np.maximum, tops) if tops else np.full(n, -np.inf)
        top = np.broadcast_to(np.asarray(top, dtype=float), (n,))
        return np.broadcast_to(exists, (n,)), top < -self.rtol * scale, top


def _corner_eigenvalues(engine, target: int, cols: list, n: int) -> np.ndarray:
    """``(n, d)`` eigenvalues of the target corner, NaN where it has no linearisation: where the dynamics is
    undefined, the Nash condition fails, or the field has a kink exactly at the corner (no tolerance band,
    as :class:`~evogame.engine.targets.TargetJacobian` decides for the threshold study's bisection)."""
    pt = next((p for p in getattr(engine, "points", []) if p["key"] == engine.keys[target]), None)
    if pt is None or pt["complex"]:
        return engine.evaluate(cols)["eigenvalues"][target]
    d = engine.dimension
    with np.errstate(all="ignore"):
        J = np.stack([np.broadcast_to(np.asarray(v, dtype=float), (n,)) for v in pt["jacobian"](*cols)],
                     axis=-1).reshape(n, d, d)
        ok = np.isfinite(J).all(axis=(-2, -1))
        if engine.defined is not None:
            ok &= np.broadcast_to(engine.defined([np.asarray(c, dtype=float) for c in cols]), (n,))
        if pt["excess"] is not None:
            ok &= nash_holds(pt["excess"](*cols), (n,))
        if not engine.dyn.smooth:
            state = np.array([float(v) for v in pt["state"](*[c[:1] for c in cols])], dtype=float).reshape(-1)
            params = np.broadcast_to(engine.base_params, (n, len(engine.base_params))).copy()
            for col, c in zip(engine.param_columns, cols):
                params[:, col] = c
            ok &= ~engine.dyn.kinks(np.broadcast_to(state, (n, d)), params, relative=0.0)
        ev = np.full((n, d), np.nan, dtype=complex)
        ev[ok] = np.linalg.eigvals(J[ok])
    return ev


def _margin(engine, target: int, fixed: list, draws: np.ndarray) -> np.ndarray:
    """The target's margin: from its compiled Jacobian where nothing else decides (a smooth dynamics,
    defined everywhere, no Nash condition), else from the whole evaluation."""
    key = engine.keys[target]
    pt = next((p for p in getattr(engine, "points", []) if p["key"] == key), None)
    if (pt is None or pt["complex"] or pt["excess"] is not None or engine.defined is not None
            or not engine.dyn.smooth):
        return _evaluate(engine, target, fixed, draws, None)[2]
    n, d = draws.shape[0], engine.dimension
    entries = pt["jacobian"](*_columns(draws, fixed, None))
    J = np.stack([np.broadcast_to(np.asarray(v, dtype=float), (n,)) for v in entries], axis=-1).reshape(n, d, d)
    ev = np.diagonal(J, axis1=-2, axis2=-1) if pt["triangular"] else np.linalg.eigvals(J)
    return np.max(ev.real, axis=-1)
