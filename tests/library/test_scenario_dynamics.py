"""``[dynamics]`` in a scenario file: the dynamics a scenario is analysed under unless told otherwise."""
import json

import pytest
from click.testing import CliRunner

from conftest import SCENARIOS
from evogame.engine.analysis import analyze
from evogame.cli import main
from evogame.dynamics import DYNAMICS
from evogame.errors import ScenarioError
from evogame.scenario import parse_scenario
from evogame.scenario.dynamics import DYNAMICS_NAMES
from evogame.dynamics.simulation import simulate

RPS = (SCENARIOS / "rps.toml").read_text(encoding="utf-8")
LOGIT = RPS + '\n[dynamics]\nname = "logit"\neta = 0.5\n'


def test_the_format_knows_every_registered_dynamics():
    assert set(DYNAMICS_NAMES) == set(DYNAMICS)


def test_the_table_sets_the_default_dynamics(tmp_path):
    scenario = parse_scenario(LOGIT)
    assert scenario.dynamics == "logit:eta=0.5"
    assert analyze(scenario).dynamics == "logit:eta=0.5"
    assert analyze(scenario, dynamics="replicator").dynamics == "replicator"      # the argument wins
    assert analyze(scenario.game).dynamics == "replicator"                          # a bare game has no table
    sim = simulate(scenario, [[0.8, 0.1]], 40.0, n_points=2)
    assert abs(sim.final[0] - 1 / 3).max() < 1e-8                                   # logit converges, the replicator cycles
    path = tmp_path / "logit.toml"
    path.write_text(LOGIT, encoding="utf-8")
    out = CliRunner().invoke(main, ["analyze", str(path), "--json", "--no-cache"])
    assert out.exit_code == 0 and json.loads(out.output)["dynamics"] == "logit:eta=0.5"
    out = CliRunner().invoke(main, ["analyze", str(path), "--json", "--no-cache", "--dynamics", "bnn"])
    assert json.loads(out.output)["dynamics"] == "bnn"


def test_without_the_table_the_replicator():
    assert parse_scenario(RPS).dynamics == "replicator"


@pytest.mark.parametrize("table, key, message", [
    ('[dynamics]\nname = "logt"\n', "dynamics.name", "did you mean 'logit'"),
    ('[dynamics]\neta = 0.5\n', "dynamics.name", "missing"),
    ('[dynamics]\nname = "logit"\neta = "small"\n', "dynamics.eta", "a number was expected"),
    ('dynamics = "logit"\n', "dynamics", "a table was expected"),
])
def test_a_bad_table_names_its_key(table, key, message):
    text = table + RPS if not table.startswith("[") else RPS + "\n" + table
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, file="s.toml")
    assert info.value.key == key and message in str(info.value)
