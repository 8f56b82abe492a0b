"""
Basins of attraction
====================

Game 3 (hidden collusion) with the trust mechanism is bistable: the share of
the state space from which the peers end up sharing sincerely, estimated
from a scrambled Sobol sample of starts (1,024 here; the command line uses
4,096 by default).
"""
from pathlib import Path

import evogame
from evogame.plotting.recipes import basins_figure

# the shipped games: run from the checkout, or from examples/ (where the gallery runs it)
SCENARIOS = next(d / "scenarios" for d in (Path.cwd(), Path.cwd().parent) if (d / "scenarios").is_dir())

scenario = evogame.apply(evogame.load_scenario(SCENARIOS / "hidden_collusion.toml"), ["trust"])
fig = basins_figure(scenario, samples=1024)
