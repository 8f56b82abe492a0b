"""
Noise that stabilises a corner
==============================

With ``c_S = 1.5`` the corner (loose, passive) of game 1 is deterministically
unstable for the superior (``a = d(F + R_U) − c_S = 0.1 > 0``, dashed path);
with the noise form ``x(1−x)`` an intensity with ``σ² > 2a`` makes it almost
surely exponentially stable. Mean and 5–95 % band of the sample paths per
σ, and a few sample paths.
"""
from pathlib import Path

import evogame
from evogame.plotting.recipes import noise_figure

# the shipped games: run from the checkout, or from examples/ (where the gallery runs it)
SCENARIOS = next(d / "scenarios" for d in (Path.cwd(), Path.cwd().parent) if (d / "scenarios").is_dir())

scenario = evogame.load_scenario(SCENARIOS / "vertical.toml")
fig = noise_figure(scenario, [0.2, 1.0], params={"c_S": 1.5}, form="x(1-x)", initial=[[0.05, 0.05]],
                   t_end=60, paths=200, dt=0.02, width="double")
