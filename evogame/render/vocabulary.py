"""The words of the report in each language it is written in (``"en"``, ``"zh"``).

Labels only: what a scenario names (populations, strategies, parameters)
comes from the scenario, and figure captions from the figures.
"""
from __future__ import annotations

__all__ = ["LANGUAGES", "WORDS", "classification_name", "capitalised", "population_name", "strategy_name",
           "point_label", "profile_support", "threshold_meaning_zh"]

WORDS = {
    "en": {"report": "analysis report", "scenario": "Scenario", "mechanisms": "Mechanisms applied",
           "baseline": "none (baseline)", "parameters": "Parameters", "parameter": "parameter",
           "value": "value", "meaning": "meaning", "stands": "stands for", "payoffs": "Payoffs",
           "equations": "Replicator equations", "equations_of": "Equations of the dynamics",
           "in_ranges": "within the declared ranges", "point": "point", "rest_point": "rest point", "restpoints": "Rest points", "state": "state (shares)",
           "exact": "exact state", "eigenvalues": "eigenvalues of the Jacobian", "class": "classification",
           "symbolic": "Stability conditions (symbolic)", "exists": "exists iff",
           "stable_iff": "asymptotically stable iff", "thresholds": "Thresholds of the mechanisms",
           "mechanism": "mechanism", "threshold": "threshold", "closed": "closed form", "figures": "Figures",
           "figure": "Figure", "skipped": "Figures not drawn", "continua": "Continua of rest points",
           "notes": "Notes", "target": "target state", "state_vars": "State variables",
           "strength_note": "; strength ", "strength_scale": ": 0 = baseline, 1 = as described.", "none": "none",
           "each_cell": "Each cell: payoff of {0}, payoff of {1}.", "row_vs_column": "{0} (row vs column)",
           "share_of": " = share of ", "playing": " playing ", "share_end": ""},
    "zh": {"report": "分析报告", "scenario": "情景文件", "mechanisms": "所加机制", "baseline": "无（基准）",
           "parameters": "参数", "parameter": "参数", "value": "取值", "meaning": "含义", "stands": "对应",
           "payoffs": "收益矩阵", "equations": "复制动态方程", "equations_of": "演化动态方程：", "in_ranges": "在参数声明范围内", "point": "均衡点", "rest_point": "策略组合", "restpoints": "均衡点",
           "state": "状态（比例）", "exact": "精确解", "eigenvalues": "雅可比矩阵特征值",
           "class": "稳定性", "symbolic": "稳定性条件（符号）", "exists": "存在条件",
           "stable_iff": "渐近稳定当且仅当", "thresholds": "机制阈值", "mechanism": "机制",
           "threshold": "阈值", "closed": "解析式", "figures": "图", "figure": "图",
           "skipped": "未绘制的图", "continua": "平衡点连续统", "notes": "说明", "target": "目标状态",
           "state_vars": "状态变量", "strength_note": "；机制强度 ", "strength_scale": "：0 = 基准，1 = 按描述。",
           "none": "无", "each_cell": "每格：{0}的收益，{1}的收益。", "row_vs_column": "{0}（行对列）",
           "share_of": " = ", "playing": "选择", "share_end": "的比例"},
}

#: the languages a report can be written in
LANGUAGES = tuple(WORDS)

_CLASSES_ZH = {"asymptotically stable": "渐近稳定", "unstable source": "不稳定源", "saddle": "鞍点",
               "not differentiable": "不可微",
               "non-hyperbolic": "非双曲", "unstable (non-hyperbolic)": "不稳定（非双曲）"}


def classification_name(classification: str, lang: str) -> str:
    """A rest point's classification (``stability.CLASSES``) in ``lang``."""
    return _CLASSES_ZH.get(classification, classification) if lang == "zh" else classification


def capitalised(word: str) -> str:
    """``word`` with its first letter upper case (the rest as it is)."""
    return word[:1].upper() + word[1:]


#: a population at a mixed share, in a point's short label (the shares are in the coordinates beside it)
_MIXED = {"en": "mixed", "zh": "混合"}


def population_name(population, lang: str) -> str:
    """A population as a table names it: its Chinese label in ``zh`` (its name if it has none), else its name."""
    return (population.label_zh or population.name) if lang == "zh" else population.name


def strategy_name(population, index: int, lang: str) -> str:
    """A strategy as a table names it: its Chinese label in ``zh`` (its name if it has none), else its name."""
    return population.strategy_label(index, "zh") if lang == "zh" else population.strategies[index]


def point_label(game, support, lang: str = "en") -> str:
    """A rest point's short label, ``(loose, active)``: the strategy of each population that plays a pure one,
    ``mixed`` for each that mixes (its shares belong in the coordinates, not in the label)."""
    return "(" + ", ".join(strategy_name(pop, S[0], lang) if len(S) == 1 else _MIXED[lang]
                           for pop, S in zip(game.populations, support)) + ")"


def profile_support(game, key: str | None):
    """The support of the pure profile ``key`` (``"loose.active"``, one strategy per population), or None
    when ``key`` names no pure profile (e.g. ``interior``)."""
    names = (key or "").split(".")
    if len(names) != len(game.populations) or any(n not in p.strategies for n, p in zip(names, game.populations)):
        return None
    return tuple((p.strategies.index(n),) for n, p in zip(names, game.populations))


def threshold_meaning_zh(t: dict, scenario) -> str:
    """The meaning of a threshold (``ThresholdResult.to_dict()``) in Chinese, from its fields: the target and
    the mechanisms by the scenario's Chinese labels."""
    from ..util.formatting import number

    def f(v) -> str:
        return number(v, 10)

    support = profile_support(scenario.game, t.get("target_key"))
    label = point_label(scenario.game, support, "zh") if support else t.get("target", "")
    mechanisms = scenario.mechanisms
    what = "＋".join(mechanisms[m].label("zh") if m in mechanisms else m for m in t.get("mechanisms", []))
    unknown, status = t["unknown"], t["status"]
    subject = f"{what}的强度 s " if unknown == "strength" else f"{unknown} "
    baseline, thr, (lo, hi) = t.get("baseline"), t.get("threshold"), t.get("range", (None, None))
    if status == "independent":
        text = f"无阈值：{label}的稳定性与{what if unknown == 'strength' else unknown}无关。"
    elif status == "never stable":
        text = f"无阈值：{subject}在 [{f(lo)}, {f(hi)}] 内，{label}都不是渐近稳定的。"
    elif status == "already stable":
        text = f"无需阈值：{label}在基准（{subject.strip()} = {f(baseline)}）时已渐近稳定。"
    else:
        rises = thr > baseline
        move = f"升至 {f(thr)} 以上" if rises else f"降至 {f(thr)} 以下"
        if status == "crossing":
            text = f"{label}在默认值 {unknown} = {f(baseline)} 时渐近稳定，{unknown}{move}时失去稳定性。"
        elif unknown == "strength":
            text = f"当{what}的强度超过 {f(thr)} 时，{label}变为渐近稳定（0 = 基准，1 = 按描述）。"
        else:
            text = f"当 {unknown} {move}时，{label}变为渐近稳定（默认值 {f(baseline)}）。"
    region = t.get("stable_region") or []
    if region:
        text += "稳定区间：" + "、".join(f"[{f(a)}, {f(b)}]" for a, b in region) + "。"
    return text
