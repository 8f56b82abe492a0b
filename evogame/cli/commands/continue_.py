"""``evogame continue``: every branch of rest points along one parameter, with its bifurcation points."""
from __future__ import annotations

import math

import click

from ..options import (dynamics_option, json_option, mechanism_option, param_option, scenario_argument,
                           strength_option)
from ..output import echo_json
from ..values import load, parse_params
from ...errors import ScenarioError

__all__ = ["command", "parse_interval"]


def parse_interval(text: str) -> tuple[str, tuple[float, float]]:
    """``"c_D=0:5"`` -> ``("c_D", (0.0, 5.0))``: the continued parameter, from LO to HI."""
    name, eq, spec = text.partition("=")
    try:
        lo, hi = (float(v) for v in spec.split(":"))
    except ValueError:
        lo = hi = math.nan
    if not eq or not name.strip() or not (math.isfinite(lo) and math.isfinite(hi)):
        raise ScenarioError(f"'{text}' is not NAME=LO:HI", argument="param",
                            expected="NAME=LO:HI with two finite numbers, e.g. c_D=0:5")
    return name.strip(), (lo, hi)


@click.command(epilog="""\b
Examples:
  evogame continue scenarios/vertical.toml -m platform
  evogame continue scenarios/vertical.toml -m dynamic_penalty --json
  evogame continue scenarios/vertical.toml --sweep strength=0.5:1 -m platform
  evogame continue scenarios/vertical.toml --sweep c_D=0:5 -p L=4
  evogame continue scenarios/rps.toml --sweep l=1:2.5 --dynamics logit:eta=0.1
  evogame continue scenarios/rps.toml --sweep l=0.1:2 --sweep2 w=0.7:2 --dynamics logit:eta=0.1
  evogame continue scenarios/vertical.toml --sweep beta=0:1 --sweep2 m=0:1
""")
@scenario_argument
@click.option("--sweep", "param", default=None, metavar="NAME=LO:HI",
              help="The continued parameter, from LO to HI (NAME may be 'strength' of the given mechanisms; "
                   "default with --mechanism: strength=0:1).")
@click.option("--sweep2", "param2", default=None, metavar="NAME=LO:HI",
              help="A second parameter: continue the folds, Hopf points and exchanges of stability found "
                   "along --sweep as fold, Hopf and branch-point curves in the two parameters, with the cusp, "
                   "Bogdanov-Takens, Bautin and zero-Hopf points on the fold and Hopf curves.")
@mechanism_option("A mechanism (repeatable; they compose in the order given): its strength is continued, or, "
                  "with --sweep, it is applied at --strength.")
@strength_option("Strength of the mechanisms when another parameter is continued.")
@dynamics_option
@param_option
@click.option("--cycles/--no-cycles", default=True, show_default=True,
              help="Continue the limit cycles born at each non-degenerate Hopf point.")
@json_option
def command(scenario, param, param2, mechanisms, strength, dynamics, params, cycles, as_json):
    """Continue every rest point of SCENARIO along one parameter (or a mechanism's strength).

    Every rest point found at LO is followed by pseudo-arclength continuation to HI (with the exact
    derivatives of the dynamics).  The text lists each branch with its runs of one stability class,
    then the special points: folds (LP), branch points and exchanges of stability where a branch meets
    a face (BP, with the exact value where a closed form gives it), and Hopf points (H) with the
    frequency and the first Lyapunov coefficient l1 (supercritical, subcritical or degenerate).
    From each non-degenerate Hopf point the branch of limit cycles is continued (orthogonal collocation):
    period, each share's range over the orbit, Floquet multipliers and the cycle's stability, LPC / PD / NS
    points, and where the branch stops (a face reached, a period growing without bound) and why.
    With --sweep2, the fold, Hopf and branch-point curves in both parameters instead: each fold, Hopf
    point and exchange of stability found along --sweep is continued as a curve in the two parameters
    (a branch-point curve is where a strategy not in use at a face's rest point starts to invade: the
    stability boundaries of the rest points on the faces; curves of two faces that coincide are listed
    once, "also the branch-point curve of ...").
    """
    from ...studies.continuation import continue_rest_points

    subject = load(scenario)
    overrides = parse_params(subject, params, studied="--sweep")   # first: `-p c_D=0:5` says to use --sweep
    if param is None and not mechanisms:
        raise ScenarioError("nothing to continue", argument="param",
                            expected="--sweep NAME=LO:HI, or --mechanism NAME to continue its strength")
    name, interval = parse_interval(param) if param is not None else (None, None)
    if param2 is not None:
        from ...studies.continuation.curves import continue_curves

        name2, interval2 = parse_interval(param2)
        result = continue_curves(subject, name or "strength", interval if interval is not None else (0.0, 1.0),
                                 name2, interval2, mechanism=list(mechanisms), strength=strength,
                                 params=overrides, dynamics=dynamics)
    else:
        result = continue_rest_points(subject, name, interval, mechanism=list(mechanisms), strength=strength,
                                      params=overrides, dynamics=dynamics, cycles=cycles)
    if as_json:
        echo_json(result.to_dict())
    else:
        click.echo(result.table())
