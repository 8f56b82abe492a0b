"""Sweeps and regime maps in chunks on an executor (see :mod:`evogame.util.executors`).

* **Vectorised** (the parametric engine): the grid is cut along its first
  axis (the values of a sweep, the rows of a regime map).  Compiled
  functions do not pickle, so a worker rebuilds the engine from its inputs
  (the swept game, the names, the budget, the tolerance and the dynamics) once
  per process and reuses it for the study's next chunks.  Every cell is
  evaluated on its own (elementwise arrays, one eigenvalue problem per cell),
  so a chunk's values are the in-process ones.  A worker's derivation must be
  the one made here: the worker returns a fingerprint of it (its branches,
  their order and their states at the defaults); a chunk whose fingerprint
  differs is evaluated here instead.
* **Per point** (``analyze`` at every grid value, the sympy-heavy fallback):
  the flattened grid values are cut into chunks; a worker analyses its values
  and returns them as the per-point engine's memo, which the in-process
  engine then assembles exactly as it would its own.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from ..util.executors import chunk_count, chunk_slices, map_chunks, token_of, worker_cached
from ..engine.parametric import ParametricRestPoints, PointwiseRestPoints

__all__ = ["evaluate", "pointwise_grid"]

FIELDS = ("codes", "states", "eigenvalues", "npos")


def fingerprint(engine: ParametricRestPoints) -> tuple:
    """The engine's branches in order, their states at the default values (exact bytes) and its polynomial faces."""
    values = engine.work.values()
    real = [np.asarray(float(values[n])) for n in engine.names]
    marks = []
    with np.errstate(all="ignore"):
        for pt in engine.points:
            args = [a.astype(complex) for a in real] if pt["complex"] else real
            try:
                state = np.asarray(pt["state"](*args), dtype=complex).tobytes()
            except (TypeError, ValueError, ZeroDivisionError, OverflowError) as exc:
                state = type(exc).__name__
            marks.append((pt["key"], state))
    return (engine.ok, tuple(marks), tuple((f["support"], f["degree"]) for f in engine.polynomial))


def _evaluate_chunk(grids: list, token: str, spec: tuple) -> tuple:
    """On a worker: the engine of ``spec`` (rebuilt once per process), evaluated on a chunk of the grids."""
    engine = worker_cached(token, lambda: ParametricRestPoints(*spec))
    return fingerprint(engine), engine.evaluate(grids)


def evaluate(derived: ParametricRestPoints, grids: Sequence[np.ndarray], budget, executor=None) -> dict:
    """``derived.evaluate(grids)``, with the first axis cut into chunks on ``executor`` (None: in process)."""
    if executor is None:
        return derived.evaluate(grids)
    grids = np.broadcast_arrays(*[np.asarray(g, dtype=float) for g in grids])
    if grids[0].ndim == 0:
        return derived.evaluate(grids)
    n = grids[0].shape[0]
    slices = chunk_slices(n, chunk_count(executor, n))
    spec = (derived.work, derived.names, budget, derived.rtol, derived.dynamics)
    parts = map_chunks(_evaluate_chunk, [[g[s] for g in grids] for s in slices], executor,
                       args=(token_of(*spec), spec))
    expected = fingerprint(derived)
    evs = []
    for s, (mark, ev) in zip(slices, parts):
        if mark != expected:   # the worker's sympy found the branches otherwise: this chunk here
            ev = derived.evaluate([g[s] for g in grids])
        evs.append(ev)
    out = {"keys": derived.keys}
    out.update({f: np.concatenate([ev[f] for ev in evs], axis=1) for f in FIELDS})
    return out


def _points_chunk(columns: list, token: str, game, names, budget, rtol, dynamics) -> tuple:
    """On a worker: ``analyze`` at every value of a chunk; the per-point memo and the undefined count."""
    work = worker_cached(token, lambda: game)   # one Game object per process: its derivation is cached
    pp = PointwiseRestPoints(work, names, budget, rtol, dynamics)
    for i in range(len(columns[0])):
        pp.at([c[i] for c in columns])
    return list(pp.memo.items()), pp.undefined


def pointwise_grid(pp: PointwiseRestPoints, columns: Sequence[np.ndarray], executor=None,
                   progress: Callable[[int, int], None] | None = None) -> dict:
    """``pp.grid(columns, progress)``, the values analysed in chunks on ``executor`` (None: in process)."""
    if executor is None:
        return pp.grid(columns, progress)
    columns = [np.asarray(c) for c in columns]
    n = len(columns[0])
    slices = chunk_slices(n, chunk_count(executor, n))
    parts = map_chunks(_points_chunk, [[c[s] for c in columns] for s in slices], executor,
                       args=(token_of(pp.work), pp.work, pp.names, pp.budget, pp.rtol, pp.dynamics),
                       progress=progress, sizes=[s.stop - s.start for s in slices])
    for memo, undefined in parts:
        pp.memo.update(memo)
        pp.undefined += undefined
    return pp.grid(columns)
