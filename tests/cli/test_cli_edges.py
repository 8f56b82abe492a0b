"""The command line at its edges: bad files, bad options, unwritable outputs, internal errors.

Rules checked for every command: exit 0 on success, 2 for a user's mistake
(one ``error: ...`` paragraph on stderr), 1 for an internal error (a short
message and a hint to report it); nothing on stdout when a command fails;
``--json`` prints one valid JSON object; never a traceback unless
``EVOGAME_DEBUG=1``.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, SCENARIOS
from evogame.util.timelimit import Timeout, time_limit
from helpers import assert_user_error, invoke

VERTICAL = str(SCENARIOS / "vertical.toml")
HAWK = str(SCENARIOS / "hawk_dove.toml")
STRUCTURES = str(SCENARIOS / "platform_structures.toml")

# command -> (arguments with SCENARIO standing for the file, how it takes a parameter override)
COMMANDS = {
    "analyze": (["SCENARIO", "--no-cache"], "-p"),
    "simulate": (["SCENARIO", "--points", "5"], "-p"),
    "validate": (["SCENARIO"], None),
    "threshold": (["SCENARIO", "-m", "platform"], "-p"),
    "compare": (["SCENARIO", "-m", "platform"], "-p"),
    "sweep": (["SCENARIO", "--sweep", "c_D=0:5:5"], "-p"),
    "basins": (["SCENARIO", "-n", "16"], "-p"),
    "presets": (["SCENARIO", "-n", "16"], "-p"),
    "report": (["SCENARIO", "--out", "OUTDIR", "--kinds", "paths"], "-p"),
    "figure": (["paths", "SCENARIO", "--out", "OUTDIR/f.svg"], "-p"),
}
JSON_COMMANDS = ["analyze", "simulate", "validate", "threshold", "compare", "sweep", "basins", "presets", "report"]


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("EVOGAME_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("EVOGAME_DEBUG", raising=False)


def args_for(command: str, scenario: str, outdir) -> list[str]:
    args, _ = COMMANDS[command]
    return [command] + [a.replace("SCENARIO", scenario).replace("OUTDIR", str(outdir)) for a in args]


def scenario_for(command: str) -> str:
    return STRUCTURES if command == "presets" else HAWK if command in ("basins", "report", "figure") else VERTICAL


# -- files ---------------------------------------------------------------------------------

@pytest.mark.parametrize("command", COMMANDS)
def test_missing_file(command, tmp_path):
    assert_user_error(invoke(args_for(command, str(tmp_path / "nope.toml"), tmp_path)), "no such file")


@pytest.mark.parametrize("command", COMMANDS)
def test_directory_instead_of_file(command, tmp_path):
    assert_user_error(invoke(args_for(command, str(tmp_path), tmp_path)), "is a directory")


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_special_files_are_refused_without_reading_them(command, special, tmp_path):
    # a FIFO would block a reader forever and /dev/zero never ends: neither may be read
    path = special
    if special == "fifo":
        path = str(tmp_path / "fifo.toml")
        os.mkfifo(path)
    try:
        with time_limit(20):
            result = invoke(args_for(command, path, tmp_path))
    except Timeout:
        pytest.fail(f"{command} blocked on {special}")
    assert_user_error(result, "not a regular file")


@pytest.mark.parametrize("command", COMMANDS)
def test_broken_scenario_file(command, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text((SCENARIOS / "vertical.toml").read_text().replace('"V_U - c_S - r"', '"V_U - c_s - r"'))
    assert_user_error(invoke(args_for(command, str(bad), tmp_path)), "did you mean 'c_S'")


@pytest.mark.parametrize("command, args", [
    ("simulate", [VERTICAL, "--points", "5", "--out", "PARENT/x.csv"]),
    ("sweep", [VERTICAL, "--sweep", "c_D=0:5:5", "--out", "PARENT/x.csv"]),
    ("report", [HAWK, "--kinds", "paths", "--out", "PARENT/report"]),
    ("figure", ["paths", HAWK, "--out", "PARENT/f.svg"]),
])
def test_unwritable_output(command, args, tmp_path):
    # a regular file where a directory should be: refused even for root
    parent = tmp_path / "a-file"
    parent.write_text("")
    result = invoke([command] + [a.replace("PARENT", str(parent)) for a in args])
    assert_user_error(result, str(parent))


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into read-only directories")
@pytest.mark.parametrize("command, args", [
    ("simulate", [VERTICAL, "--points", "5", "--out", "RO/x.csv"]),
    ("report", [HAWK, "--kinds", "paths", "--out", "RO/report"]),
    ("figure", ["paths", HAWK, "--out", "RO/f.svg"]),
])
def test_read_only_output_directory(command, args, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        assert_user_error(invoke([command] + [a.replace("RO", str(ro)) for a in args]), "ermission")
    finally:
        ro.chmod(0o755)


# -- parameter overrides ------------------------------------------------------------------------

@pytest.mark.parametrize("command", [c for c, (_, flag) in COMMANDS.items() if flag])
@pytest.mark.parametrize("override, fragment", [
    ("c_d=1", "did you mean 'c_D'"), ("zz=1", "unknown parameter 'zz'"), ("c_D=abc", "not a number"),
    ("c_D=", "not a number"), ("c_D", "not NAME=VALUE"), ("c_D=nan", "not finite"), ("c_D=1e999", "not finite"),
    ("c_D=-1", "outside the declared range"), ("d=1.5", "a probability or fraction"),
])
def test_bad_parameter_override(command, override, fragment, tmp_path):
    args = args_for(command, VERTICAL if command not in ("presets",) else STRUCTURES, tmp_path)
    if command == "presets":
        override = override.replace("c_D", "alpha").replace("c_d", "alhpa").replace("d=1.5", "tau=1.5")
        fragment = fragment.replace("c_D", "alpha")
    _, flag = COMMANDS[command]
    assert_user_error(invoke(args + [flag, override]), fragment)


def test_threshold_param_must_be_a_parameter():
    assert_user_error(invoke(["threshold", VERTICAL, "--vary", "c_d"]), "unknown parameter 'c_d'")


# -- empty or meaningless ranges ------------------------------------------------------------------

@pytest.mark.parametrize("args, fragment", [
    (["sweep", VERTICAL, "--sweep", "c_D=0:5:0"], "0 points"),
    (["sweep", VERTICAL, "--sweep", "c_D=0:5:1"], "1 points"),
    (["sweep", VERTICAL, "--sweep", "c_D=1:1:5"], "empty"),
    (["sweep", VERTICAL, "--sweep", "c_D=5:1:5"], "empty"),
    (["sweep", VERTICAL, "--sweep", "c_D=0:inf:5"], "not finite"),
    (["sweep", VERTICAL, "--sweep", "c_D=0:5"], "LO:HI:N"),
    (["sweep", VERTICAL, "--sweep", "c_D=0:5:2.5"], "LO:HI:N"),
    (["sweep", VERTICAL, "--sweep", "c_D=0:5:1000", "--sweep", "d=0:1:1000"], "too large"),
    (["threshold", VERTICAL, "--vary", "c_D", "--range", "1:1"], "empty"),
    (["threshold", VERTICAL, "--vary", "c_D", "--range", "2:1"], "empty"),
    (["threshold", VERTICAL, "--vary", "c_D", "--range", "a:b"], "LO:HI"),
    (["basins", HAWK, "--group-sizes", "5:2"], "increasing"),
    (["figure", "bifurcation", VERTICAL, "--sweep", "c_D=0:5:1"], "--sweep"),
    (["figure", "regime", VERTICAL, "--sweep", "c_D=0:5:1000", "--sweep", "d=0:1:1000"], "too large"),
    (["figure", "sensitivity", VERTICAL, "--vary", "c_D="], "no values"),
    (["simulate", VERTICAL, "--t-end", "0"], "not a positive number"),
    (["simulate", VERTICAL, "--t-end", "nan"], "not a positive number"),
    (["simulate", VERTICAL, "--points", "1"], "--points"),
    (["basins", HAWK, "--samples", "0"], "--samples"),
    (["compare", VERTICAL, "-m", "platform", "--strength", "inf"], "not finite"),
])
def test_empty_or_meaningless_ranges_are_user_errors(args, fragment):
    assert_user_error(invoke(args), fragment)


@pytest.mark.parametrize("args, fragment", [
    (["analyze", VERTICAL, "--budget", "0"], "--budget"),
    (["analyze", VERTICAL, "--bogus"], "No such option"),
    (["analyz", VERTICAL], "did you mean 'analyze'"),
    (["threshold", VERTICAL, "-m", "plattform"], "did you mean 'platform'"),
    (["threshold", VERTICAL, "-m", "platform", "--target", "loose.actve"], "did you mean 'active'"),
    (["presets", VERTICAL], "declares no presets"),
    (["presets", STRUCTURES, "--preset", "netwrk"], "did you mean 'network'"),
    (["simulate", VERTICAL, "-i", "0.5"], "has 1 numbers"),
    (["simulate", VERTICAL, "-i", "0.5,1.5"], "simplex"),
    (["figure", "portrait", VERTICAL, "--out", "x.xyz"], "format"),
    (["report", VERTICAL, "--out", "unused", "--kinds", "portriat"], "unknown figure kind"),
])
def test_other_user_errors(args, fragment, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert_user_error(invoke(args), fragment)


# -- JSON ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", JSON_COMMANDS)
def test_json_on_success_is_one_valid_object(command, tmp_path):
    result = invoke(args_for(command, scenario_for(command), tmp_path) + ["--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)      # the whole of stdout is one JSON document
    assert isinstance(document, dict) and document
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", JSON_COMMANDS)
def test_json_on_failure_prints_nothing_on_stdout(command, tmp_path):
    _, flag = COMMANDS[command]
    if flag is None:          # validate takes no overrides: a missing file instead
        assert_user_error(invoke(args_for(command, str(tmp_path / "nope.toml"), tmp_path) + ["--json"]),
                          "no such file")
        return
    args = args_for(command, scenario_for(command), tmp_path) + ["--json", flag, "zz=1"]
    assert_user_error(invoke(args), "unknown parameter 'zz'")


# -- internal errors -------------------------------------------------------------------------------

@pytest.mark.parametrize("command", COMMANDS)
def test_internal_error_exits_1_with_a_short_message(command, tmp_path, monkeypatch):
    import evogame.scenario

    def broken(path):
        raise RuntimeError("simulated bug " + "x" * 1000)

    monkeypatch.setattr(evogame.scenario, "load_scenario", broken)
    result = invoke(args_for(command, scenario_for(command), tmp_path))
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("internal error: RuntimeError: simulated bug")
    assert "please report it" in result.stderr and "EVOGAME_DEBUG=1" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr) < 600          # short: the exception text is cut


def test_a_library_error_deep_inside_is_an_internal_error(monkeypatch):
    import evogame.engine.analysis

    def broken(*args, **kwargs):
        raise ZeroDivisionError("deep inside")

    monkeypatch.setattr(evogame.engine.analysis, "analyze", broken)
    result = invoke(["analyze", VERTICAL, "--no-cache", "--json"])
    assert result.exit_code == 1 and result.stdout == ""
    assert "internal error: ZeroDivisionError: deep inside" in result.stderr


def test_debug_shows_the_exception(monkeypatch):
    import evogame.scenario
    monkeypatch.setenv("EVOGAME_DEBUG", "1")
    monkeypatch.setattr(evogame.scenario, "load_scenario", lambda path: 1 / 0)
    result = invoke(["validate", VERTICAL])
    assert result.exit_code == 1
    assert isinstance(result.exception, ZeroDivisionError)    # re-raised, so Python prints the traceback


def test_warnings_are_one_line(monkeypatch):
    import warnings
    import evogame.scenario
    real = evogame.scenario.load_scenario

    def noisy(path):
        warnings.warn("something to know", UserWarning)
        return real(path)

    monkeypatch.setattr(evogame.scenario, "load_scenario", noisy)
    result = invoke(["validate", VERTICAL])
    assert result.exit_code == 0
    assert result.stderr == "warning: something to know\n"


# -- real processes --------------------------------------------------------------------------------

def run(args, env=None, **kwargs):
    full_env = {**os.environ, **(env or {})}
    full_env.pop("EVOGAME_DEBUG", None) if "EVOGAME_DEBUG" not in (env or {}) else None
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT, env=full_env,
                          timeout=120, **kwargs)


def test_subprocess_user_error_and_usage_error():
    res = run(["-m", "evogame.cli", "analyze", "no-such-file.toml"])
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr == "error: no-such-file.toml: no such file; expected a scenario file (.toml)\n"
    res = run(["-m", "evogame.cli", "analyse", VERTICAL])
    assert res.returncode == 2 and res.stdout == "" and "did you mean 'analyze'" in res.stderr


BROKEN = ("import sys, evogame.scenario as s\n"
          "def broken(path): raise KeyError('simulated')\n"
          "s.load_scenario = broken\n"
          "from evogame.cli import main\n"
          "sys.argv = ['evogame', 'validate', sys.argv[1]]\n"
          "main()\n")


def test_subprocess_internal_error_traceback_only_with_debug():
    res = run(["-c", BROKEN, VERTICAL])
    assert res.returncode == 1 and res.stdout == ""
    assert res.stderr.startswith("internal error: KeyError") and "Traceback" not in res.stderr
    res = run(["-c", BROKEN, VERTICAL], env={"EVOGAME_DEBUG": "1"})
    assert res.returncode == 1 and "Traceback" in res.stderr and "KeyError: 'simulated'" in res.stderr


def test_subprocess_closed_pipe_is_quiet(tmp_path):
    """`evogame simulate ... | head -c 100`: the reader goes away; no traceback, no 'internal error'."""
    proc = subprocess.Popen([sys.executable, "-m", "evogame.cli", "simulate", HAWK, "--points", "100000",
                             "-i", "0.3", "-i", "0.7"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                            env={**os.environ, "EVOGAME_CACHE_DIR": str(tmp_path)})
    head = proc.stdout.read(100)
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert head.startswith(b"start,t,x")
    assert "Traceback" not in stderr and "internal error" not in stderr
    assert proc.returncode in (0, 1)
