"""
Finite populations: invasion diagram and stationary distribution
================================================================

Game 1 with 30 departments per population under the pairwise-comparison
(Fermi) process: the invasion diagram between the four pure profiles
(fixation probability ρ relative to neutral drift 1/Z) and the stationary
distribution in the small-mutation limit.
"""
from pathlib import Path

import evogame
from evogame.studies.finite import finite
from evogame.plotting.finite import finite_figure

# the shipped games: run from the checkout, or from examples/ (where the gallery runs it)
SCENARIOS = next(d / "scenarios" for d in (Path.cwd(), Path.cwd().parent) if (d / "scenarios").is_dir())

scenario = evogame.load_scenario(SCENARIOS / "vertical.toml")
result = finite(scenario, 30, beta=1.0)
print(result.text())
fig = finite_figure(result)
