"""Integration of the replicator dynamics for many initial states at once.

The whole batch is one vectorised system: the compiled right-hand side is
evaluated on the array of all states at every step.  Faces of the product of
simplices are invariant (a share that is zero stays zero), and reduced
coordinates keep every population's shares summing to one exactly; round-off
that would step outside the simplex is projected back.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping

import weakref

import numpy as np

from . import chosen_dynamics, derive, with_structural
from ..errors import AnalysisError
from ..game.model import Game, game_of
from .integrator import dopri5_batch, implicit_solve

if TYPE_CHECKING:
    from ..scenario import Scenario


@dataclass
class Simulation:
    """Paths of the replicator dynamics.

    Attributes
    ----------
    times : ``(T,)``.
    paths : ``(B, T, d)`` reduced coordinates (for two-strategy populations,
        the share of the first strategy).
    """

    game: Game = field(repr=False)
    times: np.ndarray
    paths: np.ndarray
    success: bool = True
    message: str = ""
    stats: dict | None = field(default=None, repr=False)
    tolerances: dict | None = None     # the method and the rtol, atol it integrated with

    def shares(self, population: int | str) -> np.ndarray:
        """Shares of every strategy of one population: ``(B, T, n_p)``."""
        if isinstance(population, str):
            population = [p.name for p in self.game.populations].index(population)
        sl = self.game.slices()[population]
        head = self.paths[..., sl]
        return np.concatenate([head, 1.0 - head.sum(axis=-1, keepdims=True)], axis=-1)

    @property
    def final(self) -> np.ndarray:
        return self.paths[:, -1, :]

    def to_dict(self) -> dict:
        out = {"times": self.times.tolist(), "variables": [str(v) for v in self.game.variables],
               "paths": self.paths.tolist(), "success": self.success, "message": self.message}
        if self.tolerances is not None:
            out["integration"] = dict(self.tolerances)
        return out

    def _repr_html_(self) -> str:
        from ..render.notebook import simulation_html
        return simulation_html(self)

    def to_dataframe(self):   # a pandas.DataFrame (the "dataframes" extra)
        from ..render.notebook import simulation_frame
        return simulation_frame(self)

    def __repr__(self):
        B, T, d = self.paths.shape
        return f"<Simulation of {self.game.name!r}: {B} paths x {T} times, d={d}, t_end={self.times[-1]:g}>"


def as_initial_states(game: Game, initial_states) -> np.ndarray:
    """Normalise initial states to reduced coordinates ``(B, d)``.

    Accepts ``(B, d)`` or ``(d,)`` reduced coordinates, or, per start, one
    probability vector per population (nested lists).  Rows of ``d`` numbers
    are reduced coordinates: in a game of two populations of two strategies
    ``[[0.5, 0.5], [0.2, 0.8]]`` is two starts; one start given as
    probability vectors is then written ``[[[0.5, 0.5], [0.2, 0.8]]]``.
    """
    d = game.dimension
    arr = initial_states
    if (isinstance(arr, (list, tuple)) and arr and not _reduced_rows(game, arr)
            and _is_nested_shares(game, arr)):
        arr = [arr]
    if isinstance(arr, (list, tuple)) and arr and all(_is_nested_shares(game, a) for a in arr):
        for start in arr:
            for pop, v in zip(game.populations, start):
                if abs(float(np.sum(v)) - 1.0) > 1e-9:
                    raise AnalysisError(f"the shares of population '{pop.name}' must sum to 1, got {list(v)}")
        arr = [np.concatenate([np.asarray(v, float)[:-1] for v in start]) for start in arr]
    z = np.atleast_2d(np.asarray(arr, dtype=float))
    if z.shape[-1] != d:
        raise AnalysisError(f"an initial state needs {d} coordinates (one fewer than the strategies, "
                            f"per population), got {z.shape[-1]}")
    if not np.all(np.isfinite(z)):
        raise AnalysisError("initial states must be finite numbers")
    for pop, sl in zip(game.populations, game.slices()):
        block = z[:, sl]
        if np.any(block < -1e-12) or np.any(block.sum(axis=1) > 1 + 1e-12):
            raise AnalysisError(f"initial shares of population '{pop.name}' must lie in the simplex "
                                f"(non-negative, summing to at most 1 over the first {pop.n - 1})")
    return z


def _reduced_rows(game: Game, rows) -> bool:
    """Whether every item is a flat row of ``d`` numbers (reduced coordinates)."""
    return all(isinstance(r, (list, tuple, np.ndarray)) and np.ndim(r) == 1 and len(r) == game.dimension
               and all(np.isscalar(v) for v in r) for r in rows)


def _is_nested_shares(game: Game, item) -> bool:
    if not isinstance(item, (list, tuple)) or len(item) != len(game.populations):
        return False
    return all(isinstance(v, (list, tuple, np.ndarray)) and len(v) == p.n
               for v, p in zip(item, game.populations))


def project(game: Game, z: np.ndarray) -> np.ndarray:
    """Project states (``(..., d)``) onto the product of simplices (clip round-off)."""
    z = np.clip(z, 0.0, 1.0)
    for sl in game.slices():
        s = z[..., sl].sum(axis=-1, keepdims=True)
        over = s > 1.0
        z[..., sl] = np.where(over, z[..., sl] / np.where(over, s, 1.0), z[..., sl])
    return z


#: A block of reduced shares summing to at least ``1 - FACE_TOL`` starts on the
#: face where the population's last strategy is absent (the validation tolerance).
FACE_TOL = 1e-12


class SimplexConstraint:
    """Keep states on the product of simplices and starts on their faces.

    Called in place on component-major arrays ``Y`` of shape ``(d, n)`` whose
    columns belong to the starts ``starts``.  Every state is clipped to
    ``[0, 1]`` and a population whose reduced shares sum above 1 is rescaled
    (round-off only: the faces are invariant under the replicator dynamics).
    A start that begins on a face stays exactly on it: the shares that are
    zero at ``t = 0`` are kept exactly zero, and a population whose last
    strategy is absent at ``t = 0`` keeps its reduced shares summing to 1
    (a vertex stays exactly ``1.0``).  With ``keep_faces=False`` (a dynamics
    under which faces are not invariant: logit, BNN, Smith, projection,
    mutation) no start is pinned to its face.
    """

    def __init__(self, game: Game, z0: np.ndarray, keep_faces: bool = True):
        self.blocks = [(sl.start, sl.stop) for sl in game.slices() if sl.stop - sl.start > 1]
        all_blocks = [(sl.start, sl.stop) for sl in game.slices()]
        self.zero = (z0 == 0.0) & keep_faces                                   # (B, d)
        self.last_absent = np.stack([(z0[:, a:b].sum(axis=1) >= 1.0 - FACE_TOL) & keep_faces
                                     for a, b in all_blocks], axis=1) if all_blocks else \
            np.zeros((len(z0), 0), bool)                                      # (B, P)
        self.all_blocks = all_blocks
        self.pinned = self.zero.any(axis=1) | self.last_absent.any(axis=1)    # (B,)
        self.any_pinned = bool(self.pinned.any())

    def snap(self, z0: np.ndarray) -> np.ndarray:
        """The initial states put exactly on their faces, ``(B, d)``."""
        Y = np.ascontiguousarray(z0.T).copy()
        self(Y, np.arange(z0.shape[0]))
        return Y.T.copy()

    def __call__(self, Y: np.ndarray, starts: np.ndarray) -> None:
        np.minimum(Y, 1.0, out=Y)          # clip to [0, 1] (two ufuncs: np.clip's wrapper costs more)
        np.maximum(Y, 0.0, out=Y)
        for a, b in self.blocks:
            s = np.add.reduce(Y[a:b], axis=0)
            if s.max() > 1.0:
                over = s > 1.0
                Y[a:b, over] /= s[over]
        if not self.any_pinned:
            return
        cols = np.nonzero(self.pinned[starts])[0]
        if not cols.size:
            return
        sub = Y[:, cols]
        who = starts[cols]
        sub[self.zero[who].T] = 0.0
        for p, (a, b) in enumerate(self.all_blocks):
            rows = np.nonzero(self.last_absent[who, p])[0]
            if rows.size:
                block = sub[a:b, rows]
                sub[a:b, rows] = block / block.sum(axis=0)
        Y[:, cols] = sub


def vector_field_rows(game: Game, params: Mapping | None = None, *, batch_size: int = 0, dynamics="replicator"):
    """The field of ``dynamics`` as a function of component-major states ``(d, n) -> (d, n)``.

    Also returns the Jacobian ``(d, n) -> (n, d, d)``.  The field is
    compiled to a function that writes straight into a caller's array
    (:func:`field_writer`): ``rhs.into(Y, out, scale)`` sets
    ``out = scale * f(Y)`` (``scale`` a ``(n,)`` step size per column, or
    ``None``) with one array operation per term, which is what the batched
    integrator calls at every stage.  For a batch of at least
    ``BAKE_BATCH`` starts the parameter values are folded in (fewer
    operations per call; compiling costs ~20-70 ms once per parameter set),
    smaller batches share one compiled function per game.
    """
    dyn = derive(game, dynamics)
    values = game.values(params)
    dyn.check(values)
    pvec = dyn.parameter_vector(values)
    if batch_size >= BAKE_BATCH:
        into = field_writer(dyn, pvec)
    else:
        generic = field_writer(dyn, None)
        pargs = tuple(float(v) for v in pvec)

        def into(Y, out, scale):
            return generic(Y, out, scale, *pargs)

    def rhs(Y: np.ndarray) -> np.ndarray:
        return into(Y, np.empty(Y.shape), None)

    rhs.into = into

    def jac(Y: np.ndarray) -> np.ndarray:
        return dyn.jacobian_at(Y.T, pvec)

    return rhs, jac


#: Batches at least this large get a field compiled for their parameter values.
BAKE_BATCH = 256

_WRITERS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def field_writer(dyn, pvec: np.ndarray | None):
    """The replicator field compiled to ``f(Y, out, scale[, *params]) -> out``.

    ``Y`` and ``out`` are component-major ``(d, n)`` arrays; component ``i``
    is written as ``numpy.multiply(f_i(Y), scale, out=out[i])`` (or copied
    when ``scale`` is ``None``).  With a parameter vector ``pvec`` its values
    are folded in: whole numbers exactly (sympy then cancels terms, e.g. the
    zero mean payoff of zero-sum Rock-Paper-Scissors), the others as floats
    printed with ``repr`` (no digits lost), and a component without floats is
    factored when that needs fewer operations.  With ``pvec=None`` the
    parameters are trailing scalar arguments (one function per game).
    Common sub-expressions are computed once (``sympy.cse``).  Cached per
    dynamics object (the last 16 parameter vectors).
    """
    key = None if pvec is None else tuple(float(v) for v in np.asarray(pvec, dtype=float).ravel())
    cache = _WRITERS.setdefault(dyn, {})
    fn = cache.get(key)
    if fn is None:
        fn = _compile_writer(dyn, key)
        if len(cache) >= 17:
            cache.pop(next(k for k in cache if k is not None))
        cache[key] = fn
    return fn


def _compile_writer(dyn, values: tuple):
    if not dyn.field_is_symbolic:   # vector_field is the field in the interior only (projection): the dynamics' own
        fn = _lambdified_writer(dyn, values)
        fn.source = ""
        return fn
    import sympy
    from sympy.printing.numpy import NumPyPrinter

    from .inplace import inplace_body

    class _Printer(NumPyPrinter):
        def _print_Float(self, expr):
            return repr(float(expr))

    pnames = [sympy.Symbol(f"_p{j}") for j in range(len(dyn.parameters))]
    if values is None:
        subs = dict(zip(dyn.parameters, pnames))
    else:
        subs = {s: (sympy.Integer(int(v)) if float(v).is_integer() and abs(v) < 2**53 else sympy.Float(v))
                for s, v in zip(dyn.parameters, values)}
    names = [sympy.Symbol(f"_y{i}") for i in range(len(dyn.variables))]
    rename = dict(zip(dyn.variables, names))
    exprs = []
    for e in dyn.vector_field:
        e = e.xreplace(subs).xreplace(rename)
        if values is not None and not e.atoms(sympy.Float) and e.free_symbols:
            try:
                f = sympy.factor(e)
                if sympy.count_ops(f) < sympy.count_ops(e):
                    e = f
            except Exception:  # factoring is an optimisation only
                pass
        exprs.append(e)
    reps, reduced = sympy.cse(exprs, symbols=sympy.numbered_symbols("_c"))
    printer = _Printer({"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True})
    head = [f"def _field_into(Y, out, scale{'' if values is not None else ''.join(', ' + str(p) for p in pnames)}):"]
    head += [f"    {n} = Y[{i}]" for i, n in enumerate(names)]
    body = inplace_body(reps, reduced, names, printer)
    probe_args = [1.0] * len(pnames) if values is None else []
    fn = source = None
    if body is not None:       # every operation in place (no temporary arrays), else expressions per component
        fn, source = _exec_writer(head + ["    " + line for line in body] + ["    return out"], len(names),
                                  probe_args)
    if fn is None:
        lines = head + [f"    {s} = {printer.doprint(v)}" for s, v in reps]
        for i, e in enumerate(reduced):
            code = printer.doprint(e)
            lines.append(f"    if scale is None:\n        out[{i}] = {code}\n"
                         f"    else:\n        multiply({code}, scale, out=out[{i}])")
        fn, source = _exec_writer(lines + ["    return out"], len(names), probe_args)
    if fn is None:             # a construct the printer does not cover: the lambdified field, copied in
        fn, source = _lambdified_writer(dyn, values), ""
    fn.source = source
    return fn


_UFUNCS = ("exp", "log", "sqrt", "abs", "amin", "amax", "minimum", "maximum", "select", "where", "inf", "nan", "pi",
           "e", "equal", "less", "greater", "less_equal", "greater_equal", "logical_and", "logical_or", "logical_not",
           "sin", "cos", "tan", "tanh", "power", "multiply", "add", "subtract", "divide", "copyto", "empty",
           "absolute")


def _exec_writer(lines: list, d: int, probe_args: list):
    """Compile the writer's source and try it on a probe; ``(function, source)`` or ``(None, None)``."""
    source = "\n".join(lines)
    namespace = {"numpy": np, **{name: getattr(np, name) for name in _UFUNCS if hasattr(np, name)}}
    try:
        exec(compile(source, "<evogame field>", "exec"), namespace)
        fn = namespace["_field_into"]
        probe = np.full((d, 2), 0.25)
        fn(probe, np.empty_like(probe), np.ones(2), *probe_args)
    except Exception:  # noqa: BLE001 - any failure means: use the next form
        return None, None
    return fn, source


def _lambdified_writer(dyn, values):
    """Fallback of :func:`_compile_writer` built on :meth:`Dynamics.field_function`."""
    f = dyn.field_function() if values is None else dyn.field_function_at(np.array(values))

    def into(Y, out, scale, *params):
        for i, v in enumerate(f(*Y, *params)):
            out[i] = v
        if scale is not None:
            out *= scale
        return out

    return into


SCIPY_METHODS = ("RK23", "RK45", "DOP853", "Radau", "BDF", "LSODA")


def simulate(subject: Game | Scenario, initial_states, t_end: float, *, params: Mapping | None = None,
             n_points: int = 201, method: str = "auto", rtol: float = 1e-8, atol: float = 1e-10,
             max_steps: int = 100_000, dynamics=None) -> Simulation:
    """Integrate the dynamics (the replicator unless ``dynamics`` says otherwise) from many initial states.

    The batch is one vectorised system (:func:`evogame.dynamics.integrator.dopri5_batch`):
    the compiled vector field is evaluated on the array of all states at
    every stage of the Dormand--Prince 5(4) pair, and every start has its own
    step size and error control, so the results match a per-start
    ``solve_ivp(method="RK45", rtol, atol)``.  A start found stiff (Hairer's
    test: ``h |lambda|`` stuck at the explicit stability boundary), or past
    ``max_steps``, is finished from where it is by the batched Rosenbrock
    method Rodas3 (order 3, L-stable) with the analytic Jacobian; a start
    whose step size collapses, or that Rodas3 gives up on, by scipy's LSODA.
    The result's ``message`` says so.  States stay on the product of
    simplices, and a start on a face (or vertex) stays exactly on it.

    Parameters
    ----------
    subject : the Game (or a Scenario: its game)
    initial_states : ``(B, d)`` reduced coordinates, or per start one
        probability vector per population.
    t_end : final time (> 0).
    params : parameter overrides.
    n_points : number of saved times, evenly spaced on ``[0, t_end]``.
    method : ``"auto"`` (batched, as above), or the name of a
        ``scipy.integrate.solve_ivp`` method to integrate start by start
        with scipy (slow; the reference the batch is tested against).
    rtol, atol : tolerances (per start, per component, as in ``solve_ivp``).
    max_steps : explicit steps per start before it is handed to the implicit method.
    dynamics : the dynamics by name with its options (``"logit:eta=0.1"``; see
        :data:`evogame.dynamics.DYNAMICS`); default: a scenario's ``[dynamics]``,
        else the replicator.

    Returns
    -------
    Simulation with ``times (T,)`` and ``paths (B, T, d)``.
    """

    if not (np.isfinite(t_end) and t_end > 0):
        raise AnalysisError(f"t_end must be a positive number, got {t_end}")
    if n_points < 2:
        raise AnalysisError("n_points must be at least 2")
    if method != "auto" and method not in SCIPY_METHODS:
        raise AnalysisError(f"unknown integration method '{method}'; expected 'auto' or one of "
                            + ", ".join(SCIPY_METHODS))
    game = game_of(subject)
    z0 = as_initial_states(game, initial_states)
    B, d = z0.shape
    times = np.linspace(0.0, float(t_end), int(n_points))
    # a structural parameter (a sum limit such as N) fixes the payoffs' degree: re-derive with it
    work, params = with_structural(game, params)
    if d == 0:
        return Simulation(game, times, np.zeros((B, len(times), 0)))
    spec = chosen_dynamics(subject, dynamics)
    rhs, jac = vector_field_rows(work, params, batch_size=B, dynamics=spec)
    constraint = SimplexConstraint(game, np.clip(z0, 0.0, 1.0), keep_faces=derive(work, spec).faces_invariant)
    z0 = constraint.snap(z0)
    with np.errstate(over="ignore", invalid="ignore"):
        if method == "auto":
            sol = dopri5_batch(rhs, z0, times, rtol=rtol, atol=atol, constrain=constraint, jacobian=jac,
                               max_steps=max_steps)
            return Simulation(game, times, sol.states, True, sol.message,
                              stats={"steps": sol.steps, "rejected": sol.rejected,
                                     "implicit": sol.handed_over, "evaluations": sol.evaluations,
                                     "iterations": sol.iterations},
                              tolerances={"method": "Dormand-Prince 5(4), batched", "rtol": rtol, "atol": atol})
        paths = np.empty((B, len(times), d))
        for b in range(B):
            paths[b] = implicit_solve(rhs, jac if method in ("Radau", "BDF", "LSODA") else None, z0[b], 0.0,
                                      times, rtol=rtol, atol=atol, method=method, start=b)
            block = np.ascontiguousarray(paths[b].T)
            constraint(block, np.full(len(times), b))
            paths[b] = block.T
    return Simulation(game, times, paths, True, f"scipy solve_ivp({method}), start by start",
                      tolerances={"method": f"scipy solve_ivp({method})", "rtol": rtol, "atol": atol})
