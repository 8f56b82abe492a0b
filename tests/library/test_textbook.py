"""Textbook oracles: Hawk-Dove, Rock-Paper-Scissors, prisoner's dilemma,
coordination, and the Zeeman phase-portrait classes."""
import numpy as np
import pytest

from evogame.engine.analysis import analyze
from evogame.solvers.stability import (ASYMPTOTICALLY_STABLE, NON_HYPERBOLIC, SADDLE,
                               UNSTABLE_SOURCE)

from conftest import load


@pytest.mark.parametrize("V,C", [(2, 4), (1, 3), (3, 5)])
def test_hawk_dove_mixed_rest_point_at_V_over_C(V, C):
    a = analyze(load("hawk_dove"), {"V": V, "C": C})
    mixed = [p for p in a.rest_points if not p.is_pure]
    assert len(mixed) == 1
    assert mixed[0].shares[0][0] == pytest.approx(V / C, abs=1e-12)
    assert mixed[0].classification == ASYMPTOTICALLY_STABLE
    # the eigenvalue of x(1-x)((V-C)/2 x + V(1-x) - V/2 (1-x)) at x* = V/C is -(V/2)(1 - V/C)
    assert mixed[0].eigenvalues[0].real == pytest.approx(-(V / 2) * (1 - V / C))
    assert {p.classification for p in a.rest_points if p.is_pure} == {UNSTABLE_SOURCE}


def test_rps_interior_is_a_centre():
    a = analyze(load("rps"))
    interior = [p for p in a.rest_points if p.is_interior]
    assert len(interior) == 1
    p = interior[0]
    assert p.shares[0] == pytest.approx([1 / 3] * 3, abs=1e-12)
    assert p.classification == NON_HYPERBOLIC
    assert sorted(p.eigenvalues.imag) == pytest.approx([-1 / np.sqrt(3), 1 / np.sqrt(3)])
    assert np.allclose(p.eigenvalues.real, 0, atol=1e-12)
    assert [q.classification for q in a.rest_points if q.is_pure] == [SADDLE] * 3


def test_prisoners_dilemma_defection_stable():
    a = analyze(load("prisoners_dilemma"))
    assert [p.label for p in a.stable] == ["(defect)"]
    assert a.find("cooperate").classification == UNSTABLE_SOURCE
    assert len(a.rest_points) == 2


def test_coordination_bistable_with_a_saddle_between():
    a = analyze(load("coordination"))
    assert sorted(p.label for p in a.stable) == ["(A, A)", "(B, B)"]
    interior = [p for p in a.rest_points if p.is_interior]
    assert len(interior) == 1 and interior[0].classification == SADDLE
    assert interior[0].state == pytest.approx([1 / 3, 1 / 3])


def test_zeeman_rps_stable_interior_sink():
    a = analyze(load("zeeman_rps_stable"))
    p = [p for p in a.rest_points if p.is_interior][0]
    assert p.classification == ASYMPTOTICALLY_STABLE and np.all(p.eigenvalues.imag != 0)


def test_zeeman_rps_unstable_interior_source():
    a = analyze(load("zeeman_rps_unstable"))
    p = [p for p in a.rest_points if p.is_interior][0]
    assert p.classification == UNSTABLE_SOURCE
    assert a.stable == []


def test_zeeman_coordination_three_sinks():
    a = analyze(load("zeeman_coordination"))
    assert len(a.stable) == 3 and all(p.is_pure for p in a.stable)
    edges = [p for p in a.rest_points if not p.is_pure and not p.is_interior]
    assert len(edges) == 3 and all(p.classification == SADDLE for p in edges)
    assert [p.classification for p in a.rest_points if p.is_interior] == [UNSTABLE_SOURCE]


def test_zeeman_dominance():
    a = analyze(load("zeeman_dominance"))
    assert [p.label for p in a.rest_points] == ["(e1)", "(e2)", "(e3)"]
    assert [p.classification for p in a.rest_points] == [ASYMPTOTICALLY_STABLE, SADDLE, UNSTABLE_SOURCE]


def test_zeeman_edge_ess():
    a = analyze(load("zeeman_edge_ess"))
    assert len(a.stable) == 1
    assert a.stable[0].shares[0] == pytest.approx([0.75, 0.25, 0.0], abs=1e-12)
