"""Helpers shared by the test modules (fixtures live in conftest.py).

``assert_user_error`` states what "this input is a user error" means on the
command line: exit code 2, nothing on stdout, one paragraph ``error: ...`` on
stderr (one line, no traceback, no click usage block), containing the given
fragments.
"""
from __future__ import annotations

import itertools
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from hypothesis import strategies as st

from evogame.cli import main
from evogame.game import Game, Population
from evogame.util.timelimit import Timeout, time_limit

#: seconds after which a block that must not hang fails instead of hanging the suite (no test asserts a
#: time: speed lives in benchmarks/; this only turns a hang into a failure, far above any normal run)
HANG = 60.0


@contextmanager
def no_hang(what: str, seconds: float = HANG):
    """Fail the test (instead of hanging CI) when the block has not finished after ``seconds``."""
    try:
        with time_limit(seconds):
            yield
    except Timeout:
        pytest.fail(f"{what}: still running after {seconds:g} s (a hang)")


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


@st.composite
def games(draw, max_populations=3, entries=st.integers(-5, 5)):
    """Random matrix games: one population of 2-3 strategies (a symmetric matrix), or 2-3 populations
    (2x2, 2x3, 3x2, 3x3 bimatrix; 2x2x2) with a payoff table, every payoff drawn from ``entries``."""
    k = draw(st.integers(1, max_populations))
    if k == 1:
        n = draw(st.integers(2, 3))
        pop = Population("p", tuple(f"s{i}" for i in range(n)))
        return Game.symmetric(pop, [[draw(entries) for _ in range(n)] for _ in range(n)])
    sizes = [draw(st.integers(2, 3 if k == 2 else 2)) for _ in range(k)]
    pops = [Population(f"p{j}", tuple(f"s{i}" for i in range(n))) for j, n in enumerate(sizes)]
    table = {idx: tuple(draw(entries) for _ in range(k)) for idx in itertools.product(*[range(n) for n in sizes])}
    return Game.from_payoff_table(pops, table)
