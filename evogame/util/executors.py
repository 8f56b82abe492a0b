"""Scale-out: independent chunks of a study on any ``concurrent.futures`` executor.

A study that repeats the same work on many inputs (the cells of a regime
map, the grid values of a per-point sweep, the initial states of a basin
estimate) cuts them into contiguous chunks, runs a module-level function on
every chunk with :func:`map_chunks` and joins the results in chunk order.
The function must be picklable by reference (defined at module level) and
its arguments picklable (a :class:`~evogame.game.Game` is); what it returns
for a chunk must not depend on the other chunks, so the joined result is the
in-process one.

The executor may be a ``concurrent.futures.ProcessPoolExecutor`` (standard
library), a ``ThreadPoolExecutor``, or a Dask ``distributed.Client``
(anything with ``submit(fn, *args)`` returning a future with ``result()``).
:func:`scheduler_executor` opens one from an address, as ``--scheduler`` does::

    with scheduler_executor("local:2") as executor:      # Dask LocalCluster, 2 processes
        m = regime_map(scenario, "c_D", x, "d", y, executor=executor)

On a worker, :func:`worker_cached` keeps what a chunk rebuilds from its
inputs (a compiled engine, an unpickled Game whose derivation is cached beside
it) for the next chunks of the same study, keyed by :func:`token_of` the inputs.

Dask is the optional extra ``distributed`` (``pip install "evogame[distributed]"``);
nothing else in evogame imports it.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import pickle
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence

from ..errors import ScenarioError, install_hint

__all__ = ["map_chunks", "chunk_slices", "chunk_count", "scheduler_executor", "token_of", "worker_cached",
           "INSTALL_HINT"]

INSTALL_HINT = install_hint("distributed")
#: chunks per worker: several, so that a slow chunk does not leave the other workers idle
CHUNKS_PER_WORKER = 4
#: seconds to wait for a remote scheduler before giving up
CONNECT_TIMEOUT = 10


def chunk_slices(n: int, chunks: int) -> list[slice]:
    """``range(n)`` cut into ``min(chunks, n)`` contiguous slices of nearly equal length, in order."""
    chunks = max(1, min(int(chunks), int(n)))
    bounds = [round(k * n / chunks) for k in range(chunks + 1)]
    return [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]


def workers_of(executor) -> int:
    """How many tasks the executor runs at once (a guess of 2 when it does not say)."""
    nthreads = getattr(executor, "nthreads", None)   # distributed.Client: {worker: threads}
    if callable(nthreads):
        try:
            return max(1, sum(nthreads().values()))
        except Exception:   # a client that lost its scheduler: the error comes with the first task
            return 2
    return max(1, int(getattr(executor, "_max_workers", 2) or 2))


def chunk_count(executor, n: int) -> int:
    """The number of chunks for ``n`` items on ``executor`` (``CHUNKS_PER_WORKER`` per worker, at most ``n``)."""
    return max(1, min(int(n), CHUNKS_PER_WORKER * workers_of(executor)))


def map_chunks(fn: Callable[..., Any], chunks: Sequence, executor: Executor | None = None, *,
               args: tuple = (), progress: Callable[[int, int], None] | None = None,
               sizes: Sequence[int] | None = None) -> list:
    """``[fn(chunk, *args) for chunk in chunks]``, on ``executor`` when one is given.

    Parameters
    ----------
    fn : a module-level function (workers import it by name).
    chunks : the chunks, each picklable.
    executor : a ``concurrent.futures.Executor`` or a Dask ``distributed.Client``;
        None runs the chunks one after the other in this process.
    args : further arguments, the same for every chunk.
    progress : called as ``progress(done, total)`` when a chunk's result is in
        (in chunk order), counting ``sizes`` (the chunks' numbers of items;
        default one per chunk).

    Returns
    -------
    list : the results, in the order of ``chunks``.
    """
    chunks = list(chunks)
    sizes = list(sizes) if sizes is not None else [1] * len(chunks)
    total, done = sum(sizes), 0
    if executor is None:
        results = []
        for chunk, size in zip(chunks, sizes):
            results.append(fn(chunk, *args))
            done += size
            if progress:
                progress(done, total)
        return results
    futures = [executor.submit(fn, chunk, *args) for chunk in chunks]
    results = []
    for future, size in zip(futures, sizes):
        results.append(future.result())
        done += size
        if progress:
            progress(done, total)
    return results


def _distributed():
    """The ``distributed`` package, or a user error naming the extra that installs it."""
    try:
        import distributed
    except ImportError:
        raise ScenarioError("a Dask scheduler needs the optional Dask extra, which is not installed",
                            argument="scheduler", expected=f"install it with: {INSTALL_HINT}") from None
    return distributed


def _count(address: str, prefix: str) -> int:
    text = address[len(prefix):]
    if not text.isdigit() or not 1 <= int(text) <= 512:
        raise ScenarioError(f"'{address}': not a number of workers", argument="scheduler",
                            expected=f"{prefix}N with N a whole number from 1 to 512, e.g. {prefix}2")
    return int(text)


@contextmanager
def scheduler_executor(address: str | None) -> Iterator[Executor | None]:
    """The executor for a scheduler address, closed on leaving the block.

    ``address`` is one of

    * ``None`` or ``""``: no executor (in-process; yields None);
    * ``processes:N``: a ``ProcessPoolExecutor`` of ``N`` spawned processes (no Dask needed);
    * ``local:N``: a Dask ``LocalCluster`` of ``N`` worker processes, one thread each,
      started here and closed on leaving;
    * anything else, e.g. ``tcp://10.0.0.5:8786`` or ``10.0.0.5:8786``: a running Dask
      scheduler (``dask scheduler`` / ``dask worker``), connected to with a ``distributed.Client``.

    Raises ScenarioError (``argument="scheduler"``) when Dask is needed but not
    installed, or when the scheduler cannot be reached.
    """
    if not address:
        yield None
        return
    address = address.strip()
    if address.startswith("processes:"):
        # spawned, not forked: forking a process that runs threads (a GUI, a Dask client) can deadlock
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(_count(address, "processes:"), mp_context=spawn) as pool:
            yield pool
        return
    distributed = _distributed()
    if address.startswith("local:"):
        n = _count(address, "local:")
        with distributed.LocalCluster(n_workers=n, processes=True, threads_per_worker=1, dashboard_address=None,
                                      silence_logs=40) as cluster, distributed.Client(cluster) as client:
            yield client
        return
    try:
        client = distributed.Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ScenarioError(f"cannot reach the Dask scheduler at '{address}' ({type(exc).__name__})",
                            argument="scheduler",
                            expected="the address of a running scheduler (tcp://HOST:PORT), local:N or "
                                     "processes:N") from None
    with client:
        yield client


# -- on the workers --------------------------------------------------------------

#: objects rebuilt on a worker process, by token (a few: one study at a time)
_WORKER_CACHE: dict = {}
_WORKER_CACHE_SIZE = 8


def token_of(*inputs) -> str:
    """A content token of picklable inputs (the key of :func:`worker_cached`)."""
    return hashlib.sha256(pickle.dumps(inputs, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()


def worker_cached(token: str, build: Callable[[], Any]) -> Any:
    """``build()`` once per process and token: what a worker rebuilds (a game's derivation, a
    compiled engine) is reused by the next chunks of the same study instead of rebuilt per chunk."""
    if token not in _WORKER_CACHE:
        while len(_WORKER_CACHE) >= _WORKER_CACHE_SIZE:
            _WORKER_CACHE.pop(next(iter(_WORKER_CACHE)))
        _WORKER_CACHE[token] = build()
    return _WORKER_CACHE[token]
