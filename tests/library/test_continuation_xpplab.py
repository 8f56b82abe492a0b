"""Hopf points, limit-cycle periods, folds and two-parameter Hopf and fold curves against AUTO, an independent
continuation tool: XPPAUT 8's AUTO engine through xpplab (the ``baselines`` extra).

Licence: xpplab is GPL-2.0-or-later (XPPAUT's own C code).  It is an optional test and benchmark baseline only:
evogame never imports it, and these tests are skipped with their reason where it is not installed.  The field
goes to AUTO as the text of an XPPAUT ``.ode`` file (``xpp_export.py`` beside this module), so the two share no
code: AUTO differentiates the field by its own finite differences, locates Hopf points and folds with its own test
functions, and computes the cycles by its own orthogonal collocation.

Three games, each with Hopf points and a branch of limit cycles: the logit dynamics of Rock-Paper-Scissors
(``scenarios/rps.toml``, at two noise levels), Rock-Paper-Scissors with positive payoffs under the replicator with
mutation, and the three-population ``scenarios/tripartite_sharing.toml`` under the logit dynamics in ``R`` (two
supercritical Hopf points joined by one branch of cycles); that game's folds in ``b``, ``c_B`` and ``lambda``, its
Hopf curve in ``(R, c_C)`` and fold curves in ``(b, c_B)``.  Agreement asked: parameters of special points to 1e-6,
periods to 1e-4 (relative); met with room (the parameters within 1e-9, the periods within 2e-6).  The two tests
at the end held the two disagreements found with AUTO (issue 21: a cycle branch that joins a second Hopf point, a
logit branch whose shares fall to rounding level); evogame now does what AUTO shows.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import sympy

from evogame.dynamics import derive
from evogame.game import Game, Population
from evogame.solvers.continuation_system import ContinuationSystem
from evogame.scenario import load_scenario
from evogame.studies.continuation import continue_rest_points
from evogame.studies.continuation.curves import continue_curves

pytest.importorskip("xpplab", reason="xpplab (the 'baselines' extra) is not installed")

from xpp_export import (auto_branch, auto_model, cycle_branch, fold_points, hopf_points,  # noqa: E402
                        two_parameter_curve, value_at)

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
#: the asked agreement: parameter values of special points (absolute), periods (relative)
PARAMETER_TOL, PERIOD_TOL = 1e-6, 1e-4


def _positive_rps():
    """Rock-Paper-Scissors plus 3 (positive payoffs, so that mutation is defined), win 1, loss l."""
    l = sympy.Symbol("l", real=True)
    matrix = [[3, 3 - l, 4], [4, 3, 3 - l], [3 - l, 4, 3]]
    return Game.symmetric(Population("p", ("r", "s", "t")), matrix, {"l": 1})


def _subject(name):
    return _positive_rps() if name == "positive_rps" else load_scenario(SCENARIOS / f"{name}.toml")


def _auto_on(result, branch):
    """An xpplab model of the continued field, started at ``branch``'s first point (a rest point evogame found)."""
    start = branch.points[0]
    return auto_model(result.system.dynamics, {**result.values, result.parameter: start.parameter}, start.state,
                      title=f"{result.game}, {result.dynamics}")


@pytest.mark.parametrize("name, dynamics, parameter", [
    ("rps", "logit:eta=0.1", "l"), ("positive_rps", "mutator:mu=0.01", "l"),
    ("tripartite_sharing", "logit:eta=0.1", "R"), ("tripartite_sharing", "replicator", "c_C"),
])
def test_the_exported_ode_file_is_the_dynamics_field(name, dynamics, parameter):
    # XPP's own parser and evaluator on the exported text against evogame's compiled field, at random states and
    # values of the continued parameter: the export carries the field, its parameters and their values
    subject = _subject(name)
    game = subject if isinstance(subject, Game) else subject.game
    dyn = derive(game, dynamics)
    values = game.values()
    system = ContinuationSystem(dyn, parameter, values)
    rng = np.random.default_rng(21)
    model, ode = auto_model(dyn, values, np.full(len(dyn.variables), 0.5))
    for _ in range(5):
        state, lam = rng.uniform(0.05, 0.95, len(dyn.variables)), float(rng.uniform(0.5, 3.0))
        model.set(**{ode.parameters[parameter]: lam})
        np.testing.assert_allclose(model.rhs(state), system.field(state, lam), rtol=1e-12, atol=1e-14)


CYCLE_CASES = [
    ("rps", "logit:eta=0.1", "l", (1.0, 2.5)),
    ("rps", "logit:eta=0.3", "l", (1.0, 4.0)),
    ("positive_rps", "mutator:mu=0.01", "l", (0.5, 2.0)),
    # the two Hopf points of the three-population game, each with the stretch of its cycle branch inside the interval
    ("tripartite_sharing", "logit:eta=0.1", "R", (2.0, 4.0)),
    ("tripartite_sharing", "logit:eta=0.1", "R", (7.0, 4.5)),
]


@pytest.mark.parametrize("name, dynamics, parameter, interval", CYCLE_CASES)
def test_hopf_points_and_cycle_periods_agree_with_auto(name, dynamics, parameter, interval):
    result = continue_rest_points(_subject(name), parameter, interval, dynamics=dynamics)
    (cycles,) = result.cycles
    branch = next(b for b in result.branches if b.index == cycles.hopf_branch)
    ours = [s.parameter for s in branch.special if s.label == "H"]
    model, ode = _auto_on(result, branch)
    theirs = hopf_points(model, ode, parameter, interval)
    assert len(theirs) == len(ours) == 1
    assert theirs[0].value == pytest.approx(ours[0], abs=PARAMETER_TOL)
    values, periods, points = cycle_branch(model, theirs[0])
    # AUTO's branch has no fold, period doubling or torus point inside the interval; nor has evogame's
    lo, hi = sorted(interval)
    assert not [p for p in points if p.type in ("LP", "PD", "TR") and lo <= p.value <= hi]
    assert not cycles.special
    picks = cycles.cycles[len(cycles.cycles) // 4::len(cycles.cycles) // 3][:3]
    assert len(picks) == 3 and len({round(c.parameter, 3) for c in picks}) == 3
    for cycle in picks:
        assert cycle.period == pytest.approx(value_at(values, periods, cycle.parameter), rel=PERIOD_TOL)


@pytest.mark.parametrize("parameter, interval", [("b", (0.0, 20.0)), ("c_B", (0.0, 20.0)), ("lambda", (0.0, 1.0))])
def test_tripartite_logit_folds_agree_with_auto(parameter, interval):
    # the logit branch of (loose, not, not) bends back twice (an S): AUTO, from each branch's start, turns at
    # both folds; evogame lists the folds of each branch it traced
    result = continue_rest_points(_subject("tripartite_sharing"), parameter, interval, dynamics="logit:eta=0.1",
                                  cycles=False)
    ours = [s.parameter for s in result.special_points if s.label == "LP"]
    assert len({round(v, 6) for v in ours}) == 2
    for branch in result.branches:
        model, ode = _auto_on(result, branch)
        theirs = [p.value for p in fold_points(model, ode, parameter, interval)]
        assert len(theirs) == 2
        for value in theirs:
            assert min(abs(value - v) for v in ours) <= PARAMETER_TOL
        for value in ours:
            assert min(abs(value - v) for v in theirs) <= PARAMETER_TOL


def _assert_on_auto_curve(curve, theirs):
    """A few of evogame's curve points lie on AUTO's curve: the first parameter at the point's second one,
    interpolated between AUTO's four nearest points, to the asked 1e-6."""
    picks = curve.points[1:-1:max(1, len(curve.points) // 5)]
    assert len(picks) >= 4
    for p in picks:
        assert p.first == pytest.approx(value_at(theirs[:, 1], theirs[:, 0], p.second), abs=PARAMETER_TOL)


def test_tripartite_hopf_curve_agrees_with_auto_two_parameter_continuation():
    game = _subject("tripartite_sharing")
    curves = continue_curves(game, "R", (2.4, 3.0), "c_C", (2.8, 3.2), dynamics="logit:eta=0.1")
    (curve,) = [c for c in curves.curves if c.kind == "Hopf"]
    result = continue_rest_points(game, "R", (2.0, 4.0), dynamics="logit:eta=0.1", cycles=False)
    model, ode = _auto_on(result, result.branches[0])
    (hopf,) = hopf_points(model, ode, "R", (2.0, 4.0))
    theirs = two_parameter_curve(model, ode, hopf, "c_C", (2.7, 3.3))
    assert theirs[0, 1] < 2.8 and theirs[-1, 1] > 3.2      # AUTO's curve spans evogame's window
    _assert_on_auto_curve(curve, theirs)


def test_tripartite_fold_curves_agree_with_auto_two_parameter_continuation():
    # the two folds of the S-shaped logit branch in b, each followed in c_B: two curves, not meeting in the window
    game = _subject("tripartite_sharing")
    curves = continue_curves(game, "b", (2.5, 3.8), "c_B", (2.8, 3.2), dynamics="logit:eta=0.1")
    ours = sorted((c for c in curves.curves if c.kind == "fold"), key=lambda c: c.points[0].first)
    result = continue_rest_points(game, "b", (0.0, 20.0), dynamics="logit:eta=0.1", cycles=False)
    model, ode = _auto_on(result, result.branches[0])
    folds = sorted(fold_points(model, ode, "b", (0.0, 20.0)), key=lambda p: p.value)
    assert len(ours) == len(folds) == 2
    for curve, fold in zip(ours, folds):
        theirs = two_parameter_curve(model, ode, fold, "c_B", (2.7, 3.3))
        assert theirs[0, 1] < 2.8 and theirs[-1, 1] > 3.2
        _assert_on_auto_curve(curve, theirs)


@pytest.fixture(scope="module")
def tripartite_in_r():
    """The tripartite logit game's rest points in R over both Hopf points (no cycles: each test asks its own)."""
    return continue_rest_points(_subject("tripartite_sharing"), "R", (2.0, 7.0), dynamics="logit:eta=0.1",
                                cycles=False)


def test_auto_joins_the_two_tripartite_hopf_points_by_one_cycle_branch(tripartite_in_r):
    # AUTO's cycles from the first Hopf point: the parameter grows monotonically up to the second Hopf point,
    # where the orbit shrinks to the rest point and AUTO marks the junction with the rest points' branch (BP)
    result = tripartite_in_r
    hopf = sorted(s.parameter for s in result.special_points if s.label == "H")
    assert len(hopf) == 2
    model, ode = _auto_on(result, result.branches[0])
    first, second = hopf_points(model, ode, "R", (2.0, 7.0))
    assert [first.value, second.value] == pytest.approx(hopf, abs=PARAMETER_TOL)
    values, _, points = cycle_branch(model, first)
    junction = next(k for k, p in enumerate(points) if p.type == "BP")
    assert points[junction].value == pytest.approx(hopf[1], abs=PARAMETER_TOL)
    assert np.all(np.diff(values[:junction + 1]) > 0)
    assert not [p for p in points[:junction] if p.type in ("LP", "PD", "TR")]


@pytest.mark.slow                 # 79 cycles of a three-dimensional field: the slowest test here (about 7 s)
def test_tripartite_cycle_branch_ends_at_the_second_hopf_point_without_a_fold(tripartite_in_r):
    from evogame.studies.continuation.cycles import CycleSettings, continue_cycles

    hopf = sorted(s.parameter for s in tripartite_in_r.special_points if s.label == "H")
    branches, _ = continue_cycles(tripartite_in_r, CycleSettings(max_cycles=100))
    first = next(b for b in branches if abs(b.hopf_parameter - hopf[0]) < PARAMETER_TOL)
    assert not first.special                                 # AUTO: no fold between the two Hopf points
    assert first.end.startswith("the orbit shrinks back to a rest point")
    assert first.cycles[-1].parameter == pytest.approx(hopf[1], abs=1e-4)


def test_a_logit_branch_does_not_leave_the_state_space():
    result = continue_rest_points(_subject("tripartite_sharing"), "b", (0.0, 20.0), dynamics="logit:eta=0.1",
                                  cycles=False)
    first = result.branches[0]
    model, ode = _auto_on(result, first)
    run = auto_branch(model, ode, "b", (0.0, 20.0))
    # AUTO from the same start: every share positive along the whole S, through both folds
    assert min(min(p.u0.values()) for p in run) > 0 and len(run.special("LP")) == 2
    assert not any("boundary" in end for end in first.ends)
    assert len([s for s in first.special if s.label == "LP"]) == 2
