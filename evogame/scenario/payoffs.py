"""``[payoffs]`` (a payoff table or a symmetric matrix) or ``[fitness]`` (expected payoffs).

Every expression goes through the whitelist parser of
:mod:`evogame.scenario.expressions`; numbers become exact rationals.  A payoff key
names one strategy per population joined by '.' (quoted, so that TOML keeps
the dots); a ``[fitness]`` key is ``"population.strategy"``.  Every
expression may use the state variables (``x``, ``y``, ... as declared): a
payoff-table entry that does, or a ``[fitness]`` payoff, is *state-dependent*
-- the expected payoff is no longer multilinear in the other populations'
states, and Selten's theorem (no asymptotically stable strictly mixed rest
point in multi-population games) no longer applies.
"""
from __future__ import annotations

import itertools
from typing import Any, Mapping

from ..errors import ScenarioError, did_you_mean
from .expressions import parse_expression
from ..game import Game, exact, parameter_symbol, parse_profile, state_names
from .checks import TOP_LEVEL, err, number, show


def build_game(data: Mapping[str, Any], matching: str, populations, parameters, file: str, **common) -> Game:
    """The game of a scenario: from ``[payoffs]`` or ``[fitness]`` (exactly one must be given)."""
    has_payoffs, has_fitness = "payoffs" in data, "fitness" in data
    if has_payoffs == has_fitness:
        raise err("exactly one of [payoffs] and [fitness] must be given", file,
                  "payoffs" if not has_payoffs else "fitness",
                  expected="a payoff table or expected-payoff expressions",
                  found="both" if has_payoffs else "neither")
    symbols = {p.name: parameter_symbol(p.name, p.integer) for p in parameters}
    # every payoff may depend on the state (dynamic incentives, N-player games)
    names = {**symbols, **state_names(populations, set(symbols))}
    section = "payoffs" if has_payoffs else "fitness"
    table = data[section]
    if not isinstance(table, Mapping):
        raise err("a table was expected", file, section, found=show(table))
    try:
        if not has_payoffs:
            return Game(populations, _fitness(table, populations, names, file), parameters, **common)
        if matching == "symmetric":
            return Game.symmetric(populations[0], _matrix(table, populations[0], names, file), parameters,
                                  **common)
        return Game.from_payoff_table(populations, _table(table, populations, names, file), parameters,
                                      **common)
    except ScenarioError as exc:
        raise exc.located(file=file) from None


def expression(value, names, file: str, key: str):
    """A number (exact) or a whitelisted expression in ``names``."""
    if isinstance(value, bool):
        raise err("an expression was expected", file, key, found=show(value))
    if isinstance(value, (int, float)):
        number(value, file, key)
        return exact(value)
    if isinstance(value, Mapping):
        raise unquoted(key, file)
    return parse_expression(value, names, file=file, key=key)


def profile_key(text: str, populations, file: str, key: str) -> tuple[int, ...]:
    """Strategy indices of a payoff key ``"a.b"`` (one strategy per population, exactly)."""
    parts = text.split(".")
    if len(parts) != len(populations):
        hint = (f" (a key after the [payoffs] header belongs to [payoffs]: write [{text}] as a table, or put "
                "top-level keys before the first header)" if text in TOP_LEVEL else "")
        raise err(f"profile '{text}' names {len(parts)} strategies", file, key,
                  expected=f"{len(populations)} strategy names joined by '.'" + hint)
    return parse_profile(text, populations, key=key, file=file)


def population_strategy(text: str, populations, file: str, key: str) -> tuple[int, int]:
    """``"population.strategy"`` -> (population index, strategy index)."""
    parts = text.split(".")
    names = [p.name for p in populations]
    if len(parts) != 2:
        raise err("a key 'population.strategy' was expected", file, key)
    pname, sname = parts
    if pname not in names:
        raise err(f"unknown population '{pname}'", file, key, expected="one of " + ", ".join(names),
                  suggestion=did_you_mean(pname, names))
    pop = populations[names.index(pname)]
    if sname not in pop.strategies:
        raise err(f"unknown strategy '{sname}' of population '{pname}'", file, key,
                  expected="one of " + ", ".join(pop.strategies), suggestion=did_you_mean(sname, pop.strategies))
    return names.index(pname), pop.strategies.index(sname)


def unquoted(key: str, file, example: str = "\"a.b\" = [...]", table=None) -> ScenarioError:
    """A table where an entry was expected: a dotted key written without quotes."""
    if isinstance(table, Mapping) and table:  # rebuild the key the author meant
        inner = next(iter(table))
        example = f'"{key.split(".", 1)[1]}.{inner}" = ...'
    return err("a table was found where an entry was expected: the key was written without quotes, "
               "so TOML split it at its dots", file, key, expected=f"a quoted key, e.g. {example}")


def _matrix(table: Mapping, pop, symbols, file: str) -> list:
    matrix = [[None] * pop.n for _ in range(pop.n)]
    for k, v in table.items():
        if isinstance(v, Mapping):
            raise unquoted(f"payoffs.{k}", file, table=v)
        i, j = profile_key(k, [pop, pop], file, f"payoffs.{k}")
        vals = v if isinstance(v, list) else [v]
        if len(vals) != 1:
            raise err("one expression (the row strategy's payoff) was expected", file, f"payoffs.{k}",
                      found=f"{len(vals)} expressions")
        matrix[i][j] = expression(vals[0], symbols, file, f"payoffs.{k}")
    for i in range(pop.n):
        for j in range(pop.n):
            if matrix[i][j] is None:
                raise err(f"missing profile '{pop.strategies[i]}.{pop.strategies[j]}'", file, "payoffs",
                          expected="one entry per pair of strategies")
    return matrix


def _table(table: Mapping, populations, symbols, file: str) -> dict:
    entries = {}
    for k, v in table.items():
        if isinstance(v, Mapping):
            raise unquoted(f"payoffs.{k}", file, table=v)
        idx = profile_key(k, populations, file, f"payoffs.{k}")
        vals = v if isinstance(v, list) else [v]
        if len(vals) != len(populations):
            raise err(f"{len(populations)} expressions (one per population) were expected", file,
                      f"payoffs.{k}", found=f"{len(vals)}")
        if idx in entries:
            raise err("profile given twice", file, f"payoffs.{k}")
        entries[idx] = tuple(expression(e, symbols, file, f"payoffs.{k}") for e in vals)
    profiles = list(itertools.product(*[range(p.n) for p in populations]))
    if len(entries) < len(profiles):
        missing = next(".".join(p.strategies[i] for p, i in zip(populations, idx))
                       for idx in profiles if idx not in entries)
        raise err(f"missing profile '{missing}'", file, "payoffs",
                  expected=f"one entry per profile ({len(profiles)} in all)", found=f"{len(entries)} entries")
    return entries


def _fitness(table: Mapping, populations, names, file: str) -> list:
    fitness = [[None] * p.n for p in populations]
    for k, v in table.items():
        if isinstance(v, Mapping):
            raise unquoted(f"fitness.{k}", file, table=v)
        p, i = population_strategy(k, populations, file, f"fitness.{k}")
        if isinstance(v, list):
            raise err("one expression was expected", file, f"fitness.{k}", found=show(v))
        fitness[p][i] = expression(v, names, file, f"fitness.{k}")
    for pop, fp in zip(populations, fitness):
        for s, f in zip(pop.strategies, fp):
            if f is None:
                raise err(f"no expected payoff for '{pop.name}.{s}'", file, "fitness",
                          expected="one expression per strategy of every population")
    return fitness
