"""
Information delay: paths below and above the critical delay
===========================================================

Game 1 with the dynamic penalty has an asymptotically stable interior focus.
When departments react to payoffs they saw τ time units ago, the focus stays
stable below the critical delay τ* and oscillates away above it: paths at
0.5 τ* and 1.5 τ*.
"""
from pathlib import Path

import evogame
from evogame.plotting.recipes import delay_figure

# the shipped games: run from the checkout, or from examples/ (where the gallery runs it)
SCENARIOS = next(d / "scenarios" for d in (Path.cwd(), Path.cwd().parent) if (d / "scenarios").is_dir())

scenario = evogame.load_scenario(SCENARIOS / "vertical.toml")
fig = delay_figure(scenario, mechanisms=["dynamic_penalty"])
