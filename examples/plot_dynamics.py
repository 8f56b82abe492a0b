"""
One game under four dynamics
============================

Rock–Paper–Scissors under the replicator, logit (η = 0.5), BNN and Smith
dynamics: the interior centre of the replicator (non-hyperbolic) becomes an
asymptotically stable focus under logit, and a kink (not differentiable)
under BNN and Smith.
"""
from pathlib import Path

import evogame
from evogame.plotting.recipes import dynamics_figure

# the shipped games, next to examples/ (run as a script from anywhere, or by the gallery from examples/)
HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
SCENARIOS = next(d / "scenarios" for d in (HERE.parent, Path.cwd(), Path.cwd().parent) if (d / "scenarios").is_dir())

scenario = evogame.load_scenario(SCENARIOS / "rps.toml")
for dynamics in ("replicator", "logit:eta=0.5", "bnn", "smith"):
    analysis = evogame.analyze(scenario, dynamics=dynamics)
    centre = next(p for p in analysis.rest_points if p.is_interior)
    eigenvalues = ", ".join(f"{e.real:+.4f}{e.imag:+.4f}i" for e in centre.eigenvalues) or "none (a kink)"
    print(f"{dynamics:14s} centre: {centre.classification:22s} eigenvalues: {eigenvalues}")

fig = dynamics_figure(scenario, ["replicator", "logit:eta=0.5", "bnn", "smith"])
