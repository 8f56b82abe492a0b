"""Numbers as text and data as JSON: the one formatter every output uses.

``number(v, digits)`` prints ``digits`` significant digits (``%g``), with
``0`` for both zeros and ``nan`` for not-a-number; ``complex_number`` writes
``a``, ``a+bi`` or ``a-bi``; ``jsonable`` makes results JSON-safe (NaN and
infinities become ``null``, numpy scalars Python numbers).
"""
from __future__ import annotations

import math
import unicodedata
from typing import Sequence

__all__ = ["number", "complex_number", "jsonable", "display_width", "aligned"]


def number(value, digits: int = 6) -> str:
    """``value`` with ``digits`` significant digits; ``-0`` printed as ``0``; ``nan`` for NaN or None."""
    if value is None:
        return "nan"
    v = float(value)
    if math.isnan(v):
        return "nan"
    if v == 0:
        return "0"
    return f"{v:.{digits}g}"


def complex_number(re: float, im: float, digits: int = 6, *, zero: float = 0.0) -> str:
    """``a``, ``a+bi`` or ``a-bi``; an imaginary part with ``|im| <= zero`` is left out."""
    if abs(im) <= zero:
        return number(re, digits)
    sign = "+" if im > 0 else "-"
    return f"{number(re, digits)}{sign}{number(abs(im), digits)}i"


def jsonable(obj):
    """Make an object JSON-safe: NaN/inf -> None, numpy scalars -> Python, tuples -> lists."""
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if hasattr(obj, "item") and callable(obj.item):
        return jsonable(obj.item())
    return obj


def display_width(text: str) -> int:
    """Columns a string takes in a terminal: East Asian wide and full-width characters (Chinese names) take
    two, combining marks none, every other character one."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def aligned(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows of cells as lines: each column as wide as its widest cell (in display columns, so that Chinese
    names line up), two spaces between columns, trailing spaces cut; a rule of dashes under the first row."""
    widths = [max(display_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c + " " * (w - display_width(c)) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines
