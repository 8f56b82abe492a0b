"""Numbers as text and data as JSON: the one formatter every output uses.

``number(v, digits)`` prints ``digits`` significant digits (``%g``), with
``0`` for both zeros and ``nan`` for not-a-number; ``complex_number`` writes
``a``, ``a+bi`` or ``a-bi``; ``jsonable`` makes results JSON-safe (NaN and
infinities become ``null``, numpy scalars Python numbers).
"""
from __future__ import annotations

import math

__all__ = ["number", "complex_number", "jsonable"]


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
