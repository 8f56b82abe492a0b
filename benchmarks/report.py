"""``evogame report`` of a whole scenario as one process, CPU time (issue 20 point 19).

* ``report_tripartite``: ``evogame report scenarios/tripartite_sharing.toml`` (the shipped 2x2x2 game:
  12 parameters, 4 mechanisms, every figure kind, SVG and PDF); goal < 20 s CPU (user + sys).
* ``report_vertical``: the same for game 1 (``vertical.toml``), as context.

Each report runs as its own process (imports, analysis, symbolic section, thresholds, figures, document),
its CPU time read from ``getrusage(RUSAGE_CHILDREN)``.  The baseline is the same command on the code
before this work (``git archive`` of :data:`BASELINE_REF` into a temporary directory), run interleaved
with evogame's (evogame, baseline, evogame, ...) so that both see the same load; the figures are medians
over the rounds.  The baseline is skipped where git or the commit is not available.
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from .common import ROOT, _row

#: the commit before issue 20 point 19's work (the branch point)
BASELINE_REF = os.environ.get("EVOGAME_REPORT_BASELINE", "08eede7")
GOAL_S = 20.0


def _children_cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def _report_cpu(code: Path, scenario: str, out: Path) -> float:
    """CPU seconds (user + sys) of one ``evogame report`` process run from ``code``."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    before = _children_cpu()
    subprocess.run([sys.executable, "-m", "evogame.cli", "report", str(ROOT / "scenarios" / f"{scenario}.toml"),
                    "-o", str(out)], cwd=code, env=env, check=True, capture_output=True)
    return _children_cpu() - before


def _baseline_tree(tmp: Path) -> Path | None:
    """The code at :data:`BASELINE_REF`, unpacked into ``tmp`` (None without git or the commit)."""
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", BASELINE_REF], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return tmp


def _median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else 0.5 * (xs[n // 2 - 1] + xs[n // 2])


def bench_report(quick: bool) -> list[dict]:
    cases = [("vertical", "report_vertical", None)] if quick else \
        [("tripartite_sharing", "report_tripartite", GOAL_S), ("vertical", "report_vertical", None)]
    rounds = 1 if quick else 2
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        base = None
        if not quick:
            (tmp / "baseline").mkdir()
            base = _baseline_tree(tmp / "baseline")
        for scenario, name, goal in cases:
            ours, theirs = [], []
            for r in range(rounds):
                ours.append(_report_cpu(ROOT, scenario, tmp / f"{name}_{r}"))
                if base is not None:
                    theirs.append(_report_cpu(base, scenario, tmp / f"{name}_base_{r}"))
            evo = _median(ours)
            old = _median(theirs) if theirs else None
            row = _row(name, f"`evogame report scenarios/{scenario}.toml` as one process, CPU (user + sys), "
                       f"median of {rounds}; baseline: the code at {BASELINE_REF}, interleaved",
                       evo, old, f"< {goal:g} s CPU" if goal else "(context)", 1.0 if goal else None, goal,
                       timings={"evogame_cpu_s": ours, "baseline_cpu_s": theirs,
                                "load_average": os.getloadavg()[0]})
            if goal is not None:
                row["goal_met"] = evo < goal
            rows.append(row)
    return rows
