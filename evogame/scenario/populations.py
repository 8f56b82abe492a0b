"""``[[populations]]``: each population's name, strategies, labels and state variable."""
from __future__ import annotations

import math
from typing import Any, Mapping

from ..errors import ScenarioError
from ..game import Population
from .checks import MAX_POPULATIONS, MAX_PROFILES, MAX_STRATEGIES, err, check_keys, identifier, show, string, text

POPULATION_KEYS = ("name", "strategies", "variable", "label_en", "label_zh", "strategy_labels_en",
                   "strategy_labels_zh", "description")


def parse_populations(data: Mapping[str, Any], matching: str, file: str) -> tuple[Population, ...]:
    """The populations of a scenario, checked: names distinct and without dots, 2..24 strategies each."""
    raw = data.get("populations")
    if isinstance(raw, Mapping):
        raise err("a list of tables was expected", file, "populations",
                  expected="one [[populations]] table (double brackets) per population", found="[populations]")
    if not isinstance(raw, list) or not raw:
        raise err("missing or empty", file, "populations", expected="one [[populations]] table per population")
    if len(raw) > MAX_POPULATIONS:
        raise err(f"{len(raw)} populations", file, "populations",
                  expected=f"at most {MAX_POPULATIONS} populations")
    populations = tuple(_population(p, k, file) for k, p in enumerate(raw))
    names = [p.name for p in populations]
    for n in names:
        if names.count(n) > 1:
            raise err(f"population '{n}' is declared twice", file, "populations",
                      expected="distinct population names")
    if matching == "symmetric" and len(populations) != 1:
        raise err("symmetric matching needs exactly one population", file, "game.matching",
                  found=f"{len(populations)} populations")
    profiles = math.prod(p.n for p in populations)
    if profiles > MAX_PROFILES:
        raise err(f"{profiles} strategy profiles", file, "populations",
                  expected=f"at most {MAX_PROFILES} profiles (product of the numbers of strategies)")
    return populations


def _population(p, k: int, file: str) -> Population:
    where = f"populations[{k}]"
    if not isinstance(p, Mapping):
        raise err("a table was expected", file, where, found=show(p))
    check_keys(p, POPULATION_KEYS, file, where)
    name = string(p.get("name"), file, f"{where}.name")
    if "." in name:
        raise err(f"population name '{name}' contains '.'", file, f"{where}.name",
                  expected="a name without dots (dots join 'population.strategy' keys)")
    where = f"populations.{name}"
    strategies = _strategies(p.get("strategies"), file, where)
    labels = {}
    for key in ("strategy_labels_en", "strategy_labels_zh"):
        if key in p:
            v = p[key]
            if not isinstance(v, list) or len(v) != len(strategies) or not all(isinstance(x, str) for x in v):
                raise err(f"one label per strategy ({len(strategies)}) was expected", file, f"{where}.{key}",
                          found=show(v))
            labels[key] = tuple(v)
    variable = p.get("variable")
    if variable is not None:
        identifier(variable, file, f"{where}.variable", "state variable")
    text(p.get("description"), file, f"{where}.description")
    try:
        return Population(name, tuple(strategies), variable=variable,
                          label_en=string(p.get("label_en"), file, f"{where}.label_en", required=False),
                          label_zh=string(p.get("label_zh"), file, f"{where}.label_zh", required=False),
                          **labels)
    except ScenarioError as exc:
        raise exc.located(file=file) from None


def _strategies(strategies, file: str, where: str) -> list:
    if not isinstance(strategies, list) or len(strategies) < 2:
        raise err("a list of two or more strategy names was expected", file, f"{where}.strategies",
                  found=show(strategies))
    if len(strategies) > MAX_STRATEGIES:
        raise err(f"{len(strategies)} strategies", file, f"{where}.strategies",
                  expected=f"at most {MAX_STRATEGIES} strategies per population")
    for s in strategies:
        string(s, file, f"{where}.strategies")
        if "." in s:
            raise err(f"strategy name '{s}' contains '.'", file, f"{where}.strategies",
                      expected="names without dots (dots join profiles)")
    return strategies
