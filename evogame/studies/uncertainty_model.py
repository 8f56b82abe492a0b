"""The uncertainty study's model: the parametric engine as a function of the draws, in chunks.

:class:`Model` evaluates the compiled rest points at a sample of draws (one
row per draw) and returns which rest points are asymptotically stable and the
target's stability margin.  The draws are cut into contiguous chunks of at
most ``CHUNK`` rows (memory: rest points x chunk x dimension complex
eigenvalues); with an executor (:mod:`evogame.executors`) into at least
:func:`~evogame.executors.chunk_count` chunks, evaluated on the workers.

Every draw is evaluated on its own (elementwise arrays, one eigenvalue
problem per draw), so the chunks' values joined in order are the in-process
ones.  Compiled functions do not pickle: a worker rebuilds the engine from its
inputs once per process (:func:`~evogame.executors.worker_cached`) and returns
its fingerprint with every chunk (:func:`evogame.studies.chunked.fingerprint`);
a chunk whose worker derived otherwise is evaluated here instead.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from .. import stability as st
from ..executors import chunk_count, chunk_slices, map_chunks, token_of, worker_cached
from ..parametric import ABSENT, ParametricRestPoints
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

    def target_stable(self, draws: np.ndarray, strength: np.ndarray) -> np.ndarray:
        return self.evaluate(draws, strength)[0][self.target]

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
    """One chunk ``(draws, strength or None)``: ``(stable, seen, margin)`` or the margin alone."""
    draws, strength = part
    if kind == "margin":
        return _margin(engine, target, fixed, draws)
    return _evaluate(engine, target, fixed, draws, strength)


def _columns(draws: np.ndarray, fixed: list, strength: np.ndarray | None) -> list[np.ndarray]:
    n = draws.shape[0]
    cols = [draws[:, j] for j in range(draws.shape[1])]
    return cols + ([np.full(n, v) for v in fixed] if strength is None else [strength])


def _evaluate(engine, target: int, fixed: list, draws: np.ndarray, strength: np.ndarray | None) -> tuple:
    """Which rest points are asymptotically stable ``(K, n)``, which exist somewhere ``(K,)``, the margin ``(n,)``."""
    ev = engine.evaluate(_columns(draws, fixed, strength))
    with np.errstate(invalid="ignore"):
        margin = np.max(ev["eigenvalues"][target].real, axis=-1)
    return ev["codes"] == STABLE, (ev["codes"] != ABSENT).any(axis=1), margin


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
