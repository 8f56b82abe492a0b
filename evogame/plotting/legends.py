"""What the diagrams' legends share: the parameter's axis label, the stability key, the two-column layout,
the placement below the panels, and the words of the continuation figures in English and Chinese.

The regime map and both bifurcation diagrams (:mod:`.regimes`, :mod:`.branches`) and the two-parameter
diagram (:mod:`.curves`) build their legends from these pieces.
"""
from __future__ import annotations

__all__ = ["word", "parameter_label", "stability_key", "in_two_columns", "place_legend"]

#: the continuation figures' words (the figures' common vocabulary is in evogame.plotting.style)
_WORDS = {
    "en": {"corner": "rest points: corners", "edge": "rest points: edges", "face": "rest points: larger faces",
           "interior": "rest points: interior", "cycle": "limit cycle (min / max)",
           "fold": "fold (LP)", "Hopf": "Hopf (H)", "branch point": "branch point, exchange of stability (BP)",
           "supercritical": r"supercritical ($\ell_1 < 0$)", "subcritical": r"subcritical ($\ell_1 > 0$)",
           "degenerate": r"degenerate ($\ell_1 = 0$)", "solid": "solid", "dashed": "dashed", "dotted": "dotted",
           "sparse dots": "sparse dots", "neutral saddle": "neutral saddle (real pair)",
           "codimension two": "codimension-two point", "no curve": "no fold, Hopf or branch point to continue"},
    "zh": {"corner": "平衡点：顶点", "edge": "平衡点：棱", "face": "平衡点：高维面", "interior": "平衡点：内部",
           "cycle": "极限环（最小 / 最大）", "fold": "折叠分岔 (LP)", "Hopf": "Hopf 分岔 (H)",
           "branch point": "分支点，稳定性交换 (BP)", "supercritical": "超临界（l1 < 0）",
           "subcritical": "亚临界（l1 > 0）", "degenerate": "退化（l1 = 0）", "solid": "实线",
           "dashed": "虚线", "dotted": "点线", "sparse dots": "疏点线",
           "neutral saddle": "中性鞍点（实特征值对）", "codimension two": "余维二分岔点",
           "no curve": "无可延拓的折叠、Hopf 或分支点"},
}


def word(labels, key: str) -> str:
    """``key`` in the figure's language: the continuation figures' words, else the common vocabulary's."""
    return _WORDS.get(labels.lang, _WORDS["en"]).get(key) or labels.word(key)


def parameter_label(labels, name: str, mechanisms=()) -> str:
    """The axis label of a parameter, or of ``"strength"`` with the mechanisms it scales."""
    if name == "strength":
        mech = " + ".join(_mechanism(labels, m) for m in mechanisms or [])
        return f"{labels.word('strength')} $s$" + (f" ({mech})" if mech else "")
    return labels.parameter(name)


def _mechanism(labels, name: str) -> str:
    """A mechanism's name; in Chinese figures its Chinese label, when the game it was applied to carries it."""
    origin = getattr(labels.game, "origin", None) if labels.lang == "zh" else None
    return next((m.label("zh") for m, _ in (origin.mechanisms if origin else ()) if m.name == name), name)


def stability_key(labels, *, colour: str, stable_width: float, unstable_width: float, dash) -> list:
    """Two grey swatches, solid (asymptotically stable) and ``dash`` (not), as drawn: the key of a diagram
    whose colours tell branches apart."""
    from matplotlib.lines import Line2D
    return [Line2D([], [], color=colour, linewidth=stable_width, label=labels.word("asymptotically stable")),
            Line2D([], [], color=colour, linewidth=unstable_width, linestyle=dash, label=labels.word("not stable"))]


def in_two_columns(first: list, second: list) -> list:
    """Handles for a two-column legend (it fills by columns): ``first`` in the left, ``second`` in the right,
    the shorter padded with blank rows."""
    from matplotlib.lines import Line2D
    rows = max(len(first), len(second))
    blank = [Line2D([], [], linestyle="none", label=" ")]
    return first + blank * (rows - len(first)) + second + blank * (rows - len(second))


def place_legend(fig, ax, handles, *, own: bool, outside: dict | None = None, **options):
    """The legend below the panels (a figure of its own, with the ``outside`` options too: ``ncol``,
    ``labelspacing``) or inside ``ax`` where it hides least (drawn into a caller's axes); ``options`` go to
    ``legend`` in both cases (``title``, ``labels``, ``handlelength``, ...)."""
    if own:
        return fig.legend(handles=handles, loc="outside lower center", **(outside or {}), **options)
    return ax.legend(handles=handles, loc="best", **options)
