"""The plain-text back end: a :class:`~evogame.render.document.Document` for the terminal.

The title is underlined with ``=``, section headings with ``-``; tables are
aligned in columns two spaces apart, with a rule of dashes under the header;
formulas are written in their plain form.  A blank line comes before every
heading; the blocks of a section follow each other line by line.
"""
from __future__ import annotations


from ..formatting import aligned, display_width
from .document import (PLAIN, BulletList, Display, Document, Equations, Figure, Formulas, Heading, Paragraph,
                       Table, plain, select)

__all__ = ["plain_text", "block_text", "aligned"]


def plain_text(document: Document) -> str:
    """The document as plain text, ending in a newline."""
    out = f"{document.title}\n{'=' * display_width(document.title)}"
    for k, block in enumerate(select(PLAIN, document.blocks)):
        out += ("\n\n" if k == 0 or isinstance(block, Heading) else "\n") + block_text(block)
    return out + "\n"


def block_text(block) -> str:
    """One block as plain text (no newline at the end)."""
    if isinstance(block, Heading):
        text = plain(block.content)
        return f"{text}\n{'-' * display_width(text)}" if block.level <= 2 else text
    if isinstance(block, Paragraph):
        return plain(block.content)
    if isinstance(block, BulletList):
        return "\n".join(f"- {plain(item)}" for item in block.items)
    if isinstance(block, Table):
        table = block.for_backend(PLAIN)
        return "\n".join(aligned([[plain(c) for c in table.header]]
                                 + [[plain(c) for c in row] for row in table.rows]))
    if isinstance(block, Display):
        return block.latex if block.plain is None else block.plain
    if isinstance(block, Equations):
        return "\n".join(f"{plain((lhs,))} = {plain((rhs,))}" for lhs, rhs in block.rows)
    if isinstance(block, Formulas):
        joint = {"list": ", ", "and": " and "}
        return "\n".join(plain(f.label) if not f.parts else f"{plain(f.label)}: {joint[f.joined].join(f.parts if f.plain is None else f.plain)}"
                         for f in block.items)
    if isinstance(block, Figure):
        return f"{block.label}. {plain(block.caption)}"
    raise TypeError(f"not a block: {block!r}")
