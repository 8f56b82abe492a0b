"""No test asserts a wall-clock time: a loaded CI machine would make it flaky.  Speed lives in benchmarks/
as ratios against baselines run in the same process.  (Hang guards -- a time limit that turns a hang into a
failure -- are allowed: they assert nothing about speed.)"""
from __future__ import annotations

import ast
from pathlib import Path

CLOCKS = {"perf_counter", "perf_counter_ns", "time", "time_ns", "monotonic", "monotonic_ns", "process_time",
          "process_time_ns"}


def _is_clock_call(node) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CLOCKS
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "time")


def timed_asserts(source: str) -> list[int]:
    """Lines of ``assert`` statements that compare a clock reading (directly or through a local name)."""
    tree = ast.parse(source)
    lines = []
    for func in ast.walk(tree):
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        clocked = set()
        for node in ast.walk(func):
            if isinstance(node, ast.Assign) and any(_is_clock_call(n) for n in ast.walk(node.value)):
                clocked |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        for node in ast.walk(func):
            if isinstance(node, ast.Assert) and any(
                    _is_clock_call(n) or (isinstance(n, ast.Name) and n.id in clocked) for n in ast.walk(node.test)):
                lines.append(node.lineno)
    return lines


def test_the_detector_finds_a_timed_assert():
    assert timed_asserts("import time\ndef test():\n    t = time.perf_counter()\n    f()\n"
                         "    elapsed = time.perf_counter() - t\n    assert elapsed < 0.5\n") == [6]
    assert timed_asserts("import time\ndef test():\n    s = time.time()\n    assert time.time() - s < 1\n") == [4]
    assert timed_asserts("def test():\n    assert f() == 2\n") == []


def test_no_test_asserts_a_wall_clock_time():
    root = Path(__file__).resolve().parents[1]
    found = {str(p.relative_to(root)): timed_asserts(p.read_text(encoding="utf-8"))
             for p in sorted(root.rglob("*.py"))}
    assert {k: v for k, v in found.items() if v} == {}
