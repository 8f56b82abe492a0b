"""``evogame compare``: baseline vs with-mechanism rest-point tables side by side."""
from __future__ import annotations

import click

from ..cli import echo_json, json_option, load, param_option, parse_params, scenario_argument


@click.command(epilog="""\b
Examples:
  evogame compare scenarios/vertical.toml --mechanism platform
  evogame compare scenarios/vertical.toml -m responsibility -m measurability --strength 0.8
  evogame compare scenarios/dual_leadership.toml -m escalation --json
""")
@scenario_argument
@click.option("--mechanism", "-m", "mechanisms", multiple=True, metavar="NAME", required=True,
              help="A mechanism of the scenario (repeatable; they compose in the order given).")
@click.option("--strength", "-s", type=float, default=1.0, show_default=True,
              help="Strength of the mechanisms: 0 = baseline, 1 = as described.")
@param_option
@json_option
def command(scenario, mechanisms, strength, params, as_json):
    """Rest points of SCENARIO without and with the mechanism(s), side by side.

    Rest points are matched by face (support) and position; the table says
    which changed classification, and which appear or disappear.
    """
    import math

    from ..errors import ScenarioError
    from ..studies.compare import compare

    if not math.isfinite(strength):
        raise ScenarioError(f"--strength {strength} is not finite", key="--strength", expected="a number")
    subject = load(scenario)
    result = compare(subject, list(mechanisms), strength, params=parse_params(subject, params))
    if as_json:
        echo_json(result.to_dict())
    else:
        click.echo(result.table())
