"""``evogame figure``: draw one publication figure of a scenario.

What each kind needs computed lives in :mod:`evogame.plotting.recipes` (the recipes);
this command parses its options and hands them over.
"""
from __future__ import annotations

import math

import click

from ..noise import figure_noise_options
from ..options import (delay_option, lang_option, mechanism_option, param_option, scenario_argument,
                           width_option)
from ..values import check_grid_size, load, parse_delay, parse_initial, parse_params
from ...errors import ScenarioError, did_you_mean

KINDS = ("portrait", "paths", "sensitivity", "regime", "bifurcation", "curves", "basins", "dynamics", "noise", "noise-ends",
         "perception", "delay")
#: the curves figure's regime grid, points per axis, when a --sweep gives no N
CURVES_GRID = 41


def parse_vary(subject, text: str):
    """``"c_D=1,2,3"`` -> ``("parameter", "c_D", [1, 2, 3])``; a mechanism name varies its strength."""
    if "=" not in text:
        raise ScenarioError(f"'{text}' is not NAME=v1,v2,...", argument="vary",
                            expected="NAME=v1,v2,... (NAME a parameter, or a mechanism for its strength)")
    name, spec = text.split("=", 1)
    name = name.strip()
    try:
        values = [float(v) for v in spec.split(",") if v.strip()]
    except ValueError:
        raise ScenarioError(f"{name}: '{spec}' is not a list of numbers", argument="vary",
                            expected="comma-separated numbers, e.g. 1,2,3") from None
    if not values:
        raise ScenarioError(f"{name}: no values", argument="vary", expected="at least one value")
    if not all(math.isfinite(v) for v in values):
        raise ScenarioError(f"{name}: values must be finite", argument="vary")
    mechs = list(subject.mechanisms)
    if name in mechs:
        return "mechanism", name, values
    if name in subject.game.parameters:
        return "parameter", name, values
    raise ScenarioError(f"'{name}' is neither a parameter nor a mechanism", argument="vary", file=subject.file,
                        expected="one of " + ", ".join([*subject.game.parameters, *mechs]),
                        suggestion=did_you_mean(name, [*subject.game.parameters, *mechs]))


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
  evogame figure curves scenarios/rps.toml --sweep l=0.1:2:21 --sweep w=0.7:2:21 --dynamics logit:eta=0.1
  evogame figure curves scenarios/vertical.toml --sweep strength=0:1 --sweep c_D=0:6 -m dynamic_penalty
  evogame figure basins scenarios/hidden_collusion.toml -m trust --out basins.png
  evogame figure dynamics scenarios/rps.toml --out dynamics.svg
  evogame figure dynamics scenarios/rps.toml --dynamics replicator --dynamics logit:eta=0.1 --out two.svg
  evogame figure portrait scenarios/rps.toml --dynamics smith --out smith.svg
  evogame figure bifurcation scenarios/vertical.toml --sweep c_D=0:6:241 --dynamics smith --out bif.svg
  evogame figure noise scenarios/vertical.toml --noise 0.2 --noise 0.5 --noise 1 --out noise.svg
  evogame figure noise-ends scenarios/vertical.toml --form "x(1-x)" --out ends.svg
  evogame figure delay scenarios/vertical.toml -m dynamic_penalty --out delay.svg
  evogame figure delay scenarios/vertical.toml -m dynamic_penalty --sweep strength=0:1:41 --out tau.svg
  evogame figure paths scenarios/vertical.toml -m dynamic_penalty --delay 0.1 --out delayed.svg
  evogame figure perception scenarios/perceived_sharing.toml -m subsidy --sweep lam=0:4:41 --out lam.svg
""")
@click.argument("kind", type=click.Choice(KINDS))
@scenario_argument
@click.option("--out", "-o", type=click.Path(dir_okay=False), default=None,
              help="Output file (.pdf, .svg or .png); default KIND.svg in the current directory.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "svg", "png"]), default=None,
              help="Output format (default: from the file's extension).")
@param_option
@mechanism_option("Apply a mechanism of the scenario at strength 1 (repeatable); for bifurcation and regime "
                  "figures, the mechanisms whose 'strength' may be swept.")
@lang_option()
@width_option()
@click.option("--vary", default=None, metavar="NAME=v1,v2,...",
              help="sensitivity: the parameter (or mechanism, for its strength) and its values.")
@click.option("--sweep", "sweeps", multiple=True, metavar="NAME=LO:HI:N",
              help="bifurcation: one swept parameter; regime: two; curves: two, the continued one first (N, "
                   f"optional, the regime map's grid, default {CURVES_GRID}); delay: tau* along one (NAME may be "
                   "'strength').")
@click.option("--target", default=None, metavar="STATE",
              help="regime: the state whose threshold curve is drawn (default: the scenario's target).")
@click.option("--initial", "-i", multiple=True, metavar="X,Y,...",
              help="paths/sensitivity: initial state(s) in reduced coordinates (repeatable).")
@click.option("--t-end", type=click.FloatRange(min=0, min_open=True), default=None,
              help="paths/sensitivity/portrait (cube)/noise-ends: final time (default: the scenario's, else 50); "
                   "noise: default three times the deterministic path's settling time.")
@click.option("--slices", default=None, metavar="Z1,Z2",
              help="portrait of a 3-population game: add 2-D slices at these values of the third share.")
@click.option("--speed", is_flag=True, help="portrait: colour the streamlines by speed.")
@click.option("--samples", type=click.IntRange(min=16, max=200_000), default=4096, show_default=True,
              help="basins: number of sampled initial states (the same default as `evogame basins`).")
@click.option("--dpi", type=click.IntRange(min=50, max=1200), default=300, show_default=True,
              help="Resolution of PNG output.")
@click.option("--dynamics", "dynamics", multiple=True, metavar="NAME[:KEY=VALUE,...]",
              help="dynamics: the two to four dynamics compared (default: replicator, logit:eta=0.5, bnn, smith); "
                   "other kinds: the one dynamics followed (default: the scenario's [dynamics], else replicator).")
@figure_noise_options
@delay_option
def command(kind, scenario, out, fmt, params, mechanisms, lang, width, vary, sweeps, target, initial, t_end,
            slices, speed, samples, dpi, dynamics, delay, **stochastic):
    """Draw one figure of SCENARIO: KIND is portrait, paths, sensitivity, regime, bifurcation, curves, basins,
    dynamics, noise, noise-ends, perception or delay.

    The phase portrait's geometry follows the game's shape (line, simplex,
    unit square, unit cube); rest points are marked filled = asymptotically
    stable, open circle = unstable source, open square = saddle, half-filled =
    non-hyperbolic.  delay: paths of the replicator with delayed payoffs at
    tau = 0.5 tau* and 1.5 tau* (docs/how-to/delay.md), or with --sweep the
    critical delay tau* along a parameter or mechanism strength.  curves:
    the two-parameter bifurcation diagram, the fold (LP), Hopf (H) and
    branch-point (BP) curves continued from the folds and Hopf points met
    along the first --sweep, over the regime map of both.  Same input, same
    bytes (SVG and PDF).
    """
    from ...plotting import recipes as figures
    from ... import plotting   # matplotlib: loaded only when a figure is drawn
    from ...dynamics import with_dynamics
    from ...studies.mechanisms import apply

    subject = load(scenario)
    work = subject.with_game(subject.game.with_values(**parse_params(subject, params)))
    if dynamics and kind not in ("portrait", "dynamics"):
        if len(dynamics) > 1:
            raise ScenarioError(f"a {kind} figure follows one dynamics", key="--dynamics",
                                expected="one --dynamics (or the dynamics figure to compare several)")
        work = with_dynamics(work, dynamics[0])      # every study behind the figure follows it
    out = out or f"{kind}.{fmt or 'svg'}"
    if kind in ("portrait", "paths", "basins", "sensitivity") and sweeps:
        raise ScenarioError(f"--sweep is for bifurcation and regime figures, not {kind}", key="--sweep")
    if kind != "sensitivity" and vary:
        raise ScenarioError(f"--vary is for sensitivity figures, not {kind}", key="--vary")
    work = _with_delay(kind, work, parse_delay(subject, delay) if kind != "delay" else None)
    mechanisms = list(mechanisms)
    applied = apply(work, mechanisms) if mechanisms and kind not in ("regime", "bifurcation", "curves") else work
    style = dict(lang=lang, width=width)
    if kind == "portrait":
        fig = _portrait(plotting, applied, dynamics, _portrait_options(plotting, applied, slices, speed, t_end), style)
    elif kind == "dynamics":
        fig = figures.dynamics_figure(applied, list(dynamics) or figures.DEFAULT_DYNAMICS, lang=lang,
                                      width=width if width != "single" else "double")
    elif kind == "paths":
        fig = plotting.paths(applied, parse_initial(subject, initial) or None, t_end, **style)
    elif kind == "sensitivity":
        fig = _sensitivity(figures, work, applied, vary, initial, t_end, style)
    elif kind in ("bifurcation", "regime"):
        fig = _sweep_figure(figures, kind, work, sweeps, mechanisms, target, style)
    elif kind == "curves":
        fig = _curves_figure(figures, work, sweeps, mechanisms, target, style)
    elif kind in ("noise", "noise-ends"):
        fig = figures.noise_figure(applied, stochastic["sigmas"] or figures.DEFAULT_SIGMAS, ends=kind == "noise-ends",
                                   initial=parse_initial(subject, initial) or None, t_end=t_end, form=stochastic["form"],
                                   paths=stochastic["paths"], seed=stochastic["seed"], **style)
    elif kind == "perception":
        fig = _perception_figure(figures, work, sweeps, mechanisms, target, style)
    elif kind == "delay":
        delays = [parse_delay(subject, [item]) for item in delay] or None    # each a number, or POP=TAU
        fig = _delay_figure(figures, work, sweeps, mechanisms, parse_initial(subject, initial) or None, t_end,
                            delays, style)
    else:  # basins
        fig = figures.basins_figure(applied, samples=samples, **style)
    path = plotting.save_figure(fig, out, fmt, dpi=dpi)
    click.echo(f"wrote {path}", err=True)


def _portrait(plotting, applied, dynamics, options, style):
    """The phase portrait under one dynamics (the replicator unless --dynamics names another)."""
    if len(dynamics) > 1:
        raise ScenarioError("a portrait draws one dynamics", key="--dynamics",
                            expected="one --dynamics (or the dynamics figure to compare several)")
    if not dynamics:
        return plotting.portrait(applied, **options, **style)
    from ...engine.analysis import analyze
    return plotting.portrait(applied, analysis=analyze(applied, dynamics=dynamics[0]), **options, **style)


def _portrait_options(plotting, applied, slices, speed, t_end) -> dict:
    """``--slices``, ``--speed`` and ``--t-end``, each checked against the portrait's geometry."""
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
    return options


def _sensitivity(figures, work, applied, vary, initial, t_end, style):
    """Paths for several values of a parameter (mechanisms applied) or of a mechanism's strength."""
    if not vary:
        raise ScenarioError("a sensitivity figure needs --vary NAME=v1,v2,...", key="--vary",
                            expected="e.g. --vary c_D=1,2,3 or --vary platform=0,0.5,1")
    what, name, values = parse_vary(work, vary)
    start = parse_initial(work, initial) or None
    if what == "parameter":
        return figures.sensitivity(applied, values, parameter=name, initial=start, t_end=t_end, **style)
    return figures.sensitivity(work, values, mechanism=name, initial=start, t_end=t_end, **style)


def _sweep_figure(figures, kind, work, sweeps, mechanisms, target, style):
    """A bifurcation diagram (one ``--sweep``) or a regime map (two)."""
    from ...studies.sweeps import parse_axis
    wanted = 1 if kind == "bifurcation" else 2
    if len(sweeps) != wanted:
        raise ScenarioError(f"a {kind} figure needs {wanted} --sweep option{'s' if wanted > 1 else ''}, "
                            f"got {len(sweeps)}", key="--sweep", expected="NAME=LO:HI:N, e.g. c_D=0:6:121")
    axes = [parse_axis(a) for a in sweeps]   # its errors name the argument 'param', shown as --sweep here
    check_grid_size(axes)
    if any(name == "strength" for name, _ in axes) and not mechanisms:
        raise ScenarioError("sweeping 'strength' needs --mechanism NAME", key="--sweep")
    if kind == "bifurcation":
        (name, values), = axes
        return figures.bifurcation(work, name, values, mechanisms, **style)
    (xn, xv), (yn, yv) = axes
    return figures.regime_figure(work, xn, xv, yn, yv, mechanisms, target=target, **style)


def _curves_figure(figures, work, sweeps, mechanisms, target, style):
    """The fold and Hopf curves over the regime map: two --sweep NAME=LO:HI[:N], the continued parameter first."""
    if len(sweeps) != 2:
        raise ScenarioError(f"a curves figure needs 2 --sweep options, got {len(sweeps)}", key="--sweep",
                            expected="the continued parameter, then the other: NAME=LO:HI[:N] each, e.g. "
                                     "--sweep l=0.1:2 --sweep w=0.7:2")
    if target is not None:
        raise ScenarioError("--target is for regime figures, not curves", key="--target")
    axes = [_curves_axis(a) for a in sweeps]      # their errors name 'param', shown as --sweep
    check_grid_size(axes)
    (first, xv), (second, yv) = axes
    if second == "strength":
        raise ScenarioError("'strength' can only be the first --sweep of a curves figure (the continued one)",
                            key="--sweep", expected="--sweep strength=LO:HI -m MECHANISM first")
    if first == "strength" and not mechanisms:
        raise ScenarioError("sweeping 'strength' needs --mechanism NAME", key="--sweep")
    return figures.curves_figure(work, first, xv, second, yv, mechanisms, **style)


def _curves_axis(text: str):
    """``NAME=LO:HI:N`` as every --sweep, or ``NAME=LO:HI`` on the default grid."""
    from ...studies.sweeps import parse_axis
    if text.count(":") != 1:
        return parse_axis(text)
    try:
        return parse_axis(f"{text}:{CURVES_GRID}")
    except ScenarioError:
        raise ScenarioError(f"'{text}' is not NAME=LO:HI with two finite numbers LO < HI", argument="param",
                            expected="NAME=LO:HI or NAME=LO:HI:N, e.g. c_D=0:6 or c_D=0:6:81") from None


def _perception_figure(figures, work, sweeps, mechanisms, target, style):
    """The threshold against loss aversion (with --mechanism) or the stable set on (lam, alpha); --sweep: lam's grid."""
    from ...studies.perception import behavioural_names
    from ...studies.sweeps import parse_axis
    lam_name, _ = behavioural_names(work)
    axes = [parse_axis(a) for a in sweeps]
    if len(axes) > 1 or any(name != lam_name for name, _ in axes):
        raise ScenarioError(f"a perception figure takes at most one --sweep, of loss aversion '{lam_name}'",
                            key="--sweep", expected=f"{lam_name}=LO:HI:N")
    lams = axes[0][1] if axes else None
    return figures.perception_figure(work, mechanisms, lams, target=target, **style)


def _with_delay(kind, work, delay):
    """paths: the scenario with --delay as its [delay]; delay figures take --delay themselves."""
    if delay is None or kind == "delay":
        return work
    if kind != "paths":
        raise ScenarioError(f"--delay is for paths and delay figures, not {kind}", key="--delay")
    from dataclasses import replace

    from ...scenario.delay import DelaySettings
    return replace(work, delay=DelaySettings(delay))


def _delay_figure(figures, work, sweeps, mechanisms, initial, t_end, delay, style):
    """Paths below and above tau* (or at --delay values), or tau* along one --sweep NAME=LO:HI:N."""
    from ...studies.sweeps import parse_axis
    if len(sweeps) > 1:
        raise ScenarioError(f"a delay figure takes at most one --sweep, got {len(sweeps)}", key="--sweep",
                            expected="NAME=LO:HI:N, e.g. strength=0:1:41 with -m MECHANISM")
    sweep = parse_axis(sweeps[0]) if sweeps else None
    if sweep is not None and sweep[0] == "strength" and not mechanisms:
        raise ScenarioError("sweeping 'strength' needs --mechanism NAME", key="--sweep")
    if delay is not None and (sweep is not None or any(isinstance(t, dict) for t in delay)):
        raise ScenarioError("a delay figure takes --delay TAU (repeatable) for the delays of its paths",
                            key="--delay", expected="common delays, without --sweep")
    return figures.delay_figure(work, sweep=sweep, mechanisms=mechanisms, delays=delay, initial=initial,
                                t_end=t_end, **style)
