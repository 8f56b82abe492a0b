"""Every study accepts a scenario with [perception]: the behavioural parameters are parameters like any other.

scenarios/perceived_sharing.toml (hand-derived, see test_perception.py): with w = w-(d) the TK loss weight,
    D_central(y, z) = -k + w lam P^beta [2^beta (1-y)(1-z) + y(1-z) + (1-y) z],
    D_A(z) = z S^alpha - lam c_A^beta,  D_B(y) = y S^alpha - lam c_B^beta.
So (loose, share, share) is asymptotically stable iff lam < S^alpha / c_B^beta (c_B > c_A), and (loose, not, not)
iff D_central(0, 0) > 0 is false, i.e. lam < k / (w (2P)^beta).
"""
from __future__ import annotations

import numpy as np
import pytest

from conftest import load
from evogame import basins, continue_rest_points, sweep, uncertainty

S, C_A, C_B, K, P, D = 2.5, 2.0, 3.0, 1.0, 1.5, 0.5
A = B = 0.88
W = D ** 0.69 / (D ** 0.69 + (1 - D) ** 0.69) ** (1 / 0.69)
LAM_SHARE = S ** A / C_B ** B              # (loose, share, share) stable below
LAM_NOT = K / (W * (2 * P) ** B)           # (loose, not, not) stable below


@pytest.fixture(scope="module")
def scenario():
    return load("perceived_sharing")


def test_sweep_over_loss_aversion_finds_the_hand_derived_switches(scenario):
    result = sweep(scenario, [("lam", np.linspace(0.5, 1.2, 15))])
    found = {(b["rest_point"], b["from"], b["to"]): b["value"] for b in result.bifurcations}
    assert found[("(loose, share, share)", "asymptotically stable", "saddle")] == pytest.approx(LAM_SHARE, rel=1e-9)
    assert found[("(loose, not, not)", "asymptotically stable", "saddle")] == pytest.approx(LAM_NOT, rel=1e-9)


def test_regime_map_in_loss_aversion_and_alpha_follows_the_closed_form(scenario):
    lams, alphas = np.linspace(0.4, 1.6, 7), np.linspace(0.5, 1.0, 6)
    result = sweep(scenario, [("lam", lams), ("alpha", alphas)])
    for j, a in enumerate(alphas):
        for i, lam in enumerate(lams):
            stable = "(loose, share, share)" in result.regimes[result.regime_index[j, i]]
            assert stable == (S ** a > lam * C_B ** B), (lam, a)


def test_continuation_in_loss_aversion_meets_both_exchanges_of_stability(scenario):
    result = continue_rest_points(scenario, "lam", (0.5, 1.2))
    exchanges = sorted({round(s.parameter, 9) for s in result.special_points if s.kind == "exchange of stability"})
    assert exchanges == pytest.approx(sorted([LAM_NOT, LAM_SHARE]), rel=1e-8)


def test_basins_under_perceived_payoffs_follow_the_invariant_quadrants(scenario):
    # at lam = 0.5 the departments' (y, z) dynamics do not depend on x: the saddle of their square is at
    # y* = lam c_B^beta / S^alpha, z* = lam c_A^beta / S^alpha, and {y > y*, z > z*} flows to (share, share)
    result = basins(scenario, {"lam": 0.5}, samples=256)
    labels = result.labels
    assert set(labels) == {"(loose, share, share)", "(loose, not, not)"}
    y_star, z_star = 0.5 * C_B ** B / S ** A, 0.5 * C_A ** B / S ** A
    y, z = result.initial[:, 1], result.initial[:, 2]
    share = labels.index("(loose, share, share)")
    up, down = (y > y_star + 0.02) & (z > z_star + 0.02), (y < y_star - 0.02) & (z < z_star - 0.02)
    assert up.any() and down.any()
    assert (result.assignment[up] == share).all() and (result.assignment[down] == 1 - share).all()


def test_uncertainty_gives_sobol_indices_of_the_behavioural_parameters(scenario):
    result = uncertainty(scenario, ["lam=uniform:0.5:1.5", "alpha=uniform:0.6:1", "beta=uniform:0.6:1"], samples=256,
                         sobol=True)
    lam, alpha, beta = result.draws.T
    # the target's margin at each draw, by hand: max(-D_central(1, 1), -D_A(1), -D_B(1)) = max(-k, ...)
    margin = np.maximum.reduce([np.full_like(lam, -K), lam * C_A ** beta - S ** alpha, lam * C_B ** beta - S ** alpha])
    assert result.margins == pytest.approx(margin, rel=1e-9, abs=1e-12)
    assert result.p_target_stable == pytest.approx(np.mean(margin < 0))
    assert result.sobol["names"] == ["lam", "alpha", "beta"]
    assert all(np.isfinite(result.sobol["S1"])) and result.sobol["ST"][0] > 0.1   # loss aversion matters


def test_explorer_page_has_a_loss_aversion_slider_with_the_closed_form_switch(scenario, tmp_path):
    """The page carries a lam slider, and its JavaScript (run in Node.js) finds (loose, share, share)
    asymptotically stable exactly below the hand-derived S^alpha / c_B^beta."""
    pytest.importorskip("plotly")
    import json
    import shutil
    import subprocess
    from evogame.explore import explore
    from evogame.explore.model import build_model
    from evogame.explore.solver_js import NUMERICS

    result = explore(scenario, str(tmp_path / "page.html"), parameters={"lam": (0.5, 1.2)})
    assert (tmp_path / "page.html").stat().st_size == result.size > 0
    assert "lam" in [s.name for s in result.sliders]
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed (the browser test checks the page's numerics in Chromium)")
    model = build_model(scenario, scenario.game, [], "replicator")
    lams = [LAM_SHARE * f for f in (0.6, 0.9, 0.99, 1.01, 1.1, 1.4)]
    vectors = [[lam if n == "lam" else v for n, v in zip(model.parameters, model.values)] for lam in lams]
    js = (NUMERICS + f"\nconst M = {model.to_js()};\nconst P = {json.dumps(vectors)};\n"
          f"console.log(JSON.stringify(P.map(p => NUM.restPoints(M, p, {model.dimension}))));")
    run = subprocess.run([node, "-e", js], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    target = [0.0, 1.0, 1.0]          # (loose, share, share) in reduced coordinates
    for lam, points in zip(lams, json.loads(run.stdout)):
        (point,) = [q for q in points if np.allclose(q["z"], target, atol=1e-9)]
        assert (point["cls"] == "asymptotically stable") == (lam < LAM_SHARE), (lam, point["cls"])