"""
Regime map over two parameters
==============================

Which states are stable over the subordinate's cost of sharing ``c_D`` and
its leakage loss ``L``, with the closed-form threshold of the target state
(c_D = βB + mG − λL) drawn on top. A coarse 41 × 41 grid here; the command
line draws 241 × 241 in about a second.
"""
from pathlib import Path

import numpy as np

import evogame
from evogame.plotting.recipes import regime_figure

# the shipped games: run from the checkout, or from examples/ (where the gallery runs it)
SCENARIOS = next(d / "scenarios" for d in (Path.cwd(), Path.cwd().parent) if (d / "scenarios").is_dir())

scenario = evogame.load_scenario(SCENARIOS / "vertical.toml")
fig = regime_figure(scenario, "c_D", np.linspace(0, 6, 41), "L", np.linspace(0, 10, 41))
