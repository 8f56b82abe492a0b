"""``evogame cases``: the declared parameter box split into cases by the stable set."""
from __future__ import annotations

import click

from ..options import (budget_option, dynamics_option, json_option, lang_option, mechanism_option, param_option,
                           scenario_argument, strength_option)
from ..output import echo_json, write_output
from ..values import load, parse_params

__all__ = ["command"]

FORMATS = ("text", "markdown", "latex")


@click.command(epilog="""\b
Examples:
  evogame cases scenarios/vertical.toml
  evogame cases scenarios/vertical.toml -p V_U=6 --format markdown
  evogame cases scenarios/vertical.toml --format latex --out cases.tex
  evogame cases scenarios/vertical.toml --lang zh --json
""")
@scenario_argument
@param_option
@mechanism_option()
@strength_option()
@dynamics_option
@click.option("--samples", type=click.IntRange(min=16), default=4096, show_default=True,
              help="Size of the quasi-random design of the box that finds the cases.")
@click.option("--check", type=click.IntRange(min=0), default=2000, show_default=True,
              help="Size of the independent uniform sample that checks the cases cover the box (0: no check).")
@click.option("--confirm", type=click.IntRange(min=0), default=8, show_default=True,
              help="How many of the checked points are also analysed one by one (beside every witness).")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Seed of the design and of the check (same seed, same table).")
@budget_option("Seconds of exact solving per face (symbolic rest points) before giving up on a face.")
@lang_option("Labels of the table in English or Chinese (the scenario's label_zh names).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Print the table as text, Markdown or a LaTeX document.")
@click.option("--out", default=None, metavar="FILE", help="Also write the table (in --format) to FILE.")
@json_option
def command(scenario, params, mechanisms, strength, dynamics, samples, check, confirm, seed, budget, lang, fmt, out,
            as_json):
    """Split the declared parameter box of SCENARIO into cases by which rest points are stable.

    Every parameter with a declared range varies over it (those set with
    -p, and those without a range, stay at their values).  The cases are
    the sign patterns of the eigenvalue expressions of the rest points whose
    stability changes in the box, merged where they have the same stable
    set; each case has its condition, its stable set (E-numbers of the
    rest-point table of `evogame analyze`) and a witness: parameter values
    inside the box where the analysis finds exactly that stable set.  A
    second sample checks that the cases cover the box.
    """
    from ...studies.cases import cases
    from ...studies.mechanisms import apply

    subject = load(scenario)
    overrides = parse_params(subject, params)
    if mechanisms:
        subject = apply(subject, list(mechanisms), strength)
    table = cases(subject, overrides, samples=samples, seed=seed, check=check, confirm=confirm, budget=budget,
                  dynamics=dynamics)
    text = {"text": table.to_text, "markdown": table.to_markdown, "latex": table.to_latex}[fmt](lang)
    if out is not None:
        write_output(out, text)
        if not as_json:
            click.echo(f"wrote {out}", err=True)
    if as_json:
        echo_json(table.to_dict())
    else:
        click.echo(text.rstrip("\n"))
