"""The LaTeX back end: a :class:`~evogame.render.document.Document` as a complete LaTeX document.

``article`` with ``amsmath``, ``booktabs``, ``longtable`` and ``graphicx``
(and ``ctex`` for Chinese); headings are unnumbered sections and run-in
paragraphs; long tables break across pages and fit tables shrink to the line
width, as do displayed formulas; figures use the PDF file.
"""
from __future__ import annotations

from .document import (LATEX, Break, BulletList, Code, Column, Display, Document, Equations, Figure, Formulas,
                       Heading, Math, Notation, Paragraph, Table, Text, select, spans_text)

__all__ = ["latex", "escape", "fit"]

_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
            "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
            "<": r"$<$", ">": r"$>$", "|": r"$|$", "—": "---"}
_DISPLAY_JOIN = {"list": ",\\quad ", "and": " \\;\\wedge\\; "}
_SHRINK = r"\resizebox{\ifdim\width>\linewidth\linewidth\else\width\fi}{!}"
_PREAMBLE = (r"\usepackage[margin=2.2cm]{geometry}", r"\usepackage{amsmath,amssymb}",
             r"\usepackage{booktabs,longtable,array}", r"\usepackage{graphicx}",
             r"\newcolumntype{P}[1]{>{\raggedright\arraybackslash}p{#1}}", r"\setlength{\LTcapwidth}{\linewidth}")


def escape(text: str) -> str:
    """``text`` with every character special to LaTeX written so that it prints as itself."""
    return "".join(_SPECIAL.get(c, c) for c in str(text))


def fit(latex: str) -> str:
    """Display math that shrinks to the line width when it is too long."""
    return r"\begin{center}" + _SHRINK + "{$\\displaystyle " + latex + "$}\\end{center}"


_SPANS = {Text: lambda s: escape(s.text), Code: lambda s: r"\texttt{" + escape(s.text) + "}",
          Math: lambda s: f"${s.latex}$", Notation: lambda s: f"${s.latex}$", Break: lambda s: r" \newline "}


def inline(content) -> str:
    """Inline content as LaTeX."""
    return spans_text(content, LATEX, _SPANS)


def latex(document: Document) -> str:
    """The document as a complete LaTeX document, from ``\\documentclass`` to ``\\end{document}``."""
    lines = [r"\documentclass[11pt]{article}"]
    if document.language == "zh":
        lines.append(r"\usepackage[UTF8]{ctex}")
    lines += [*_PREAMBLE, r"\title{" + escape(document.title) + "}", r"\date{}", r"\begin{document}",
              r"\maketitle"]
    lines += [_block(block) for block in select(LATEX, document.blocks)]
    lines.append(r"\end{document}")
    # a block with nothing to show (a figure without a PDF, an empty paragraph) leaves no line
    return "\n".join(line for line in lines if line != "") + "\n"


def _block(block) -> str:
    if isinstance(block, Heading):
        command = r"\section*" if block.level <= 2 else r"\paragraph"
        return command + "{" + inline(block.content) + "}"
    if isinstance(block, Paragraph):
        return inline(block.content)
    if isinstance(block, BulletList):
        if not block.items:
            return ""
        return "\n".join([r"\begin{itemize}", *(r"\item " + inline(item) for item in block.items),
                          r"\end{itemize}"])
    if isinstance(block, Table):
        table = block.for_backend(LATEX)
        return _long_table(table) if table.layout == "long" else _fit_table(table)
    if isinstance(block, Display):
        return fit(block.latex)
    if isinstance(block, Equations):
        rows = " \\\\\n".join(f"{lhs.latex} &= {rhs.latex}" for lhs, rhs in block.rows)
        return "\n".join([r"\begin{align*}", rows, r"\end{align*}"])
    if isinstance(block, Formulas):
        return "\n".join(_formula(f) for f in block.items)
    if isinstance(block, Figure):
        return _figure(block)
    raise TypeError(f"not a block: {block!r}")


def _column(column: Column) -> str:
    return column.align if column.width is None else f"P{{{column.width:g}\\linewidth}}"


def _row(cells) -> str:
    return " & ".join(inline(cell) for cell in cells)


def _long_table(table: Table) -> str:
    spec = " ".join(_column(c) for c in table.columns)
    lines = [r"\begin{longtable}{@{}" + spec + "@{}}",
             r"\toprule " + _row(table.header) + r" \\ \midrule \endhead",
             *(_row(row) + r" \\" for row in table.rows),
             r"\bottomrule \end{longtable}"]
    if table.small:
        lines[0], lines[-1] = r"{\small" + lines[0], lines[-1] + "}"
    return "\n".join(lines)


def _fit_table(table: Table) -> str:
    spec = "".join(_column(c) for c in table.columns)
    lines = [r"\begin{center}" + _SHRINK + "{%",
             r"\begin{tabular}{@{}" + spec + r"@{}}\toprule",
             _row(table.header) + r" \\ \midrule",
             *(_row(row) + r" \\" for row in table.rows),
             r"\bottomrule\end{tabular}}\end{center}"]
    if table.small:
        lines[0], lines[-1] = r"{\small" + lines[0], lines[-1] + "}"
    return "\n".join(lines)


def _formula(formula) -> str:
    label = inline(formula.label)
    if not formula.parts:    # prose: the label says it all
        return label + r"\par"
    if formula.numbered:
        displays = "".join(fit(f"{formula.numbered}_{{{k}}} = {part}")
                           for k, part in enumerate(formula.parts, start=1))
    else:
        displays = fit(_DISPLAY_JOIN[formula.joined].join(formula.parts))
    return f"{label}:{displays}" if label else displays


def _figure(figure: Figure) -> str:
    shown = next((figure.files[f] for f in ("pdf", "png") if f in figure.files), None)   # vector first
    if shown is None:
        return ""
    # natural size (8.5 or 17.5 cm, the fonts as designed), shrunk only if wider than the text
    return "\n".join([r"\begin{figure}[htbp]\centering",
                      _SHRINK + r"{\includegraphics{" + shown + "}}",
                      r"\caption{" + inline(figure.caption) + "}",
                      r"\end{figure}"])
