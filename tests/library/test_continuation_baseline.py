"""Branch points of rest-point branches against an independent continuation tool (pycont-lite, the
``baselines`` extra): on three seed games the tool, started from a corner and left to switch branches by
itself, finds only branch points evogame lists, to 1e-6 in the parameter, and the ones the issue names."""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from evogame.scenario import load_scenario
from evogame.studies.continuation import continue_rest_points

pycont = pytest.importorskip("pycont.continuation", reason="pycont-lite (the 'baselines' extra) is not installed")

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _pycont_branch_points(system, start) -> list[float]:
    """The parameters of the BP / LP events pycont-lite finds from ``start`` at strength 0 (strength in [0, 1])."""
    if system.dimension > 1:
        def G(u, p):
            return system.field(u, p)
    else:                  # pycont-lite needs two unknowns: a decoupled u2' = u2 (eigenvalue 1) beside the field
        def G(u, p):
            return np.array([system.field(u[:1], p)[0], u[1]])
        start = (*start, 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = pycont.pseudoArclengthContinuation(
            G, np.array(start, dtype=float), 0.0, 1e-6, 0.02, 0.01, 150,
            solver_parameters={"param_min": 0.0, "param_max": 1.0, "tolerance": 1e-12}, verbosity="OFF")
    return sorted({float(e.p) for e in result.events if e.kind in ("BP", "LP")})


@pytest.mark.parametrize("name, mechanism, start, expected", [
    ("vertical", "platform", (0.0, 1.0), [7 / 8]),
    ("vertical", "platform", (1.0, 0.0), [0.1, 1 / 3, 7 / 8]),
    ("hidden_collusion", "trust", (0.0, 1.0, 1.0), [4 / 15]),
    ("hidden_collusion", "trust", (1.0, 1.0, 0.0), [2 / 3]),
    ("platform_public_good", "incentive", (0.0,), [0.6]),
    ("platform_public_good", "incentive", (1.0,), [0.1]),
])
def test_branch_points_agree_with_pycont_lite(name, mechanism, start, expected):
    result = continue_rest_points(load_scenario(SCENARIOS / f"{name}.toml"), mechanism=mechanism, cycles=False)
    ours = [s.parameter for s in result.special_points if s.label in ("BP", "LP")]
    theirs = _pycont_branch_points(result.system, start)
    assert theirs, "pycont-lite found no branch point"
    for value in theirs:
        assert min(abs(value - v) for v in ours) <= 1e-6
    for value in expected:                      # the closed forms, found by both
        assert min(abs(value - v) for v in theirs) <= 1e-6
        assert min(abs(value - v) for v in ours) <= 1e-6
