"""``evogame finite``: finite populations under the pairwise-comparison (Fermi) process."""
from __future__ import annotations

import click

from ..options import FINITE, json_option, mechanism_option, param_option, scenario_argument, strength_option
from ..output import echo_json
from ..values import load, parse_params, parse_population_sizes
from ...util.formatting import number

__all__ = ["command", "sweep_text"]


def sweep_text(sweep) -> str:
    """The sweep as a table: the value, the target's stationary probability and the mean shares."""
    rows = [(sweep.name, "P(target), mu -> 0", "mean shares, mu -> 0", "P(target), full chain", "mean shares, full")]
    for r in sweep.rows:
        shares = ", ".join(number(v, 4) for v in r["mean_shares"].values())
        full = r.get("full_mean_shares")
        rows.append((number(r["value"], 6), number(r["target_probability"], 4), shares,
                     number(r["full_target_probability"], 4) if full else "-",
                     ", ".join(number(v, 4) for v in full.values()) if full else "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join([f"target {sweep.target}; Z = {', '.join(map(str, sweep.process.sizes))}, "
                      f"beta = {number(sweep.process.beta)}, mu = {number(sweep.process.mutation)}"] + lines)


@click.command(epilog="""\b
Examples:
  evogame finite scenarios/vertical.toml --size 50 --beta 1 --figure invasion.svg
  evogame finite scenarios/platform_public_good.toml --size 30 --beta 1 --mutation 0.01 --json
  evogame finite scenarios/dual_leadership.toml --size 100 --beta 0.5 -m escalation
  evogame finite scenarios/platform_public_good.toml --size 30 --mutation 0.01 -m incentive --sweep strength=0:1:11
""")
@scenario_argument
@click.option("--size", "size", default="50", show_default=True, metavar="Z[,Z2,...]",
              help="Individuals per population: one number for all, or one per population.")
@click.option("--beta", type=FINITE, default=1.0, show_default=True,
              help="Selection intensity of the Fermi rule (0: neutral drift).")
@click.option("--mutation", type=FINITE, default=0.0, show_default=True,
              help="Exploration probability per revision; > 0 adds the full chain's stationary distribution.")
@mechanism_option()
@strength_option()
@param_option
@click.option("--sweep", default=None, metavar="NAME=LO:HI:N",
              help="Repeat along a parameter (or 'strength' of the mechanisms): the stationary sharing level.")
@click.option("--figure", "figure", default=None, metavar="PATH",
              help="Also draw the invasion diagram, gradient of selection and stationary distribution (pdf, svg, png).")
@json_option
def command(scenario, size, beta, mutation, mechanisms, strength, params, sweep, figure, as_json):
    """Finite populations of SCENARIO under the pairwise-comparison (Fermi) process.

    Each population has Z individuals; a revising individual explores another
    strategy with probability MU, else imitates a random other member of its
    population with probability 1/(1 + exp(-beta (pi_model - pi_self))).
    Prints the fixation probability of every single mutant between the pure
    profiles (against neutral 1/Z), the stationary distribution in the
    small-mutation limit, with MU > 0 the full chain's stationary
    distribution, and the mean sharing level (share of the target strategy).
    Nothing is sampled: every number is exact up to linear algebra.
    """
    from ...studies.finite import finite, finite_sweep
    from ...studies.sweeps import parse_axis

    subject = load(scenario)
    sizes = parse_population_sizes(size)
    overrides = parse_params(subject, params)
    if sweep:
        name, values = parse_axis(sweep)
        result = finite_sweep(subject, name, values, sizes, beta, mutation, mechanisms=list(mechanisms),
                              strength=strength, params=overrides)
        if as_json:
            echo_json(result.to_dict())
        else:
            click.echo(sweep_text(result))
        return
    result = finite(subject, sizes, beta, mutation, mechanisms=list(mechanisms), strength=strength, params=overrides)
    if figure:
        from ...plotting.finite import finite_figure
        from ...plotting.style import save_figure
        save_figure(finite_figure(result, game=subject.game), figure)
    if as_json:
        echo_json(result.to_dict())
    else:
        click.echo(result.text())
