"""``[perception]``: perceived payoffs (prospect theory, probability weighting, mental accounts).

Form (every key optional but one of ``gains``, ``losses``, ``accounts``)::

    [perception]
    gains = ["b", "r"]             # terms valued as gains: v(x - reference) = (x - reference)^alpha
    losses = ["c_A", "d*F"]        # terms valued as losses: -lam*(reference - x)^beta
    probabilities = ["d"]          # parameters that are probabilities of uncertain events: weighted by w(p)
    weighting = "tk"               # "tk" (Tversky-Kahneman 1992), "prelec" or "none" (w(p) = p)
    reference = 0                  # reference point of the gain and loss terms (a number or an expression)
    populations = ["dept_A"]       # who perceives (default: every population)
    parameters = { lambda = "lam" }    # the parameter of each role (alpha, beta, lambda, gamma_gain,
                                       # gamma_loss, delta); created with TK's values unless declared
    [[perception.accounts]]        # mental accounts: terms valued together against their own reference
    name = "cost"
    terms = ["c_A", "L"]
    reference = "c_0"
    kind = "loss"                  # optional: "gain" or "loss" (default: the sign decides, piecewise if need be)
    [perception.by_population.central]   # a population's own frame (gains, losses, reference, accounts)
    gains = ["V"]

A term is a product of parameters (``"F"``, ``"d*F"``, ``"alpha*S"``) that
must appear as an additive term ``c*term`` of a payoff of its population.
Parsing only: the rewriting is :func:`evogame.perception.transform.perceived_game`.
"""
from __future__ import annotations

from typing import Any, Mapping

import sympy

from ..game import Game
from ..perception.model import DEFAULT_NAMES, ROLES, WEIGHTINGS, Account, Frame, PerceptionSpec
from ..perception.transform import default_symbols, perceived_game
from .checks import check_keys, err, identifier, show, string
from .payoffs import expression

PERCEPTION_KEYS = ("gains", "losses", "probabilities", "weighting", "reference", "populations", "parameters",
                   "accounts", "by_population")
FRAME_KEYS = ("gains", "losses", "reference", "accounts")
ACCOUNT_KEYS = ("name", "terms", "reference", "kind")


def parse_perception(table: Any, game: Game, file: str):
    """``(perceived game, Perception)`` of a ``[perception]`` table (see the module docstring)."""
    if not isinstance(table, Mapping):
        raise err("a table was expected", file, "perception", found=show(table))
    check_keys(table, PERCEPTION_KEYS, file, "perception")
    names = {p.name: p.symbol for p in game.parameters.values()}
    weighting = table.get("weighting", "tk")
    if weighting not in WEIGHTINGS:
        raise err("unknown probability weighting", file, "perception.weighting",
                  expected="'tk' (Tversky-Kahneman 1992), 'prelec' or 'none'", found=show(weighting))
    symbols = default_symbols(_role_names(table.get("parameters", {}), game, file))
    probabilities = tuple(_probability(v, game, file) for v in _list(table, "probabilities", file))
    common = _frame(table, names, file, "perception")
    perceiving = _perceiving(table.get("populations"), game, file)
    own = table.get("by_population", {})
    if not isinstance(own, Mapping):
        raise err("a table was expected", file, "perception.by_population", found=show(own))
    frames = []
    for pop in game.populations:
        if pop.name in own:
            check_keys(own[pop.name], FRAME_KEYS, file, f"perception.by_population.{pop.name}")
            frames.append(_frame(own[pop.name], names, file, f"perception.by_population.{pop.name}"))
        else:
            frames.append(common if pop.name in perceiving else None)
    for name in own:
        if name not in [p.name for p in game.populations]:
            raise err(f"unknown population '{name}'", file, f"perception.by_population.{name}",
                      expected="one of " + ", ".join(p.name for p in game.populations))
    if not any(f is not None and f.terms for f in frames):
        raise err("no term is perceived", file, "perception",
                  expected="gains, losses or accounts listing payoff terms")
    spec = PerceptionSpec(tuple(frames), probabilities, weighting, symbols)
    _check_roles(spec, game, file)
    return perceived_game(game, spec, file=file)


def _list(table: Mapping, key: str, file: str, where: str = "perception") -> list:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise err("a list of strings was expected", file, f"{where}.{key}", found=show(value))
    return value


def _terms(table: Mapping, key: str, names, file: str, where: str) -> tuple:
    out = []
    for text in _list(table, key, file, where):
        term = expression(text, names, file, f"{where}.{key}")
        coeff, _ = term.as_coeff_Mul()
        if not term.free_symbols or term.is_Add or coeff != 1:
            raise err(f"{show(text)} is not a product of parameters", file, f"{where}.{key}",
                      expected="a term such as 'F', 'd*F' or 'alpha*S' (no sums, no numeric factor)")
        if term in out:
            raise err(f"the term {show(text)} is listed twice", file, f"{where}.{key}")
        out.append(term)
    return tuple(out)


def _frame(table: Mapping, names, file: str, where: str) -> Frame:
    gains, losses = _terms(table, "gains", names, file, where), _terms(table, "losses", names, file, where)
    for t in gains:
        if t in losses:
            raise err(f"the term '{t}' is listed both as a gain and as a loss", file, f"{where}.losses",
                      expected="each term either a gain or a loss (or in a mental account, whose sign decides)")
    reference = expression(table.get("reference", 0), names, file, f"{where}.reference")
    raw = table.get("accounts", [])
    if not isinstance(raw, list) or not all(isinstance(a, Mapping) for a in raw):
        raise err("a list of tables ([[...accounts]]) was expected", file, f"{where}.accounts", found=show(raw))
    accounts, taken = [], set(gains) | set(losses)
    for k, a in enumerate(raw):
        key = f"{where}.accounts[{k}]"
        check_keys(a, ACCOUNT_KEYS, file, key)
        name = string(a.get("name"), file, f"{key}.name")
        terms = _terms(a, "terms", names, file, key)
        for t in terms:
            if t in taken:
                raise err(f"the term '{t}' is in the account '{name}' and elsewhere", file, f"{key}.terms",
                          expected="each term in one place: a gain, a loss or one account")
            taken.add(t)
        kind = a.get("kind")
        if kind not in (None, "gain", "loss"):
            raise err("unknown kind of account", file, f"{key}.kind", expected="'gain' or 'loss'", found=show(kind))
        accounts.append(Account(name, terms, expression(a.get("reference", 0), names, file, f"{key}.reference"),
                                kind))
    return Frame(gains, losses, tuple(accounts), reference)


def _perceiving(value, game: Game, file: str) -> set:
    every = [p.name for p in game.populations]
    if value is None:
        return set(every)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise err("a list of population names was expected", file, "perception.populations", found=show(value))
    for v in value:
        if v not in every:
            raise err(f"unknown population '{v}'", file, "perception.populations", expected="one of " + ", ".join(every))
    return set(value)


def _probability(name: str, game: Game, file: str) -> sympy.Symbol:
    key = "perception.probabilities"
    if name not in game.parameters:
        raise err(f"unknown parameter '{name}'", file, key, expected="a declared parameter (a probability)")
    p = game.parameters[name]
    if p.value is not None and not 0 <= p.value <= 1:
        raise err(f"the probability '{name}' has the value {float(p.value):g}", file, f"parameters.{name}.value",
                  expected="a probability in [0, 1]")
    if p.range is not None and not (0 <= p.range[0] and p.range[1] <= 1):
        raise err(f"the probability '{name}' has the range [{p.range[0]:g}, {p.range[1]:g}]", file,
                  f"parameters.{name}.range", expected="a range inside [0, 1]")
    return p.symbol


def _role_names(table, game: Game, file: str) -> dict:
    if not isinstance(table, Mapping):
        raise err("a table { role = \"name\" } was expected", file, "perception.parameters", found=show(table))
    check_keys(table, ROLES, file, "perception.parameters")
    out = {}
    for role, name in table.items():
        identifier(name, file, f"perception.parameters.{role}", "parameter")
        out[role] = name
    if len(set({**DEFAULT_NAMES, **out}.values())) < len(ROLES):
        raise err("two roles share one parameter", file, "perception.parameters",
                  expected="a parameter of its own for each of " + ", ".join(ROLES))
    return out


#: role -> (lowest allowed, lowest included?, highest allowed) of a behavioural parameter
_BOUNDS = {"alpha": (0, False, 1), "beta": (0, False, 1), "lambda": (0, True, None), "gamma_gain": (0, False, 1),
           "gamma_loss": (0, False, 1), "delta": (0, False, None)}


def _check_roles(spec: PerceptionSpec, game: Game, file: str) -> None:
    """The behavioural parameters the file declares: in their bounds, and not used by the payoffs themselves."""
    used = set().union(*(f.free_symbols for fp in game.fitness for f in fp))
    states = set(game.state_names())
    for role in spec.roles_used():
        name = str(spec.symbols[role])
        if name in states:
            raise err(f"'{name}' ({role}) is a state variable", file, "perception.parameters",
                      expected=f"another name for {role}: perception.parameters.{role} = \"...\"")
        if name not in game.parameters:
            continue
        param = game.parameters[name]
        if param.symbol in used:
            raise err(f"the parameter '{name}' is used by the payoffs and would also be prospect theory's {role}",
                      file, f"parameters.{name}", expected=f"another name for {role}: "
                      f"[perception] parameters = {{ {role} = \"pt_{role}\" }}")
        lo, closed, hi = _BOUNDS[role]
        what = f"({lo}, {hi}]" if hi is not None else (f"a number >= {lo}" if closed else f"a number > {lo}")
        values = ([float(param.value)] if param.value is not None else []) + list(param.range or ())
        for v, key in zip(values, ([f"parameters.{name}.value"] if param.value is not None else [])
                          + [f"parameters.{name}.range"] * 2):
            if v < lo or (v == lo and not closed) or (hi is not None and v > hi):
                raise err(f"{role} '{name}' = {v:g} is out of bounds", file, key, expected=what)
