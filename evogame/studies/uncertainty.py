"""Uncertainty and global sensitivity: does the conclusion survive when the parameters are uncertain?

The parameters of a game are assumptions.  Given a distribution for each
uncertain parameter ``theta = (theta_1, ..., theta_D)`` (independent;
:mod:`evogame.studies.distributions`), every other parameter at its default,
this study estimates

* ``P(rest point k is asymptotically stable)`` for every rest point, and for
  the target ``P(target stable)`` and ``P(the target is the only
  asymptotically stable rest point)``: plain Monte Carlo over ``n``
  independent draws (numpy's PCG64 generator seeded with ``seed``, uniform
  draws mapped by each distribution's inverse CDF), ``p_hat = #/n`` with
  standard error ``sqrt(p_hat (1 - p_hat) / n)``;
* the target's *stability margin* ``g(theta) = max_i Re lambda_i(J(x*; theta))``
  (negative: asymptotically stable) and, when asked (``sobol=True``), its Sobol
  indices: first order ``S1_j = Var(E[g | theta_j]) / Var(g)`` and total
  ``ST_j = E[Var(g | theta_{-j})] / Var(g)``, estimated by SALib
  (``SALib.sample.sobol``: Saltelli's design on a scrambled Sobol sequence,
  ``M (2D + 2)`` evaluations; ``SALib.analyze.sobol``: the Saltelli 2010 / Jansen
  estimators with bootstrap confidence intervals), with base size ``M`` the
  largest power of two with ``M (2D + 2) <= n`` (at least 64; at most 16,384
  unless asked: the bootstrap's cost grows with ``M`` and the intervals it
  reports show the precision);
* with mechanisms: what :func:`~evogame.studies.thresholds.threshold` gives at
  every draw (strength in ``[0, 1]``: already stable, a threshold ``s*``,
  never stable, independent of the strength), from the target's stability
  condition compiled part by part and evaluated branch by branch
  (:mod:`evogame.studies.uncertainty_threshold`), or, where it is not
  polynomial in the strength, from ``threshold``'s bisection run at every draw
  at once (:func:`_bisect`); the outcomes' probabilities, their consistency
  with ``P(target stable)`` at the strength, which part binds how often, and
  the distribution of ``s*``.

Every evaluation goes through the parametric engine
(:class:`~evogame.engine.parametric.ParametricRestPoints`): the rest points are
solved once with the uncertain parameters symbolic, compiled and evaluated on
the whole sample in chunks (:mod:`evogame.studies.uncertainty_model`), on an
executor when one is given.  SALib is the optional extra ``uncertainty``,
imported only for the Sobol indices.
"""
from __future__ import annotations

import math
import time
import warnings
from typing import Callable, Mapping, Sequence

import numpy as np

from ..solvers import stability as st
from ..dynamics import chosen_dynamics
from ..errors import AnalysisError, EvogameError, ScenarioError, did_you_mean, install_hint
from ..engine.parametric import ABSENT, display_labels, parametric_rest_points
from ..game.faces import face_label
from ..scenario import STRENGTH, Scenario, as_scenario
from .distributions import EXAMPLE, Distribution, parse_distribution
from .sweeps import _work_game
from .thresholds import GRID, TOL, target_support
from .uncertainty_threshold import ALREADY, INDEPENDENT, NEVER, STATUSES, THRESHOLD, NoClosedForm, StrengthConditions
from .uncertainty_model import STABLE, Model, Tally
from .uncertainty_results import UncertaintyResult, summary

__all__ = ["uncertainty", "UncertaintyResult", "MissingExtra", "INSTALL_HINT", "sobol_base", "STABLE"]

INSTALL_HINT = install_hint("uncertainty")
MIN_SOBOL_BASE = 64
#: default largest base: SALib's bootstrap costs O(M x 100 resamples x D^2) (13 s at M = 65536, D = 3)
MAX_SOBOL_BASE = 16_384
MAX_SAMPLES = 10_000_000
#: rows (draw, strength) of one grid evaluation of the bisection
GRID_ROWS = 200_000


class MissingExtra(EvogameError, ImportError):
    """An optional dependency is not installed; the message names the pip command that installs it."""


def _salib():
    try:
        from SALib.analyze import sobol as analyze
        from SALib.sample import sobol as sample
    except ImportError:
        raise MissingExtra("the uncertainty analysis needs SALib, an optional extra: "
                           f"install it with {INSTALL_HINT}") from None
    return sample, analyze


def sobol_base(samples: int, dimension: int) -> int:
    """The Saltelli base size ``M``: the largest power of two with ``M (2D + 2) <= samples``, in [64, 16384]."""
    per = 2 * dimension + 2
    return min(MAX_SOBOL_BASE, max(MIN_SOBOL_BASE, 2 ** int(math.floor(math.log2(max(1, samples // per))))))


def uncertainty(subject: Scenario, distributions: Sequence, mechanisms: Sequence = (), *, strength=1,
                params: Mapping | None = None, samples: int = 10_000, seed: int = 0, target: str | None = None,
                sobol: bool = False, sobol_samples: int | None = None, rtol: float = st.RTOL,
                budget: float | None = 10.0, dynamics=None, executor=None,
                progress: Callable[[int, int], None] | None = None) -> UncertaintyResult:
    """Probabilities of stability, the threshold's distribution and (on request) Sobol indices of the margin.

    Parameters
    ----------
    subject : the Scenario (its ``[game] target`` unless ``target`` is given).
    distributions : ``"NAME=uniform:LO:HI"``, ``"NAME=normal:MU:SD"``,
        ``"NAME=triangular:LO:MODE:HI"`` strings or :class:`Distribution` objects;
        NAME may be ``strength`` of the mechanisms.
    mechanisms : applied at ``strength`` (their threshold's distribution is reported).
    params : new default values of the other parameters.
    samples : ``n``, the Monte Carlo draws; the Sobol design has at most about as many evaluations.
    seed : seeds the draws, SALib's scrambling and its bootstrap (same seed, same result).
    sobol : compute the Sobol indices of the target's margin (needs SALib, the optional extra
        ``uncertainty``, imported only then); implied by ``sobol_samples``.
    sobol_samples : the Saltelli base size ``M`` (a power of two); default :func:`sobol_base`.
    rtol, budget, dynamics : as for :func:`~evogame.studies.sweeps.sweep1d`.
    executor : a ``concurrent.futures.Executor`` or Dask ``distributed.Client``: the draws are
        evaluated there in chunks (drawn here, the Sobol design sampled and its indices computed
        here, every draw evaluated on its own: the result is the in-process one); None: in this process.
    progress : called as ``progress(done, total)`` as the engine evaluates the draws: the Monte
        Carlo sample and the Sobol design are planned ahead; a threshold bisected at every draw (no
        closed form) adds its evaluations to ``total`` as they start.

    Returns
    -------
    UncertaintyResult
    """
    sobol = sobol or sobol_samples is not None
    salib = _salib() if sobol else None
    t0 = time.perf_counter()
    scenario = as_scenario(subject)
    dists = [d if isinstance(d, Distribution) else parse_distribution(d) for d in distributions]
    _check(scenario, dists, mechanisms, samples, sobol_samples)
    names = [d.name for d in dists]
    fixed = [] if (not mechanisms or STRENGTH in names) else [STRENGTH]
    work = _work_game(scenario, params, names + fixed, mechanisms, strength)
    dynamics = chosen_dynamics(scenario, dynamics)
    notes: list[str] = []
    spec = (work, names + fixed, budget, rtol, dynamics)
    engine, target_index, support = _engine(scenario, spec, target, notes)
    base = sobol_samples or sobol_base(samples, len(dists))
    tally = Tally(progress)
    tally.plan(samples + (base * (2 * len(dists) + 2) if sobol else 0))
    model = Model(engine, target_index, [float(strength)] if fixed else [], executor=executor, spec=spec,
                  tally=tally)
    conditions = _closed_form(work, support, names, rtol, budget, dynamics, notes) if fixed else None
    t1 = time.perf_counter()

    rng = np.random.default_rng(seed)
    draws = np.column_stack([d.ppf(u) for d, u in zip(dists, rng.random((samples, len(dists))).T)])
    notes += _range_notes(scenario, dists, draws)
    stable, margins = model.evaluate(draws)
    t2 = time.perf_counter()
    indices = _sobol(*salib, model, dists, base, seed, notes) if sobol else None
    t3 = time.perf_counter()
    thr, per_draw = None, (None, None)
    if fixed:
        thr, per_draw = _threshold(conditions, spec, names, model, draws, stable[target_index], float(strength),
                                   _mechanism_names(mechanisms), notes)
    t4 = time.perf_counter()
    kept, labels = display_labels(work, engine.keys, np.where(stable.any(axis=1) | model.seen, 0, ABSENT)[:, None])
    p = stable.mean(axis=1)
    unique = stable[model.target] & (stable.sum(axis=0) == 1)
    pt, pu = float(p[model.target]), float(unique.mean())
    return UncertaintyResult(
        scenario=scenario.game.name, dynamics=dynamics, target=face_label(work, support),
        mechanisms=_mechanism_names(mechanisms), strength=float(strength) if fixed else None,
        distributions=dists, samples=samples, seed=seed,
        sampler="independent uniform draws (numpy PCG64) through each distribution's inverse CDF",
        labels=labels, p_stable=p[kept], se_stable=_se(p[kept], samples),
        p_target_stable=pt, se_target_stable=_se(pt, samples), p_target_unique=pu, se_target_unique=_se(pu, samples),
        margin=summary(margins[np.isfinite(margins)]), sobol=indices, threshold=thr, notes=notes,
        seconds={"derive": t1 - t0, "monte_carlo": t2 - t1, "sobol": t3 - t2, "threshold": t4 - t3},
        draws=draws, margins=margins, thresholds=per_draw[0], threshold_status=per_draw[1])


def _se(p, n: int):
    """The standard error ``sqrt(p (1 - p) / n)`` of a Monte Carlo probability."""
    return np.sqrt(p * (1 - p) / n) if isinstance(p, np.ndarray) else math.sqrt(p * (1 - p) / n)


def _engine(scenario: Scenario, spec: tuple, target: str | None, notes: list) -> tuple:
    """The compiled engine of ``spec`` (work game, names, budget, rtol, dynamics), the target's index among
    its rest points and the target's support."""
    work, names, budget, rtol, dynamics = spec
    engine = parametric_rest_points(work, names, budget, rtol, "auto", notes, dynamics)
    if engine is None:
        raise AnalysisError("no vectorised evaluation of this game's rest points (" + "; ".join(notes)
                            + "): the uncertainty analysis evaluates every draw through the compiled engine")
    support = target_support(scenario.with_game(work), target)
    tk = [i for i, key in enumerate(engine.keys) if key[0] == support]
    if not tk:
        raise AnalysisError(f"the target {face_label(work, support)} is not a rest point under {dynamics}")
    return engine, tk[0], support


def _mechanism_names(mechanisms) -> list[str]:
    return [m if isinstance(m, str) else (m[0] if isinstance(m, tuple) else m.name) for m in mechanisms]


def _check(scenario: Scenario, dists: list[Distribution], mechanisms, samples, sobol_samples) -> None:
    """Known, distinct, continuous parameters whose bounded supports lie in their declared ranges."""
    game, file = scenario.game, scenario.file
    if not dists:
        raise ScenarioError("no uncertain parameter", argument="distributions", expected=EXAMPLE)
    known = list(game.parameters) + ([STRENGTH] if mechanisms else [])
    seen = set()
    for d in dists:
        if d.name not in known:
            raise ScenarioError(f"unknown parameter '{d.name}' in '{d.text()}'", file=file, argument="distributions",
                                expected=("one of " + ", ".join(known)) if known else "a declared parameter",
                                suggestion=did_you_mean(d.name, known))
        if d.name in seen:
            raise ScenarioError(f"'{d.name}' is given two distributions", argument="distributions",
                                expected="one distribution per parameter")
        seen.add(d.name)
        if d.name == STRENGTH:
            continue
        param = game.parameters[d.name]
        if param.integer:
            raise ScenarioError(f"'{d.name}' is an integer parameter", file=file, argument="distributions",
                                expected="a continuous parameter (sweep an integer one with `evogame sweep`)")
        lo, hi = d.support
        if param.range is not None and math.isfinite(lo) and not param.range[0] <= lo <= hi <= param.range[1]:
            raise ScenarioError(f"'{d.text()}' reaches outside the declared range [{param.range[0]:g}, "
                                f"{param.range[1]:g}] of '{d.name}'", file=file, argument="distributions",
                                expected="a support inside the declared range (widen 'range' in the scenario file "
                                         "to go beyond it)")
    if not isinstance(samples, (int, np.integer)) or not 2 <= samples <= MAX_SAMPLES:
        raise ScenarioError(f"{samples!r} samples", argument="samples",
                            expected=f"a whole number of draws between 2 and {MAX_SAMPLES:,}")
    if sobol_samples is not None and (sobol_samples < 2 or sobol_samples & (sobol_samples - 1)):
        raise ScenarioError(f"a Sobol base size of {sobol_samples}", argument="sobol_samples",
                            expected="a power of two (Sobol sequences balance only at powers of two), e.g. 1024")


def _range_notes(scenario: Scenario, dists, draws) -> list[str]:
    """How often an unbounded distribution's draws leave the parameter's declared range."""
    out = []
    for j, d in enumerate(dists):
        rng = scenario.game.parameters[d.name].range if d.name in scenario.game.parameters else None
        if rng is None or d.kind != "normal":
            continue
        share = float(np.mean((draws[:, j] < rng[0]) | (draws[:, j] > rng[1])))
        if share > 0:
            out.append(f"{share:.2%} of the draws of {d.name} lie outside its declared range "
                       f"[{rng[0]:g}, {rng[1]:g}]; they are evaluated as drawn")
    return out


def _sobol(sample, analyze, model: Model, dists, base: int, seed: int, notes: list) -> dict | None:
    """SALib's Sobol indices (first, total, second order) of the target's margin; None when undefined."""
    D = len(dists)
    problem = {"num_vars": D, "names": [d.name for d in dists], "bounds": [[0.0, 1.0]] * D}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # SALib's advice on the base size: it is a power of two here
        unit = sample.sample(problem, base, calc_second_order=True, seed=seed)
    X = np.column_stack([d.ppf(unit[:, j]) for j, d in enumerate(dists)])
    margin = model.margin(X)
    if not np.all(np.isfinite(margin)):
        notes.append("no Sobol indices: the target's margin is undefined at some draws (no eigenvalues there)")
        return None
    if np.ptp(margin) == 0:
        notes.append("no Sobol indices: the target's margin is the same at every draw (its variance is 0)")
        return None
    conf = 0.95
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        Si = analyze.analyze(problem, margin, calc_second_order=True, num_resamples=100, conf_level=conf,
                             seed=np.random.default_rng(seed))
    clean = lambda a: [None if not np.isfinite(v) else float(v) for v in np.ravel(a)]  # noqa: E731
    S2 = np.asarray(Si["S2"], float)
    S2c = np.asarray(Si["S2_conf"], float)
    pairs = [{"parameters": [dists[i].name, dists[j].name], "S2": clean([S2[i, j]])[0],
              "S2_conf": clean([S2c[i, j]])[0]} for i in range(D) for j in range(i + 1, D)]
    return {"output": "stability margin of the target: max real part of its eigenvalues",
            "sampler": f"SALib Saltelli design on a scrambled Sobol sequence, base {base}, "
                       f"{base * (2 * D + 2):,} evaluations, seed {seed}",
            "estimator": "SALib.analyze.sobol (Saltelli 2010 first order, Jansen total order)",
            "base": base, "evaluations": base * (2 * D + 2), "conf_level": conf, "resamples": 100,
            "names": [d.name for d in dists], "S1": clean(Si["S1"]), "S1_conf": clean(Si["S1_conf"]),
            "ST": clean(Si["ST"]), "ST_conf": clean(Si["ST_conf"]), "S2": pairs}


def _threshold(conditions, spec: tuple, names, model: Model, draws, stable_at, strength: float, mechanisms, notes):
    """The threshold study's outcome at every draw and its summary; ``(None, (None, None))`` when it has none.

    ``conditions``: the compiled condition (:func:`_closed_form`), None (bisection at every draw) or the
    reason there is no threshold (an :class:`AnalysisError`).  Returns ``(summary, (s* (n,) NaN where there
    is none, status codes (n,) into STATUSES))``.
    """
    if isinstance(conditions, AnalysisError):
        notes.append(f"no threshold distribution: {conditions}")
        return None, (None, None)
    defaults = np.array([[float(spec[0].values()[n]) for n in names]])
    if conditions is not None:
        status, s, part = conditions.evaluate(draws)
        at = conditions.evaluate(defaults)
        method = "closed form at each draw, branch by branch"
        expressions = conditions.expressions
    else:
        status, s = _bisect(model, draws)
        at, part, expressions = _bisect(model, defaults), None, []
        method = f"bisection at each draw: {GRID}-point grid, the switch bisected to {TOL:g}"
    n = draws.shape[0]
    out = {"mechanisms": mechanisms, "method": method, "range": [0.0, 1.0],
           "at_defaults": {"status": STATUSES[int(at[0][0])],
                           "threshold": None if not np.isfinite(at[1][0]) else float(at[1][0])}}
    for code, key in ((ALREADY, "already_stable"), (THRESHOLD, "within"), (NEVER, "never_stable"),
                      (INDEPENDENT, "independent")):
        p = float(np.mean(status == code))
        out[f"p_{key}"], out[f"se_{key}"] = p, _se(p, n)
    has = status == THRESHOLD
    reached = (status == ALREADY) | (has & (s <= strength))
    out["consistency"] = {"strength": strength, "p_stable_at_strength": float(np.mean(stable_at)),
                          "p_reached": float(np.mean(reached)),
                          "p_lost_again": float(np.mean(reached & ~stable_at)),
                          "p_stable_otherwise": float(np.mean(stable_at & ~reached))}
    if out["consistency"]["p_stable_otherwise"] > 0:
        notes.append("at some draws the target is classified stable at the strength although the threshold study "
                     "finds it unstable there: its largest real part lies within the classification's tolerance")
    out["branches"] = [{"expression": e, "p_binding": float(np.mean(part[has] == k)) if has.any() else 0.0}
                       for k, e in enumerate(expressions)]
    out["distribution"] = summary(s[has])
    return out, (s, status)


def _closed_form(work, support, names, rtol, budget, dynamics, notes):
    """The target's stability condition compiled in the draws and the strength, with its branches' expressions;
    None (a note says why) where it cannot be: the threshold is then bisected at every draw; the
    :class:`AnalysisError` itself when the threshold study has no answer for this target."""
    try:
        return StrengthConditions(work, support, names, rtol, budget, dynamics)
    except NoClosedForm as exc:
        notes.append(f"threshold: no closed form ({exc}); bisection at every draw")
        return None
    except AnalysisError as exc:
        return exc


def _bisect(model: Model, draws: np.ndarray, grid: int = GRID, tol: float = TOL) -> tuple[np.ndarray, np.ndarray]:
    """The threshold study's bisection at every draw at once: ``(status codes, s*)``.

    As :func:`~evogame.studies.stability_regions.bisection` on ``[0, 1]``: the target is stable where every
    eigenvalue has a negative real part (no tolerance band); already stable at 0, else the first switch on
    a ``grid``-point grid bisected to ``tol``; without a switch, independent where the eigenvalues that fail
    (real part at least ``-rtol max(1, max|lambda|)``) are the same all along the grid.
    """
    n = draws.shape[0]
    u = np.linspace(0.0, 1.0, grid)
    status, first = np.empty(n, np.int8), np.empty(n, np.int64)
    block = max(1, GRID_ROWS // grid)
    for lo in range(0, n, block):
        rows = slice(lo, min(n, lo + block))
        status[rows], first[rows] = _on_grid(model, draws[rows], u)
    idx = np.nonzero(status == THRESHOLD)[0]
    a, b = u[first[idx] - 1], u[first[idx]]
    active = b - a > tol
    while active.any():
        m = 0.5 * (a + b)
        active &= (a < m) & (m < b)                  # the bracket cannot shrink further in floating point
        neg = np.zeros(idx.size, dtype=bool)
        neg[active] = _negative(model.target_eigenvalues(draws[idx[active]], m[active]))
        a, b = np.where(active & ~neg, m, a), np.where(active & neg, m, b)
        active &= b - a > tol
    s = np.full(n, np.nan)
    s[idx] = 0.5 * (a + b)
    return status, s


def _on_grid(model: Model, draws: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Status codes on the grid ``u`` (THRESHOLD: a switch to stable) and the index of the first stable value."""
    n, grid = draws.shape[0], u.size
    ev = model.target_eigenvalues(np.repeat(draws, grid, axis=0), np.tile(u, n)).reshape(n, grid, -1)
    stable = _negative(ev)
    first = np.argmax(stable, axis=1)
    rtol = model.engine.rtol
    failing = _failing(ev.reshape(n * grid, -1), rtol).reshape(n, grid, -1)
    same = np.isfinite(ev).all(axis=(1, 2)) & _same_failing(failing, failing[:, :1])
    status = np.where(stable[:, 0], ALREADY, np.where(stable.any(axis=1), THRESHOLD,
                                                      np.where(same, INDEPENDENT, NEVER)))
    return status.astype(np.int8), first


def _negative(ev: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.real(ev).max(axis=-1, initial=-np.inf) < 0      # NaN (no linearisation) is not stable


def _failing(ev: np.ndarray, rtol: float) -> np.ndarray:
    """``(n, d)``: each draw's eigenvalues with real part ``>= -rtol max(1, max|lambda|)``, sorted; NaN pads."""
    with np.errstate(invalid="ignore"):
        cut = -rtol * np.maximum(1.0, np.abs(ev).max(axis=-1, initial=0.0))[:, None]
        kept = np.where(np.real(ev) >= cut, ev, complex(np.inf, np.inf))
    out = np.sort_complex(kept)
    return np.where(np.isinf(out.real), np.nan, out)


def _same_failing(f: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """``(n, grid, d)`` against ``(n, 1, d)``: the failing eigenvalues agree (same count, equal within 1e-12)
    all along the grid, draw by draw."""
    both = np.isnan(f) & np.isnan(ref)
    with np.errstate(invalid="ignore"):
        close = np.abs(f - ref) <= 1e-12 + 1e-12 * np.abs(ref)
    return (both | close).all(axis=(1, 2))
