"""``simulate --noise`` and ``analyze --noise`` on the command line, and the scenario's ``[noise]``."""
from __future__ import annotations

import json

import pytest

from conftest import SCENARIOS
from helpers import assert_user_error, invoke

VERTICAL = SCENARIOS / "vertical.toml"
DUAL = SCENARIOS / "dual_leadership.toml"


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EVOGAME_CACHE_DIR", str(tmp_path / "cache"))


def _noisy(*extra):
    result = invoke(["simulate", VERTICAL, "--noise", "0.5", "--paths", "20", "--t-end", "2", "--points", "5",
                     "--json", *extra])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_same_seed_same_bytes_different_seed_differs():
    assert _noisy("--seed", "1") == _noisy("--seed", "1")
    assert _noisy("--seed", "1") != _noisy("--seed", "2")


def test_per_population_noise_and_the_scheme_are_reported():
    doc = json.loads(_noisy("--noise", "superior=0", "--scheme", "milstein", "--form", "x(1-x)"))
    assert doc["noise"]["sigma"] == {"superior": 0.0, "subordinate": 0.5}
    assert doc["noise"]["form"] == "x(1-x)" and doc["scheme"] == "Milstein" and doc["strong_order"] == 1.0
    assert doc["seed"] == 0 and doc["paths_per_start"] == 20


def test_dual_leadership_with_noise_as_the_issue_asks():
    result = invoke(["simulate", DUAL, "--noise", "0.5", "--paths", "2000", "--seed", "1", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["kind"] == "stochastic" and len(doc["starts"]) == 4
    for start in doc["starts"]:
        (target,) = start["targets"]          # the one asymptotically stable corner of game 2
        assert target["label"] == "(restrict, not, upward_only)"
        assert 0 <= target["share_ending_near"] <= 1 and len(start["sample_paths"]) == 10


def test_csv_has_every_path(tmp_path):
    out = tmp_path / "paths.csv"
    result = invoke(["simulate", VERTICAL, "--noise", "0.3", "--paths", "7", "--t-end", "1", "--points", "3",
                     "--out", out])
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert lines[0] == "start,path,t,x,y"
    assert len(lines) - 1 == 5 * 7 * 3          # 5 initial states of the scenario x 7 paths x 3 times


def test_analyze_prints_the_four_corners_beside_the_deterministic_classification():
    result = invoke(["analyze", VERTICAL, "--noise", "0.5"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Stochastic stability of the pure profiles" in text
    for label in ("(strict, active)", "(strict, passive)", "(loose, active)", "(loose, passive)"):
        assert text.count(label) >= 2
    assert "not an equilibrium" in text and "Mao" in text
    doc = json.loads(invoke(["analyze", VERTICAL, "--noise", "0.5", "--form", "x(1-x)", "--json"]).stdout)
    corners = doc["stochastic_stability"]["corners"]
    assert len(corners) == 4 and all(c["equilibrium_of_the_sde"] for c in corners)


@pytest.mark.parametrize("args, fragment", [
    (["--noise", "boss=0.5"], "unknown population 'boss'"),
    (["--noise", "lots"], "is not SIGMA or POP=SIGMA"),
    (["--noise", "-1"], "finite number >= 0"),
])
def test_bad_noise_options_are_user_errors(args, fragment):
    assert_user_error(invoke(["simulate", VERTICAL, *args]), "--noise", fragment)


def _scenario_with(tmp_path, section: str):
    path = tmp_path / "noisy.toml"
    path.write_text(VERTICAL.read_text() + "\n[noise]\n" + section + "\n")
    return path


def test_scenario_noise_section_is_used(tmp_path):
    path = _scenario_with(tmp_path, 'sigma = { subordinate = 0.3 }\nform = "x(1-x)"\npaths = 6\nseed = 4')
    result = invoke(["simulate", path, "--t-end", "1", "--points", "3", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["noise"]["sigma"] == {"subordinate": 0.3} and doc["seed"] == 4 and doc["paths_per_start"] == 6


@pytest.mark.parametrize("section, fragment", [
    ("sigma = { boss = 0.3 }", "key 'noise.sigma': unknown population 'boss'"),
    ('form = "x2"', "key 'noise.form'"),
    ('scheme = "rk4"', "key 'noise.scheme'"),
    ("paths = 0", "key 'noise.paths'"),
    ("sigmas = 1", "key 'noise.sigmas'"),
])
def test_scenario_noise_errors_name_the_key(tmp_path, section, fragment):
    assert_user_error(invoke(["simulate", _scenario_with(tmp_path, section)]), fragment)


def test_validate_reports_the_noise_section(tmp_path):
    path = _scenario_with(tmp_path, 'sigma = 0.4\nscheme = "milstein"')
    doc = json.loads(invoke(["validate", path, "--json"]).stdout)
    assert doc["noise"] == {"sigma": 0.4, "form": None, "scheme": "milstein", "paths": None, "dt": None, "seed": None}
    assert json.loads(invoke(["validate", VERTICAL, "--json"]).stdout)["noise"] is None
