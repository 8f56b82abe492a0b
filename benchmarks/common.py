"""Helpers every benchmark shares: the scenarios, timing interleaved with the peer, the rows of the table."""
from __future__ import annotations

import os
import platform
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


def machine() -> dict:
    """Cores, CPU model and load: the context every figure needs."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = list(os.getloadavg())
    except OSError:
        load = None
    import scipy
    import sympy
    return {"cores": os.cpu_count(), "cpu": model, "load_average": load, "python": platform.python_version(),
            "numpy": np.__version__, "scipy": scipy.__version__, "sympy": sympy.__version__}


def _load(name: str):
    """The game of a shipped scenario (the benchmarks need no mechanisms)."""
    from evogame.scenario import load_scenario
    return load_scenario(SCENARIOS / f"{name}.toml").game


def _starts(game, count: int, seed: int = 0) -> np.ndarray:
    """Interior initial states, uniform on the product of simplices (reduced coordinates)."""
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.dirichlet(np.ones(p.n), size=count)[:, :-1] for p in game.populations], axis=1)


def _timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t0, out


def _interleaved(evo, peer, sample: int, total: int, rounds: int = 3):
    """Alternate evogame runs with chunks of the peer's sample, so both see the same machine load.

    ``evo()`` runs evogame's whole job; ``peer(lo, hi)`` runs starts ``lo..hi``
    of the peer's sample.  Returns (median evogame seconds, median
    extrapolated peer seconds, median of the per-round ratios, last evogame
    result, peer outputs).
    """
    bounds = np.linspace(0, sample, rounds + 1).astype(int)
    evo_s, peer_s, ratios, outputs, result = [], [], [], [], None
    for r in range(rounds):
        t0 = time.perf_counter()
        result = evo()
        e = time.perf_counter() - t0
        t0 = time.perf_counter()
        outputs.extend(peer(bounds[r], bounds[r + 1]))
        p = (time.perf_counter() - t0) / (bounds[r + 1] - bounds[r]) * total
        evo_s.append(e)
        peer_s.append(p)
        ratios.append(p / e)
    return float(np.median(evo_s)), float(np.median(peer_s)), float(np.median(ratios)), result, outputs


def _row(name, description, evogame_s, baseline_s, goal, goal_ratio=None, goal_seconds=None, ratio=None, **extra):
    if ratio is None:
        ratio = None if (baseline_s is None or not evogame_s) else baseline_s / evogame_s
    met = None
    if ratio is not None and goal_ratio is not None:
        met = ratio >= goal_ratio and (goal_seconds is None or evogame_s < goal_seconds)
    return {"name": name, "description": description, "ratio": ratio, "goal": goal, "goal_met": met,
            "timings": {"evogame_s": evogame_s, "baseline_s": baseline_s, **extra.pop("timings", {})}, **extra}


def _skipped(name, description, goal, why):
    return {"name": name, "description": description, "ratio": None, "goal": goal, "goal_met": None,
            "timings": {}, "skipped": why}


# -- 1. batch integration of game 2 ----------------------------------------------------------------

def _solve_ivp_loop(field, p, starts, t_end: float, times):
    """The baseline: ``loop(lo, hi)`` integrates starts[lo:hi] one at a time with solve_ivp (RK45, 1e-8/1e-10)."""
    from scipy.integrate import solve_ivp

    def rhs(t, y):
        return np.array(field(*y, *p))

    def loop(lo, hi):
        return [solve_ivp(rhs, (0.0, t_end), z, method="RK45", rtol=1e-8, atol=1e-10, t_eval=times).y[:, -1]
                for z in starts[lo:hi]]
    return loop
