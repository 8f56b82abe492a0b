"""``analyze`` of large games: numeric faces (linear algebra, Krawczyk boxes) against sympy on every face.

Each case runs in a fresh process (cold: nothing derived or compiled yet) and
reports the CPU time of the ``analyze`` call alone (after the imports).  The
baseline is the same analysis with sympy solving every face (evogame before
the numeric face solver: ``FaceSolver.of`` disabled), run in the same
benchmark, stopped at a time limit (then reported as "> limit").

* ``analyze_sym8`` / ``analyze_sym12``: a symmetric game of 8 / 12 strategies, payoffs random integers in
  [-100, 100] (255 / 4,095 faces); goals < 2 s and < 30 s CPU.
* ``analyze_pops5`` / ``analyze_pops6``: 5 / 6 populations of 2 strategies, random payoff table
  (243 / 729 faces); goals < 3 s and < 20 s CPU.
* ``analyze_seed_<name>``: the three-population seed games, cold; goal < 0.3 s CPU.
"""
from __future__ import annotations

import json
import subprocess
import sys

from .common import ROOT, _row

_CASE = r"""
import itertools, json, sys, time
import numpy as np
import evogame
from evogame.game import Game, Population
kind, size, sympy_only = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
if sympy_only:
    from evogame.solvers.face_solver import FaceSolver
    FaceSolver.of = classmethod(lambda cls, game, fitness: None)
rng = np.random.default_rng(2026)
if kind == "sym":
    pop = Population("p", tuple(f"s{i}" for i in range(size)))
    game = Game.symmetric(pop, rng.integers(-100, 101, size=(size, size)).tolist())
elif kind == "pops":
    pops = [Population(f"p{j}", ("a", "b")) for j in range(size)]
    table = {idx: tuple(int(v) for v in rng.integers(-100, 101, size=size))
             for idx in itertools.product(range(2), repeat=size)}
    game = Game.from_payoff_table(pops, table)
else:
    game = evogame.load_scenario(kind).game
t = time.process_time()
a = evogame.analyze(game)          # the default budget of 10 s per face, as a user runs it
cpu = time.process_time() - t
print(json.dumps({"cpu": cpu, "points": len(a.rest_points),
                  "classes": sorted((p.label, p.classification) for p in a.rest_points)}))
"""


def _run(kind: str, size: int, sympy_only: bool, limit: float) -> dict | None:
    try:
        out = subprocess.run([sys.executable, "-c", _CASE, kind, str(size), "1" if sympy_only else "0"],
                             capture_output=True, text=True, timeout=limit, cwd=ROOT, check=True)
    except subprocess.TimeoutExpired:
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_analysis(quick: bool) -> list[dict]:
    limit = 20.0 if quick else 300.0
    cases = ([("sym", 5, "analyze_sym5", 2.0), ("pops", 4, "analyze_pops4", 3.0)] if quick else
             [("sym", 8, "analyze_sym8", 2.0), ("sym", 12, "analyze_sym12", 30.0),
              ("pops", 5, "analyze_pops5", 3.0), ("pops", 6, "analyze_pops6", 20.0)])
    seeds = [] if quick else ["dual_leadership", "hidden_collusion", "platform_structures"]
    cases += [(str(ROOT / "scenarios" / f"{s}.toml"), 0, f"analyze_seed_{s}", 0.3) for s in seeds]
    rows = []
    for kind, size, name, goal in cases:
        what = (f"symmetric game of {size} strategies" if kind == "sym" else
                f"{size} populations x 2 strategies" if kind == "pops" else f"seed game {name[13:]}")
        evo = _run(kind, size, False, limit)
        base = _run(kind, size, True, limit)
        same = None if base is None or evo is None else base["classes"] == evo["classes"]
        rows.append(_row(name, f"analyze, {what}, cold, CPU time: numeric faces vs sympy on every face "
                         f"(baseline stopped after {limit:g} s)",
                         None if evo is None else evo["cpu"], None if base is None else base["cpu"],
                         f"< {goal:g} s CPU", 1.0, goal,
                         timings={"rest_points": None if evo is None else evo["points"],
                                  "baseline_over_limit": base is None,
                                  "same_points_and_classes_as_baseline": same}))
        if base is None and evo is not None:     # the baseline did not finish: at least limit / evogame
            rows[-1]["ratio"] = limit / evo["cpu"]
            rows[-1]["goal_met"] = evo["cpu"] < goal
            rows[-1]["ratio_is_lower_bound"] = True
    return rows
