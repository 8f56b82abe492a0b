"""Stochastic paths: 10,000 Euler-Maruyama sample paths of game 2 against a per-path plain-numpy loop.

The baseline is what a user writes: for each sample path, draw its Wiener
increments and loop over the time steps with numpy on the 3-vector state,
the drift being evogame's own lambdified replicator field (so only the
batching differs).  Timed on a sample of paths and extrapolated (each path is
independent work), interleaved with evogame's runs as the other benchmarks.
"""
from __future__ import annotations

import math
import tracemalloc

import numpy as np


def bench_noise(quick: bool) -> list[dict]:
    from evogame.dynamics import derive
    from evogame.studies.stochastic import simulate_noisy

    from .common import _interleaved, _load, _row

    game = _load("dual_leadership")
    paths, t_end, dt, sigma, T = (500, 10.0, 0.01, 0.5, 101) if quick else (10_000, 50.0, 0.01, 0.5, 201)
    sample = 6 if quick else 30
    start = np.array([0.5, 0.5, 0.5])
    steps = int(round(t_end / dt))

    def evo():
        return simulate_noisy(game, [start], t_end, noise=sigma, paths=paths, seed=1, dt=dt, n_points=T, targets=[])

    evo()                                                 # compile the field once, outside the timing
    dyn = derive(game)
    field = dyn.field_function()
    p = [float(v) for v in dyn.parameter_vector(game.values())]

    def peer(lo, hi):
        out = []
        for j in range(lo, hi):
            rng = np.random.default_rng(j)
            dW = rng.standard_normal((steps, 3)) * math.sqrt(dt)
            x = start.copy()
            for k in range(steps):
                x = x + np.array(field(*x, *p)) * dt + sigma * x * dW[k]
                np.clip(x, 0.0, 1.0, out=x)
            out.append(x)
        return out

    evo_s, peer_s, ratio, result, ends = _interleaved(evo, peer, sample, paths)
    mean_evo = result.final[0].mean(axis=0)
    se = result.final[0].std(axis=0, ddof=1) / math.sqrt(paths)
    mean_peer = np.mean(ends, axis=0)
    del result
    tracemalloc.start()
    again = evo()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    saved = again.paths.nbytes
    del again
    return [_row("noise_game2", f"{paths:,} Euler-Maruyama sample paths of game 2 (dual_leadership, sigma = {sigma}, "
                 f"g = x) to t = {t_end:g}, dt = {dt}, {T} saved times: evogame.simulate_noisy vs a loop over paths "
                 f"of a per-path plain-numpy Euler-Maruyama (timed on {sample} paths, extrapolated)",
                 evo_s, peer_s, "≥ 50×", 50, ratio=ratio,
                 timings={"loop_per_path_ms": peer_s / paths * 1e3, "loop_sample": sample,
                          "peak_memory_MB": peak / 1e6, "saved_paths_MB": saved / 1e6,
                          "work_space_MB": (peak - saved) / 1e6,
                          "end_mean_evogame": [float(v) for v in mean_evo],
                          "end_mean_standard_error": [float(v) for v in se],
                          "end_mean_loop_sample": [float(v) for v in mean_peer]})]
