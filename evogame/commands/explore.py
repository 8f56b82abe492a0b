"""``evogame explore``: one self-contained HTML page with a slider (a mechanism's strength or a parameter)."""
from __future__ import annotations

import click

from ..cli.options import dynamics_option, json_option, lang_option, mechanism_option, scenario_argument, set_option
from ..cli.output import echo_json
from ..cli.values import load, parse_params
from ..errors import ScenarioError

__all__ = ["command"]


@click.command(epilog="""\b
Examples:
  evogame explore scenarios/vertical.toml -m platform --out explore.html
  evogame explore scenarios/vertical.toml -p c_D=0:6:61 --out c_D.html
  evogame explore scenarios/vertical.toml -m incentive --dynamics smith --lang zh --out incentive.html
""")
@scenario_argument
@click.option("--param", "-p", "axes", multiple=True, metavar="NAME=LO:HI:N",
              help="Slide this parameter over LO..HI in N steps (instead of a mechanism's strength).")
@mechanism_option("A mechanism whose strength the slider sets (repeatable: they compose, one strength); "
                  "with --param, applied at strength 1. Default: the scenario's first mechanism.")
@click.option("--steps", type=click.IntRange(2, 201), default=41, show_default=True,
              help="Slider steps over the strength's [0, 1] (or the parameter's declared range).")
@dynamics_option
@lang_option("Words of the page in English or Chinese.")
@set_option
@click.option("--out", "-o", required=True, metavar="FILE.html", help="The HTML file written.")
@json_option
def command(scenario, axes, mechanisms, steps, dynamics, lang, params, out, as_json):
    """Write an interactive page of SCENARIO: a slider, the phase portrait and the stable set at each step.

    The page is one HTML file with plotly.js inlined: no server, no network.
    Rest points and classes are precomputed on the slider's grid with the
    same engine as `evogame sweep` (equal to `evogame analyze` at each
    value); the threshold (`evogame threshold`) is marked on the slider.
    Needs the optional extra: pip install "evogame[explore]".
    """
    from ..explore import explore
    from ..studies.sweeps import parse_axis

    if len(axes) > 1:
        raise ScenarioError("the explorer has one slider today", argument="--param", found=", ".join(axes),
                            expected="one --param NAME=LO:HI:N (or a mechanism's strength)")
    if not out.lower().endswith((".html", ".htm")):
        raise ScenarioError(f"'{out}': the page is HTML", argument="--out", expected="a file name ending .html")
    subject = load(scenario)
    param, values = parse_axis(axes[0]) if axes else (None, None)
    result = explore(subject, out, mechanisms=list(mechanisms), param=param, values=values, steps=steps,
                     params=parse_params(subject, params), dynamics=dynamics, lang=lang)
    if as_json:
        echo_json(result.to_dict())
    else:
        click.echo(f"wrote {out} ({result.size / 1e6:.1f} MB, {result.steps} steps of {result.parameter})", err=True)
