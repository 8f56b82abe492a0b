"""``--delay`` on simulate and analyze, and the scenario's ``[delay]``."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
from conftest import SCENARIOS
from helpers import assert_user_error, invoke

from evogame.errors import ScenarioError
from evogame.scenario import scenario_from_dict

VERTICAL = str(SCENARIOS / "vertical.toml")


def _interior(document):
    return next(p for p in document["delay"]["rest_points"] if p["label"].startswith("(mixed"))


def test_analyze_reports_tau_star_of_the_dynamic_penalty_focus():
    result = invoke(["analyze", VERTICAL, "-m", "dynamic_penalty", "--delay", "1", "--no-cache"])
    assert result.exit_code == 0, result.output
    assert "Delay\n-----" in result.stdout and "tau* (Hopf)" in result.stdout
    document = json.loads(invoke(["analyze", VERTICAL, "-m", "dynamic_penalty", "--delay", "1", "--json",
                                  "--no-cache"]).stdout)
    point = _interior(document)
    (re, im), = [e for e in point["eigenvalues"] if e[1] > 0]
    assert point["tau_star"] == pytest.approx(math.atan(-re / im) / math.hypot(re, im), rel=1e-6)
    assert point["verdict"] == "unstable"                 # tau = 1 > tau* ~ 0.05
    below = json.loads(invoke(["analyze", VERTICAL, "-m", "dynamic_penalty", "--delay", "0.01", "--json",
                               "--no-cache"]).stdout)
    assert _interior(below)["verdict"] == "asymptotically stable"
    corners = [p for p in document["delay"]["rest_points"] if p is not point]
    assert all(p["method"] == "delay-independent" for p in corners)


def test_simulate_with_delay_writes_the_same_csv_columns(tmp_path):
    out = tmp_path / "paths.csv"
    result = invoke(["simulate", VERTICAL, "-m", "dynamic_penalty", "--delay", "0.2", "-i", "0.4,0.2",
                     "--t-end", "5", "--points", "11", "--out", out])
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert lines[0] == "start,t,x,y" and len(lines) == 12
    document = json.loads(invoke(["simulate", VERTICAL, "--delay", "superior=0.2", "--delay", "subordinate=0.1",
                                  "-i", "0.4,0.2", "--t-end", "5", "--points", "11", "--json"]).stdout)
    assert document["delays"] == {"superior": 0.2, "subordinate": 0.1}
    zero = json.loads(invoke(["simulate", VERTICAL, "--delay", "0", "-i", "0.4,0.2", "--t-end", "5",
                              "--points", "11", "--json"]).stdout)
    plain = json.loads(invoke(["simulate", VERTICAL, "-i", "0.4,0.2", "--t-end", "5", "--points", "11",
                               "--json"]).stdout)
    assert np.array_equal(zero["paths"], plain["paths"])


@pytest.mark.parametrize("args, fragment", [
    (["simulate", VERTICAL, "--delay", "-1"], "option --delay"),
    (["simulate", VERTICAL, "--delay", "soon"], "option --delay"),
    (["simulate", VERTICAL, "--delay", "boss=1"], "unknown population 'boss'"),
    (["simulate", VERTICAL, "--delay", "1", "--dynamics", "logit:eta=0.5"], "replicator dynamics only"),
    (["analyze", VERTICAL, "--delay", "1", "--dynamics", "smith", "--no-cache"], "option --delay"),
])
def test_bad_delays_are_user_errors(args, fragment):
    assert_user_error(invoke(args), fragment)


def _raw():
    return {"game": {"name": "g"},
            "populations": [{"name": "row", "strategies": ["a", "b"]}, {"name": "col", "strategies": ["c", "d"]}],
            "payoffs": {"a.c": [1, -1], "a.d": [-1, 1], "b.c": [-1, 1], "b.d": [1, -1]}}


def _scenario(delay):
    data = _raw()
    if delay is not None:
        data["delay"] = delay
    return scenario_from_dict(data, file="g.toml")


def test_scenario_delay_section_is_read():
    assert _scenario(None).delay is None
    assert _scenario({"tau": 1.5}).delay.tau == 1.5
    settings = _scenario({"tau": {"col": 0.5}, "history": [0.2, 0.9]}).delay
    assert settings.tau == {"row": 0.0, "col": 0.5} and settings.history == (0.2, 0.9)


@pytest.mark.parametrize("delay, key", [
    ({"tau": -1}, "delay.tau"), ({"tau": "x"}, "delay.tau"), ({}, "delay.tau"), ({"tau": 1, "lag": 2}, "delay.lag"),
    ({"tau": {"nobody": 1}}, "delay.tau.nobody"), ({"tau": 1, "history": [0.5]}, "delay.history"),
    ({"tau": 1, "history": [1.5, 0.5]}, "delay.history"), ({"tau": 1, "history": "linear"}, "delay.history"),
    (3, "delay"),
])
def test_scenario_delay_errors_name_the_key(delay, key):
    with pytest.raises(ScenarioError) as info:
        _scenario(delay)
    assert info.value.key == key and info.value.file == "g.toml"


def test_scenario_delay_is_the_default_of_simulate_and_a_given_history_is_used():
    from evogame.studies.delay import simulate_delayed
    scenario = _scenario({"tau": 0.5, "history": [0.9, 0.1]})
    start = np.array([[0.5, 0.5]])
    given = simulate_delayed(scenario, start, 2.0, n_points=5)
    assert given.delays == {"row": 0.5, "col": 0.5} and given.history == "constant: given state"
    # dx/dt = x(1 - x)[f_a - f_b](y(t - tau)) = x(1 - x) 2 (2 y(t - tau) - 1): with y = 0.1 before t = 0
    # the row population starts to fall although y(0) = 1/2 makes it indifferent
    assert given.paths[0, 1, 0] < 0.5
    constant = simulate_delayed(scenario, start, 2.0, n_points=5, history="constant")
    assert np.allclose(constant.paths[0], 0.5)              # the centre is a rest point with a constant history


def test_delay_figures_are_written_with_the_same_bytes(tmp_path):
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    for out in (first, second):
        result = invoke(["figure", "delay", VERTICAL, "-m", "dynamic_penalty", "--t-end", "20", "--out", out])
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()
    text = first.read_text()
    assert "strict supervision" in text and "active sharing" in text     # one panel per population, labelled (mid-phrase: lower case)
    curve = tmp_path / "tau.svg"
    result = invoke(["figure", "delay", VERTICAL, "-m", "dynamic_penalty", "--sweep", "strength=0.5:1:3",
                     "--out", curve])
    assert result.exit_code == 0, result.output
    assert "Dynamic penalty" in curve.read_text()


@pytest.mark.parametrize("args, fragment", [
    (["figure", "delay", VERTICAL], "no rest point of this game loses its stability through a delay"),
    (["figure", "delay", VERTICAL, "--sweep", "strength=0:1:3"], "needs --mechanism"),
    (["figure", "delay", VERTICAL, "-m", "dynamic_penalty", "--sweep", "c_D=0:1:3", "--sweep", "d=0:1:3"],
     "at most one --sweep"),
])
def test_delay_figure_errors(args, fragment, tmp_path):
    assert_user_error(invoke([*args, "--out", tmp_path / "x.svg"]), fragment)


def test_critical_delay_curve_at_full_strength_is_the_analysis_tau_star():
    from evogame.studies.delay.study import critical_delay_curve
    from evogame.scenario import load_scenario
    scenario = load_scenario(VERTICAL)
    curve = critical_delay_curve(scenario, "strength", [0.0, 1.0], ["dynamic_penalty"])
    document = json.loads(invoke(["analyze", VERTICAL, "-m", "dynamic_penalty", "--delay", "1", "--json",
                                  "--no-cache"]).stdout)
    assert np.isnan(curve.tau_star[0])          # the baseline: only corners, which a delay does not touch
    assert curve.tau_star[1] == pytest.approx(_interior(document)["tau_star"], rel=1e-12)


def test_a_scenario_delay_is_the_default_of_analyze_simulate_and_validate(tmp_path):
    path = tmp_path / "delayed.toml"
    path.write_text(open(VERTICAL, encoding="utf-8").read() + "\n[delay]\ntau = { subordinate = 0.25 }\n",
                    encoding="utf-8")
    declared = json.loads(invoke(["validate", path, "--json"]).stdout)
    assert declared["delay"] == {"tau": {"superior": 0.0, "subordinate": 0.25}, "history": None}
    document = json.loads(invoke(["analyze", path, "-m", "dynamic_penalty", "--json", "--no-cache"]).stdout)
    assert document["delay"]["delays"] == {"superior": 0.0, "subordinate": 0.25}
    assert document["delay"]["tau"] is None          # unequal delays: tau* for a common delay ...
    point = _interior(document)                      # ... and the verdict from the rightmost root
    assert point["tau_star"] > 0 and point["verdict"] in ("asymptotically stable", "unstable")
    assert (point["verdict"] == "unstable") == (point["spectral_abscissa"] > 0)
    paths = json.loads(invoke(["simulate", path, "-i", "0.4,0.2", "--t-end", "2", "--points", "5", "--json"]).stdout)
    assert paths["delays"] == {"superior": 0.0, "subordinate": 0.25}
    plain = json.loads(invoke(["simulate", path, "--delay", "0", "-i", "0.4,0.2", "--t-end", "2", "--points", "5",
                               "--json"]).stdout)
    assert plain["delays"] == {"superior": 0.0, "subordinate": 0.0}


def test_a_delay_too_small_for_the_horizon_is_refused_before_integrating():
    assert_user_error(invoke(["simulate", VERTICAL, "--delay", "1e-7", "--t-end", "50"]), "option --delay", "steps")


def test_a_scenario_delay_needs_the_replicator():
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict({**_raw(), "dynamics": {"name": "logit", "eta": 0.5}, "delay": {"tau": 1}}, file="g.toml")
    assert info.value.key == "delay" and "replicator" in str(info.value)


def test_figure_takes_delay_for_paths_and_for_the_delays_drawn(tmp_path):
    delayed, plain = tmp_path / "delayed.svg", tmp_path / "plain.svg"
    common = ["figure", "paths", VERTICAL, "-m", "dynamic_penalty", "--t-end", "10"]
    assert invoke([*common, "--delay", "0.2", "--out", delayed]).exit_code == 0
    assert invoke([*common, "--out", plain]).exit_code == 0
    assert delayed.read_bytes() != plain.read_bytes()
    chosen = tmp_path / "chosen.svg"
    result = invoke(["figure", "delay", VERTICAL, "-m", "dynamic_penalty", "--delay", "0.03", "--delay", "0.07",
                     "--t-end", "20", "--out", chosen])
    assert result.exit_code == 0, result.output
    assert_user_error(invoke(["figure", "portrait", VERTICAL, "--delay", "1", "--out", tmp_path / "x.svg"]),
                      "--delay is for paths and delay figures")
