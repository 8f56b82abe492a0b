"""Exact parameter values of Hopf points on two-dimensional faces (sympy on the Hopf conditions)."""
from __future__ import annotations

from pathlib import Path

import pytest
import sympy

from evogame.scenario import load_scenario
from evogame.studies.continuation import continue_rest_points

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.mark.parametrize("loss, expected", [(1.0, "1"), (1.3, "13/10"), (sympy.Rational(7, 4), "7/4")])
def test_replicator_rps_hopf_point_has_its_exact_value(loss, expected):
    # Rock-Paper-Scissors (win w, loss l): the barycentre is a rest point for every w, and the replicator's
    # Jacobian there has the pair (l - w)/6 +- i sqrt(3)(w + l)/6 (circulant payoffs): the Hopf point of the
    # continuation in w is w = l exactly (a centre: degenerate, but a Hopf point by its eigenvalues)
    rps = load_scenario(SCENARIOS / "rps.toml")
    result = continue_rest_points(rps, "w", (0.5, 2.0), params={"l": float(loss)}, cycles=False)
    (hopf,) = [s for s in result.special_points if s.label == "H"]
    assert hopf.exact == expected
    assert hopf.parameter == pytest.approx(float(sympy.Rational(expected)), abs=1e-9)


def test_logit_hopf_has_no_exact_value():
    # l = w + 6 eta under the logit dynamics: exponentials, no polynomial system to solve
    rps = load_scenario(SCENARIOS / "rps.toml")
    result = continue_rest_points(rps, "l", (1.0, 2.5), dynamics="logit:eta=0.1", cycles=False)
    (hopf,) = [s for s in result.special_points if s.label == "H"]
    assert hopf.exact is None
    assert hopf.parameter == pytest.approx(1.6, abs=1e-8)
