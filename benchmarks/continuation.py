"""``python -m benchmarks.continuation [--json]``: CPU time of the full one-parameter diagram of each seed game.

The diagram is :func:`evogame.continue_rest_points` -- every branch of rest points, every special point and the
limit cycles of every Hopf point -- along a mechanism's strength from 0 to 1 (the five seed games) and, for the
cycles, the logit Rock-Paper-Scissors family in ``l`` (a Hopf point and its branch of cycles); then the two-parameter
fold, Hopf and branch-point curves (:func:`~evogame.studies.continuation.curves.continue_curves`) of game 1 (branch
points: its stability boundaries) and of the logit RPS (a Hopf curve).  Times are CPU seconds
(``time.process_time``) of a first call (the sympy derivatives compiled, as a user meets it) and of a second call
in the same process (the ``analyze`` cache warm); reported, not asserted.

The baseline rows: pycont-lite (the ``baselines`` extra, when installed) from one corner per game, its branch
points compared with evogame's; and, for cycles, the independent check the tests use -- the cycle's period by a
Poincare map with ``scipy.integrate.solve_ivp`` (DOP853, rtol 1e-12) and root finding, for one cycle; and AUTO
(xpplab, the ``baselines`` extra, GPL: a test-only tool) on the logit RPS family's Hopf point and cycles.  See
benchmarks/README.md.
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np

CASES = (("vertical", "platform", None, None, None), ("vertical", "dynamic_penalty", None, None, None),
         ("dual_leadership", "incentive", None, None, None), ("hidden_collusion", "trust", None, None, None),
         ("platform_public_good", "incentive", None, None, None), ("platform_structures", "incentive", None, None, None),
         ("rps", None, "l", (1.0, 2.5), "logit:eta=0.1"))
#: two-parameter curves: game 1's branch-point curves in the back-flow rate x the measurability (the stability
#: boundaries of its corners: it has no fold or Hopf curve, see benchmarks/README.md) and the logit RPS family's
#: Hopf curve
CURVES = (("vertical", "beta", (0.0, 1.0), "m", (0.0, 1.0), None, None),
          ("rps", "l", (0.1, 2.0), "w", (0.7, 2.0), None, "logit:eta=0.1"))


def _cpu(fn):
    t0 = time.process_time()
    out = fn()
    return time.process_time() - t0, out


def _diagram(name, mechanism, parameter, interval, dynamics):
    from evogame.studies.continuation import continue_rest_points
    from evogame.scenario import load_scenario

    from .common import SCENARIOS

    scenario = load_scenario(SCENARIOS / f"{name}.toml")
    return lambda: continue_rest_points(scenario, parameter, interval, mechanism=mechanism, dynamics=dynamics)


def _shooting_period(result) -> float:
    """The period of the middle cycle of the first cycle branch, by a Poincare map (scipy only)."""
    import sympy
    from scipy.integrate import solve_ivp
    from scipy.optimize import brentq

    branch = result.cycles[0]
    cycle = branch.cycles[len(branch.cycles) // 2]
    dyn = result.system.dynamics
    values = {**result.values, result.parameter: cycle.parameter}
    field = dyn.vector_field.xreplace({s: values[str(s)] for s in dyn.parameters})
    fn = sympy.lambdify(list(dyn.variables), list(field), modules="math")
    centre = 1 / 3

    def section(t, y):
        return y[0] - centre
    section.direction, section.terminal = 1.0, True

    def ret(yc):
        half = solve_ivp(lambda t, y: fn(*y), (0, cycle.period / 2), [centre, yc], method="DOP853", rtol=1e-12,
                         atol=1e-14)
        sol = solve_ivp(lambda t, y: fn(*y), (half.t[-1], 3 * cycle.period), half.y[:, -1], method="DOP853",
                        rtol=1e-12, atol=1e-14, events=section)
        return sol.y_events[0][0][1], sol.t_events[0][0]

    near = cycle.orbit[np.abs(cycle.orbit[:, 0] - centre) < 0.05]
    y0 = float(np.min(near[:, 1]))
    y = brentq(lambda v: ret(v)[0] - v, y0 - 0.02, y0 + 0.02, xtol=1e-14)
    return ret(y)[1]


def _curves(name, first, first_interval, second, second_interval, mechanism, dynamics) -> dict:
    """CPU time of :func:`~evogame.studies.continuation.curves.continue_curves` (first call) and what it found."""
    from evogame.scenario import load_scenario
    from evogame.studies.continuation.curves import continue_curves

    from .common import SCENARIOS

    scenario = load_scenario(SCENARIOS / f"{name}.toml")
    cpu, result = _cpu(lambda: continue_curves(scenario, first, first_interval, second, second_interval,
                                               mechanism=mechanism, dynamics=dynamics))
    kinds = [c.kind for c in result.curves]
    return {"benchmark": f"curves_{name}_{first}_{second}", "cpu_first_s": round(cpu, 3),
            "curves": len(result.curves), "curve_kinds": sorted(set(kinds)),
            "curves_by_kind": {k: kinds.count(k) for k in sorted(set(kinds))},
            "faces_per_curve": [1 + len(c.also) for c in result.curves]}


#: pycont-lite (the ``baselines`` extra) from one corner per game: the same starts as its test
BASELINE = (("vertical", "platform", (1.0, 0.0)), ("hidden_collusion", "trust", (0.0, 1.0, 1.0)),
            ("platform_public_good", "incentive", (1.0,)))


def _test_module(filename: str, name: str):
    """A module of tests/library loaded by path (the baselines' helpers live beside their tests)."""
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "tests" / "library" / filename
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module         # a dataclass in it looks its module up there
    spec.loader.exec_module(module)
    return module


def _baseline() -> list[dict]:
    """CPU time of pycont-lite's continuation (with its own branch switching) from one corner per game, and the
    largest distance of its branch points from evogame's; nothing when pycont-lite is not installed."""
    try:
        import pycont.continuation  # noqa: F401
    except ImportError:
        return []
    module = _test_module("test_continuation_baseline.py", "_baseline_test")
    rows = []
    for name, mechanism, start in BASELINE:
        result = _diagram(name, mechanism, None, None, None)()
        ours = [s.parameter for s in result.special_points if s.label in ("BP", "LP")]
        cpu, theirs = _cpu(lambda: module._pycont_branch_points(result.system, start))
        rows.append({"benchmark": f"pycont_lite_{name}_{mechanism}", "cpu_first_s": round(cpu, 3),
                     "branch_points": len(theirs),
                     "max_diff": max((min(abs(v - o) for o in ours) for v in theirs), default=float("nan"))})
    return rows


#: AUTO (xpplab, the ``baselines`` extra) on the same logit RPS family as the evogame row: (scenario, parameter,
#: interval, dynamics)
XPPLAB = ("rps", "l", (1.0, 2.5), "logit:eta=0.1")


def _xpplab_baseline() -> list[dict]:
    """CPU time of AUTO (XPPAUT 8's engine through xpplab, GPL-2.0-or-later, a test-only baseline) for the logit RPS
    Hopf point and its branch of cycles -- the field exported as an ``.ode`` file, loaded, the rest points continued
    in ``l`` and the cycles from the Hopf point -- and its distance from evogame's; nothing without xpplab."""
    try:
        import xpplab  # noqa: F401
    except ImportError:
        return []
    xpp = _test_module("xpp_export.py", "_xpp_export")
    name, parameter, interval, dynamics = XPPLAB
    result = _diagram(name, None, parameter, interval, dynamics)()
    (branch,) = result.cycles
    start = next(b for b in result.branches if b.index == branch.hopf_branch).points[0]

    def auto():
        model, ode = xpp.auto_model(result.system.dynamics, {**result.values, parameter: start.parameter},
                                    start.state)
        (hopf,) = xpp.hopf_points(model, ode, parameter, interval)
        return hopf, xpp.cycle_branch(model, hopf)

    cpu, (hopf, (values, periods, _)) = _cpu(auto)
    inside = [c for c in branch.cycles if min(values) <= c.parameter <= max(values)]
    return [{"benchmark": f"xpplab_auto_{name}_{parameter}", "cpu_first_s": round(cpu, 3), "cycles": len(values),
             "hopf_diff": abs(hopf.value - branch.hopf_parameter),
             "period_rel_diff": max(abs(c.period / xpp.value_at(values, periods, c.parameter) - 1) for c in inside)}]


def run() -> list[dict]:
    rows = []
    for name, mechanism, parameter, interval, dynamics in CASES:
        call = _diagram(name, mechanism, parameter, interval, dynamics)
        first, result = _cpu(call)
        second, result = _cpu(call)
        row = {"benchmark": f"continue_{name}_{mechanism or parameter}", "cpu_first_s": round(first, 3),
               "cpu_second_s": round(second, 3), "branches": len(result.branches),
               "special_points": len(result.special_points),
               "cycles": sum(len(c.cycles) for c in result.cycles)}
        if result.cycles:
            base, period = _cpu(lambda: _shooting_period(result))
            branch = result.cycles[0]
            mine = branch.cycles[len(branch.cycles) // 2].period
            row.update({"baseline": "one cycle's period by solve_ivp shooting", "baseline_cpu_s": round(base, 3),
                        "period_rel_diff": float(abs(mine - period) / period)})
        rows.append(row)
    rows.extend(_curves(*case) for case in CURVES)
    rows.extend(_baseline())
    rows.extend(_xpplab_baseline())
    return rows


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rows = run()
    if args.json:
        print(json.dumps(rows, indent=1))
        return
    for r in rows:
        if "branch_points" in r:
            print(f"{r['benchmark']}: {r['cpu_first_s']} s CPU; {r['branch_points']} branch points, within "
                  f"{r['max_diff']:.1e} of evogame's")
            continue
        if "hopf_diff" in r:
            print(f"{r['benchmark']}: {r['cpu_first_s']} s CPU; Hopf point within {r['hopf_diff']:.1e} of evogame's, "
                  f"{r['cycles']} cycles, periods within {r['period_rel_diff']:.1e} (relative)")
            continue
        if "curves" in r:
            print(f"{r['benchmark']}: {r['cpu_first_s']} s CPU; {r['curves']} curves {r['curve_kinds']}")
            continue
        extra = (f"; baseline {r['baseline']}: {r['baseline_cpu_s']} s, period agrees to {r['period_rel_diff']:.1e}"
                 if "baseline" in r else "")
        print(f"{r['benchmark']}: {r['cpu_first_s']} s CPU first call, {r['cpu_second_s']} s second; "
              f"{r['branches']} branches, {r['special_points']} special points, {r['cycles']} cycles{extra}")


if __name__ == "__main__":
    main()
