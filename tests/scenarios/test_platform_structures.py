"""Game 5 of MODELS.md: government-enterprise platform structures as presets (seed 004)."""
import json

import pytest
import sympy
from click.testing import CliRunner

from evogame.engine.analysis import analyze
from evogame.studies.basins import basins
from evogame.cli import jsonable, main
from evogame.errors import ScenarioError
from evogame.studies.presets import apply_preset, compare_presets, preset_values, presets
from evogame.scenario import parse_scenario
from evogame.solvers.stability import ASYMPTOTICALLY_STABLE

from conftest import SCENARIOS

TARGET = ("coordinate", "empower", "collaborate")
NONE = ("administer", "minimal", "silo")
STRUCTURES = ["co_creation", "network", "enterprise_led", "government_led"]
SAMPLES = 512


SCENARIO = "platform_structures"   # the shipped scenario of the `scenario` and `game` fixtures


@pytest.fixture(scope="module")
def comparison(scenario):
    return compare_presets(scenario, samples=SAMPLES, seed=0)


def margins(v):
    """Payoff advantages of the target strategies at full collaboration (derived in the file)."""
    psi_B = 1 - v["psi_D"] - v["psi_E"]
    return {
        "bureau": (1 - v["theta"]) * v["V"] - psi_B * v["lambda"] * v["L"] - v["c_B"] - v["alpha"] * v["K"],
        "enterprise": v["theta"] * v["V"] - v["psi_E"] * v["lambda"] * v["L"] - (1 - v["alpha"]) * v["K"],
        "departments": v["omega"] * v["v"] + v["g"] - v["c_D"] * (1 - v["tau"]) - v["psi_D"] * v["lambda"] * v["L"],
    }


def values(scenario, preset=None):
    v = {n: float(p.value) for n, p in scenario.game.parameters.items()}
    if preset:
        v.update({k: float(x) for k, x in preset_values(scenario, preset).items()})
    return v


def test_documented_with_four_structures_as_presets(scenario, game):
    assert scenario.target_key == ".".join(TARGET)
    for p in game.parameters.values():
        assert p.description and p.stands_for and p.range is not None, p.name
    for pop in game.populations:
        assert pop.label_en and pop.label_zh and pop.strategy_labels_en and pop.strategy_labels_zh
    ps = presets(scenario)
    assert list(ps) == STRUCTURES
    for p in ps.values():
        assert p.label_en and p.label_zh and p.description
        v = values(scenario, p.name)
        assert v["psi_D"] + v["psi_E"] <= 1   # the bureau's share of responsibility is non-negative


def test_payoff_table_gives_the_derived_payoff_advantages(game):
    S = {n: p.symbol for n, p in game.parameters.items()}
    x, y, z = game.variables
    f = game.fitness
    lamL = S["lambda"] * S["L"]
    d_bureau = ((1 - S["theta"]) * S["V"] - (1 - S["psi_D"] - S["psi_E"]) * lamL) * z - S["c_B"] - S["alpha"] * S["K"]
    d_enterprise = (S["theta"] * S["V"] - S["psi_E"] * lamL) * z - (1 - S["alpha"]) * S["K"]
    d_departments = (S["omega"] * S["v"] + S["g"] * x - S["c_D"] + S["c_D"] * S["tau"] * y
                     - S["psi_D"] * lamL)
    for k, d in enumerate([d_bureau, d_enterprise, d_departments]):
        assert sympy.expand(f[k][0] - f[k][1] - d) == 0


def test_baseline_no_collaboration_is_the_unique_stable_state(scenario):
    a = analyze(scenario)
    assert [p.label for p in a.stable] == ["(" + ", ".join(NONE) + ")"]
    assert margins(values(scenario))["departments"] < 0


@pytest.mark.parametrize("structure", STRUCTURES)
def test_each_structure_stabilises_full_collaboration_as_its_margins_say(scenario, structure):
    v = values(scenario, structure)
    a = analyze(apply_preset(scenario, structure))
    target = a.find(*TARGET)
    expected = all(m > 0 for m in margins(v).values())
    assert (target.classification == ASYMPTOTICALLY_STABLE) == expected
    # for two-strategy populations the eigenvalues at a corner are minus the payoff advantages
    assert sorted(e.real for e in target.eigenvalues) == pytest.approx(sorted(-m for m in margins(v).values()))
    assert a.find(*NONE).classification == ASYMPTOTICALLY_STABLE   # the dilemma remains an attractor


def test_network_structure_promotes_collaboration_most(scenario, comparison):
    assert comparison.best == "network"
    assert "network" in comparison.verdict
    best = comparison.row("network")
    for name in STRUCTURES:
        if name != "network":
            assert comparison.row(name)["basin_share"] < best["basin_share"] - 2 * best["standard_error"]
    assert comparison.distinguishable


def test_comparison_numbers_come_from_the_analysis(scenario, comparison):
    assert [r["name"] for r in comparison.rows] == ["baseline"] + STRUCTURES
    for name in STRUCTURES:
        row = comparison.row(name)
        g = apply_preset(scenario, name)
        a = analyze(g)
        assert row["stable"] == [p.label for p in a.stable]
        r = basins(g, samples=SAMPLES, seed=0, analysis=a)
        assert row["basin_share"] == r.share(TARGET)
        assert row["standard_error"] == r.standard_error(TARGET)
        assert row["margin"] == pytest.approx(margins(values(scenario, name)))
        assert sorted(e[0] for e in row["target_eigenvalues"]) == pytest.approx(
            sorted(e.real for e in a.find(*TARGET).eigenvalues))
        # first movers: the others play administer / minimal / silo
        v = values(scenario, name)
        first = {"bureau": -v["c_B"] - v["alpha"] * v["K"], "enterprise": -(1 - v["alpha"]) * v["K"],
                 "departments": v["omega"] * v["v"] - v["c_D"] - v["psi_D"] * v["lambda"] * v["L"]}
        assert row["first_mover"] == pytest.approx(first)
    base = comparison.row("baseline")
    assert base["basin_share"] == 0.0 and not base["target_stable"]
    # the verdict quotes the numbers it is based on
    best = comparison.row("network")
    assert f"{best['basin_share']:.3f}" in comparison.verdict
    assert any("departments" in line and f"{best['margin']['departments']:.4g}" in line
               for line in comparison.reasons)


def test_apply_preset_evaluates_expressions_at_the_values_before_it():
    text = (SCENARIOS / "platform_structures.toml").read_text(encoding="utf-8")
    text = text.replace('set = { alpha = 0.5, theta = 0.4, omega = 0.7,',
                        'set = { alpha = 0.5, theta = 0.4, omega = "omega + 0.5",')
    g = parse_scenario(text, file="inline.toml")
    assert float(preset_values(g, "network")["omega"]) == pytest.approx(0.7)
    assert float(preset_values(g, "network", {"omega": 0.4})["omega"]) == pytest.approx(0.9)
    applied = apply_preset(g, "network")
    assert float(applied.game.parameters["omega"].value) == pytest.approx(0.7)
    assert applied.game.origin.preset == "network"
    assert float(g.game.parameters["omega"].value) == pytest.approx(0.2)   # the original is untouched


@pytest.mark.parametrize("old,new,key,fragment", [
    ("alpha = 0.5, theta = 0.4, omega = 0.7", "alpha = 0.5, theta = 0.4, omgea = 0.7",
     "presets.network.set.omgea", "did you mean 'omega'"),
    ("alpha = 0.5, theta = 0.4, omega = 0.7", "alpha = 0.5, theta = 0.4, omega = 1.7",
     "presets.network.set.omega", "outside the declared range"),
    ("alpha = 0.5, theta = 0.4, omega = 0.7", 'alpha = 0.5, theta = 0.4, omega = "omega + zeta"',
     "presets.network.set.omega", "zeta"),
    ("alpha = 0.5, theta = 0.4, omega = 0.7", 'alpha = 0.5, theta = 0.4, omega = "__import__(1)"',
     "presets.network.set.omega", ""),
    ('label_en = "Network structure"', 'lable_en = "Network structure"', "presets.network.lable_en",
     "did you mean 'label_en'"),
    ("set = { alpha = 0.5, theta = 0.4, omega = 0.7, tau = 0.6, g = 1.0, psi_D = 0.2, psi_E = 0.3 }",
     "set = {}", "presets.network.set", "sets nothing"),
])
def test_bad_presets_raise_scenario_errors_with_file_and_key(old, new, key, fragment):
    text = (SCENARIOS / "platform_structures.toml").read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text.replace(old, new, 1), file="bad.toml")
    err = info.value
    assert err.file == "bad.toml" and err.key == key
    assert fragment in str(err)


def test_presets_must_be_tables():
    text = (SCENARIOS / "coordination.toml").read_text(encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text + "\n[presets]\nhigh = 3\n", file="c.toml")
    assert info.value.key == "presets.high" and info.value.file == "c.toml"
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text + '\n[presets.big]\nset = { n = 3 }\n', file="c.toml")
    assert info.value.key == "presets.big.set.n"


def test_integer_parameters_need_integer_preset_values():
    text = (SCENARIOS / "platform_public_good.toml").read_text(encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text + '\n[presets.half]\nset = { N = "N/3" }\n', file="pg.toml")
    assert info.value.key == "presets.half.set.N" and "integer" in str(info.value)
    g = parse_scenario(text + '\n[presets.small]\nset = { N = "N/2" }\n', file="pg.toml")
    assert int(apply_preset(g, "small").game.parameters["N"].value) == 4


# -- CLI ----------------------------------------------------------------------------------

def test_cli_presets_json_is_to_dict(scenario):
    path = str(SCENARIOS / "platform_structures.toml")
    res = CliRunner().invoke(main, ["presets", path, "--samples", "64", "--preset", "network",
                                    "--preset", "co_creation", "--json"])
    assert res.exit_code == 0, res.output
    expected = compare_presets(scenario, ["network", "co_creation"], samples=64).to_dict()
    assert json.loads(res.output) == json.loads(json.dumps(jsonable(expected)))


def test_cli_presets_text_names_the_winner():
    res = CliRunner().invoke(main, ["presets", str(SCENARIOS / "platform_structures.toml"), "-n", "256",
                                    "--preset", "network", "--preset", "government_led"])
    assert res.exit_code == 0, res.output
    assert "network (Network structure) promotes collaboration most" in res.output
    assert "co_creation" not in res.output


@pytest.mark.parametrize("args", [
    ["presets", "{vertical}"],                                   # no presets
    ["presets", "{structures}", "--preset", "netwrok"],
    ["presets", "{structures}", "--samples", "0"],
    ["presets", "{structures}", "-p", "omgea=1"],
    ["presets", "missing.toml"],
])
def test_cli_presets_bad_input_exits_2(args):
    args = [a.format(vertical=SCENARIOS / "vertical.toml", structures=SCENARIOS / "platform_structures.toml")
            for a in args]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output


def test_cli_basins_with_a_preset_uses_the_preset_values(scenario):
    res = CliRunner().invoke(main, ["basins", str(SCENARIOS / "platform_structures.toml"), "--preset", "network",
                                    "-p", "omega=0.1", "-n", "128", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["parameters"]["omega"] == pytest.approx(0.7)     # the preset's value wins over -p
    expected = basins(apply_preset(scenario, "network"), samples=128).to_dict()
    assert [a["share"] for a in out["attractors"]] == [a["share"] for a in expected["attractors"]]


def test_presets_command_shows_progress_and_follows_the_dynamics(scenario):
    from conftest import SCENARIOS
    from helpers import invoke

    res = invoke(["presets", SCENARIOS / "platform_structures.toml", "-n", "64"])
    assert res.exit_code == 0, res.output
    lines = [line for line in res.stderr.splitlines() if line.startswith("presets: ")]
    assert lines == ["presets: baseline"] + [f"presets: {n}" for n in scenario.presets]
    quiet = invoke(["presets", SCENARIOS / "platform_structures.toml", "-n", "64", "--json"])
    assert quiet.exit_code == 0 and "presets: " not in quiet.stderr
    # under Smith the stable corners are the strict Nash equilibria: each preset's stable set is analyze's
    from evogame import analyze
    from evogame.studies.presets import compare_presets, preset_values

    result = compare_presets(scenario, ["network"], samples=64, dynamics="smith")
    row = next(r for r in result.rows if r["name"] == "network")
    expected = analyze(scenario, preset_values(scenario, "network", None), dynamics="smith")
    assert row["stable"] == [p.label for p in expected.stable]
