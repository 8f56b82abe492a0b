"""Errors as the command line shows them: one paragraph ``error: ...`` on stderr, exit code 2.

The library names the *argument* that carried a bad value in its own
vocabulary (``params``, ``mechanisms``, ``target``...); the command line
says which of its options that was.  ``OPTION_NAMES`` is the default table,
``COMMAND_OPTION_NAMES`` the commands that spell an argument differently
(the parameter a command studies is ``--sweep`` in figure, finite, sweep
and explore, ``--vary`` in threshold; ``-p/--param NAME=VALUE`` sets a
parameter in every command).  An argument that already starts with ``-`` is
an option name (errors raised by the commands themselves).

An unknown option is answered with the option of *that* command that does
what the user meant (:func:`suggested_option`): ``--set`` is ``-p/--param``,
``--sweep`` in threshold is ``--vary``, ``--vary`` in sweep is ``--sweep``.
"""
from __future__ import annotations

import click

from ..errors import EvogameError, ScenarioError, did_you_mean

#: the library's argument -> the option that carries it, for every command
OPTION_NAMES = {
    "params": "--param",            # parameter overrides NAME=VALUE
    "param": "--param",             # the parameter studied: a threshold's unknown, a swept axis
    "mechanisms": "--mechanism",
    "perception": "--perception",
    "strength": "--strength",
    "target": "--target",
    "preset": "--preset",
    "range": "--range",
    "kinds": "--kinds",
    "lang": "--lang",
    "width": "--width",
    "format": "--format",
    "vary": "--vary",
    "initial": "--initial",
    "samples": "--samples",
    "distributions": "--dist",
    "sobol_samples": "--sobol-base",
    "t_end": "--t-end",
    "dynamics": "--dynamics",
    "scheduler": "--scheduler",
    "noise": "--noise", "form": "--form", "scheme": "--scheme", "paths": "--paths", "dt": "--dt",
    "delay": "--delay",
}

#: command -> its own spelling of an argument, where it differs from OPTION_NAMES
COMMAND_OPTION_NAMES = {
    "figure": {"param": "--sweep"},
    "threshold": {"param": "--vary"},
    "sweep": {"param": "--sweep"},
    "explore": {"param": "--sweep"},
    "continue": {"param": "--sweep"},
    "report": {"sizes": "--finite", "beta": "--finite", "mutation": "--finite"},
    "finite": {"param": "--sweep", "sizes": "--size", "beta": "--beta", "mutation": "--mutation"},
}


class UserError(click.ClickException):
    """A mistake the user can fix: exit code 2, one paragraph ``error: ...``, no traceback."""

    exit_code = 2

    def show(self, file=None):
        click.echo(f"error: {self.format_message()}", err=True)


def option_name(argument: str | None, command: str | None) -> str | None:
    """The option of ``command`` that carries the library's ``argument`` (None if it has none)."""
    if not argument:
        return None
    if argument.startswith("-"):
        return argument
    return COMMAND_OPTION_NAMES.get(command or "", {}).get(argument) or OPTION_NAMES.get(argument)


def error_message(exc: EvogameError, command: str | None) -> str:
    """The text of a library error as ``command`` shows it: its argument named as the option."""
    if not isinstance(exc, ScenarioError):
        return str(exc)
    if exc.argument is None and exc.key and exc.key.startswith("-"):
        # a command that put its option name in the key: show it as the option it is
        exc = ScenarioError(exc.message, file=exc.file, argument=exc.key, expected=exc.expected,
                            found=exc.found, suggestion=exc.suggestion)
    option = option_name(exc.argument, command)
    return exc.describe(f"option {option}") if option else str(exc)


#: what a user may type for an option -> the options (first one the command has wins) that do it
_MEANT = {
    **dict.fromkeys(("--set", "--params", "--parameter", "--parameters", "--override", "-P"), ("--param",)),
    **dict.fromkeys(("--vary", "--sweep", "--slider", "--axis", "--grid", "--range-of", "--unknown"),
                    ("--sweep", "--vary")),
    **dict.fromkeys(("--mechanisms", "--mech", "-M"), ("--mechanism",)),
    **dict.fromkeys(("--lang", "--language"), ("--lang",)),
}


def suggested_option(command: click.Command, typed: str) -> str | None:
    """The option of ``command`` that does what ``typed`` (an option it does not have) is meant to do.

    A known synonym first (``--set`` -> ``-p/--param``), then the closest spelling among the command's
    visible options; written with the short form when there is one (``-p/--param``).
    """
    visible = [p for p in command.params if isinstance(p, click.Option) and not p.hidden]
    by_name = {opt: p for p in visible for opt in p.opts + p.secondary_opts}
    target = next((by_name[o] for o in _MEANT.get(typed, ()) if o in by_name), None)
    if target is None and typed.startswith("--"):
        close = did_you_mean(typed, [o for o in by_name if o.startswith("--")])
        target = by_name.get(close) if close else None
    if target is None:
        return None
    short = [o for o in target.opts if not o.startswith("--")]
    long = [o for o in target.opts if o.startswith("--")]
    return "/".join(short[:1] + long[:1])


def usage_message(exc: click.UsageError) -> str:
    """click's own usage errors (unknown option, bad value, missing argument) as one paragraph."""
    if isinstance(exc, click.NoSuchOption) and exc.ctx is not None:
        text = exc.message.rstrip(".")
        hint = suggested_option(exc.ctx.command, exc.option_name)
        if hint:
            text += f"; did you mean {hint}?"
    else:
        text = " ".join(exc.format_message().split()).rstrip(".")
    if exc.ctx is not None:
        text += f" (see '{exc.ctx.command_path} --help')"
    return text
