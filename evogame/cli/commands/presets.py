"""``evogame presets``: a scenario's presets (e.g. platform structures) side by side."""
from __future__ import annotations

import click

from ..options import (dynamics_option, json_option, mechanism_option, param_option, scenario_argument,
                           seed_option, strength_option)
from ..output import echo_json
from ..progress import steps
from ..values import load, parse_params


@click.command(epilog="""\b
Examples:
  evogame presets scenarios/platform_structures.toml
  evogame presets scenarios/platform_structures.toml --samples 8192 --json
""")
@scenario_argument
@click.option("--preset", "names", multiple=True, metavar="NAME",
              help="Compare only these presets (repeatable; default: all).")
@param_option
@mechanism_option("Apply a mechanism of the scenario first, under every preset (repeatable; they compose in "
                  "the order given).")
@strength_option()
@click.option("--samples", "-n", type=click.IntRange(min=1, max=1_000_000), default=4096, show_default=True,
              help="Quasi-random initial states per preset for the basin of the target.")
@seed_option
@dynamics_option
@json_option
def command(scenario, names, params, mechanisms, strength, samples, seed, dynamics, as_json):
    """Compare the presets of SCENARIO and say which promotes the target most.

    For every preset (and the scenario's own defaults as 'baseline'): the
    asymptotically stable states, the classification of the target (full
    collaboration), the basin share of the target with its standard error,
    and per population the payoff advantage of its target strategy at full
    collaboration ('margin') and when everybody else plays otherwise
    ('first mover').  Ends with the verdict and the numbers behind it.
    With --mechanism, every preset (and the baseline) with the mechanisms
    applied at --strength.
    """
    from ...studies.mechanisms import apply
    from ...studies.presets import compare_presets

    subject = load(scenario)
    overrides = parse_params(subject, params)
    if mechanisms:
        subject = apply(subject, list(mechanisms), strength)
    result = compare_presets(subject, list(names) or None, params=overrides, samples=samples, seed=seed,
                             dynamics=dynamics, progress=steps("presets", not as_json))
    if as_json:
        echo_json(result.to_dict())
        return
    click.echo(f"{subject.game.title}: presets compared (target {result.target}; {result.samples} Sobol samples "
               f"per preset, seed {result.seed})")
    click.echo(result.table())
    click.echo("")
    click.echo(result.verdict)
    for line in result.reasons:
        click.echo(f"  - {line}")
