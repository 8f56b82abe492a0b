"""``analyze --noise`` under a kinked dynamics (issue 20, point 4): the rest-point table and the stochastic
table agree that the corner is not differentiable, and the verdict is the one-sided linearisation's."""
from __future__ import annotations

import json

import pytest

from helpers import invoke

TIE_GAME = """
[game]
name = "tie"
matching = "symmetric"

[[populations]]
name = "players"
strategies = ["s0", "s1", "s2"]

[payoffs]
"s0.s0" = "3"
"s0.s1" = "2"
"s0.s2" = "0"
"s1.s0" = "1"
"s1.s1" = "0"
"s1.s2" = "0"
"s2.s0" = "3"
"s2.s1" = "0"
"s2.s2" = "1"
"""


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EVOGAME_CACHE_DIR", str(tmp_path / "cache"))


def test_bnn_corner_of_a_tie_is_not_differentiable_in_both_tables_and_repelling(tmp_path):
    """A = [[3, 2, 0], [1, 0, 0], [3, 0, 1]] under BNN, sigma = 1.2, g = x(1-x): at (s0) the s2 share grows at
    the one-sided rate 1 (1 - 0.72 = +0.28 > 0): almost surely unstable, not "exponentially stable"."""
    path = tmp_path / "tie.toml"
    path.write_text(TIE_GAME)
    result = invoke(["analyze", path, "--dynamics", "bnn", "--noise", "1.2", "--form", "x(1-x)", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    table = {p["label"]: p["classification"] for p in doc["rest_points"]}
    corners = {c["label"]: c for c in doc["stochastic_stability"]["corners"]}
    assert table["(s0)"] == corners["(s0)"]["deterministic"] == "not differentiable"
    s0 = corners["(s0)"]
    assert s0["linearisation"] == "one-sided" and s0["linearised_drift"] == [[0.0, 0.0], [0.0, 1.0]]
    assert [round(k["lyapunov_exponent"], 12) for k in s0["coordinates"]] == [-0.72, 0.28]
    assert s0["almost_sure"] == "unstable" and s0["theorems"] == ["1", "4"]
    text = invoke(["analyze", path, "--dynamics", "bnn", "--noise", "1.2", "--form", "x(1-x)"]).stdout
    words = " ".join(text.split())      # the text is wrapped at 100 columns (a table cell over two lines)
    row = text[text.index("\n(s0) "):text.index("\n(s1) ")]      # the corner's row, over two lines
    assert "not differentiable" in row and "one-sided," in row and "diagonal" in row
    assert "Theorem 4" in words
