"""The integrator's goals (issue 14): evogame's batch against the strong baselines, all in one run.

Game 2 (``dual_leadership``), interior starts, to t = 100 with 200 saved
times, rtol = 1e-8, atol = 1e-10.  The baselines:

* ``flat``: ONE ``solve_ivp(RK45)`` call on the flattened system of all
  starts (component-major, so reshaping is free), with evogame's compiled
  right-hand side (``rhs.into``) and ``t_eval`` at the saved times.  scipy's
  stage products ``K^T a`` go to OpenBLAS, which runs them on several
  threads from about 30k numbers on: on a loaded 2-core machine that makes
  the baseline slower, not faster.  So it is also timed with OpenBLAS held
  to one thread (``flat1``, threadpoolctl, a ``bench`` extra), and a goal
  against the flat call is judged against the faster of the two;
* ``compiled``: the numba DOPRI5 loop over the starts of
  :mod:`benchmarks.compiled` (skipped without numba).

Every configuration runs once per round, the rounds interleave all
configurations (the machine is shared: each sees the same load), and each
figure is the median over the rounds, of wall-clock and of CPU time
(``time.process_time``, all threads).  A ratio is the median of the
per-round ratios; a goal counts as met only if both its wall and its CPU
ratio meet it.
"""
from __future__ import annotations

import contextlib
import time

import numpy as np

from .common import _load, _starts, _row

RTOL, ATOL, T, T_END = 1e-8, 1e-10, 200, 100.0
#: Paths per configuration kept to compare the saved states.
SAMPLE = 1000


def _clock(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return (time.perf_counter() - w, time.process_time() - c), out


def _flat(game, starts, times):
    """One solve_ivp on the component-major flattening of all starts, evogame's compiled field."""
    from scipy.integrate import solve_ivp

    from evogame.dynamics.simulation import vector_field_rows

    B, d = starts.shape
    rhs, _ = vector_field_rows(game, batch_size=B)
    into = rhs.into
    out = np.empty((d, B))

    def f(t, y):
        return into(y.reshape(d, B), out, None).reshape(-1).copy()

    y0 = np.ascontiguousarray(starts.T).reshape(-1)
    return lambda: solve_ivp(f, (0.0, T_END), y0, method="RK45", rtol=RTOL, atol=ATOL, t_eval=times).y


def _configs(game, sizes, quick):
    from evogame.dynamics import derive
    from evogame.dynamics.simulation import simulate

    from .compiled import compiled_dopri5

    times = np.linspace(0.0, T_END, T)
    dyn = derive(game)
    solve = compiled_dopri5(dyn, dyn.parameter_vector(game.values()))
    configs = {}
    for B in sizes:
        starts = _starts(game, B)
        configs[("evogame", B)] = (lambda s=starts: simulate(game, s, T_END, n_points=T).paths)
        if B <= sizes[1]:
            configs[("flat", B)] = _flat(game, starts, times)
            if _blas_limits() is not None:
                configs[("flat1", B)] = configs[("flat", B)]
        if solve is not None:
            configs[("compiled", B)] = (lambda s=starts: solve(s, times, RTOL, ATOL))
    if solve is not None:
        solve(_starts(game, 4), times, RTOL, ATOL)             # compile, outside the timing
    return configs


def _blas_limits():
    """threadpoolctl's ``threadpool_limits`` (a ``bench`` extra), or ``None``."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    return threadpool_limits


def _context(k):
    """One BLAS thread for the ``flat1`` runs (entered outside the timing), nothing for the others."""
    return _blas_limits()(limits=1, user_api="blas") if k[0] == "flat1" else contextlib.nullcontext()


def _measure(configs, rounds):
    """Per configuration: lists of (wall, cpu) per round, and the first :data:`SAMPLE` paths of the last output.

    Only a sample is kept: holding on to every output (up to 480 MB each) made the next runs' fresh output
    arrays page in slowly, and evogame's 10k run cost 0.46-0.76 s of CPU instead of 0.38 s.
    """
    runs = {k: [] for k in configs}
    ends = {}
    for k, fn in configs.items():       # warm-up: first-touch page faults, compiled fields, caches
        if k[1] <= 10_000:
            with _context(k):
                fn()
    for _ in range(rounds):
        for k, fn in configs.items():
            with _context(k):
                clock, out = _clock(fn)
            runs[k].append(clock)
            if k[0].startswith("flat"):                          # (d B, T) -> (B, T, d)
                out = out.reshape(-1, k[1], out.shape[1]).transpose(1, 2, 0)
            ends[k] = out[:SAMPLE].copy()     # a sample of the paths: holding every output skews the timings
            del out
    return runs, ends


def _ratio(runs, num, den, which):
    """Median over rounds of runs[num] / runs[den] (``which`` 0 wall, 1 cpu)."""
    return float(np.median([a[which] / b[which] for a, b in zip(runs[num], runs[den])]))


def _med(runs, k, which):
    return float(np.median([r[which] for r in runs[k]]))


def bench_integrator_goals(quick: bool) -> list[dict]:
    game = _load("dual_leadership")
    sizes = (100, 1_000, 10_000) if quick else (1_000, 10_000, 100_000)
    rounds = 1 if quick else 5
    configs = _configs(game, sizes, quick)
    runs, ends = _measure(configs, rounds)
    small, mid, big = sizes
    rows = []

    def timings(num, den):
        return {"evogame_cpu_s": _med(runs, num, 1), "baseline_cpu_s": _med(runs, den, 1),
                "ratio_wall": _ratio(runs, den, num, 0), "ratio_cpu": _ratio(runs, den, num, 1),
                "max_saved_state_difference": float(np.max(np.abs(ends[num] - ends[den])))}

    for B, goal in ((small, 5.0), (mid, 10.0)):
        tm = timings(("evogame", B), ("flat", B))
        ratio = min(tm["ratio_wall"], tm["ratio_cpu"])
        if ("flat1", B) in runs:
            one = timings(("evogame", B), ("flat1", B))
            tm.update({"flat_1thread_s": _med(runs, ("flat1", B), 0), "flat_1thread_cpu_s": one["baseline_cpu_s"],
                       "ratio_1thread_wall": one["ratio_wall"], "ratio_1thread_cpu": one["ratio_cpu"]})
            ratio = min(ratio, one["ratio_wall"], one["ratio_cpu"])
        rows.append(_row(f"integ_flat_{B}", f"{B:,} starts of game 2 to t = 100, 200 saved times: evogame.simulate "
                         "vs ONE flattened solve_ivp(RK45) of all starts, same compiled field (median of "
                         f"{rounds} interleaved rounds; ratio = the lowest of wall and CPU, against default and "
                         "one-thread BLAS)",
                         _med(runs, ("evogame", B), 0), _med(runs, ("flat", B), 0), f"≥ {goal:g}×", goal,
                         ratio=ratio, timings=tm))
    wall = _ratio(runs, ("evogame", big), ("evogame", mid), 0)
    cpu = _ratio(runs, ("evogame", big), ("evogame", mid), 1)
    cost = max(wall, cpu)
    rows.append({"name": f"integ_scale_{big // 1000}k", "description": f"cost of {big:,} starts / cost of {mid:,}",
                 "ratio": cost, "goal": "≤ 11×", "goal_met": cost <= 11.0,
                 "timings": {"evogame_s": _med(runs, ("evogame", big), 0), "baseline_s": _med(runs, ("evogame", mid), 0),
                             "evogame_cpu_s": _med(runs, ("evogame", big), 1),
                             "baseline_cpu_s": _med(runs, ("evogame", mid), 1),
                             "cost_ratio_wall": wall, "cost_ratio_cpu": cpu}})
    for B in sizes:
        if ("compiled", B) not in runs:
            continue
        tm = timings(("evogame", B), ("compiled", B))
        slow = 1.0 / min(tm["ratio_wall"], tm["ratio_cpu"])      # evogame time / compiled time, the worse one
        rows.append({"name": f"integ_compiled_{B}", "description": f"{B:,} starts: evogame.simulate vs a numba "
                     "DOPRI5 loop over the starts (benchmarks/compiled.py)", "ratio": 1.0 / slow,
                     "goal": "within 1.3× (ratio ≥ 0.77)" if B == mid else "(context)",
                     "goal_met": (slow <= 1.3) if B == mid else None,
                     "timings": {"evogame_s": _med(runs, ("evogame", B), 0),
                                 "baseline_s": _med(runs, ("compiled", B), 0), **tm}})
    return rows
