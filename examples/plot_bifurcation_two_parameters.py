"""
Two-parameter bifurcation diagram
=================================

The curves of bifurcation points in the plane of two parameters, drawn over
the regime map of the same plane (each cell coloured by its set of
asymptotically stable rest points): fold (LP), Hopf (H: solid where the first
Lyapunov coefficient is negative, supercritical; dashed where it is positive)
and branch-point (BP) curves, with their codimension-two points (CP, BT, GH,
ZH) marked.

Rock-Paper-Scissors under the logit dynamics (eta = 0.1): the Hopf point of
the interior rest point, met along the loss ``l``, continued in ``l`` and the
win ``w``, is the line l = w + 6 eta; beyond it no rest point is stable (a
stable limit cycle is). The map under the logit dynamics is computed cell by
cell, so it is coarse here; the curve is continued, not read off the grid.
"""
from pathlib import Path

import numpy as np

import evogame
from evogame.plotting.recipes import curves_figure

# the shipped games: run from the checkout, or from examples/ (where the gallery runs it)
SCENARIOS = next(d / "scenarios" for d in (Path.cwd(), Path.cwd().parent) if (d / "scenarios").is_dir())

rps = evogame.with_dynamics(evogame.load_scenario(SCENARIOS / "rps.toml"), "logit:eta=0.1")
fig = curves_figure(rps, "l", np.linspace(0.1, 2.0, 11), "w", np.linspace(0.7, 2.0, 11))

# %%
# Game 1, the vertical hierarchical game, in the strength of the platform
# mechanism and the subordinate's cost of sharing ``c_D``: whatever curves
# the continuation in the strength meets are drawn. Under the replicator its
# bifurcations are exchanges of stability (branch points, the boundaries of
# the regimes), not folds or Hopf points.
vertical = evogame.load_scenario(SCENARIOS / "vertical.toml")
fig_vertical = curves_figure(vertical, "strength", np.linspace(0.0, 1.0, 81), "c_D", np.linspace(0.0, 6.0, 81),
                             ["platform"])
