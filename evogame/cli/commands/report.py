"""``evogame report``: a paper's whole standard output for one scenario."""
from __future__ import annotations

import click

from ..options import (budget_option, dynamics_option, json_option, lang_option, mechanism_option, param_option,
                           scenario_argument, width_option)
from ..noise import noise_option, parse_noise
from ..output import echo_json
from ..progress import steps
from ..values import load, parse_kinds, parse_params, parse_population_sizes
from ...errors import ScenarioError


@click.command(epilog="""\b
Examples:
  evogame report scenarios/vertical.toml --out out/
  evogame report scenarios/vertical.toml --mechanism platform --out out-platform/
  evogame report scenarios/hawk_dove.toml --lang zh --out out-zh/
  evogame report scenarios/vertical.toml --kinds portrait,paths --out quick/
  evogame report scenarios/vertical.toml --format png --out slides/
""")
@scenario_argument
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False), metavar="DIR",
              help="Directory for report.md, report.tex, analysis.json and figures/ (created if needed).")
@mechanism_option("Apply a mechanism (strength 1) to the analysed game (repeatable); these are also the "
                  "mechanisms whose sensitivity and bifurcation figures are drawn (default: all declared).")
@param_option
@lang_option("Report and figure labels in English or Chinese (figures need a CJK font for Chinese).")
@width_option("Figure width: single column (8.5 cm) or double column (17.5 cm).")
@click.option("--kinds", default=None, metavar="K1,K2,...",
              help="Only these figure kinds (portrait, paths, sensitivity, bifurcation, regime, curves, basins).")
@budget_option("Seconds of symbolic solving per face (stability conditions, thresholds) before the "
               "numeric fallback.")
@click.option("--no-symbolic", is_flag=True,
              help="Leave out the symbolic stability conditions (the slow part for three populations).")
@click.option("--format", "formats", multiple=True, type=click.Choice(["svg", "pdf", "png"]),
              help="Figure formats written (repeatable; default svg and pdf). report.md shows SVG (else PNG), "
                   "report.tex includes PDF (else PNG).")
@dynamics_option
@noise_option
@click.option("--finite", "finite", default=None, metavar="Z[:BETA[:MU]]",
              help="Add a 'Finite populations' section: Z per population, selection intensity (default 1) and "
                   "exploration (default 0.01).")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
@json_option
def command(scenario, out, mechanisms, params, lang, width, kinds, budget, no_symbolic, formats, dynamics, noise,
            finite, quiet, as_json):
    """Write the standard output of a paper on SCENARIO into DIR.

    report.md and report.tex (a complete LaTeX document): parameters, payoff
    table, replicator equations, rest points with eigenvalues and
    classification, symbolic stability conditions, thresholds of the
    declared mechanisms and every figure that applies (SVG for the Markdown,
    PDF for the LaTeX), plus analysis.json with the numbers in full.
    With --noise (or a scenario [noise] sigma), a section on the stochastic
    stability of the pure profiles.
    """
    from ...render.report import FIGURE_KINDS, report

    subject = load(scenario)
    overrides = parse_params(subject, params)
    chosen = parse_kinds(kinds, FIGURE_KINDS)
    for name in mechanisms:
        subject.mechanism(name)          # unknown names fail before any work
    result = report(subject, out, mechanisms=list(mechanisms), params=overrides, lang=lang, kinds=chosen,
                    width=width, budget=budget, symbolic=not no_symbolic, dynamics=dynamics,
                    noise=parse_noise(subject, noise), figure_formats=formats or ("svg", "pdf"),
                    finite=_finite_options(finite), progress=steps("report", not (quiet or as_json)))
    if as_json:
        echo_json(result.to_dict())
        return
    click.echo(f"wrote {result.markdown}, {result.latex} and {len(result.figures)} figures in "
               f"{result.directory / 'figures'} ({result.seconds:.1f} s)")
    for kind, reason in result.skipped:
        click.echo(f"  not drawn: {kind}: {reason}")


def _finite_options(text: str | None) -> dict | None:
    """``"30:1:0.01"`` -> ``{"sizes": [30], "beta": 1.0, "mutation": 0.01}``."""
    if text is None:
        return None
    parts = text.split(":")
    try:
        numbers = [float(v) for v in parts[1:]]
    except ValueError:
        numbers = None
    if numbers is None or len(parts) > 3:
        raise ScenarioError(f"'{text}' is not Z[:BETA[:MU]]", argument="--finite",
                            expected="a population size, then optionally beta and mu, e.g. 30:1:0.01")
    beta, mutation = (numbers + [1.0, 0.01][len(numbers):])[:2]
    return {"sizes": parse_population_sizes(parts[0]), "beta": beta, "mutation": mutation}
