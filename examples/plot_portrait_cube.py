"""
Unit cube: three populations of two strategies
==============================================

Game 2, dual leadership (条块分割): a line ministry, a local government and a
local department. The portrait is the unit cube with paths from spread
starts; ``slices`` adds two-dimensional slices at fixed shares of the third
population.
"""
from pathlib import Path

import evogame
from evogame.plotting import portrait

# the shipped games: run from the checkout, or from examples/ (where the gallery runs it)
SCENARIOS = next(d / "scenarios" for d in (Path.cwd(), Path.cwd().parent) if (d / "scenarios").is_dir())

scenario = evogame.load_scenario(SCENARIOS / "dual_leadership.toml")
fig = portrait(scenario, slices=(1, 0), width="double")
