"""Continuation properties that hold for every game, and the ``evogame continue`` command."""
from __future__ import annotations

import itertools
import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as hst

from evogame import analyze
from evogame.cli import main
from evogame.studies.continuation import continue_rest_points
from evogame.dynamics import derive
from evogame.game import Game, Parameter, Population, parameter_symbol

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _bimatrix(entries, row, column):
    """A 2x2 bimatrix game whose entry (row, column) of the first population's payoffs is ``entry + a``."""
    pops = [Population("p", ("a1", "a2")), Population("q", ("b1", "b2"))]
    a = parameter_symbol("a")
    table = {}
    for k, idx in enumerate(itertools.product(range(2), repeat=2)):
        u, v = entries[2 * k], entries[2 * k + 1]
        table[idx] = (u + a if idx == (row, column) else u, v)
    return Game.from_payoff_table(pops, table, [Parameter("a", 0)])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries=hst.lists(hst.integers(-5, 5), min_size=8, max_size=8),
       row=hst.integers(0, 1), column=hst.integers(0, 1))
def test_branches_of_random_bimatrix_games_are_rest_points_with_analyze_classes(entries, row, column):
    game = _bimatrix(entries, row, column)
    result = continue_rest_points(game, "a", (-4.0, 4.0))
    # values away from the integer crossings of integer games
    _assert_branches_agree_with_analyze(game, result, (-3.1416, -0.7071, 0.5772, 2.7183))


def _assert_branches_agree_with_analyze(game, result, values):
    """Every point of every branch is a rest point; at ``values`` the branches' classes are analyze's."""
    dyn = derive(game)
    for branch in result.branches:
        for p in branch.points:
            assert np.max(np.abs(dyn.field(p.state, np.array([p.parameter])))) < 1e-9
    specials = [s.parameter for s in result.special_points]
    for value in values:
        if any(abs(value - s) < 1e-3 for s in specials):
            continue
        found = analyze(game, {"a": Fraction(value).limit_denominator(10 ** 6)})
        if found.continua:
            continue
        expected = sorted((p.support, p.classification) for p in found.rest_points)
        got = sorted((b.support, c) for b in result.branches for c in b.classifications_at(value))
        assert got == expected, (value, result.table())


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries=hst.lists(hst.integers(-4, 4), min_size=9, max_size=9), cell=hst.integers(0, 8))
@example(entries=[1, 1, 0, 0, 1, 4, 0, 4, -2], cell=7)     # two branches reach a degenerate corner at the end
@example(entries=[0, 1, 0, -2, 0, 2, 0, -1, 1], cell=8)     # the interior branch meets an edge's at the end
def test_branches_of_random_three_strategy_games_agree_with_analyze(entries, cell):
    # faces of a simplex: edges whose dependent share is the last strategy in use, not the last strategy
    a = parameter_symbol("a")
    matrix = [[entries[3 * i + j] + (a if 3 * i + j == cell else 0) for j in range(3)] for i in range(3)]
    game = Game.symmetric(Population("p", ("r", "s", "t")), matrix, [Parameter("a", 0)])
    result = continue_rest_points(game, "a", (-3.0, 3.0))
    _assert_branches_agree_with_analyze(game, result, (-2.2361, -0.7071, 0.5772, 1.7321))


def test_branches_reaching_a_non_hyperbolic_corner_at_the_interval_end_are_traced_once():
    # A = [[1, 1, 0], [0, 1, 4], [0, 4 + a, -2]]: the corner s is non-hyperbolic for every a (r earns what s
    # earns there); the edge point x_s = 6 / (9 + a) and the interior point x = (4 (3 + a), 6, 3 + a) / (21 + 5 a)
    # both reach s at a = -3, the interval's end.  A crossing located there must stay on the branch it is
    # located on: no duplicate branch, no branch point inside the interval.
    a = parameter_symbol("a")
    game = Game.symmetric(Population("p", ("r", "s", "t")), [[1, 1, 0], [0, 1, 4], [0, 4 + a, -2]],
                          [Parameter("a", 0)])
    result = continue_rest_points(game, "a", (-3.0, 3.0))
    supports = sorted(b.support for b in result.branches)
    assert supports == [((0,),), ((0, 1, 2),), ((1,),), ((1, 2),), ((2,),)], result.table()
    closed = {((1, 2),): lambda v: np.array([0, 6]) / (9 + v),             # the shares (x_r, x_s)
              ((0, 1, 2),): lambda v: np.array([4 * (3 + v), 6]) / (21 + 5 * v)}
    for branch in result.branches:
        if branch.support in closed:
            for p in branch.points:
                assert np.max(np.abs(p.state - closed[branch.support](p.parameter))) < 1e-8
            # the edge branch is followed to the corner: it covers the interval to within a step of -3
            assert min(p.parameter for p in branch.points) < -2.99
    assert all(s.parameter < -2.99 for s in result.special_points), result.table()
    assert all(s.kind == "boundary" for s in result.special_points)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_branches_of_three_population_games_agree_with_analyze(seed):
    # games of three populations (like the seed games): their faces are squares and cubes
    import random
    rng = random.Random(seed)
    a = parameter_symbol("a")
    cell, who = tuple(rng.randrange(2) for _ in range(3)), rng.randrange(3)
    table = {}
    for idx in itertools.product(range(2), repeat=3):
        payoffs = [rng.randint(-5, 5) for _ in range(3)]
        payoffs[who] += a if idx == cell else 0
        table[idx] = tuple(payoffs)
    game = Game.from_payoff_table([Population(f"p{j}", ("a", "b")) for j in range(3)], table, [Parameter("a", 0)])
    result = continue_rest_points(game, "a", (-4.0, 4.0))
    _assert_branches_agree_with_analyze(game, result, (-3.1416, -0.7071, 0.5772, 2.7183))


@pytest.mark.parametrize("entries, cell", [([2, 0, -2, 2, -2, 0, -2, 0, 2], 1), ([2, 0, 1, 2, -2, 0, -2, 2, 0], 1)])
def test_branches_leaving_through_a_face_of_rest_points(entries, cell):
    # at a = -2 the edge (r/s) is a continuum of rest points: the interior branch leaves through it
    test_branches_of_random_three_strategy_games_agree_with_analyze.hypothesis.inner_test(entries, cell)


def _run(*args):
    result = CliRunner().invoke(main, ["continue", *map(str, args)])
    return result.exit_code, result.output


def test_json_output_is_to_dict():
    code, out = _run(SCENARIOS / "vertical.toml", "-m", "platform", "--json")
    assert code == 0
    data = json.loads(out)
    from evogame.scenario import load_scenario
    direct = continue_rest_points(load_scenario(SCENARIOS / "vertical.toml"), mechanism="platform").to_dict()
    assert data == json.loads(json.dumps(direct))


def test_text_output_fits_100_columns_and_lists_the_branch_point():
    code, out = _run(SCENARIOS / "vertical.toml", "-m", "platform")
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 100
    assert any(line.startswith("BP") and "7/8" in line for line in out.splitlines())


def test_strength_interval_is_given_as_the_continued_parameter():
    code, out = _run(SCENARIOS / "vertical.toml", "-m", "platform", "--sweep", "strength=0.5:1", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["parameter"] == "strength" and data["interval"] == [0.5, 1.0]
    (crossing,) = [s for s in data["special_points"] if s["exact"] == "7/8" and s["kind"] != "boundary"
                   and s["state"] == [0.0, 1.0]]
    assert abs(crossing["parameter"] - 0.875) < 1e-8


def test_parameter_with_other_values_set():
    code, out = _run(SCENARIOS / "vertical.toml", "--sweep", "c_D=0:5", "-p", "L=4")
    assert code == 0, out
    assert "c_D" in out


@pytest.mark.parametrize("args", [["--sweep", "c_D=0:5", "-p", "L=0:1"], ["--sweep", "nope=0:1"], [],
                                  ["-m", "platform", "--sweep", "strength=x:y"], ["--sweep", "c_D=1:1"],
                                  ["--sweep", "c_D"], ["-m", "nope"], ["--sweep", "c_D=0:5", "--dynamics", "smith"],
                                  ["-p", "c_D=0:5"]])
def test_bad_input_exits_2_without_traceback(args):
    code, out = _run(SCENARIOS / "vertical.toml", *args)
    assert code == 2, out
    assert "Traceback" not in out
