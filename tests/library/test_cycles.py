"""Limit cycles continued from Hopf points: closed forms of the Hopf normal form, simulation, an independent
shooting method (scipy's solve_ivp with a Poincare section), the boundary and the degenerate centre."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import sympy
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

from evogame import simulate
from evogame.studies.continuation import Branch, Continuation, Point, SpecialPoint, continue_rest_points
from evogame.studies.continuation.cycles import FACE_SHARE, continue_cycles
from evogame.studies.continuation.floquet import NON_HYPERBOLIC, STABLE, UNSTABLE, multipliers
from evogame.studies.continuation.lyapunov import first_lyapunov_coefficient
from evogame.solvers.continuation_system import ContinuationSystem
from evogame.dynamics import derive
from evogame.game import Game, Population
from evogame.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
CENTRE = 1 / 3


class _NormalForm:
    """The Hopf normal form ``z' = (mu + i omega) z + a z |z|^2`` around the centre of the simplex, written in
    two shares (x, y): a game-like planar system whose cycles are known exactly -- radius ``sqrt(-mu/a)``,
    period ``2 pi / omega``, nontrivial multiplier ``exp(-2 mu T)``."""

    faces_invariant = False

    def __init__(self, a: float, omega: float, b: float = 0.0):
        x, y, mu = sympy.symbols("x y mu", real=True)
        u, v = x - sympy.Rational(1, 3), y - sympy.Rational(1, 3)
        r2 = u ** 2 + v ** 2
        self.variables, self.parameters = (x, y), (mu,)
        radial = mu + a * r2 + b * r2 ** 2          # r' = r (mu + a r^2 + b r^4), theta' = omega
        self.vector_field = sympy.Matrix([radial * u - omega * v, omega * u + radial * v])
        self.jacobian = self.vector_field.jacobian([x, y])

    def parameter_vector(self, values):
        return np.array([float(values[str(s)]) for s in self.parameters])


class _Bottleneck(_NormalForm):
    """``r' = r (mu - r^2)``, ``theta' = omega - c u``: on the cycle ``r^2 = mu`` the angle obeys
    ``theta' = omega - c sqrt(mu) cos(theta)``, period ``2 pi / sqrt(omega^2 - c^2 mu)``, which grows without bound
    as ``mu -> (omega / c)^2`` (a saddle-node appears on the cycle)."""

    def __init__(self, omega: float, c: float):
        x, y, mu = sympy.symbols("x y mu", real=True)
        u, v = x - sympy.Rational(1, 3), y - sympy.Rational(1, 3)
        r2 = u ** 2 + v ** 2
        self.variables, self.parameters = (x, y), (mu,)
        turn = omega - c * u
        self.vector_field = sympy.Matrix([(mu - r2) * u - turn * v, (mu - r2) * v + turn * u])
        self.jacobian = self.vector_field.jacobian([x, y])


def _normal_form_cycles(a: float, omega: float, interval, b: float = 0.0, field=None):
    game = Game.symmetric(Population("p", ("r", "s", "t")), [[0, 0, 0]] * 3)
    system = ContinuationSystem(field or _NormalForm(a, omega, b), "mu", {"mu": 0.0})
    x = np.array([CENTRE, CENTRE])
    hopf = first_lyapunov_coefficient(system.jacobian(x, 0.0), system.second(x, 0.0), system.third(x, 0.0))
    point = Point(0.0, x, np.linalg.eigvals(system.jacobian(x, 0.0)), "non-hyperbolic", 1e-12, 0.0, "Hopf")
    special = SpecialPoint("Hopf", "H", 1, 0.0, point, hopf=hopf)
    branch = Branch(1, "interior", ((0, 1, 2),), "normal form", [point], ("", ""), [special])
    result = Continuation("normal form", "normal form", "mu", [], interval, {}, ["x", "y"], [branch], [], game,
                          system)
    (cycles,), notes = continue_cycles(result)
    return hopf, cycles


@pytest.mark.parametrize("a, interval, verdict", [(-1.0, (-0.05, 0.05), STABLE), (1.0, (-0.05, 0.05), UNSTABLE)])
def test_normal_form_cycles_have_the_closed_form_radius_period_and_multiplier(a, interval, verdict):
    omega = 2.0
    hopf, branch = _normal_form_cycles(a, omega, interval)
    assert hopf.l1 == pytest.approx(2 * a / omega, rel=1e-10)
    assert len(branch.cycles) > 10 and branch.end == "interval end"
    for c in branch.cycles:
        mu = c.parameter
        assert np.sign(mu) == -np.sign(a)                     # supercritical: after the Hopf point; sub: before
        radius = np.sqrt(2 * abs(mu) / (omega * abs(hopf.l1)))  # sqrt(mu / |l1|) in Kuznetsov's normalisation
        assert radius == pytest.approx(np.sqrt(-mu / a), rel=1e-12)
        assert (c.maximum[0] - c.minimum[0]) / 2 == pytest.approx(radius, rel=1e-7)
        assert c.period == pytest.approx(2 * np.pi / omega, rel=1e-9)
        assert abs(c.floquet.trivial - 1) < 1e-8
        (mult,) = c.floquet.nontrivial
        assert mult.real == pytest.approx(np.exp(-2 * mu * c.period), rel=1e-7)
        if abs(mult - 1) > 1e-5:
            assert c.stability == verdict
    assert branch.cycles[-1].stability == verdict


def test_fold_of_cycles_is_detected_where_the_subcritical_branch_turns_stable():
    # r' = r (mu + a r^2 + b r^4), a > 0 > b: the unstable cycles born at mu = 0 turn at mu = a^2 / (4 b)
    # (r^2 = -a / (2 b)) into stable ones; the nontrivial multiplier is exp(T (2 a r^2 + 4 b r^4))
    a, b, omega = 10.0, -400.0, 2.0
    _, branch = _normal_form_cycles(a, omega, (-0.1, 0.01), b)
    (fold,) = branch.special
    assert fold.kind == "LPC"
    # located (regula falsi with the collocation solved at each trial), not interpolated between two cycles
    assert fold.parameter == pytest.approx(a * a / (4 * b), abs=1e-8)
    assert fold.note.startswith("the parameter turns") and "located at" in fold.note
    r2 = ((fold.maximum[0] - fold.minimum[0]) / 2) ** 2
    assert r2 == pytest.approx(-a / (2 * b), abs=1e-5)
    (mult,) = fold.floquet.nontrivial
    assert abs(mult - 1) < 1e-5                              # the nontrivial multiplier at +1
    before = branch.cycles[:branch.cycles.index(fold)]
    after = branch.cycles[branch.cycles.index(fold) + 1:]
    assert {c.stability for c in before[3:]} == {UNSTABLE} and {c.stability for c in after[1:]} == {STABLE}
    for c in branch.cycles:
        r2 = ((c.maximum[0] - c.minimum[0]) / 2) ** 2
        assert c.parameter == pytest.approx(-a * r2 - b * r2 * r2, abs=1e-9)
        (mult,) = c.floquet.nontrivial
        assert mult.real == pytest.approx(np.exp(c.period * (2 * a * r2 + 4 * b * r2 * r2)), rel=1e-6, abs=1e-12)


def test_a_cycle_branch_between_two_hopf_points_ends_at_the_second_one():
    # r' = r (mu (c - mu) - r^2), theta' = omega: a rest point with Hopf points at mu = 0 and mu = c, joined by one
    # branch of stable cycles of radius sqrt(mu (c - mu)), period 2 pi / omega.  The parameter never turns: the
    # branch shrinks back to the rest point at mu = c and ends there (no fold of cycles), and the second Hopf point
    # is not continued again
    c, omega = 0.4, 2.0
    field = _NormalForm(-1.0, omega)
    mu = field.parameters[0]
    x, y = field.variables
    u, v = x - sympy.Rational(1, 3), y - sympy.Rational(1, 3)
    radial = mu * (c - mu) - (u ** 2 + v ** 2)
    field.vector_field = sympy.Matrix([radial * u - omega * v, omega * u + radial * v])
    field.jacobian = field.vector_field.jacobian([x, y])
    game = Game.symmetric(Population("p", ("r", "s", "t")), [[0, 0, 0]] * 3)
    system = ContinuationSystem(field, "mu", {"mu": 0.0})
    centre = np.array([CENTRE, CENTRE])
    points, specials = [], []
    for value in (0.0, c):
        hopf = first_lyapunov_coefficient(system.jacobian(centre, value), system.second(centre, value),
                                          system.third(centre, value))
        point = Point(value, centre, np.linalg.eigvals(system.jacobian(centre, value)), "non-hyperbolic", 1e-12,
                      0.0, "Hopf")
        points.append(point)
        specials.append(SpecialPoint("Hopf", "H", 1, value, point, hopf=hopf))
    branch = Branch(1, "interior", ((0, 1, 2),), "normal form", points, ("", ""), specials)
    result = Continuation("two Hopf points", "normal form", "mu", [], (-0.05, c + 0.05), {}, ["x", "y"], [branch],
                          [], game, system)
    (cycles,), notes = continue_cycles(result)
    assert cycles.end.startswith("the orbit shrinks back to a rest point: it joins the Hopf point at mu = 0.4")
    assert not cycles.special and cycles.joins is specials[1]
    assert len(notes) == 1 and "0.4" in notes[0] and "not continued again" in notes[0]
    *inner, last = cycles.cycles
    assert last.parameter == c and np.all(last.maximum == last.minimum)
    assert last.period == pytest.approx(2 * np.pi / omega, rel=1e-12)
    parameters = [cyc.parameter for cyc in inner]
    assert np.all(np.diff(parameters) > 0) and parameters[-1] > c - 1e-2
    for cyc in inner[1:]:
        radius = np.sqrt(cyc.parameter * (c - cyc.parameter))
        assert (cyc.maximum[0] - cyc.minimum[0]) / 2 == pytest.approx(radius, rel=1e-7)
        assert cyc.period == pytest.approx(2 * np.pi / omega, rel=1e-9)


def test_a_period_growing_without_bound_is_reported_and_not_followed():
    omega, c = 1.0, 10.0
    _, branch = _normal_form_cycles(-1.0, omega, (-0.002, 0.0101), field=_Bottleneck(omega, c))
    assert branch.end.startswith("the period grows without bound")
    last = branch.cycles[-1]
    assert last.period >= 10 * 2 * np.pi / omega and last.parameter < (omega / c) ** 2
    for cyc in branch.cycles:
        # an orbit that lingers on a uniform mesh: the period to 2e-5 (the mesh is halved while the trivial
        # multiplier is off 1 by more than 1e-6)
        assert cyc.period == pytest.approx(2 * np.pi / np.sqrt(omega ** 2 - c * c * cyc.parameter), rel=2e-5)


def test_multiplier_verdicts_and_the_trivial_multiplier():
    rotation = np.array([[np.cos(1.0), -np.sin(1.0)], [np.sin(1.0), np.cos(1.0)]])
    for inner, verdict in ((0.5, STABLE), (2.0, UNSTABLE), (1.0, NON_HYPERBOLIC)):
        M = np.zeros((4, 4))
        M[0, 0], M[1, 1], M[2:, 2:] = 1.0, 0.3, inner * rotation
        m = multipliers(M)
        assert m.trivial == pytest.approx(1.0) and m.stability == verdict
        assert sorted(np.abs(m.nontrivial).round(12)) == sorted([0.3, inner, inner])


@pytest.fixture(scope="module")
def logit_rps():
    rps = load_scenario(SCENARIOS / "rps.toml")
    return rps, continue_rest_points(rps, "l", (1.0, 2.5), dynamics="logit:eta=0.1")


def _crossings(times, values, level):
    """Times where ``values`` crosses ``level`` upwards (linear interpolation)."""
    k = np.flatnonzero((values[:-1] < level) & (values[1:] >= level))
    w = (level - values[k]) / (values[k + 1] - values[k])
    return times[k] + w * (times[k + 1] - times[k])


def test_logit_rps_cycle_period_and_amplitude_agree_with_a_long_simulation(logit_rps):
    rps, result = logit_rps
    (branch,) = result.cycles
    assert branch.hopf_parameter == pytest.approx(1.6, abs=1e-8)       # l = w + 6 eta
    assert branch.cycles[0].period == pytest.approx(2 * np.pi / (np.sqrt(3) * 2.6 / 0.6), rel=1e-3)
    cycle = min(branch.cycles, key=lambda c: abs(c.parameter - 2.0))
    assert cycle.stability == STABLE                                   # supercritical: a stable cycle
    path = simulate(rps, [np.array([0.4, 0.3])], 60.0, params={"l": cycle.parameter}, dynamics="logit:eta=0.1",
                    n_points=120001, rtol=1e-11, atol=1e-13)
    times, states = path.times, path.paths[0]
    tail = times >= 20.0
    up = _crossings(times[tail], states[tail, 0], CENTRE)
    period = (up[-1] - up[0]) / (len(up) - 1)
    assert period == pytest.approx(cycle.period, rel=1e-4)
    shares = np.column_stack([states[tail], 1 - states[tail].sum(axis=1)])
    assert shares.min(axis=0) == pytest.approx(cycle.minimum, abs=1e-5)
    assert shares.max(axis=0) == pytest.approx(cycle.maximum, abs=1e-5)


def _shooting(dyn, values, cycle):
    """Independent baseline: the cycle through the section ``x = 1/3`` (crossing upwards) by a Poincare map,
    integrated with scipy's solve_ivp (DOP853); returns the period and, for a planar field, the nontrivial
    multiplier ``exp(int div F dt)`` (Liouville)."""
    subs = {s: values[str(s)] for s in dyn.parameters}
    field = dyn.vector_field.xreplace(subs)
    divergence = sum(field[i].diff(v) for i, v in enumerate(dyn.variables))
    fn = sympy.lambdify(list(dyn.variables), [*field, divergence], modules="math")

    def rhs(t, y):
        return fn(y[0], y[1])

    def section(t, y):
        return y[0] - CENTRE
    section.direction, section.terminal = 1.0, True

    def ret(yc):
        # half a period without the section (the start lies on it), then to the next upward crossing
        half = solve_ivp(rhs, (0, cycle.period / 2), [CENTRE, yc, 0.0], method="DOP853", rtol=1e-12, atol=1e-14)
        sol = solve_ivp(rhs, (half.t[-1], 3 * cycle.period), half.y[:, -1], method="DOP853", rtol=1e-12,
                        atol=1e-14, events=section)
        return sol.y_events[0][0], sol.t_events[0][0]

    on = cycle.orbit[np.abs(cycle.orbit[:, 0] - CENTRE) < 0.05]
    y0 = float(np.min(on[:, 1]))           # a point of the orbit near the section, where x grows (below the centre)
    y = brentq(lambda yc: ret(yc)[0][1] - yc, y0 - 0.02, y0 + 0.02, xtol=1e-14)
    state, period = ret(y)
    return period, float(np.exp(state[2]))


def _positive_rps():
    l = sympy.Symbol("l", real=True)
    return Game.symmetric(Population("p", ("r", "s", "t")), [[3, 3 - l, 4], [4, 3, 3 - l], [3 - l, 4, 3]], {"l": 1})


@pytest.mark.parametrize("game, dynamics, interval, others", [
    ("rps", "logit:eta=0.1", (1.0, 2.5), {"w": 1.0}),
    ("rps", "logit:eta=0.3", (1.0, 4.0), {"w": 1.0}),
    ("positive", "mutator:mu=0.01", (0.5, 2.0), {}),
])
def test_cycle_periods_and_multipliers_agree_with_independent_shooting(game, dynamics, interval, others):
    subject = load_scenario(SCENARIOS / "rps.toml") if game == "rps" else _positive_rps()
    result = continue_rest_points(subject, "l", interval, dynamics=dynamics)
    (branch,) = result.cycles
    dyn = derive(subject if game != "rps" else subject.game, dynamics)
    # the Hopf point, independently: the trace of the Jacobian at the centre (a rest point of these symmetric
    # families for every l) vanishes, by root finding on the symbolic trace
    lsym = next(p for p in dyn.parameters if str(p) == "l")
    centre = {v: sympy.Rational(1, 3) for v in dyn.variables}
    others_subs = {p: others[str(p)] for p in dyn.parameters if str(p) != "l"}
    trace = sum(dyn.vector_field[i].diff(v) for i, v in enumerate(dyn.variables)).xreplace(centre).xreplace(others_subs)
    hopf = brentq(sympy.lambdify(lsym, trace, modules="math"), *interval, xtol=1e-14)
    assert branch.hopf_parameter == pytest.approx(hopf, abs=1e-6)
    picks = branch.cycles[len(branch.cycles) // 4::len(branch.cycles) // 3][:3]
    for cycle in picks:
        period, multiplier = _shooting(dyn, {**others, "l": cycle.parameter}, cycle)
        assert cycle.period == pytest.approx(period, rel=1e-6)
        (mine,) = cycle.floquet.nontrivial
        assert abs(mine) == pytest.approx(multiplier, rel=1e-5, abs=1e-9)


def test_replicator_rps_centre_has_no_cycle_branch():
    result = continue_rest_points(load_scenario(SCENARIOS / "rps.toml"), "w", (0.5, 1.5))
    assert result.cycles == []
    assert any("first integral" in n and "no isolated limit cycle" in n for n in result.notes)


def test_a_cycle_reaching_the_boundary_is_reported_and_not_followed():
    # with little mutation the RPS cycle grows towards the heteroclinic cycle of the corners
    result = continue_rest_points(_positive_rps(), "l", (0.5, 2.5), dynamics="mutator:mu=0.0001")
    (branch,) = result.cycles
    assert branch.end.startswith("the cycle reaches a face")
    last = branch.cycles[-1]
    assert last.minimum.min() < FACE_SHARE <= min(c.minimum.min() for c in branch.cycles[:-1])
    assert last.parameter < 2.5
    assert "reaches a face" in result.table()


def test_cycles_are_in_the_json_table_and_dataframe(logit_rps):
    _, result = logit_rps
    data = json.loads(json.dumps(result.to_dict()))
    (branch,) = data["cycles"]
    assert branch["hopf_parameter"] == pytest.approx(1.6) and len(branch["cycles"]) == len(result.cycles[0].cycles)
    first = branch["cycles"][0]
    assert set(first["minimum"]) == {"players:rock", "players:paper", "players:scissors"}
    assert first["stability"] in (STABLE, NON_HYPERBOLIC)
    assert "Limit cycles" in result.table() and "C1: from H at 1.6" in result.table()
    last = result.cycles[0].cycles[-1]
    assert last.kind == "end" and last.parameter == pytest.approx(2.5, abs=1e-12)     # solved at the end itself
    pytest.importorskip("pandas")
    frame = result.cycles[0].to_dataframe()
    assert len(frame) == len(result.cycles[0].cycles) and "max players:rock" in frame.columns


def test_boundary_points_print_and_serialise_exactly_on_the_face():
    vertical = load_scenario(SCENARIOS / "vertical.toml")
    result = continue_rest_points(vertical, mechanism="dynamic_penalty")
    (entry,) = [s for s in result.special_points if s.kind == "boundary" and abs(s.parameter - 1 / 3) < 1e-8]
    assert entry.state[1] == 0.0 and entry.to_dict()["state"][1] == 0.0
    assert "e-1" not in result.table() and "e-2" not in result.table() and "e-3" not in result.table()


def test_continue_command_prints_the_cycles_unless_told_not_to():
    from helpers import invoke

    args = ["continue", SCENARIOS / "rps.toml", "--sweep", "l=1:2", "--dynamics", "logit:eta=0.1"]
    with_cycles, without = invoke(args), invoke(args + ["--no-cycles"])
    assert with_cycles.exit_code == 0 and without.exit_code == 0
    assert "C1: from H at 1.6" in with_cycles.stdout and "Limit cycles" not in without.stdout
    data = json.loads(invoke(args + ["--json"]).stdout)
    assert data["cycles"][0]["cycles"][-1]["parameter"] == pytest.approx(2.0)


@pytest.mark.parametrize("radius", [0.9, 1.1])
def test_neimark_sacker_test_function_is_the_pairs_distance_to_the_unit_circle(radius):
    from evogame.studies.continuation.cycle_tracer import _ns_test

    # monodromy: the trivial multiplier 1, a complex pair radius * e^(+-i), a real multiplier 0.5
    rotation = radius * np.array([[np.cos(1.0), -np.sin(1.0)], [np.sin(1.0), np.cos(1.0)]])
    M = np.zeros((4, 4))
    M[0, 0], M[1:3, 1:3], M[3, 3] = 1.0, rotation, 0.5
    assert _ns_test(multipliers(M)) == pytest.approx(radius ** 2 - 1.0, rel=1e-12)
