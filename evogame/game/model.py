"""The game model: populations, named strategies, parameters and payoffs.

A game is a list of populations, each with two or more named strategies, and
for every population ``p`` and strategy ``i`` an expected payoff (fitness)
``f[p][i]``: a sympy expression in the parameters and in the population
states.  Every analysis in evogame starts from these expressions.

Payoffs can be given three ways:

* a **payoff table** (``Game.from_payoff_table``): one entry per pure strategy
  profile, one expression per population; populations are matched one
  individual from each (the usual asymmetric / multi-population game), so
  ``f[p][i] = sum over profiles s with s_p = i of u_p(s) * prod_{q != p} x_{q, s_q}``;
* a **symmetric matrix** (``Game.symmetric``): one population matched with
  itself, ``f[i] = sum_j A[i][j] x_j``;
* **expected payoffs** directly (``Game(populations, fitness=...)``), for games
  that are not matrix games (the N-player public good).

State coordinates: population ``p`` with ``n_p`` strategies has shares
``x_{p,1..n_p}`` on the simplex; evogame works in *reduced coordinates*, the
first ``n_p - 1`` shares (the last is ``1 - sum``), so the state space is the
product of simplices and the Jacobian lives in its tangent space.  For a
population with two strategies the coordinate is the share of its first
strategy.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import KW_ONLY, dataclass, field, replace
from typing import Mapping, Sequence

import sympy

from ..errors import ScenarioError, did_you_mean

_DEFAULT_LETTERS = "xyzwuvpq"


@dataclass(frozen=True)
class Population:
    """A population: its name, its strategies and optional display labels.

    ``variable`` names the population's state symbol (for two strategies, the
    share of the first strategy; for more, ``variable_1 .. variable_{n-1}``).
    """

    name: str
    strategies: tuple[str, ...]
    variable: str | None = None
    label_en: str | None = None
    label_zh: str | None = None
    strategy_labels_en: tuple[str, ...] | None = None
    strategy_labels_zh: tuple[str, ...] | None = None

    def __post_init__(self):
        object.__setattr__(self, "strategies", tuple(self.strategies))
        if len(self.strategies) < 2:
            raise ScenarioError(f"population '{self.name}' needs at least two strategies",
                                key=f"populations.{self.name}.strategies",
                                expected="a list of 2 or more names", found=repr(list(self.strategies)))
        if len(set(self.strategies)) != len(self.strategies):
            dup = [s for s in self.strategies if self.strategies.count(s) > 1][0]
            raise ScenarioError(f"population '{self.name}' lists strategy '{dup}' twice",
                                key=f"populations.{self.name}.strategies",
                                expected="distinct strategy names")

    @property
    def n(self) -> int:
        return len(self.strategies)

    def label(self, lang: str = "en") -> str:
        return (self.label_zh if lang == "zh" else self.label_en) or self.name

    def strategy_label(self, i: int, lang: str = "en") -> str:
        labels = self.strategy_labels_zh if lang == "zh" else self.strategy_labels_en
        return labels[i] if labels else self.strategies[i]


@dataclass(frozen=True)
class Parameter:
    """A named parameter with an optional default value and documentation."""

    name: str
    value: sympy.Rational | None = None
    description: str = ""
    range: tuple[float, float] | None = None
    stands_for: str = ""
    integer: bool = False

    @property
    def symbol(self) -> sympy.Symbol:
        return parameter_symbol(self.name, self.integer)


def parameter_symbol(name: str, integer: bool = False) -> sympy.Symbol:
    """The sympy symbol of a parameter (real, or integer for counts)."""
    return sympy.Symbol(name, integer=True) if integer else sympy.Symbol(name, real=True)


def exact(value) -> sympy.Expr:
    """An exact sympy number for a user value: 0.3 -> 3/10, 2 -> 2."""
    if isinstance(value, sympy.Basic):
        return value
    if isinstance(value, bool):
        raise TypeError("a number was expected, not a boolean")
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"non-finite value {value!r}")
        return sympy.Rational(repr(value))
    return sympy.Rational(value)


@dataclass(frozen=True)
class Origin:
    """Where a game came from: the baseline it was derived from and what was applied.

    Attributes
    ----------
    base : the game before the mechanisms (and, for a preset, before the
        preset's values).
    mechanisms : ``(Mechanism, strength)`` pairs in the order applied; a
        strength is an exact number or ``"symbolic"``.
    preset : the name of the preset whose values the game carries, if any.
    """

    base: "Game"
    mechanisms: tuple = ()
    preset: str | None = None

    def strengths(self) -> list[tuple[str, float | str]]:
        """``[(name, strength)]`` of the applied mechanisms (float, or ``"symbolic"``)."""
        return [(m.name, "symbolic" if s == "symbolic" else float(s)) for m, s in self.mechanisms]


@dataclass(frozen=True, eq=False)
class Game:
    """An evolutionary game on a product of simplices (immutable).

    Parameters
    ----------
    populations : sequence of Population
    fitness : sequence (per population) of sequences (per strategy) of sympy
        expressions, in the parameter symbols and the state symbols
        (``Game.variables``; build them with ``Game.state_names``).
    parameters : sequence of Parameter (or mapping name -> default value).
    name, title, description : identifiers and texts for output.
    payoff_table : optional, the table the fitness came from (for reports).
    matrix : optional, the symmetric game's payoff matrix (for reports).
    origin : optional :class:`Origin`, when the game was derived from another
        (mechanisms applied, a preset's values).

    "The same game with other values" is :meth:`with_values` (or
    ``dataclasses.replace``); games compare and hash by identity, so derived
    data (the dynamics, compiled functions) can be cached per game object in
    weak mappings by the modules that compute it.
    """

    populations: tuple
    fitness: tuple
    parameters: Mapping = ()
    _: KW_ONLY
    name: str = "game"
    title: str = ""
    description: str = ""
    payoff_table: Mapping | None = None
    matrix: tuple | None = None
    origin: Origin | None = None
    variables: tuple = field(init=False, repr=False)
    shares: tuple = field(init=False, repr=False)

    def __post_init__(self):
        populations = tuple(self.populations)
        if not populations:
            raise ScenarioError("a game needs at least one population", key="populations")
        names = [p.name for p in populations]
        if len(set(names)) != len(names):
            raise ScenarioError("two populations have the same name", key="populations",
                                found=repr(names))
        parameters = _as_parameters(self.parameters)
        variables, shares = _state_symbols(populations, set(parameters))
        fitness = _normal_fitness(self.fitness)
        if len(fitness) != len(populations) or any(
                len(fp) != p.n for fp, p in zip(fitness, populations)):
            raise ScenarioError("fitness must give one expression per strategy of every population",
                                key="fitness")
        for name, value in (("populations", populations), ("parameters", parameters),
                            ("fitness", fitness), ("variables", variables), ("shares", shares),
                            ("title", self.title or self.name),
                            ("matrix", None if self.matrix is None else tuple(tuple(r) for r in self.matrix))):
            object.__setattr__(self, name, value)

    # -- construction -----------------------------------------------------
    @classmethod
    def from_payoff_table(cls, populations: Sequence[Population], table: Mapping, parameters=(),
                          **kwargs) -> "Game":
        """Build a multi-population game from a payoff table.

        ``table`` maps a profile (tuple of strategy names or indices, one per
        population) to a sequence of payoffs, one per population.  Expected
        payoffs are multilinear in the other populations' shares:
        ``f_{p,i} = sum_{s: s_p = i} u_p(s) prod_{q != p} x_{q, s_q}``.
        """
        populations = tuple(populations)
        params = _as_parameters(parameters)
        variables, shares = _state_symbols(populations, set(params))
        norm = {}
        for key, payoffs in table.items():
            idx = tuple(p.strategies.index(s) if isinstance(s, str) else int(s)
                        for p, s in zip(populations, key))
            norm[idx] = tuple(_exact_expr(u) for u in payoffs)
        for idx in itertools.product(*[range(p.n) for p in populations]):
            if idx not in norm:
                missing = ".".join(p.strategies[i] for p, i in zip(populations, idx))
                raise ScenarioError(f"the payoff table has no entry for profile '{missing}'",
                                    key=f"payoffs.{missing}")
        fitness = []
        for p, pop in enumerate(populations):
            fp = []
            for i in range(pop.n):
                total = sympy.Integer(0)
                for idx, payoffs in norm.items():
                    if idx[p] != i:
                        continue
                    weight = sympy.Integer(1)
                    for q, s in enumerate(idx):
                        if q != p:
                            weight *= shares[q][s]
                    total += payoffs[p] * weight
                fp.append(sympy.expand(total))
            fitness.append(fp)
        return cls(populations, fitness, params, payoff_table=norm, **kwargs)

    @classmethod
    def symmetric(cls, population: Population, matrix, parameters=(), **kwargs) -> "Game":
        """A single population matched with itself: ``f_i = sum_j A_ij x_j``."""
        params = _as_parameters(parameters)
        variables, shares = _state_symbols((population,), set(params))
        A = [[_exact_expr(a) for a in row] for row in matrix]
        n = population.n
        if len(A) != n or any(len(row) != n for row in A):
            raise ScenarioError(f"the payoff matrix must be {n}x{n}", key="payoffs")
        fitness = [[sympy.expand(sum(A[i][j] * shares[0][j] for j in range(n))) for i in range(n)]]
        return cls((population,), fitness, params, matrix=A, **kwargs)

    # -- state ------------------------------------------------------------
    @property
    def dimension(self) -> int:
        """Dimension of the state space: sum over populations of (n_p - 1)."""
        return len(self.variables)

    def slices(self) -> list[slice]:
        """For each population, its slice of the reduced state vector."""
        out, start = [], 0
        for p in self.populations:
            out.append(slice(start, start + p.n - 1))
            start += p.n - 1
        return out

    def state_names(self) -> dict[str, sympy.Expr]:
        """Names usable in expressions for the shares: name -> expression.

        Two strategies: the variable (share of the first strategy).  More:
        ``base_1 .. base_n``, the last being ``1 - sum`` of the others.
        """
        return state_names(self.populations, self.parameters)

    @property
    def parameter_symbols(self) -> tuple[sympy.Symbol, ...]:
        return tuple(p.symbol for p in self.parameters.values())

    def values(self, overrides: Mapping | None = None) -> dict[str, sympy.Expr]:
        """Parameter values (exact) with ``overrides`` applied; raises on missing ones."""
        vals = {n: p.value for n, p in self.parameters.items()}
        for k, v in (overrides or {}).items():
            if k not in self.parameters:
                raise ScenarioError(f"unknown parameter '{k}'", key=k,
                                    suggestion=did_you_mean(k, self.parameters))
            vals[k] = exact(v)
        missing = [n for n, v in vals.items() if v is None]
        if missing:
            raise ScenarioError("parameters without a value: " + ", ".join(missing),
                                key="parameters", expected="a value for every parameter")
        return vals

    def with_values(self, **overrides) -> "Game":
        """The same game with new default parameter values (payoffs shared, not copied)."""
        if not overrides:
            return self
        vals = self.values(overrides)
        return replace(self, parameters={n: replace(p, value=vals[n]) for n, p in self.parameters.items()})

    def profile(self, text: str, *, key: str | None = "game.target") -> tuple[int, ...]:
        """Strategy indices of a pure profile ``"loose.active"`` (see :func:`parse_profile`).

        Also accepted here: ``"(loose, active)"`` and ``"loose,active"``.
        """
        return parse_profile(text, self.populations, key=key, loose=True)

    def pure_state(self, idx: Sequence[int]) -> tuple[int, ...]:
        """Reduced coordinates of the pure profile ``idx`` (a vertex of the product of simplices): 0s and 1s."""
        return tuple(1 if k == i else 0 for p, i in zip(self.populations, idx) for k in range(p.n - 1))

    def pure_states(self) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
        """``(profile, reduced coordinates)`` of every pure profile, in the order of ``itertools.product``."""
        return [(idx, self.pure_state(idx)) for idx in itertools.product(*[range(p.n) for p in self.populations])]

    def profile_key(self, idx: Sequence[int]) -> str:
        """``"loose.active"``: the profile's strategies joined by '.' (the scenario's form)."""
        return ".".join(p.strategies[i] for p, i in zip(self.populations, idx))

    def profile_label(self, idx: Sequence[int]) -> str:
        return "(" + ", ".join(p.strategies[i] for p, i in zip(self.populations, idx)) + ")"

    def _repr_html_(self) -> str:
        from ..render.notebook import game_html
        return game_html(self)

    def _repr_latex_(self) -> str:
        from ..render.notebook import game_latex
        return game_latex(self)

    def __repr__(self) -> str:
        pops = "; ".join(f"{p.name}: {'/'.join(p.strategies)}" for p in self.populations)
        return f"<Game {self.name!r}: {pops}; {len(self.parameters)} parameters>"

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "populations": [{"name": p.name, "strategies": list(p.strategies)} for p in self.populations],
            "parameters": {n: (float(p.value) if p.value is not None else None)
                           for n, p in self.parameters.items()},
        }


def _exact_expr(value) -> sympy.Expr:
    """Python numbers become exact sympy numbers (1e-8 -> 1/10**8); expressions stay."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return exact(value)
    if hasattr(value, "item") and not isinstance(value, sympy.Basic):  # numpy scalar
        return exact(value.item())
    expr = sympy.sympify(value)
    if expr.has(sympy.Float):
        expr = expr.xreplace({f: sympy.Rational(repr(float(f))) for f in expr.atoms(sympy.Float)})
    return expr


def game_of(subject) -> Game:
    """The game a computation is about: a Game, or the ``game`` of a Scenario."""
    game = getattr(subject, "game", subject)
    if not isinstance(game, Game):
        raise TypeError(f"a Game or a Scenario was expected, not {type(subject).__name__}")
    return game


def parse_profile(text: str, populations: Sequence[Population], *, key: str | None, file: str | None = None,
                  loose: bool = False) -> tuple[int, ...]:
    """Strategy indices of a pure profile: one strategy per population joined by '.'.

    The one grammar of profiles (payoff keys, mechanism terms, targets).
    ``loose`` also accepts the printed form ``"(loose, active)"`` and
    ``"loose,active"``.  Raises :class:`ScenarioError` naming ``file`` and
    ``key``, with the near miss of a misspelt strategy.
    """
    inner = text.strip().strip("()") if loose and isinstance(text, str) else text
    if not isinstance(inner, str) or not inner.strip():
        raise ScenarioError("a profile string was expected", file=file, key=key, found=repr(text)[:60],
                            expected="one strategy per population joined by '.', e.g. "
                                     + repr(".".join(p.strategies[0] for p in populations)))
    sep = "," if loose and "." not in inner else "."
    parts = [s.strip() for s in inner.split(sep)] if loose else inner.split(sep)
    if len(parts) != len(populations):
        raise ScenarioError(f"profile '{text}' names {len(parts)} strategies", file=file, key=key,
                            expected=f"{len(populations)} strategy names (one per population, in order: "
                                     + ", ".join(p.name for p in populations) + ") joined by '.'")
    out = []
    for part, pop in zip(parts, populations):
        if part not in pop.strategies:
            raise ScenarioError(f"unknown strategy '{part}' of population '{pop.name}'", file=file, key=key,
                                expected="one of " + ", ".join(pop.strategies),
                                suggestion=did_you_mean(part, pop.strategies))
        out.append(pop.strategies.index(part))
    return tuple(out)


def _normal_fitness(fitness) -> tuple:
    """Fitness as a tuple (per population) of tuples of exact sympy expressions.

    Already normal input is returned as it is (the same object), so that
    games derived with :meth:`Game.with_values` share their payoffs.
    """
    if isinstance(fitness, tuple) and all(
            isinstance(fp, tuple) and all(isinstance(f, sympy.Basic) and not f.has(sympy.Float) for f in fp)
            for fp in fitness):
        return fitness
    return tuple(tuple(_exact_expr(f) for f in fp) for fp in fitness)


def _as_parameters(parameters) -> dict[str, Parameter]:
    if isinstance(parameters, Mapping):
        items = []
        for k, v in parameters.items():
            items.append(v if isinstance(v, Parameter) else Parameter(k, None if v is None else exact(v)))
        parameters = items
    out = {}
    for p in parameters:
        if p.name in out:
            raise ScenarioError(f"parameter '{p.name}' is declared twice", key=f"parameters.{p.name}")
        out[p.name] = p
    return out


def _var_base(pop: Population, populations, taken: set[str]) -> str:
    if pop.variable:
        return pop.variable
    k = populations.index(pop)
    letters = [c for c in _DEFAULT_LETTERS if c not in taken]
    return letters[k] if k < len(letters) else f"x{k + 1}"


def state_names(populations, parameter_names) -> dict[str, sympy.Expr]:
    """Names usable in expressions for the populations' shares (see ``Game.state_names``)."""
    taken = set(parameter_names)
    _, shares = _state_symbols(populations, taken)
    out = {}
    for pop, sh in zip(populations, shares):
        base = _var_base(pop, populations, taken)
        if pop.n == 2:
            out[base] = sh[0]
        else:
            out.update({f"{base}_{i + 1}": s for i, s in enumerate(sh)})
    return out


def _state_symbols(populations, taken: set[str]):
    """Reduced state symbols and, per population, the share expressions."""
    variables, shares = [], []
    for pop in populations:
        base = _var_base(pop, populations, taken)
        if base in taken:
            raise ScenarioError(f"state variable '{base}' of population '{pop.name}' clashes with a parameter",
                                key=f"populations.{pop.name}.variable")
        if pop.n == 2:
            syms = [sympy.Symbol(base, real=True)]
        else:
            syms = [sympy.Symbol(f"{base}_{i + 1}", real=True) for i in range(pop.n - 1)]
        variables.extend(syms)
        shares.append(tuple(syms) + (1 - sum(syms),))
    return tuple(variables), tuple(shares)
