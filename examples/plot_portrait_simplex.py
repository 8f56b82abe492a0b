"""
Simplex: one population of three strategies
===========================================

A coordination game of Zeeman's classification: three strict equilibria at
the corners, each with its basin, separated by saddles on the edges and a
source inside.
"""
from pathlib import Path

import evogame
from evogame.plotting import portrait

# the shipped games: run from the checkout, or from examples/ (where the gallery runs it)
SCENARIOS = next(d / "scenarios" for d in (Path.cwd(), Path.cwd().parent) if (d / "scenarios").is_dir())

scenario = evogame.load_scenario(SCENARIOS / "zeeman_coordination.toml")
fig = portrait(scenario)
