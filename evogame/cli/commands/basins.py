"""``evogame basins``: basin-of-attraction shares of the stable states, by sampling."""
from __future__ import annotations

import click

from ..options import (dynamics_option, json_option, mechanism_option, param_option, scenario_argument,
                           scheduler_option, seed_option, strength_option)
from ..output import echo_json
from ..progress import ProgressBar
from ..values import load, parse_params, parse_sizes

__all__ = ["command", "parse_sizes"]


@click.command(epilog="""\b
Examples:
  evogame basins scenarios/hidden_collusion.toml --mechanism trust
  evogame basins scenarios/platform_public_good.toml --samples 1024 --json
  evogame basins scenarios/platform_public_good.toml --group-sizes 2:14
  evogame basins scenarios/platform_structures.toml --preset network
  evogame basins scenarios/coordination.toml --samples 100000 --scheduler tcp://10.0.0.5:8786
""")
@scenario_argument
@mechanism_option()
@strength_option()
@click.option("--preset", default=None, metavar="NAME",
              help="Use a preset of the scenario's [presets] (its values win over --param).")
@param_option
# the library's default (evogame.studies.basins.DEFAULT_SAMPLES), not imported here to keep the CLI quick to start
@click.option("--samples", "-n", type=click.IntRange(min=1, max=1_000_000), default=4096, show_default=True,
              help="Number of quasi-random initial states.")
@seed_option
@click.option("--t-end", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Integration time before the first convergence check (default: from the slowest attractor).")
@click.option("--group-sizes", default=None, metavar="LO:HI",
              help="One-population games with an integer group size N (and critical mass M): exact critical "
                   "mass, sharing level and sharing basin for N = LO..HI instead of sampling.")
@dynamics_option
@scheduler_option
@json_option
def command(scenario, mechanisms, strength, preset, params, samples, seed, t_end, group_sizes, dynamics, scheduler,
            as_json):
    """Basin-of-attraction share of every asymptotically stable state of SCENARIO.

    Integrates the replicator dynamics from a scrambled Sobol sample of
    initial states (uniform on the product of simplices) and assigns each to
    the stable rest point it converges to (within 1e-3); prints each share
    with its standard error sqrt(p(1-p)/n) and the share that did not
    converge.  For one population with two strategies it also prints the
    exact basins and the separatrix (critical mass).
    """
    from ...util.executors import scheduler_executor
    from ...studies.basins import basins
    from ...studies.group_size import free_riding_by_group_size
    from ...studies.mechanisms import apply
    from ...studies.presets import apply_preset, preset_values

    subject = load(scenario)
    overrides = parse_params(subject, params)
    if mechanisms:
        subject = apply(subject, list(mechanisms), strength)
    if preset:   # -p values apply before the preset (its expressions see them); its own values win
        fixed = preset_values(subject, preset, overrides)
        subject = apply_preset(subject, preset, overrides)
        overrides = {k: v for k, v in overrides.items() if k not in fixed}
    if group_sizes:
        result = free_riding_by_group_size(subject, parse_sizes(group_sizes), params=overrides)
        if as_json:
            echo_json(result.to_dict())
        else:
            click.echo(f"{subject.game.title}: free riding by group size "
                       f"(share of '{result.strategy}' per {result.size})")
            click.echo(result.table())
        return
    with ProgressBar("integrating the starts", enabled=not as_json) as progress, \
            scheduler_executor(scheduler) as executor:
        result = basins(subject, overrides, samples=samples, seed=seed, t_end=t_end, dynamics=dynamics,
                        executor=executor, progress=progress)
    if as_json:
        echo_json(result.to_dict())
    else:
        _print_basins(subject, result)


def _print_basins(subject, result) -> None:
    click.echo(f"{subject.game.title}: basins of attraction ({result.samples} Sobol samples, seed {result.seed}, "
               f"t = {result.t_end:g})")
    click.echo(result.table())
    if result.separatrix is not None:
        if result.separatrix:
            click.echo("separatrix (exact): " + ", ".join(f"{s['label']} at {s['state']:.10g} ({s['classification']})"
                                                          for s in result.separatrix))
        if result.critical_mass is not None:
            first, second = subject.game.populations[0].strategies
            click.echo(f"critical mass: {result.critical_mass:.10g} (share of '{first}' needed to "
                       f"escape the basin of ({second}))")
    for note in result.notes:
        click.echo(f"note: {note}")
