"""
Threshold of a mechanism against loss aversion
===============================================

Perceived payoffs (prospect theory, ``[perception]``): the subsidy's threshold
strength for full sharing in ``scenarios/perceived_sharing.toml`` against the
loss aversion ``lam``, one curve per curvature ``alpha``. By hand,
s* = max(0, 1 − (S^α/λ)^(1/β)/c_B); the dashed line is the threshold under the
expected payoffs (1/6).
"""
from pathlib import Path

import numpy as np

import evogame
from evogame.plotting.recipes import perception_figure

# the shipped games: run from the checkout, or from examples/ (where the gallery runs it)
SCENARIOS = next(d / "scenarios" for d in (Path.cwd(), Path.cwd().parent) if (d / "scenarios").is_dir())

scenario = evogame.load_scenario(SCENARIOS / "perceived_sharing.toml")
fig = perception_figure(scenario, ["subsidy"], np.linspace(0, 4, 33))
