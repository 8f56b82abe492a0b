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
  (negative: asymptotically stable) and its Sobol indices: first order
  ``S1_j = Var(E[g | theta_j]) / Var(g)`` and total ``ST_j = E[Var(g |
  theta_{-j})] / Var(g)``, estimated by SALib (``SALib.sample.sobol``:
  Saltelli's design on a scrambled Sobol sequence, ``M (2D + 2)`` evaluations;
  ``SALib.analyze.sobol``: the Saltelli 2010 / Jansen estimators with bootstrap
  confidence intervals), with base size ``M`` the largest power of two with
  ``M (2D + 2) <= n`` (at least 64; at most 16,384 unless asked: the
  bootstrap's cost grows with ``M`` and the intervals it reports show the precision);
* with mechanisms: the distribution of their threshold strength ``s*(theta)``
  (where the target switches from unstable to asymptotically stable as the
  strength rises).  When :func:`~evogame.studies.thresholds.threshold` finds a
  closed form ``s* = h(theta)`` it is compiled and evaluated at the draws; at
  each draw the target is classified by the engine at ``s* -+ delta`` so only
  draws where it really switches (unstable below, stable above) count.
  Otherwise ``s*`` is bisected on ``[0, 1]``, vectorised over the draws.

Every evaluation goes through the parametric engine
(:class:`~evogame.parametric.ParametricRestPoints`): the rest points are
solved once with the uncertain parameters symbolic, compiled and evaluated on
the whole sample in chunks (:mod:`evogame.studies.uncertainty_model`), on an
executor when one is given.  SALib is the optional extra ``uncertainty``.
"""
from __future__ import annotations

import math
import time
import warnings
from typing import Callable, Mapping, Sequence

import numpy as np
import sympy

from .. import stability as st
from ..dynamics import chosen_dynamics
from ..errors import AnalysisError, EvogameError, ScenarioError, did_you_mean, install_hint
from ..expressions import parse_expression
from ..parametric import ABSENT, display_labels, parametric_rest_points
from ..faces import face_label
from ..scenario import STRENGTH, Scenario, as_scenario
from .distributions import EXAMPLE, Distribution, parse_distribution
from .sweeps import _work_game
from .thresholds import threshold as find_threshold
from .thresholds import target_support
from .uncertainty_model import STABLE, Model, Tally
from .uncertainty_results import UncertaintyResult, summary

__all__ = ["uncertainty", "UncertaintyResult", "MissingExtra", "INSTALL_HINT", "sobol_base", "STABLE"]

INSTALL_HINT = install_hint("uncertainty")
MIN_SOBOL_BASE = 64
#: default largest base: SALib's bootstrap costs O(M x 100 resamples x D^2) (13 s at M = 65536, D = 3)
MAX_SOBOL_BASE = 16_384
MAX_SAMPLES = 10_000_000
BISECT_STEPS = 40


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
                sobol_samples: int | None = None, rtol: float = st.RTOL, budget: float | None = 10.0,
                dynamics=None, executor=None, progress: Callable[[int, int], None] | None = None
                ) -> UncertaintyResult:
    """Probabilities of stability, Sobol indices of the target's margin and the threshold's distribution.

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
    sobol_samples : the Saltelli base size ``M`` (a power of two); default :func:`sobol_base`.
    rtol, budget, dynamics : as for :func:`~evogame.studies.sweeps.sweep1d`.
    executor : a ``concurrent.futures.Executor`` or Dask ``distributed.Client``: the draws are
        evaluated there in chunks (drawn here, the Sobol design sampled and its indices computed
        here, every draw evaluated on its own: the result is the in-process one); None: in this process.
    progress : called as ``progress(done, total)`` as the engine evaluates the draws: the Monte
        Carlo sample and the Sobol design are planned ahead, the threshold's evaluations add to
        ``total`` as they start.

    Returns
    -------
    UncertaintyResult
    """
    sample_sobol, analyze_sobol = _salib()
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
    tally.plan(samples + base * (2 * len(dists) + 2))
    model = Model(engine, target_index, [float(strength)] if fixed else [], executor=executor, spec=spec,
                  tally=tally)
    t1 = time.perf_counter()

    rng = np.random.default_rng(seed)
    draws = np.column_stack([d.ppf(u) for d, u in zip(dists, rng.random((samples, len(dists))).T)])
    notes += _range_notes(scenario, dists, draws)
    stable, margins = model.evaluate(draws)
    t2 = time.perf_counter()
    sobol = _sobol(sample_sobol, analyze_sobol, model, dists, base, seed, notes)
    t3 = time.perf_counter()
    thr, thresholds = None, None
    if fixed:
        thr, thresholds = _threshold(scenario, mechanisms, target, params, dynamics, rtol, budget, model,
                                     names, draws, notes)
    t4 = time.perf_counter()

    kept, labels = display_labels(work, engine.keys, np.where(stable.any(axis=1) | model.seen, 0, ABSENT)[:, None])
    n = samples
    p = stable.mean(axis=1)
    unique = stable[model.target] & (stable.sum(axis=0) == 1)
    pt, pu = float(p[model.target]), float(unique.mean())
    return UncertaintyResult(
        scenario=scenario.game.name, dynamics=dynamics, target=face_label(work, support),
        mechanisms=_mechanism_names(mechanisms), strength=float(strength) if fixed else None,
        distributions=dists, samples=n, seed=seed,
        sampler="independent uniform draws (numpy PCG64) through each distribution's inverse CDF",
        labels=labels, p_stable=p[kept], se_stable=np.sqrt(p[kept] * (1 - p[kept]) / n),
        p_target_stable=pt, se_target_stable=math.sqrt(pt * (1 - pt) / n),
        p_target_unique=pu, se_target_unique=math.sqrt(pu * (1 - pu) / n),
        margin=summary(margins[np.isfinite(margins)]), sobol=sobol, threshold=thr, notes=notes,
        seconds={"derive": t1 - t0, "monte_carlo": t2 - t1, "sobol": t3 - t2, "threshold": t4 - t3},
        draws=draws, margins=margins, thresholds=thresholds)


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


def _threshold(scenario, mechanisms, target, params, dynamics, rtol, budget, model: Model, names, draws, notes):
    """The threshold strength at every draw (NaN where the target does not switch) and its summary."""
    try:
        found = find_threshold(scenario, list(mechanisms), target=target, params=params, dynamics=dynamics,
                               rtol=rtol, budget=budget)
    except (AnalysisError, ScenarioError) as exc:
        notes.append(f"no threshold distribution: {exc}")
        return None, None
    h = _closed_form(scenario, found, names, params) if found.method == "closed form" else None
    if h is not None:
        s = np.asarray(np.broadcast_to(h(*draws.T), (draws.shape[0],)), dtype=float)
        up = _switches_up(model, draws, s)
        method, expression = "closed form at each draw, checked by the engine on either side", found.expression
    else:
        s, up = _bisect(model, draws)
        method, expression = f"bisection on [0, 1], {BISECT_STEPS} steps, vectorised over the draws", None
    thresholds = np.where(up, s, np.nan)
    n = draws.shape[0]
    p_up = float(up.mean())
    within = up & (thresholds >= 0) & (thresholds <= 1)
    p_in = float(within.mean())
    p_neg = float((up & (thresholds < 0)).mean())
    return ({"mechanisms": _mechanism_names(mechanisms), "method": method, "expression": expression,
             "at_defaults": found.threshold,
             "p_switch": p_up, "se_switch": math.sqrt(p_up * (1 - p_up) / n),
             "p_within": p_in, "se_within": math.sqrt(p_in * (1 - p_in) / n),
             "p_negative": p_neg, "se_negative": math.sqrt(p_neg * (1 - p_neg) / n),
             "distribution": summary(thresholds[up])}, thresholds)


def _switches_up(model: Model, draws: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Where the target is unstable just below ``s`` and stable just above it (checked by the engine).

    The step is ``1e-7 max(1, |s|)``; where that leaves an eigenvalue within the classification's tolerance
    of zero (a flat dependence on the strength), it is retried with ``1e-4 max(1, |s|)``.
    """
    up = np.zeros(s.shape, dtype=bool)
    todo = np.nonzero(np.isfinite(s))[0]
    for step in (1e-7, 1e-4):
        if not todo.size:
            break
        delta = step * np.maximum(1.0, np.abs(s[todo]))
        model.tally.expect(2 * todo.size)     # the progress's total: both sides at once
        below = model.target_stable(draws[todo], s[todo] - delta)
        above = model.target_stable(draws[todo], s[todo] + delta)
        up[todo] = above & ~below
        todo = todo[~up[todo]]
    return up


def _closed_form(scenario: Scenario, found, names, params):
    """``h(*draws)``: the closed-form threshold compiled in the uncertain parameters (others at defaults)."""
    text = found.expression or ""
    lhs, _, rhs = text.partition("=")
    if lhs.strip() != STRENGTH or not rhs.strip() or STRENGTH in names:
        return None
    game = scenario.game.with_values(**(params or {}))
    symbols = {n: p.symbol for n, p in game.parameters.items()}
    try:
        expr = parse_expression(rhs.strip(), symbols)
    except EvogameError:
        return None
    values = game.values()
    others = {symbols[n]: sympy.nsimplify(v) for n, v in values.items() if n not in names}
    return sympy.lambdify([symbols[n] for n in names], expr.xreplace(others), modules="numpy")


def _bisect(model: Model, draws: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the target is unstable at strength 0 and stable at 1: the switch, bisected at every such draw."""
    n = draws.shape[0]
    model.tally.expect(2 * n)
    lo = model.target_stable(draws, np.zeros(n))
    hi = model.target_stable(draws, np.ones(n))
    up = ~lo & hi
    idx = np.nonzero(up)[0]
    model.tally.expect(BISECT_STEPS * idx.size)
    a, b = np.zeros(idx.size), np.ones(idx.size)
    for _ in range(BISECT_STEPS if idx.size else 0):
        m = 0.5 * (a + b)
        stable = model.target_stable(draws[idx], m)
        a, b = np.where(stable, a, m), np.where(stable, m, b)
    s = np.full(n, np.nan)
    s[idx] = 0.5 * (a + b)
    return s, up
