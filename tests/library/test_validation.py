"""Scenario validation: one error type that says where, what was expected and what was found.

Also the corpus of hostile scenario files (code in every expression slot,
enormous, deeply nested, binary, wrongly encoded files ...): each must be
refused with a ScenarioError in bounded time, run nothing and write nothing.
``HOSTILE_FILES`` is counted by ``scripts/hostile_count.py``.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import SCENARIOS
from helpers import no_hang
from evogame.cli import main, parse_params
from evogame.errors import ScenarioError
from evogame.scenario import load_scenario, parse_scenario

VERTICAL = (SCENARIOS / "vertical.toml").read_text(encoding="utf-8")
HAWK = (SCENARIOS / "hawk_dove.toml").read_text(encoding="utf-8")

# A small game with every kind of expression slot: payoff table, mechanism set and add, preset.
TABLE = """\
[game]
name = "small"
target = "strict.active"

[[populations]]
name = "superior"
strategies = ["strict", "loose"]

[[populations]]
name = "subordinate"
strategies = ["active", "passive"]

[parameters]
c_S = { value = 2.0, range = [0, 20] }
d = { value = 0.4, range = [0, 1], description = "detection probability" }
r = 1.0

[payoffs]
"strict.active" = [@PAYOFF@, "r"]
"strict.passive" = ["d - c_S", "-d"]
"loose.active" = ["1", "r"]
"loose.passive" = ["0", "0"]

[[mechanisms]]
name = "reward"
description = "a larger reward"
seed = "test"
set = { r = @SET@ }
add = { "strict.active" = [@ADD@, "0"] }

[presets.cheap]
description = "cheap supervision"
set = { c_S = @PRESET@ }
"""
SYMMETRIC = """\
[game]
name = "sym"
matching = "symmetric"

[[populations]]
name = "animals"
strategies = ["hawk", "dove"]

[parameters]
V = 2.0

[payoffs]
"hawk.hawk" = @MATRIX@
"hawk.dove" = "V"
"dove.hawk" = "0"
"dove.dove" = "V/2"
"""
FITNESS = """\
[game]
name = "public_good"

[[populations]]
name = "departments"
strategies = ["share", "keep"]
variable = "x"

[parameters]
b = 3.0
c = 1.0

[fitness]
"departments.share" = @FITNESS@
"departments.keep" = "b*x"
"""
SLOTS = {"PAYOFF": (TABLE, '"r - c_S"'), "SET": (TABLE, '"r + strength"'), "ADD": (TABLE, '"strength"'),
         "PRESET": (TABLE, '"c_S/2"'), "MATRIX": (SYMMETRIC, '"(V - 2)/2"'), "FITNESS": (FITNESS, '"b*x - c"')}


def fill(slot: str | None = None, value: str | None = None, template: str | None = None) -> str:
    """A template with its slots at their valid defaults, and ``slot`` set to ``value`` (TOML text)."""
    original = template or (SLOTS[slot][0] if slot else TABLE)
    text = original
    for name, (tmpl, default) in SLOTS.items():
        if tmpl is original:
            text = text.replace(f"@{name}@", value if name == slot and value is not None else default)
    return text


def toml_string(text: str) -> str:
    """A TOML basic string holding ``text`` exactly (JSON escapes are valid TOML escapes)."""
    return json.dumps(text)


def refused(text: str, *fragments: str, key: str | None = None, line: int | None = None,
            file: str = "bad.toml") -> ScenarioError:
    """Assert that ``text`` is refused quickly with a one-paragraph message containing ``fragments``."""
    with no_hang("refusing a bad scenario"), pytest.raises(ScenarioError) as info:
        parse_scenario(text, file=file)
    err = info.value
    message = str(err)
    assert "\n" not in message and message.startswith(file)
    for fragment in fragments:
        assert fragment in message, message
    if key is not None:
        assert err.key == key, message
    if line is not None:
        assert getattr(err, "line", None) == line, message
    return err


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line containing ``needle`` (computed here, independently)."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# -- the valid templates and shipped scenarios --------------------------------------

@pytest.mark.parametrize("slot", SLOTS)
def test_templates_are_valid(slot):
    scenario = parse_scenario(fill(slot, SLOTS[slot][1]))
    assert scenario.game.populations


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_scenario_validates(path):
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert ": ok" in result.stdout


# -- TOML syntax -----------------------------------------------------------------------

def test_toml_syntax_error_gives_line_column_and_the_line():
    text = VERTICAL.replace('c_S    = { value = 2.0', 'c_S    = { value = 2.0,,')
    n = line_of(text, ",,")
    err = refused(text, "TOML syntax error", f"(at line {n}, column", f"bad.toml:{n}", line=n)
    assert "c_S" in err.found


def test_a_key_declared_twice_is_a_syntax_error_with_a_hint():
    refused(HAWK.replace('"dove.dove" = "V/2"', '"dove.dove" = "V/2"\n"dove.dove" = "V"'),
            "Cannot overwrite a value", "declared twice")


def test_unquoted_dotted_payoff_key_is_explained():
    err = refused(HAWK.replace('"hawk.dove" = "V"', 'hawk.dove = "V"'), "without quotes", "quoted key")
    assert err.key.startswith("payoffs.hawk")


# -- sections and keys -------------------------------------------------------------------

@pytest.mark.parametrize("edit, fragments, key", [
    (("[parameters]", "[parmeters]"), ("unknown key 'parmeters'", "did you mean 'parameters'"), "parmeters"),
    (("[payoffs]", "[payoff]"), ("did you mean 'payoffs'",), "payoff"),
    (("name = \"superior\"", "nme = \"superior\""), ("unknown key 'nme'", "did you mean 'name'"), "populations[0].nme"),
    (("c_S    = { value = 2.0, range", "c_S    = { valeu = 2.0, range"), ("did you mean 'value'",),
     "parameters.c_S.valeu"),
    (("t_end = 20.0", "tend = 20.0"), ("did you mean 't_end'",), "simulation.tend"),
    (("title = \"Vertical", "titel = \"Vertical"), ("did you mean 'title'",), "game.titel"),
])
def test_unknown_keys_are_named_with_a_suggestion(edit, fragments, key):
    text = VERTICAL.replace(*edit)
    refused(text, *fragments, key=key, line=line_of(text, edit[1]))


def test_missing_sections():
    refused(HAWK.split("[[populations]]")[0], "missing or empty", key="populations")
    refused(HAWK.replace("[[populations]]", "[populations]"), "[[populations]]", key="populations")
    refused(HAWK.split("[payoffs]")[0], "exactly one of [payoffs] and [fitness]", "neither")
    refused(HAWK + '\n[fitness]\n"animals.hawk" = "1"\n', "exactly one of", "both")


def test_a_top_level_key_after_a_table_is_explained():
    refused(HAWK + "\npresets = 3\n", "belongs to [payoffs]")


@pytest.mark.parametrize("old, new, key, fragment", [
    ('strategies = ["hawk", "dove"]', 'strategies = "hawk"', "populations.animals.strategies", "list of two or more"),
    ('strategies = ["hawk", "dove"]', 'strategies = [1, 2]', "populations.animals.strategies", "non-empty string"),
    ('strategies = ["hawk", "dove"]', 'strategies = ["hawk"]', "populations.animals.strategies", "two or more"),
    ('name = "animals"', 'name = 7', "populations[0].name", "non-empty string"),
    ('title = "Hawk-Dove"', 'title = ["x"]', "game.title", "non-empty string"),
    ('title = "Hawk-Dove"', 'description = 5', "game.description", "a string was expected"),
    ('matching = "symmetric"', 'matching = "symetric"', "game.matching", "did you mean 'symmetric'"),
    ('V = { value = 2.0', 'V = { value = "2.0"', "parameters.V.value", "a number was expected"),
    ('V = { value = 2.0', 'V = { value = true', "parameters.V.value", "a number was expected"),
    ('V = { value = 2.0', 'V = { value = 1979-05-27', "parameters.V.value", "a number was expected"),
    ('range = [0, 100], description = "value', 'range = [0, 100, 5], description = "value', "parameters.V.range",
     "[low, high]"),
    ('range = [0, 100], description = "value', 'range = [100, 0], description = "value', "parameters.V.range",
     "low end is above"),
    ('description = "value of the contested resource"', 'description = 3', "parameters.V.description",
     "a string"),
    ('description = "value of the contested resource"', 'integer = "yes"', "parameters.V.integer", "true or false"),
    ('"dove.hawk" = "0"', '"dove.hawk" = true', "payoffs.dove.hawk", "an expression was expected"),
    ('"dove.hawk" = "0"', '"dove.hawk" = [["0"]]', "payoffs.dove.hawk", "expression string"),
    ('label_zh = "个体"', 'label_zh = ["个体"]', "populations.animals.label_zh", "non-empty string"),
    ('strategy_labels_zh = ["鹰", "鸽"]', 'strategy_labels_zh = ["鹰"]', "populations.animals.strategy_labels_zh",
     "one label per strategy"),
])
def test_wrong_types_name_the_key_and_what_was_found(old, new, key, fragment):
    assert old in HAWK
    refused(HAWK.replace(old, new), fragment, key=key)


# -- names -------------------------------------------------------------------------------

def test_duplicate_strategy_and_population_names():
    refused(HAWK.replace('["hawk", "dove"]', '["hawk", "hawk"]'), "lists strategy 'hawk' twice",
            key="populations.animals.strategies")
    text = VERTICAL.replace('name = "subordinate"', 'name = "superior"')
    refused(text, "population 'superior' is declared twice", key="populations")


@pytest.mark.parametrize("name, fragment", [
    ("strength", "reserved (the strength of a mechanism)"), ("exp", "function of the expression language"),
    ("sum", "function of the expression language"), ("binomial", "reserved"), ('"λ"', "not a valid parameter"),
    ('"c.S"', "not a valid parameter"), ('"_x"', "not a valid parameter"), ('"__class__"', "not a valid parameter"),
    ('"2x"', "not a valid parameter"), ('"x y"', "not a valid parameter"),
])
def test_invalid_or_reserved_parameter_names(name, fragment):
    refused(HAWK.replace("[parameters]\n", f"[parameters]\n{name} = 1.0\n"), fragment)


def test_strength_is_reserved_with_and_without_mechanisms():
    refused(HAWK.replace("[parameters]\n", "[parameters]\nstrength = 1.0\n"), key="parameters.strength")
    refused(VERTICAL.replace("[parameters]\n", "[parameters]\nstrength = 1.0\n"), key="parameters.strength")


@pytest.mark.parametrize("variable, fragment", [("1x", "not a valid state variable"), ("exp", "reserved"),
                                                ("V", "clashes with a parameter"), ("x.y", "not a valid")])
def test_state_variable_names(variable, fragment):
    refused(HAWK.replace('label_zh = "个体"', f'variable = "{variable}"'), fragment,
            key="populations.animals.variable")


def test_state_variable_of_a_larger_population_clashing_with_a_parameter():
    text = HAWK.replace('["hawk", "dove"]', '["hawk", "dove", "owl"]').replace(
        '"dove.dove" = "V/2"', '"dove.dove" = "V/2"\n' + "".join(
            f'"{a}.{b}" = "0"\n' for a, b in [("hawk", "owl"), ("dove", "owl"), ("owl", "hawk"), ("owl", "dove"),
                                              ("owl", "owl")]))
    text = text.replace('strategy_labels_zh = ["鹰", "鸽"]\n', "").replace("[parameters]\n", "[parameters]\nx_1 = 1\n")
    refused(text, "state variable 'x_1' has the name of a parameter")


def test_dots_in_population_and_strategy_names():
    refused(HAWK.replace('name = "animals"', 'name = "ani.mals"'), "contains '.'")
    refused(HAWK.replace('["hawk", "dove"]', '["ha.wk", "dove"]'), "contains '.'")


# -- payoffs ---------------------------------------------------------------------------

def test_payoff_key_with_an_unknown_strategy_suggests_the_near_miss():
    text = VERTICAL.replace('"loose.passive"', '"loose.pasive"')
    refused(text, "unknown strategy 'pasive' of population 'subordinate'", "did you mean 'passive'",
            key="payoffs.loose.pasive", line=line_of(text, '"loose.pasive"'))


def test_payoff_key_with_missing_or_extra_strategies():
    refused(VERTICAL.replace('"loose.passive"', '"loose"'), "names 1 strategies", "2 strategy names")
    refused(VERTICAL.replace('"loose.passive"', '"loose.passive.x"'), "names 3 strategies")


def test_missing_profiles():
    refused(VERTICAL.replace('"loose.passive"  = ["-R_U",                        "0"]', ""),
            "missing profile 'loose.passive'", "4 in all", key="payoffs")
    refused(HAWK.replace('"dove.dove" = "V/2"', ""), "missing profile 'dove.dove'", key="payoffs")


def test_wrong_number_of_expressions_per_profile():
    refused(VERTICAL.replace('["-R_U",                        "0"]', '["-R_U"]'),
            "2 expressions (one per population) were expected", "found 1", key="payoffs.loose.passive")
    refused(VERTICAL.replace('["-R_U",                        "0"]', '["-R_U", "0", "1"]'), "found 3")
    refused(HAWK.replace('"dove.hawk" = "0"', '"dove.hawk" = ["0", "1"]'), "one expression (the row strategy")


def test_unknown_name_in_an_expression_suggests_the_declared_one():
    text = VERTICAL.replace('"V_U - c_S - r"', '"V_U - c_s - r"')
    err = refused(text, "unknown name 'c_s'", "did you mean 'c_S'?", key="payoffs.strict.active",
                  line=line_of(text, '"strict.active"'))
    assert err.suggestion == "c_S" and err.file == "bad.toml"


def test_unknown_name_in_fitness():
    refused(fill("FITNESS", '"b*X - c"'), "unknown name 'X'", "did you mean 'x'", key="fitness.departments.share")
    refused(fill("FITNESS").replace('"departments.keep"', '"departments.kep"'), "did you mean 'keep'")
    refused(fill("FITNESS").replace('"departments.keep"', '"department.keep"'), "did you mean 'departments'")


# -- numbers: ranges, probabilities, non-finite values ---------------------------------------

def test_parameter_outside_its_declared_range():
    text = VERTICAL.replace("value = 3.0, range = [0, 20]", "value = 30.0, range = [0, 20]")
    refused(text, "value 30.0 is outside its declared range [0, 20]", key="parameters.c_D.value",
            line=line_of(text, "value = 30.0"))


@pytest.mark.parametrize("value", ["1.2", "-0.1"])
def test_a_probability_is_a_parameter_with_range_0_1(value):
    # the rule: range = [0, 1] declares a probability or fraction
    refused(VERTICAL.replace("value = 0.4, range = [0, 1],  stands_for = \"default",
                             f"value = {value}, range = [0, 1],  stands_for = \"default"),
            "a probability or fraction", key="parameters.d.value")


def test_a_mechanism_may_not_push_a_probability_out_of_0_1_at_strength_1():
    text = VERTICAL.replace('d + 0.75*strength*(1 - d)', 'd + 0.75*strength')
    refused(text, "at strength 1 the mechanism sets 'd' to 1.15", "a probability or fraction",
            key="mechanisms.supervision.set.d", line=line_of(text, "d + 0.75*strength"))
    refused(fill("SET", '"-r - 1"').replace("r = 1.0", "r = { value = 1.0, range = [0, 5] }"),
            "outside its declared range [0, 5]")


def test_a_preset_may_not_set_a_probability_outside_0_1():
    refused(fill().replace("set = { c_S = \"c_S/2\" }", "set = { d = 1.5 }"), "outside the declared range",
            key="presets.cheap.set.d")


def test_param_override_outside_the_range_is_refused():
    scenario = parse_scenario(fill())
    with pytest.raises(ScenarioError, match="a probability or fraction"):
        parse_params(scenario, ["d=1.01"])
    with pytest.raises(ScenarioError, match=r"outside the declared range \[0, 20\]"):
        parse_params(scenario, ["c_S=-1"])
    assert parse_params(scenario, ["d=1", "c_S=20", "r=-5"]) == {"d": 1, "c_S": 20, "r": -5}


@pytest.mark.parametrize("slot", ["value", "range", "payoff", "preset", "mechanism", "t_end", "initial"])
@pytest.mark.parametrize("bad", ["nan", "inf", "-inf"])
def test_non_finite_values_are_refused_everywhere(slot, bad):
    text = {
        "value": fill().replace("c_S = { value = 2.0", f"c_S = {{ value = {bad}"),
        "range": fill().replace("range = [0, 20]", f"range = [0, {bad}]"),
        "payoff": fill().replace('"loose.active" = ["1", "r"]', f'"loose.active" = [{bad}, "r"]'),
        "preset": fill("PRESET", bad),
        "mechanism": fill("SET", bad),
        "t_end": fill() + f"\n[simulation]\nt_end = {bad}\n",
        "initial": fill() + f"\n[simulation]\ninitial = [[0.5, {bad}]]\n",
    }[slot]
    refused(text, "finite")


def test_numbers_of_absurd_magnitude_are_refused():
    refused(HAWK.replace("V = { value = 2.0, range = [0, 100],", "V = { value = 1e-320,"), "magnitude")


# -- mechanisms and presets ----------------------------------------------------------------

def test_mechanism_referring_to_an_unknown_parameter():
    text = VERTICAL.replace('set = { L = "L*(1 - strength)" }', 'set = { l = "L*(1 - strength)" }')
    refused(text, "unknown parameter 'l'", "did you mean 'L'", key="mechanisms.responsibility.set.l",
            line=line_of(text, 'set = { l = '))
    refused(fill("SET", '"q + strength"'), "unknown name 'q'", key="mechanisms.reward.set.r")
    refused(fill("ADD", '"c_s*strength"'), "did you mean 'c_S'", key="mechanisms.reward.add.strict.active")
    refused(fill().replace('set = { r = "r + strength" }', 'set = { strength = "2" }'), "not a parameter")


def test_preset_referring_to_an_unknown_parameter():
    refused(fill().replace("set = { c_S = \"c_S/2\" }", "set = { c_s = 1 }"), "did you mean 'c_S'",
            key="presets.cheap.set.c_s")


# -- target and [simulation] ---------------------------------------------------------------

@pytest.mark.parametrize("target, fragment", [
    ('"loose.actve"', "did you mean 'active'"), ('"strict"', "names 1 strategies"),
    ('"active.loose"', "unknown strategy 'active' of population 'superior'"), ("3", "a profile string"),
    ('""', "a profile string"), ('"loose.active.x"', "names 3 strategies"),
])
def test_target_must_name_known_strategies(target, fragment):
    text = VERTICAL.replace('target = "loose.active"', f"target = {target}")
    refused(text, fragment, key="game.target", line=line_of(text, "target ="))


@pytest.mark.parametrize("section, fragment", [
    ("t_end = 0", "positive final time"), ("t_end = 'long'", "a number was expected"),
    ("initial = [[0.5]]", "1 numbers"), ("initial = [[0.5, 1.5]]", "outside the simplex"),
    ("initial = [[-0.1, 0.5]]", "outside the simplex"), ("initial = []", "non-empty list"),
    ("initial = [[[0.5, 0.6], [0.5, 0.5]]]", "not a probability vector"), ("initial = 'x'", "non-empty list"),
    ("points = 3", "unknown key 'points'"),
])
def test_simulation_section(section, fragment):
    refused(fill() + f"\n[simulation]\n{section}\n", fragment)


def test_simulation_section_accepts_both_forms_of_initial_states():
    scenario = parse_scenario(fill() + "\n[simulation]\nt_end = 5\ninitial = [[0.5, 0.5], [[0.2, 0.8], [1, 0]]]\n")
    assert scenario.simulation.t_end == 5


# -- files ------------------------------------------------------------------------------------

def test_file_problems(tmp_path):
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "missing.toml")
    with pytest.raises(ScenarioError, match="is a directory"):
        load_scenario(tmp_path)
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    with pytest.raises(ScenarioError, match="not a regular file"):   # reading would block forever
        load_scenario(fifo)


def test_line_numbers_point_at_the_mistake_in_a_file(tmp_path):
    path = tmp_path / "typo.toml"
    text = VERTICAL.replace('"d*F - c_S - (1 - d)*R_U"', '"d*F - c_S - (1 - d)*R_u"')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value).startswith(f"{path}:{line_of(text, 'R_u')}, key 'payoffs.strict.passive'")
    assert "did you mean 'R_U'" in str(info.value)


# -- the hostile corpus ----------------------------------------------------------------------

INJECTIONS = [
    "__import__('os').system('touch PWNED')", "__import__", "__builtins__", "().__class__.__bases__[0]",
    "x.__class__.__mro__", "r.__globals__", "lambda: 1", "[c for c in ()]", "{1: 2}", "r[0]",
    "eval('1')", "exec('import os')", "open('PWNED', 'w')", "compile('1', 'f', 'eval')", "globals()",
    "getattr(r, 'real')", "sympify('r')", "Symbol('r')", "S(1)", "Integer(1)", "N(r)", "r.evalf()",
    "Function('f')(r)", "'text'", "b'x'", "f'{r}'", "r if r else 1", "r; import os", "r\nimport os",
    "`id`", "$(touch PWNED)", "${HOME}", "r @ r", "r // 2", "r % 2", "r == 1", "not r", "await r",
    "9^9^9^9", "10**10**10", "2^100000", "exp(10^6)", "exp(exp(exp(10)))", "binomial(10^9, 10^8)",
    "sum(k, 0, 10^9, k)", "1e999999", "1/0", "log(-1)", "sqrt(-1)", "(" * 300 + "1" + ")" * 300,
    "-" * 3000 + "1", "r" + "+r" * 1500, "\u0440", "r\u200b", "\x00", "",
]
SLOT_FILES = [(f"{slot}: {text[:40]!r}", fill(slot, toml_string(text)))
              for slot in SLOTS for text in INJECTIONS]

_BASE = HAWK.encode("utf-8")
STRUCTURAL_FILES = [
    ("empty", b""), ("whitespace", b"  \n\t\n"), ("comment only", b"# nothing\n"),
    ("binary garbage", bytes(range(256)) * 20), ("NUL byte", _BASE.replace(b"[game]", b"[ga\x00me]")),
    ("UTF-8 BOM", b"\xef\xbb\xbf" + _BASE), ("UTF-16", HAWK.encode("utf-16")),
    ("UTF-16-BE", HAWK.encode("utf-16-be")), ("UTF-32", HAWK.encode("utf-32")),
    ("Latin-1", HAWK.replace("个体", "caf\u00e9").encode("latin-1", errors="replace")),
    ("GBK", HAWK.replace("Hawk-Dove", "鹰鸽博弈").encode("gbk")),
    ("enormous file", _BASE + b"\n#" + b"x" * 300_000),
    ("10^6-element array on one line", b"a = [" + b"0," * 10**6 + b"0]"),
    ("10^5-element array over lines", b"a = [\n" + b"0,\n" * 100_000 + b"]\n"),
    ("deeply nested arrays", b"a = " + b"[" * 100_000 + b"]" * 100_000),
    ("nested arrays, 200 deep", b"a = " + b"[" * 200 + b"]" * 200),
    ("nested arrays, 40 deep in [simulation]", _BASE + b"\n[simulation]\ninitial = " + b"[" * 40 + b"]" * 40),
    ("deeply nested inline tables", b"a = " + b"{b=" * 3000 + b"1" + b"}" * 3000),
    ("deeply nested dotted table header", b"[" + b".".join([b"a"] * 40_000) + b"]\n"),
    ("deeply nested tables over lines", b"".join(b"[" + b".".join([b"t"] * k) + b"]\n" for k in range(1, 60))),
    ("old Mac line endings", HAWK.replace("\n", "\r").encode()), ("bell character", _BASE.replace(b"Hawk-", b"Hawk\x07")),
    ("unterminated string", _BASE.replace(b'"V/2"', b'"V/2')), ("unterminated array", b"a = [1, 2\n"),
    ("table declared twice", _BASE + b"\n[game]\nname = 'x'\n"),
    ("array of tables and table", _BASE + b"\n[populations]\nname = 'x'\n"),
    ("key with quotes and dots", _BASE.replace(b'"hawk.hawk"', b'"hawk\\".hawk"')),
    ("key with an escaped newline", _BASE.replace(b'"hawk.hawk"', b'"hawk\\n.hawk"')),
    ("dotted parameter name", _BASE.replace(b"V = {", b'"V.x" = 1\nV = {')),
    ("unicode parameter name", _BASE.replace(b"V = {", "λ = 1\nV = {".encode())),
    ("homoglyph in expression", _BASE.replace(b'"V/2"', '"\u0412/2"'.encode())),
    ("zero-width space in name", _BASE.replace(b'"V/2"', '"V\u200b/2"'.encode())),
    ("right-to-left override", _BASE.replace(b'"V/2"', '"\u202eV/2"'.encode())),
    ("JSON instead of TOML", json.dumps({"game": {"name": "x"}}).encode()),
    ("YAML instead of TOML", b"game:\n  name: x\npopulations:\n  - name: a\n"),
    ("Python instead of TOML", b"import os\nos.system('touch PWNED')\n"),
    ("shell script", b"#!/bin/sh\ntouch PWNED\n"),
    ("pyproject.toml", b"[project]\nname = 'x'\nversion = '1'\n"),
    ("20 000 parameters", _BASE.replace(b"[parameters]", b"[parameters]\n" + b"".join(
        b"p%d = 1\n" % i for i in range(20_000)))),
    ("200 strategies", _BASE.replace(b'["hawk", "dove"]', str([f"s{i}" for i in range(200)]).encode())),
    ("20 populations", b"[game]\nname='x'\n" + b"".join(
        b"[[populations]]\nname='p%d'\nstrategies=['a','b']\n" % i for i in range(20)) + b"[fitness]\n"),
    ("5000-character name", _BASE.replace(b'name = "animals"', b'name = "' + b"a" * 5000 + b'.b"')),
    ("huge integer", _BASE.replace(b"value = 2.0", b"value = 99999999999999999999999")),
    ("float overflow", _BASE.replace(b"value = 2.0", b"value = 1e400")),
    ("date as a value", _BASE.replace(b"value = 2.0", b"value = 1979-05-27T07:32:00Z")),
    ("a payoff table as a string", _BASE.replace(b"[payoffs]", b"payoffs = 'hawk'\n[ignored]")),
    ("populations as a number", b"populations = 3\n"),
    ("mechanisms as a table", _BASE.replace(b"[payoffs]", b"[mechanisms]\nname='m'\n[payoffs]")),
    ("mechanism with code in its name", VERTICAL.replace('name = "platform"', 'name = "__import__(\'os\')"').encode()),
    ("preset named with a dot", _BASE + b"\n[presets.'a.b']\nset = { V = 1 }\n"),
    ("preset as a list", _BASE + b"\n[[presets]]\nset = { V = 1 }\n"),
    ("expression in a range", _BASE.replace(b"range = [0, 100], description = \"value",
                                           b"range = [0, \"__import__('os')\"], description = \"value")),
    ("expression as a value", _BASE.replace(b"value = 2.0", b"value = \"__import__('os').getcwd()\"")),
]
HOSTILE_FILES = [(name, text.encode("utf-8")) for name, text in SLOT_FILES] + STRUCTURAL_FILES


@pytest.mark.parametrize("data", [data for _, data in HOSTILE_FILES],
                         ids=[name for name, _ in HOSTILE_FILES])
def test_hostile_file_is_refused_quickly_and_runs_nothing(data, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "hostile.toml"
    path.write_bytes(data)
    with no_hang("refusing a hostile file"), pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert "\n" not in str(info.value) and str(info.value).startswith(str(path))
    assert sorted(os.listdir(tmp_path)) == ["hostile.toml"]     # nothing was written


def test_hostile_files_through_the_cli(tmp_path):
    """`evogame validate` on hostile files: exit 2, nothing on stdout, no traceback."""
    runner = CliRunner()
    for name, data in HOSTILE_FILES[::17]:
        path = tmp_path / "h.toml"
        path.write_bytes(data)
        result = runner.invoke(main, ["validate", str(path)])
        assert result.exit_code == 2, (name, result.output)
        assert result.stdout == "", name
        assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr, name


def hostile_count() -> tuple[int, int]:
    """(tried, refused) over HOSTILE_FILES, for scripts/hostile_count.py."""
    import tempfile
    refused_count = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hostile.toml"
        for _, data in HOSTILE_FILES:
            path.write_bytes(data)
            try:
                load_scenario(path)
            except ScenarioError:
                refused_count += 1
    return len(HOSTILE_FILES), refused_count


# -- fuzzing: mutated files never raise anything but ScenarioError -----------------------------

MUTATION_ALPHABET = list('[]{}=".,\'#\n 0123456789-+*/^()abcxyzVCDS_.eE') + ["strength", "inf", "nan", "true",
                                                                            "[[populations]]", "[payoffs]", "\\"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from([HAWK, fill(), fill("FITNESS", '"b*x - c"')]),
       edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 30), st.sampled_from(MUTATION_ALPHABET)),
                      min_size=1, max_size=6))
def test_fuzz_mutated_scenarios_raise_only_scenario_errors(base, edits):
    text = base
    for position, delete, insert in edits:
        k = position % (len(text) + 1)
        text = text[:k] + insert + text[k + delete:]
    try:
        parse_scenario(text, file="fuzz.toml")
    except ScenarioError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=400))
def test_fuzz_random_bytes_are_refused(data, tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "random.toml"
    path.write_bytes(data)
    with pytest.raises(ScenarioError):
        load_scenario(path)
