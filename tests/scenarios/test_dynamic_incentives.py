"""Dynamic (state-dependent) incentives: mechanisms and payoffs that use the
populations' shares (issue 10, part 1).

The field's known result, on game 1 (MODELS.md): with the static incentive
(reward r + 2, penalty F + 3) the vertical game has one interior rest point,
a centre; when the penalty scales with the passive share, F -> (F + 3)(1 - y),
the subordinate's payoff depends on its own share, Selten's theorem no longer
applies and the interior point is an asymptotically stable focus.  The
oracle below writes the replicator field of MODELS.md's table by hand.
"""
import json

import numpy as np
import pytest
from click.testing import CliRunner
from scipy.optimize import brentq

from conftest import SCENARIOS, load
from evogame.engine.analysis import analyze
from evogame.cli import main
from evogame.dynamics import derive
from evogame.errors import ScenarioError
from evogame.game import Game, Population
from evogame.scenario import parse_scenario
from evogame.dynamics.simulation import simulate
from evogame.solvers.stability import ASYMPTOTICALLY_STABLE, NON_HYPERBOLIC
from evogame.studies.basins import basins
from evogame.studies.compare import compare
from evogame.studies.mechanisms import apply
from evogame.studies.sweeps import sweep1d
from evogame.studies.thresholds import threshold

VERTICAL = SCENARIOS / "vertical.toml"
DEFAULTS = dict(c_D=3.0, B=4.0, beta=0.3, G=3.0, m=0.4, lam=0.3, L=5.0, c_S=2.0, d=0.4, F=2.0, R_U=2.0, r=1.0)


SCENARIO = "vertical"   # the shipped scenario of the `scenario` fixture


def hand_field(z, reward, penalty):
    """Game 1's replicator field with reward ``reward(y)`` and penalty ``penalty(y)`` (MODELS.md's table)."""
    p = DEFAULTS
    x, y = z
    F, r = penalty(y), reward(y)
    K = p["c_D"] + p["lam"] * p["L"] - p["beta"] * p["B"] - p["m"] * p["G"]
    # superior: Strict - Loose = -c_S - r y + d (F + R_U) (1 - y); subordinate: Active - Passive
    fx = -p["c_S"] - r * y + p["d"] * (F + p["R_U"]) * (1 - y)
    fy = -K + x * (r + p["d"] * F)
    return np.array([x * (1 - x) * fx, y * (1 - y) * fy])


def hand_interior(reward, penalty):
    """The interior rest point: the superior's bracket vanishes in y (one root in (0, 1)), then x."""
    p = DEFAULTS
    K = p["c_D"] + p["lam"] * p["L"] - p["beta"] * p["B"] - p["m"] * p["G"]
    y = brentq(lambda y: -p["c_S"] - reward(y) * y + p["d"] * (penalty(y) + p["R_U"]) * (1 - y), 1e-12, 1 - 1e-12)
    return np.array([K / (reward(y) + p["d"] * penalty(y)), y])


def hand_eigenvalues(z, reward, penalty, h=1e-6):
    J = np.column_stack([(hand_field(z + e, reward, penalty) - hand_field(z - e, reward, penalty)) / (2 * h)
                         for e in (np.array([h, 0.0]), np.array([0.0, h]))])
    return np.sort_complex(np.linalg.eigvals(J))


def interior_points(a):
    return [p for p in a.rest_points if p.is_interior]


# at strength 1: reward r + 2 = 3, penalty F + 3 = 5, and their dynamic forms
STATIC = dict(reward=lambda y: 3.0, penalty=lambda y: 5.0)
DYNAMIC_PENALTY = dict(reward=lambda y: 3.0, penalty=lambda y: 5.0 * (1 - y))
DYNAMIC_REWARD = dict(reward=lambda y: 3.0 * (1 - y), penalty=lambda y: 5.0)


def test_static_incentive_leaves_only_an_interior_centre(scenario):
    a = analyze(apply(scenario, ["incentive"]))
    assert a.stable == []
    (centre,) = interior_points(a)
    assert centre.classification == NON_HYPERBOLIC
    assert np.all(np.real(centre.eigenvalues) == 0) and np.all(np.abs(np.imag(centre.eigenvalues)) > 0.1)
    np.testing.assert_allclose(centre.state, hand_interior(**STATIC), atol=1e-12)


def test_dynamic_penalty_makes_the_interior_an_asymptotically_stable_focus(scenario):
    a = analyze(apply(scenario, ["dynamic_penalty"]))
    (focus,) = interior_points(a)
    assert focus.classification == ASYMPTOTICALLY_STABLE
    assert [p.label for p in a.stable] == [focus.label]
    z = hand_interior(**DYNAMIC_PENALTY)
    np.testing.assert_allclose(focus.state, z, atol=1e-10)
    ev = np.sort_complex(np.asarray(focus.eigenvalues, complex))
    np.testing.assert_allclose(ev, hand_eigenvalues(z, **DYNAMIC_PENALTY), atol=1e-6)
    assert np.all(ev.real < 0) and np.all(np.abs(ev.imag) > 0)      # a focus: complex pair, Re < 0
    assert any("Selten's theorem does not apply" in n for n in a.notes)


def test_dynamic_reward_also_stabilises_the_interior(scenario):
    a = analyze(apply(scenario, ["dynamic_reward"]))
    (point,) = interior_points(a)
    assert point.classification == ASYMPTOTICALLY_STABLE
    z = hand_interior(**DYNAMIC_REWARD)
    np.testing.assert_allclose(point.state, z, atol=1e-10)
    np.testing.assert_allclose(np.sort_complex(np.asarray(point.eigenvalues, complex)),
                               hand_eigenvalues(z, **DYNAMIC_REWARD), atol=1e-6)


def test_paths_converge_to_the_focus_but_cycle_around_the_centre(scenario):
    starts = np.array([[0.2, 0.3], [0.7, 0.05], [0.5, 0.5], [0.3, 0.02], [0.9, 0.2]])
    focus = interior_points(analyze(apply(scenario, ["dynamic_penalty"])))[0].state
    sim = simulate(apply(scenario, ["dynamic_penalty"]), starts, 600.0, n_points=3)
    assert np.max(np.abs(sim.final - focus)) < 1e-3
    centre = interior_points(analyze(apply(scenario, ["incentive"])))[0].state
    cycling = simulate(apply(scenario, ["incentive"]), starts, 600.0, n_points=3)
    assert np.min(np.max(np.abs(cycling.final - centre), axis=1)) > 1e-2


def test_interior_target_threshold_is_the_strength_where_the_focus_appears(scenario):
    # the interior exists once d (F + 3 s + R_U) > c_S at y = 0: s > (c_S/d - F - R_U)/3 = 1/3
    res = threshold(scenario, ["dynamic_penalty"], target="interior")
    assert res.status == "threshold" and res.target_key == "interior"
    assert res.threshold == pytest.approx(1 / 3, abs=1e-6)
    assert res.stable_above and res.stable_above[0].startswith("(mixed(")
    never = threshold(scenario, ["incentive"], target="interior")
    assert never.threshold is None and never.status == "never stable"


def test_threshold_command_accepts_the_interior_target():
    out = CliRunner().invoke(main, ["threshold", str(VERTICAL), "-m", "dynamic_penalty", "--target", "interior",
                                    "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["threshold"] == pytest.approx(1 / 3, abs=1e-6)


def test_studies_run_with_a_dynamic_mechanism(scenario):
    cmp = compare(scenario, ["dynamic_penalty"])
    assert any(r["with"] and r["with"]["classification"] == ASYMPTOTICALLY_STABLE and r["face"].count("/") == 2
               for r in cmp.rows)
    sw = sweep1d(scenario, "strength", np.linspace(0, 1, 31), ["dynamic_penalty"])
    interior = [lab for lab in sw.labels if lab.count("/") == 2]
    assert interior and sw.classifications[interior[0]][-1] == ASYMPTOTICALLY_STABLE
    b = basins(apply(scenario, ["dynamic_penalty"]), samples=64, seed=1)
    assert b.labels == [interior_points(b.analysis)[0].label] and b.not_converged == 0


def test_selten_condition_is_what_dynamic_incentives_break(scenario):
    assert derive(scenario.game).payoffs_multilinear()
    assert not derive(apply(scenario, ["dynamic_penalty"]).game).payoffs_multilinear()
    for name in ("dual_leadership", "hidden_collusion"):
        sc = load(name)
        assert derive(sc.game).payoffs_multilinear()
        assert not derive(apply(sc, ["dynamic_penalty"]).game).payoffs_multilinear()


def test_own_state_in_a_payoff_breaks_multilinearity():
    pops = [Population("a", ("s", "t")), Population("b", ("s", "t"))]
    table = {(0, 0): (1, 1), (0, 1): (0, 0), (1, 0): (0, 0), (1, 1): (1, 1)}
    game = Game.from_payoff_table(pops, table)
    assert derive(game).payoffs_multilinear()
    x, y = game.variables
    squared = Game(pops, [[game.fitness[0][0] * y, game.fitness[0][1]], list(game.fitness[1])])
    assert not derive(squared).payoffs_multilinear()      # degree 2 in b's share
    own = Game(pops, [[game.fitness[0][0] + x, game.fitness[0][1]], list(game.fitness[1])])
    assert not derive(own).payoffs_multilinear()          # a's payoff depends on a's own share


def test_payoff_entries_may_use_the_state_variables():
    text = VERTICAL.read_text(encoding="utf-8").replace('"strict.passive" = ["d*F - c_S - (1 - d)*R_U",     "-d*F"]',
                                                         '"strict.passive" = ["d*F - c_S - (1 - d)*R_U",     "-d*F*(1 - y)"]')
    assert "-d*F*(1 - y)" in text
    game = parse_scenario(text).game
    y = game.variables[1]
    d, F = game.parameters["d"].symbol, game.parameters["F"].symbol
    # the subordinate's passive payoff is x * (-d F (1 - y)) + (1 - x) * 0
    assert (game.fitness[1][1] + game.variables[0] * d * F * (1 - y)).expand() == 0


def test_a_dynamic_mechanism_is_range_checked_at_every_pure_profile():
    text = VERTICAL.read_text(encoding="utf-8") + '''
[[mechanisms]]
name = "overdone"
description = "detection grows with the active share beyond a probability"
seed = "test"
set = { d = "d + 2*strength*y" }
'''
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, file="v.toml")
    assert info.value.key == "mechanisms.overdone.set.d"
    assert "at the state" in str(info.value) and "outside its declared range [0, 1]" in str(info.value)
