"""``evogame continue``: every branch of rest points along one parameter, with its bifurcation points."""
from __future__ import annotations

import click

from ..cli.options import dynamics_option, json_option, mechanism_option, scenario_argument
from ..cli.output import echo_json
from ..cli.values import load, parse_params, parse_range
from ..errors import ScenarioError

__all__ = ["command", "split_params"]


def split_params(items) -> tuple[tuple[str, str] | None, list[str]]:
    """``-p`` values: the one ``NAME=LO:HI`` (continued) and the ``NAME=VALUE`` ones (set)."""
    continued, fixed = None, []
    for item in items:
        name, _, value = item.partition("=")
        if ":" not in value:
            fixed.append(item)
            continue
        if continued is not None:
            raise ScenarioError(f"two continued parameters ('{continued[0]}' and '{name.strip()}')",
                                argument="param", expected="one NAME=LO:HI; set the others with NAME=VALUE")
        continued = (name.strip(), value)
    return continued, fixed


@click.command(epilog="""\b
Examples:
  evogame continue scenarios/vertical.toml -m platform
  evogame continue scenarios/vertical.toml -m dynamic_penalty --strength 0:1 --json
  evogame continue scenarios/vertical.toml --param c_D=0:5 -p L=4
  evogame continue scenarios/rps.toml --param w=0.5:1.5
""")
@scenario_argument
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=LO:HI|NAME=VALUE",
              help="The continued parameter and its interval (NAME=LO:HI, from LO to HI), or another "
                   "parameter's value (NAME=VALUE, repeatable).")
@mechanism_option("Continue this mechanism's strength (repeatable; they compose in the order given); with a "
                  "continued --param, apply it at --strength.")
@click.option("--strength", "-s", "strength", default=None, metavar="LO:HI|VALUE",
              help="The strength's interval when it is continued (default 0:1), or its value when a "
                   "parameter is (default 1).")
@dynamics_option
@json_option
def command(scenario, params, mechanisms, strength, dynamics, as_json):
    """Continue every rest point of SCENARIO along one parameter (or a mechanism's strength).

    Every rest point found at LO is followed by pseudo-arclength continuation to HI; the text lists
    each branch with its runs of one stability class, then the special points: folds (LP), branch
    points and exchanges of stability where a branch meets a face (BP, with the exact value where a
    closed form gives it), and Hopf points (H) with the frequency and the first Lyapunov coefficient
    (supercritical, subcritical or degenerate).
    """
    from ..continuation import continue_rest_points

    subject = load(scenario)
    continued, fixed = split_params(params)
    if continued is None and not mechanisms:
        raise ScenarioError("nothing to continue", argument="param",
                            expected="--param NAME=LO:HI, or --mechanism NAME for its strength")
    if continued is not None:
        name, interval = continued[0], parse_range(continued[1])
        value = 1.0 if strength is None else _strength_value(strength)
    else:
        name, value = None, 1.0
        interval = parse_range(strength) if strength is not None and ":" in strength else None
        if strength is not None and interval is None:
            raise ScenarioError(f"'{strength}' is not LO:HI", argument="--strength",
                                expected="the strength's interval LO:HI, e.g. 0:1")
    result = continue_rest_points(subject, name, interval, mechanism=list(mechanisms), strength=value,
                                  params=parse_params(subject, fixed), dynamics=dynamics)
    if as_json:
        echo_json(result.to_dict())
    else:
        click.echo(result.table())


def _strength_value(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ScenarioError(f"'{text}' is not a number", argument="--strength",
                            expected="the mechanisms' strength when a parameter is continued, e.g. 1") from None
