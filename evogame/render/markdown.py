"""The Markdown back end: a :class:`~evogame.render.document.Document` as Markdown.

Headings are ``##`` (subheadings bold), tables are pipe tables, formulas
``$…$`` and ``$$…$$``, figures an image (the SVG) and a numbered caption.
Blocks are separated by one blank line; figures and formula groups carry one
more after them, which shows before a following section heading (the layout
reports have always had).
"""
from __future__ import annotations

import re

from .document import (MARKDOWN, Break, BulletList, Code, Display, Document, Equations, Figure, Formulas, Heading,
                       Math, Notation, Paragraph, Table, Text, select, spans_text)

__all__ = ["markdown", "escape"]

_SPECIAL = str.maketrans({"|": r"\|", "_": r"\_", "*": r"\*"})
# a backslash before ASCII punctuation would escape it (CommonMark): double it there
_BACKSLASH = re.compile(r"\\(?=[!-/:-@\[-`{-~])")
_INLINE_JOIN = {"list": ",\\ ", "and": " \\wedge "}


def escape(text: str) -> str:
    """``text`` with ``|``, ``_`` and ``*`` escaped (and a backslash before punctuation doubled)."""
    return _BACKSLASH.sub(r"\\\\", str(text)).translate(_SPECIAL)


_SPANS = {Text: lambda s: escape(s.text), Code: lambda s: f"`{s.text}`", Math: lambda s: f"${s.latex}$",
          Notation: lambda s: escape(s.plain), Break: lambda s: "<br>"}


def inline(content) -> str:
    """Inline content as Markdown."""
    return spans_text(content, MARKDOWN, _SPANS)


def markdown(document: Document) -> str:
    """The document as Markdown: ``# title``, then every block."""
    out = f"# {escape(document.title)}"
    previous = None
    for block in select(MARKDOWN, document.blocks):
        out += "\n" + "\n" * _blank_lines(previous, block) + _block(block)
        previous = block
    return out + "\n" + "\n" * _trailing_blank(previous)


def _trailing_blank(block) -> int:
    """1 for the blocks that carry a blank line of their own after them."""
    return int(isinstance(block, (Figure, Formulas)))


def _blank_lines(previous, block) -> int:
    # one blank line between blocks; before a section heading, the heading's
    # own blank line (none when tight) comes on top of the previous block's
    if isinstance(block, Heading) and block.level == 2:
        return _trailing_blank(previous) + (0 if block.tight else 1)
    return 1


def _block(block) -> str:
    if isinstance(block, Heading):
        return f"## {inline(block.content)}" if block.level <= 2 else f"**{inline(block.content)}**"
    if isinstance(block, Paragraph):
        return inline(block.content)
    if isinstance(block, BulletList):
        return "\n".join(f"- {inline(item)}" for item in block.items)
    if isinstance(block, Table):
        return _table(block.for_backend(MARKDOWN))
    if isinstance(block, Display):
        return f"$$\n{block.latex}\n$$"
    if isinstance(block, Equations):
        return "\n".join(f"- ${lhs.latex} = {rhs.latex}$" for lhs, rhs in block.rows)
    if isinstance(block, Formulas):
        return "\n".join(_formula(f) for f in block.items)
    if isinstance(block, Figure):
        shown = next((block.files[f] for f in ("svg", "png") if f in block.files), None)   # vector first
        image = f"![{block.name}]({shown})\n\n" if shown else ""
        return f"{image}*{block.label}.* {inline(block.caption)}"
    raise TypeError(f"not a block: {block!r}")


def _table(table: Table) -> str:
    lines = ["| " + " | ".join(inline(cell) for cell in table.header) + " |",
             "|" + "---|" * len(table.header)]
    lines += ["| " + " | ".join(inline(cell) for cell in row) + " |" for row in table.rows]
    return "\n".join(lines)


def _formula(formula) -> str:
    label = inline(formula.label)
    if not formula.parts:    # prose: the label says it all
        return f"- {label}"
    math = "$" + _INLINE_JOIN[formula.joined].join(formula.parts) + "$"
    return f"- {label}: {math}" if label else f"- {math}"
