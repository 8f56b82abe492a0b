"""The explorer's words (English and Chinese) and its marker language, the figures' one."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..solvers import stability as st
from ..errors import ScenarioError
from ..plotting.wording import mid_phrase

__all__ = ["WORDS", "CLASS_ZH", "MARKERS", "words", "class_name", "eigenvalue_text", "stable_text", "axis_title"]

#: class -> (plotly marker symbol, or None for the text glyph ◐ of a half-filled circle)
MARKERS = {
    st.ASYMPTOTICALLY_STABLE: "circle",
    st.UNSTABLE_SOURCE: "circle-open",
    st.SADDLE: "square-open",
    st.NON_HYPERBOLIC: None,
    st.NOT_DIFFERENTIABLE: "diamond-open",
    st.UNSTABLE_NON_HYPERBOLIC: "circle-open-dot",
}

WORDS = {
    "en": {"stable": "Asymptotically stable: ", "none": "No asymptotically stable rest point",
           "threshold": "threshold", "no_threshold": "no threshold in this range", "exactly": "exactly",
           "share": "share of", "strength": "strength of", "preset": "Preset", "baseline": "scenario values",
           "clear": "Clear paths", "paths": "Evolution paths: click a grey dot (a start) to draw its path; "
           "click it again to remove it.", "no_paths": "Evolution paths are not drawn on the line: the sign of "
           "dz/dt says where every start goes.", "rate": "rate of change dz/dt",
           "starts": "starts", "path": "paths", "state": "state", "eigenvalues": "eigenvalues", "others": "; every other slider at its default",
           "precomputed": "What is precomputed: each slider moves one quantity along its grid with every other "
           "slider at its default (a strength of 0, a parameter at its value in the scenario or the preset); "
           "moving a slider puts the others back to their default. At every step the rest points, their "
           "eigenvalues and classes (the sweep engine of evogame sweep, equal to evogame analyze there), the "
           "field's direction and the paths (evogame simulate) from a fixed set of starts (the scenario's own "
           "values only, not under a preset) were computed when the page was written; the browser only draws them. Values between the steps are not shown."},
    "zh": {"stable": "渐近稳定：", "none": "没有渐近稳定的静止点", "threshold": "阈值", "no_threshold": "此范围内没有阈值",
           "exactly": "精确值", "share": "比例：", "strength": "强度：", "preset": "预设", "baseline": "情景取值",
           "clear": "清除路径", "paths": "演化路径：点击灰色圆点（初始状态）画出其路径，再次点击将其移除。",
           "no_paths": "直线上不画演化路径：dz/dt 的符号说明每个初始状态的去向。", "rate": "变化率 dz/dt",
           "starts": "初始状态", "path": "路径", "state": "状态", "eigenvalues": "特征值", "others": "；其他滑块处于默认值",
           "precomputed": "预先计算的内容：每个滑块沿其网格移动一个量，其他滑块处于默认值（强度为 0，参数取情景或预设中的值）；"
                          "移动一个滑块会使其他滑块回到默认值。每一步的静止点、特征值与分类（evogame sweep 的扫描引擎，与该处的 "
                          "evogame analyze 相同）、向量场方向以及从固定初始状态出发的路径（evogame simulate，仅限情景本身的取值，预设下不画）都在生成页面时算好，"
                          "浏览器只负责绘制。网格步之间的取值不显示。"},
}
CLASS_ZH = {st.ASYMPTOTICALLY_STABLE: "渐近稳定", st.UNSTABLE_SOURCE: "不稳定（源）", st.SADDLE: "鞍点",
            st.NON_HYPERBOLIC: "非双曲", st.NOT_DIFFERENTIABLE: "不可微",
            st.UNSTABLE_NON_HYPERBOLIC: "不稳定（非双曲）"}


def words(lang: str) -> dict:
    """The page's words in ``lang`` (a ScenarioError for an unknown language)."""
    if lang not in WORDS:
        raise ScenarioError(f"unknown language '{lang}'", argument="lang", expected="en or zh")
    return WORDS[lang]


def class_name(cls: str, lang: str) -> str:
    return cls if lang == "en" else CLASS_ZH.get(cls, cls)


def eigenvalue_text(eigenvalues) -> str:
    """The eigenvalues as the hover shows them (4 significant digits; the page adds the label, state and class)."""
    return ", ".join("—" if np.isnan(e.real) else (f"{e.real:.4g}" if abs(e.imag) < 1e-12 else
                                                    f"{e.real:.4g}{e.imag:+.4g}i") for e in eigenvalues)


def stable_text(stable: Sequence[str], lang: str) -> str:
    """The stable set in words."""
    w = words(lang)
    return w["stable"] + ", ".join(stable) if stable else w["none"]


def axis_title(scenario, k: int, lang: str, short: bool = False) -> str:
    """``Population: share of first strategy``, as the figures label their axes (``short``: the names)."""
    pop = scenario.game.populations[k]
    if short:
        return f"{pop.name}: {pop.strategies[0]}"
    label = (pop.label_zh if lang == "zh" else pop.label_en) or pop.name
    strategies = (pop.strategy_labels_zh if lang == "zh" else pop.strategy_labels_en) or pop.strategies
    first = strategies[0] if lang == "zh" else mid_phrase(strategies[0])
    if lang == "zh":
        return f"{label}：{first}的比例"
    return f"{label}: {WORDS[lang]['share']} {first}"
