"""``evogame report``: the numbers in report.md are the analysis's, the LaTeX compiles,
every figure referenced exists, and mistakes are user errors."""
import json
import re
import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import SCENARIOS, load

from evogame.engine.analysis import analyze
from evogame.errors import ScenarioError
from evogame.plotting import style as style_module
from evogame.render.report import report
from evogame.render.vocabulary import point_label


@pytest.fixture(scope="module")
def vertical_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("vertical")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = report(load("vertical"), out, kinds=("portrait", "paths"))
    return result


@pytest.fixture(scope="module")
def hawk_dove_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("hawk_dove")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = report(load("hawk_dove"), out)
    return result


def _number(text: str) -> float:
    return float(text)


def _complex(text: str) -> tuple[float, float]:
    m = re.fullmatch(r"(-?[\d.e+-]+?)(?:([+-])([\d.e+-]+)i)?", text.strip())
    assert m, text
    re_part = float(m.group(1))
    im = 0.0 if m.group(2) is None else float(m.group(3)) * (1 if m.group(2) == "+" else -1)
    return re_part, im


def _rest_point_rows(markdown: str) -> list[dict]:
    """Parse the rest-point table of report.md back into numbers."""
    lines = markdown.splitlines()
    start = lines.index("## Rest points")
    rows = []
    for line in lines[start + 4:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        name, label, coordinates, _, eigs, cls = cells
        rows.append({
            "name": name,
            "label": label.replace("\\_", "_"),
            "coordinates": [_number(v) for v in coordinates.strip("()").split(", ")],
            "eigenvalues": [_complex(e) for e in eigs.split(", ")],
            "classification": cls,
        })
    return rows


@pytest.mark.parametrize("which", ["vertical_report", "hawk_dove_report"])
def test_report_numbers_equal_the_json_analysis(which, request):
    result = request.getfixturevalue(which)
    md = result.markdown.read_text(encoding="utf-8")
    rows = _rest_point_rows(md)
    game = load(result.analysis.game.name)
    analysis = analyze(game)                                    # an independent run
    expected = analysis.to_dict()["rest_points"]
    # the table's label is short ("(mixed)" for a mixed point: its shares are the coordinates beside it)
    assert [r["label"] for r in rows] == [point_label(game.game, p.support) for p in analysis.rest_points]
    # numbered E1, E2, ... as the papers do, the state in the declared variables (x, y)
    assert [r["name"] for r in rows] == [f"E{k}" for k in range(1, len(rows) + 1)]
    for row, p in zip(rows, expected):
        assert row["classification"] == p["classification"]
        assert np.allclose(row["coordinates"], list(p["coordinates"].values()), rtol=1e-5, atol=1e-9)
        # each coordinate is the share of its population's first strategy (two strategies each here)
        assert np.allclose(row["coordinates"], [vec[0] for vec in p["state"]], rtol=1e-5, atol=1e-9)
        assert np.allclose(np.array(row["eigenvalues"]), np.array(p["eigenvalues"]), rtol=1e-5, atol=1e-9)
    # and analysis.json holds the same analysis in full
    data = json.loads(result.analysis_json.read_text(encoding="utf-8"))
    assert [p["label"] for p in data["rest_points"]] == [p["label"] for p in expected]


def test_vertical_report_holds_the_papers_sections(vertical_report):
    md = vertical_report.markdown.read_text(encoding="utf-8")
    for heading in ("## Parameters", "## Payoffs", "## Replicator equations", "## Rest points",
                    "## Stability conditions (symbolic)", "## Thresholds of the mechanisms", "## Figures"):
        assert heading in md
    # the payoff table is the bimatrix of MODELS.md game 1
    assert "| strict | $V_{U} - c_{S} - r,\\; B \\beta + G m - L \\lambda - c_{D} + r$" in md
    # (loose, passive) stable iff d (F + R_U) < c_S and beta B + m G < c_D + lambda L
    block = md.split("**E4 (loose, passive)**")[1].split("**E")[0]
    assert "F d + R_{U} d - c_{S} < 0" in block and "B \\beta + G m - L \\lambda - c_{D} < 0" in block


def test_vertical_report_thresholds_are_the_closed_forms(vertical_report):
    from evogame.studies.thresholds import threshold
    md = vertical_report.markdown.read_text(encoding="utf-8")
    row = [ln for ln in md.splitlines() if ln.startswith("| platform |")][0]
    expected = threshold(load("vertical"), ["platform"]).threshold
    assert float(row.split(" | ")[1].split()[0]) == pytest.approx(expected, rel=1e-6)
    supervision = [ln for ln in md.splitlines() if ln.startswith("| supervision |")][0]
    assert "| none |" in supervision                  # supervision alone never makes sharing stable
    assert {t["mechanisms"][0] for t in vertical_report.thresholds} == {
        "incentive", "supervision", "platform", "responsibility", "measurability", "backflow",
        "dynamic_penalty", "dynamic_reward"}


def test_every_referenced_figure_exists(vertical_report, hawk_dove_report):
    for result in (vertical_report, hawk_dove_report):
        md = result.markdown.read_text(encoding="utf-8")
        tex = result.latex.read_text(encoding="utf-8")
        svgs = re.findall(r"\]\((figures/[^)]+\.svg)\)", md)
        pdfs = re.findall(r"\\includegraphics\{(figures/[^}]+\.pdf)\}", tex)
        assert svgs and len(svgs) == len(pdfs) == len(result.figures)
        for rel in svgs + pdfs:
            assert (result.directory / rel).is_file()
    kinds = [f.kind for f in vertical_report.figures]
    assert kinds == ["portrait", "paths"]
    assert [k for k, _ in hawk_dove_report.skipped] == ["sensitivity", "bifurcation", "regime", "curves",
                                                              "basins"]


def test_latex_is_a_complete_document(hawk_dove_report):
    tex = hawk_dove_report.latex.read_text(encoding="utf-8")
    assert tex.startswith("\\documentclass") and tex.rstrip().endswith("\\end{document}")
    assert "ctex" not in tex


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no pdflatex on PATH")
@pytest.mark.parametrize("which", ["vertical_report", "hawk_dove_report"])
def test_latex_compiles(which, request, tmp_path):
    result = request.getfixturevalue(which)
    work = tmp_path / "tex"
    shutil.copytree(result.directory, work)
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "report.tex"],
                          cwd=work, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert (work / "report.pdf").stat().st_size > 10_000


def test_chinese_report(tmp_path, monkeypatch):
    monkeypatch.setattr(style_module, "find_cjk_font", lambda: None)
    with pytest.warns(style_module.CJKFontWarning) as caught:
        result = report(load("hawk_dove"), tmp_path, lang="zh", kinds=("portrait", "paths"))
    assert len([w for w in caught if issubclass(w.category, style_module.CJKFontWarning)]) == 1
    md = result.markdown.read_text(encoding="utf-8")
    tex = result.latex.read_text(encoding="utf-8")
    assert "## 均衡点" in md and "\\usepackage[UTF8]{ctex}" in tex
    if shutil.which("xelatex"):
        proc = subprocess.run(["xelatex", "-interaction=nonstopmode", "-halt-on-error", "report.tex"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=180)
        assert proc.returncode == 0, proc.stdout[-3000:]


def test_unwritable_output_directory_is_a_user_error():
    with pytest.raises(ScenarioError, match="cannot create the output directory"):
        report(load("hawk_dove"), "/proc/no-such-dir/out", kinds=())


# -- CLI ---------------------------------------------------------------------------------------

def _run(*args):
    from evogame.cli import main
    return CliRunner().invoke(main, list(args))


def test_cli_report_json(tmp_path):
    res = _run("report", str(SCENARIOS / "prisoners_dilemma.toml"), "--out", str(tmp_path), "--kinds",
               "portrait", "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert Path(data["markdown"]).is_file() and Path(data["latex"]).is_file()
    assert [f["kind"] for f in data["figures"]] == ["portrait"]


def test_cli_report_png_and_progress(tmp_path):
    res = _run("report", str(SCENARIOS / "prisoners_dilemma.toml"), "--out", str(tmp_path), "--kinds",
               "portrait,paths", "--format", "png", "--no-symbolic")
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == ["paths.png", "portrait.png"]
    for name in ("paths.png", "portrait.png"):
        assert (tmp_path / "figures" / name).read_bytes().startswith(b"\x89PNG")
        # with no vector format, both documents show the PNG
        assert f"figures/{name}" in (tmp_path / "report.md").read_text(encoding="utf-8")
        assert f"figures/{name}" in (tmp_path / "report.tex").read_text(encoding="utf-8")
    steps = [line for line in res.stderr.splitlines() if line.startswith("report: ")]
    assert steps[0] == "report: rest points" and "report: portrait figures" in steps and len(steps) >= 4
    quiet = _run("report", str(SCENARIOS / "prisoners_dilemma.toml"), "--out", str(tmp_path / "q"), "--kinds",
                 "portrait", "--quiet", "--no-symbolic")
    assert quiet.exit_code == 0 and "report: " not in quiet.stderr


@pytest.mark.parametrize("args, message", [
    (["--out", "/proc/no-such-dir/out"], "cannot create the output directory"),
    (["--out", "OUT", "--kinds", "portrait,nonsense"], "unknown figure kind 'nonsense'"),
    (["--out", "OUT", "--mechanism", "platfrom"], "did you mean 'platform'"),
    (["--out", "OUT", "-p", "c_D=abc"], "not a number"),
    ([], "Missing option '--out'"),
])
def test_cli_report_bad_input_exits_2(args, message, tmp_path):
    args = [str(tmp_path / "o") if a == "OUT" else a for a in args]
    res = _run("report", str(SCENARIOS / "vertical.toml"), *args)
    assert res.exit_code == 2, res.output
    assert message in res.output
    assert "Traceback" not in res.output
