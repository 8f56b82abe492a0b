"""``evogame compare``: baseline vs with-mechanism rest-point tables side by side."""
from __future__ import annotations

import click

from ..options import (dynamics_option, json_option, mechanism_option, param_option, scenario_argument,
                           strength_option)
from ..output import echo_json
from ..values import load, parse_params


@click.command(epilog="""\b
Examples:
  evogame compare scenarios/vertical.toml --mechanism platform
  evogame compare scenarios/vertical.toml -m responsibility -m measurability --strength 0.8
  evogame compare scenarios/dual_leadership.toml -m escalation --json
""")
@scenario_argument
@mechanism_option("A mechanism of the scenario (repeatable; they compose in the order given).", required=True)
@strength_option()
@param_option
@dynamics_option
@json_option
def command(scenario, mechanisms, strength, params, dynamics, as_json):
    """Rest points of SCENARIO without and with the mechanism(s), side by side.

    Rest points are matched by face (support) and position; the table says
    which changed classification, and which appear or disappear.
    """
    from ...studies.compare import compare

    subject = load(scenario)
    result = compare(subject, list(mechanisms), strength, params=parse_params(subject, params), dynamics=dynamics)
    if as_json:
        echo_json(result.to_dict())
    else:
        click.echo(result.table())
