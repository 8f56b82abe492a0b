"""Scale-out: sweeps, regime maps, basins and uncertainty in chunks on an executor give the in-process result.

Two real executors: a ``ProcessPoolExecutor`` of two processes (standard
library) and a Dask ``LocalCluster`` of two worker processes with a
``distributed.Client`` (the optional extra ``evogame[distributed]``; the Dask
tests are skipped, with the reason, when it is not installed).
"""
from __future__ import annotations

import importlib.util
import json
import multiprocessing
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest

from evogame.cli import jsonable
from evogame.errors import ScenarioError
from evogame.util.executors import INSTALL_HINT, chunk_slices, map_chunks, scheduler_executor
from evogame.studies import chunked
from evogame.studies.basins import BLOCK, basins
from evogame.studies import uncertainty_model
from evogame.studies.sweeps import regime_map, sweep1d

from conftest import SCENARIOS, load
from helpers import assert_user_error, invoke

VERTICAL = str(SCENARIOS / "vertical.toml")
COORDINATION = str(SCENARIOS / "coordination.toml")
NO_DASK = "Dask is the optional extra evogame[distributed] (pip install \"evogame[distributed]\"); not installed"
needs_salib = pytest.mark.skipif(importlib.util.find_spec("SALib") is None,
                                 reason="SALib (the optional 'uncertainty' extra) is not installed")
UNCERTAIN = (["c_D=uniform:0:5", "L=uniform:0:10"], ["platform"])


def _dask_installed() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(scope="module")
def process_pool():
    # spawned: the module's Dask client runs threads, and forking a threaded process can deadlock
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


@pytest.fixture(scope="module")
def dask_client():
    if not _dask_installed():
        pytest.skip(NO_DASK)
    import distributed
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None,
                                  silence_logs=40) as cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture(params=["processes", "dask"])
def executor(request):
    return request.getfixturevalue("process_pool" if request.param == "processes" else "dask_client")


def as_json(result) -> str:
    return json.dumps(jsonable(result.to_dict()), sort_keys=True)


def same_arrays(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k], equal_nan=True) for k in a)


# -- the library ------------------------------------------------------------------

def test_chunks_cover_the_items_in_order():
    for n in (1, 2, 7, 100):
        for k in (1, 3, 8, 200):
            slices = chunk_slices(n, k)
            assert np.array_equal(np.concatenate([np.arange(n)[s] for s in slices]), np.arange(n))
            assert len(slices) == min(n, k) and all(s.stop > s.start for s in slices)
    assert map_chunks(sum, [[1, 2], [3], [4, 5, 6]]) == [3, 3, 15]


def test_vectorised_regime_map_on_an_executor_is_the_in_process_one(executor):
    scenario = load("vertical")
    x, y = np.linspace(0, 5, 13), np.linspace(0, 1, 9)
    here = regime_map(scenario, "c_D", x, "d", y)
    there = regime_map(scenario, "c_D", x, "d", y, executor=executor)
    assert here.method == there.method == "vectorised"
    assert same_arrays(here.codes, there.codes)
    assert np.array_equal(here.regime_index, there.regime_index) and here.regimes == there.regimes
    assert as_json(here) == as_json(there)


def test_vectorised_sweep_on_an_executor_is_the_in_process_one(executor):
    scenario = load("vertical")
    here = sweep1d(scenario, "c_D", np.linspace(0, 5, 41))
    there = sweep1d(scenario, "c_D", np.linspace(0, 5, 41), executor=executor)
    assert here.method == there.method == "vectorised"
    assert same_arrays(here.states, there.states) and same_arrays(here.eigenvalues, there.eigenvalues)
    assert here.bifurcations == there.bifurcations and as_json(here) == as_json(there)


def test_per_point_sweep_on_an_executor_is_the_in_process_one(executor):
    scenario = load("vertical")
    values = np.linspace(0, 5, 6)
    here = sweep1d(scenario, "c_D", values, method="per point")
    there = sweep1d(scenario, "c_D", values, method="per point", executor=executor)
    assert here.method == there.method == "per point"
    assert same_arrays(here.eigenvalues, there.eigenvalues) and same_arrays(here.codes, there.codes)
    assert as_json(here) == as_json(there)


def test_per_point_regime_map_on_a_process_pool_is_the_in_process_one(process_pool):
    scenario = load("vertical")
    x, y = np.linspace(0, 5, 3), np.linspace(0, 1, 2)
    here = regime_map(scenario, "c_D", x, "d", y, method="per point")
    there = regime_map(scenario, "c_D", x, "d", y, method="per point", executor=process_pool)
    assert there.method == "per point" and as_json(here) == as_json(there)


def test_basins_on_an_executor_are_the_in_process_ones(executor):
    scenario = load("coordination")
    samples = 2 * BLOCK + 37      # three blocks, one of them short
    here = basins(scenario, samples=samples, seed=5)
    there = basins(scenario, samples=samples, seed=5, executor=executor)
    assert np.array_equal(here.initial, there.initial)
    assert np.array_equal(here.final, there.final) and np.array_equal(here.assignment, there.assignment)
    assert as_json(here) == as_json(there)
    assert here.counts.sum() + here.not_converged == samples


def test_basins_extended_in_chunks_report_the_time_of_the_whole():
    """Unconverged starts are integrated further block by block; the time reported is the whole run's."""
    scenario = load("zeeman_rps_stable")
    with ThreadPoolExecutor(2) as pool:
        here = basins(scenario, samples=BLOCK + 3, seed=1, t_end=0.05, extensions=2)
        there = basins(scenario, samples=BLOCK + 3, seed=1, t_end=0.05, extensions=2, executor=pool)
    assert here.t_end == there.t_end == pytest.approx(0.05 * (1 + 2 + 4))
    assert as_json(here) == as_json(there)


def test_a_worker_whose_derivation_differs_is_not_trusted(monkeypatch):
    """A chunk whose engine fingerprint differs from the local one is evaluated locally."""
    scenario = load("vertical")
    x, y = np.linspace(0, 5, 7), np.linspace(0, 1, 5)
    here = regime_map(scenario, "c_D", x, "d", y)

    def lying_worker(grids, token, spec):
        shape = np.broadcast_shapes(*[g.shape for g in grids])
        junk = np.zeros((4,) + shape, dtype=np.int8)
        return ("another derivation",), {"codes": junk, "states": junk[..., None], "eigenvalues": junk[..., None],
                                         "npos": junk}

    monkeypatch.setattr(chunked, "_evaluate_chunk", lying_worker)
    with ThreadPoolExecutor(2) as pool:
        there = regime_map(scenario, "c_D", x, "d", y, executor=pool)
    assert as_json(here) == as_json(there)


@needs_salib
def test_uncertainty_on_an_executor_is_the_in_process_one(executor):
    from evogame.studies.uncertainty import uncertainty
    scenario = load("vertical")
    here = uncertainty(scenario, *UNCERTAIN, samples=3000, seed=4, sobol=True)
    there = uncertainty(scenario, *UNCERTAIN, samples=3000, seed=4, sobol=True, executor=executor)
    assert as_json(here) == as_json(there) and here.sobol is not None and here.threshold is not None
    assert np.array_equal(here.draws, there.draws)
    assert np.array_equal(here.margins, there.margins, equal_nan=True)
    assert np.array_equal(here.thresholds, there.thresholds, equal_nan=True)


@needs_salib
def test_uncertainty_chunks_run_on_the_workers_and_the_bisection_too(monkeypatch):
    """On a thread pool every chunk is evaluated by the worker function (none falls back here), in at
    least CHUNKS_PER_WORKER x workers chunks, and the bisected threshold is the in-process one."""
    from evogame.studies import uncertainty as module
    scenario = load("vertical")
    monkeypatch.setattr(module, "_closed_form", lambda *a: None)     # the threshold by bisection
    here = module.uncertainty(scenario, *UNCERTAIN, samples=1500, seed=2)
    calls, fallbacks = [], []
    on_worker, local = uncertainty_model._on_worker, uncertainty_model._here

    def counted(part, *args):
        calls.append(len(part[0]))
        return on_worker(part, *args)

    def watched(*args):
        fallbacks.append(1)
        return local(*args)

    monkeypatch.setattr(uncertainty_model, "_on_worker", counted)
    with ThreadPoolExecutor(2) as pool:
        monkeypatch.setattr(uncertainty_model, "_here", watched)     # the worker calls it through _on_worker
        there = module.uncertainty(scenario, *UNCERTAIN, samples=1500, seed=2, executor=pool)
    assert there.threshold["method"].startswith("bisection") and as_json(here) == as_json(there)
    assert len(fallbacks) == len(calls) and min(calls) >= 1        # every _here call came from a worker
    assert sum(calls[:8]) == 1500 and set(calls[:8]) == {187, 188}   # the Monte Carlo draws: 8 chunks


@needs_salib
def test_uncertainty_chunk_size_does_not_change_the_result(monkeypatch):
    from evogame.studies.uncertainty import uncertainty
    scenario = load("vertical")
    here = uncertainty(scenario, *UNCERTAIN, samples=2000, seed=9)
    monkeypatch.setattr(uncertainty_model, "CHUNK", 333)
    small = uncertainty(scenario, *UNCERTAIN, samples=2000, seed=9)
    assert as_json(here) == as_json(small)
    assert np.array_equal(here.margins, small.margins, equal_nan=True)


@needs_salib
def test_uncertainty_with_a_lying_worker_is_evaluated_here(monkeypatch):
    from evogame.studies.uncertainty import uncertainty
    scenario = load("vertical")
    here = uncertainty(scenario, *UNCERTAIN, samples=1000, seed=1)
    monkeypatch.setattr(uncertainty_model, "_on_worker", lambda part, *args: (("another derivation",), None))
    with ThreadPoolExecutor(2) as pool:
        there = uncertainty(scenario, *UNCERTAIN, samples=1000, seed=1, executor=pool)
    assert as_json(here) == as_json(there)


# -- without Dask -------------------------------------------------------------------

def test_evogame_imports_and_runs_without_dask():
    code = ("import sys; sys.modules['distributed'] = None; sys.modules['dask'] = None\n"
            "import evogame, evogame.util.executors, evogame.studies.sweeps, evogame.studies.basins, evogame.cli\n"
            "from evogame.util.executors import scheduler_executor\n"
            "with scheduler_executor(None) as ex: assert ex is None\n"
            "print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_missing_dask_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)   # import distributed -> ImportError
    with pytest.raises(ScenarioError, match="evogame\\[distributed\\]") as info:
        with scheduler_executor("local:2"):
            pass
    assert INSTALL_HINT in str(info.value)
    res = invoke(["sweep", VERTICAL, "--sweep", "c_D=0:5:5", "--scheduler", "tcp://127.0.0.1:8786"])
    assert_user_error(res, "--scheduler", 'pip install "evogame[distributed]"')


@pytest.mark.parametrize("address", ["local:0", "local:two", "processes:", "processes:-1"])
def test_a_bad_worker_count_is_a_user_error(address):
    assert_user_error(invoke(["basins", COORDINATION, "-n", "16", "--scheduler", address]), "--scheduler", address)


# -- the command line ---------------------------------------------------------------

def _here_and_there(args, scheduler):
    """The command run in process and with ``--scheduler``; both must succeed."""
    here, there = invoke(args), invoke(args + ["--scheduler", scheduler])
    assert here.exit_code == there.exit_code == 0, there.output
    return here, there


def test_cli_scheduler_processes_gives_the_in_process_json():
    args = ["sweep", VERTICAL, "--sweep", "c_D=0:5:7", "--sweep", "d=0:1:4", "--json"]
    here, there = _here_and_there(args, "processes:2")
    assert json.loads(here.stdout) == json.loads(there.stdout)


@needs_salib
def test_cli_uncertainty_scheduler_processes_gives_the_in_process_json():
    args = ["uncertainty", VERTICAL, "--dist", "c_D=uniform:0:5", "--dist", "L=uniform:0:10", "-m", "platform",
            "--samples", "2000", "--seed", "3", "--sobol", "--json"]
    here, there = _here_and_there(args, "processes:2")
    assert here.stdout == there.stdout and json.loads(there.stdout)["sobol"]["names"] == ["c_D", "L"]
    assert there.stderr == ""
    assert_user_error(invoke(args + ["--scheduler", "processes:0"]), "--scheduler", "processes:0")


def test_cli_scheduler_address_of_a_dask_cluster(dask_client):
    address = dask_client.scheduler.address
    for args in (["sweep", VERTICAL, "--sweep", "c_D=0:5:21", "--json"],
                 ["basins", COORDINATION, "--samples", str(BLOCK + 100), "--seed", "3", "--json"]):
        here, there = _here_and_there(args, address)
        assert json.loads(here.stdout) == json.loads(there.stdout)


@pytest.mark.skipif(not _dask_installed(), reason=NO_DASK)
def test_cli_scheduler_local_starts_a_dask_cluster():
    args = ["basins", COORDINATION, "--samples", "200", "--seed", "4", "--json"]
    here, there = _here_and_there(args, "local:2")
    assert json.loads(here.stdout) == json.loads(there.stdout)


@needs_salib
def test_cli_uncertainty_on_a_dask_cluster(dask_client):
    args = ["uncertainty", VERTICAL, "--dist", "c_D=uniform:0:5", "-m", "platform", "--samples", "1000", "--json"]
    here, there = _here_and_there(args, dask_client.scheduler.address)
    assert here.stdout == there.stdout
