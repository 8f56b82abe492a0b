"""Helpers shared by the test modules (fixtures live in conftest.py).

``assert_user_error`` states what "this input is a user error" means on the
command line: exit code 2, nothing on stdout, one paragraph ``error: ...`` on
stderr (one line, no traceback, no click usage block), containing the given
fragments.
"""
from __future__ import annotations

from click.testing import CliRunner

from evogame.cli import main


def invoke(args):
    """Run ``evogame ARGS`` in-process; stdout and stderr are kept apart."""
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_user_error(result, *fragments):
    """The command failed as a user's mistake: exit 2, empty stdout, one ``error: ...`` line on stderr."""
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert result.stdout == ""
    assert result.stderr.startswith("error: "), result.stderr
    assert result.stderr.endswith("\n") and "\n" not in result.stderr[:-1], result.stderr   # one paragraph
    assert "Traceback" not in result.stderr and "Usage:" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
