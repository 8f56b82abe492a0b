"""Which outcome is stable, over two parameters, under the replicator and under the Smith dynamics.

Run:  python examples/regime_map_under_smith.py
"""
from pathlib import Path

import numpy as np

import evogame

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"

scenario = evogame.load_scenario(SCENARIOS / "vertical.toml")
axes = [("c_D", np.linspace(0, 3, 61)), ("L", np.linspace(0, 10, 51))]
for dynamics in ("replicator", "smith"):
    result = evogame.sweep(evogame.with_dynamics(scenario, dynamics), axes)
    shares = np.bincount(result.regime_index.ravel(), minlength=len(result.regimes)) / result.regime_index.size
    print(f"{dynamics}:")
    for regime, share in zip(result.regimes, shares):
        print(f"  {share:6.1%}  {', '.join(regime) or 'nothing stable'}")
