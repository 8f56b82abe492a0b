"""
Noise: where the sample paths end
=================================

The distribution of the end states of game 1's sample paths for two noise
intensities (the same start and seed), beside the deterministic end state:
the picture of "where does the noisy system settle", where the paths figure
shows "how does it get there".
"""
from pathlib import Path

import evogame
from evogame.plotting.recipes import noise_figure

# the shipped games: run from the checkout, or from examples/ (where the gallery runs it)
SCENARIOS = next(d / "scenarios" for d in (Path.cwd(), Path.cwd().parent) if (d / "scenarios").is_dir())

scenario = evogame.load_scenario(SCENARIOS / "vertical.toml")
fig = noise_figure(scenario, [0.2, 1.0], ends=True, params={"c_S": 1.5}, form="x(1-x)", initial=[[0.05, 0.05]],
                   t_end=60, paths=200, dt=0.02)
