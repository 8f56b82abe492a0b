"""The layout the text tables of the continuation results share (branches, curves): one place for it."""
from __future__ import annotations

import textwrap

from ...util.formatting import aligned, number

__all__ = ["WIDTH", "opening", "indented", "origin_lines", "state_text", "section", "note_lines"]

#: the tables' width
WIDTH = 100
#: the indent of the lines under a numbered item
INDENT = "     "


def opening(title: str, dynamics: str, items: str) -> list[str]:
    """The title, the dynamics, and the heading of the numbered items (branches, curves)."""
    return [title, f"dynamics: {dynamics}", "", items, "-" * len(items)]


def indented(text: str) -> list[str]:
    """``text`` wrapped under a numbered item."""
    return textwrap.wrap(text, WIDTH, initial_indent=INDENT, subsequent_indent=INDENT)


def origin_lines(origin: str, ends) -> list[str]:
    """``from ORIGIN; ends: A, B`` wrapped under a numbered item."""
    return indented(f"from {origin}; ends: {', '.join(ends)}")


def state_text(state) -> str:
    """A state in a table cell: ``(x1, x2, ...)`` to 4 significant digits, at most 24 characters."""
    return ("(" + ", ".join(number(v, 4) for v in state) + ")")[:24]


def section(title: str, rows: list) -> list[str]:
    """A titled table (``rows[0]`` its header), or ``none`` when it has no row below the header."""
    return ["", title, "-" * len(title)] + (aligned(rows) if len(rows) > 1 else ["none"])


def note_lines(notes) -> list[str]:
    """Each note as ``note: ...``, wrapped."""
    lines = []
    for n in notes:
        lines += textwrap.wrap(f"note: {n}", WIDTH, subsequent_indent="      ")
    return lines
