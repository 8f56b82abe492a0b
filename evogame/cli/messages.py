"""Errors as the command line shows them: one paragraph ``error: ...`` on stderr, exit code 2.

The library names the *argument* that carried a bad value in its own
vocabulary (``params``, ``mechanisms``, ``target``...); the command line
says which of its options that was.  ``OPTION_NAMES`` is the default table,
``COMMAND_OPTION_NAMES`` the commands that spell an argument differently
(the figure command takes its swept parameter as ``--sweep``, threshold and
sweep take parameter overrides as ``--set`` because their ``--param`` names
the studied parameter).  An argument that already starts with ``-`` is an
option name (errors raised by the commands themselves).
"""
from __future__ import annotations

import click

from ..errors import EvogameError, ScenarioError

#: the library's argument -> the option that carries it, for every command
OPTION_NAMES = {
    "params": "--param",            # parameter overrides NAME=VALUE
    "param": "--param",             # the parameter studied: a threshold's unknown, a swept axis
    "mechanisms": "--mechanism",
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
    "threshold": {"params": "--set"},
    "sweep": {"params": "--set"},
    "continue": {"params": "--set", "interval": "--param"},
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


def usage_message(exc: click.UsageError) -> str:
    """click's own usage errors (unknown option, bad value, missing argument) as one paragraph."""
    text = " ".join(exc.format_message().split()).rstrip(".")
    if exc.ctx is not None:
        text += f" (see '{exc.ctx.command_path} --help')"
    return text
