"""``evogame validate``: check a scenario file without analysing it."""
from __future__ import annotations

import click

from ..options import json_option, scenario_argument
from ..output import echo_json
from ..values import load


@click.command(epilog="""\b
Examples:
  evogame validate scenarios/vertical.toml
  evogame validate scenarios/vertical.toml --json
""")
@scenario_argument
@json_option
def command(scenario, as_json):
    """Check SCENARIO (syntax, names, expressions, ranges) and say what it declares.

    With --json: the populations and their strategies, the parameters (value,
    range, integer), the mechanisms, the presets, the target, the
    simulation settings, the [noise] settings and the [delay] (null without one).
    """
    subject = load(scenario)
    if as_json:
        echo_json(declarations(scenario, subject))
        return
    click.echo(f"{scenario}: ok -- {len(subject.game.populations)} populations "
               f"({', '.join(p.name for p in subject.game.populations)}), {len(subject.game.parameters)} parameters, "
               f"{len(subject.mechanisms)} mechanisms")


def declarations(path: str, subject) -> dict:
    """What a valid scenario declares, as plain data."""
    game = subject.game
    return {
        "file": path,
        "valid": True,
        "name": game.name,
        "title": game.title,
        "populations": [{"name": p.name, "strategies": list(p.strategies)} for p in game.populations],
        "parameters": {n: {"value": None if p.value is None else float(p.value),
                           "range": None if p.range is None else [float(v) for v in p.range],
                           "integer": p.integer, "description": p.description}
                       for n, p in game.parameters.items()},
        "mechanisms": [m.to_dict() for m in subject.mechanisms.values()],
        "presets": [p.to_dict() for p in subject.presets.values()],
        "target": subject.target_key,
        "simulation": subject.simulation.to_dict(),
        "noise": None if subject.noise is None else subject.noise.to_dict(),
        "delay": None if subject.delay is None else subject.delay.to_dict(),
    }
