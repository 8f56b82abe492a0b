"""``evogame explore``: one self-contained HTML page with sliders (mechanisms' strengths and parameters)."""
from __future__ import annotations

import click

from ..options import dynamics_option, json_option, lang_option, mechanism_option, scenario_argument, set_alias
from ..output import echo_json
from ..values import load, parse_params
from ...errors import ScenarioError

__all__ = ["command"]


@click.command(epilog="""\b
Examples:
  evogame explore scenarios/vertical.toml --out explore.html
  evogame explore scenarios/vertical.toml -m platform -m backflow --sweep c_D=0:6:61 -p L=4 \\
      --out explore.html
  evogame explore scenarios/dual_leadership.toml --lang zh --out dual.html
""")
@scenario_argument
@click.option("--sweep", "axes", multiple=True, metavar="NAME[=LO:HI:N]",
              help="A slider over this parameter: LO..HI with N thumb steps (NAME alone: its declared range, "
                   "else a stated default range). Repeatable.")
@mechanism_option("A slider over this mechanism's strength, 0..1 (repeatable). Default: every mechanism of the "
                  "scenario and up to three parameters.")
@click.option("--steps", type=click.IntRange(2, 100001), default=201, show_default=True,
              help="Thumb steps of each slider (any value in the range can be typed in its box).")
@dynamics_option
@lang_option("Words of the page and the scenario's names in English or Chinese.")
@set_alias
@click.option("--out", "-o", required=True, metavar="FILE.html", help="The HTML file written.")
@json_option
def command(scenario, axes, mechanisms, steps, dynamics, lang, params, out, as_json):
    """Write an interactive page of SCENARIO: sliders, the phase portrait, the stable set and paths.

    The page is one HTML file with plotly.js inlined (compressed): no server,
    no network. All sliders act together, at any value in their range: on
    every move the page computes the rest points, their classes (the
    engine's expressions printed to JavaScript; `evogame analyze`'s rule),
    each slider's threshold at the other sliders' current values (bisected
    with `evogame threshold`'s rule) and the paths from the starts clicked.
    Needs the optional extra: pip install "evogame[explore]" (from a
    checkout: pip install ".[explore]").
    """
    from ...explore import explore
    from ...studies.sweeps import parse_axis

    if not out.lower().endswith((".html", ".htm")):
        raise ScenarioError(f"'{out}': the page is HTML", argument="--out", expected="a file name ending .html")
    subject = load(scenario)
    parameters = dict(parse_axis(a) if "=" in a else (a.strip(), None) for a in axes)
    result = explore(subject, out, mechanisms=list(mechanisms), parameters=parameters or None, steps=steps,
                     params=parse_params(subject, params, studied="--sweep"), dynamics=dynamics, lang=lang)
    if as_json:
        echo_json(result.to_dict())
    else:
        names = ", ".join(s.name for s in result.sliders)
        click.echo(f"wrote {out} ({result.size / 1e6:.1f} MB; {result.geometry}; sliders: {names})", err=True)
