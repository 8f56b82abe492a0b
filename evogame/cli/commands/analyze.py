"""``evogame analyze``: the payoff table, replicator equations and rest-point table."""
from __future__ import annotations

import os

import click

from ...util import cache
from ..options import (budget_option, delay_option, dynamics_option, json_option, lang_option,
                           mechanism_option, param_option, scenario_argument, strength_option)
from ..noise import analyze_noise_options, stochastic_stability_section
from ..output import echo_json
from ..progress import ProgressBar, steps
from ..values import load, parse_delay, parse_params
from ...util.formatting import jsonable
from ...render.plain import fit_text
from ...scenario.checks import MAX_BYTES


@click.command(epilog="""\b
Examples:
  evogame analyze scenarios/vertical.toml
  evogame analyze scenarios/vertical.toml -p c_D=0.5 --json
  evogame analyze scenarios/vertical.toml -m platform
  evogame analyze scenarios/vertical.toml --symbolic
  evogame analyze scenarios/rps.toml --dynamics logit:eta=0.5
  evogame analyze scenarios/vertical.toml --noise 0.5 --form "x(1-x)"
  evogame analyze scenarios/vertical.toml -m dynamic_penalty --delay 1
  evogame analyze scenarios/vertical.toml --lang zh
""")
@scenario_argument
@param_option
@mechanism_option()
@strength_option()
@dynamics_option
@delay_option
@click.option("--symbolic", is_flag=True,
              help="Also derive rest points, eigenvalues and stability conditions with symbolic parameters.")
@budget_option("Seconds of exact solving per face before the numeric fallback.")
@click.option("--no-cache", "no_cache", is_flag=True,
              help="Recompute even if this file was analysed with the same options before, and store nothing.")
@analyze_noise_options
@lang_option("Names of populations, strategies and classes in the text: the scenario's own or its Chinese "
             "labels (label_zh, strategy_labels_zh); --json is the same in both.")
@json_option
def command(scenario, params, mechanisms, strength, dynamics, delay, symbolic, budget, as_json, no_cache, lang,
            **stochastic):
    """Find and classify every rest point of SCENARIO.

    Prints the payoff table, the replicator equations and, for every rest
    point on every face, its state, the eigenvalues of the Jacobian in the
    tangent space and its classification (asymptotically stable, unstable
    source, saddle, non-hyperbolic), with the tolerance used.  With
    --mechanism, the game with the mechanisms applied at --strength.  With
    --delay (or a [delay] in the scenario), a "Delay" section: every rest
    point's critical delay tau* (Hopf), the frequency there, and its
    stability at the given delay.

    The result is cached (see EVOGAME_CACHE_DIR in evogame --help), keyed by
    the file's content, the options and evogame's code: a second run on an
    unchanged file prints it without recomputing.

    With --noise: also the stochastic stability of every pure profile under
    dx = F dt + sigma g(x) dW (almost sure and p-th moment exponential
    stability, the theorem used), beside the deterministic classification.
    """
    options = {"params": list(params), "symbolic": symbolic, "budget": budget}
    if mechanisms:     # (no mechanism: the same key as before the option existed)
        options.update(mechanisms=list(mechanisms), strength=strength)
    if dynamics is not None:
        options.update(dynamics=dynamics)
    if stochastic["noise"]:
        options.update(noise=list(stochastic["noise"]), form=stochastic["form"], moment=stochastic["moment"])
    if delay:
        options.update(delay=list(delay))
    if lang != "en":
        options.update(lang=lang)
    key = None if no_cache else _cache_key(scenario, options)
    stored = cache.read("analyze", key) if key is not None else None
    if stored is not None and isinstance(stored.get("text"), str) and "json" in stored:
        if as_json:
            echo_json(stored["json"])
        else:
            click.echo(fit_text(stored["text"]))
            click.echo("(cached result: the scenario file is unchanged; --no-cache recomputes)", err=True)
        return
    say = steps("analyze", symbolic and not as_json)
    if say:   # the slow part (seconds for three populations): say what is happening
        say(f"solving every face with the parameters symbolic (at most {budget:g} s of sympy per face)")
    with ProgressBar("symbolic stability conditions, per rest point", enabled=symbolic and not as_json) as progress:
        document, text = _analysis(scenario, params, mechanisms, strength, dynamics, symbolic, budget, delay,
                                   progress, lang)
    if stochastic["noise"]:
        extra, extra_text = stochastic_stability_section(scenario, params, mechanisms, strength, dynamics, **stochastic)
        document, text = {**document, "stochastic_stability": extra}, text + "\n\n" + extra_text
    if key is not None:
        cache.write("analyze", key, {"json": document, "text": text})
    if as_json:
        echo_json(document)
    else:
        click.echo(fit_text(text))


def _analysis(path: str, params, mechanisms, strength, dynamics, symbolic: bool, budget: float,
              delay=(), progress=None, lang: str = "en") -> tuple[dict, str]:
    """The analysis as its JSON document and its text (imports the analysis stack: sympy)."""
    from ...engine.analysis import analyze
    from ...studies.mechanisms import apply
    from ...render.analysis_text import analysis_text

    subject = load(path)
    overrides = parse_params(subject, params)
    if mechanisms:
        subject = apply(subject, list(mechanisms), strength)
    result = analyze(subject, overrides, symbolic=symbolic, budget=budget, dynamics=dynamics, progress=progress)
    table = None
    if symbolic:   # the papers' stability table: E rows, eigenvalues, signs, conclusion (built once, for both)
        from ...engine.stability_table import stability_table
        table = stability_table(result)
    document, text = jsonable(result.to_dict()), analysis_text(result, lang, table)
    if table is not None:
        document["stability_table"] = jsonable(table.to_dict())
    delay = parse_delay(subject, delay)
    if delay is not None or subject.delay is not None:
        from ...studies.delay.analysis import delay_analysis
        from ...render.delay_section import delay_text
        delays = delay_analysis(subject, result, subject.delay.tau if delay is None else delay, overrides)
        document["delay"] = jsonable(delays.to_dict())
        text += "\n\n" + delay_text(delays)
    return document, text


def _cache_key(path: str, options: dict) -> str | None:
    """The result's cache key, or None when the file cannot be read (load reports why)."""
    try:  # only a regular file of a sane size: a FIFO would block, /dev/zero never end
        if not os.path.isfile(path) or os.path.getsize(path) > MAX_BYTES:
            return None
        with open(path, "rb") as fh:
            content = fh.read(MAX_BYTES + 1)
    except OSError:
        return None
    return cache.result_key("analyze", content, options)
