"""``evogame validate``: check a scenario file without analysing it."""
from __future__ import annotations

import click

from ..cli import load, scenario_argument


@click.command(epilog="""\b
Example:
  evogame validate scenarios/vertical.toml
""")
@scenario_argument
def command(scenario):
    """Check SCENARIO (syntax, names, expressions, ranges) and say what it declares."""
    subject = load(scenario)
    mech = subject.mechanisms
    click.echo(f"{scenario}: ok -- {len(subject.game.populations)} populations "
               f"({', '.join(p.name for p in subject.game.populations)}), {len(subject.game.parameters)} parameters, "
               f"{len(mech)} mechanisms")
