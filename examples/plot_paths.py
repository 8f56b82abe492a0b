"""
Evolution paths
===============

The shares of game 1's strategies over time from several initial states, as
the papers draw them.
"""
from pathlib import Path

import evogame
from evogame.plotting import paths

# the shipped games: run from the checkout, or from examples/ (where the gallery runs it)
SCENARIOS = next(d / "scenarios" for d in (Path.cwd(), Path.cwd().parent) if (d / "scenarios").is_dir())

scenario = evogame.load_scenario(SCENARIOS / "vertical.toml")
fig = paths(scenario, initial=[[0.2, 0.8], [0.5, 0.5], [0.8, 0.2]], t_end=20)
