"""Basins of attraction of the asymptotically stable rest points, by sampling.

For a multistable game the question "which outcome wins" has no answer
without the initial state; the basin of attraction of an asymptotically
stable rest point ``x*`` is the set of initial states whose path converges
to ``x*``.  Its *share* is its volume (uniform measure on the product of
simplices), estimated here by integrating the replicator dynamics from a
quasi-random sample of initial states:

* the sample is a scrambled Sobol sequence in ``[0, 1]^d`` (``d`` = the
  dimension of the state space), mapped population by population onto the
  simplex: a two-strategy population uses the coordinate as its share; a
  population with ``n > 2`` strategies takes its ``n - 1`` coordinates,
  sorts them, and uses the spacings ``u_(1), u_(2) - u_(1), ...,
  1 - u_(n-1)`` as shares (the uniform distribution on the simplex,
  Dirichlet(1, ..., 1));
* the starts are integrated in batched calls of
  :func:`evogame.dynamics.simulation.simulate`, blocks of ``BLOCK`` starts (on an
  executor, one task per block: the same blocks, the same result); a start whose end point lies within
  ``tol`` (max norm, reduced coordinates) of an asymptotically stable rest
  point is assigned to it; the others are integrated further (the time
  doubles, up to ``extensions`` times) and, if still not near an attractor,
  counted as *not converged* (a cycle, a non-hyperbolic attractor, or a
  start on a separatrix);
* the share of attractor ``a`` is ``p_a = n_a / n`` with the standard error
  ``sqrt(p_a (1 - p_a) / n)`` of independent sampling -- conservative for a
  scrambled Sobol sample, whose error is usually smaller.  The shares and the
  not-converged share sum to one.

For one population with two strategies the basins are intervals bounded by
the interior rest points, so they are computed exactly as well
(``BasinResult.exact_shares``, ``BasinResult.separatrix``): between two
adjacent rest points the field has one sign, and the interval belongs to
the rest point the flow moves to.  In the N-department public good (game 4
of docs/explanation/models.md) the unstable interior rest point below the sharing attractor
is the *critical mass* of sharers: the basin of sharing is ``(x*, ...]``.

:func:`evogame.studies.group_size.free_riding_by_group_size` repeats the exact analysis
over the number of players ``N`` (an integer parameter): the critical mass,
the sharing attractor, its share of free riders and its basin, per ``N``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np

from ..engine.analysis import Analysis, analyze
from ..dynamics import chosen_dynamics, derive, with_structural
from ..errors import AnalysisError
from ..util.executors import map_chunks, token_of, worker_cached
from ..util.formatting import aligned
from ..game import Game
from ..scenario import Scenario, as_scenario
from ..dynamics.simulation import simulate
from ..game.state_space import sample_states

__all__ = ["BasinResult", "basins", "DEFAULT_SAMPLES", "sample_states", "one_dimensional_basins",
           "NOT_CONVERGED"]

NOT_CONVERGED = "not converged"
#: the number of sampled initial states when none is given (``basins``, ``figure basins`` and the report)
DEFAULT_SAMPLES = 4096
#: distance (max norm, reduced coordinates) within which an end point counts as converged
CONVERGENCE_TOL = 1e-3
#: starts integrated in one batch (in process and on an executor alike: the same blocks, the same result);
#: smaller batches cost numpy's per-call overhead, larger ones no longer gain
BLOCK = 4096


# -- sampling ------------------------------------------------------------------

# -- result ----------------------------------------------------------------------

@dataclass
class BasinResult:
    """Basin shares of the asymptotically stable rest points.

    Attributes
    ----------
    game, values : the game and the parameter values used.
    attractors : the asymptotically stable rest points (``RestPoint``), in
        the analysis's order; ``labels`` their labels.
    counts : ``(A,)`` starts assigned to each attractor; ``not_converged``
        the count assigned to none.
    samples, seed : sample size and Sobol seed.
    initial : ``(n, d)`` the initial states (reduced coordinates).
    final : ``(n, d)`` the end points.
    assignment : ``(n,)`` index into ``attractors``, or ``-1`` (not converged).
    t_end : the integration time used (the last extension's).
    tol : convergence distance.
    exact_shares : one-dimensional games only: label -> exact basin share
        (also ``NOT_CONVERGED`` for intervals flowing to a non-stable rest point).
    separatrix : one-dimensional games only: the interior rest points that
        bound basins (unstable or non-hyperbolic), as dicts ``label, state``.
    critical_mass : one-dimensional games only: the upper end of the basin
        of ``x = 0`` when it is an interior rest point (the share of the
        first strategy needed to escape the all-second-strategy basin), or None.
    analysis : the rest-point analysis the attractors come from.
    """

    game: Game = field(repr=False)
    values: dict = field(repr=False)
    attractors: list = field(repr=False)
    counts: np.ndarray
    not_converged: int
    samples: int
    seed: int
    initial: np.ndarray = field(repr=False)
    final: np.ndarray = field(repr=False)
    assignment: np.ndarray = field(repr=False)
    t_end: float
    tol: float = CONVERGENCE_TOL
    exact_shares: dict | None = None
    separatrix: list | None = None
    critical_mass: float | None = None
    analysis: Analysis | None = field(default=None, repr=False)
    notes: list = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        return [a.label for a in self.attractors]

    @property
    def shares(self) -> np.ndarray:
        """``(A,)`` estimated basin shares ``n_a / n``."""
        return self.counts / self.samples

    @property
    def standard_errors(self) -> np.ndarray:
        """``(A,)`` standard errors ``sqrt(p (1 - p) / n)``."""
        p = self.shares
        return np.sqrt(p * (1 - p) / self.samples)

    @property
    def not_converged_share(self) -> float:
        return self.not_converged / self.samples

    def share(self, label_or_strategies) -> float:
        """The basin share of one attractor, by label or by its pure strategies (tuple)."""
        i = self._index(label_or_strategies)
        return float(self.shares[i]) if i is not None else 0.0

    def standard_error(self, label_or_strategies) -> float:
        i = self._index(label_or_strategies)
        return float(self.standard_errors[i]) if i is not None else 0.0

    def _index(self, key) -> int | None:
        if isinstance(key, str) and key.startswith("("):
            return self.labels.index(key) if key in self.labels else None
        if isinstance(key, str):
            key = tuple(key.split("."))
        for i, a in enumerate(self.attractors):
            if a.is_pure and tuple(pop.strategies[S[0]] for pop, S in
                                   zip(self.game.populations, a.support)) == tuple(key):
                return i
        return None

    def to_dict(self, include_samples: bool = False) -> dict:
        """Plain data; ``include_samples`` adds the initial states and assignment."""
        atts = []
        for a, c, p, se in zip(self.attractors, self.counts, self.shares, self.standard_errors):
            item = {"label": a.label, "state": [[float(v) for v in vec] for vec in a.shares],
                    "eigenvalues": [[float(e.real), float(e.imag)] for e in a.eigenvalues],
                    "count": int(c), "share": float(p), "standard_error": float(se)}
            if self.exact_shares is not None:
                item["exact_share"] = self.exact_shares.get(a.label, 0.0)
            atts.append(item)
        p = self.not_converged_share
        d = {
            "game": self.game.name,
            "title": self.game.title,
            "parameters": {n: float(v) for n, v in self.values.items()},
            "samples": self.samples,
            "seed": self.seed,
            "sampling": "scrambled Sobol, uniform on the product of simplices",
            "t_end": self.t_end,
            "tolerance": self.tol,
            "attractors": atts,
            "not_converged": {"count": int(self.not_converged), "share": p,
                              "standard_error": math.sqrt(p * (1 - p) / self.samples)},
            "standard_error_rule": "sqrt(p(1-p)/n), as for independent samples (conservative for Sobol)",
            "notes": list(self.notes),
        }
        if self.exact_shares is not None:
            d["exact_shares"] = dict(self.exact_shares)
            d["separatrix"] = list(self.separatrix or [])
            d["critical_mass"] = self.critical_mass
        if include_samples:
            d["initial"] = self.initial.tolist()
            d["assignment"] = self.assignment.tolist()
        return d

    def table(self) -> str:
        """The basin shares as aligned text."""
        rows = [("attractor", "basin share", "std. error", "count")]
        if self.exact_shares is not None:
            rows[0] = rows[0] + ("exact",)
        for a, c, p, se in zip(self.attractors, self.counts, self.shares, self.standard_errors):
            row = (a.label, f"{p:.4f}", f"{se:.4f}", str(int(c)))
            if self.exact_shares is not None:
                row = row + (f"{self.exact_shares.get(a.label, 0.0):.6f}",)
            rows.append(row)
        p = self.not_converged_share
        row = (NOT_CONVERGED, f"{p:.4f}", f"{math.sqrt(p * (1 - p) / self.samples):.4f}",
               str(self.not_converged))
        if self.exact_shares is not None:
            row = row + (f"{self.exact_shares.get(NOT_CONVERGED, 0.0):.6f}",)
        rows.append(row)
        return "\n".join(aligned(rows))

    def _repr_html_(self) -> str:
        from ..render.notebook import basins_html
        return basins_html(self)

    def to_dataframe(self):   # a pandas.DataFrame (the "dataframes" extra)
        from ..render.notebook import basins_frame
        return basins_frame(self)

    def __repr__(self) -> str:
        parts = ", ".join(f"{lab} {p:.3f}±{se:.3f}" for lab, p, se in
                          zip(self.labels, self.shares, self.standard_errors))
        return (f"<BasinResult of {self.game.name!r}: {parts}; not converged "
                f"{self.not_converged_share:.3f} (n={self.samples})>")


# -- the estimate ----------------------------------------------------------------

def basins(subject: Scenario | Game, params: Mapping | None = None, samples: int = DEFAULT_SAMPLES, seed: int = 0,
           t_end: float | None = None, *, tol: float = CONVERGENCE_TOL, extensions: int = 4,
           analysis: Analysis | None = None, dynamics=None, executor=None,
           progress: Callable[[int, int], None] | None = None) -> BasinResult:
    """Estimate the basin share of every asymptotically stable rest point.

    Parameters
    ----------
    subject : the Scenario (its ``[simulation] t_end`` is a lower bound of the
        default time) or a bare Game.
    params : parameter overrides (name -> number).
    samples : number of quasi-random initial states ``n``.
    seed : Sobol scrambling seed (fixed default: reproducible).
    t_end : integration time; default ``max(scenario t_end, 25 / r)`` where
        ``r`` is the slowest decay rate ``min |Re lambda|`` over the
        attractors' eigenvalues.
    tol : an end point within ``tol`` (max norm) of an attractor converged to it.
    extensions : how many times unconverged starts are integrated further
        (each time for twice the previous time).
    analysis : a precomputed ``analyze(game, params)`` (reused, not recomputed;
        its dynamics is the one integrated).
    dynamics : the dynamics (``"logit:eta=0.1"``...; see :data:`evogame.dynamics.DYNAMICS`)
        when no analysis is given.
    executor : a ``concurrent.futures.Executor`` or Dask ``distributed.Client``: the starts are
        integrated there in chunks (the sample is drawn here, and every start is integrated under its
        own step-size control, so the result is the in-process one); None: in this process.
    progress : called as ``progress(done, total)`` as each block of starts is integrated (``total`` the
        number of starts).

    Returns
    -------
    BasinResult
    """
    scenario = as_scenario(subject)
    game, params = with_structural(scenario.game, params)
    if analysis is None:
        analysis = analyze(game, params, dynamics=chosen_dynamics(subject, dynamics))
    values = analysis.values
    attractors = analysis.stable
    starts = sample_states(game, int(samples), seed)
    n, d = starts.shape
    notes = []
    if t_end is None:
        t_end = _default_t_end(scenario.simulation.t_end, attractors)
    if not (np.isfinite(t_end) and t_end > 0):
        raise AnalysisError(f"t_end must be a positive number, got {t_end}")
    assignment = np.full(n, -1, dtype=int)
    final = starts.copy()
    if not attractors:
        notes.append("no asymptotically stable rest point: every start counts as not converged")
    elif d > 0:
        targets = np.array([a.state for a in attractors], dtype=float)
        task = (game, params, analysis.dynamics, targets, float(t_end), tol, extensions)
        final, assignment, t_end = _converge_all(starts, task, executor, progress)
        if (assignment < 0).any():
            notes.append(f"{int((assignment < 0).sum())} starts not within {tol:g} of an attractor "
                         f"after t = {t_end:g}")
    counts = np.array([(assignment == i).sum() for i in range(len(attractors))], dtype=int)
    result = BasinResult(game, values, attractors, counts, int((assignment < 0).sum()), n, int(seed),
                         starts, final, assignment, float(t_end), tol, analysis=analysis, notes=notes)
    if d == 1 and len(game.populations) == 1:
        exact = one_dimensional_basins(game, analysis)
        result.exact_shares = exact["shares"]
        result.separatrix = exact["separatrix"]
        result.critical_mass = exact["critical_mass"]
    return result


def _default_t_end(configured: float | None, attractors) -> float:
    configured = float(configured or 0.0)
    rates = [min(abs(e.real) for e in a.eigenvalues) for a in attractors if len(a.eigenvalues)]
    slow = min(rates) if rates else 1.0
    # 25 / r: a perturbation of size one decays below e^-25 ~ 1e-11 near the attractor;
    # the extensions take care of slow transits near saddles.
    return float(min(max(configured, 25.0 / slow, 10.0), 1e5))


def _converge(starts: np.ndarray, game: Game, params, dynamics, targets: np.ndarray, t_end: float, tol: float,
              extensions: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Integrate every start until it is within ``tol`` of a target, doubling the time up to ``extensions`` times.

    Returns the end points ``(n, d)``, the index of the target reached (or -1)
    ``(n,)`` and the total time of the rounds integrated.
    """
    n = len(starts)
    final, assignment = starts.copy(), np.full(n, -1, dtype=int)
    todo, current, horizon, total = np.arange(n), starts, float(t_end), 0.0
    for _ in range(extensions + 1):
        ends = simulate(game, current, horizon, params=params, n_points=2, dynamics=dynamics).final
        total += horizon
        final[todo] = ends
        idx = _assign(ends, targets, tol)
        assignment[todo] = idx
        left = idx < 0
        if not left.any():
            break
        todo, current, horizon = todo[left], ends[left], 2 * horizon
    return final, assignment, total


def _converge_all(starts: np.ndarray, task: tuple, executor=None,
                  progress: Callable[[int, int], None] | None = None) -> tuple[np.ndarray, np.ndarray, float]:
    """:func:`_converge` on blocks of ``BLOCK`` starts, in process or on ``executor``.

    The blocks are the same with or without an executor: the batched
    integrator's last bits depend on the batch it runs in (its compiled field
    and numpy's vector loops do), so the same blocks give the same bits.
    """
    blocks = [starts[a:a + BLOCK] for a in range(0, len(starts), BLOCK)]
    sizes = [len(b) for b in blocks]
    if executor is None:
        parts = map_chunks(_converge, blocks, None, args=task, progress=progress, sizes=sizes)
    else:
        parts = map_chunks(_converge_chunk, blocks, executor, args=(token_of(task[0]), task), progress=progress,
                           sizes=sizes)
    # each block doubles its time until its own starts converge: the whole's rounds are the longest block's
    return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
            max(p[2] for p in parts))


def _converge_chunk(starts: np.ndarray, token: str, task: tuple) -> tuple[np.ndarray, np.ndarray, float]:
    """On a worker: :func:`_converge` for a chunk of starts (one Game object per process, its derivation cached)."""
    game = worker_cached(token, lambda: task[0])
    return _converge(starts, game, *task[1:])


def _assign(ends: np.ndarray, states: np.ndarray, tol: float) -> np.ndarray:
    """Index of the target state ``(A, d)`` within ``tol`` (max norm) of each end point, else -1."""
    dist = np.abs(ends[:, None, :] - states[None, :, :]).max(axis=-1)      # (n, A)
    best = dist.argmin(axis=1)
    return np.where(dist[np.arange(len(ends)), best] < tol, best, -1)


# -- exact one-dimensional basins ------------------------------------------------

def one_dimensional_basins(game: Game, analysis: Analysis) -> dict:
    """Exact basins of a one-population, two-strategy game.

    The rest points ``0 = r_0 < r_1 < ... < r_m = 1`` (the share of the first
    strategy; the two corners are always rest points) cut ``[0, 1]`` into
    intervals on which the field ``x (1 - x) (f_1 - f_2)`` has one sign; the
    interval ``(r_k, r_{k+1})`` belongs to ``r_{k+1}`` if the sign is
    positive, else to ``r_k``.  The sign is read from the compiled field at
    the interval's midpoint.

    Returns
    -------
    dict with ``shares`` (attractor label -> exact basin share, plus
    ``NOT_CONVERGED`` for intervals flowing to a rest point that is not
    asymptotically stable), ``separatrix`` (interior rest points bounding
    two basins, as ``{"label", "state", "classification"}``) and
    ``critical_mass`` (the upper end of the basin of ``x = 0``, when
    ``x = 0`` is asymptotically stable and that end is an interior rest
    point: the share of the first strategy needed to escape; else None).
    """

    if game.dimension != 1 or len(game.populations) != 1:
        raise AnalysisError("exact basins are computed for one population with two strategies only")
    points = sorted(analysis.rest_points, key=lambda p: float(p.state[0]))
    if analysis.continua:
        raise AnalysisError("the game has a continuum of rest points; its basins are not intervals")
    xs = np.array([float(p.state[0]) for p in points])
    dyn = derive(game)
    pvec = dyn.parameter_vector(analysis.values)
    shares: dict[str, float] = {}
    owner_of_interval = []
    for k in range(len(points) - 1):
        mid = 0.5 * (xs[k] + xs[k + 1])
        sign = float(dyn.field(np.array([[mid]]), pvec)[0, 0])
        owner = points[k + 1] if sign > 0 else points[k]
        owner_of_interval.append(owner)
        key = owner.label if owner.asymptotically_stable else NOT_CONVERGED
        shares[key] = shares.get(key, 0.0) + float(xs[k + 1] - xs[k])
    for p in points:
        if p.asymptotically_stable:
            shares.setdefault(p.label, 0.0)
    shares.setdefault(NOT_CONVERGED, 0.0)
    separatrix = []
    for k in range(1, len(points) - 1):
        left, right = owner_of_interval[k - 1], owner_of_interval[k]
        if left is not right and not points[k].asymptotically_stable:
            separatrix.append({"label": points[k].label, "state": float(xs[k]),
                               "classification": points[k].classification})
    # the critical mass: where the basin of x = 0 (everybody plays the second strategy) ends
    critical = None
    if points[0].asymptotically_stable and len(points) > 2:
        k = next((k for k, o in enumerate(owner_of_interval) if o is not points[0]), None)
        if k is not None and 0 < k < len(points) - 1:
            critical = float(xs[k])
    return {"shares": shares, "separatrix": separatrix, "critical_mass": critical}
