"""The HTML back end: blocks of a :class:`~evogame.render.document.Document` as an HTML fragment.

What a notebook shows (``_repr_html_``): tables are ``<table>``, formulas
the LaTeX strings in ``$…$`` and ``$$…$$``, which Jupyter typesets with
MathJax.  It sees the document as the Markdown back end does (columns and
phrases marked for Markdown), since both are read on a screen with a math
renderer.  Every :class:`Text` is HTML-escaped here.
"""
from __future__ import annotations

from html import escape as _escape
from typing import Sequence

from .document import (MARKDOWN, Break, BulletList, Code, Display, Document, Equations, Figure, Formulas, Heading,
                       Math, Notation, Paragraph, Table, Text, select, spans_text)

__all__ = ["html", "html_blocks", "escape"]

_INLINE_JOIN = {"list": ",\\ ", "and": " \\wedge "}


def escape(text: str) -> str:
    """``text`` with ``&``, ``<``, ``>`` and quotes escaped for HTML."""
    return _escape(str(text), quote=True)


_SPANS = {Text: lambda s: escape(s.text), Code: lambda s: f"<code>{escape(s.text)}</code>",
          Math: lambda s: f"${escape(s.latex)}$", Notation: lambda s: escape(s.plain), Break: lambda s: "<br>"}


def inline(content) -> str:
    """Inline content as HTML (math as ``$…$`` for MathJax)."""
    return spans_text(content, MARKDOWN, _SPANS)


def html(document: Document) -> str:
    """The document as one ``<div>``: the title as ``<h3>``, then every block."""
    return f"<div><h3>{escape(document.title)}</h3>\n{html_blocks(document.blocks)}</div>"


def html_blocks(blocks: Sequence) -> str:
    """Blocks as HTML, one per line."""
    return "\n".join(_block(b) for b in select(MARKDOWN, blocks)) + "\n"


def _block(block) -> str:
    if isinstance(block, Heading):
        return f"<h4>{inline(block.content)}</h4>" if block.level <= 2 else f"<p><b>{inline(block.content)}</b></p>"
    if isinstance(block, Paragraph):
        return f"<p>{inline(block.content)}</p>"
    if isinstance(block, BulletList):
        return "<ul>" + "".join(f"<li>{inline(item)}</li>" for item in block.items) + "</ul>"
    if isinstance(block, Table):
        return _table(block.for_backend(MARKDOWN))
    if isinstance(block, Display):
        return f"<p>$${escape(block.latex)}$$</p>"
    if isinstance(block, Equations):
        rows = " \\\\ ".join(f"{lhs.latex} &= {rhs.latex}" for lhs, rhs in block.rows)
        return f"<p>$$\\begin{{aligned}}{escape(rows)}\\end{{aligned}}$$</p>"
    if isinstance(block, Formulas):
        return "<ul>" + "".join(f"<li>{_formula(f)}</li>" for f in block.items) + "</ul>"
    if isinstance(block, Figure):
        return f"<p><i>{escape(block.label)}.</i> {inline(block.caption)}</p>"
    raise TypeError(f"not a block: {block!r}")


def _table(table: Table) -> str:
    align = [c.align if c.width is None else "l" for c in table.columns]
    style = {"l": "left", "c": "center", "r": "right"}

    def cells(tag, row):
        return "".join(f'<{tag} style="text-align:{style[a]}">{inline(cell)}</{tag}>' for a, cell in zip(align, row))

    body = "".join(f"<tr>{cells('td', row)}</tr>" for row in table.rows)
    return f"<table><thead><tr>{cells('th', table.header)}</tr></thead><tbody>{body}</tbody></table>"


def _formula(formula) -> str:
    label = inline(formula.label)
    math = "$" + escape(_INLINE_JOIN[formula.joined].join(formula.parts)) + "$"
    return f"{label}: {math}" if label else math
