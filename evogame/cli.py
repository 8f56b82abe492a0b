"""The ``evogame`` command line: a thin shell over the Python API.

Commands are loaded lazily (``COMMANDS`` maps a name to its module in
``evogame.commands``) so that ``evogame --help`` imports neither sympy, scipy
nor matplotlib.  Exit codes and errors:

* 0 -- success; with ``--json`` stdout holds exactly one JSON object;
* 2 -- a user's mistake: an ``EvogameError`` (bad scenario, unknown name,
  value out of range ...), a bad option, or a file-system refusal naming a
  file (missing or unwritable output directory, disk full); one paragraph
  ``error: ...`` on stderr;
* 1 -- anything else is an internal error: one short line, a hint to report
  it; the traceback only with ``EVOGAME_DEBUG=1``.

Nothing is printed on stdout when a command fails.  Warnings are printed as
one ``warning: ...`` line each.  A closed pipe (``| head``) ends quietly.
"""
from __future__ import annotations

import importlib
import json
import math
import sys

import click

from .formatting import jsonable
from .errors import EvogameError, ScenarioError, did_you_mean

#: command name -> (module in evogame.commands, one-line help)
COMMANDS = {
    "analyze": ("analyze", "Rest points, eigenvalues and stability of a scenario."),
    "simulate": ("simulate", "Integrate the replicator dynamics from initial states."),
    "validate": ("validate", "Check a scenario file without analysing it."),
    "threshold": ("threshold", "Strength at which a mechanism makes the target state stable."),
    "compare": ("compare", "Baseline vs with-mechanism rest-point tables side by side."),
    "sweep": ("sweep", "Classification along one parameter, or a two-parameter regime map."),
    "basins": ("basins", "Basin-of-attraction shares of the stable states, by sampling."),
    "presets": ("presets", "Compare a scenario's presets (e.g. platform structures) side by side."),
    "report": ("report", "Write a paper's whole standard output: report.md, report.tex, figures."),
    "figure": ("figure", "Draw one figure (phase portrait, paths, sensitivity, regime map, ...)."),
}

EPILOG = """\b
Examples:
  evogame analyze scenarios/vertical.toml
  evogame analyze scenarios/vertical.toml --symbolic --json
  evogame simulate scenarios/vertical.toml --initial 0.5,0.5 --t-end 20
"""


def _available(name: str) -> bool:
    """A command is listed once its module exists (found without importing it)."""
    import importlib.util
    return importlib.util.find_spec(f"{__package__}.commands.{COMMANDS[name][0]}") is not None


class UserError(click.ClickException):
    """A mistake the user can fix: exit code 2, no traceback."""

    exit_code = 2

    def show(self, file=None):
        click.echo(f"error: {self.format_message()}", err=True)


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(n for n in COMMANDS if _available(n))

    def get_command(self, ctx, name):
        if name not in COMMANDS or not _available(name):
            return None
        module = importlib.import_module(f".commands.{COMMANDS[name][0]}", __package__)
        return module.command

    def format_commands(self, ctx, formatter):
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def resolve_command(self, ctx, args):
        name = args[0] if args else None
        if name and name not in COMMANDS and not name.startswith("-"):
            hint = did_you_mean(name, COMMANDS)
            raise click.UsageError(f"no such command '{name}'" + (f"; did you mean '{hint}'?" if hint else ""))
        return super().resolve_command(ctx, args)

    def invoke(self, ctx):
        debug = debugging()
        with _concise_warnings(not debug):
            try:
                return super().invoke(ctx)
            except EvogameError as exc:
                raise UserError(str(exc)) from None
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
                text = " ".join(str(exc).split())
                text = text if len(text) <= 300 else text[:297] + "..."
                click.echo(f"internal error: {type(exc).__name__}: {text}\n"
                           "This is a bug in evogame; please report it with the command and scenario "
                           "(set EVOGAME_DEBUG=1 for the traceback).", err=True)
                sys.exit(1)


def debugging() -> bool:
    """True when EVOGAME_DEBUG is set (to anything but '' or '0'): show tracebacks."""
    import os
    return os.environ.get("EVOGAME_DEBUG", "") not in ("", "0")


class _concise_warnings:
    """Print warnings as one line ``warning: ...`` on stderr (no source line), while active."""

    def __init__(self, active: bool):
        self.active = active

    def __enter__(self):
        import warnings
        self.saved = warnings.showwarning
        if self.active:
            def show(message, category, filename, lineno, file=None, line=None):
                click.echo(f"warning: {message}", err=True)
            warnings.showwarning = show
        return self

    def __exit__(self, *exc):
        import warnings
        warnings.showwarning = self.saved
        return False


@click.group(cls=LazyGroup, epilog=EPILOG,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="evogame")
def main():
    """evogame: model, solve and draw evolutionary games.

    From one scenario file: the payoff matrix, the replicator equations, every
    rest point with its eigenvalues and stability conditions, thresholds,
    sweeps and publication figures.  Set EVOGAME_CACHE_DIR to move the cache
    of symbolic derivations (default ~/.cache/evogame; delete it to clear).
    """


# -- helpers shared by the commands --------------------------------------------

def scenario_argument(f):
    return click.argument("scenario", type=click.Path(dir_okay=True, path_type=str))(f)


def param_option(f):
    return click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
                        help="Override a parameter's default value (repeatable).")(f)


def seed_option(f):
    return click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
                        help="Seed of the Sobol scrambling (same seed, same sample).")(f)


def json_option(f):
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")(f)


def load(path: str):
    """Load a scenario, turning every problem into a ScenarioError."""
    from .scenario import load_scenario
    return load_scenario(path)


def parse_params(scenario, items) -> dict:
    """``["c_D=1.5", ...]`` -> ``{"c_D": 1.5}``, checked against the scenario's parameters."""
    game, file = scenario.game, scenario.file
    out = {}
    for item in items:
        if "=" not in item:
            raise ScenarioError(f"--param '{item}' is not NAME=VALUE", key="--param",
                                expected="NAME=VALUE, e.g. c_D=1.5")
        name, value = item.split("=", 1)
        name = name.strip()
        if name not in game.parameters:
            raise ScenarioError(f"unknown parameter '{name}'", file=file, key="--param",
                                expected="one of " + ", ".join(game.parameters),
                                suggestion=did_you_mean(name, game.parameters))
        try:
            number = float(value)
        except ValueError:
            raise ScenarioError(f"--param {name}: '{value}' is not a number", key="--param",
                                expected="a number") from None
        if not math.isfinite(number):
            raise ScenarioError(f"--param {name}: '{value}' is not finite", key="--param",
                                expected="a finite number")
        param = game.parameters[name]
        if param.range is not None and not param.range[0] <= number <= param.range[1]:
            lo, hi = param.range
            kind = "a probability or fraction, " if tuple(param.range) == (0, 1) else ""
            raise ScenarioError(f"--param {name}={value} is outside the declared range [{lo:g}, {hi:g}] of "
                                f"'{name}' ({kind}declared in the scenario)", file=file,
                                key="--param", expected=f"a value in [{lo:g}, {hi:g}] (widen 'range' in the "
                                                        "scenario file to go beyond it)")
        if param.integer and number != int(number):
            raise ScenarioError(f"--param {name}={value}: '{name}' is an integer parameter", key="--param",
                                expected="a whole number")
        out[name] = _number(value, number)
    return out


def _number(text: str, number: float):
    """Keep the user's decimal exactly: '0.3' -> 3/10 later, via its shortest repr."""
    try:
        return int(text)
    except ValueError:
        return number


def echo_json(obj) -> None:
    click.echo(json.dumps(jsonable(obj), indent=2, ensure_ascii=False, allow_nan=False))


if __name__ == "__main__":  # pragma: no cover
    main()
