"""The command line with [perception]: analyze says what it assumed, compare --perception, clean errors."""
from __future__ import annotations

import json

from conftest import SCENARIOS
from helpers import assert_user_error, invoke

PERCEIVED = SCENARIOS / "perceived_sharing.toml"
VERTICAL = SCENARIOS / "vertical.toml"


def test_analyze_prints_the_perceived_payoffs_in_the_behavioural_parameters():
    result = invoke(["analyze", PERCEIVED])
    assert result.exit_code == 0, result.output
    assert "dy/dt = y*(1 - y)*(S**alpha*z - c_A**beta*lam)" in result.output   # D_A = z S^alpha - lam c_A^beta
    assert "lam=2.25" in result.output and "alpha=0.88" in result.output


def test_compare_perception_matches_the_points_of_both_games():
    result = invoke(["compare", PERCEIVED, "--perception", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["compared"] == "perceived payoffs" and len(data["rows"]) == 8
    # (strict, share, share): expected D's at the corner are k = 1 > 0, S - c_A = 0.5 > 0 and S - c_B = -0.5:
    # a saddle; perceived: -D_A = lam c_A^beta - S^alpha > 0 and -D_B > 0 too: an unstable source
    row = next(r for r in data["rows"] if r["baseline"]["label"] == "(strict, share, share)")
    assert row["change"] == "saddle -> unstable source"


def test_compare_perception_at_neutral_values_changes_nothing():
    result = invoke(["compare", PERCEIVED, "--perception", "--json", "-p", "lam=1", "-p", "alpha=1", "-p", "beta=1",
                     "-p", "gamma_loss=1"])
    data = json.loads(result.stdout)
    assert data["changed"] == [] and data["baseline_stable"] == data["with_stable"]


def test_compare_perception_without_the_section_is_a_user_error():
    assert_user_error(invoke(["compare", VERTICAL, "--perception"]), "option --perception", "no [perception]")


def test_compare_needs_a_mechanism_or_perception():
    assert_user_error(invoke(["compare", VERTICAL]), "Missing option '--mechanism'")
    assert_user_error(invoke(["compare", PERCEIVED, "--perception", "-m", "subsidy"]), "exclude each other")


def test_negative_loss_aversion_is_a_user_error_naming_the_key(tmp_path):
    text = PERCEIVED.read_text(encoding="utf-8").replace("[payoffs]", "lam = -0.5\n\n[payoffs]")
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    assert_user_error(invoke(["analyze", path]), "parameters.lam.value", "out of bounds")


def test_a_term_both_gain_and_loss_is_a_user_error(tmp_path):
    text = PERCEIVED.read_text(encoding="utf-8").replace('gains = ["V", "S"]', 'gains = ["V", "S", "c_A"]')
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    assert_user_error(invoke(["validate", path]), "perception.losses", "both as a gain and as a loss")


def test_figure_perception_writes_the_threshold_curve(tmp_path):
    out = tmp_path / "lam.svg"
    result = invoke(["figure", "perception", PERCEIVED, "-m", "subsidy", "--sweep", "lam=0.5:3:6", "--out", out])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0


def test_figure_perception_sweeps_loss_aversion_only():
    assert_user_error(invoke(["figure", "perception", PERCEIVED, "--sweep", "c_A=0:1:3"]), "--sweep", "lam=LO:HI:N")
