"""
Sensitivity to a mechanism's strength
=====================================

Paths of game 1 from one start for several strengths of the platform
mechanism: past its threshold (7/8) the subordinate's active sharing wins.
"""
from pathlib import Path

import evogame
from evogame.plotting.recipes import sensitivity

# the shipped games: run from the checkout, or from examples/ (where the gallery runs it)
SCENARIOS = next(d / "scenarios" for d in (Path.cwd(), Path.cwd().parent) if (d / "scenarios").is_dir())

scenario = evogame.load_scenario(SCENARIOS / "vertical.toml")
print(evogame.threshold(scenario, ["platform"]).threshold)
fig = sensitivity(scenario, [0, 0.5, 0.9, 1], mechanism="platform", t_end=30)
