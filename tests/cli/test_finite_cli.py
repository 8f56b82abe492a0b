"""``evogame finite``: the issue's two commands, JSON that states its process, user errors as one line."""
from __future__ import annotations

import json

import pytest

from tests.conftest import SCENARIOS
from tests.helpers import assert_user_error, invoke

PLATFORM = SCENARIOS / "platform_public_good.toml"
VERTICAL = SCENARIOS / "vertical.toml"


def test_platform_json_gives_the_stationary_distribution_and_the_sharing_level():
    result = invoke(["finite", PLATFORM, "--size", 30, "--beta", 1, "--mutation", 0.01, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    pi = data["stationary"]["distribution"]
    assert len(pi) == 31 and sum(pi) == pytest.approx(1.0, abs=1e-12)
    level = data["sharing_level"]["departments"]
    assert level == pytest.approx(sum(k / 30 * p for k, p in enumerate(pi)), abs=1e-12)
    assert data["process"]["sizes"] == [30] and data["process"]["mutation"] == 0.01
    assert data["sampled"] is False and data["group_size"] == 8
    assert "Bernstein" in data["formulas"]["payoffs_one_population"]


def test_vertical_gives_the_invasion_diagram_of_the_four_corners():
    result = invoke(["finite", VERTICAL, "--size", 50, "--beta", 1, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    limit = data["small_mutation_limit"]
    assert len(limit["distribution"]) == 4
    invasions = limit["invasions"]
    assert len(invasions) == 8          # each corner invaded by one mutant in each of two populations
    for inv in invasions:
        assert inv["neutral"] == pytest.approx(1 / 50)
        assert inv["relative_to_neutral"] == pytest.approx(inv["fixation_probability"] * 50)
    assert data["stationary"] is None
    text = invoke(["finite", VERTICAL, "--size", 50, "--beta", 1])
    assert text.exit_code == 0 and "(loose, passive)" in text.stdout and "rho/(1/Z)" in text.stdout


def test_sweep_of_a_mechanism_strength():
    result = invoke(["finite", PLATFORM, "--size", 20, "-m", "incentive", "--sweep", "strength=0:1:3", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    assert [r["value"] for r in rows] == [0.0, 0.5, 1.0]


@pytest.mark.parametrize("args, fragments", [
    (["--size", "5"], ["--size", "at least 8"]),
    (["--size", "x"], ["--size", "population size"]),
    (["--size", "10,10,10"], ["--size", "one per population"]),
    (["--mutation", "1.5"], ["--mutation", "0 <= mu < 1"]),
    (["--beta", "-1"], ["--beta", "beta >= 0"]),
    (["-p", "nope=1"], ["--param", "unknown parameter 'nope'"]),
    (["--sweep", "nope=0:1:3"], ["--sweep", "unknown parameter 'nope'"]),
    (["-m", "nope"], ["--mechanism", "unknown mechanism 'nope'"]),
])
def test_user_errors_are_one_line_naming_the_option(args, fragments):
    scenario = PLATFORM if args[0] == "--size" and args[1] == "5" else VERTICAL
    assert_user_error(invoke(["finite", scenario, *args]), *fragments)


def test_figure_is_drawn_with_the_same_bytes_twice(tmp_path):
    paths = [tmp_path / "a.svg", tmp_path / "b.svg"]
    for path in paths:
        result = invoke(["finite", VERTICAL, "--size", 20, "--mutation", 0.05, "--figure", path, "--json"])
        assert result.exit_code == 0, result.output
    text = paths[0].read_text()
    assert paths[0].read_bytes() == paths[1].read_bytes()
    for label in ("(loose, active)", "(strict, passive)", "stationary probability"):
        assert label in text


def test_full_chain_too_large_is_left_out_with_a_note():
    result = invoke(["finite", SCENARIOS / "dual_leadership.toml", "--size", 60, "--mutation", 0.01, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["stationary"] is None and any("states" in n for n in data["notes"])


def test_report_has_a_finite_populations_section(tmp_path):
    result = invoke(["report", PLATFORM, "--out", tmp_path, "--kinds", "portrait", "--no-symbolic",
                     "--finite", "30:1:0.01"])
    assert result.exit_code == 0, result.output
    md = (tmp_path / "report.md").read_text()
    assert "## Finite populations" in md and "Z = 30, beta = 1, mu = 0.01" in md
    assert "groups of 8 drawn without replacement" in md and "Mean sharing level" in md
    assert "Finite populations" in (tmp_path / "report.tex").read_text()
    assert_user_error(invoke(["report", PLATFORM, "--out", tmp_path, "--finite", "30:x"]), "--finite")
