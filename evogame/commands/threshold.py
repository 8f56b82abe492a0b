"""``evogame threshold``: the strength (or parameter value) at which the target becomes stable."""
from __future__ import annotations

import click

from ..cli.options import dynamics_option, json_option, mechanism_option, scenario_argument, set_alias
from ..cli.output import echo_json
from ..cli.values import load, parse_params, parse_range
from ..errors import ScenarioError
from ..render.plain import fit_text

__all__ = ["command", "threshold_text"]


def threshold_text(r) -> str:
    """The threshold result as a few readable lines."""
    lines = [f"target: {r.target}   unknown: {r.unknown}"
             + (f"   mechanisms: {', '.join(r.mechanisms)}" if r.mechanisms else "")]
    if r.threshold is None:
        lines.append("threshold: none")
    else:
        exact = f" (exactly {r.exact})" if r.exact and r.exact != f"{r.threshold:.10g}" else ""
        lines.append(f"threshold: {r.unknown} = {r.threshold:.10g}{exact}")
    if r.expression:
        lines.append(f"closed form: {r.expression}")
    lines.append(f"method: {r.method}" + (f" (tolerance {r.tolerance:g})" if r.method == "bisection" else ""))
    lines.append(f"stable set of the target: {r.direction}")
    lines.append(f"meaning: {r.meaning}")
    below = ", ".join(r.stable_below) or "none"
    above = ", ".join(r.stable_above) or "none"
    lines.append(f"stable at {r.unknown} = {r.below_at:.6g}: {below}")
    lines.append(f"stable at {r.unknown} = {r.above_at:.6g}: {above}")
    for n in r.notes:
        lines.append(f"note: {n}")
    return fit_text("\n".join(lines))


@click.command(epilog="""\b
Examples:
  evogame threshold scenarios/vertical.toml --mechanism platform
  evogame threshold scenarios/vertical.toml --vary c_D
  evogame threshold scenarios/vertical.toml --vary L -p c_D=2
  evogame threshold scenarios/vertical.toml --mechanism incentive
  evogame threshold scenarios/dual_leadership.toml --mechanism escalation --mechanism bundling --json
  evogame threshold scenarios/vertical.toml --mechanism platform --dynamics smith
  evogame threshold scenarios/vertical.toml --mechanism dynamic_penalty --target interior --dynamics logit:eta=0.5
""")
@scenario_argument
@mechanism_option("A mechanism of the scenario (repeatable; they compose in the order given).")
@click.option("--target", "-t", default=None, metavar="A.B",
              help="The target profile, one strategy per population joined by '.' (default: the scenario's).")
@click.option("--vary", "param", default=None, metavar="NAME",
              help="Find this parameter's threshold instead of the strength (mechanisms then at strength 1).")
@click.option("--range", "range_", default=None, metavar="LO:HI",
              help="Interval searched (default 0:1 for a strength, else the parameter's declared range).")
@click.option("--bisection", is_flag=True, help="Skip the closed form; bracket and bisect numerically.")
@dynamics_option
@set_alias
@json_option
def command(scenario, mechanisms, target, param, range_, bisection, dynamics, params, as_json):
    """Where the TARGET rest point of SCENARIO becomes asymptotically stable.

    With --mechanism: the strength s (0 = baseline, 1 = as described) from
    which the target is asymptotically stable.  With --vary NAME: the value of
    that parameter where the target's stability switches (the others at their
    defaults, or as -p NAME=VALUE sets them).  In closed form when sympy solves the stability
    condition (the boundary is printed with the other parameters symbolic),
    else by bisection with the tolerance reported.  Says plainly when the
    target's stability does not depend on the mechanism at all.
    """
    from ..studies.thresholds import threshold

    subject = load(scenario)
    overrides = parse_params(subject, params, studied="--vary")   # first: `-p c_D` says to use --vary c_D
    if not mechanisms and param is None:
        raise ScenarioError("a threshold needs a mechanism (for its strength) or a parameter", argument="--mechanism",
                            expected="--mechanism NAME, or --vary NAME for a parameter's threshold")
    result = threshold(subject, list(mechanisms), target=target, param=param, range=parse_range(range_),
                       params=overrides, method="bisection" if bisection else "auto",
                       dynamics=dynamics)
    if as_json:
        echo_json(result.to_dict())
    else:
        click.echo(threshold_text(result))
