"""One short option means one thing in every command.

``-p NAME=VALUE`` sets a parameter in every command that has it (threshold, sweep and explore included);
the parameter a command studies has its own option (``--vary`` in threshold, ``--sweep`` in sweep and
explore); ``--set`` still works where it did, with a deprecation warning; an option a command does not
have is answered with the option of that command that does what the user meant.
"""
from __future__ import annotations

import json

import click
import pytest

from conftest import SCENARIOS, load
from evogame import apply, threshold
from evogame.cli import COMMANDS, main
from evogame.util.formatting import jsonable
from evogame.studies.sweeps import parse_axis, sweep
from helpers import assert_user_error, invoke

VERTICAL = str(SCENARIOS / "vertical.toml")


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("EVOGAME_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def _json(args):
    result = invoke(args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_short_option_has_one_long_name_in_every_command(name):
    """A short option stands for the same long option wherever it appears (-p: --param, -m: --mechanism ...)."""
    meaning = {}
    for other in COMMANDS:
        command = main.get_command(click.Context(main), other)
        for p in command.params:
            longs = [o for o in p.opts if o.startswith("--")]
            for short in (o for o in p.opts if not o.startswith("--")):
                meaning.setdefault(short, set()).add((tuple(longs), p.name))
    assert {s: m for s, m in meaning.items() if len(m) > 1} == {}
    assert meaning["-p"] == {(("--param",), "params")}


def test_threshold_p_sets_a_parameter():
    doc = _json(["threshold", VERTICAL, "-m", "platform", "-p", "c_D=4", "-p", "L=2", "--json"])
    expected = threshold(load("vertical"), ["platform"], params={"c_D": 4, "L": 2})
    assert doc == jsonable(expected.to_dict())
    assert doc["threshold"] != _json(["threshold", VERTICAL, "-m", "platform", "--json"])["threshold"]


def test_threshold_vary_is_the_studied_parameter():
    doc = _json(["threshold", VERTICAL, "--vary", "L", "-p", "c_D=2", "--json"])
    scenario = load("vertical")
    g = scenario.game.parameters
    # (loose, active) is stable iff beta B + m G - c_D - lambda L > 0: the switch at L* = (beta B + m G - c_D) / lambda
    expected = (float(g["beta"].value) * float(g["B"].value) + float(g["m"].value) * float(g["G"].value) - 2) \
        / float(g["lambda"].value)
    assert doc["unknown"] == "L" and doc["threshold"] == pytest.approx(expected)


def test_sweep_p_sets_a_parameter_and_sweep_is_the_grid():
    doc = _json(["sweep", VERTICAL, "--sweep", "d=0:1:5", "-p", "c_D=1", "--json"])
    expected = sweep(load("vertical"), [parse_axis("d=0:1:5")], [], params={"c_D": 1})
    assert doc == jsonable(expected.to_dict())
    assert doc != _json(["sweep", VERTICAL, "--sweep", "d=0:1:5", "--json"])


def test_explore_p_sets_a_parameter(tmp_path):
    pytest.importorskip("plotly")
    args = ["explore", VERTICAL, "-m", "platform", "--steps", "3", "--json"]
    base = _json([*args, "--out", tmp_path / "a.html"])
    moved = _json([*args, "-p", "c_D=0.5", "--out", tmp_path / "b.html"])
    # the page computes (its thresholds too: tests/cli/test_explore_browser.py) at the values -p sets
    assert base["presets"][0]["values"]["c_D"] == float(load("vertical").game.parameters["c_D"].value) != 0.5
    assert moved["presets"][0]["values"]["c_D"] == 0.5


@pytest.mark.parametrize("args", [
    ["threshold", VERTICAL, "-m", "platform", "--set", "c_D=4", "--json"],
    ["sweep", VERTICAL, "--sweep", "d=0:1:5", "--set", "c_D=1", "--json"],
])
def test_set_is_a_deprecated_alias_of_p(args):
    old = invoke(args)
    assert old.exit_code == 0 and "--set is deprecated" in old.stderr and "-p/--param" in old.stderr
    new = [a if a != "--set" else "-p" for a in args]
    assert json.loads(old.stdout) == _json(new)


@pytest.mark.parametrize("args, meant", [
    (["analyze", VERTICAL, "--set", "c_D=1"], "-p/--param"),
    (["compare", VERTICAL, "-m", "platform", "--set", "c_D=1"], "-p/--param"),
    (["simulate", VERTICAL, "--parameter", "c_D=1"], "-p/--param"),
    (["figure", "portrait", VERTICAL, "--set", "c_D=1"], "-p/--param"),
    (["threshold", VERTICAL, "--sweep", "c_D"], "--vary"),
    (["sweep", VERTICAL, "--vary", "c_D=0:1:3"], "--sweep"),
    (["explore", VERTICAL, "--slider", "c_D", "--out", "x.html"], "--sweep"),
    (["analyze", VERTICAL, "--mechanisms", "platform"], "-m/--mechanism"),
    (["analyze", VERTICAL, "--symbolc"], "--symbolic"),
])
def test_an_unknown_option_suggests_the_commands_option_for_it(args, meant):
    assert_user_error(invoke(args), "No such option", f"did you mean {meant}?")


@pytest.mark.parametrize("args, fragment", [
    (["threshold", VERTICAL, "-p", "c_D"], "--vary c_D"),
    (["threshold", VERTICAL, "--param", "c_D"], "--vary c_D"),
    (["sweep", VERTICAL, "-p", "c_D=0:5:11"], "--sweep c_D=0:5:11"),
    (["threshold", VERTICAL, "-p", "c_D=0:5"], "--vary c_D"),
    (["explore", VERTICAL, "-p", "c_D=0:6:61", "--out", "x.html"], "--sweep c_D=0:6:61"),
])
def test_the_old_studied_parameter_after_p_points_to_its_option(args, fragment):
    assert_user_error(invoke(args), "option --param", fragment)
