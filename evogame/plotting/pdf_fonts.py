"""Cheaper TrueType (Type 42) fonts in PDF figures: the embedded subset without layout tables.

Matplotlib embeds every font of a PDF figure as a TrueType subset made by
fontTools (``pdf.fonttype = 42``: the text stays text, with its Unicode map).
fontTools subsets the font's OpenType layout tables too -- ``GSUB``, ``GPOS``,
``GDEF`` (substitutions, kerning pairs and classes), ``MATH`` and ``kern`` --
which is two thirds of the time (DejaVu Sans: 0.15 s per embedded font with
them, 0.05 s without; two or three fonts per figure).  A PDF viewer never reads these
tables: the content stream places every glyph itself (Matplotlib applied the
kerning when it laid the text out, from the font file, not from the subset).
So the figure looks the same, its glyph outlines, widths, ``ToUnicode`` map
and text are unchanged, and the file is deterministic as before; only the
unused tables are left out of the embedded font program.
"""
from __future__ import annotations

import contextlib
import threading
import types

__all__ = ["LAYOUT_TABLES", "lean_font_subsets"]

#: font tables a PDF renderer does not use, dropped from the embedded subsets
LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF", "MATH", "kern")

_lock = threading.RLock()


def _lean_subset_module(subset):
    """A stand-in for ``fontTools.subset`` whose ``Options`` also drop :data:`LAYOUT_TABLES`."""
    lean = types.ModuleType(subset.__name__)
    lean.__dict__.update(subset.__dict__)

    def options(*args, **kwargs):
        opts = subset.Options(*args, **kwargs)
        opts.drop_tables = list(opts.drop_tables) + [t for t in LAYOUT_TABLES if t not in opts.drop_tables]
        return opts

    lean.Options = options
    return lean


@contextlib.contextmanager
def lean_font_subsets():
    """Within the block, Matplotlib's PDF (and PS) font subsets leave out :data:`LAYOUT_TABLES`.

    Matplotlib's subsetting helper reads ``fontTools.subset`` through its
    module's global ``subset``; that one name is replaced for the block and
    restored after it (under a lock, so that nested or concurrent saves
    restore the original).  With a Matplotlib whose helper is laid out
    differently the block changes nothing.
    """
    try:
        from matplotlib.backends import _backend_pdf_ps as helper
    except ImportError:         # pragma: no cover - a Matplotlib without the helper
        yield
        return
    original = getattr(helper, "subset", None)
    if not isinstance(original, types.ModuleType) or not hasattr(original, "Options"):
        yield
        return
    with _lock:
        helper.subset = _lean_subset_module(original)
        try:
            yield
        finally:
            helper.subset = original
