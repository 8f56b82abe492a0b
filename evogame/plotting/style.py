"""The project's figure style, labels, rest-point marks and deterministic saving.

One style for every evogame figure, applied with ``matplotlib.rc_context``
(global ``rcParams`` are never changed):

* sans-serif text, 8 pt labels and 7 pt tick labels, readable when the figure
  is printed at its real size: a single column of 8.5 cm or a double column
  of 17.5 cm (``width="single" | "double"``);
* the Okabe--Ito palette (safe for the common colour-vision deficiencies) for
  categories and ``viridis`` (perceptually uniform, colour-blind safe) for
  ordered values;
* rest points marked in the vocabulary of Dynamo (Sandholm et al.): a filled
  circle for an asymptotically stable point, an open circle for an unstable
  source, an open square for a saddle and a half-filled circle for a
  non-hyperbolic point (a zero or purely imaginary eigenvalue); marks are
  drawn above every streamline and arrow;
* same input, same bytes: SVG with a fixed hash salt and no date, PDF without
  creation or modification dates.

Chinese labels (``lang="zh"``) need a CJK font; when none is installed one
:class:`CJKFontWarning` is emitted and the English labels are used.
"""
from __future__ import annotations

import contextlib
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from ..errors import AnalysisError, ScenarioError
from ..game import parameter_symbol
from ..solvers.stability import (ASYMPTOTICALLY_STABLE, NON_HYPERBOLIC, NOT_DIFFERENTIABLE, SADDLE, UNSTABLE_NON_HYPERBOLIC,
                         UNSTABLE_SOURCE)
from .pdf_fonts import lean_font_subsets   # PDF fonts without the tables no viewer reads
from .wording import mid_phrase, split_profile

__all__ = ["WIDTHS", "OKABE_ITO", "MARKS", "CJKFontWarning", "find_cjk_font", "resolve_language",
           "rc", "style", "new_figure", "save_figure", "Labels", "FORMATS", "mark_rest_points",
           "rest_point_legend_handles", "width_inches"]

#: printed widths in inches: a single column (8.5 cm) and a double column (17.5 cm)
WIDTHS = {"single": 8.5 / 2.54, "double": 17.5 / 2.54}

#: Okabe & Ito (2008), "Color universal design": black first, then the eight hues
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")

#: the output formats, chosen by a file's extension
FORMATS = ("pdf", "svg", "png")

#: fonts that carry Chinese glyphs, in order of preference
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
             "Noto Sans CJK TC", "Noto Sans CJK JP", "Source Han Sans", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "Sarasa Gothic SC", "Microsoft YaHei", "SimHei", "PingFang SC",
             "Heiti SC", "Hiragino Sans GB", "AR PL UKai CN", "AR PL UMing CN", "Droid Sans Fallback",
             "Noto Serif CJK SC", "Source Han Serif SC")

_BASE_SANS = ["DejaVu Sans", "Arial", "Helvetica", "Liberation Sans"]

#: classification -> marker style (matplotlib ``plot`` keyword arguments); unstable (non-hyperbolic): an open
#: circle with a grey lower half
MARKS = {
    ASYMPTOTICALLY_STABLE: dict(marker="o", markersize=6.0, markerfacecolor="black",
                                markeredgecolor="black", markeredgewidth=0.9),
    UNSTABLE_SOURCE: dict(marker="o", markersize=6.0, markerfacecolor="white",
                          markeredgecolor="black", markeredgewidth=0.9),
    SADDLE: dict(marker="s", markersize=5.2, markerfacecolor="white",
                 markeredgecolor="black", markeredgewidth=0.9),
    NON_HYPERBOLIC: dict(marker="o", markersize=6.0, fillstyle="left", markerfacecolor="black",
                         markerfacecoloralt="white", markeredgecolor="black", markeredgewidth=0.9),
    UNSTABLE_NON_HYPERBOLIC: dict(marker="o", markersize=6.0, fillstyle="bottom", markerfacecolor="#9a9a9a",
                                  markerfacecoloralt="white", markeredgecolor="black", markeredgewidth=0.9),
    # a kink of the field (BNN, Smith): no Jacobian, so none of the circle family
    NOT_DIFFERENTIABLE: dict(marker="D", markersize=5.2, markerfacecolor="white",
                             markeredgecolor="black", markeredgewidth=0.9),
}

#: zorder of rest-point marks: above streamlines (1-2), arrows (3) and lines (2)
MARK_ZORDER = 10

#: the mark of a continuum of rest points (drawn at one sample point of it)
CONTINUUM_MARK = dict(marker="x", markersize=5.0, markeredgecolor="#444444", markeredgewidth=1.0,
                      linestyle="none")

_WORDS = {
    "en": {ASYMPTOTICALLY_STABLE: "asymptotically stable", UNSTABLE_SOURCE: "unstable source",
           SADDLE: "saddle", NON_HYPERBOLIC: "non-hyperbolic", NOT_DIFFERENTIABLE: "not differentiable",
           UNSTABLE_NON_HYPERBOLIC: "unstable (non-hyperbolic)", "share": "share", "time": "time $t$",
           "share of": "share of", "speed": "speed", "continuum": "continuum of rest points",
           "nullcline": "nullcline", "start": "start", "none": "none", "stable set": "stable set",
           "attractor": "attractor reached", "no attractor": "no attractor reached",
           "stable": "asymptotically stable", "not stable": "not asymptotically stable",
           "threshold": "threshold", "strength": "strength", "defaults": "parameter values used",
           "mixed": "mixed", "interior": "interior rest point", "stability key": "thick: asymptotically stable; thin: not"},
    "zh": {ASYMPTOTICALLY_STABLE: "渐近稳定", UNSTABLE_SOURCE: "不稳定源", SADDLE: "鞍点",
           NON_HYPERBOLIC: "非双曲", NOT_DIFFERENTIABLE: "不可微", UNSTABLE_NON_HYPERBOLIC: "不稳定（非双曲）",
           "share": "比例", "time": "时间 $t$", "share of": "比例", "speed": "速度", "continuum": "平衡点连续统",
           "nullcline": "零斜率线", "start": "初始", "none": "无", "stable set": "稳定集", "attractor": "收敛到的吸引子",
           "no attractor": "未收敛", "stable": "渐近稳定", "not stable": "非渐近稳定",
           "threshold": "阈值", "strength": "强度", "defaults": "所用参数值",
           "mixed": "混合", "interior": "内部平衡点", "stability key": "粗线：渐近稳定；细线：非渐近稳定"},
}


class CJKFontWarning(UserWarning):
    """No font with Chinese glyphs is installed: English labels are used instead."""


def width_inches(width) -> float:
    """``"single"`` (8.5 cm), ``"double"`` (17.5 cm) or a number of inches."""
    if isinstance(width, str):
        if width not in WIDTHS:
            raise ScenarioError(f"unknown figure width '{width}'", argument="width",
                                expected="'single' (8.5 cm) or 'double' (17.5 cm)")
        return WIDTHS[width]
    value = float(width)
    if not value > 0:
        raise ScenarioError(f"figure width {width!r} is not positive", argument="width")
    return value


def find_cjk_font() -> str | None:
    """The family name of an installed font with Chinese glyphs, or None."""
    from matplotlib import font_manager
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    return None


def resolve_language(lang: str) -> tuple[str, str | None]:
    """The language the labels can be drawn in, and the CJK font to use.

    ``"en"`` -> ``("en", None)``.  ``"zh"`` -> ``("zh", font)`` when a CJK font
    is installed; otherwise one :class:`CJKFontWarning` and ``("en", None)``.
    """
    if lang == "en":
        return "en", None
    if lang != "zh":
        raise ScenarioError(f"unknown language '{lang}'", argument="lang", expected="'en' or 'zh'")
    font = find_cjk_font()
    if font is None:
        warnings.warn("no CJK font found for Chinese labels, drawing English labels instead; install one "
                      "(on Debian/Ubuntu: sudo apt-get install fonts-noto-cjk, then delete "
                      "~/.cache/matplotlib so matplotlib finds it)", CJKFontWarning, stacklevel=3)
        return "en", None
    return "zh", font


def rc(width="single", cjk_font: str | None = None) -> dict:
    """The project style as an rc dict (for ``matplotlib.rc_context``)."""
    double = isinstance(width, str) and width == "double"
    return {
        # with a CJK font: a list of concrete families, so that matplotlib falls back glyph by glyph
        "font.family": ["DejaVu Sans", cjk_font] if cjk_font else "sans-serif",
        "font.sans-serif": list(_BASE_SANS),
        "font.size": 8.0,
        "axes.labelsize": 8.0,
        "axes.titlesize": 8.5 if not double else 9.0,
        "axes.titleweight": "normal",
        "xtick.labelsize": 7.0,
        "ytick.labelsize": 7.0,
        "legend.fontsize": 7.0,
        "legend.title_fontsize": 7.0,
        "legend.frameon": False,
        "legend.handlelength": 1.6,
        "legend.borderaxespad": 0.3,
        "legend.columnspacing": 1.2,
        "figure.titlesize": 9.0,
        "mathtext.fontset": "dejavusans",
        "axes.unicode_minus": True,
        "axes.linewidth": 0.6,
        "axes.prop_cycle": matplotlib.cycler(color=list(OKABE_ITO)),
        "axes.labelpad": 3.0,
        "axes.titlepad": 4.0,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "xtick.major.size": 2.5,
        "ytick.major.size": 2.5,
        "xtick.direction": "out",
        "ytick.direction": "out",
        "lines.linewidth": 1.1,
        "lines.markersize": 4.0,
        "grid.linewidth": 0.4,
        "grid.color": "#d0d0d0",
        "figure.dpi": 100,
        "figure.facecolor": "white",
        "figure.constrained_layout.use": True,
        "figure.constrained_layout.h_pad": 0.07,
        "figure.constrained_layout.w_pad": 0.07,
        "savefig.dpi": 300,
        "savefig.facecolor": "white",
        "savefig.bbox": None,
        "svg.hashsalt": "evogame",
        "svg.fonttype": "path",
        "pdf.fonttype": 42,
        "image.cmap": "viridis",
    }


@contextlib.contextmanager
def style(width="single", cjk_font: str | None = None):
    """Context manager: the project style (``rc``) for drawing and saving."""
    with matplotlib.rc_context(rc(width, cjk_font)):
        yield


def new_figure(width="single", aspect: float = 0.75, *, cjk_font: str | None = None, **kwargs) -> Figure:
    """A Figure of the given printed width and height = aspect * width.

    The figure is created without pyplot (no global state, no window) and
    remembers its style so that :func:`save_figure` saves it with the same
    rc settings.
    """
    w = width_inches(width)
    with style(width, cjk_font):
        fig = Figure(figsize=(w, w * aspect), **kwargs)
    fig._evogame_style = (width, cjk_font)
    return fig


def save_figure(fig: Figure, path, format: str | None = None, *, dpi: float | None = None) -> Path:
    """Save a figure deterministically: same figure, same bytes.

    The format comes from ``format`` or the file's extension (pdf, svg, png).
    SVG uses a fixed hash salt and no date; PDF has no dates and lean font
    subsets (:mod:`.pdf_fonts`).  Raises :class:`ScenarioError` if unwritable.
    """
    path = Path(path)
    fmt = (format or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ScenarioError(f"unknown figure format '{fmt or path.name}'", argument="format",
                            expected="one of " + ", ".join(FORMATS) + " (the file's extension, or the format given)")
    metadata = {"svg": {"Date": None},
                "pdf": {"CreationDate": None, "ModDate": None},
                "png": {}}[fmt]
    width, cjk_font = getattr(fig, "_evogame_style", ("single", None))
    try:
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        with style(width, cjk_font), (lean_font_subsets() if fmt == "pdf" else contextlib.nullcontext()):
            fig.savefig(path, format=fmt, metadata=metadata, dpi=dpi)
    except OSError as exc:
        raise ScenarioError(f"cannot write the figure ({exc.strerror or exc})", file=str(path)) from None
    return path


@dataclass(frozen=True)
class Labels:
    """Display names of a game's populations and strategies in one language."""

    game: object
    lang: str = "en"

    def word(self, key: str) -> str:
        return _WORDS[self.lang].get(key, key)

    def population(self, p: int) -> str:
        pop = self.game.populations[p]
        label = pop.label(self.lang)
        # a bare identifier reads better capitalised
        return label[:1].upper() + label[1:] if label == pop.name else label

    def strategy(self, p: int, i: int) -> str:
        pop = self.game.populations[p]
        label = pop.strategy_label(i, self.lang)
        return label[:1].upper() + label[1:] if label == pop.strategies[i] else label

    def share(self, p: int, i: int = 0, *, population: bool = True, variable: bool = False) -> str:
        """E.g. "Superior government: share of strict supervision" (or "… 严格监管比例").

        The strategy's label is lower-cased mid-phrase (not an acronym such as
        "ICT" or a one-letter name); a label that itself starts with "share"
        reads "proportion of share horizontally", not "share of share …".
        """
        strat = self.strategy(p, i)
        if self.lang == "zh":
            text = f"{strat}{self.word('share')}"
            if population:
                text = f"{self.population(p)}：{text}"
        else:
            strat = mid_phrase(strat)
            head = "proportion of" if strat.split(" ", 1)[0].lower() == "share" else self.word("share of")
            text = f"{head} {strat}"
            if population:
                text = f"{self.population(p)}: {text}"
        if variable:
            var = self.variable(p, i)
            if var:
                text += f", ${var}$"
        return text

    def profile(self, label: str) -> str:
        """A rest point's face label in strategy labels: ``(strict, active)`` -> ``(Strict supervision, Active sharing)``.

        A population that plays all its strategies reads "mixed" (every
        population: "interior"), one that plays some of them joins their
        labels with ``/``; a ``#k`` suffix is kept; a label of another form
        is returned unchanged.
        """
        text, suffix = label, ""
        if " #" in text:
            text, suffix = text.rsplit(" #", 1)
            suffix = f" #{suffix}"
        pops = self.game.populations
        if not (text.startswith("(") and text.endswith(")")):
            return label
        parts = split_profile(text[1:-1])
        if len(parts) != len(pops):
            return label
        names, mixed = [], 0
        for p, (pop, part) in enumerate(zip(pops, parts)):
            if part.startswith("mixed(") and part.endswith(")"):     # a rest point's shares
                shares = [item.rsplit(" ", 1) for item in part[6:-1].split(", ")]
                if not all(len(x) == 2 and x[0] in pop.strategies for x in shares):
                    return label
                names.append(f"{self.word('mixed')}: " + ", ".join(
                    f"{self.strategy(p, pop.strategies.index(i))} {v}" for i, v in shares))
                continue
            ids = part.split("/")
            if not all(i in pop.strategies for i in ids):
                return label
            if len(ids) == pop.n:
                names.append(self.word("mixed"))
                mixed += 1
            else:
                names.append("/".join(self.strategy(p, pop.strategies.index(i)) for i in ids))
        if mixed == len(pops):
            return self.word("interior") + suffix
        sep = "，" if self.lang == "zh" else ", "
        return "(" + sep.join(names) + ")" + suffix

    def variable(self, p: int, i: int = 0) -> str | None:
        """The (mathtext) symbol of the share of strategy ``i`` of population ``p``.

        Two strategies: the population's variable for ``i = 0`` (None for the
        second, which has no symbol of its own); more: ``x_1 .. x_n`` (the last
        is ``1 - sum`` of the others).
        """
        import sympy
        pop = self.game.populations[p]
        names = self.game.variables[self.game.slices()[p]]
        if pop.n == 2:
            return sympy.latex(names[0]) if i == 0 else None
        base = str(names[0])[:-2]          # "x_1" -> "x"
        return sympy.latex(sympy.Symbol(f"{base}_{i + 1}"))

    def classification(self, cls: str) -> str:
        return self.word(cls)

    def parameter(self, name: str) -> str:
        """A parameter name as mathtext, e.g. ``c_D`` -> ``$c_{D}$``, ``lambda`` -> ``$\\lambda$``."""
        if name == "strength":
            return self.word("strength")
        import sympy
        return f"${sympy.latex(parameter_symbol(name))}$"


def mark_rest_points(ax, points, coords, labels: Labels, *, zorder: float = MARK_ZORDER, three_d=False,
                     names: bool = False):
    """Draw rest points with the class marks; one Line2D artist per class.

    ``points`` are RestPoints, ``coords`` their plot coordinates ``(n, 2)`` (or
    ``(n, 3)`` for 3-D axes).  Each artist has ``gid = "rest-points:<class>"``
    so the positions can be read back.  Marks are not clipped, so rest points
    on the frame (pure states) are drawn whole.  ``names``: each point's name
    (``E1``, ...) beside its mark (:mod:`evogame.plotting.point_labels`).
    """
    coords = np.asarray(coords, dtype=float).reshape(len(points), -1)
    artists = []
    for cls, mark in MARKS.items():
        sel = [k for k, p in enumerate(points) if p.classification == cls]
        if not sel:
            continue
        xyz = coords[sel]
        kwargs = dict(mark, linestyle="none", zorder=zorder, clip_on=False,
                      label=labels.classification(cls))
        if three_d:
            (line,) = ax.plot(xyz[:, 0], xyz[:, 1], xyz[:, 2], **kwargs)
        else:
            (line,) = ax.plot(xyz[:, 0], xyz[:, 1], **kwargs)
        line.set_gid(f"rest-points:{cls}")
        artists.append(line)
    if names:
        from .point_labels import label_rest_points
        label_rest_points(ax, points, coords, [mark_half_size(p.classification) for p in points],
                          three_d=three_d, zorder=zorder + 1)
    return artists


def mark_half_size(cls: str) -> float:
    """Half the printed size (points, edge included) of the mark of class ``cls``."""
    mark = MARKS.get(cls, MARKS[UNSTABLE_SOURCE])
    return 0.5 * (mark["markersize"] + mark["markeredgewidth"])


def rest_point_legend_handles(classes, labels: Labels) -> list:
    """Legend handles explaining the marks of the given classes (in the standard order)."""
    from matplotlib.lines import Line2D
    out = []
    for cls, mark in MARKS.items():
        if cls in classes:
            out.append(Line2D([], [], linestyle="none", label=labels.classification(cls), **mark))
    return out


def mark_continua(ax, analysis, to_xy, labels: Labels) -> list:
    """One mark per continuum of rest points (a sample point of it); its legend handle.

    ``to_xy`` maps a state (reduced coordinates) to plot coordinates.
    """
    from matplotlib.lines import Line2D
    if analysis is None or not analysis.continua:
        return []
    pts = [c.sample for c in analysis.continua if c.sample is not None]
    if not pts:
        return []
    xy = np.array([to_xy(np.asarray(p, dtype=float)) for p in pts])
    ax.plot(xy[:, 0], xy[:, 1], zorder=MARK_ZORDER, clip_on=False, **CONTINUUM_MARK)[0].set_gid("continua")
    return [Line2D([], [], label=labels.word("continuum"), **CONTINUUM_MARK)]


def legend_columns(fig, handles, wanted: int) -> int:
    """As many legend columns (up to ``wanted``) as fit the figure's width at 7 pt."""
    longest = max(len(h.get_label()) for h in handles)
    entry = (longest * 0.56 * 7.0 + 30.0) / 72.0           # inches: text + handle + spacing
    fit = int(fig.get_figwidth() * 0.96 // entry)
    return max(1, min(wanted, fit, len(handles)))


_GREEK = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi rho sigma tau upsilon "
          "phi chi psi omega").split()
_GREEK_CHARS = "αβγδεζηθικλμνξπρστυφχψω"
_SUBSCRIPT = str.maketrans("0123456789+-", "₀₁₂₃₄₅₆₇₈₉₊₋")


def has_cjk(text: str) -> bool:
    return any("\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef" for c in text)


def plain_math(text: str) -> str:
    """Mathtext written as plain Unicode: ``$\\dot{x}_1$`` -> ``ẋ₁``, ``$c_{D}$`` -> ``c_D``.

    Matplotlib's mathtext does not fall back to a second font, so a label that
    mixes Chinese text and ``$...$`` loses its Chinese glyphs; such labels are
    rewritten in plain text (the small vocabulary evogame's labels use).
    """
    import re
    out = []
    for k, part in enumerate(text.split("$")):
        if k % 2 == 0:
            out.append(part)
            continue
        part = re.sub(r"\\dot\{(\w)\}", lambda m: m.group(1) + "\u0307", part)
        for name, char in zip(_GREEK, _GREEK_CHARS):
            part = re.sub(r"\\" + name + r"(?![A-Za-z])", char, part)
        part = re.sub(r"_\{?([0-9]+)\}?", lambda m: m.group(1).translate(_SUBSCRIPT), part)
        part = re.sub(r"_\{([^}]*)\}", r"_\1", part)
        part = part.replace("\\,", " ").replace("\\;", " ").replace("{", "").replace("}", "").replace("\\", "")
        out.append(part)
    return "".join(out)


def localize(fig, labels: "Labels"):
    """In Chinese figures, rewrite labels that mix CJK text and mathtext as plain text."""
    if labels.lang != "zh":
        return fig
    from matplotlib.text import Text
    for t in fig.findobj(Text):
        text = t.get_text()
        if "$" in text and has_cjk(text):
            t.set_text(plain_math(text))
    return fig


def check_output_dir(path) -> Path:
    """Create a directory for output, or raise a ScenarioError saying why it cannot be written."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ScenarioError(f"cannot create the output directory ({exc.strerror or exc})",
                            file=str(path)) from None
    if not os.access(path, os.W_OK):
        raise ScenarioError("the output directory is not writable", file=str(path))
    return path


def no_portrait(game, what: str = "phase portrait") -> AnalysisError:
    shape = " x ".join(str(p.n) for p in game.populations)
    return AnalysisError(f"no {what} exists for a game of this shape ({len(game.populations)} populations "
                         f"with {shape} strategies); portraits are drawn for 1 population with 2 or 3 "
                         "strategies, 2 populations with 2 strategies each and 3 populations with 2 "
                         "strategies each; draw the shares against time instead with `evogame figure paths "
                         "SCENARIO` (evogame.plotting.paths)")
