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
  evogame compare scenarios/perceived_sharing.toml --perception -p lam=1.5
""")
@scenario_argument
@mechanism_option("A mechanism of the scenario (repeatable; they compose in the order given).")
@click.option("--perception", is_flag=True,
              help="Compare the expected payoffs with the perceived ones of the scenario's [perception] instead.")
@strength_option()
@param_option
@dynamics_option
@json_option
def command(scenario, mechanisms, perception, strength, params, dynamics, as_json):
    """Rest points of SCENARIO without and with the mechanism(s), side by side.

    Rest points are matched by face (support) and position; the table says
    which changed classification, and which appear or disappear.  With
    --perception: the expected payoffs against the perceived ones.
    """
    from ...studies.compare import compare, compare_perception

    if perception == bool(mechanisms):
        raise click.UsageError("--perception and --mechanism exclude each other" if perception
                               else "Missing option '--mechanism' (or --perception).")
    subject = load(scenario)
    if perception:
        result = compare_perception(subject, params=parse_params(subject, params), dynamics=dynamics)
    else:
        result = compare(subject, list(mechanisms), strength, params=parse_params(subject, params),
                         dynamics=dynamics)
    if as_json:
        echo_json(result.to_dict())
    else:
        click.echo(result.table())
