"""
Bifurcation diagrams of the three-population games
==================================================

One panel per population (the share of its first strategy) for each shipped
three-population game, along the strength of one of its mechanisms: branches
that coincide in a panel (several corners with the same share) are drawn
once, solid where asymptotically stable.
"""
from pathlib import Path

import evogame
from evogame.plotting.recipes import bifurcation

SCENARIOS = next(d / "scenarios" for d in (Path.cwd(), Path.cwd().parent) if (d / "scenarios").is_dir())

for name, mechanism in (("tripartite_sharing", "platform"), ("dual_leadership", "incentive"),
                        ("hidden_collusion", "trust"), ("platform_structures", "platform")):
    scenario = evogame.load_scenario(SCENARIOS / f"{name}.toml")
    fig = bifurcation(scenario, "strength", [0.0, 1.0], [mechanism])
