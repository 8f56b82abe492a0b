"""
Bifurcation diagram
===================

Every branch of rest points of game 1 along the platform mechanism's
strength, continued (solid: asymptotically stable, dashed: not; one colour
per family of faces). The exchange of stability at s = 7/8 is a branch
point (BP), located exactly.
"""
from pathlib import Path

import numpy as np

import evogame
from evogame.plotting.recipes import bifurcation

# the shipped games: run from the checkout, or from examples/ (where the gallery runs it)
SCENARIOS = next(d / "scenarios" for d in (Path.cwd(), Path.cwd().parent) if (d / "scenarios").is_dir())

scenario = evogame.load_scenario(SCENARIOS / "vertical.toml")
fig = bifurcation(scenario, "strength", np.linspace(0, 1, 41), ["platform"])
