"""``evogame analyze``: the payoff table, replicator equations and rest-point table."""
from __future__ import annotations

import click

from ..cli import echo_json, json_option, load, param_option, parse_params, scenario_argument


@click.command(epilog="""\b
Examples:
  evogame analyze scenarios/vertical.toml
  evogame analyze scenarios/vertical.toml -p c_D=0.5 --json
  evogame analyze scenarios/vertical.toml --symbolic
""")
@scenario_argument
@param_option
@click.option("--symbolic", is_flag=True,
              help="Also derive rest points, eigenvalues and stability conditions with symbolic parameters.")
@click.option("--budget", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="Seconds of exact solving per face before the numeric fallback.")
@json_option
def command(scenario, params, symbolic, budget, as_json):
    """Find and classify every rest point of SCENARIO.

    Prints the payoff table, the replicator equations and, for every rest
    point on every face, its state, the eigenvalues of the Jacobian in the
    tangent space and its classification (asymptotically stable, unstable
    source, saddle, non-hyperbolic), with the tolerance used.
    """
    from ..analysis import analyze
    from ..text import analysis_text

    game = load(scenario)
    result = analyze(game, parse_params(game, params), symbolic=symbolic, budget=budget)
    if as_json:
        echo_json(result.to_dict())
    else:
        click.echo(analysis_text(result))
