"""The interface every dynamics implements, and the payoffs it starts from.

A dynamics maps a game's expected payoffs to a vector field on the product of
simplices, in reduced coordinates (the first ``n_p - 1`` shares of each
population).  :class:`Dynamics` holds the shared work -- payoffs with
structural sums expanded, the Jacobian in the tangent space, compiled
evaluation on batches; a subclass gives the field and how its rest points
are found.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np
import sympy

from ..errors import AnalysisError, ScenarioError
from ..game import Game, exact
from ..solvers.rational import fraction_function, to_fraction, to_sympy

__all__ = ["Dynamics", "resolve_sums", "structural_parameters", "with_structural"]

#: a compiled function not built yet (None is a result: the Jacobian is not rational)
_NOT_COMPILED = object()


def resolve_sums(expr: sympy.Expr, values: Mapping[str, sympy.Expr]) -> sympy.Expr:
    """Expand bounded sums whose limits depend on (integer) parameters.

    A sum like ``sum(k, M-1, N-1, ...)`` has a degree that depends on ``N``;
    its limits are replaced by their values so it becomes a polynomial.
    """
    if not expr.has(sympy.Sum):
        return expr

    def expand(s: sympy.Sum):
        limits = []
        for (k, lo, hi) in s.limits:
            subs = {sym: values[str(sym)] for sym in (lo.free_symbols | hi.free_symbols) if str(sym) in values}
            limits.append((k, lo.subs(subs), hi.subs(subs)))
        return sympy.Sum(s.function, *limits).doit()

    return sympy.expand(expr.replace(lambda e: isinstance(e, sympy.Sum), expand))


def with_structural(game: Game, params: Mapping | None):
    """Move overrides of structural parameters (sum limits, e.g. ``N``) into the game.

    Their values fix the degree of the payoffs when the dynamics are derived,
    so they cannot be plain overrides: the game is rebuilt with them as
    defaults (``Game.with_values``); returns ``(game, remaining overrides)``.
    """
    params = dict(params or {})
    if not params:
        return game, params
    structural = structural_parameters(game)
    fixed = {k: params.pop(k) for k in list(params) if k in structural}
    if fixed:
        game = game.with_values(**fixed)
    return game, params


def structural_parameters(game: Game) -> set[str]:
    """Parameters that appear in sum limits: their values fix the polynomial degree."""
    out = set()
    for fp in game.fitness:
        for f in fp:
            for s in f.atoms(sympy.Sum):
                for (_, lo, hi) in s.limits:
                    out |= {str(x) for x in lo.free_symbols | hi.free_symbols}
    return out


class Dynamics:
    """A deterministic evolutionary dynamics of a game: the interface the engine uses.

    Like scipy's ``OdeSolver`` methods, each dynamics is one subclass, looked
    up by name (:data:`DYNAMICS`); the shared work -- the payoffs with
    structural sums expanded, the Jacobian in the tangent space, compiled
    evaluation on batches -- lives here.  A subclass sets :attr:`name` and
    :attr:`smooth` and implements :meth:`components` (the field in reduced
    coordinates) and :meth:`rest_points` (how its rest points are found).

    Attributes
    ----------
    game : the Game it was derived from.
    variables : the reduced state symbols, length ``d``.
    parameters : the parameter symbols the field depends on (order of
        ``game.parameters``).
    fitness : the expected payoffs with structural sums expanded.
    vector_field : sympy Matrix ``(d, 1)``.
    jacobian : sympy Matrix ``(d, d)``, the Jacobian in the tangent space of
        the product of simplices.
    """

    #: the name the dynamics is looked up by
    name = "dynamics"
    #: its options (e.g. a noise level) -> default value, None for a required one
    OPTIONS: dict = {}
    #: whether, in a population of two strategies, dx/dt has the sign of the payoff difference, so that the
    #: interior nullcline is ``f_1 = f_2`` (replicator, Maynard Smith, BNN, Smith; not logit, not mutation)
    payoff_nullclines = True
    #: whether the field is differentiable on the whole state space (else the
    #: Jacobian, and so the linear classification, does not exist everywhere)
    smooth = True
    #: whether the rest points are found face by face, as the replicator's (all of them, or only the Nash
    #: equilibria among them: :attr:`nash_rest_points`); False where they are found numerically (logit,
    #: mutation), and then the parametric engine analyses parameter values one by one
    face_rest_points = True
    #: whether the rest points are exactly the Nash equilibria (the replicator's, where no unused strategy
    #: earns more than the mean): BNN, Smith
    nash_rest_points = False
    #: whether the dynamics is defined only where every payoff is positive (Maynard Smith, mutation)
    needs_positive_payoffs = False
    #: whether ``vector_field`` is the field on the whole state space, compiled for numbers.  False for the
    #: projection dynamics: there it is the field in the interior only, the subclass gives the numeric field
    #: (``field``, ``field_function``, ``field_function_at``) and ``simulation.field_writer`` wraps it.
    field_is_symbolic = True
    #: whether every face of the state space is invariant (a strategy unused stays unused): replicator, Maynard
    #: Smith, mutation-free mutator.  Where it is not (logit, BNN, Smith, projection, mutation), ``simulate``
    #: lets a path leave the face it starts on.
    faces_invariant = True

    def __init__(self, game: Game):
        self.game = game
        self.variables = game.variables
        structural = structural_parameters(game)
        fixed = {}
        if structural:
            vals = {n: p.value for n, p in game.parameters.items() if n in structural}
            missing = [n for n, v in vals.items() if v is None]
            if missing:
                raise AnalysisError("parameters in sum limits need values: " + ", ".join(missing))
            fixed = vals
        self.structural = fixed
        self.fitness = tuple(tuple(resolve_sums(f, fixed).subs(
            {game.parameters[n].symbol: v for n, v in fixed.items()}) for f in fp) for fp in game.fitness)
        self.parameters = tuple(p.symbol for n, p in game.parameters.items())
        self.vector_field = sympy.Matrix(self.components())
        self.jacobian = self.vector_field.jacobian(sympy.Matrix(self.variables))
        self._field_fn = None
        self._jac_fn = None
        self._fitness_fn = None
        self._fraction_jac_fn = _NOT_COMPILED
        self._baked_fields: dict = {}   # parameter vector -> field compiled with it (the last 16)

    @staticmethod
    def option(value, accept, message: str, expected: str):
        """An option as an exact number, refused (naming ``dynamics``) unless ``accept(number)``."""
        try:
            number = exact(value)
        except (TypeError, ValueError):
            number = None
        if number is None or not accept(number):
            raise ScenarioError(f"{message}, got {value!r}", argument="dynamics", expected=expected)
        return number

    @property
    def spec(self) -> str:
        """The dynamics as written on the command line: ``"replicator"``, ``"logit:eta=0.5"``."""
        options = ",".join(f"{k}={float(getattr(self, k)):g}" for k in self.OPTIONS)
        return f"{self.name}:{options}" if options else self.name

    def components(self) -> list[sympy.Expr]:
        """The field ``dx/dt`` in reduced coordinates, one expression per state variable."""
        raise NotImplementedError

    def payoffs_multilinear(self) -> bool:
        """Whether every population's payoffs are multilinear in the *other* populations' states.

        True for matrix games (payoff tables with constant entries): each
        payoff is independent of its own population's state and of degree at
        most one in each other population's shares.  This is the condition of
        Selten's theorem (no strictly mixed asymptotically stable rest point in
        a game of two or more populations); dynamic incentives (payoffs that
        depend on the state) break it.
        """
        blocks = [set(self.variables[sl]) for sl in self.game.slices()]
        for p, fp in enumerate(self.fitness):
            for f in fp:
                if f.free_symbols & blocks[p]:
                    return False
                for q, block in enumerate(blocks):
                    if q != p and block and not _degree_at_most_one(f, block):
                        return False
        return True

    def check(self, values: Mapping) -> list[str]:
        """Refuse parameter values under which the dynamics is not defined; notes on what was checked.

        ``values``: parameter name -> value.  Most dynamics are defined for every
        game: nothing to check.
        """
        return []

    def rest_points(self, fitness, *, budget: float | None, numeric_values: Mapping | None = None):
        """Rest points of the field with the payoffs ``fitness`` (values substituted or symbolic).

        Returns ``(candidates, continua, notes)`` as
        :func:`evogame.solvers.restpoints.find_rest_points`.
        """
        raise NotImplementedError

    def kinks(self, states: np.ndarray, params: np.ndarray, relative: float | None = None) -> np.ndarray:
        """Boolean ``(...)``: whether the field has a kink (no Jacobian) at each of the states ``(..., d)``.

        ``params`` as in :meth:`field`; ``relative`` the tolerance, relative to the payoffs' scale, within
        which a kink's argument counts as zero (default: the dynamics' own).  A smooth dynamics has none.
        """
        states, params = np.asarray(states, dtype=float), np.asarray(params, dtype=float)
        return np.zeros(np.broadcast_shapes(states.shape[:-1], params.shape[:-1]), dtype=bool)

    def at_kink(self, state: np.ndarray, pvec: np.ndarray) -> bool:
        """Whether the field has a kink at one state: no Jacobian there."""
        return bool(self.kinks(np.asarray(state, dtype=float)[None], np.asarray(pvec, dtype=float)[None])[0])

    # -- printing -----------------------------------------------------------
    def equations(self) -> list[sympy.Eq]:
        """The replicator equations as ``Eq(Derivative(x, t), rhs)``."""
        t = sympy.Symbol("t")
        out = []
        for v, rhs in zip(self.variables, self.vector_field):
            out.append(sympy.Eq(sympy.Derivative(v, t), _tidy(rhs)))
        return out

    def latex(self) -> list[str]:
        return [sympy.latex(e) for e in self.equations()]

    # -- compiled -----------------------------------------------------------
    def parameter_vector(self, values: Mapping[str, sympy.Expr]) -> np.ndarray:
        return np.array([float(values[str(s)]) for s in self.parameters], dtype=float)

    def _compile(self, exprs):
        args = list(self.variables) + list(self.parameters)
        return sympy.lambdify(args, list(exprs), modules="numpy", cse=True, dummify=True)

    def field_function(self):
        """The compiled vector field: ``f(*variables, *parameters) -> list`` of ``d`` values.

        Each argument may be a scalar or an array (all broadcast together);
        a component that is constant comes back as a scalar.  This is the
        fastest way to evaluate the field on a component-major batch
        ``Y (d, n)``: ``f(*Y, *params)``.
        """
        if self._field_fn is None:
            self._field_fn = self._compile(self.vector_field)
        return self._field_fn

    def field_function_at(self, params) -> "callable":
        """The compiled field with these parameter values folded in: ``f(*variables) -> list``.

        Constant sub-expressions (sums and products of parameters) are
        computed once at compile time, so each call does fewer array
        operations than :meth:`field_function`; compiling costs tens of
        milliseconds, worth it for large batches.  The last 16 parameter
        vectors are kept.
        """
        key = tuple(float(v) for v in np.asarray(params, dtype=float).ravel())
        cache = self._baked_fields
        fn = cache.get(key)
        if fn is None:
            subs = {s: sympy.Float(v) for s, v in zip(self.parameters, key)}
            exprs = [e.xreplace(subs) for e in self.vector_field]
            fn = sympy.lambdify(list(self.variables), exprs, modules="numpy", cse=True, dummify=True)
            if len(cache) >= 16:
                cache.pop(next(iter(cache)))
            cache[key] = fn
        return fn

    def fitness_function(self):
        """The compiled expected payoffs: ``f(*variables, *parameters) -> list``, population-major."""
        if self._fitness_fn is None:   # no common subexpressions: the payoff reasons keep their digits
            self._fitness_fn = sympy.lambdify(list(self.variables) + list(self.parameters),
                                              [f for fp in self.fitness for f in fp], modules="numpy")
        return self._fitness_fn

    def field(self, states: np.ndarray, params: np.ndarray) -> np.ndarray:
        """Evaluate the vector field on an array of states ``(..., d)``.

        ``params`` is a vector in the order of ``parameters`` (or an array
        broadcastable against the states' leading shape, last axis = params).
        """
        if self._field_fn is None:
            self._field_fn = self._compile(self.vector_field)
        states = np.asarray(states, dtype=float)
        params = np.asarray(params, dtype=float)
        vals = self._field_fn(*np.moveaxis(states, -1, 0), *np.moveaxis(params, -1, 0))
        shape = np.broadcast_shapes(states.shape[:-1], params.shape[:-1])
        return np.stack([np.broadcast_to(v, shape) for v in vals], axis=-1)

    def jacobian_exact_at(self, state, values: Mapping) -> sympy.Matrix | None:
        """The Jacobian at an exact state, parameters ``values`` (symbol -> number), in Fraction arithmetic.

        None where a coordinate, a value or an entry of the Jacobian is not rational (or it divides by
        zero there): the caller substitutes with sympy.
        """
        args = [to_fraction(v) for v in state] + [to_fraction(values.get(s, s)) for s in self.parameters]
        if None in args:
            return None
        if self._fraction_jac_fn is _NOT_COMPILED:
            self._fraction_jac_fn = fraction_function(list(self.jacobian), list(self.variables) + list(self.parameters))
        if self._fraction_jac_fn is None:
            return None
        try:
            entries = self._fraction_jac_fn(*args)
        except ZeroDivisionError:
            return None
        d = len(self.variables)
        return sympy.Matrix(d, d, [to_sympy(v) for v in entries])

    def jacobian_at(self, states: np.ndarray, params: np.ndarray) -> np.ndarray:
        """Evaluate the Jacobian on an array of states: shape ``(..., d, d)``."""
        if self._jac_fn is None:
            self._jac_fn = self._compile(list(self.jacobian))
        states = np.asarray(states, dtype=float)
        params = np.asarray(params, dtype=float)
        vals = self._jac_fn(*np.moveaxis(states, -1, 0), *np.moveaxis(params, -1, 0))
        shape = np.broadcast_shapes(states.shape[:-1], params.shape[:-1])
        d = len(self.variables)
        return np.stack([np.broadcast_to(v, shape) for v in vals], axis=-1).reshape(shape + (d, d))


def _degree_at_most_one(expr: sympy.Expr, variables: set) -> bool:
    """Whether ``expr`` is a polynomial of total degree <= 1 in ``variables``."""
    used = [v for v in variables if expr.has(v)]
    if not used:
        return True
    try:
        return sympy.Poly(sympy.expand(expr), *used).total_degree() <= 1
    except sympy.PolynomialError:
        return False


def _tidy(rhs: sympy.Expr) -> sympy.Expr:
    """Print-friendly form: keep the x(1-x) factor, collect the payoff difference."""
    try:
        return sympy.factor_terms(rhs)
    except Exception:  # printing must never fail the analysis
        return rhs
