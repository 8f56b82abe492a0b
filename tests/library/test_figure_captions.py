"""A report figure's caption says what its figure draws: each clause checked against the saved SVG.

The SVG keeps every artist's gid as an element id (the threshold curve
``threshold``, the marks ``rest-points:<class>``, the names
``rest-point-label:E1``), so the file itself says what was drawn.
"""
from __future__ import annotations

import re

import pytest

from conftest import load

from evogame.plotting.style import MARKS
from evogame.render.report import report


def _entry(result, kind):
    (entry,) = [f for f in result.figures if f.kind == kind]
    return entry


def _svg(out, entry) -> str:
    return (out / entry.files["svg"]).read_text()


def _ids(svg: str) -> set[str]:
    return set(re.findall(r'id="([^"]+)"', svg))


@pytest.mark.parametrize("name,drawn", [("vertical", True), ("dual_leadership", False)])
def test_the_regime_caption_promises_the_threshold_line_exactly_when_drawn(tmp_path, name, drawn):
    result = report(load(name), tmp_path, kinds=("regime",), figure_formats=("svg",), symbolic=False)
    entry = _entry(result, "regime")
    has_curve = "threshold" in _ids(_svg(tmp_path, entry))
    assert has_curve == drawn
    assert ("black: the target's threshold" in entry.caption) == has_curve
    assert ("no threshold line is drawn" in entry.caption) == (not has_curve)
    if not has_curve:      # and says why: the target named by its strategies, not by indices
        assert "(0, 0, 0)" not in entry.caption and "closed-form threshold" in entry.caption
    assert ("cross: the parameter values" in entry.caption) == ("parameter-values" in _ids(_svg(tmp_path, entry)))


@pytest.mark.parametrize("name", ["hawk_dove", "rps", "vertical"])
def test_the_portrait_caption_names_the_marks_drawn_and_only_those(tmp_path, name):
    result = report(load(name), tmp_path, kinds=("portrait",), figure_formats=("svg",), symbolic=False)
    entry = _entry(result, "portrait")
    ids = _ids(_svg(tmp_path, entry))
    for cls in MARKS:
        assert (f": {cls}" in entry.caption) == (f"rest-points:{cls}" in ids), cls
    named = any(i.startswith("rest-point-label:") for i in ids)
    assert named and "E1, E2" in entry.caption


def test_the_paths_caption_says_where_the_paths_start(tmp_path):
    scenario = load("hawk_dove")
    assert scenario.simulation.initial is None
    result = report(scenario, tmp_path, kinds=("paths",), figure_formats=("svg",), symbolic=False)
    caption = _entry(result, "paths").caption
    assert "else" not in caption and "centre of the state space" in caption
