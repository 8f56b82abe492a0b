"""Rock-paper-scissors under four revision protocols: rest points, their classes, and one figure.

Run:  python examples/dynamics_side_by_side.py  (writes rps_dynamics.svg)
"""
from pathlib import Path

import evogame
from evogame.plotting.recipes import dynamics_figure

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"

scenario = evogame.load_scenario(SCENARIOS / "rps.toml")
for dynamics in ("replicator", "logit:eta=0.5", "bnn", "smith"):
    analysis = evogame.analyze(scenario, dynamics=dynamics)
    centre = next(p for p in analysis.rest_points if p.is_interior)
    eigenvalues = ", ".join(f"{e.real:+.4f}{e.imag:+.4f}i" for e in centre.eigenvalues) or "none (a kink)"
    print(f"{dynamics:14s} centre: {centre.classification:22s} eigenvalues: {eigenvalues}")

figure = dynamics_figure(scenario, ["replicator", "logit:eta=0.5", "bnn", "smith"])
figure.savefig("rps_dynamics.svg")
print("wrote rps_dynamics.svg")
