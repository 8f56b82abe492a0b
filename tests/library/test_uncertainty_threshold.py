"""The uncertainty study's threshold at every draw is the threshold study's there (issue 20, point 1).

The game (tests/scenarios/tripartite_sharing.toml): a central government supervises strictly or loosely,
departments A and B share or withhold; the platform mechanism cuts both departments' costs,
c_X -> c_X (1 - 0.8 s).  At the target (loose, share, share) the replicator's Jacobian is diagonal
(read from the payoff table: each population's payoff disadvantage of its strategy there):

    centre: K - c_G - 2 r,    A: c_A (1 - 0.8 s) - w_A,    B: c_B (1 - 0.8 s) - w_B,

so with c_A, c_B > 0 the target is stable exactly for s > max(s_A, s_B), s_X = (c_X - w_X) / (0.8 c_X),
provided K < c_G + 2 r.  Which department's condition binds changes from draw to draw: no single closed
form serves every draw.
"""
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from evogame.scenario import load_scenario
from evogame.studies.thresholds import threshold
from evogame.studies.uncertainty import uncertainty
from evogame.studies.uncertainty_threshold import ALREADY, INDEPENDENT, NEVER, STATUSES, THRESHOLD

from conftest import SCENARIOS
from helpers import invoke

GAME = Path(__file__).resolve().parent.parent / "scenarios" / "tripartite_sharing.toml"
UNCERTAIN = ["c_A=uniform:0:12", "c_B=uniform:0:12", "K=uniform:0:4"]
c_G, r, w_A, w_B = 2.0, 0.5, 2.0, 2.0


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(GAME)


@pytest.fixture(scope="module")
def result(scenario):
    return uncertainty(scenario, UNCERTAIN, ["platform"], samples=4000, seed=3)


def closed_form(draws):
    """Status and threshold from the eigenvalues above (strength in [0, 1], baseline 0)."""
    c_A, c_B, K = draws.T
    s_A, s_B = (c_A - w_A) / (0.8 * c_A), (c_B - w_B) / (0.8 * c_B)
    centre = K - c_G - 2 * r < 0
    star = np.maximum(s_A, s_B)
    status = np.select([centre & (star < 0), centre & (star < 1), ~centre & (c_A < w_A) & (c_B < w_B)],
                       [ALREADY, THRESHOLD, INDEPENDENT], NEVER)
    return status, np.where(status == THRESHOLD, star, np.nan), np.where(s_A >= s_B, 0, 1)


def test_threshold_at_every_draw_is_the_closed_form_branch_by_branch(result):
    status, star, binding = closed_form(result.draws)
    assert np.array_equal(result.threshold_status, status)
    assert np.allclose(result.thresholds, star, rtol=1e-12, atol=1e-12, equal_nan=True)
    has = status == THRESHOLD
    t = result.threshold
    assert [b["p_binding"] for b in t["branches"]] == pytest.approx([np.mean(binding[has] == 0),
                                                                     np.mean(binding[has] == 1)])
    assert 0.3 < t["branches"][0]["p_binding"] < 0.7           # both conditions bind, each at many draws
    assert "c_A - w_A" in t["branches"][0]["expression"] and "c_B - w_B" in t["branches"][1]["expression"]


def test_threshold_at_forty_draws_is_what_the_threshold_study_gives_there(scenario, result):
    """Ten draws of each outcome (every outcome occurs), each checked by `threshold` with those values."""
    picked = np.concatenate([np.nonzero(result.threshold_status == code)[0][:10] for code in range(4)])
    assert len(picked) == 40
    thresholds = result.thresholds[picked]
    assert len({int(i) for i in np.nonzero(result.threshold_status == THRESHOLD)[0][:10]}) == 10
    for i, s in zip(picked, thresholds):
        values = {n.split("=")[0]: float(v) for n, v in zip(UNCERTAIN, result.draws[i])}
        found = threshold(scenario, ["platform"], params=values)
        assert found.status == STATUSES[result.threshold_status[i]], values
        if found.threshold is None:
            assert np.isnan(s)
        else:
            assert s == pytest.approx(found.threshold, rel=1e-12, abs=1e-12)


def test_outcome_probabilities_agree_with_the_stability_probabilities(result):
    t, c = result.threshold, result.threshold["consistency"]
    total = t["p_already_stable"] + t["p_within"] + t["p_never_stable"] + t["p_independent"]
    assert total == pytest.approx(1, abs=1e-12)
    # stability only grows with the strength here: stable at 1 = already stable or a threshold in [0, 1]
    assert result.p_target_stable == pytest.approx(t["p_already_stable"] + t["p_within"], abs=1e-12)
    assert c["p_stable_at_strength"] == result.p_target_stable and c["p_lost_again"] == 0
    assert c["p_stable_otherwise"] == 0 and c["p_reached"] == result.p_target_stable
    for code in range(4):
        assert 0.002 < np.mean(result.threshold_status == code) < 0.7    # every outcome occurs


def test_the_issue_command_reports_consistent_probabilities(scenario):
    """Issue 20: stable at full strength in 100 % of draws must not come with P(0 <= s* <= 1) < 1 - P(s* < 0)."""
    r = uncertainty(scenario, ["c_A=uniform:1:5", "c_B=uniform:1:5"], ["platform"], samples=4000)
    t = r.threshold
    assert r.p_target_stable == 1.0
    assert t["p_already_stable"] + t["p_within"] == 1.0 and t["p_never_stable"] == 0
    c_A, c_B = r.draws.T
    assert t["p_already_stable"] == np.mean((c_A < w_A) & (c_B < w_B))       # about 1/16
    star = np.maximum((c_A - w_A) / (0.8 * c_A), (c_B - w_B) / (0.8 * c_B))
    assert np.allclose(r.thresholds, np.where(star >= 0, star, np.nan), rtol=1e-12, equal_nan=True)


def test_strength_at_one_half_splits_by_the_threshold(scenario):
    r = uncertainty(scenario, ["c_A=uniform:1:5", "c_B=uniform:1:5"], ["platform"], strength=0.5, samples=3000)
    c = r.threshold["consistency"]
    reached = (r.threshold_status == ALREADY) | (r.thresholds <= 0.5)
    assert c["strength"] == 0.5 and c["p_reached"] == np.mean(reached) == r.p_target_stable < 1


def test_text_shows_each_outcome_and_the_identity_with_the_table():
    out = invoke(["uncertainty", GAME, *sum((["--dist", d] for d in UNCERTAIN), []), "-m", "platform",
                  "--samples", "2000"])
    assert out.exit_code == 0, out.stderr
    for phrase in ("P(already stable at strength 0", "P(a threshold s* in [0, 1]", "P(never stable",
                   "P(stable at strength 1) = P(already stable or s* <= 1)", "binding at"):
        assert phrase in out.stdout
    data = json.loads(invoke(["uncertainty", GAME, "--dist", "c_A=uniform:1:5", "-m", "platform",
                              "--samples", "500", "--json"]).stdout)
    assert data["threshold"]["at_defaults"] == {"status": "threshold", "threshold": pytest.approx(0.625)}
    assert data["sobol"] is None


def test_without_sobol_indices_salib_and_scipy_stats_are_not_imported():
    code = ("import sys\n"
            "from evogame.cli import main\n"
            "from click.testing import CliRunner\n"
            f"out = CliRunner().invoke(main, ['uncertainty', {str(SCENARIOS / 'vertical.toml')!r}, "
            "'--dist', 'c_D=uniform:0:5', '-m', 'platform', '--samples', '2000'])\n"
            "assert out.exit_code == 0, out.output\n"
            "import evogame\n"
            f"evogame.uncertainty(evogame.load_scenario({str(GAME)!r}), ['c_A=uniform:1:5'], ['platform'], samples=100)\n"
            "print(sorted(m for m in ('SALib', 'scipy.stats') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.skipif(importlib.util.find_spec("SALib") is None, reason="SALib is not installed")
def test_sobol_indices_import_salib_when_asked():
    code = ("import sys, evogame\n"
            f"r = evogame.uncertainty(evogame.load_scenario({str(GAME)!r}), ['c_A=uniform:1:5', 'c_B=uniform:1:5'],"
            " samples=512, sobol=True)\n"
            "print(r.sobol['names'], 'SALib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['c_A', 'c_B'] True"


def test_without_a_closed_form_the_bisection_at_each_draw_is_the_threshold_studys():
    """Under Smith's dynamics the corner's stability has a Nash condition beside its Jacobian: `threshold`
    bisects, and so does the uncertainty study, at every draw at once (game 1, the platform)."""
    scenario = load_scenario(SCENARIOS / "vertical.toml")
    r = uncertainty(scenario, ["c_D=uniform:0:5"], ["platform"], samples=40, seed=2, dynamics="smith")
    assert r.threshold["method"].startswith("bisection")
    assert {STATUSES[c] for c in r.threshold_status} >= {"threshold", "already stable"}
    for i in range(0, 40, 5):
        found = threshold(scenario, ["platform"], params={"c_D": float(r.draws[i, 0])}, dynamics="smith")
        assert found.status == STATUSES[r.threshold_status[i]]
        if found.threshold is None:
            assert np.isnan(r.thresholds[i])
        else:
            assert r.thresholds[i] == pytest.approx(found.threshold, abs=1e-9)


def test_a_mechanism_that_helps_then_hurts_is_followed_branch_by_branch(tmp_path):
    """c_X -> c_X (1 - 2.4 s + 2.4 s^2): each department's part is quadratic in s, stable between its two
    roots, and at s = 1 the costs are back to the baseline.  So a draw with a threshold in [0, 1] is unstable
    again at s = 1, and P(stable at 1) = P(stable at 0); the thresholds are `threshold`'s at sampled draws."""
    text = GAME.read_text().replace('set = { c_A = "c_A*(1 - 0.8*strength)", c_B = "c_B*(1 - 0.8*strength)" }',
                                    'set = { c_A = "c_A*(1 - 2.4*strength + 2.4*strength**2)", '
                                    'c_B = "c_B*(1 - 2.4*strength + 2.4*strength**2)" }')
    path = tmp_path / "fatigue.toml"
    path.write_text(text)
    scenario = load_scenario(path)
    r = uncertainty(scenario, ["c_A=uniform:1:6", "c_B=uniform:1:6"], ["platform"], samples=2000, seed=1)
    t, c = r.threshold, r.threshold["consistency"]
    assert t["method"].startswith("closed form") and 0.2 < t["p_within"] < 0.8
    assert c["p_lost_again"] == t["p_within"] and c["p_stable_at_strength"] == t["p_already_stable"]
    assert c["p_stable_at_strength"] == r.p_target_stable
    c_A, c_B = r.draws.T
    # each part's lower root: 2.4 s^2 - 2.4 s + 1 - w/c = 0
    with np.errstate(invalid="ignore"):
        lower = [(2.4 - np.sqrt(2.4 ** 2 - 9.6 * (1 - w / cost))) / 4.8 for cost, w in ((c_A, w_A), (c_B, w_B))]
        expected = np.maximum(np.where(c_A < w_A, -1, lower[0]), np.where(c_B < w_B, -1, lower[1]))
    has = r.threshold_status == THRESHOLD
    assert np.allclose(r.thresholds[has], expected[has], rtol=1e-12, atol=1e-12)
    for i in list(np.nonzero(has)[0][:4]) + list(np.nonzero(~has)[0][:2]):
        found = threshold(scenario, ["platform"], params={"c_A": float(c_A[i]), "c_B": float(c_B[i])})
        assert found.status == STATUSES[r.threshold_status[i]]
        assert (found.threshold is None and np.isnan(r.thresholds[i])) or \
            r.thresholds[i] == pytest.approx(found.threshold, rel=1e-12, abs=1e-12)
