"""
Bifurcation diagram with limit cycles
=====================================

Rock-Paper-Scissors under the logit dynamics (eta = 0.1) along the loss l:
the interior rest point loses stability at the Hopf point l = w + 6 eta
(H, supercritical), and the branch of stable limit cycles born there is
drawn as the shaded range between each cycle's minimum and maximum share.
"""
from pathlib import Path

import evogame
from evogame.studies.continuation import continue_rest_points
from evogame.plotting.branches import branch_diagram

SCENARIOS = next(d / "scenarios" for d in (Path.cwd(), Path.cwd().parent) if (d / "scenarios").is_dir())

rps = evogame.load_scenario(SCENARIOS / "rps.toml")
fig = branch_diagram(continue_rest_points(rps, "l", (1.0, 2.5), dynamics="logit:eta=0.1"))
