"""The command line's shared options and messages.

Every command that prints a result takes ``--json``; ``-p``, ``-m`` and
``--lang`` mean the same wherever they appear; a library error names its
argument and each command shows the option that carries it; click's own
usage errors look like every other user error (one paragraph, exit 2); the
commands share their option parsing through ``evogame.cli`` instead of
importing each other.
"""
from __future__ import annotations

import ast
import json
import os
import subprocess
import sys

import click
import pytest

from conftest import ROOT, SCENARIOS, load
from evogame import analyze, apply, compare_presets, simulate
from evogame.cli import COMMANDS, main
from evogame.cli.messages import COMMAND_OPTION_NAMES, OPTION_NAMES, error_message, option_name
from evogame.errors import AnalysisError, ScenarioError
from evogame.util.formatting import jsonable
from helpers import assert_user_error, invoke

VERTICAL = str(SCENARIOS / "vertical.toml")
STRUCTURES = str(SCENARIOS / "platform_structures.toml")

#: commands that write files and print no result on stdout
NO_RESULT = {"figure"}
#: where -p once named the studied parameter and --set the overrides (--set stays, hidden and deprecated)
SET_COMMANDS = {"threshold", "sweep", "explore"}
#: the option of the parameter a command studies
STUDIED = {"threshold": "--vary", "sweep": "--sweep", "explore": "--sweep", "figure": "--sweep", "finite": "--sweep",
           "continue": "--sweep"}
#: commands whose output has labels to translate
LANG_COMMANDS = {"report", "figure", "explore", "analyze", "threshold", "cases"}


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("EVOGAME_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("EVOGAME_DEBUG", raising=False)


def options_of(name: str) -> dict[str, click.Parameter]:
    command = main.get_command(click.Context(main), name)
    return {opt: p for p in command.params for opt in p.opts + p.secondary_opts}


# -- shared options --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_that_prints_a_result_takes_json(name):
    assert ("--json" in options_of(name)) == (name not in NO_RESULT)


@pytest.mark.parametrize("name", sorted(set(COMMANDS) - {"validate"}))
def test_param_mechanism_and_lang_mean_the_same_everywhere(name):
    options = options_of(name)
    overrides = options["-p"]
    assert overrides is options["--param"] and overrides.name == "params"
    assert overrides.multiple and overrides.metavar == "NAME=VALUE"
    assert ("--set" in options) == (name in SET_COMMANDS)
    if "--set" in options:
        assert options["--set"].hidden and options["--set"].metavar == "NAME=VALUE"
    if name in STUDIED:
        assert options[STUDIED[name]] is not overrides and len(options[STUDIED[name]].opts) == 1   # no short form
    assert options["-m"] is options["--mechanism"] and options["-m"].multiple
    assert options["-m"].name == "mechanisms"
    if "--strength" in options:
        assert options["--strength"] is options["-s"] and options["--strength"].default == 1.0
    assert ("--lang" in options) == (name in LANG_COMMANDS)
    if "--lang" in options:
        assert list(options["--lang"].type.choices) == ["en", "zh"]


def test_validate_json_says_what_the_scenario_declares():
    result = invoke(["validate", STRUCTURES, "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    scenario = load("platform_structures")
    assert doc["populations"] == [{"name": p.name, "strategies": list(p.strategies)}
                                  for p in scenario.game.populations]
    assert list(doc["parameters"]) == list(scenario.game.parameters)
    assert doc["parameters"]["alpha"]["value"] == float(scenario.game.parameters["alpha"].value)
    assert [m["name"] for m in doc["mechanisms"]] == list(scenario.mechanisms)
    assert [p["name"] for p in doc["presets"]] == list(scenario.presets)
    assert doc["target"] == scenario.target_key == "coordinate.empower.collaborate"


# -- mechanisms wherever they mean something ---------------------------------------------------------

def test_analyze_with_a_mechanism_is_the_analysis_of_the_applied_scenario():
    result = invoke(["analyze", VERTICAL, "-m", "platform", "--json", "--no-cache"])
    assert result.exit_code == 0, result.output
    expected = jsonable(analyze(apply(load("vertical"), ["platform"])).to_dict())
    assert json.loads(result.stdout) == expected
    half = json.loads(invoke(["analyze", VERTICAL, "-m", "platform", "-s", "0.5", "--json"]).stdout)
    assert half == jsonable(analyze(apply(load("vertical"), ["platform"], 0.5)).to_dict())
    assert half != expected


def test_analyze_with_a_mechanism_is_cached_under_its_own_key():
    base = invoke(["analyze", VERTICAL, "--json"]).stdout
    with_platform = invoke(["analyze", VERTICAL, "-m", "platform", "--json"]).stdout
    again = invoke(["analyze", VERTICAL, "-m", "platform"])
    assert base != with_platform and "cached result" in again.stderr
    assert json.loads(invoke(["analyze", VERTICAL, "-m", "platform", "--json"]).stdout) == json.loads(with_platform)


def test_simulate_with_a_mechanism_integrates_the_applied_game():
    result = invoke(["simulate", VERTICAL, "-m", "platform", "-i", "0.5,0.5", "--t-end", "5", "--points", "3",
                     "--json"])
    assert result.exit_code == 0, result.output
    expected = simulate(apply(load("vertical"), ["platform"]), [[0.5, 0.5]], 5.0, n_points=3)
    assert json.loads(result.stdout) == jsonable(expected.to_dict())


def test_presets_with_a_mechanism_compare_the_applied_scenario():
    result = invoke(["presets", STRUCTURES, "-n", "16", "-m", "platform", "--json"])
    assert result.exit_code == 0, result.output
    expected = compare_presets(apply(load("platform_structures"), ["platform"]), samples=16)
    assert json.loads(result.stdout) == jsonable(expected.to_dict())


@pytest.mark.parametrize("name", ["analyze", "simulate", "presets"])
def test_an_unknown_mechanism_is_named_by_its_option(name):
    path = STRUCTURES if name == "presets" else VERTICAL
    assert_user_error(invoke([name, path, "-m", "plattform"]), "option --mechanism", "did you mean 'platform'")


# -- library arguments shown as option names ---------------------------------------------------------

def test_every_mapped_option_is_spelt_as_an_option():
    for table in [OPTION_NAMES, *COMMAND_OPTION_NAMES.values()]:
        assert all(option.startswith("--") for option in table.values())
    assert set(COMMAND_OPTION_NAMES) <= set(COMMANDS)


@pytest.mark.parametrize("command, option", [("figure", "--sweep"), ("sweep", "--sweep"), ("threshold", "--vary"),
                                             ("explore", "--sweep"), ("analyze", "--param")])
def test_the_argument_param_is_shown_as_each_commands_option(command, option):
    error = ScenarioError("unknown parameter 'zz'", file="v.toml", argument="param")
    assert error_message(error, command) == f"v.toml, option {option}: unknown parameter 'zz'"


@pytest.mark.parametrize("command, option", [("analyze", "--param"), ("figure", "--param"), ("sweep", "--param"),
                                             ("threshold", "--param"), ("explore", "--param")])
def test_parameter_overrides_are_shown_as_each_commands_option(command, option):
    assert option_name("params", command) == option


def test_arguments_and_keys_that_are_no_option_stay_as_they_are():
    assert option_name("--group-sizes", "basins") == "--group-sizes"     # named by the command itself
    assert option_name("no_such_argument", "analyze") is None
    file_error = ScenarioError("a list of [[mechanisms]] tables was expected", file="v.toml", key="mechanisms")
    assert error_message(file_error, "analyze") == str(file_error)      # a key in the file is not an option
    assert error_message(AnalysisError("too many faces"), "analyze") == "too many faces"


@pytest.mark.parametrize("args, option", [
    (["sweep", VERTICAL, "--sweep", "zz=0:1:5"], "option --sweep"),
    (["figure", "bifurcation", VERTICAL, "--sweep", "zz=0:1:11"], "option --sweep"),
    (["threshold", VERTICAL, "--vary", "zz"], "option --vary"),
    (["threshold", VERTICAL, "-m", "platform", "-p", "zz=1"], "option --param"),
    (["sweep", VERTICAL, "--sweep", "c_D=0:1:5", "-p", "zz=1"], "option --param"),
    (["analyze", VERTICAL, "-p", "zz=1"], "option --param"),
])
def test_a_library_error_names_the_option_of_the_command_run(args, option, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert_user_error(invoke(args), option, "unknown parameter 'zz'")


def test_a_library_error_raised_with_argument_param_shows_the_commands_option(monkeypatch):
    import evogame.cli.values

    def refuse(*args, **kwargs):
        raise ScenarioError("refused", argument="param")

    monkeypatch.setattr(evogame.cli.values.scenarios, "load_scenario", refuse)
    assert_user_error(invoke(["figure", "bifurcation", VERTICAL, "--sweep", "c_D=0:1:5"]), "option --sweep: refused")
    assert_user_error(invoke(["sweep", VERTICAL, "--sweep", "c_D=0:1:5"]), "option --sweep: refused")


# -- click's own usage errors -----------------------------------------------------------------------

@pytest.mark.parametrize("args, fragment", [
    (["analyze", VERTICAL, "--bogus"], "No such option '--bogus'"),
    (["analyze"], "Missing argument 'SCENARIO'"),
    (["analyze", VERTICAL, "--budget", "0"], "Invalid value for '--budget'"),
    (["compare", VERTICAL], "Missing option '--mechanism'"),
    (["figure", "nonsense", VERTICAL], "'nonsense' is not one of"),
    (["report", VERTICAL, "--out", "x", "--lang", "fr"], "Invalid value for '--lang'"),
    (["simulate", VERTICAL, "--t-end", "0"], "not a positive number"),
    (["compare", VERTICAL, "-m", "platform", "-s", "nan"], "not finite"),
    (["--bogus"], "No such option '--bogus'"),
    (["analyz", VERTICAL], "did you mean 'analyze'"),
])
def test_usage_errors_are_one_paragraph_with_exit_2(args, fragment):
    result = invoke(args)
    assert_user_error(result, fragment, "--help')")


def test_no_arguments_still_show_the_help():
    result = invoke([])
    assert "Commands:" in result.output and "analyze" in result.output


def test_usage_error_in_a_real_process():
    res = subprocess.run([sys.executable, "-m", "evogame.cli", "analyze", VERTICAL, "--bogus"], capture_output=True,
                         text=True, cwd=ROOT, env={k: v for k, v in os.environ.items() if k != "EVOGAME_DEBUG"},
                         timeout=120)
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.startswith("error: No such option '--bogus' (see '") and res.stderr.count("\n") == 1


# -- the package's shape -----------------------------------------------------------------------------

def test_commands_do_not_import_each_other():
    for path in sorted((ROOT / "evogame" / "cli" / "commands").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                sideways = node.level == 1 or (node.module or "").startswith("evogame.cli.commands")
                assert not sideways, f"{path.name}:{node.lineno} imports from another command"


def test_old_names_stay_importable_from_evogame_cli():
    import evogame.cli as cli
    for name in ("load", "param_option", "parse_params", "scenario_argument", "echo_json", "json_option",
                 "seed_option", "jsonable", "main"):
        assert hasattr(cli, name), name
