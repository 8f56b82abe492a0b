"""``python -m benchmarks [--json] [--quick] [--only NAME ...]``: evogame against its peers.

Every ratio is measured in this one process, on this machine, against a
peer doing the same work: a loop of ``scipy.integrate.solve_ivp`` calls,
nashpy's ``asymmetric_replicator_dynamics``, egttools' replicator equation
driven by ``solve_ivp``, and numbers substituted into the sympy Jacobian.
Slow peers are timed on a sample of the work and extrapolated linearly (the
work is one independent call per start or per grid point); the sample size
is printed.  ``--quick`` runs tiny sizes (a smoke test, not a measurement).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc

import numpy as np

from .common import (ROOT, SCENARIOS, machine, _load, _starts, _timed, _interleaved, _row, _skipped, _solve_ivp_loop)

def _mapped(a) -> bool:
    """Whether the array's memory is an ``mmap`` (evogame.dynamics.integrator.batch.output_array) rather than numpy's."""
    import mmap
    while a is not None and not isinstance(a, mmap.mmap):
        a = getattr(a, "base", None) if not isinstance(a, memoryview) else a.obj
    return a is not None


def bench_batch(quick: bool) -> list[dict]:
    from evogame.dynamics import derive
    from evogame.dynamics.simulation import simulate

    name = "dual_leadership"
    game = _load(name)
    B, T, t_end = (200, 200, 100.0) if quick else (10_000, 200, 100.0)
    sample = 10 if quick else 200
    starts = _starts(game, B)
    simulate(game, starts[:4], 1.0)                          # compile the field once, outside the timing

    dyn = derive(game)
    field = dyn.field_function()
    p = [float(v) for v in dyn.parameter_vector(game.values())]
    times = np.linspace(0.0, t_end, T)
    loop = _solve_ivp_loop(field, p, starts, t_end, times)
    evo_s, loop_s, ratio, sim, ends = _interleaved(lambda: simulate(game, starts, t_end, n_points=T), loop,
                                                   sample, B)
    agree = float(np.max(np.abs(np.array(ends) - sim.paths[:sample, -1])))
    stats = sim.stats
    del sim

    # peak memory of the same run, measured separately (tracemalloc slows numpy down)
    tracemalloc.start()
    sim2 = simulate(game, starts, t_end, n_points=T)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    saved = sim2.paths.nbytes
    if _mapped(sim2.paths):     # a large output is an anonymous mmap, which tracemalloc does not see
        peak += saved
    del sim2

    rows = [_row("batch_game2", f"{B:,} starts of game 2 ({name}) to t = {t_end:g}, {T} saved times: "
                 f"evogame.simulate vs a loop of solve_ivp(RK45, rtol=1e-8, atol=1e-10), one start at a time "
                 f"(timed on {sample} starts, extrapolated)",
                 evo_s, loop_s, "≥ 200×", 200, ratio=ratio,
                 timings={"loop_per_start_ms": loop_s / B * 1e3, "loop_sample": sample,
                          "peak_memory_MB": peak / 1e6, "saved_paths_MB": saved / 1e6,
                          "work_space_MB": (peak - saved) / 1e6, "max_endpoint_difference": agree,
                          "explicit_steps_per_start_mean": float(stats["steps"].mean()),
                          "starts_finished_by_Rosenbrock": int(stats["implicit"].sum()),
                          "iterations": stats["iterations"]})]

    if not quick:   # issue 14's goals: one flattened solve_ivp, a numba loop, 100k starts (--only integ alone)
        from .integrator import bench_integrator_goals
        rows.extend(bench_integrator_goals(quick))
    return rows


# -- 2. peers: nashpy (game 1) and egttools (RPS) ---------------------------------------------------

def bench_nashpy(quick: bool) -> list[dict]:
    desc = "1,000 starts of game 1 (vertical) to t = 20, 201 times: evogame vs nashpy asymmetric_replicator_dynamics"
    goal = "≥ 100×"
    try:
        import nashpy
    except ImportError:
        return [_skipped("nashpy_game1", desc, goal, "nashpy is not installed (pip install .[bench])")]
    from evogame.dynamics.simulation import simulate

    game = _load("vertical")
    A = np.zeros((2, 2))
    Bm = np.zeros((2, 2))
    import sympy
    subs = {game.parameters[k].symbol: v for k, v in game.values().items()}
    for (i, j), (u, v) in game.payoff_table.items():
        A[i, j] = float(sympy.sympify(u).xreplace(subs))
        Bm[i, j] = float(sympy.sympify(v).xreplace(subs))
    count = 50 if quick else 1000
    sample = 5 if quick else 100
    t_end, T = 20.0, 201
    starts = _starts(game, count, seed=1)
    simulate(game, starts[:4], 1.0)
    nash = nashpy.Game(A, Bm)
    times = np.linspace(0, t_end, T)
    import warnings

    def peer(lo, hi):
        out = []
        for z in starts[lo:hi]:
            xs, ys = nash.asymmetric_replicator_dynamics(x0=np.array([z[0], 1 - z[0]]),
                                                         y0=np.array([z[1], 1 - z[1]]), timepoints=times)
            out.append((xs[-1, 0], ys[-1, 0]))
        return out

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        evo_s, peer_s, ratio, sim, ends = _interleaved(lambda: simulate(game, starts, t_end, n_points=T), peer,
                                                       sample, count)
    diffs = [max(abs(a - sim.paths[b, -1, 0]), abs(c - sim.paths[b, -1, 1])) for b, (a, c) in enumerate(ends)]
    return [_row("nashpy_game1", desc + f" (one call per start; timed on {sample}, extrapolated)", evo_s, peer_s,
                 goal, 100, ratio=ratio, timings={"peer_per_path_ms": peer_s / count * 1e3,
                                     "evogame_per_path_ms": evo_s / count * 1e3,
                                     "peer_sample": sample, "max_endpoint_difference": float(max(diffs)),
                                     "peer_warnings": len(caught), "nashpy": nashpy.__version__})]


def bench_egttools(quick: bool) -> list[dict]:
    desc = ("1,000 starts of RPS (one population, 3 strategies) to t = 20, 201 times: evogame vs "
            "egttools.analytical.replicator_equation driven by solve_ivp(RK45, rtol=1e-8, atol=1e-10)")
    goal = "≥ 100×"
    try:
        import egttools
        from egttools.analytical import replicator_equation
    except ImportError:
        return [_skipped("egttools_rps", desc, goal, "egttools is not installed (pip install .[bench])")]
    import sympy
    from scipy.integrate import solve_ivp

    from evogame.dynamics.simulation import simulate

    game = _load("rps")
    subs = {game.parameters[k].symbol: v for k, v in game.values().items()}
    M = np.array([[float(sympy.sympify(a).xreplace(subs)) for a in row] for row in game.matrix])
    count = 50 if quick else 1000
    sample = 5 if quick else 100
    t_end, T = 20.0, 201
    starts = _starts(game, count, seed=2)
    simulate(game, starts[:4], 1.0)
    times = np.linspace(0, t_end, T)

    def peer(lo, hi):
        out = []
        for z in starts[lo:hi]:
            x0 = np.array([z[0], z[1], 1 - z[0] - z[1]])
            sol = solve_ivp(lambda t, x: replicator_equation(x, M), (0, t_end), x0, method="RK45", rtol=1e-8,
                            atol=1e-10, t_eval=times)
            out.append(sol.y[:2, -1])
        return out

    evo_s, peer_s, ratio, sim, ends = _interleaved(lambda: simulate(game, starts, t_end, n_points=T), peer,
                                                   sample, count)
    diffs = [float(np.max(np.abs(e - sim.paths[b, -1]))) for b, e in enumerate(ends)]
    return [_row("egttools_rps", desc + f" (one call per start; timed on {sample}, extrapolated)", evo_s, peer_s,
                 goal, 100, ratio=ratio, timings={"peer_per_path_ms": peer_s / count * 1e3,
                                     "evogame_per_path_ms": evo_s / count * 1e3,
                                     "peer_sample": sample, "max_endpoint_difference": max(diffs),
                                     "egttools": getattr(egttools, "__version__", "?")})]


# -- 3. regime map ---------------------------------------------------------------------------------

def _per_point_substitution(game, names):
    """The baseline's setup (not timed): every rest point of game 1 with the two parameters symbolic,
    and the sympy Jacobian at each; then one function that substitutes numbers per grid point."""
    import sympy

    from evogame.solvers import stability as st
    from evogame.dynamics import derive
    from evogame.game.faces import faces
    from evogame.solvers.restpoints import solve_face

    dyn = derive(game)
    values = game.values()
    syms = [game.parameters[n].symbol for n in names]
    others = {game.parameters[n].symbol: v for n, v in values.items() if n not in names}
    at_defaults = {game.parameters[n].symbol: values[n] for n in names}
    fitness = [[f.xreplace(others) for f in fp] for fp in dyn.fitness]
    jac = dyn.jacobian.xreplace(others)
    points = []
    for face in faces(game, fitness):
        cands, _, _ = solve_face(face, budget=10.0, numeric_values=at_defaults)
        for c in cands:
            point = dict(zip(game.variables, c.exact_state))
            shares = [game.shares[p][i].xreplace(point) for p, S in enumerate(face.support) if len(S) > 1
                      for i in S]
            points.append((c.exact_state, shares, jac.xreplace(point)))

    def classify_at(xv, yv):
        num = dict(zip(syms, (sympy.Float(xv), sympy.Float(yv))))
        out = []
        for state, shares, J in points:
            try:
                if any(not (s.xreplace(num) > 0) for s in shares):
                    out.append(-1)
                    continue
                Jn = np.array(J.xreplace(num).evalf(), dtype=float)
            except (TypeError, ZeroDivisionError):
                out.append(-1)
                continue
            ev = np.linalg.eigvals(Jn)
            out.append(int(st.classify_many(ev[None, :], st.tolerance(Jn))[0]))
        return out

    return classify_at, len(points)


def bench_regime_map(quick: bool) -> list[dict]:
    from evogame.studies.sweeps import regime_map

    game = _load("vertical")
    n = 20 if quick else 200
    sample = 5 if quick else 40
    x_name, y_name = "c_D", "beta"
    x, y = np.linspace(0.0, 10.0, n), np.linspace(0.0, 1.0, n)
    first_s, _ = _timed(regime_map, game, x_name, x, y_name, y)           # includes sympy's first-use costs
    evo_s, result = _timed(regime_map, game, x_name, x, y_name, y)
    classify_at, n_points = _per_point_substitution(game, [x_name, y_name])
    rng = np.random.default_rng(3)
    cells = rng.integers(0, n, size=(sample, 2))
    t0 = time.perf_counter()
    mismatches = 0
    label_order = list(result.labels)
    for i, j in cells:
        codes = classify_at(x[i], y[j])
        stable_ref = sorted(c == 0 for c in codes).count(True)
        stable_evo = sum(1 for lab in label_order if result.codes[lab][j, i] == 0)
        mismatches += stable_ref != stable_evo
    base_s = (time.perf_counter() - t0) / sample * n * n
    return [_row("regime_map_game1", f"{n}x{n} regime map of game 1 over ({x_name}, {y_name}), every rest point "
                 f"classified: evogame.studies.sweeps.regime_map (vectorised) vs substituting numbers into the sympy "
                 f"Jacobian at each of the {n_points} symbolic rest points per grid point (timed on {sample} "
                 f"cells, extrapolated)", evo_s, base_s, "< 0.5 s and ≥ 500×", 500, goal_seconds=0.5,
                 timings={"evogame_first_call_s": first_s, "evogame_derive_s": result.seconds.get("derive"),
                          "evogame_evaluate_s": result.seconds.get("evaluate"),
                          "ratio_vs_evaluate_only": base_s / result.seconds["evaluate"]
                          if result.seconds.get("evaluate") else None,
                          "baseline_per_cell_ms": base_s / (n * n) * 1e3, "baseline_sample": sample,
                          "stable-count mismatches on the sample": mismatches, "method": result.method})]


# -- 4. whole processes ----------------------------------------------------------------------------

def _process_seconds(args, env, repeat=1):
    best = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        proc = subprocess.run(args, capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
        el = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {proc.stderr.strip()[:300]}")
        best = el if best is None else min(best, el)
    return best


def bench_processes(quick: bool) -> list[dict]:
    exe = shutil.which("evogame")
    base = [exe] if exe else [sys.executable, "-m", "evogame.cli"]
    scenario = str(SCENARIOS / "dual_leadership.toml")
    folder = tempfile.mkdtemp(prefix="evogame-bench-cache-")
    env = {**os.environ, "EVOGAME_CACHE_DIR": folder}
    try:
        help_s = _process_seconds(base + ["--help"], env, repeat=1 if quick else 3)
        probe = ("import sys\nfrom evogame.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
                 "print(','.join(sorted({m.split('.')[0] for m in sys.modules} & {'sympy', 'scipy', 'matplotlib'})),"
                 " file=sys.stderr)")
        heavy = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env,
                               cwd=ROOT).stderr.strip().splitlines()[-1:] or [""]
        sympy_s = _process_seconds([sys.executable, "-c", "import sympy, scipy.integrate, matplotlib.pyplot"], env)
        cold_s = _process_seconds(base + ["analyze", scenario], env)
        warm_s = _process_seconds(base + ["analyze", scenario], env, repeat=1 if quick else 3)
        nocache_s = _process_seconds(base + ["analyze", scenario, "--no-cache"], env)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return [
        _row("cli_help", "`evogame --help` as a whole process (best of 3) vs a process that only imports "
             "sympy, scipy.integrate and matplotlib.pyplot", help_s, sympy_s, "imports none of them",
             timings={"heavy_modules_imported": heavy[0] or "none"}),
        _row("cli_analyze_game2", "`evogame analyze scenarios/dual_leadership.toml` as a whole process: cold "
             "(empty cache) vs warm (cached result, best of 3)", warm_s, cold_s, "(second run skips the derivation)",
             timings={"cold_s": cold_s, "warm_s": warm_s, "no_cache_s": nocache_s}),
    ]


def bench_dynamics(quick: bool) -> list[dict]:
    """Batched integration under logit and Smith (game 2, 10,000 starts) vs a loop of solve_ivp."""
    from evogame.dynamics import derive
    from evogame.dynamics.simulation import simulate

    name = "dual_leadership"
    game = _load(name)
    B, T, t_end = (200, 50, 50.0) if quick else (10_000, 50, 50.0)
    sample = 10 if quick else 100
    starts = _starts(game, B)
    rows = []
    for spec in ("logit:eta=0.5", "smith"):
        simulate(game, starts[:4], 1.0, dynamics=spec)            # compile once, outside the timing
        field = derive(game, spec).field_function()
        p = [float(v) for v in derive(game, spec).parameter_vector(game.values())]
        loop = _solve_ivp_loop(field, p, starts, t_end, np.linspace(0.0, t_end, T))
        evo_s, loop_s, ratio, sim, ends = _interleaved(
            lambda spec=spec: simulate(game, starts, t_end, n_points=T, dynamics=spec), loop, sample, B)
        agree = float(np.max(np.abs(np.array(ends) - sim.paths[:sample, -1])))
        label = spec.split(":")[0]
        rows.append(_row(f"dynamics_{label}_game2", f"{B:,} starts of game 2 under {spec} to t = {t_end:g}: "
                         "evogame.simulate vs a loop of solve_ivp(RK45, rtol=1e-8, atol=1e-10) (timed on "
                         f"{sample} starts, extrapolated); endpoints agree to {agree:.1e}",
                         evo_s, loop_s, "≥ 100×, endpoints to 1e-6", 100, ratio=ratio,
                         timings={"loop_per_start_ms": loop_s / B * 1e3, "loop_sample": sample,
                                  "max_endpoint_difference": agree}))
    return rows


from .noise import bench_noise   # noqa: E402
from .uncertainty import bench_uncertainty   # noqa: E402
from .analysis import bench_analysis   # noqa: E402
from .report import bench_report   # noqa: E402

BENCHMARKS = {"batch": bench_batch, "dynamics": bench_dynamics, "nashpy": bench_nashpy, "egttools": bench_egttools,
              "regime_map": bench_regime_map, "processes": bench_processes, "noise": bench_noise,
              "uncertainty": bench_uncertainty, "analysis": bench_analysis, "report": bench_report,
              "integ": lambda quick: __import__("benchmarks.integrator", fromlist=["x"]).bench_integrator_goals(quick),
              "finite": lambda quick: __import__("benchmarks.finite", fromlist=["bench_finite"]).bench_finite(quick)}


def run(quick: bool = False, only=None) -> list[dict]:
    rows = []
    for key, fn in BENCHMARKS.items():
        if only and key not in only:
            continue
        rows.extend(fn(quick))
    return rows


def _fmt_s(v):
    if v is None:
        return "—"
    return f"{v * 1e3:.0f} ms" if v < 1 else f"{v:.2f} s"


def table(rows, info) -> str:
    head = ("benchmark", "evogame", "peer / baseline", "ratio", "goal", "met")
    lines = [head]
    for r in rows:
        if r.get("skipped"):
            lines.append((r["name"], "—", "—", "—", r["goal"], "skipped: " + r["skipped"]))
            continue
        t = r["timings"]
        ratio = "—" if r["ratio"] is None else f"{r['ratio']:,.0f}×" if r["ratio"] >= 10 else f"{r['ratio']:.1f}×"
        met = {True: "yes", False: "NO", None: ""}[r["goal_met"]]
        lines.append((r["name"], _fmt_s(t.get("evogame_s")), _fmt_s(t.get("baseline_s")), ratio, r["goal"], met))
    widths = [max(len(str(l[i])) for l in lines) for i in range(len(head))]
    out = ["  ".join(str(c).ljust(w) for c, w in zip(l, widths)).rstrip() for l in lines]
    out.insert(1, "  ".join("-" * w for w in widths))
    out.append("")
    out.append(f"machine: {info['cores']} cores, {info['cpu']}; load average at start "
               f"{', '.join(f'{v:.2f}' for v in info['load_average'] or [])}; Python {info['python']}, "
               f"numpy {info['numpy']}, scipy {info['scipy']}, sympy {info['sympy']}")
    for r in rows:
        if r.get("skipped"):
            continue
        extra = {k: v for k, v in r["timings"].items() if k not in ("evogame_s", "baseline_s")}
        if extra:
            out.append(f"{r['name']}: " + ", ".join(f"{k}={_short(v)}" for k, v in extra.items()))
    return "\n".join(out)


def _short(v):
    if isinstance(v, float):
        return f"{v:.3g}"
    return str(v)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    ap.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test, not a measurement")
    ap.add_argument("--only", nargs="*", choices=sorted(BENCHMARKS), help="run only these benchmarks")
    args = ap.parse_args(argv)
    info = machine()
    rows = run(args.quick, args.only)
    if args.json:
        print(json.dumps({"machine": info, "quick": args.quick,
                          "benchmarks": {r["name"]: r for r in rows}}, indent=2, default=float))
    else:
        print(table(rows, info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
