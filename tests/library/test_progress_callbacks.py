"""The library's ``progress(done, total)`` callbacks: sensible counts, and no effect on the result.

(The bars the commands draw from them are tested in tests/cli/test_progress.py.)
"""
from __future__ import annotations

import importlib.util
import json
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from evogame.engine.analysis import analyze
from evogame.cli import jsonable
from evogame.studies.basins import BLOCK, basins

from conftest import load

needs_salib = pytest.mark.skipif(importlib.util.find_spec("SALib") is None,
                                 reason="SALib (the optional 'uncertainty' extra) is not installed")


def as_json(result) -> str:
    return json.dumps(jsonable(result.to_dict()), sort_keys=True)


def assert_counts(calls: list[tuple[int, int]]) -> None:
    """Done rises, never passes the total, the total never shrinks, and the last call is complete."""
    assert calls
    dones, totals = [c[0] for c in calls], [c[1] for c in calls]
    assert all(a <= b for a, b in zip(dones, dones[1:])) and all(a <= b for a, b in zip(totals, totals[1:]))
    assert all(0 <= d <= t for d, t in calls)
    assert dones[-1] == totals[-1]


@needs_salib
def test_uncertainty_counts_the_draws_and_the_sobol_design():
    from evogame.studies.uncertainty import sobol_base, uncertainty
    scenario = load("vertical")
    calls = []
    result = uncertainty(scenario, ["c_D=uniform:0:5", "L=uniform:0:10"], samples=3000, seed=1, sobol=True,
                         progress=lambda done, total: calls.append((done, total)))
    assert_counts(calls)
    planned = 3000 + sobol_base(3000, 2) * (2 * 2 + 2)       # no mechanism: nothing beyond the plan
    assert {t for _, t in calls} == {planned} and result.sobol["evaluations"] == planned - 3000
    assert (3000, planned) in calls                           # the Monte Carlo sample, then the design
    assert as_json(result) == as_json(uncertainty(scenario, ["c_D=uniform:0:5", "L=uniform:0:10"], samples=3000,
                                                  seed=1, sobol=True))


def test_uncertainty_threshold_evaluations_add_to_the_total(monkeypatch):
    from evogame.studies import uncertainty as module
    scenario = load("vertical")
    monkeypatch.setattr(module, "_closed_form", lambda *a: None)     # the threshold by bisection at every draw
    calls = []
    with ThreadPoolExecutor(2) as pool:
        result = module.uncertainty(scenario, ["c_D=uniform:0:5"], ["platform"], samples=300, seed=3,
                                    executor=pool, progress=lambda done, total: calls.append((done, total)))
    assert_counts(calls)
    switching = int(np.isfinite(result.thresholds).sum())
    assert calls[0][1] == 300 and 0 < switching < 300
    # the grid at every draw (and at the defaults), then >= 20 bisection rounds over the draws that switch
    assert calls[-1][1] >= 300 + module.GRID * 301 + 20 * switching


@pytest.mark.parametrize("pool", [False, True])
def test_basins_count_the_starts_block_by_block(pool):
    scenario = load("coordination")
    n = 2 * BLOCK + 37
    calls = []
    with ThreadPoolExecutor(2) as executor:
        basins(scenario, samples=n, seed=5, executor=executor if pool else None,
               progress=lambda done, total: calls.append((done, total)))
    assert calls == [(BLOCK, n), (2 * BLOCK, n), (n, n)]


def test_symbolic_analysis_counts_the_rest_points():
    scenario = load("vertical")
    calls = []
    result = analyze(scenario, symbolic=True, progress=lambda done, total: calls.append((done, total)))
    k = len(result.symbolic_rest_points)
    assert k >= 4 and calls == [(i, k) for i in range(k + 1)]
    numeric = []
    analyze(scenario, progress=lambda done, total: numeric.append((done, total)))
    assert numeric == []                                       # numeric analysis is quick: no progress


def test_uncertainty_closed_form_threshold_adds_no_engine_evaluations():
    from evogame.studies.uncertainty import uncertainty
    calls = []
    result = uncertainty(load("vertical"), ["c_D=uniform:0:5"], ["platform"], samples=1000, seed=3,
                         progress=lambda done, total: calls.append((done, total)))
    assert result.threshold["method"].startswith("closed form")
    assert_counts(calls)
    # the compiled condition gives the threshold at every draw: the plan is the Monte Carlo sample alone
    assert {t for _, t in calls} == {1000}
