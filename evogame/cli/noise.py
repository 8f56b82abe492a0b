"""The noise options of ``simulate`` and ``analyze`` (``--noise SIGMA`` or ``--noise POP=SIGMA``), and their values."""
from __future__ import annotations

import math

import click

from ..errors import ScenarioError, did_you_mean
from .options import POSITIVE

FORMS = ("x", "x(1-x)")


def noise_option(f):
    return click.option("--noise", "noise", multiple=True, metavar="SIGMA|POP=SIGMA",
                        help="Noise intensity: dx = F dt + sigma g(x) dW per population. SIGMA for every population, "
                             "POP=SIGMA for one (repeatable); default: the scenario's [noise].")(f)


def form_option(f):
    return click.option("--form", type=click.Choice(FORMS), default=None,
                        help="Noise form g: x (sigma x dW, the papers' form) or x(1-x) (vanishes on the boundary); "
                             "default: the scenario's, else x.")(f)


def simulate_noise_options(f):
    """``--noise --form --scheme --paths --seed --dt``: simulate's stochastic options."""
    for option in reversed([
        noise_option, form_option,
        click.option("--scheme", type=click.Choice(["em", "milstein"]), default=None,
                     help="Euler-Maruyama (strong order 1/2) or Milstein (order 1); default: the scenario's, else em."),
        click.option("--paths", type=click.IntRange(min=1, max=10_000_000), default=None,
                     help="Sample paths per initial state (default: the scenario's, else 1000)."),
        click.option("--seed", type=click.IntRange(min=0), default=None,
                     help="Seed of numpy.random.default_rng: same seed, same paths (default: the scenario's, else 0)."),
        click.option("--dt", type=POSITIVE, default=None, help="Largest time step (default: the scenario's, else 0.01)."),
    ]):
        f = option(f)
    return f


def analyze_noise_options(f):
    """``--noise --form --moment``: analyze's stochastic stability options."""
    f = click.option("--moment", type=POSITIVE, default=2.0, show_default=True,
                     help="p of the p-th moment exponential stability conditions (with --noise).")(f)
    return noise_option(form_option(f))


def parse_noise(scenario, items) -> dict | None:
    """``["0.5"]`` -> 0.5 for every population; ``["superior=0.5", ...]`` -> per population (after a bare SIGMA)."""
    if not items:
        return None
    names = [p.name for p in scenario.game.populations]
    sigma: dict = {}
    for item in sorted(items, key=lambda s: "=" in s):
        name, _, value = item.rpartition("=")
        name = name.strip()
        if name and name not in names:
            raise ScenarioError(f"unknown population '{name}'", argument="noise", expected="one of " + ", ".join(names),
                                suggestion=did_you_mean(name, names))
        try:
            number = float(value)
        except ValueError:
            raise ScenarioError(f"'{item}' is not SIGMA or POP=SIGMA", argument="noise",
                                expected="a number >= 0, e.g. 0.5 or superior=0.5") from None
        if not (math.isfinite(number) and number >= 0):
            raise ScenarioError(f"'{item}': a noise intensity must be a finite number >= 0", argument="noise")
        sigma.update({n: number for n in ([name] if name else names)})
    return sigma


def simulate_noisy_command(subject, starts, t_end, overrides, points, dynamics, out, as_json, *, noise, form, scheme,
                           paths, seed, dt) -> None:
    """``evogame simulate --noise ...``: the stochastic result as JSON, or every path as CSV."""
    from ..studies.stochastic import simulate_noisy
    from .output import echo_json, write_output

    result = simulate_noisy(subject, starts, t_end, noise=parse_noise(subject, noise), form=form, paths=paths,
                            seed=seed, scheme=scheme, dt=dt, params=overrides, n_points=points, dynamics=dynamics)
    if as_json:
        echo_json(result.to_dict())
        return
    text = result.csv()
    if out:
        write_output(out, text)
        click.echo(f"wrote {result.paths.shape[0]} starts x {result.n_paths} paths x {len(result.times)} times "
                   f"to {out}", err=True)
    else:
        click.echo(text, nl=False)


def noisy(subject, noise) -> bool:
    """Whether ``simulate`` runs with noise: ``--noise`` given, or a scenario ``[noise]`` with an intensity."""
    settings = getattr(subject, "noise", None)
    return bool(noise) or (settings is not None and settings.sigma is not None)


def stochastic_stability_section(path, params, mechanisms, strength, dynamics, noise, form, moment) -> tuple[dict, str]:
    """``evogame analyze --noise ...``: the stochastic stability of the pure profiles, as JSON and text."""
    from ..util.formatting import jsonable
    from ..render.noise import stochastic_stability_text
    from ..studies.stochastic.conditions import stochastic_stability
    from ..studies.mechanisms import apply
    from .values import load, parse_params

    subject = load(path)
    overrides = parse_params(subject, params)
    if mechanisms:
        subject = apply(subject, list(mechanisms), strength)
    settings = subject.noise
    form = form or (settings.form if settings is not None and settings.form else "x")
    result = stochastic_stability(subject, parse_noise(subject, noise), form=form, p=moment, params=overrides,
                                  dynamics=dynamics)
    return jsonable(result.to_dict()), stochastic_stability_text(result)


def figure_noise_options(f):
    """``--noise SIGMA`` (repeatable: one curve each), ``--form``, ``--paths``, ``--seed`` of the noise figures."""
    for option in reversed([
        click.option("--noise", "sigmas", multiple=True, type=click.FloatRange(min=0), metavar="SIGMA",
                     help="noise/noise-ends: a noise intensity drawn (repeatable; default 0.2, 0.5, 1)."),
        form_option,
        click.option("--paths", type=click.IntRange(min=2, max=100_000), default=500, show_default=True,
                     help="noise/noise-ends: sample paths per intensity."),
        click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
                     help="noise/noise-ends: seed of the sample paths."),
    ]):
        f = option(f)
    return f
