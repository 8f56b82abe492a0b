"""The ``evogame`` command group: lazy command loading and the exit-code rules.

Commands are loaded lazily (``COMMANDS`` maps a name to its module in
``evogame.cli.commands``) so that ``evogame --help`` imports neither sympy, scipy
nor matplotlib.  Every error leaves through :meth:`LazyGroup.invoke` or
:meth:`LazyGroup.make_context`, which turn it into exit code 2 (a user's
mistake, one paragraph) or 1 (an internal error); see :mod:`evogame.cli`.
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import warnings

import click

from ..errors import EvogameError, did_you_mean
from .messages import UserError, error_message, usage_message

#: command name -> (module in evogame.cli.commands, one-line help)
COMMANDS = {
    "analyze": ("analyze", "Rest points, eigenvalues and stability of a scenario."),
    "simulate": ("simulate", "Integrate the dynamics (replicator by default; with noise or delay) from initial states."),
    "validate": ("validate", "Check a scenario file without analysing it."),
    "threshold": ("threshold", "Strength at which a mechanism makes the target state stable."),
    "cases": ("cases", "Split the declared parameter box into cases by which rest points are stable."),
    "compare": ("compare", "Baseline vs with-mechanism rest-point tables side by side."),
    "sweep": ("sweep", "Classification along one parameter, or a two-parameter regime map."),
    "continue": ("continue_", "Branches of rest points along one parameter: folds, branch points, Hopf points."),
    "basins": ("basins", "Basin-of-attraction shares of the stable states, by sampling."),
    "presets": ("presets", "Compare a scenario's presets (e.g. platform structures) side by side."),
    "uncertainty": ("uncertainty", "Probability that the conclusions hold under uncertain parameters; Sobol indices."),
    "report": ("report", "Write a paper's whole standard output: report.md, report.tex, figures."),
    "figure": ("figure", "Draw one figure (phase portrait, paths, sensitivity, regime map, ...)."),
    "explore": ("explore", "Write an interactive HTML page: sliders, the phase portrait, the stable set, paths."),
    "finite": ("finite", "Finite populations (Fermi process): fixation, stationary distributions, sharing level."),
}

EPILOG = """\b
Examples:
  evogame analyze scenarios/vertical.toml
  evogame analyze scenarios/vertical.toml --symbolic --json
  evogame simulate scenarios/vertical.toml --initial 0.5,0.5 --t-end 20
"""

_COMMANDS_PACKAGE = __package__ + ".commands"

#: click's "no arguments: show the help" (click >= 8.2) is a usage error that must stay a help page
_HELP_REQUESTS = tuple(getattr(click.exceptions, name) for name in ("NoArgsIsHelpError",)
                       if hasattr(click.exceptions, name))


def debugging() -> bool:
    """True when EVOGAME_DEBUG is set (to anything but '' or '0'): show tracebacks."""
    return os.environ.get("EVOGAME_DEBUG", "") not in ("", "0")


def _available(name: str) -> bool:
    """A command is listed once its module exists (found without importing it)."""
    return importlib.util.find_spec(f"{_COMMANDS_PACKAGE}.{COMMANDS[name][0]}") is not None


class LazyGroup(click.Group):
    """A click group that imports a command's module only when that command runs."""

    def list_commands(self, ctx):
        return sorted(n for n in COMMANDS if _available(n))

    def get_command(self, ctx, name):
        if name not in COMMANDS or not _available(name):
            return None
        return importlib.import_module(f"{_COMMANDS_PACKAGE}.{COMMANDS[name][0]}").command

    def format_commands(self, ctx, formatter):
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def resolve_command(self, ctx, args):
        name = args[0] if args else None
        if name and name not in COMMANDS and not name.startswith("-"):
            hint = did_you_mean(name, COMMANDS)
            raise click.UsageError(f"no such command '{name}'" + (f"; did you mean '{hint}'?" if hint else ""),
                                   ctx)
        return super().resolve_command(ctx, args)

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except _HELP_REQUESTS:
            raise
        except click.UsageError as exc:   # the group's own options: the same one paragraph as the rest
            raise UserError(usage_message(exc)) from None

    def invoke(self, ctx):
        debug = debugging()
        with _ConciseWarnings(not debug):
            try:
                return super().invoke(ctx)
            except EvogameError as exc:
                raise UserError(error_message(exc, ctx.invoked_subcommand)) from None
            except _HELP_REQUESTS:
                raise
            except click.UsageError as exc:
                raise UserError(usage_message(exc)) from None
            except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
                raise
            except BrokenPipeError:
                raise  # the reader went away (e.g. `| head`): click exits quietly
            except OSError as exc:
                if debug or not exc.filename:
                    raise
                # the file system refused (unwritable or missing directory, disk full): the user can fix it
                raise UserError(f"{exc.filename}: {exc.strerror or exc}") from None
            except Exception as exc:  # an internal error: short message, a hint, exit 1
                if debug:
                    raise
                _report_internal_error(exc)


def _report_internal_error(exc: Exception):
    """One short paragraph asking for a report, then exit 1 (the traceback only with EVOGAME_DEBUG)."""
    text = " ".join(str(exc).split())
    text = text if len(text) <= 300 else text[:297] + "..."
    click.echo(f"internal error: {type(exc).__name__}: {text}\n"
               "This is a bug in evogame; please report it with the command and scenario "
               "(set EVOGAME_DEBUG=1 for the traceback).", err=True)
    sys.exit(1)


class _ConciseWarnings:
    """Print warnings as one line ``warning: ...`` on stderr (no source line), while active."""

    def __init__(self, active: bool):
        self.active = active

    def __enter__(self):
        self.saved = warnings.showwarning
        if self.active:
            def show(message, category, filename, lineno, file=None, line=None):
                click.echo(f"warning: {message}", err=True)
            warnings.showwarning = show
        return self

    def __exit__(self, *exc):
        warnings.showwarning = self.saved
        return False


@click.group(cls=LazyGroup, epilog=EPILOG,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="evogame")
def main():
    """evogame: model, solve and draw evolutionary games.

    From one scenario file: the payoff matrix, the equations of the dynamics
    (the replicator, or --dynamics), every rest point with its eigenvalues and
    stability conditions, thresholds, sweeps, noise, delay, finite
    populations, uncertainty and publication figures.  Set EVOGAME_CACHE_DIR
    to move the cache of symbolic derivations (default ~/.cache/evogame;
    delete it to clear).
    """
