"""
Information delay: the critical delay along a mechanism's strength
==================================================================

The critical delay τ* of game 1's interior focus against the strength of
the dynamic penalty: the focus exists from a strength of about 1/3 on, and
the stronger the penalty, the shorter the lag it tolerates.
"""
from pathlib import Path

import numpy as np

import evogame
from evogame.plotting.recipes import delay_figure

# the shipped games: run from the checkout, or from examples/ (where the gallery runs it)
SCENARIOS = next(d / "scenarios" for d in (Path.cwd(), Path.cwd().parent) if (d / "scenarios").is_dir())

scenario = evogame.load_scenario(SCENARIOS / "vertical.toml")
fig = delay_figure(scenario, sweep=("strength", np.linspace(0.3, 1, 15)), mechanisms=["dynamic_penalty"])
