"""Scenario files (TOML): one file describes a game, its parameters and mechanisms.

The loader only parses and validates; it contains no mathematics.  Every
expression goes through the whitelist parser of :mod:`evogame.expressions`
(never ``eval`` or ``sympify`` on raw text), and every mistake raises a
:class:`ScenarioError` naming the file, the key and what was expected.

Form (see ``scenarios/vertical.toml`` for a full example)::

    [game]
    name = "vertical"
    title = "Vertical hierarchical game"
    matching = "populations"        # or "symmetric": one population matched with itself

    [[populations]]
    name = "superior"
    strategies = ["strict", "loose"]
    label_en = "Superior government"          # optional display names
    label_zh = "上级政府"
    strategy_labels_en = ["Strict", "Loose"]
    strategy_labels_zh = ["严格监管", "宽松监管"]
    variable = "x"                            # optional state symbol

    [parameters]
    c_S = 2.0                                  # a default value, or a table:
    d = { value = 0.5, range = [0, 1], description = "detection probability", stands_for = "default" }

    [payoffs]                                  # one strategy per population, joined by "."
    "strict.active" = ["V_U - c_S - r", "beta*B + m*G - c_D - lambda*L + r"]

    # or, for games that are not matrix games, expected payoffs in the state:
    [fitness]
    "departments.share" = "b*x - c"
    "departments.not" = "b*x"
"""
from __future__ import annotations

import math
import os
import tomllib
from pathlib import Path
from typing import Any, Mapping

from .errors import ScenarioError, did_you_mean

TOP_LEVEL = ("game", "populations", "parameters", "payoffs", "fitness", "mechanisms", "presets",
             "simulation")
GAME_KEYS = ("name", "title", "description", "matching", "source", "target")
POPULATION_KEYS = ("name", "strategies", "variable", "label_en", "label_zh", "strategy_labels_en",
                   "strategy_labels_zh", "description")
PARAMETER_KEYS = ("value", "range", "description", "stands_for", "integer", "label_en", "label_zh")


def load_scenario(path: str | os.PathLike):
    """Read a scenario file and return its :class:`~evogame.game.Game`.

    The game carries ``game.scenario``: a dict with the file path and the
    raw ``mechanisms``, ``presets`` and ``simulation`` sections.
    """
    path = Path(path)
    if not path.exists():
        raise ScenarioError("no such file", file=str(path), expected="a scenario file (.toml)")
    if path.is_dir():
        raise ScenarioError("is a directory", file=str(path), expected="a scenario file (.toml)")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"cannot read the file ({exc.strerror})", file=str(path)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError("the file is not UTF-8 text", file=str(path), expected="a UTF-8 TOML file") from None
    return parse_scenario(text, file=str(path))


def parse_scenario(text: str, *, file: str = "<string>"):
    """Parse scenario TOML text (see module docstring) into a Game."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"TOML syntax error: {exc}", file=file) from None
    return scenario_from_dict(data, file=file)


def _err(msg, file, key, **kw):
    return ScenarioError(msg, file=file, key=key, **kw)


def _check_keys(table: Mapping, allowed, file, where):
    for k in table:
        if k not in allowed:
            raise _err(f"unknown key '{k}'", file, f"{where}.{k}" if where else k,
                       expected="one of " + ", ".join(allowed), suggestion=did_you_mean(k, allowed))


def _string(v, file, key, *, required=True):
    if v is None and not required:
        return None
    if not isinstance(v, str) or not v.strip():
        raise _err("a non-empty string was expected", file, key, found=_show(v))
    return v


def _show(v) -> str:
    text = repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


def _number(v, file, key):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise _err("a number was expected", file, key, found=_show(v))
    if isinstance(v, float) and not math.isfinite(v):
        raise _err("a finite number was expected", file, key, found=_show(v))
    return v


def scenario_from_dict(data: Mapping[str, Any], *, file: str = "<dict>"):
    """Build a Game from an already-parsed scenario mapping."""
    from .expressions import parse_expression
    from .game import Game, Parameter, Population, exact, parameter_symbol, state_names

    if not isinstance(data, Mapping):
        raise _err("a table was expected at the top level", file, None)
    _check_keys(data, TOP_LEVEL, file, "")
    game_table = data.get("game", {})
    if not isinstance(game_table, Mapping):
        raise _err("a table was expected", file, "game", found=_show(game_table))
    _check_keys(game_table, GAME_KEYS, file, "game")
    name = _string(game_table.get("name", Path(file).stem), file, "game.name")
    title = _string(game_table.get("title", name), file, "game.title")
    description = game_table.get("description", "")
    matching = game_table.get("matching", "populations")
    if matching not in ("populations", "symmetric"):
        raise _err("unknown matching", file, "game.matching", expected="'populations' or 'symmetric'",
                   found=_show(matching))

    # populations -----------------------------------------------------------
    pops_raw = data.get("populations")
    if not isinstance(pops_raw, list) or not pops_raw:
        raise _err("missing or empty", file, "populations",
                   expected="one [[populations]] table per population")
    populations = []
    for k, p in enumerate(pops_raw):
        where = f"populations[{k}]"
        if not isinstance(p, Mapping):
            raise _err("a table was expected", file, where, found=_show(p))
        _check_keys(p, POPULATION_KEYS, file, where)
        pname = _string(p.get("name"), file, f"{where}.name")
        where = f"populations.{pname}"
        strategies = p.get("strategies")
        if not isinstance(strategies, list) or len(strategies) < 2:
            raise _err("a list of two or more strategy names was expected", file, f"{where}.strategies",
                       found=_show(strategies))
        for s in strategies:
            _string(s, file, f"{where}.strategies")
            if "." in s:
                raise _err(f"strategy name '{s}' contains '.'", file, f"{where}.strategies",
                           expected="names without dots (dots join profiles)")
        labels = {}
        for key in ("strategy_labels_en", "strategy_labels_zh"):
            if key in p:
                v = p[key]
                if not isinstance(v, list) or len(v) != len(strategies) or not all(isinstance(x, str) for x in v):
                    raise _err(f"one label per strategy ({len(strategies)}) was expected", file,
                               f"{where}.{key}", found=_show(v))
                labels[key] = tuple(v)
        try:
            populations.append(Population(
                pname, tuple(strategies), variable=_string(p.get("variable"), file, f"{where}.variable",
                                                           required=False),
                label_en=_string(p.get("label_en"), file, f"{where}.label_en", required=False),
                label_zh=_string(p.get("label_zh"), file, f"{where}.label_zh", required=False),
                **labels))
        except ScenarioError as exc:
            raise exc.located(file=file) from None
    names = [p.name for p in populations]
    for n in names:
        if names.count(n) > 1:
            raise _err(f"population '{n}' is declared twice", file, "populations")
    if matching == "symmetric" and len(populations) != 1:
        raise _err("symmetric matching needs exactly one population", file, "game.matching",
                   found=f"{len(populations)} populations")

    # parameters ------------------------------------------------------------
    params_raw = data.get("parameters", {})
    if not isinstance(params_raw, Mapping):
        raise _err("a table was expected", file, "parameters", found=_show(params_raw))
    parameters = []
    for pname, spec in params_raw.items():
        key = f"parameters.{pname}"
        if not pname.isidentifier() or pname.startswith("_"):
            raise _err(f"'{pname}' is not a valid parameter name", file, key,
                       expected="letters, digits and underscores, not starting with a digit or underscore")
        if isinstance(spec, Mapping):
            _check_keys(spec, PARAMETER_KEYS, file, key)
            value = spec.get("value")
            if value is not None:
                value = _number(value, file, f"{key}.value")
            rng = spec.get("range")
            if rng is not None:
                if (not isinstance(rng, list) or len(rng) != 2):
                    raise _err("a range [low, high] was expected", file, f"{key}.range", found=_show(rng))
                lo, hi = (_number(v, file, f"{key}.range") for v in rng)
                if lo > hi:
                    raise _err("the range's low end is above its high end", file, f"{key}.range",
                               found=_show(rng))
                rng = (lo, hi)
                if value is not None and not lo <= value <= hi:
                    raise _err(f"value {value} is outside its declared range [{lo}, {hi}]", file,
                               f"{key}.value")
            integer = spec.get("integer", False)
            if not isinstance(integer, bool):
                raise _err("true or false was expected", file, f"{key}.integer", found=_show(integer))
            if integer and value is not None and value != int(value):
                raise _err("an integer value was expected", file, f"{key}.value", found=_show(value))
            desc = spec.get("description", "")
            stands = spec.get("stands_for", "")
            for k2, v2 in (("description", desc), ("stands_for", stands)):
                if not isinstance(v2, str):
                    raise _err("a string was expected", file, f"{key}.{k2}", found=_show(v2))
        else:
            value = _number(spec, file, key)
            rng, integer, desc, stands = None, False, "", ""
        parameters.append(Parameter(pname, None if value is None else exact(value), desc, rng, stands,
                                    integer))
    param_names = {p.name for p in parameters}

    # payoffs ---------------------------------------------------------------
    symbols = {p.name: parameter_symbol(p.name, p.integer) for p in parameters}
    has_payoffs, has_fitness = "payoffs" in data, "fitness" in data
    if has_payoffs == has_fitness:
        raise _err("exactly one of [payoffs] and [fitness] must be given", file,
                   "payoffs" if not has_payoffs else "fitness",
                   expected="a payoff table or expected-payoff expressions")
    common = dict(name=name, title=title, description=description if isinstance(description, str) else "")

    def expr(text, key, names):
        if isinstance(text, bool):
            raise _err("an expression was expected", file, key, found=_show(text))
        if isinstance(text, (int, float)):
            try:
                return exact(text)
            except ValueError:
                raise _err("a finite number was expected", file, key, found=_show(text)) from None
        return parse_expression(text, names, file=file, key=key)

    try:
        if has_payoffs:
            table = data["payoffs"]
            if not isinstance(table, Mapping):
                raise _err("a table was expected", file, "payoffs", found=_show(table))
            if matching == "symmetric":
                pop = populations[0]
                matrix = [[None] * pop.n for _ in range(pop.n)]
                for k, v in table.items():
                    parts = _profile(k, [pop, pop], file)
                    vals = v if isinstance(v, list) else [v]
                    if len(vals) != 1:
                        raise _err("one expression (the row strategy's payoff) was expected", file,
                                   f"payoffs.{k}", found=f"{len(vals)} expressions")
                    matrix[parts[0]][parts[1]] = expr(vals[0], f"payoffs.{k}", symbols)
                for i in range(pop.n):
                    for j in range(pop.n):
                        if matrix[i][j] is None:
                            raise _err(f"missing profile '{pop.strategies[i]}.{pop.strategies[j]}'", file,
                                       "payoffs", expected="one entry per pair of strategies")
                game = Game.symmetric(pop, matrix, parameters, **common)
            else:
                entries = {}
                for k, v in table.items():
                    idx = _profile(k, populations, file)
                    vals = v if isinstance(v, list) else [v]
                    if len(vals) != len(populations):
                        raise _err(f"{len(populations)} expressions (one per population) were expected", file,
                                   f"payoffs.{k}", found=f"{len(vals)}")
                    if idx in entries:
                        raise _err("profile given twice", file, f"payoffs.{k}")
                    entries[idx] = tuple(expr(e, f"payoffs.{k}", symbols) for e in vals)
                game = Game.from_payoff_table(populations, entries, parameters, **common)
        else:
            table = data["fitness"]
            if not isinstance(table, Mapping):
                raise _err("a table was expected", file, "fitness", found=_show(table))
            names = dict(symbols)
            for sname, sexpr in state_names(populations, param_names).items():
                names[sname] = sexpr
            fitness = [[None] * p.n for p in populations]
            for k, v in table.items():
                parts = k.split(".")
                if len(parts) != 2:
                    raise _err("a key 'population.strategy' was expected", file, f"fitness.{k}")
                pname, sname = parts
                if pname not in [p.name for p in populations]:
                    raise _err(f"unknown population '{pname}'", file, f"fitness.{k}",
                               suggestion=did_you_mean(pname, [p.name for p in populations]))
                pi = [p.name for p in populations].index(pname)
                if sname not in populations[pi].strategies:
                    raise _err(f"unknown strategy '{sname}' of population '{pname}'", file, f"fitness.{k}",
                               suggestion=did_you_mean(sname, populations[pi].strategies))
                fitness[pi][populations[pi].strategies.index(sname)] = expr(v, f"fitness.{k}", names)
            for p, fp in zip(populations, fitness):
                for s, f in zip(p.strategies, fp):
                    if f is None:
                        raise _err(f"no expected payoff for '{p.name}.{s}'", file, "fitness",
                                   expected="one expression per strategy of every population")
            game = Game(populations, fitness, parameters, **common)
    except ScenarioError as exc:
        raise exc.located(file=file) from None

    extra = {k: data[k] for k in ("mechanisms", "presets", "simulation") if k in data}
    game.scenario = {"file": file, "target": game_table.get("target"), **extra}
    _validate_extras(game, file)
    return game


def _profile(key: str, populations, file) -> tuple[int, ...]:
    parts = key.split(".")
    if len(parts) != len(populations):
        raise _err(f"profile '{key}' names {len(parts)} strategies", file, f"payoffs.{key}",
                   expected=f"{len(populations)} strategy names joined by '.'")
    idx = []
    for part, pop in zip(parts, populations):
        if part not in pop.strategies:
            raise _err(f"unknown strategy '{part}' of population '{pop.name}'", file, f"payoffs.{key}",
                       expected="one of " + ", ".join(pop.strategies),
                       suggestion=did_you_mean(part, pop.strategies))
        idx.append(pop.strategies.index(part))
    return tuple(idx)


def _validate_extras(game, file):
    """Validate the [[mechanisms]] and [presets] sections.

    Their formats are defined (and checked) by :mod:`evogame.mechanisms`
    (``validate_mechanisms(game, file)``) and :mod:`evogame.presets`
    (``validate_presets(game, file)``).
    """
    import importlib
    for module, func, section in (("mechanisms", "validate_mechanisms", "mechanisms"),
                                  ("presets", "validate_presets", "presets")):
        if section not in game.scenario:
            continue
        try:
            mod = importlib.import_module(f".{module}", __package__)
        except ModuleNotFoundError:
            continue
        getattr(mod, func)(game, file)
