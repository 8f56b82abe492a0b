"""The words of the report in each language it is written in (``"en"``, ``"zh"``).

Labels only: what a scenario names (populations, strategies, parameters)
comes from the scenario, and figure captions from the figures.
"""
from __future__ import annotations

__all__ = ["LANGUAGES", "WORDS", "classification_name", "capitalised"]

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
           "notes": "Notes", "target": "target state", "state_vars": "State variables"},
    "zh": {"report": "分析报告", "scenario": "情景文件", "mechanisms": "所加机制", "baseline": "无（基准）",
           "parameters": "参数", "parameter": "参数", "value": "取值", "meaning": "含义", "stands": "对应",
           "payoffs": "收益矩阵", "equations": "复制动态方程", "equations_of": "演化动态方程：", "in_ranges": "在参数声明范围内", "point": "均衡点", "rest_point": "策略组合", "restpoints": "均衡点",
           "state": "状态（比例）", "exact": "精确解", "eigenvalues": "雅可比矩阵特征值",
           "class": "稳定性", "symbolic": "稳定性条件（符号）", "exists": "存在条件",
           "stable_iff": "渐近稳定当且仅当", "thresholds": "机制阈值", "mechanism": "机制",
           "threshold": "阈值", "closed": "解析式", "figures": "图", "figure": "图",
           "skipped": "未绘制的图", "continua": "平衡点连续统", "notes": "说明", "target": "目标状态",
           "state_vars": "状态变量"},
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
