"""PDF figures embed lean TrueType subsets (issue 20 point 19): the same page, the same glyphs, the same
text, without the layout tables a PDF viewer never reads."""
import io
import re
import zlib

import pytest
from fontTools.ttLib import TTFont
from matplotlib.figure import Figure

from evogame.plotting import save_figure
from evogame.plotting.pdf_fonts import LAYOUT_TABLES, lean_font_subsets
from evogame.plotting.style import style


def _streams(data: bytes) -> dict:
    """Object number -> (dictionary text, decompressed stream) of every Flate-compressed stream of a PDF."""
    out = {}
    for m in re.finditer(rb"\n(\d+) 0 obj\n<<((?:(?!endobj).)*?)>>\nstream\n", data, re.S):
        if b"FlateDecode" in m.group(2):      # a zlib stream ends by itself: no need for its length
            out[int(m.group(1))] = (m.group(2), zlib.decompressobj().decompress(data[m.end():]))
    return out


def _fonts(data: bytes) -> list:
    """The embedded TrueType programs (FontFile2 streams) of a PDF."""
    refs = [int(n) for n in re.findall(rb"/FontFile2 (\d+) 0 R", data)]
    streams = _streams(data)
    return [TTFont(io.BytesIO(streams[n][1])) for n in refs]


def _figure() -> Figure:
    """A figure with plain and math text (two fonts: DejaVu Sans and its oblique), fixed layout."""
    with style("single"):
        fig = Figure(figsize=(3, 2))
        fig.set_layout_engine("none")       # the same layout at every save
        ax = fig.add_axes((0.2, 0.2, 0.7, 0.7))
        ax.plot([0, 1], [0, 1])
        ax.set_xlabel("Share of strict supervision $x$")
        ax.set_title("AVAWAY Tokyo fi ffl")          # kerning pairs and ligature candidates
    return fig


def _plain_save(fig: Figure, path):
    """What save_figure did before: Matplotlib's own subsets, same style and metadata."""
    with style("single"):
        fig.savefig(path, format="pdf", metadata={"CreationDate": None, "ModDate": None})


def test_pdf_fonts_drop_the_layout_tables_and_keep_the_glyphs(tmp_path):
    fig = _figure()
    lean = save_figure(fig, tmp_path / "lean.pdf").read_bytes()
    _plain_save(fig, tmp_path / "plain.pdf")
    plain = (tmp_path / "plain.pdf").read_bytes()
    lean_fonts, plain_fonts = _fonts(lean), _fonts(plain)
    assert len(lean_fonts) == len(plain_fonts) >= 2
    assert any("GPOS" in f for f in plain_fonts)              # Matplotlib's own subset carries them
    for a, b in zip(lean_fonts, plain_fonts):
        assert not set(LAYOUT_TABLES) & set(a.keys())
        # every glyph kept has the same outline and advance width; Matplotlib's subset may hold more, the
        # ligatures its substitution table reaches (the page never draws them: its glyphs are all in both)
        assert set(a.getGlyphOrder()) <= set(b.getGlyphOrder())
        for name in a.getGlyphOrder():
            assert a["glyf"][name].getCoordinates(a["glyf"])[0] == b["glyf"][name].getCoordinates(b["glyf"])[0]
            assert a["hmtx"][name] == b["hmtx"][name]
        assert a["cmap"].getBestCmap().items() <= b["cmap"].getBestCmap().items()
    assert {"A", "W", "T", "k", "x"} <= {g for f in lean_fonts for g in f.getGlyphOrder()}


def test_pdf_page_and_text_are_unchanged(tmp_path):
    fig = _figure()
    lean = _streams(save_figure(fig, tmp_path / "lean.pdf").read_bytes())
    _plain_save(fig, tmp_path / "plain.pdf")
    plain = _streams((tmp_path / "plain.pdf").read_bytes())

    def non_font(streams):      # the page's content and the ToUnicode maps: everything but font programs
        return sorted(s for d, s in streams.values() if b"Length1" not in d)
    assert non_font(lean) == non_font(plain)
    text = b"".join(non_font(lean))
    assert b"Tj" in text or b"TJ" in text                      # text drawn as text, not as paths
    assert b"begincmap" in text                                 # with its Unicode map


def test_lean_pdf_is_deterministic_and_helper_restored(tmp_path):
    from matplotlib.backends import _backend_pdf_ps as helper
    before = helper.subset
    a = save_figure(_figure(), tmp_path / "a.pdf").read_bytes()
    b = save_figure(_figure(), tmp_path / "b.pdf").read_bytes()
    assert a == b
    assert helper.subset is before
    with lean_font_subsets():
        with lean_font_subsets():
            assert helper.subset is not before
        assert helper.subset is not before
    assert helper.subset is before


def test_helper_restored_after_an_error():
    from matplotlib.backends import _backend_pdf_ps as helper
    before = helper.subset
    with pytest.raises(RuntimeError):
        with lean_font_subsets():
            raise RuntimeError("boom")
    assert helper.subset is before
