"""Continuation of rest points: branch points, folds and Hopf points against closed forms and simulation."""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy

from evogame import analyze, simulate
from evogame.studies.continuation import continue_rest_points, first_lyapunov_coefficient
from evogame.studies.continuation.lyapunov import DEGENERATE, SUBCRITICAL, SUPERCRITICAL
from evogame.game import Game, Population, state_names
from evogame.scenario import load_scenario
from evogame.studies.mechanisms import apply
from evogame.studies.thresholds import threshold

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture(scope="module")
def vertical():
    return load_scenario(SCENARIOS / "vertical.toml")


@pytest.fixture(scope="module")
def platform(vertical):
    return continue_rest_points(vertical, mechanism="platform")


def _corner(result, label):
    return next(b for b in result.branches if b.face == label)


def test_platform_switch_at_seven_eighths_is_a_branch_point_located_to_1e8(vertical, platform):
    target = _corner(platform, "(loose, active)")
    crossings = [s for s in target.special if s.label == "BP"]
    assert len(crossings) == 1
    # the threshold study's closed form is the independent oracle: 7/8
    exact = threshold(vertical, ["platform"])
    assert exact.exact == "7/8"
    assert abs(crossings[0].parameter - 7 / 8) < 1e-8
    assert crossings[0].exact == "7/8"
    # the face's other branches that meet there: the corner (loose, passive) and the interior branch leaving
    partners = {platform.branches[i - 1].face for i in crossings[0].partners}
    assert "(loose, passive)" in partners and "(strict/loose, active/passive)" in partners


@pytest.mark.parametrize("strength", [0.05, 0.2, 0.5, 0.8, 0.87, 0.88, 0.95])
def test_corner_branches_have_the_classes_analyze_finds(vertical, platform, strength):
    applied = apply(vertical, ["platform"], Fraction(strength).limit_denominator(1000))
    found = {p.label: p.classification for p in analyze(applied).rest_points if p.is_pure}
    for branch in platform.branches:
        if branch.face in found:
            assert branch.classifications_at(strength) == [found[branch.face]], (branch.face, strength)


def test_interior_branch_enters_and_leaves_through_the_faces_at_the_exact_values(platform):
    interior = _corner(platform, "(strict/loose, active/passive)")
    ends = sorted(s.parameter for s in interior.special if s.kind == "boundary")
    # y* = 0 where (F + R_U) d(s) = c_S (d = 1/2: s = 1/3); x* = 0 where the subordinate's gain vanishes (s = 7/8)
    assert ends == pytest.approx([1 / 3, 7 / 8], abs=1e-8)
    # between them a bimatrix game's interior point is a centre: never a Hopf point, never stable
    assert not [s for s in interior.special if s.label == "H"]
    assert {s.classification for s in interior.segments()} == {"non-hyperbolic"}


def test_every_point_of_every_branch_is_a_rest_point(vertical, platform):
    work = apply(vertical, ["platform"], ("symbolic", 0)).game
    from evogame.dynamics import derive
    dyn = derive(work)
    names = [str(s) for s in dyn.parameters]
    values = {k: float(v) for k, v in work.values().items()}
    for branch in platform.branches:
        for p in branch.points:
            values["strength"] = p.parameter
            field = dyn.field(p.state, np.array([values[n] for n in names]))
            assert np.max(np.abs(field)) < 1e-10


def _fold_game(mu0):
    """One population, two strategies, f_1 - f_2 = mu0 - mu - (x - 1/2)^2: interior rest points fold at mu = mu0."""
    pop = Population("p", ("a", "b"))
    x = state_names([pop], ["mu"])["x"]
    mu = sympy.Symbol("mu", real=True)
    return Game([pop], [[mu0 - mu - (x - sympy.Rational(1, 2)) ** 2, sympy.Integer(0)]], {"mu": 0})


def test_fold_of_the_normal_form_is_located_at_its_closed_form():
    mu0 = sympy.Rational(1, 5)
    result = continue_rest_points(_fold_game(mu0), "mu", (0, 1))
    folds = [s for s in result.special_points if s.label == "LP"]
    assert folds, result.table()
    for s in folds:
        assert abs(s.parameter - 0.2) < 1e-8
        assert abs(s.state[0] - 0.5) < 1e-4         # x = 1/2 + O(sqrt(error))
    # the two interior points are one branch through the fold: stable x = 1/2 + sqrt(.), unstable the other
    interior = [b for b in result.branches if b.face == "(a/b)"]
    assert len(interior) == 1
    classes = {s.classification for s in interior[0].segments()}
    assert classes == {"asymptotically stable", "unstable source"}


def _planar_normal_form(a, omega, b=0.3):
    """x' = -omega y + (a x - b y) r^2, y' = omega x + (a y + b x) r^2 at the origin: derivatives."""
    x, y = sympy.symbols("x y")
    r2 = x ** 2 + y ** 2
    F = [-omega * y + (a * x - b * y) * r2, omega * x + (a * y + b * x) * r2]
    X = (x, y)
    at0 = {x: 0, y: 0}
    A = np.array([[float(sympy.diff(f, u).subs(at0)) for u in X] for f in F])
    B = np.array([[[float(sympy.diff(f, u, v).subs(at0)) for v in X] for u in X] for f in F])
    C = np.array([[[[float(sympy.diff(f, u, v, w).subs(at0)) for w in X] for v in X] for u in X] for f in F])
    return A, B, C


@pytest.mark.parametrize("a, omega", [(-1.0, 1.0), (0.7, 2.0), (-0.25, 0.5)])
def test_first_lyapunov_coefficient_of_the_planar_normal_form(a, omega):
    # in Kuznetsov's normalisation <q, q> = 1, x + iy = sqrt(2) z, so l1 = 2 a / omega
    h = first_lyapunov_coefficient(*_planar_normal_form(a, omega))
    assert h.omega == pytest.approx(omega)
    assert h.l1 == pytest.approx(2 * a / omega, rel=1e-12)
    assert h.verdict == (SUPERCRITICAL if a < 0 else SUBCRITICAL)


def test_a_centre_of_the_normal_form_is_degenerate():
    h = first_lyapunov_coefficient(*_planar_normal_form(0.0, 1.0))
    assert h.verdict == DEGENERATE


def test_replicator_rps_centre_is_a_degenerate_hopf_point():
    rps = load_scenario(SCENARIOS / "rps.toml")
    result = continue_rest_points(rps, "w", (0.5, 1.5))
    hopf = [s for s in result.special_points if s.label == "H"]
    assert len(hopf) == 1
    assert abs(hopf[0].parameter - 1.0) < 1e-8              # w = l
    assert hopf[0].hopf.verdict == DEGENERATE                 # a centre with a first integral: no verdict
    assert hopf[0].hopf.omega == pytest.approx(1 / np.sqrt(3), rel=1e-8)


@pytest.fixture(scope="module")
def logit_rps():
    rps = load_scenario(SCENARIOS / "rps.toml")
    return rps, continue_rest_points(rps, "l", (1.0, 2.5), dynamics="logit:eta=0.1")


def test_logit_branch_points_are_rest_points(logit_rps):
    rps, result = logit_rps
    from evogame.dynamics import derive
    dyn = derive(rps.game, "logit:eta=0.1")
    names = [str(s) for s in dyn.parameters]
    for branch in result.branches:
        for p in branch.points:
            values = {"w": 1.0, "l": p.parameter}
            assert np.max(np.abs(dyn.field(p.state, np.array([values[n] for n in names])))) < 1e-10


def test_logit_rps_hopf_point_at_its_closed_form(logit_rps):
    # at the centre the logit field's Jacobian is P A / (3 eta) - I: the pair (l - w)/(6 eta) - 1
    # +- i sqrt(3) (w + l)/(6 eta) crosses the axis at l = w + 6 eta
    _, result = logit_rps
    (hopf,) = [s for s in result.special_points if s.label == "H"]
    assert abs(hopf.parameter - 1.6) < 1e-8
    assert hopf.hopf.omega == pytest.approx(np.sqrt(3) * 2.6 / 0.6, rel=1e-8)
    assert hopf.hopf.verdict == SUPERCRITICAL


def test_logit_rps_cycle_amplitude_matches_l1_on_the_unstable_side_only(logit_rps):
    rps, result = logit_rps
    (hopf,) = [s for s in result.special_points if s.label == "H"]
    h, centre = hopf.hopf, hopf.state
    eps = 0.03
    alpha = eps / 0.6                         # d(Re lambda)/dl = 1/(6 eta)
    radius = np.sqrt(-alpha / (h.omega * h.l1))
    predicted = 2 * radius * np.abs(h.q)      # x - x* = 2 Re(z q): amplitude of each coordinate
    start = centre + np.array([0.003, -0.001])
    above = simulate(rps, [start], 300.0, params={"l": 1.6 + eps}, dynamics="logit:eta=0.1", n_points=4001)
    tail = above.paths[0, -800:]
    amplitude = (tail.max(axis=0) - tail.min(axis=0)) / 2
    assert amplitude == pytest.approx(predicted, rel=0.1)       # a small stable cycle, of the size l1 predicts
    below = simulate(rps, [centre + 4 * (start - centre)], 300.0, params={"l": 1.6 - eps},
                     dynamics="logit:eta=0.1", n_points=401)
    assert np.max(np.abs(below.paths[0, -1] - centre)) < 1e-4   # below: no cycle around the stable focus


def test_a_logit_branch_with_shares_at_rounding_level_stays_in_the_state_space_through_both_folds():
    # logit rest points solve x = softmax(f(x) / eta): every share is positive, however small (here down to 1e-20,
    # which Newton returns as +-1e-13).  From b = 0 the branch is one S through two folds to b = 20.
    from evogame.dynamics import derive
    scenario = load_scenario(SCENARIOS / "tripartite_sharing.toml")
    result = continue_rest_points(scenario, "b", (0.0, 20.0), dynamics="logit:eta=0.1", cycles=False)
    first = result.branches[0]
    assert first.ends == ("start at 0", "interval end")
    assert not [s for b in result.branches for s in b.special if s.kind == "boundary"]
    folds = sorted(s.parameter for s in first.special if s.label == "LP")
    assert len(folds) == 2 and max(p.parameter for p in first.points) == 20.0
    # a fold is where the Jacobian is singular: central differences of the field (not the continuation's Jacobian)
    dyn = derive(scenario.game, "logit:eta=0.1")
    names = [str(v) for v in dyn.parameters]
    for s in first.special:
        if s.label != "LP":
            continue
        params = np.array([{**result.values, "b": s.parameter}[n] for n in names], dtype=float)
        x, eps = s.state, 1e-6
        columns = [(dyn.field(x + e, params) - dyn.field(x - e, params)) / (2 * eps) for e in eps * np.eye(len(x))]
        singular = np.linalg.svd(np.array(columns).T, compute_uv=False)
        assert singular[-1] < 1e-6 * singular[0]
        assert np.max(np.abs(dyn.field(x, params))) < 1e-10


def test_dynamic_penalty_interior_focus_enters_through_the_face_at_one_third(vertical):
    result = continue_rest_points(vertical, mechanism="dynamic_penalty")
    interior = _corner(result, "(strict/loose, active/passive)")
    entry = [s for s in interior.special if s.kind == "boundary"]
    assert len(entry) == 1 and abs(entry[0].parameter - 1 / 3) < 1e-8 and entry[0].exact == "1/3"
    # past it the state-dependent penalty makes the interior point asymptotically stable, as analyze says
    applied = apply(vertical, ["dynamic_penalty"], Fraction(1, 2))
    (mixed,) = [p for p in analyze(applied).rest_points if p.is_interior]
    assert interior.classifications_at(0.5) == [mixed.classification] == ["asymptotically stable"]


@pytest.mark.parametrize("scenario, mechanism", [("platform_public_good", "platform"), ("vertical", "dynamic_penalty"),
                                                 ("platform_public_good", "incentive")])
def test_a_branch_leaves_the_state_space_where_a_face_branch_exchanges_stability(scenario, mechanism):
    # transcritical: where a share of a branch reaches zero it crosses the smaller face's branch, whose invasion
    # rate vanishes there -- the same parameter value, found independently on the two branches (in a degenerate
    # crossing the smaller face is a continuum at that value: its corners' invasion rates vanish there)
    result = continue_rest_points(load_scenario(SCENARIOS / f"{scenario}.toml"), mechanism=mechanism)
    boundaries = [s for s in result.special_points if s.kind == "boundary"]
    assert boundaries
    exchanges = [s for s in result.special_points if s.kind == "exchange of stability"]
    for s in boundaries:
        partners = [e for e in exchanges if abs(e.parameter - s.parameter) < 1e-8]
        assert partners, result.table()
        assert s.exact == partners[0].exact is not None


def test_a_start_exactly_at_the_switch_is_not_a_run_of_its_own(vertical):
    # at strength 7/8 the corner (loose, active) is non-hyperbolic; just above it is asymptotically stable
    result = continue_rest_points(vertical, mechanism="platform", interval=(0.875, 1.0))
    runs = _corner(result, "(loose, active)").segments()
    assert [(r.start, r.end, r.classification) for r in runs] == [(0.875, 1.0, "asymptotically stable")]
    assert any("continuum" in n for n in result.notes)      # the edge (loose) is a line of rest points there


def _positive_rps():
    """Rock-Paper-Scissors plus 3 (positive payoffs: Maynard Smith and mutation are defined), win 1, loss l."""
    l = sympy.Symbol("l", real=True)
    matrix = [[3, 3 - l, 4], [4, 3, 3 - l], [3 - l, 4, 3]]
    return Game.symmetric(Population("p", ("r", "s", "t")), matrix, {"l": 1})


def test_maynard_smith_rps_centre_is_degenerate_as_the_replicators():
    # the Maynard Smith field is the replicator's divided by the mean payoff: the same orbits, so the same centre
    result = continue_rest_points(_positive_rps(), "l", (0.5, 1.5), dynamics="maynard_smith")
    (hopf,) = [s for s in result.special_points if s.label == "H"]
    assert abs(hopf.parameter - 1.0) < 1e-8
    assert hopf.hopf.verdict == DEGENERATE


def test_mutation_makes_the_rps_hopf_point_generic_with_the_cycle_l1_predicts():
    game, dynamics = _positive_rps(), "mutator:mu=0.01"
    result = continue_rest_points(game, "l", (0.5, 1.5), dynamics=dynamics)
    (hopf,) = [s for s in result.special_points if s.label == "H"]
    h, centre = hopf.hopf, hopf.state
    assert h.verdict == SUPERCRITICAL and hopf.parameter > 1.0      # mutation stabilises the centre
    from evogame.dynamics import derive
    dyn = derive(game, dynamics)

    def growth(value):
        return np.linalg.eigvals(dyn.jacobian_at(centre, np.array([value]))).real.max()

    eps = 0.02
    alpha = eps * (growth(hopf.parameter + 1e-5) - growth(hopf.parameter - 1e-5)) / 2e-5
    predicted = 2 * np.sqrt(-alpha / (h.omega * h.l1)) * np.abs(h.q)
    above = simulate(game, [centre + [0.01, 0]], 2000.0, params={"l": hopf.parameter + eps}, dynamics=dynamics,
                     n_points=20001)
    tail = above.paths[0, -3000:]
    assert (tail.max(axis=0) - tail.min(axis=0)) / 2 == pytest.approx(predicted, rel=0.1)
    below = simulate(game, [centre + [0.01, 0]], 2000.0, params={"l": hopf.parameter - eps}, dynamics=dynamics,
                     n_points=201)
    assert np.max(np.abs(below.paths[0, -1] - centre)) < 1e-3


def test_dataframe_has_one_row_per_point(platform):
    pytest.importorskip("pandas")
    frame = platform.to_dataframe()
    assert len(frame) == sum(len(b.points) for b in platform.branches)
    crossing = frame[(frame["face"] == "(loose, active)") & (frame["kind"] == "exchange of stability")]
    assert list(crossing["strength"]) == pytest.approx([7 / 8], abs=1e-8)
