"""The ``evogame`` command line: a thin shell over the Python API.

Exit codes and errors:

* 0 -- success; with ``--json`` stdout holds exactly one JSON object;
* 2 -- a user's mistake: an ``EvogameError`` (bad scenario, unknown name,
  value out of range ...), a bad option or a usage error of click's own
  (unknown option, missing argument), or a file-system refusal naming a
  file (missing or unwritable output directory, disk full); one paragraph
  ``error: ...`` on stderr, the option named where the library named its
  argument;
* 1 -- anything else is an internal error: one short line, a hint to report
  it; the traceback only with ``EVOGAME_DEBUG=1``.

Nothing is printed on stdout when a command fails.  Warnings are printed as
one ``warning: ...`` line each.  A closed pipe (``| head``) ends quietly.

The package: ``group`` (the lazily loaded command group and the exit-code
rules), ``messages`` (errors as one paragraph, library arguments -> option
names), ``options`` (the shared option definitions), ``values`` (parsing
their values), ``output`` (JSON and files), ``progress`` (progress bars
and steps on stderr).  The commands themselves live in
:mod:`evogame.cli.commands`, one module each, importing only from here.
"""
from __future__ import annotations

from ..util.formatting import jsonable
from .group import COMMANDS, LazyGroup, debugging, main
from .messages import UserError
from .options import json_option, param_option, scenario_argument, seed_option
from .output import echo_json
from .values import load, parse_params

__all__ = ["main", "COMMANDS", "LazyGroup", "UserError", "debugging", "jsonable", "echo_json", "load",
           "parse_params", "param_option", "scenario_argument", "seed_option", "json_option"]
