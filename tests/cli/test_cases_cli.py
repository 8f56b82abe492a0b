"""``evogame cases``: the cases table on the command line (text, Markdown, LaTeX, JSON) and its user errors."""
from __future__ import annotations

import json

from conftest import SCENARIOS
from helpers import assert_user_error, invoke

VERTICAL = str(SCENARIOS / "vertical.toml")


def test_cases_json_lists_the_four_cases_of_the_vertical_game():
    result = invoke(["cases", VERTICAL, "--check", "200", "--confirm", "1", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert sorted(tuple(c["stable"]) for c in doc["cases"]) == [(), ("E2",), ("E3",), ("E4",)]
    assert doc["check"]["covered"] and all(c["verified"] for c in doc["cases"])


def test_cases_with_a_fixed_parameter_leaves_it_out_of_the_box(tmp_path):
    out = tmp_path / "cases.md"
    result = invoke(["cases", VERTICAL, "-p", "d=0", "--check", "0", "--format", "markdown", "--out", out])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "| case | condition |" in text and "d \\in" not in text
    # d = 0: d (F + R_U) = 0 < c_S, (strict, passive) is never stable and strict supervision never pays:
    # (loose, active) iff beta*B + m*G > c_D + lambda*L, else (loose, passive)
    assert text.count("is the only ESS") == 2 and "no rest point is" not in text.split("| case |")[1]


def test_cases_unknown_parameter_is_a_user_error():
    assert_user_error(invoke(["cases", VERTICAL, "-p", "nope=1"]), "nope")
