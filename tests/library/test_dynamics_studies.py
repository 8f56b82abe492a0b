"""Sweeps, regime maps, thresholds, figures and the report under dynamics other than the replicator.

The parametric engine solves the replicator's faces once and, per dynamics,
keeps the Nash equilibria (BNN, Smith), marks kinks ``not differentiable``,
and leaves cells empty where a dynamics is undefined (Maynard Smith with a
payoff <= 0); where the rest points are found numerically (logit, mutation)
every value is analysed on its own.  The expectations below are derived by
hand from the games, independently of that machinery.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from evogame import analyze, load_scenario, parse_scenario
from evogame.dynamics import with_dynamics
from evogame.errors import AnalysisError, ScenarioError
from evogame.studies.sweeps import regime_map, sweep1d
from evogame.studies.thresholds import threshold
from helpers import invoke

from conftest import SCENARIOS

# Game 1 at its defaults: the subordinate's payoff advantage of active sharing when the superior is loose is
# B*beta + G*m - L*lambda - c_D = 0.9 - c_D, so (loose, active) is a strict Nash equilibrium for c_D < 0.9 and
# (loose, passive) one for c_D > 0.9 (the superior prefers loose at both: c_S > 0).
SWITCH = 0.9


@pytest.fixture(scope="module")
def vertical():
    return load_scenario(SCENARIOS / "vertical.toml")


def _classes(result, label):
    return result.classifications[label]


def test_smith_sweep_keeps_the_strict_nash_corners_and_classifies_them(vertical):
    values = np.linspace(0, 3, 31)
    r = sweep1d(vertical, "c_D", values, dynamics="smith")
    assert r.method == "vectorised" and r.dynamics == "smith"
    # the replicator's other corners are rest points of the replicator but not Nash equilibria: absent here
    assert set(r.labels) == {"(loose, active)", "(loose, passive)"}
    for v, active, passive in zip(values, _classes(r, "(loose, active)"), _classes(r, "(loose, passive)")):
        if v < SWITCH - 1e-9:
            # Smith at a strict equilibrium of two-strategy populations: eigenvalue -(payoff advantage) < 0
            assert (active, passive) == ("asymptotically stable", None)
        elif v > SWITCH + 1e-9:
            assert (active, passive) == (None, "asymptotically stable")
    # every change happens at the tie c_D = 0.9 (the grid holds it: there both corners are kinks)
    switch = [b["value"] for b in r.bifurcations]
    assert len(switch) >= 2 and all(abs(v - SWITCH) < 1e-8 for v in switch)


def test_bnn_sweep_reports_every_corner_as_a_kink(vertical):
    # BNN at a pure equilibrium: the used strategy's excess payoff [f_i - fbar]_+ is [0]_+, a kink
    r = sweep1d(vertical, "c_D", np.linspace(0, 3, 16), dynamics="bnn")
    for label in r.labels:
        assert set(_classes(r, label)) <= {"not differentiable", None}
    assert "not differentiable" in _classes(r, "(loose, active)")


@pytest.mark.parametrize("dynamics", ["smith", "bnn", "mutator:mu=0"])
def test_vectorised_sweep_equals_analyze_value_by_value(vertical, dynamics):
    values = np.linspace(0.05, 2.95, 12)     # off the switch at 0.9
    vec = sweep1d(vertical, "c_D", values, dynamics=dynamics)
    assert vec.method == "vectorised"
    for k, v in enumerate(values):
        a = analyze(vertical, {"c_D": float(v)}, dynamics=dynamics)
        assert sorted((p.label, p.classification) for p in a.rest_points) == sorted(
            (lab, c[k]) for lab, c in vec.classifications.items() if c[k] is not None)


def test_regime_map_under_smith_has_the_nash_boundary(vertical):
    x, y = np.linspace(0, 2, 21) + 0.013, np.linspace(0, 10, 11) + 0.017
    r = regime_map(vertical, "c_D", x, "L", y, dynamics="smith")
    assert r.dynamics == "smith"
    for j, L in enumerate(y):
        for i, c in enumerate(x):
            advantage = 4 * 0.3 + 3 * 0.4 - L * 0.3 - c       # B beta + G m - L lambda - c_D
            expected = ("(loose, active)",) if advantage > 0 else ("(loose, passive)",)
            assert r.regimes[r.regime_index[j, i]] == expected


MAYNARD_SMITH = """
[game]
name = "shifted"
[[populations]]
name = "row"
strategies = ["a", "b"]
[[populations]]
name = "col"
strategies = ["a", "b"]
[parameters]
k = { value = 1, range = [-1, 3] }
[payoffs]
"a.a" = ["k", "2"]
"a.b" = ["1", "1"]
"b.a" = ["2", "3"]
"b.b" = ["3", "2"]
"""


def test_maynard_smith_is_undefined_where_a_payoff_is_not_positive():
    scenario = parse_scenario(MAYNARD_SMITH)
    values = np.linspace(-1, 3, 21)
    ms = sweep1d(scenario, "k", values, dynamics="maynard_smith")
    rep = sweep1d(scenario, "k", values)
    for label in rep.labels:
        for v, a, b in zip(values, ms.classifications.get(label, [None] * len(values)), rep.classifications[label]):
            # f_bar > 0 everywhere iff every entry > 0 iff k > 0; there the Jacobian is the replicator's / f_bar
            assert a == (b if v > 1e-12 else None), (label, v)
    assert any("positive payoffs" in n for n in ms.notes)


def test_logit_sweep_finds_the_quantal_response_equilibrium_at_every_value(vertical):
    values = np.linspace(1, 5, 5)
    r = sweep1d(vertical, "c_D", values, dynamics="logit:eta=0.5")
    assert r.method == "per point"
    game = vertical.game
    (label,) = r.labels
    from evogame.dynamics import derive
    dyn = derive(game, "logit:eta=0.5")
    for k, v in enumerate(values):
        state = r.states[label][k]
        f = np.array(dyn.fitness_function()(*state, *dyn.parameter_vector(game.values({"c_D": float(v)}))), float)
        # x = softmax(f / eta) in each population, written out for the two 2-strategy populations
        for p, x in enumerate(state):
            f1, f2 = f[2 * p], f[2 * p + 1]
            assert x == pytest.approx(1 / (1 + math.exp((f2 - f1) / 0.5)), abs=1e-9)


def test_smith_threshold_equals_the_strict_nash_threshold(vertical):
    # at a corner of two-strategy populations Smith's eigenvalues are -(payoff advantage): stable iff strict Nash,
    # which is where the replicator's corner is stable too (its eigenvalues: the advantages' negatives)
    smith = threshold(vertical, ["platform"], dynamics="smith")
    replicator = threshold(vertical, ["platform"])
    assert smith.dynamics == "smith" and smith.method == "bisection"
    assert smith.threshold == pytest.approx(replicator.threshold, abs=1e-9)
    assert smith.stable_above == ["(loose, active)"]


def test_thresholds_follow_the_scenarios_dynamics():
    text = (SCENARIOS / "vertical.toml").read_text(encoding="utf-8") + '\n[dynamics]\nname = "smith"\n'
    result = threshold(parse_scenario(text), ["platform"])
    assert result.dynamics == "smith" and result.method == "bisection"


def test_pure_targets_are_refused_where_they_are_not_rest_points_or_are_kinks(vertical):
    with pytest.raises(AnalysisError, match="interior"):
        threshold(vertical, ["platform"], dynamics="logit:eta=0.5")
    with pytest.raises(AnalysisError, match="kink"):
        threshold(vertical, ["platform"], dynamics="bnn")


def test_logit_interior_threshold_is_followed_value_by_value(vertical):
    r = threshold(vertical, ["dynamic_penalty"], target="interior", dynamics="logit:eta=0.5")
    assert r.method == "bisection" and any("value by value" in n for n in r.notes)
    # logit's rest point at each end: the strictly mixed one, asymptotically stable (checked by analyze itself)
    for at, stable in ((r.below_at, r.stable_below), (r.above_at, r.stable_above)):
        assert len(stable) == 1 and stable[0].startswith("(mixed(")


def test_with_dynamics_refuses_an_unknown_name(vertical):
    with pytest.raises(ScenarioError, match="unknown dynamics"):
        with_dynamics(vertical, "smiht")
    assert with_dynamics(vertical, "bnn").dynamics == "bnn" and vertical.dynamics == "replicator"


def test_cli_sweep_threshold_and_report_take_dynamics(tmp_path):
    vertical = SCENARIOS / "vertical.toml"
    out = invoke(["sweep", vertical, "--sweep", "c_D=0:2:21", "--dynamics", "smith", "--json"])
    assert out.exit_code == 0, out.output
    assert '"dynamics": "smith"' in out.stdout
    out = invoke(["threshold", vertical, "-m", "platform", "--dynamics", "smith"])
    assert out.exit_code == 0 and "threshold: strength = 0.875" in out.stdout
    out = invoke(["report", vertical, "-o", tmp_path / "r", "--dynamics", "smith", "--kinds", "portrait",
                  "--no-symbolic"])
    assert out.exit_code == 0, out.output
    text = (tmp_path / "r" / "report.md").read_text(encoding="utf-8")
    assert "Equations of the dynamics smith" in text and "\\left|" in text   # Smith's [u]_+ = (u + |u|)/2
    out = invoke(["figure", "bifurcation", vertical, "--sweep", "c_D=0:2:21", "--dynamics", "smith",
                  "--dynamics", "bnn", "--out", tmp_path / "b.svg"])
    assert out.exit_code == 2 and "one dynamics" in out.stderr
