"""``evogame analyze``: the payoff table, replicator equations and rest-point table."""
from __future__ import annotations

import click

from ..cli import echo_json, json_option, jsonable, load, param_option, parse_params, scenario_argument


@click.command(epilog="""\b
Examples:
  evogame analyze scenarios/vertical.toml
  evogame analyze scenarios/vertical.toml -p c_D=0.5 --json
  evogame analyze scenarios/vertical.toml --symbolic
""")
@scenario_argument
@param_option
@click.option("--symbolic", is_flag=True,
              help="Also derive rest points, eigenvalues and stability conditions with symbolic parameters.")
@click.option("--budget", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="Seconds of exact solving per face before the numeric fallback.")
@click.option("--no-cache", "no_cache", is_flag=True,
              help="Recompute even if this file was analysed with the same options before, and store nothing.")
@json_option
def command(scenario, params, symbolic, budget, as_json, no_cache):
    """Find and classify every rest point of SCENARIO.

    Prints the payoff table, the replicator equations and, for every rest
    point on every face, its state, the eigenvalues of the Jacobian in the
    tangent space and its classification (asymptotically stable, unstable
    source, saddle, non-hyperbolic), with the tolerance used.

    The result is cached (see EVOGAME_CACHE_DIR in evogame --help), keyed by
    the file's content, the options and evogame's code: a second run on an
    unchanged file prints it without recomputing.
    """
    ctx = click.get_current_context()
    options = {k: v for k, v in ctx.params.items() if k not in ("scenario", "as_json", "no_cache")}
    key = None if no_cache else _cache_key(scenario, options)
    if key is not None:
        from .. import cache

        stored = cache.read("analyze", key)
        if stored is not None and isinstance(stored.get("text"), str) and "json" in stored:
            if as_json:
                echo_json(stored["json"])
            else:
                click.echo(stored["text"])
                click.echo("(cached result: the scenario file is unchanged; --no-cache recomputes)", err=True)
            return

    from ..analysis import analyze
    from ..text import analysis_text

    subject = load(scenario)
    result = analyze(subject, parse_params(subject, params), symbolic=symbolic, budget=budget)
    document = jsonable(result.to_dict())
    text = analysis_text(result)
    if key is not None:
        from .. import cache

        cache.write("analyze", key, {"json": document, "text": text})
    if as_json:
        echo_json(document)
    else:
        click.echo(text)


def _cache_key(path: str, options: dict) -> str | None:
    """The result's cache key, or None when the file cannot be read (load reports why)."""
    import os

    from .. import cache
    from ..scenario.checks import MAX_BYTES

    try:  # only a regular file of a sane size: a FIFO would block, /dev/zero never end
        if not os.path.isfile(path) or os.path.getsize(path) > MAX_BYTES:
            return None
        with open(path, "rb") as fh:
            content = fh.read(MAX_BYTES + 1)
    except OSError:
        return None
    return cache.result_key("analyze", content, {k: list(v) if isinstance(v, tuple) else v
                                                 for k, v in options.items()})
