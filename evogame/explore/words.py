"""The explorer's words (English and Chinese) and its marker language, the figures' one."""
from __future__ import annotations

from ..solvers import stability as st
from ..errors import ScenarioError
from ..plotting.wording import mid_phrase

__all__ = ["WORDS", "CLASS_ZH", "MARKERS", "words", "class_name", "axis_title", "strategy_names"]

#: class -> plotly marker symbol (non-hyperbolic: a circle half white by a gradient, the figures' half-filled)
MARKERS = {
    st.ASYMPTOTICALLY_STABLE: "circle",
    st.UNSTABLE_SOURCE: "circle-open",
    st.SADDLE: "square-open",
    st.NON_HYPERBOLIC: "circle",
    st.NOT_DIFFERENTIABLE: "diamond-open",
    st.UNSTABLE_NON_HYPERBOLIC: "circle-open-dot",
}

WORDS = {
    "en": {"stable": "Asymptotically stable: ", "none": "No asymptotically stable rest point",
           "boundary": "on the boundary", "boundary_class": "on the boundary (page and engine could disagree)",
           "threshold": "threshold", "exactly": "exactly", "share": "share playing", "strength": "strength of", "quantity": "strength",
           "preset": "Preset", "baseline": "scenario values", "clear": "Clear paths",
           "paths": "Evolution paths: click a grey dot (a start) to draw its path from there (Dormand-Prince "
                    "5(4) in the page, rtol 1e-8, atol 1e-10); click it again to remove it.",
           "no_paths": "Evolution paths are not drawn on the line: the sign of dz/dt says where every start goes.",
           "rate": "rate of change dz/dt", "speed": "speed", "starts": "starts", "path": "paths",
           "state": "state", "eigenvalues": "eigenvalues", "class": "class", "point": "rest point",
           "becomes": "{target} becomes asymptotically stable when {what} {side} {value}",
           "loses": "{target} is asymptotically stable at {what} = {base} and loses stability when {what} "
                    "{side} {value}",
           "already": "no threshold needed: {target} is asymptotically stable at {what} = {base}",
           "never": "no threshold: {target} is never asymptotically stable for {what} in [{lo}, {hi}]",
           "exceeds": "exceeds", "rises": "rises above", "falls": "falls below",
           "others": " (the other sliders at their current values)", "no_target": "no target in the scenario: "
           "no threshold", "no_sliders": "This scenario has no parameters and no mechanisms: nothing to slide.",
           "computes": "What the page computes, at every move of any slider (all sliders act together, at any "
           "value in their range; type a value in the box): the vector field, its Jacobian and the rest points "
           "of every face come from evogame's own expressions printed to JavaScript by sympy (corners and faces "
           "solved in closed form where sympy solves them, the rest by Newton's method from a grid of each face "
           "and from the points at the previous values). Each rest point is classified from the eigenvalues of "
           "the Jacobian by evogame's rule (|Re| <= 1e-9 x max(1, max|J|) counts as zero); where a real part or a "
           "share lies within 1e-7 (x max(1, max|J|)) of zero the page says 'on the boundary' instead of "
           "guessing. The thresholds (▼) are bisected in the page with `evogame threshold`'s rule (a 401-point "
           "grid, each switch to 1e-10) at the current values of the other sliders.",
           "stated_range": "Ranges not in the scenario: ", "dynamics": "dynamics"},
    "zh": {"stable": "渐近稳定：", "none": "没有渐近稳定的静止点", "boundary": "处于边界",
           "boundary_class": "处于边界（页面与引擎可能不一致）", "threshold": "阈值", "exactly": "精确值",
           "share": "选择以下策略的比例：", "strength": "强度：", "quantity": "强度", "preset": "预设", "baseline": "情景取值",
           "clear": "清除路径", "paths": "演化路径：点击灰色圆点（初始状态）画出其路径（页面内 Dormand-Prince 5(4)，rtol 1e-8，"
           "atol 1e-10），再次点击将其移除。", "no_paths": "直线上不画演化路径：dz/dt 的符号说明每个初始状态的去向。",
           "rate": "变化率 dz/dt", "speed": "速度", "starts": "初始状态", "path": "路径", "state": "状态",
           "eigenvalues": "特征值", "class": "分类", "point": "静止点",
           "becomes": "当{what}{side}{value}时，{target}成为渐近稳定",
           "loses": "{target}在{what} = {base}时渐近稳定，当{what}{side}{value}时失去稳定",
           "already": "无需阈值：{target}在{what} = {base}时已渐近稳定",
           "never": "没有阈值：{what}在[{lo}, {hi}]内{target}都不是渐近稳定", "exceeds": "超过", "rises": "升至高于",
           "falls": "降至低于", "others": "（其他滑块取当前值）", "no_target": "情景没有目标：没有阈值",
           "no_sliders": "此情景没有参数和机制：没有可移动的滑块。",
           "computes": "页面在每次移动任一滑块时计算（所有滑块共同作用，可取范围内任意值；可在输入框中键入数值）：向量场、雅可比矩阵"
           "以及每个面的静止点均由 evogame 自身的表达式经 sympy 打印为 JavaScript（能求出闭式解的角点和面用闭式解，其余用牛顿法，"
           "从每个面的网格及上一次取值处的解出发）。每个静止点按 evogame 的规则由雅可比矩阵的特征值分类（|Re| <= 1e-9 x max(1, "
           "max|J|) 视为零）；当某个实部或比例与零的距离在 1e-7 以内时，页面显示“处于边界”而不作猜测。阈值（▼）在页面内按 "
           "`evogame threshold` 的规则二分求得（401 点网格，每个切换点精确到 1e-10），其他滑块取当前值。",
           "stated_range": "情景中未给出的范围：", "dynamics": "动力学"},
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


def strategy_names(pop, lang: str) -> list[str]:
    """The strategies as the page names them: the scenario's names in English (as ``analyze`` labels rest
    points), the Chinese labels under ``zh`` where the scenario gives them."""
    if lang == "zh" and pop.strategy_labels_zh:
        return list(pop.strategy_labels_zh)
    return list(pop.strategies)


def axis_title(scenario, k: int, lang: str, short: bool = False) -> str:
    """``Population: share playing “first strategy”``, in the page's language (``short``: the names)."""
    pop = scenario.game.populations[k]
    label = pop.label(lang)
    strategies = (pop.strategy_labels_zh if lang == "zh" else pop.strategy_labels_en) or pop.strategies
    if short:
        return f"{label}: {strategies[0]}"
    if lang == "zh":
        return f"{label}：{strategies[0]}的比例"
    return f"{label}: {WORDS[lang]['share']} “{mid_phrase(strategies[0])}”"
