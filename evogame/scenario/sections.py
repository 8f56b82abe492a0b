"""A parsed TOML mapping -> :class:`Scenario`: each section checked by its own module, in file order."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from ..errors import did_you_mean
from ..game import parse_profile
from .checks import TOP_LEVEL, check_keys, err, show, string, text
from .delay import parse_delay
from .dynamics import parse_dynamics
from .mechanisms import check_ranges, parse_mechanisms
from .model import Scenario
from .noise import parse_noise
from .parameters import parse_parameters
from .payoffs import build_game
from .perception import parse_perception
from .populations import parse_populations
from .presets import parse_presets
from .simulation import parse_simulation

GAME_KEYS = ("name", "title", "description", "matching", "source", "target")


def scenario_from_dict(data: Mapping[str, Any], *, file: str = "<dict>") -> Scenario:
    """Build a Scenario from an already-parsed scenario mapping (see :mod:`evogame.scenario`)."""
    if not isinstance(data, Mapping):
        raise err("a table was expected at the top level", file, None)
    check_keys(data, TOP_LEVEL, file, "")
    table = data.get("game", {})
    if not isinstance(table, Mapping):
        raise err("a table was expected", file, "game", found=show(table))
    check_keys(table, GAME_KEYS, file, "game")
    name = string(table.get("name", Path(file).stem or "game"), file, "game.name")
    title = string(table.get("title", name), file, "game.title")
    description = text(table.get("description"), file, "game.description")
    text(table.get("source"), file, "game.source")
    matching = table.get("matching", "populations")
    if matching not in ("populations", "symmetric"):
        raise err("unknown matching", file, "game.matching", expected="'populations' or 'symmetric'",
                  found=show(matching), suggestion=did_you_mean(str(matching), ("populations", "symmetric")))
    populations = parse_populations(data, matching, file)
    parameters = parse_parameters(data, populations, file)
    game = build_game(data, matching, populations, parameters, file, name=name, title=title,
                      description=description)
    perception = None
    if "perception" in data:   # every study sees the perceived payoffs; the expected ones stay in `perception`
        game, perception = parse_perception(data["perception"], game, file)
    target = (None if table.get("target") is None
              else parse_profile(table["target"], populations, key="game.target", file=file))
    simulation = parse_simulation(data, populations, file)
    dynamics = parse_dynamics(data, file)
    mechanisms = parse_mechanisms(data["mechanisms"], game, file) if "mechanisms" in data else {}
    presets = parse_presets(data["presets"], game, file) if "presets" in data else {}
    check_ranges(mechanisms, game, file)
    return Scenario(game, mechanisms, presets, target, simulation, file, dynamics, noise=parse_noise(data, game, file),
                    delay=parse_delay(data, populations, file), perception=perception)
