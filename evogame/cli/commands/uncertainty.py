"""``evogame uncertainty``: probabilities of stability and Sobol indices under uncertain parameters."""
from __future__ import annotations

import click

from ..options import (dynamics_option, json_option, mechanism_option, param_option, scenario_argument,
                           scheduler_option, strength_option)
from ..output import emit_result
from ..progress import ProgressBar
from ..values import load, parse_params
from ...errors import ScenarioError

__all__ = ["command"]


@click.command(epilog="""\b
Examples:
  evogame uncertainty scenarios/vertical.toml --dist c_D=uniform:0:5
  evogame uncertainty scenarios/vertical.toml --dist c_D=uniform:0:5 --dist L=uniform:0:10 -m platform \\
      --samples 100000
  evogame uncertainty scenarios/vertical.toml --dist beta=triangular:0.1:0.3:0.6 --dist c_D=normal:3:0.5 --sobol
  evogame uncertainty scenarios/vertical.toml --dist c_D=uniform:0:5 --samples 1000000 --scheduler local:2
""")
@scenario_argument
@click.option("--dist", "-d", "distributions", multiple=True, required=True,
              metavar="NAME=uniform:LO:HI|normal:MU:SD|triangular:LO:MODE:HI",
              help="An uncertain parameter and its distribution (repeatable; independent). NAME may be "
                   "'strength' of the given mechanisms.")
@mechanism_option("Apply this mechanism (repeatable) at --strength; its threshold's distribution is reported.")
@strength_option("Strength of the mechanisms (unless 'strength' has a --dist).")
@click.option("--samples", "-n", type=int, default=10_000, show_default=True,
              help="Monte Carlo draws; with --sobol the Sobol design uses about as many evaluations.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Seed of the draws, of SALib's scrambling and of its bootstrap (same seed, same result).")
@click.option("--sobol", is_flag=True, default=False,
              help='Also compute the Sobol indices of the target\'s margin (needs SALib: '
                   'pip install "evogame[uncertainty]").')
@click.option("--sobol-base", type=int, default=None, metavar="M",
              help="Base size of the Saltelli design, a power of two (default: the largest with "
                   "M(2D+2) <= samples, within 64..16384); implies --sobol.")
@click.option("--target", "-t", default=None, metavar="A.B",
              help="The target profile (default: the scenario's).")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Also write the JSON result to FILE.json.")
@dynamics_option
@param_option
@scheduler_option
@json_option
def command(scenario, distributions, mechanisms, strength, samples, seed, sobol, sobol_base, target, out, dynamics,
            params, scheduler, as_json):
    """Does the conclusion about SCENARIO survive uncertain parameters?

    Draws the --dist parameters (others at their defaults) and reports the
    probability that each rest point is asymptotically stable, that the
    target is the only stable state, the target's stability margin (the
    largest real part of its eigenvalues), with --mechanism what `evogame
    threshold` gives at each draw (already stable, a threshold strength in
    [0, 1] and its distribution, never stable), and with --sobol the Sobol
    indices of the margin (needs the optional extra: pip install
    "evogame[uncertainty]").
    """
    from ...util.executors import scheduler_executor
    from ...studies.uncertainty import uncertainty

    if out is not None and not out.lower().endswith(".json"):
        raise ScenarioError(f"'{out}': unknown format", argument="--out", expected="a file name ending .json")
    subject = load(scenario)
    with ProgressBar("evaluating the draws", enabled=not as_json) as progress, \
            scheduler_executor(scheduler) as executor:
        result = uncertainty(subject, list(distributions), list(mechanisms), strength=strength,
                             params=parse_params(subject, params), samples=samples, seed=seed, sobol=sobol,
                             sobol_samples=sobol_base, target=target, dynamics=dynamics, executor=executor,
                             progress=progress)
    emit_result(result, out, as_json)
