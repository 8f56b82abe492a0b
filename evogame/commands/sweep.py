"""``evogame sweep``: classification along one parameter, or a two-parameter regime map."""
from __future__ import annotations

import sys
import time

import click

from ..cli import echo_json, json_option, load, scenario_argument
from ..errors import ScenarioError


class _Progress:
    """A click progress bar on stderr, shown only after a second and only on a terminal."""

    def __init__(self, enabled: bool, label: str):
        self.enabled = enabled and sys.stderr.isatty()
        self.label = label
        self.start = time.monotonic()
        self.bar = None
        self.done = 0

    def __call__(self, done: int, total: int):
        if not self.enabled:
            return
        if self.bar is None:
            if time.monotonic() - self.start < 1.0:
                self.done = done
                return
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
            self.bar.update(self.done)
        self.bar.update(done - self.done)
        self.done = done

    def close(self):
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


#: largest regime map (cells) the command computes: memory and time grow with it (~1 GB per 2e6 cells)
MAX_CELLS = 250_000


def check_grid_size(axes, option: str) -> None:
    """Refuse a regime map with more than MAX_CELLS cells before any work is done."""
    cells = 1
    for _, values in axes:
        cells *= len(values)
    if len(axes) > 1 and cells > MAX_CELLS:
        raise ScenarioError(f"{option}: a regime map of {' x '.join(str(len(v)) for _, v in axes)} = {cells} cells "
                            "is too large", key=option, expected=f"at most {MAX_CELLS} cells (e.g. 500 x 500)")


@click.command(epilog="""\b
Examples:
  evogame sweep scenarios/vertical.toml --param c_D=0:5:101
  evogame sweep scenarios/vertical.toml --param strength=0:1:101 --mechanism platform
  evogame sweep scenarios/vertical.toml --param c_D=0:5:200 --param d=0:1:200 --out map.csv
""")
@scenario_argument
@click.option("--param", "-p", "axes", multiple=True, required=True, metavar="NAME=LO:HI:N",
              help="A swept parameter and its grid (once: a sweep; twice: a regime map). "
                   "NAME may be 'strength' of the given mechanisms.")
@click.option("--mechanism", "-m", "mechanisms", multiple=True, metavar="NAME",
              help="Apply this mechanism (repeatable), at --strength unless 'strength' is swept.")
@click.option("--strength", "-s", type=float, default=1.0, show_default=True,
              help="Strength of the mechanisms when it is not swept.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the result to FILE.csv or FILE.json.")
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Give another parameter a new default value (repeatable).")
@json_option
def command(scenario, axes, mechanisms, strength, out, overrides, as_json):
    """How the rest points of SCENARIO change along one or two parameters.

    One --param: every rest point's classification along the grid and the
    bifurcation points (where a classification changes), located by
    bisection.  Two: a regime map, the set of asymptotically stable states in
    every cell (CSV columns: the two parameters and stable_set).
    """
    import math

    from ..studies.sweeps import parse_axis, sweep
    from .threshold import parse_set

    if len(axes) > 2:
        raise ScenarioError(f"{len(axes)} --param options", key="--param",
                            expected="one (a sweep) or two (a regime map)")
    if not math.isfinite(strength):
        raise ScenarioError(f"--strength {strength} is not finite", key="--strength", expected="a number")
    if out is not None and not out.lower().endswith((".csv", ".json")):
        raise ScenarioError(f"--out '{out}': unknown format", key="--out", expected="a file name ending .csv or .json")
    parsed = [parse_axis(a) for a in axes]
    check_grid_size(parsed, "--param")
    subject = load(scenario)
    progress = _Progress(not as_json, "analysing each grid point")
    try:
        result = sweep(subject, parsed, list(mechanisms), strength=strength, params=parse_set(subject, overrides),
                       progress=progress)
    finally:
        progress.close()
    if out is not None:
        import json

        from ..cli import jsonable
        text = (json.dumps(jsonable(result.to_dict()), ensure_ascii=False, allow_nan=False)
                if out.lower().endswith(".json") else result.csv())
        try:
            with open(out, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise ScenarioError(f"cannot write the output ({exc.strerror})", file=out) from None
        if not as_json:
            click.echo(f"wrote {out}", err=True)
    if as_json:
        echo_json(result.to_dict())
    else:
        click.echo(result.table())
