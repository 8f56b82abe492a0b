"""``[[mechanisms]]``: named, switchable changes of a game, scaled by a strength ``s``.

A mechanism (incentive compatibility, platform empowerment, clear
responsibilities, trust, escalated coordination, issue bundling, ...) changes
the baseline game in two ways:

* ``set`` -- parameter overrides ``p -> e_p(parameters, s)``, substituted into
  every payoff; the right-hand side's names mean the parameter values *before*
  the mechanism (the baseline, for the first mechanism);
* ``add`` -- extra payoff terms, one per pure profile and population for
  payoff-table games, or one per ``"population.strategy"`` for ``[fitness]``
  games (may use the state names).

The strength ``s`` (the reserved name ``strength``) scales the change:
``s = 0`` is the baseline, ``s = 1`` the mechanism as described.  Form::

    [[mechanisms]]
    name = "platform"
    label_en = "Platform empowerment"
    label_zh = "平台赋能"
    description = "A shared platform cuts the subordinate's execution cost ..."
    seed = "seed 002 (platform assistance)"
    set = { c_D = "c_D*(1 - 0.8*strength)" }
    add = { "strict.active" = ["0", "2*strength"] }

This module parses and checks the section; applying mechanisms to a game
is :mod:`evogame.studies.mechanisms`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping

import sympy

from ..errors import ScenarioError, did_you_mean
from ..game import Game, exact, parameter_symbol
from .checks import err
from .payoffs import expression, population_strategy, profile_key

__all__ = ["Mechanism", "MECHANISM_KEYS", "STRENGTH", "strength_symbol", "parse_mechanisms", "check_ranges"]

#: the reserved name of a mechanism's strength in expressions
STRENGTH = "strength"
MECHANISM_KEYS = ("name", "label_en", "label_zh", "description", "seed", "set", "add")


def strength_symbol() -> sympy.Symbol:
    """The symbol ``strength`` (a real parameter, like every parameter symbol)."""
    return parameter_symbol(STRENGTH)


@dataclass(frozen=True)
class Mechanism:
    """A parsed mechanism.

    Attributes
    ----------
    name : identifier used on the command line.
    label_en, label_zh : display names.
    description, seed : what it does and which seed (source) it comes from; both optional (empty).
    set : parameter name -> sympy expression in the parameter symbols and
        ``strength``.
    add : for payoff-table games, profile index tuple -> one expression per
        population; for symmetric games, ``(row, column)`` -> 1-tuple; for
        ``[fitness]`` games, ``(population index, strategy index)`` -> 1-tuple.
    add_keys : the ``add`` keys as written in the file (same order as ``add``).
    """

    name: str
    label_en: str = ""
    label_zh: str = ""
    description: str = ""
    seed: str = ""
    set: dict = field(default_factory=dict)
    add: dict = field(default_factory=dict)
    add_keys: tuple = ()

    def label(self, lang: str = "en") -> str:
        return (self.label_zh if lang == "zh" else self.label_en) or self.name

    @property
    def parameters(self) -> set[str]:
        """Names of the parameters the mechanism overrides."""
        return set(self.set)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "label_en": self.label_en,
            "label_zh": self.label_zh,
            "description": self.description,
            "seed": self.seed,
            "set": {k: sympy.sstr(v) for k, v in self.set.items()},
            "add": {k: [sympy.sstr(e) for e in v] for k, v in zip(self.add_keys, self.add.values())},
        }

    def __repr__(self) -> str:
        parts = [f"{k} -> {sympy.sstr(v)}" for k, v in self.set.items()]
        if self.add:
            parts.append(f"{len(self.add)} extra payoff terms")
        return f"<Mechanism {self.name!r}: {'; '.join(parts)}>"




def parse_mechanisms(raw, game: Game, file: str | None) -> dict[str, Mechanism]:
    """The ``[[mechanisms]]`` section: name -> Mechanism, in file order.

    Raises :class:`ScenarioError` naming the file and the key
    (``mechanisms.<name>.set.<parameter>`` ...) on the first mistake.
    """
    if not isinstance(raw, list):
        raise ScenarioError("a list of [[mechanisms]] tables was expected", file=file, key="mechanisms",
                            found=repr(raw)[:60])
    if STRENGTH in game.parameters:
        raise ScenarioError("'strength' is reserved for a mechanism's strength", file=file,
                            key=f"parameters.{STRENGTH}", expected="another parameter name")
    out: dict[str, Mechanism] = {}
    for k, item in enumerate(raw):
        mech = _mechanism(game, item, file, k)
        if mech.name in out:
            raise ScenarioError(f"mechanism '{mech.name}' is declared twice", file=file,
                                key=f"mechanisms.{mech.name}", expected="distinct mechanism names")
        out[mech.name] = mech
    return out


def _text(v, file, key, required):
    if v is None:
        if required:
            raise ScenarioError("missing", file=file, key=key, expected="a non-empty string")
        return ""
    if not isinstance(v, str) or (required and not v.strip()):
        raise ScenarioError("a non-empty string was expected", file=file, key=key, found=repr(v)[:60])
    return v


def _checked_expression(value, names, file, key) -> sympy.Expr:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ScenarioError("an expression (string or number) was expected", file=file, key=key,
                            found=repr(value)[:60])
    if isinstance(value, float) and not math.isfinite(value):
        raise ScenarioError("a finite number was expected", file=file, key=key, found=repr(value))
    if isinstance(value, (int, float)):
        return exact(value)
    return expression(value, names, file, key)


def _mechanism(game: Game, raw, file: str | None, position: int) -> Mechanism:
    """Parse and check one ``[[mechanisms]]`` table."""
    where = f"mechanisms[{position}]"
    if not isinstance(raw, Mapping):
        raise ScenarioError("a table was expected", file=file, key=where, found=repr(raw)[:60])
    name = raw.get("name")
    if not isinstance(name, str) or not name.isidentifier():
        raise ScenarioError("a mechanism needs a name (letters, digits, underscores)", file=file,
                            key=f"{where}.name", found=repr(name)[:60])
    where = f"mechanisms.{name}"
    for k in raw:
        if k not in MECHANISM_KEYS:
            raise ScenarioError(f"unknown key '{k}'", file=file, key=f"{where}.{k}",
                                expected="one of " + ", ".join(MECHANISM_KEYS),
                                suggestion=did_you_mean(k, MECHANISM_KEYS))
    label_en = _text(raw.get("label_en"), file, f"{where}.label_en", False)
    label_zh = _text(raw.get("label_zh"), file, f"{where}.label_zh", False)
    # provenance is good practice, not a requirement: both may be left out (an empty string when absent)
    description = _text(raw.get("description"), file, f"{where}.description", False)
    seed = _text(raw.get("seed"), file, f"{where}.seed", False)
    if "set" not in raw and "add" not in raw:
        raise ScenarioError("the mechanism changes nothing", file=file, key=where,
                            expected="a 'set' table (parameter overrides) and/or an 'add' table (extra payoffs)")
    names = {n: p.symbol for n, p in game.parameters.items()}
    names[STRENGTH] = strength_symbol()
    names.update(game.state_names())   # dynamic mechanisms: a penalty may scale with a share
    overrides = _overrides(raw.get("set", {}), game, names, file, where)
    add, add_keys = _extra_terms(raw.get("add", {}), game, names, file, where)
    return Mechanism(name, label_en, label_zh, description, seed, overrides, add, add_keys)


def _overrides(set_raw, game: Game, names, file, where) -> dict:
    if not isinstance(set_raw, Mapping):
        raise ScenarioError("a table parameter -> expression was expected", file=file, key=f"{where}.set",
                            found=repr(set_raw)[:60])
    out = {}
    for pname, value in set_raw.items():
        key = f"{where}.set.{pname}"
        if pname == STRENGTH:
            raise ScenarioError("'strength' is the mechanism's strength, not a parameter", file=file, key=key,
                                expected="a parameter name")
        if pname not in game.parameters:
            raise ScenarioError(f"unknown parameter '{pname}'", file=file, key=key,
                                expected="a parameter declared in [parameters]",
                                suggestion=did_you_mean(pname, game.parameters))
        out[pname] = _checked_expression(value, names, file, key)
    return out


def _extra_terms(add_raw, game: Game, names, file, where) -> tuple[dict, tuple]:
    if not isinstance(add_raw, Mapping):
        raise ScenarioError("a table profile -> payoffs was expected", file=file, key=f"{where}.add",
                            found=repr(add_raw)[:60])
    kind = game_kind(game)
    pops = game.populations
    add, add_keys = {}, []
    for pkey, value in add_raw.items():
        key = f"{where}.add.{pkey}"
        values = value if isinstance(value, list) else [value]
        if kind == "fitness":
            idx, count = population_strategy(pkey, pops, file, key), 1
        elif kind == "symmetric":
            idx, count = profile_key(pkey, [pops[0], pops[0]], file, key), 1
        else:
            idx, count = profile_key(pkey, pops, file, key), len(pops)
        if len(values) != count:
            raise ScenarioError(f"{count} expression{'s' if count > 1 else ''} "
                                f"{'(one per population)' if count > 1 else ''} expected".replace("  ", " "),
                                file=file, key=key, found=f"{len(values)}")
        if idx in add:
            raise ScenarioError("the same term is given twice", file=file, key=key)
        add[idx] = tuple(_checked_expression(v, names, file, key) for v in values)
        add_keys.append(pkey)
    return add, tuple(add_keys)


def game_kind(game: Game) -> str:
    """How the game's payoffs were given: ``"table"``, ``"symmetric"`` or ``"fitness"``."""
    if game.payoff_table is not None:
        return "table"
    if game.matrix is not None:
        return "symmetric"
    return "fitness"


def check_ranges(mechanisms: Mapping[str, Mechanism], game: Game, file: str) -> None:
    """Every mechanism at strength 1 keeps the parameters it sets in their declared ranges.

    Each mechanism is checked alone, from the defaults (parameters without a
    default are skipped): a probability ([0, 1]) pushed outside [0, 1], or an
    integer parameter set to a fraction, is a mistake in the file.  A dynamic
    mechanism (a value that depends on the state) is checked at every pure
    profile (vertex of the product of simplices): exact for values affine in
    each population's shares, a necessary check otherwise.
    """
    values = {p.symbol: p.value for p in game.parameters.values() if p.value is not None}
    values[strength_symbol()] = sympy.Integer(1)
    state = set(game.variables)
    vertices = _vertices(game) if math.prod(p.n for p in game.populations) <= 1024 else []
    for mech in mechanisms.values():
        for pname, expr in mech.set.items():
            param = game.parameters.get(pname)
            if param is None:
                continue
            key = f"mechanisms.{mech.name}.set.{pname}"
            value = expr.xreplace(values)
            if not value.free_symbols:
                _check_value(value, param, file, key, "")
            elif value.free_symbols <= state:
                for vertex, where in vertices:
                    _check_value(value.xreplace(vertex), param, file, key, f" at the state {where}")


def _vertices(game: Game) -> list[tuple[dict, str]]:
    """Every pure profile as a substitution of the state symbols, with its label."""
    return [({var: sympy.Integer(v) for var, v in zip(game.variables, z)}, game.profile_label(idx))
            for idx, z in game.pure_states()]


def _check_value(value, param, file: str, key: str, where: str) -> None:
    pname = param.name
    number = complex(sympy.N(value, 20))
    if not (math.isfinite(number.real) and math.isfinite(number.imag) and abs(number.imag) < 1e-12):
        raise err(f"at strength 1{where} the mechanism sets '{pname}' to {sympy.sstr(value)}, "
                  "not a finite real number", file, key, expected="a finite value at the defaults")
    if param.range is not None:
        lo, hi = param.range
        slack = 1e-12 * max(1.0, abs(lo), abs(hi))
        if not lo - slack <= number.real <= hi + slack:
            kind = " (a probability or fraction)" if tuple(param.range) == (0, 1) else ""
            raise err(f"at strength 1{where} the mechanism sets '{pname}' to {number.real:g}, outside its "
                      f"declared range [{lo:g}, {hi:g}]{kind}", file, key,
                      expected=f"a value in [{lo:g}, {hi:g}] at strength 1 (the mechanism as described)")
    if param.integer and not (value.is_Rational and value.q == 1):
        raise err(f"at strength 1{where} the mechanism sets the integer parameter '{pname}' to "
                  f"{sympy.sstr(value)}", file, key, expected="an integer value")
