"""`presets` names a winner only when one preset is ahead: a tie on the basin of the target is said to be a
tie, with the measure that broke it (the weakest link's payoff advantage at full collaboration), or no
winner at all when every measure ties."""
from __future__ import annotations

import json

import pytest

from evogame.scenario import parse_scenario
from evogame.studies.presets import compare_presets
from helpers import invoke

#: sharing strictly dominates withholding whenever r > c: every start converges to all-share, so every
#: preset that keeps r > c has a basin of exactly 1 -- a tie on the basin; the advantage of sharing is r - c
SCENARIO = """
[game]
name = "reward_tie"
matching = "symmetric"
target = "share"

[[populations]]
name = "departments"
strategies = ["share", "withhold"]

[parameters]
r = { value = 0.5, range = [0, 5], description = "reward for sharing" }
c = { value = 1.0, range = [0, 5], description = "cost of sharing" }

[payoffs]
"share.share" = "2 + r - c"
"share.withhold" = "r - c"
"withhold.share" = "2"
"withhold.withhold" = "0"

[presets.weak_centre]
set = { r = 2.0 }

[presets.strong_centre]
set = { r = 3.0 }

[presets.same_as_weak]
set = { r = 2.0 }
"""


@pytest.fixture(scope="module")
def scenario():
    return parse_scenario(SCENARIO, file="reward_tie.toml")


def test_a_tie_on_the_basin_is_said_and_broken_by_the_margin(scenario):
    result = compare_presets(scenario, ["weak_centre", "strong_centre"], samples=64)
    assert [result.row(n)["basin_share"] for n in ("weak_centre", "strong_centre")] == [1.0, 1.0]
    # the advantage of sharing at full sharing is r - c: 1 under weak_centre, 2 under strong_centre
    assert result.row("strong_centre")["margin"]["departments"] == pytest.approx(2.0)
    assert result.best == "strong_centre"
    assert result.verdict.startswith("A tie on the basin of full collaboration")
    assert "broken by the weakest link's payoff advantage" in result.verdict
    assert "promotes collaboration most" not in result.verdict
    assert result.tie == {"presets": ["weak_centre", "strong_centre"], "measure": "basin_share",
                          "broken_by": "weakest-link payoff advantage at full collaboration",
                          "weakest_link_advantage": {"strong_centre": pytest.approx(2.0),
                                                     "weak_centre": pytest.approx(1.0)}}


def test_a_tie_on_every_measure_names_no_winner(scenario):
    result = compare_presets(scenario, ["weak_centre", "same_as_weak"], samples=64)
    assert result.best is None and result.verdict.startswith("A tie:")
    assert result.tie["broken_by"] is None and not result.distinguishable


def test_the_cli_says_tie(tmp_path):
    path = tmp_path / "reward_tie.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    text = invoke(["presets", path, "--samples", 64])
    assert text.exit_code == 0, text.output
    assert "A tie" in text.stdout and "promotes collaboration most" not in text.stdout
    data = json.loads(invoke(["presets", path, "--samples", 64, "--json"]).stdout)
    assert data["tie"]["presets"] == ["weak_centre", "strong_centre", "same_as_weak"]
