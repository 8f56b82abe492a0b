"""The plain-text back end: a :class:`~evogame.render.document.Document` for the terminal.

The title is underlined with ``=``, section headings with ``-``; tables are
aligned in columns two spaces apart, with a rule of dashes under the header;
formulas are written in their plain form.  A blank line comes before every
heading; the blocks of a section follow each other line by line.

Every line fits :data:`WIDTH` terminal columns (an East Asian wide character
takes two): a longer paragraph or formula wraps with its continuation lines
indented, and a table too wide for it wraps the text inside its widest
columns (:func:`fit_table`), so that its columns stay aligned.
"""
from __future__ import annotations

import itertools

from ..util.formatting import aligned, display_width
from .document import (PLAIN, BulletList, Display, Document, Equations, Figure, Formulas, Heading, Paragraph,
                       Table, plain, select)

__all__ = ["plain_text", "block_text", "aligned", "fit_table", "fit_text", "wrap", "WIDTH"]

#: the columns every line of text output fits (a terminal, a diff, a paper's appendix)
WIDTH = 100
#: continuation lines of a wrapped line start this much further in
_HANG = "    "
#: where a word too long for its column is best broken: after one of these
_BREAKS = "_,;/)-."


def plain_text(document: Document) -> str:
    """The document as plain text, ending in a newline."""
    out = f"{document.title}\n{'=' * display_width(document.title)}"
    for k, block in enumerate(select(PLAIN, document.blocks)):
        out += ("\n\n" if k == 0 or isinstance(block, Heading) else "\n") + block_text(block)
    return out + "\n"


def block_text(block) -> str:
    """One block as plain text (no newline at the end), every line at most :data:`WIDTH` columns."""
    if isinstance(block, Heading):
        text = fit_text(plain(block.content))
        rule = max(display_width(line) for line in text.split("\n"))
        return f"{text}\n{'-' * rule}" if block.level <= 2 else text
    if isinstance(block, Paragraph):
        return fit_text(plain(block.content))
    if isinstance(block, BulletList):
        return "\n".join("\n".join(wrap(f"- {plain(item)}", WIDTH, "  ")) for item in block.items)
    if isinstance(block, Table):
        table = block.for_backend(PLAIN)
        return "\n".join(fit_table([[plain(c) for c in table.header]]
                                   + [[plain(c) for c in row] for row in table.rows]))
    if isinstance(block, Display):
        return fit_text(block.latex if block.plain is None else block.plain)
    if isinstance(block, Equations):
        return fit_text("\n".join(f"{plain((lhs,))} = {plain((rhs,))}" for lhs, rhs in block.rows))
    if isinstance(block, Formulas):
        joint = {"list": ", ", "and": " and "}
        return fit_text("\n".join(
            plain(f.label) if not f.parts
            else f"{plain(f.label)}: {joint[f.joined].join(f.parts if f.plain is None else f.plain)}"
            for f in block.items))
    if isinstance(block, Figure):
        return fit_text(f"{block.label}. {plain(block.caption)}")
    raise TypeError(f"not a block: {block!r}")


def fit_text(text: str, width: int = WIDTH) -> str:
    """``text`` with every line longer than ``width`` columns wrapped; a continuation line is indented four
    columns more than the line it continues."""
    out = []
    for line in text.split("\n"):
        indent = line[:len(line) - len(line.lstrip(" "))]
        out += wrap(line, width, indent + _HANG) if display_width(line) > width else [line]
    return "\n".join(out)


def wrap(text: str, width: int = WIDTH, indent: str = "") -> list[str]:
    """``text`` as lines of at most ``width`` columns, broken at spaces; the lines after the first start with
    ``indent``.  A word longer than a line is broken after ``_ , ; / ) - .`` where it can, else anywhere
    (Chinese text has no spaces).  Leading spaces stay."""
    lines, line = [], ""
    for word in text.split(" "):
        if not line.strip() and not word:          # a leading space
            line += " "
            continue
        joined = line + (" " if line.strip() else "") + word
        if display_width(joined) <= width:
            line = joined
            continue
        if line.strip() and display_width(indent + word) <= width:
            lines.append(line)
            line = indent + word
            continue
        if line.strip():
            head, rest = _break(word, width - display_width(line) - 1)
            lines.append(f"{line} {head}" if head else line)
        else:
            head, rest = _break(word, width - display_width(line))
            head, rest = (head, rest) if head else (word[:1], word[1:])   # not even one character fits: overflow
            lines.append(line + head)
        while display_width(indent + rest) > width:
            head, rest = _break(rest, width - display_width(indent))
            head, rest = (head, rest) if head else (rest[:1], rest[1:])
            lines.append(indent + head)
        line = indent + rest
    lines.append(line)
    return [ln.rstrip() for ln in lines]


def _break(word: str, room: int) -> tuple[str, str]:
    """``word`` split in two, the first part at most ``room`` columns (empty when not even one character
    fits), after a break character when there is one past the first third of the room."""
    used, cut, best = 0, 0, 0
    for k, ch in enumerate(word):
        used += display_width(ch)
        if used > room:
            break
        cut = k + 1
        if ch in _BREAKS and used >= room // 3:
            best = k + 1
    cut = best or cut
    return word[:cut], word[cut:]


def _column_widths(rows, natural: list[int], room: int) -> list[int]:
    """Column widths that add up to at most ``room``: where it can, every column keeps its longest word whole
    (no word broken inside a cell) and the room left makes whole the columns that need least; otherwise every
    column gets its natural width up to an equal share of the room left by the narrower ones."""
    longest = [max([display_width(w) for r in rows for w in r[i].split()] or [1]) for i in range(len(natural))]
    widths = [min(n, w) for n, w in zip(natural, longest)]
    if sum(widths) <= room:
        room -= sum(widths)
        # the columns that need least to be whole first: short cells stay on one line, long ones wrap
        for i in sorted(range(len(widths)), key=lambda i: natural[i] - widths[i]):
            add = min(natural[i] - widths[i], room)
            widths[i] += add
            room -= add
        return widths
    widths = list(natural)
    for done, i in enumerate(sorted(range(len(natural)), key=natural.__getitem__)):
        widths[i] = max(1, min(natural[i], room // (len(natural) - done)))
        room -= widths[i]
    return widths


def fit_table(rows: list[list[str]], width: int = WIDTH) -> list[str]:
    """Rows of cells (the header first) as aligned lines of at most ``width`` columns.

    A table that fits is :func:`~evogame.util.formatting.aligned`.  One that does not gives every column its
    natural width up to an equal share of the room left by the narrower ones, and wraps the text of a cell
    inside its column (a row then takes several lines).
    """
    natural = [max(display_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    gaps = 2 * (len(natural) - 1)
    if sum(natural) + gaps <= width:
        return aligned(rows)
    widths = _column_widths(rows, natural, width - gaps)
    lines = []
    for k, row in enumerate(rows):
        cells = [wrap(c, w) for c, w in zip(row, widths)]
        for parts in itertools.zip_longest(*cells, fillvalue=""):
            lines.append("  ".join(p + " " * (w - display_width(p)) for p, w in zip(parts, widths)).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines
