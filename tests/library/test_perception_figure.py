"""The threshold of a mechanism against loss aversion, as a curve (figure kind ``perception``).

By hand (scenarios/perceived_sharing.toml, see test_perception.py): the subsidy makes (loose, share, share) stable
from s* = max(0, 1 - (S^alpha / lam)^(1/beta) / c_B) (B's condition binds: c_B > c_A); under the expected payoffs
s* = 1 - S / c_B = 1/6.
"""
from __future__ import annotations

import numpy as np
import pytest

from conftest import load
from evogame.studies.perception import threshold_curve

S, C_B, BETA = 2.5, 3.0, 0.88


@pytest.fixture(scope="module")
def scenario():
    return load("perceived_sharing")


def test_threshold_curve_is_the_closed_form_to_the_grid_step(scenario):
    lams = np.linspace(0.25, 4, 16)
    curve = threshold_curve(scenario, ["subsidy"], lams, [0.6, 1.0], strengths=101)
    assert curve.expected == pytest.approx(1 / 6) and curve.lam_name == "lam" and curve.alpha_name == "alpha"
    for a, row in zip(curve.alphas, curve.thresholds):
        exact = np.maximum(0, 1 - (S ** a / lams) ** (1 / BETA) / C_B)
        # the grid's first stable strength lies in [s*, s* + step)
        assert np.all(row >= exact - 1e-12) and np.all(row < exact + curve.step + 1e-12), (a, row, exact)
    assert curve.to_dict()["thresholds"][0][0] == 0.0


def test_perception_figure_draws_one_curve_per_alpha_and_the_expected_line(scenario, tmp_path):
    from evogame.plotting.recipes import perception_figure
    from evogame.plotting import save_figure
    fig = perception_figure(scenario, ["subsidy"], np.linspace(0.5, 3, 6), alphas=[0.7, 1.0])
    ax = fig.axes[0]
    assert len(ax.lines) == 3 and "expected payoffs" in ax.get_legend().get_texts()[-1].get_text()
    assert save_figure(fig, tmp_path / "lam.png").stat().st_size > 0


def test_perception_figure_needs_the_section():
    from evogame.errors import ScenarioError
    from evogame.plotting.recipes import perception_figure
    with pytest.raises(ScenarioError, match=r"no \[perception\]"):
        perception_figure(load("vertical"), ["platform"])
