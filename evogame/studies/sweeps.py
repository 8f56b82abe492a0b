"""Sweeps: how the rest points' classification changes along one parameter,
and regime maps (the set of asymptotically stable states) over two.

The rest points come from the parametric engine (:mod:`evogame.engine.parametric`):
symbolic once per face in the swept parameters, compiled, evaluated on the
whole grid, and checked against :func:`~evogame.engine.analysis.analyze` at the
defaults (or analysed value by value where that is not possible:
``method = "per point"``).

Rest points are named by their face, e.g. ``(loose, active)`` for a corner
and ``(strict/loose, active/passive)`` for the interior (``#2``, ``#3`` when a
face holds several).

Bifurcation points (1-D) are located between grid points by bisection on the
compiled functions: on existence for a rest point that appears or
disappears; otherwise on the number of eigenvalues with positive real part,
which changes exactly where an eigenvalue's real part crosses zero.
"""
from __future__ import annotations

import time
from typing import Callable, Mapping, Sequence

import numpy as np

from ..solvers import stability as st
from ..dynamics import chosen_dynamics
from ..errors import AnalysisError, ScenarioError, did_you_mean
from ..game import Game
from ..engine.parametric import ABSENT, PointwiseRestPoints, display_labels, parametric_rest_points
from ..scenario import STRENGTH, Scenario, as_scenario
from . import chunked
from .bisection import Bracket, bisect_one, bisect_together, property_of
from .mechanisms import apply
from .sweep_results import RegimeMapResult, Sweep1DResult, class_name

#: largest regime map computed in one call (the CLI allows 250,000 cells)
MAX_CELLS = 4_000_000

__all__ = ["sweep", "sweep1d", "regime_map", "Sweep1DResult", "RegimeMapResult", "parse_axis"]

BISECT_STEPS = 60
BISECT_STEPS_PER_POINT = 24   # each step of a per-point sweep is a full analyze()


# -- axes ----------------------------------------------------------------------

def parse_axis(text: str) -> tuple[str, np.ndarray]:
    """``"c_D=0:5:101"`` -> ``("c_D", linspace(0, 5, 101))``."""
    if "=" not in text:
        raise ScenarioError(f"'{text}' is not NAME=LO:HI:N", argument="param",
                            expected="NAME=LO:HI:N, e.g. c_D=0:5:101")
    name, spec = text.split("=", 1)
    parts = spec.split(":")
    if len(parts) != 3:
        raise ScenarioError(f"'{text}': '{spec}' is not LO:HI:N", argument="param",
                            expected="LO:HI:N, e.g. 0:5:101")
    try:
        lo, hi = float(parts[0]), float(parts[1])
        n = int(parts[2])
    except ValueError:
        raise ScenarioError(f"'{text}': '{spec}' is not LO:HI:N", argument="param",
                            expected="two numbers and a whole number of points, e.g. 0:5:101") from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ScenarioError(f"'{text}': the range [{lo:g}, {hi:g}] is empty or not finite", argument="param",
                            expected="LO < HI")
    if not 2 <= n <= 100000:
        raise ScenarioError(f"'{text}': {n} points", argument="param", expected="between 2 and 100000 points")
    return name.strip(), np.linspace(lo, hi, n)


def _work_game(subject: Scenario | Game, params, names, mechanisms, strength) -> Game:
    """The swept game: ``params`` as defaults, mechanisms applied (a symbolic strength when it is swept)."""
    scenario = as_scenario(subject)
    scenario = scenario.with_game(scenario.game.with_values(**(params or {})))
    if STRENGTH in names:
        if not mechanisms:
            raise ScenarioError("sweeping 'strength' needs a mechanism", file=scenario.file,
                                argument="mechanisms", expected="a mechanism whose strength is swept")
        work = apply(scenario, mechanisms, ("symbolic", strength if strength != "symbolic" else 1)).game
    else:
        work = apply(scenario, mechanisms, strength).game if mechanisms else scenario.game
    _check_names(work, names, scenario.file, mechanisms)
    return work


def _check_names(work: Game, names, file, mechanisms=()):
    known = list(work.parameters)
    if mechanisms and "strength" not in known:
        known.append("strength")
    for n in names:
        if n not in work.parameters:
            raise ScenarioError(f"unknown parameter '{n}'", file=file, argument="param",
                                expected=("one of " + ", ".join(known)) if known else
                                "a parameter, but the scenario declares none",
                                suggestion=did_you_mean(n, known))
    if len(set(names)) != len(names):
        raise ScenarioError("the same parameter is swept twice", argument="param", found=", ".join(names))


def _mechanism_names(mechanisms) -> list[str]:
    return [m if isinstance(m, str) else (m[0] if isinstance(m, tuple) else m.name) for m in mechanisms]


# -- 1-D -----------------------------------------------------------------------

def sweep1d(subject: Scenario | Game, name: str, values, mechanisms: Sequence = (), *, strength=1, params: Mapping | None = None,
            rtol: float = st.RTOL, budget: float | None = 10.0, method: str = "auto",
            progress: Callable[[int, int], None] | None = None, dynamics=None, executor=None) -> Sweep1DResult:
    """Classification of every rest point along one parameter, and the bifurcation points.

    Parameters
    ----------
    subject : the Scenario (or a bare Game, with Mechanism objects)
    name : the parameter (or ``"strength"`` of ``mechanisms``).
    values : the grid, ``(n,)`` increasing.
    mechanisms : applied at ``strength`` (or swept, when ``name == "strength"``).
    params : new default values of the other parameters (name -> number).
    rtol : relative tolerance of the classification.
    budget : seconds of sympy per face before the per-point fallback.
    method : ``"auto"``, ``"vectorised"`` (fail rather than fall back) or ``"per point"``.
    progress : called as ``progress(done, total)`` during a per-point sweep.
    dynamics : the dynamics (``"smith"``, ``"logit:eta=0.1"``...); default: the scenario's ``[dynamics]``,
        else the replicator.  Where its rest points are found numerically (logit, mutation) every grid
        value is analysed on its own.
    executor : a ``concurrent.futures.Executor`` or Dask ``distributed.Client``: the grid is evaluated
        there in chunks (:mod:`evogame.studies.chunked`), with the same result; None: in this process.

    Returns
    -------
    Sweep1DResult
    """
    t0 = time.perf_counter()
    work = _work_game(subject, params, [name], mechanisms, strength)
    values = np.asarray(values, dtype=float)
    if work.parameters[name].integer:
        values = np.unique(np.round(values))
    if values.ndim != 1 or len(values) < 2 or np.any(np.diff(values) <= 0):
        raise ScenarioError("the sweep needs at least two increasing values", argument="param")
    dynamics = chosen_dynamics(subject, dynamics)
    notes: list[str] = []
    derived = parametric_rest_points(work, [name], budget, rtol, method, notes, dynamics)
    t1 = time.perf_counter()
    if derived is not None:
        ev = chunked.evaluate(derived, [values], budget, executor)

        def point(v):
            e = derived.evaluate([np.array([v])])
            return {key: (int(e["codes"][k, 0]), e["states"][k, 0], e["eigenvalues"][k, 0], int(e["npos"][k, 0]))
                    for k, key in enumerate(e["keys"]) if e["codes"][k, 0] != ABSENT}
        used = "vectorised"
    else:
        pp = PointwiseRestPoints(work, [name], budget, rtol, dynamics)
        ev = chunked.pointwise_grid(pp, [values], executor, progress)
        point = None if work.parameters[name].integer else (lambda v: pp.at([v]))
        used = "per point"
        _note_undefined(pp, dynamics, notes)
    t2 = time.perf_counter()
    kept, labels = display_labels(work, ev["keys"], ev["codes"])
    keys = [ev["keys"][i] for i in kept]
    codes = ev["codes"][kept]
    batch = (lambda vs: derived.evaluate([vs])) if derived is not None else None     # noqa: E731
    bifs, precision = _bifurcations(name, values, keys, labels, codes, point, used == "vectorised", batch)
    return Sweep1DResult(game=work, parameter=name, values=values, labels=labels,
                         codes={lab: codes[k] for k, lab in enumerate(labels)},
                         states={lab: ev["states"][i] for i, lab in zip(kept, labels)},
                         eigenvalues={lab: ev["eigenvalues"][i] for i, lab in zip(kept, labels)},
                         bifurcations=bifs, method=used, mechanisms=_mechanism_names(mechanisms),
                         precision=precision, notes=notes, dynamics=dynamics,
                         seconds={"derive": t1 - t0, "evaluate": t2 - t1, "locate": time.perf_counter() - t2})


def _note_undefined(pp: PointwiseRestPoints, dynamics, notes) -> None:
    if pp.undefined:
        notes.append(f"{dynamics} is not defined at {pp.undefined} grid values (a payoff <= 0): no rest points "
                     "shown there")


def _bifurcations(name, values, keys, labels, codes, point, vectorised=True, batch=None):
    """Locate every change of classification between grid points.

    The grid is cut into runs of constant class per rest point.  Between two
    runs the change is bisected on: existence (a run is ``absent``); the
    number of eigenvalues with positive real part (both runs hyperbolic --
    it changes exactly where a real part crosses zero); the classification
    itself (a non-hyperbolic run, e.g. a centre, on one side).  A
    non-hyperbolic run (stable or unstable) of a single grid value between two hyperbolic runs is
    an eigenvalue crossing zero at (about) that value: it is bisected on the
    sign count over the two neighbouring grid steps and reported once (not at
    all when the eigenvalue only touches zero).  ``point(v)`` gives the rest
    points at one value; ``batch(values)``, when given, the compiled rest
    points at many: then every bisection steps together (:mod:`.bisection`, the same points).
    """
    scale = max(1.0, float(np.max(np.abs(values))))
    out, brackets, found = [], [], []
    for key, lab, ca, cb, a, b, kind, merged in _changes(values, keys, labels, codes):
        change = {"parameter": name, "rest_point": lab, "from": class_name(ca) or "absent",
                  "to": class_name(cb) or "absent"}
        if point is None:  # integer parameter: the change happens at the next value
            out.append({**change, "value": b, "kind": "discrete"})
            continue
        brackets.append(Bracket(key, kind, a, b, check_b=merged and ca == cb))
        found.append({**change, "kind": kind})
    steps, tol = (BISECT_STEPS if vectorised else BISECT_STEPS_PER_POINT), 1e-13 * scale
    if batch is not None and vectorised:
        ends = bisect_together(brackets, batch, steps, tol)
    else:
        def prop(br):
            return lambda v: property_of(br.kind, *_code_npos(point(v), br.key))
        ends = [bisect_one(br, prop(br), steps, tol) for br in brackets]
    precision = 0.0
    for change, end in zip(found, ends):
        if end is None:
            continue   # an eigenvalue touches zero at one grid value: no change
        a, b = end
        precision = max(precision, b - a)
        out.append({**change, "value": float(0.5 * (a + b))})
    out.sort(key=lambda b: (b["value"], b["rest_point"]))
    return [{k: c[k] for k in ("parameter", "value", "rest_point", "from", "to", "kind")} for c in out], \
        float(precision)


def _code_npos(points: dict, key) -> tuple:
    """A rest point's class code and number of unstable eigenvalues in ``point(v)``'s answer (absent: -1, -1)."""
    found = points.get(key)
    return (ABSENT, -1) if found is None else (int(found[0]), int(found[3]))


def _changes(values, keys, labels, codes):
    """Every change of class along the grid: ``(key, label, from, to, a, b, kind, merged)``."""
    NH = st.CLASSES.index(st.NON_HYPERBOLIC)
    ND = st.CLASSES.index(st.NOT_DIFFERENTIABLE)
    UNH = st.CLASSES.index(st.UNSTABLE_NON_HYPERBOLIC)

    def hyperbolic(code):   # a class read from the signs of the eigenvalues' real parts
        return code not in (ABSENT, NH, ND, UNH)

    for k, (key, lab) in enumerate(zip(keys, labels)):
        c = codes[k]
        starts = [0] + [int(i) + 1 for i in np.nonzero(c[1:] != c[:-1])[0]]
        runs = [(a, (starts[j + 1] - 1 if j + 1 < len(starts) else len(c) - 1), int(c[a]))
                for j, a in enumerate(starts)]
        j = 0
        while j < len(runs) - 1:
            left, right = runs[j], runs[j + 1]
            merged = (right[2] in (NH, UNH) and right[0] == right[1] and j + 2 < len(runs)
                      and hyperbolic(left[2]) and hyperbolic(runs[j + 2][2]))
            if merged:
                ia, ib, ca, cb = left[1], runs[j + 2][0], left[2], runs[j + 2][2]
                j += 2
            else:
                ia, ib, ca, cb = left[1], right[0], left[2], right[2]
                j += 1
            if ca == ABSENT or cb == ABSENT:
                kind = "existence"
            elif hyperbolic(ca) and hyperbolic(cb):
                kind = "eigenvalue"
            else:
                kind = "classification"
            yield key, lab, ca, cb, float(values[ia]), float(values[ib]), kind, merged


# -- 2-D -----------------------------------------------------------------------

def regime_map(subject: Scenario | Game, x_name: str, x, y_name: str, y, mechanisms: Sequence = (), *, strength=1,
               params: Mapping | None = None, rtol: float = st.RTOL, budget: float | None = 10.0,
               method: str = "auto",
               progress: Callable[[int, int], None] | None = None, dynamics=None,
               executor=None) -> RegimeMapResult:
    """The set of asymptotically stable rest points in every cell of a 2-D grid.

    Parameters as :func:`sweep1d`; ``x``, ``y`` are the two grids.  The
    arrays of the result are indexed ``[j, i]`` for ``(x[i], y[j])``.  With an
    ``executor`` the rows ``y[j]`` (vectorised) or the cells (per point) are
    evaluated there in chunks, with the same result.
    """
    t0 = time.perf_counter()
    work = _work_game(subject, params, [x_name, y_name], mechanisms, strength)
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if work.parameters[x_name].integer:
        x = np.unique(np.round(x))
    if work.parameters[y_name].integer:
        y = np.unique(np.round(y))
    if x.size * y.size > MAX_CELLS:
        raise AnalysisError(f"a regime map of {x.size} x {y.size} = {x.size * y.size:,} cells is too large "
                            f"(at most {MAX_CELLS:,}: memory grows with cells x rest points x dimension^2)")
    dynamics = chosen_dynamics(subject, dynamics)
    notes: list[str] = []
    derived = parametric_rest_points(work, [x_name, y_name], budget, rtol, method, notes, dynamics)
    t1 = time.perf_counter()
    X, Y = np.meshgrid(x, y)   # (ny, nx)
    if derived is not None:
        ev = chunked.evaluate(derived, [X, Y], budget, executor)
        used = "vectorised"
    else:
        pp = PointwiseRestPoints(work, [x_name, y_name], budget, rtol, dynamics)
        ev = chunked.pointwise_grid(pp, [X.ravel(), Y.ravel()], executor, progress)
        _note_undefined(pp, dynamics, notes)
        ev["codes"] = ev["codes"].reshape((len(ev["keys"]),) + X.shape)
        used = "per point"
    kept, labels = display_labels(work, ev["keys"], ev["codes"])
    codes = ev["codes"][kept]
    regimes, index = _regimes(codes, labels)
    t2 = time.perf_counter()
    return RegimeMapResult(game=work, x_name=x_name, y_name=y_name, x=x, y=y, labels=labels,
                           codes={lab: codes[k] for k, lab in enumerate(labels)}, regimes=regimes,
                           regime_index=index, method=used, mechanisms=_mechanism_names(mechanisms), notes=notes,
                           dynamics=dynamics,
                           seconds={"derive": t1 - t0, "evaluate": t2 - t1})


def _regimes(codes: np.ndarray, labels) -> tuple[list[tuple], np.ndarray]:
    """Distinct stable sets and each cell's index into them (vectorised)."""
    K = len(labels)
    shape = codes.shape[1:]
    if K == 0:
        return [()], np.zeros(shape, dtype=int)
    stable = (codes == 0).reshape(K, -1)              # (K, cells)
    if K <= 62:   # one integer per cell: bit k set when rest point k is stable
        weights = (np.int64(1) << np.arange(K, dtype=np.int64))
        key = (stable.astype(np.int64) * weights[:, None]).sum(axis=0)
        keys, inverse = np.unique(key, return_inverse=True)
        rows = [[bool((int(v) >> k) & 1) for k in range(K)] for v in keys]
    else:
        keys, inverse = np.unique(stable.T, axis=0, return_inverse=True)
        rows = keys.tolist()
    sets = [tuple(lab for lab, s in zip(labels, row) if s) for row in rows]
    order = sorted(range(len(sets)), key=lambda k: (len(sets[k]), sets[k]))
    rank = np.empty(len(order), dtype=int)
    rank[order] = np.arange(len(order))
    index = rank[np.asarray(inverse).ravel()].reshape(shape)
    return [sets[k] for k in order], index


# -- entry point ---------------------------------------------------------------

def sweep(subject: Scenario | Game, axes: Sequence[tuple[str, Sequence[float]]] | Mapping, mechanisms: Sequence = (), **kwargs):
    """One axis: :func:`sweep1d`; two axes: :func:`regime_map`.

    ``axes`` is a sequence of ``(name, values)`` (or a mapping name -> values).
    """
    items = list(axes.items()) if isinstance(axes, Mapping) else list(axes)
    if len(items) == 1:
        (name, values), = items
        return sweep1d(subject, name, values, mechanisms, **kwargs)
    if len(items) == 2:
        (xn, xv), (yn, yv) = items
        return regime_map(subject, xn, xv, yn, yv, mechanisms, **kwargs)
    raise ScenarioError(f"{len(items)} parameters given", argument="param",
                        expected="one parameter (a sweep) or two (a regime map)")
