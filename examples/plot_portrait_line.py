"""
Phase line: one population of two strategies
============================================

The data platform as a public good of N departments (game 4): the share of
sharers moves along a line. The unstable interior point is the critical mass
that separates no sharing from partial sharing.
"""
from pathlib import Path

import evogame
from evogame.plotting import portrait

# the shipped games: run from the checkout, or from examples/ (where the gallery runs it)
SCENARIOS = next(d / "scenarios" for d in (Path.cwd(), Path.cwd().parent) if (d / "scenarios").is_dir())

scenario = evogame.load_scenario(SCENARIOS / "platform_public_good.toml")
fig = portrait(scenario)
