"""``evogame figure``: draw one publication figure of a scenario."""
from __future__ import annotations

import click

from ..cli import load, param_option, parse_params, scenario_argument
from ..errors import ScenarioError, did_you_mean

KINDS = ("portrait", "paths", "sensitivity", "regime", "bifurcation", "basins")


def parse_vary(subject, text: str):
    """``"c_D=1,2,3"`` -> ``("parameter", "c_D", [1, 2, 3])``; a mechanism name varies its strength."""
    from ..studies.mechanisms import mechanisms
    if "=" not in text:
        raise ScenarioError(f"--vary '{text}' is not NAME=v1,v2,...", key="--vary",
                            expected="NAME=v1,v2,... (NAME a parameter, or a mechanism for its strength)")
    name, spec = text.split("=", 1)
    name = name.strip()
    try:
        values = [float(v) for v in spec.split(",") if v.strip()]
    except ValueError:
        raise ScenarioError(f"--vary {name}: '{spec}' is not a list of numbers", key="--vary",
                            expected="comma-separated numbers, e.g. 1,2,3") from None
    if not values:
        raise ScenarioError(f"--vary {name}: no values", key="--vary", expected="at least one value")
    import math
    if not all(math.isfinite(v) for v in values):
        raise ScenarioError(f"--vary {name}: values must be finite", key="--vary")
    mechs = mechanisms(subject)
    if name in mechs:
        return "mechanism", name, values
    if name in subject.game.parameters:
        return "parameter", name, values
    raise ScenarioError(f"--vary: '{name}' is neither a parameter nor a mechanism", key="--vary",
                        file=subject.file,
                        expected="one of " + ", ".join([*subject.game.parameters, *mechs]),
                        suggestion=did_you_mean(name, [*subject.game.parameters, *mechs]))


def parse_initial(subject, items):
    from .simulate import parse_initial as parse
    return parse(subject, items) if items else None


@click.command(epilog="""\b
Examples:
  evogame figure portrait scenarios/vertical.toml --out portrait.svg
  evogame figure portrait scenarios/rps.toml --out rps.pdf --speed
  evogame figure paths scenarios/vertical.toml --out paths.png --lang zh
  evogame figure sensitivity scenarios/vertical.toml --vary c_D=1,2,3,4 --out sens.svg
  evogame figure sensitivity scenarios/vertical.toml --vary platform=0,0.5,1 --out sens.svg
  evogame figure bifurcation scenarios/vertical.toml --sweep c_D=0:6:241 --out bif.svg
  evogame figure bifurcation scenarios/vertical.toml --sweep strength=0:1:201 -m platform --out bif.svg
  evogame figure regime scenarios/vertical.toml --sweep c_D=0:6:121 --sweep L=0:10:121 --out map.svg
  evogame figure basins scenarios/hidden_collusion.toml -m trust --out basins.png
""")
@click.argument("kind", type=click.Choice(KINDS))
@scenario_argument
@click.option("--out", "-o", type=click.Path(dir_okay=False), default=None,
              help="Output file (.pdf, .svg or .png); default KIND.svg in the current directory.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "svg", "png"]), default=None,
              help="Output format (default: from the file's extension).")
@param_option
@click.option("--mechanism", "-m", "mechanisms", multiple=True, metavar="NAME",
              help="Apply a mechanism of the scenario at strength 1 (repeatable); for bifurcation and regime "
                   "figures, the mechanisms whose 'strength' may be swept.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Labels in English or Chinese (Chinese needs a CJK font, e.g. fonts-noto-cjk).")
@click.option("--width", type=click.Choice(["single", "double"]), default="single", show_default=True,
              help="Printed width: single column (8.5 cm) or double column (17.5 cm).")
@click.option("--vary", default=None, metavar="NAME=v1,v2,...",
              help="sensitivity: the parameter (or mechanism, for its strength) and its values.")
@click.option("--sweep", "sweeps", multiple=True, metavar="NAME=LO:HI:N",
              help="bifurcation: one swept parameter; regime: two (NAME may be 'strength').")
@click.option("--target", default=None, metavar="STATE",
              help="regime: the state whose threshold curve is drawn (default: the scenario's target).")
@click.option("--initial", "-i", multiple=True, metavar="X,Y,...",
              help="paths/sensitivity: initial state(s) in reduced coordinates (repeatable).")
@click.option("--t-end", type=click.FloatRange(min=0, min_open=True), default=None,
              help="paths/sensitivity/portrait (cube): final time (default: the scenario's, else 50).")
@click.option("--slices", default=None, metavar="Z1,Z2",
              help="portrait of a 3-population game: add 2-D slices at these values of the third share.")
@click.option("--speed", is_flag=True, help="portrait: colour the streamlines by speed.")
@click.option("--samples", type=click.IntRange(min=16, max=200_000), default=2048, show_default=True,
              help="basins: number of sampled initial states.")
@click.option("--dpi", type=click.IntRange(min=50, max=1200), default=300, show_default=True,
              help="Resolution of PNG output.")
def command(kind, scenario, out, fmt, params, mechanisms, lang, width, vary, sweeps, target, initial, t_end,
            slices, speed, samples, dpi):
    """Draw one figure of SCENARIO: KIND is portrait, paths, sensitivity, regime, bifurcation or basins.

    The phase portrait's geometry follows the game's shape (line, simplex,
    unit square, unit cube); rest points are marked filled = asymptotically
    stable, open circle = unstable source, open square = saddle, half-filled =
    non-hyperbolic.  Same input, same bytes (SVG and PDF).
    """
    from .. import figures, plotting
    from ..studies.mechanisms import apply

    subject = load(scenario)
    overrides = parse_params(subject, params)
    out = out or f"{kind}.{fmt or 'svg'}"
    if kind in ("portrait", "paths", "basins", "sensitivity") and sweeps:
        raise ScenarioError(f"--sweep is for bifurcation and regime figures, not {kind}", key="--sweep")
    if kind != "sensitivity" and vary:
        raise ScenarioError(f"--vary is for sensitivity figures, not {kind}", key="--vary")
    work = subject.with_game(subject.game.with_values(**overrides))
    applied = apply(work, list(mechanisms)) if mechanisms and kind not in ("regime", "bifurcation") else work
    if kind == "portrait":
        options = {}
        if slices:
            try:
                options["slices"] = [float(v) for v in slices.split(",") if v.strip()]
            except ValueError:
                raise ScenarioError(f"--slices '{slices}' is not a list of numbers", key="--slices") from None
            if plotting.portrait_kind(applied) != "cube":
                raise ScenarioError("--slices is for three-population portraits (the unit cube)", key="--slices")
        if speed:
            if plotting.portrait_kind(applied) not in ("simplex", "square"):
                raise ScenarioError("--speed is for simplex and unit-square portraits", key="--speed")
            options["speed"] = True
        if t_end is not None and plotting.portrait_kind(applied) == "cube":
            options["t_end"] = t_end
        fig = plotting.portrait(applied, lang=lang, width=width, **options)
    elif kind == "paths":
        fig = plotting.paths(applied, parse_initial(subject, initial), t_end, lang=lang, width=width)
    elif kind == "sensitivity":
        if not vary:
            raise ScenarioError("a sensitivity figure needs --vary NAME=v1,v2,...", key="--vary",
                                expected="e.g. --vary c_D=1,2,3 or --vary platform=0,0.5,1")
        what, name, values = parse_vary(subject, vary)
        start = parse_initial(subject, initial)
        base = apply(work, list(mechanisms)) if mechanisms and what == "parameter" else work
        if what == "parameter":
            fig = figures.sensitivity(base, values, parameter=name, initial=start, t_end=t_end, lang=lang,
                                      width=width)
        else:
            fig = figures.sensitivity(base, values, mechanism=name, initial=start, t_end=t_end, lang=lang,
                                      width=width)
    elif kind in ("bifurcation", "regime"):
        from ..studies.sweeps import parse_axis
        wanted = 1 if kind == "bifurcation" else 2
        if len(sweeps) != wanted:
            raise ScenarioError(f"a {kind} figure needs {wanted} --sweep option{'s' if wanted > 1 else ''}, "
                                f"got {len(sweeps)}", key="--sweep", expected="NAME=LO:HI:N, e.g. c_D=0:6:121")
        from .sweep import check_grid_size
        try:
            axes = [parse_axis(a) for a in sweeps]
        except ScenarioError as exc:  # parse_axis speaks of --param, the option here is --sweep
            raise ScenarioError(exc.message.replace("--param", "--sweep"), key="--sweep", expected=exc.expected,
                                found=exc.found) from None
        check_grid_size(axes, "--sweep")
        for name, _ in axes:
            if name == "strength" and not mechanisms:
                raise ScenarioError("sweeping 'strength' needs --mechanism NAME", key="--sweep")
        if kind == "bifurcation":
            (name, values), = axes
            fig = figures.bifurcation(work, name, values, list(mechanisms), lang=lang, width=width)
        else:
            (xn, xv), (yn, yv) = axes
            fig = figures.regime_figure(work, xn, xv, yn, yv, list(mechanisms), target=target, lang=lang,
                                        width=width)
    else:  # basins
        fig = figures.basins_figure(applied, samples=samples, lang=lang, width=width)
    path = plotting.save_figure(fig, out, fmt, dpi=dpi)
    click.echo(f"wrote {path}", err=True)
