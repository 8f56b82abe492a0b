"""The options several commands share, defined once: same name, short form, type and wording.

Each ``*_option`` is a click decorator (or, where the help text depends on
the command, a function returning one).  Their values are parsed by
:mod:`evogame.cli.values`.
"""
from __future__ import annotations

import functools
import math
import warnings

import click


class FiniteFloat(click.ParamType):
    """A float that is neither infinite nor NaN."""

    name = "number"

    def convert(self, value, param, ctx):
        number = value if isinstance(value, float) else click.FLOAT.convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not finite", param, ctx)
        return number


class PositiveFloat(click.ParamType):
    """A finite float above zero."""

    name = "number"

    def convert(self, value, param, ctx):
        number = value if isinstance(value, float) else click.FLOAT.convert(value, param, ctx)
        if not (number > 0 and math.isfinite(number)):
            self.fail(f"{value!r} is not a positive number", param, ctx)
        return number


FINITE = FiniteFloat()
POSITIVE = PositiveFloat()


def scenario_argument(f):
    return click.argument("scenario", type=click.Path(dir_okay=True, path_type=str))(f)


def param_option(f):
    """``-p/--param NAME=VALUE``: a parameter's value instead of its default, in every command that has it."""
    return click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
                        help="Override a parameter's default value (repeatable).")(f)


class SetDeprecated(FutureWarning):
    """``--set NAME=VALUE`` (threshold, sweep, explore before -p meant the same everywhere) was used."""


def set_alias(f):
    """``-p/--param`` plus the hidden, deprecated ``--set`` of threshold, sweep and explore (same meaning).

    Their ``-p`` once named the studied parameter and ``--set`` the overrides; ``--set`` still works, with a
    warning, and its values join those of ``-p``.
    """
    @functools.wraps(f)
    def merged(*args, legacy_set=(), **kwargs):
        if legacy_set:
            warnings.warn("--set is deprecated: use -p/--param NAME=VALUE (the same meaning)", SetDeprecated,
                          stacklevel=2)
            kwargs["params"] = tuple(kwargs.get("params", ())) + tuple(legacy_set)
        return f(*args, **kwargs)

    merged = click.option("--set", "legacy_set", multiple=True, hidden=True, metavar="NAME=VALUE")(merged)
    return param_option(merged)


def mechanism_option(help: str = "Apply a mechanism of the scenario first (repeatable; they compose in the order "
                                 "given).", *, required: bool = False):
    return click.option("--mechanism", "-m", "mechanisms", multiple=True, metavar="NAME", required=required,
                        help=help)


def strength_option(help: str = "Strength of the mechanisms: 0 = baseline, 1 = as described."):
    return click.option("--strength", "-s", type=FINITE, default=1.0, show_default=True, help=help)


def lang_option(help: str = "Labels in English or Chinese (Chinese needs a CJK font, e.g. fonts-noto-cjk)."):
    return click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help=help)


def width_option(help: str = "Printed width: single column (8.5 cm) or double column (17.5 cm)."):
    return click.option("--width", type=click.Choice(["single", "double"]), default="single", show_default=True,
                        help=help)


def budget_option(help: str):
    return click.option("--budget", type=click.FloatRange(min=0.1), default=10.0, show_default=True, help=help)


def seed_option(f):
    return click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
                        help="Seed of the Sobol scrambling (same seed, same sample).")(f)


def json_option(f):
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")(f)


def dynamics_option(f):
    return click.option("--dynamics", default=None, metavar="NAME[:KEY=VALUE,...]",
                        help="The dynamics: replicator, maynard_smith, mutator:mu=VALUE, logit:eta=VALUE, bnn, "
                             "smith or projection (default: the scenario's [dynamics], else replicator).")(f)


def delay_option(f):
    return click.option("--delay", "delay", multiple=True, metavar="TAU|POP=TAU",
                        help="Information delay: payoffs seen at the state TAU time units ago (replicator only); "
                             "POP=TAU per population (repeatable).  Default: the scenario's [delay], if any.")(f)


def scheduler_option(f):
    return click.option("--scheduler", default=None, metavar="ADDRESS",
                        help="Run the work in chunks elsewhere, with the same result: a Dask scheduler "
                             "(tcp://HOST:PORT), local:N (a Dask cluster of N processes on this machine) or "
                             "processes:N (N processes, no Dask needed). Dask: pip install "
                             "\"evogame[distributed]\" (from a checkout: pip install \".[distributed]\").")(f)
