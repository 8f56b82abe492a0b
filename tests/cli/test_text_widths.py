"""Text output fits 100 terminal columns (East Asian wide characters count two).

Every line that ``analyze``, ``compare``, ``threshold`` and ``sweep`` print for every shipped scenario and for
a 2x2x2 game with long names is at most 100 columns: tables wrap the text inside their columns, a mixed point
is named by its E-number and its coordinates (its full shares are in ``--json``), prose wraps.
"""
from __future__ import annotations

import json
import tomllib
import unicodedata
from pathlib import Path

import pytest

from conftest import SCENARIOS
from helpers import invoke

LONG = Path(__file__).parent / "data" / "long_names_2x2x2.toml"
FILES = sorted(SCENARIOS.glob("*.toml")) + [LONG]
WIDTH = 100


def columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def _commands(path: Path) -> list[list[str]]:
    """analyze; compare and threshold with the first mechanism; threshold of and a sweep over a parameter."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    target = [] if data["game"].get("target") else \
        ["--target", ".".join(p["strategies"][0] for p in data["populations"])]
    mechanisms = [m["name"] for m in data.get("mechanisms", [])]
    ranged = [(n, p["range"]) for n, p in data.get("parameters", {}).items()
              if isinstance(p, dict) and p.get("range") and not p.get("integer")]
    out = [["analyze", path, "--no-cache"], ["analyze", path, "--no-cache", "--lang", "zh"]]
    if mechanisms:
        out += [["compare", path, "-m", mechanisms[0]], ["threshold", path, "-m", mechanisms[0], *target],
                ["threshold", path, "-m", mechanisms[-1], "--lang", "zh", *target]]
    if ranged:
        (name, (lo, hi)), (other, (lo2, hi2)) = ranged[0], ranged[-1]
        out += [["threshold", path, "--vary", name, *target], ["sweep", path, "--sweep", f"{name}={lo}:{hi}:9"]]
        if other != name:
            out.append(["sweep", path, "--sweep", f"{name}={lo}:{hi}:5", "--sweep", f"{other}={lo2}:{hi2}:5"])
    return out


@pytest.fixture(autouse=True)
def private_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("EVOGAME_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_line_of_text_output_fits_100_columns(path):
    for args in _commands(path):
        result = invoke(args)
        assert result.exit_code == 0, (args, result.output)
        wide = [line for line in result.stdout.splitlines() if columns(line) > WIDTH]
        assert wide == [], (args[0], wide)


def test_the_long_named_game_needs_the_fitting():
    """Without wrapping, its tables and prose are far wider than 100 columns: the test above tests something."""
    result = invoke(["analyze", LONG, "--json", "--no-cache"])
    doc = json.loads(result.stdout)
    labels = [p["label"] for p in doc["rest_points"]]
    assert max(columns(label) for label in labels) > WIDTH


def test_a_mixed_point_is_named_by_its_number_and_coordinates_its_shares_stay_in_json():
    result = invoke(["compare", SCENARIOS / "hidden_collusion.toml", "-m", "trust"])
    lines = result.stdout.splitlines()
    mixed = [line for line in lines if line.startswith("E9 ") or line.startswith("E10 ")]
    assert len(mixed) == 2
    for line in mixed:
        assert "(mixed, mixed, " in line and "sincere 0." not in line    # no shares in the label
        assert line.count("(0.") == 1                                     # coordinates once
    doc = json.loads(invoke(["compare", SCENARIOS / "hidden_collusion.toml", "-m", "trust", "--json"]).stdout)
    appearing = [r["with"] for r in doc["rows"] if r["change"] == "appears"]
    assert all(abs(sum(v) - 1) < 1e-12 for side in appearing for v in side["state"])
    assert all("mixed(" in side["label"] for side in appearing)


# -- the wrapping itself ----------------------------------------------------------------------------

from collections import Counter   # noqa: E402

from hypothesis import given, settings, strategies as st   # noqa: E402

from evogame.render.plain import fit_table, wrap   # noqa: E402

_TEXT = st.text(alphabet="ab_,() 严格监管", max_size=120)


@settings(max_examples=200, deadline=None)
@given(_TEXT, st.integers(8, 100))
def test_wrap_keeps_every_character_and_fits_the_width(text, width):
    lines = wrap(text, width, "    ")
    assert all(columns(line) <= width for line in lines)
    assert "".join(text.split()) == "".join("".join(lines).split())


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 6).flatmap(lambda n: st.lists(st.lists(_TEXT, min_size=n, max_size=n), min_size=1,
                                                    max_size=5)), st.integers(40, 100))
def test_a_fitted_table_fits_and_keeps_every_character(rows, width):
    lines = fit_table(rows, width)
    assert all(columns(line) <= width for line in lines)
    kept = Counter("".join(lines).replace("-", "").replace(" ", ""))     # the rule is dashes (not in the cells)
    assert kept == Counter("".join("".join(row) for row in rows).replace(" ", ""))


def test_fit_text_keeps_a_lines_indent_and_hangs_its_continuation():
    from evogame.render.plain import fit_text

    line = "  (strict, active): " + "; ".join(f"saddle [{k}, {k + 1}]" for k in range(12))
    lines = fit_text(line).split("\n")
    assert len(lines) > 1 and lines[0].startswith("  (strict, active): saddle [0, 1];")
    assert all(ln.startswith("      ") and not ln.startswith("       ") for ln in lines[1:])
    assert " ".join(ln.strip() for ln in lines) == line.strip()
