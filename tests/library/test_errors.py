"""Errors name where the mistake is in the library's own words: a scenario key or a call's argument.

The library never speaks of command-line options (``--param``); the command
line maps arguments to its option names (see test_cli_options.py).
"""
from __future__ import annotations

import ast
import re

import pytest

from conftest import ROOT, load
from evogame.errors import ScenarioError, unknown_name

LIBRARY = ROOT / "evogame"
SHELL = ("cli",)                         # the command line (cli/commands/ too): option names belong there
ERROR_CALLS = {"ScenarioError", "ExpressionError", "AnalysisError", "unknown_name"}
OPTION = re.compile(r"(^|[\s('`\"])--[a-z]")


def test_an_argument_is_named_as_such():
    err = ScenarioError("unknown parameter 'zz'", file="v.toml", argument="param", expected="one of c_D")
    assert err.argument == "param" and err.key is None
    assert str(err) == "v.toml, argument 'param': unknown parameter 'zz'; expected one of c_D"
    assert err.describe("option --sweep") == "v.toml, option --sweep: unknown parameter 'zz'; expected one of c_D"


def test_a_key_is_unchanged():
    err = ScenarioError("bad value", file="v.toml", key="parameters.d.value", found="2")
    assert err.argument is None
    assert str(err) == "v.toml, key 'parameters.d.value': bad value, found 2"


def test_located_fills_in_file_and_argument_only_where_missing():
    err = ScenarioError("unknown strategy 'x'").located(file="v.toml", argument="target")
    assert (err.file, err.argument, err.key) == ("v.toml", "target", None)
    assert err.located(file="other.toml", argument="other").argument == "target"


def test_unknown_name_takes_a_key_or_an_argument():
    by_argument = unknown_name("mechanism", "plattform", ["platform"], file="v.toml", section="[[mechanisms]]",
                               argument="mechanisms")
    assert by_argument.argument == "mechanisms" and by_argument.suggestion == "platform"
    by_key = unknown_name("mechanism", "m", [], file="v.toml", section="[[mechanisms]]", key="presets.a.m")
    assert by_key.key == "presets.a.m" and "it declares none" in str(by_key)


@pytest.mark.parametrize("call, argument", [
    (lambda s: s.mechanism("plattform"), "mechanisms"),
    (lambda s: __import__("evogame").threshold(s, []), "mechanisms"),
    (lambda s: __import__("evogame").threshold(s, ["platform"], target="loose.actve"), "target"),
    (lambda s: __import__("evogame").threshold(s, [], param="zz"), "param"),
    (lambda s: __import__("evogame").threshold(s, ["platform"], range=(2, 1)), "range"),
    (lambda s: __import__("evogame").sweep(s, [("zz", [0, 1])]), "param"),
    (lambda s: __import__("evogame").apply(s, ["platform"], float("nan")), "strength"),
])
def test_library_errors_name_the_argument(call, argument):
    with pytest.raises(ScenarioError) as info:
        call(load("vertical"))
    assert info.value.argument == argument
    assert "--" not in str(info.value)


def _library_modules():
    for path in sorted(LIBRARY.rglob("*.py")):
        if path.relative_to(LIBRARY).parts[0] not in SHELL:
            yield path


def _strings(node):
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            yield sub.value


def test_no_library_error_mentions_a_command_line_option():
    offending = []
    for path in _library_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name in ERROR_CALLS and any(OPTION.search(text) for text in _strings(node)):
                offending.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offending == []
