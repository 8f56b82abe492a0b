"""Fast start-up and the analysis cache (issue 5 item 3), and the benchmark module's smoke run."""
import json
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import ROOT, SCENARIOS
from evogame.util import cache
from evogame.cli import COMMANDS, main

HEAVY = ("sympy", "scipy", "matplotlib")


def imported_after(args, env=None):
    """Run the CLI with ``args`` in a fresh interpreter; return (heavy modules imported, stdout, stderr)."""
    code = ("import sys\nfrom evogame.cli import main\ntry:\n    main(%r)\nexcept SystemExit:\n    pass\n"
            "print('MODULES=' + ','.join(sorted({m.split('.')[0] for m in sys.modules} & %r)), file=sys.stderr)"
            % (list(args), set(HEAVY)))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})}, timeout=120)
    line = [x for x in proc.stderr.splitlines() if x.startswith("MODULES=")][-1]
    mods = set(filter(None, line[len("MODULES="):].split(",")))
    return mods, proc.stdout, proc.stderr


def test_help_imports_no_sympy_scipy_or_matplotlib():
    mods, out, _ = imported_after(["--help"])
    assert "Commands" in out and "EVOGAME_CACHE_DIR" in out
    assert mods == set()
    mods, out, _ = imported_after(["analyze", "--help"])
    assert "--no-cache" in out and mods == set()


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_commands_help_imports_no_heavy_module(command):
    mods, out, _ = imported_after([command, "--help"])
    assert "Usage:" in out and mods == set()


def test_a_usage_error_imports_no_heavy_module():
    mods, out, err = imported_after(["analyze", "--bogus"])
    assert out == "" and err.startswith("error: No such option") and mods == set()


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("EVOGAME_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def scenario(tmp_path):
    path = tmp_path / "vertical.toml"
    shutil.copy(SCENARIOS / "vertical.toml", path)
    return path


def run(args):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result


def entries(folder):
    return sorted((folder / "analyze").glob("*.json"))


def test_second_analyze_is_served_from_the_cache_without_recomputing(cache_home, scenario, monkeypatch):
    first = run(["analyze", str(scenario)])
    assert "cached result" not in first.stderr
    assert len(entries(cache_home)) == 1
    import evogame.engine.analysis

    def fail(*a, **k):
        raise AssertionError("the analysis ran again")

    monkeypatch.setattr(evogame.engine.analysis, "analyze", fail)
    second = run(["analyze", str(scenario)])
    assert second.stdout == first.stdout
    assert "cached result" in second.stderr
    # the JSON form comes from the same entry and is the analysis' to_dict
    doc = json.loads(run(["analyze", str(scenario), "--json"]).stdout)
    assert doc["name"] == "vertical" and len(doc["rest_points"]) >= 4


def test_cache_hit_in_a_fresh_process_imports_no_sympy(cache_home, scenario):
    env = {"EVOGAME_CACHE_DIR": str(cache_home)}
    mods, cold, _ = imported_after(["analyze", str(scenario), "--json"], env)
    assert "sympy" in mods
    mods, warm, _ = imported_after(["analyze", str(scenario), "--json"], env)
    assert mods == set() and warm == cold


def test_options_are_part_of_the_key(cache_home, scenario):
    base = json.loads(run(["analyze", str(scenario), "--json"]).stdout)
    other = json.loads(run(["analyze", str(scenario), "--json", "-p", "c_D=0.5"]).stdout)
    assert other["parameters"]["c_D"] == 0.5 and base["parameters"]["c_D"] == 3.0
    assert len(entries(cache_home)) == 2


def test_editing_the_scenario_invalidates_the_cache(cache_home, scenario):
    before = json.loads(run(["analyze", str(scenario), "--json"]).stdout)
    text = scenario.read_text(encoding="utf-8")
    scenario.write_text(text.replace("c_D    = { value = 3.0", "c_D    = { value = 0.5"), encoding="utf-8")
    after = run(["analyze", str(scenario), "--json"])
    doc = json.loads(after.stdout)
    assert before["parameters"]["c_D"] == 3.0 and doc["parameters"]["c_D"] == 0.5
    # c_D + lambda*L = 2 < beta*B + m*G = 2.4: (loose, active) becomes the stable state (MODELS.md game 1)
    stable = [p["label"] for p in doc["rest_points"] if p["classification"] == "asymptotically stable"]
    assert stable == ["(loose, active)"]
    assert len(entries(cache_home)) == 2
    # even a comment is a change of content: a new key
    scenario.write_text(scenario.read_text(encoding="utf-8") + "\n# note\n", encoding="utf-8")
    third = run(["analyze", str(scenario)])
    assert "cached result" not in third.stderr and len(entries(cache_home)) == 3


@pytest.mark.parametrize("garbage", [b"\x00\xff not json", b'{"format": 1, "key": "other", "payload": {}}',
                                     b'{"format": 1}', b"[1, 2, 3]", b""])
def test_a_corrupt_cache_entry_is_ignored_and_rebuilt(cache_home, scenario, garbage):
    first = run(["analyze", str(scenario)])
    (entry,) = entries(cache_home)
    entry.write_bytes(garbage)
    second = run(["analyze", str(scenario)])
    assert "cached result" not in second.stderr
    assert second.stdout.split("(analysis took")[0] == first.stdout.split("(analysis took")[0]
    stored = json.loads(entry.read_text(encoding="utf-8"))      # rebuilt, valid again
    assert stored["key"] == entry.stem and "text" in stored["payload"]
    third = run(["analyze", str(scenario)])
    assert "cached result" in third.stderr


def test_no_cache_neither_reads_nor_writes(cache_home, scenario):
    run(["analyze", str(scenario), "--no-cache"])
    assert not (cache_home / "analyze").exists()
    run(["analyze", str(scenario)])
    again = run(["analyze", str(scenario), "--no-cache"])
    assert "cached result" not in again.stderr


def test_an_unwritable_cache_never_fails_the_command(tmp_path, monkeypatch, scenario):
    blocker = tmp_path / "not_a_dir"
    blocker.write_text("x")
    monkeypatch.setenv("EVOGAME_CACHE_DIR", str(blocker / "sub"))
    assert "Rest points" in run(["analyze", str(scenario)]).stdout
    assert cache.write("analyze", "k", {"a": 1}) is False and cache.read("analyze", "k") is None


def test_cache_entries_are_plain_json_data(cache_home, scenario):
    run(["analyze", str(scenario)])
    (entry,) = entries(cache_home)
    stored = json.loads(entry.read_text(encoding="utf-8"))
    assert set(stored) == {"format", "key", "payload"} and set(stored["payload"]) == {"json", "text"}


def test_benchmark_module_runs_a_micro_case():
    from benchmarks import __main__ as bench

    rows = bench.run(quick=True, only=["batch"])
    assert rows and all({"name", "ratio", "goal", "timings"} <= set(r) for r in rows)
    (row,) = rows
    assert row["ratio"] > 0 and row["timings"]["max_endpoint_difference"] < 1e-6
