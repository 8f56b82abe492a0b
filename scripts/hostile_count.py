"""Count the hostile inputs the test suite tries and refuses, and the degenerate games it analyses.

Usage::

    python scripts/hostile_count.py          # prints three counts (about 20 s)
    python scripts/hostile_count.py --quick  # skips running the degenerate games

The corpora live in the tests: ``HOSTILE_INPUTS`` of tests/test_expressions.py
(expressions), ``INJECTIONS`` and ``HOSTILE_FILES`` of tests/test_validation.py
(scenario files, with every injection in every expression slot), and the games
of tests/test_degenerate.py.  Exit status 1 if any hostile input was accepted
or a degenerate game failed.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]


def expressions() -> tuple[int, int]:
    """(tried, refused): the expression corpus and the injections, parsed with the declared names."""
    import test_expressions
    import test_validation
    from evogame.errors import ExpressionError
    corpus = list(dict.fromkeys(list(test_expressions.HOSTILE_INPUTS) + list(test_validation.INJECTIONS)))
    refused = 0
    for text in corpus:
        try:
            test_expressions.parse(text)
        except ExpressionError:
            refused += 1
    return len(corpus), refused


def degenerate_games() -> tuple[int, bool]:
    """(games analysed, all tests passed), by running tests/test_degenerate.py."""
    import pytest
    with contextlib.redirect_stdout(io.StringIO()):
        status = pytest.main(["-q", "-p", "no:cacheprovider", str(ROOT / "tests" / "test_degenerate.py")])
    module = sys.modules.get("test_degenerate")
    games = set(module.DEGENERATE_GAMES) if module else set()
    return len(games), status == 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="do not run the degenerate games")
    args = parser.parse_args(argv)
    import test_validation

    tried_e, refused_e = expressions()
    tried_f, refused_f = test_validation.hostile_count()
    line = (f"hostile expressions refused: {refused_e} of {tried_e}; "
            f"hostile scenario files refused: {refused_f} of {tried_f}")
    ok = refused_e == tried_e and refused_f == tried_f
    if not args.quick:
        games, passed = degenerate_games()
        line += f"; degenerate games analysed: {games}" + ("" if passed else " (SOME FAILED)")
        ok = ok and passed
    print(line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
