"""``evogame sweep``: classification along one parameter, or a two-parameter regime map."""
from __future__ import annotations

import click

from .. import values
from ..options import (dynamics_option, json_option, mechanism_option, scenario_argument, scheduler_option,
                           set_alias, strength_option)
from ..output import emit_result
from ..progress import ProgressBar
from ..values import MAX_CELLS, load, parse_params
from ...errors import ScenarioError

__all__ = ["command", "MAX_CELLS"]


@click.command(epilog="""\b
Examples:
  evogame sweep scenarios/vertical.toml --sweep c_D=0:5:101
  evogame sweep scenarios/vertical.toml --sweep strength=0:1:101 --mechanism platform
  evogame sweep scenarios/vertical.toml --sweep c_D=0:5:200 --sweep d=0:1:200 --out map.csv
  evogame sweep scenarios/vertical.toml --sweep c_D=0:5:101 --dynamics smith
  evogame sweep scenarios/vertical.toml --sweep c_D=0:5:500 --sweep d=0:1:500 --scheduler local:2
""")
@scenario_argument
@click.option("--sweep", "axes", multiple=True, metavar="NAME=LO:HI:N",
              help="A swept parameter and its grid (once: a sweep; twice: a regime map). "
                   "NAME may be 'strength' of the given mechanisms.")
@mechanism_option("Apply this mechanism (repeatable), at --strength unless 'strength' is swept.")
@strength_option("Strength of the mechanisms when it is not swept.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the result to FILE.csv or FILE.json.")
@dynamics_option
@set_alias
@scheduler_option
@json_option
def command(scenario, axes, mechanisms, strength, out, dynamics, params, scheduler, as_json):
    """How the rest points of SCENARIO change along one or two parameters.

    One --sweep: every rest point's classification along the grid and the
    bifurcation points (where a classification changes), located by
    bisection.  Two: a regime map, the set of asymptotically stable states in
    every cell (CSV columns: the two parameters and stable_set).  -p NAME=VALUE
    sets another parameter, as in every command.
    """
    from ...util.executors import scheduler_executor
    from ...studies.sweeps import parse_axis, sweep

    if len(axes) > 2:
        raise ScenarioError(f"{len(axes)} swept parameters", argument="param",
                            expected="one (a sweep) or two (a regime map)")
    if out is not None and not out.lower().endswith((".csv", ".json")):
        raise ScenarioError(f"'{out}': unknown format", argument="--out", expected="a file name ending .csv or .json")
    parsed = [parse_axis(a) for a in axes]
    values.check_grid_size(parsed)
    subject = load(scenario)
    overrides = parse_params(subject, params, studied="--sweep")   # first: `-p c_D=0:5:11` says to use --sweep
    if not axes:
        raise ScenarioError("a sweep needs a swept parameter", argument="--sweep",
                            expected="--sweep NAME=LO:HI:N (twice for a regime map)")
    with ProgressBar("analysing each grid point", enabled=not as_json) as progress, \
            scheduler_executor(scheduler) as executor:
        result = sweep(subject, parsed, list(mechanisms), strength=strength, params=overrides,
                       progress=progress, dynamics=dynamics, executor=executor)
    emit_result(result, out, as_json,
                None if out is None or out.lower().endswith(".json") else lambda r: r.csv(), fit=True)
