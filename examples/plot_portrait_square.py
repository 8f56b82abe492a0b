"""
Unit square: two populations of two strategies
==============================================

Game 1, the vertical hierarchical game: a superior government (strict or
loose supervision) and a subordinate (active or passive sharing). Without a
mechanism (loose, passive) is the only attractor.
"""
from pathlib import Path

import evogame
from evogame.plotting import portrait

# the shipped games: run from the checkout, or from examples/ (where the gallery runs it)
SCENARIOS = next(d / "scenarios" for d in (Path.cwd(), Path.cwd().parent) if (d / "scenarios").is_dir())

scenario = evogame.load_scenario(SCENARIOS / "vertical.toml")
print(", ".join(p.label for p in evogame.analyze(scenario).stable))
fig = portrait(scenario)
