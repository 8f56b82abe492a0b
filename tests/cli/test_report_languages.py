"""A Chinese report speaks the scenario's Chinese names in its tables, and both reports compile.

``--lang zh``: the payoff table, the state variables, the rest-point table and the thresholds (mechanism,
target, meaning) use ``label_zh`` and ``strategy_labels_zh``, not only the headings.  The Chinese LaTeX
compiles with xelatex and ctex, the English one with pdflatex (each skipped, with the reason, where the
TeX program is missing: ``.ci/run`` installs them).
"""
from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from pathlib import Path

import pytest

from conftest import load
from evogame.render.report import report
from evogame.scenario import load_scenario

LONG = Path(__file__).parent / "data" / "long_names_2x2x2.toml"


def _quiet_report(subject, out, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")        # no CJK font for the (not drawn) figures
        return report(subject, out, kinds=(), **options)


def _section(markdown: str, heading: str) -> str:
    start = markdown.index(f"## {heading}\n")
    rest = markdown[start + 4:]
    end = re.search(r"^## ", rest, re.M)
    return rest[: end.start()] if end else rest


@pytest.fixture(scope="module")
def vertical_zh(tmp_path_factory):
    return _quiet_report(load("vertical"), tmp_path_factory.mktemp("zh"), lang="zh")


def test_the_chinese_report_names_populations_and_strategies_in_chinese(vertical_zh):
    md = vertical_zh.markdown.read_text(encoding="utf-8")
    game = load("vertical").game
    payoffs, points = _section(md, "收益矩阵"), _section(md, "均衡点")
    for pop in game.populations:
        assert pop.label_zh in payoffs
        for name, label in zip(pop.strategies, pop.strategy_labels_zh):
            assert label in payoffs and label in points
            assert not re.search(rf"\b{name}\b", payoffs.split("\n\n")[0]), name      # the table itself
        assert not re.search(rf"\(\s*{pop.strategies[0]}\s*,", points)
    state = [line for line in md.splitlines() if line.startswith("- 状态变量")][0]
    assert "上级政府选择严格监管的比例" in state and "下级政府选择积极共享的比例" in state


def test_the_chinese_thresholds_name_mechanisms_and_target_in_chinese(vertical_zh):
    md = vertical_zh.markdown.read_text(encoding="utf-8")
    thresholds = _section(md, "机制阈值")
    scenario = load("vertical")
    rows = [line for line in thresholds.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert len(rows) == len(scenario.mechanisms)
    for row, mechanism in zip(rows, scenario.mechanisms.values()):
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[0] == mechanism.label_zh
        assert "(宽松监管, 积极共享)" in cells[3] and not re.search(r"[a-z]{4,}", cells[3]), cells[3]
    platform = [r for r in rows if r.startswith("| 平台赋能 ")][0]
    assert "0.875" in platform and "超过 0.875" in platform


def test_analyze_lang_zh_names_populations_strategies_and_classes_in_chinese():
    from helpers import invoke

    text = invoke(["analyze", load("vertical").file, "--lang", "zh", "--no-cache"]).stdout
    payoffs = text.split("收益矩阵", 1)[1].split("复制动态方程", 1)[0]
    points = text.split("均衡点", 1)[1]
    assert "上级政府" in payoffs and "下级政府" in payoffs
    for word in ("严格监管", "宽松监管", "积极共享", "消极共享"):
        assert word in payoffs and word in points
    assert "(宽松监管, 消极共享)" in points and "渐近稳定" in points
    assert not re.search(r"\b(strict|loose|active|passive)\b", payoffs + points)
    assert "上级政府选择严格监管的比例" in text


def test_threshold_lang_zh_says_target_mechanism_and_meaning_in_chinese():
    from helpers import invoke

    text = invoke(["threshold", load("vertical").file, "-m", "platform", "--lang", "zh"]).stdout
    lines = dict(line.split(": ", 1) for line in text.replace("\n    ", "").splitlines())
    assert lines["目标状态"].startswith("(宽松监管, 积极共享)") and "机制: 平台赋能" in lines["目标状态"]
    assert lines["阈值"] == "strength = 0.875 (精确值 7/8)"
    assert "平台赋能" in lines["含义"] and "(宽松监管, 积极共享)" in lines["含义"] and "0.875" in lines["含义"]
    assert not re.search(r"[a-z]{4,}", lines["含义"])
    assert lines["strength = 0.8751 处的稳定状态"] == "(宽松监管, 积极共享)"


def test_the_english_report_keeps_the_scenarios_names(tmp_path):
    md = _quiet_report(load("vertical"), tmp_path).markdown.read_text(encoding="utf-8")
    assert "| superior \\ subordinate | active | passive |" in md
    assert "严格" not in md


@pytest.mark.skipif(shutil.which("xelatex") is None, reason="no xelatex on PATH (.ci/run installs texlive-xetex "
                                                           "and texlive-lang-chinese)")
@pytest.mark.parametrize("which", ["vertical", "long"])
def test_the_chinese_latex_report_compiles_with_xelatex(which, vertical_zh, tmp_path):
    result = vertical_zh if which == "vertical" else \
        _quiet_report(load_scenario(LONG), tmp_path / "long", lang="zh", symbolic=False)
    work = tmp_path / "tex"
    shutil.copytree(result.directory, work)
    tex = (work / "report.tex").read_text(encoding="utf-8")
    assert "\\usepackage[UTF8]{ctex}" in tex and ("严格监管" in tex)
    proc = subprocess.run(["xelatex", "-interaction=nonstopmode", "-halt-on-error", "report.tex"], cwd=work,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:]
    log = (work / "report.log").read_text(encoding="utf-8", errors="replace")
    assert "Missing character" not in log        # every Chinese name was typeset
    assert (work / "report.pdf").stat().st_size > 10_000


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no pdflatex on PATH (.ci/run installs "
                                                             "texlive-latex-base and texlive-latex-recommended)")
def test_the_english_latex_report_of_the_long_named_game_compiles_with_pdflatex(tmp_path):
    result = _quiet_report(load_scenario(LONG), tmp_path / "long", symbolic=False)
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "report.tex"],
                          cwd=result.directory, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:]
