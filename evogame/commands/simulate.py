"""``evogame simulate``: integrate the replicator dynamics and print or write the paths."""
from __future__ import annotations

import click

from ..cli import echo_json, json_option, load, param_option, parse_params, scenario_argument
from ..errors import ScenarioError


def parse_initial(subject, items) -> list[list[float]]:
    """``["0.5,0.5", ...]`` -> reduced-coordinate rows, checked for length."""
    rows = []
    for item in items:
        try:
            row = [float(v) for v in item.replace(";", ",").split(",") if v.strip()]
        except ValueError:
            raise ScenarioError(f"--initial '{item}' is not a list of numbers", key="--initial",
                                expected="comma-separated numbers, e.g. 0.5,0.5") from None
        if len(row) != subject.game.dimension:
            raise ScenarioError(f"--initial '{item}' has {len(row)} numbers", key="--initial",
                                expected=f"{subject.game.dimension} (the shares of every strategy but the last, "
                                         f"per population: {', '.join(str(v) for v in subject.game.variables)})")
        rows.append(row)
    return rows


@click.command(epilog="""\b
Examples:
  evogame simulate scenarios/vertical.toml --initial 0.5,0.5 --initial 0.2,0.8 --t-end 20
  evogame simulate scenarios/vertical.toml --initial 0.5,0.5 --out paths.csv
""")
@scenario_argument
@param_option
@click.option("--initial", "-i", multiple=True, metavar="X,Y,...",
              help="An initial state in reduced coordinates (repeatable); default: the scenario's "
                   "[simulation] initial states, else the centre.")
@click.option("--t-end", type=float, default=None, help="Final time (default: the scenario's, else 50).")
@click.option("--points", type=click.IntRange(min=2, max=100000), default=201, show_default=True,
              help="Number of saved times.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the paths as CSV to this file instead of stdout.")
@json_option
def command(scenario, params, initial, t_end, points, out, as_json):
    """Integrate the replicator dynamics of SCENARIO from initial states.

    CSV columns: start, t, then one column per state variable (the share of
    every strategy but the last, per population).
    """
    import numpy as np

    from ..simulation import simulate

    subject = load(scenario)
    settings = subject.simulation
    if initial:
        starts = parse_initial(subject, initial)
    elif settings.initial is not None:
        starts = list(settings.initial)
    else:
        starts = [[1.0 / p.n for _ in range(p.n - 1)] for p in subject.game.populations]
        starts = [[v for block in starts for v in block]]
    if t_end is None:
        t_end = 50.0 if settings.t_end is None else settings.t_end
    if not (t_end > 0 and np.isfinite(t_end)):
        raise ScenarioError(f"--t-end {t_end} is not a positive number", key="--t-end")
    result = simulate(subject, starts, t_end, params=parse_params(subject, params), n_points=points)
    if as_json:
        echo_json(result.to_dict())
        return
    header = ["start", "t"] + [str(v) for v in subject.game.variables]
    lines = [",".join(header)]
    for b in range(result.paths.shape[0]):
        for k, t in enumerate(result.times):
            lines.append(",".join([str(b), f"{t:.10g}"] + [f"{v:.12g}" for v in result.paths[b, k]]))
    text = "\n".join(lines) + "\n"
    if out:
        try:
            with open(out, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise ScenarioError(f"cannot write the output ({exc.strerror})", file=out) from None
        click.echo(f"wrote {result.paths.shape[0]} paths x {len(result.times)} times to {out}", err=True)
    else:
        click.echo(text, nl=False)
