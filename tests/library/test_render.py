"""The render layer: one document, three back ends (Markdown, LaTeX, plain text).

Escaping is checked by decoding what a back end wrote with the syntax's own
rules (CommonMark backslash escapes, the LaTeX commands that print a
character) and getting the text back; tables by reading their cells back; the
back ends against each other by the sections and rows they show for the same
document.
"""
import functools
import itertools
import re
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from conftest import load

from evogame.engine.analysis import analyze
from evogame.game import Game, Population
from evogame.render import latex as latex_backend
from evogame.render import markdown as markdown_backend
from evogame.render.document import (LATEX, MARKDOWN, PLAIN, Break, BulletList, Code, Column, Display, Document,
                                     Equations, Figure, Formula, Formulas, Heading, Math, Notation, Only, Paragraph,
                                     Table, inline)
from evogame.render.latex import latex
from evogame.render.markdown import markdown
from evogame.util.formatting import aligned
from evogame.render.plain import plain_text
from evogame.render.report_document import report_document
from evogame.render.vocabulary import point_label
from evogame.scenario import as_scenario
from evogame.render.analysis_text import analysis_document, analysis_text

# characters special to Markdown or LaTeX, drawn as often as all the others together
SPECIAL = st.sampled_from(list("\\|_*`#[]()!<>&%${}~^-— "))
any_text = st.text(st.one_of(SPECIAL, st.characters()), max_size=40)
# one line of text (a table cell, a label): no line break, no space but " "
line_text = st.text(st.one_of(SPECIAL, st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp", "Zs"))),
                    max_size=30)
# "--" and "---" are TeX's dash ligatures, which escaping leaves alone: LaTeX texts have no "-"
tex_line_text = line_text.filter(lambda t: "-" not in t)
ASCII_PUNCTUATION = r"!-/:-@\[-`{-~"


# -- decoding, as a reader of each syntax would ---------------------------------------------------

def commonmark_unescape(text: str) -> str:
    """CommonMark: a backslash before ASCII punctuation stands for that character."""
    return re.sub(r"\\([" + ASCII_PUNCTUATION + "])", r"\1", text)


def unescaped_positions(text: str, char: str) -> list[int]:
    """Where ``char`` occurs in Markdown ``text`` not escaped by a backslash."""
    out, k = [], 0
    while k < len(text):
        if text[k] == "\\" and k + 1 < len(text) and re.match(r"[" + ASCII_PUNCTUATION + "]", text[k + 1]):
            k += 2
            continue
        if text[k] == char:
            out.append(k)
        k += 1
    return out


# what LaTeX prints for each command or math group (from the LaTeX manuals, not from the code)
TEX_PRINTS = {r"\textbackslash{}": "\\", r"\&": "&", r"\%": "%", r"\$": "$", r"\#": "#", r"\_": "_",
              r"\{": "{", r"\}": "}", r"\textasciitilde{}": "~", r"\textasciicircum{}": "^",
              "$<$": "<", "$>$": ">", "$|$": "|", "---": "—"}
TEX_TOKEN = re.compile("|".join(re.escape(k) for k in sorted(TEX_PRINTS, key=len, reverse=True)))


def tex_decode(text: str) -> tuple[str, str]:
    """What LaTeX prints for ``text``, and ``text`` with the escape sequences taken out."""
    return TEX_TOKEN.sub(lambda m: TEX_PRINTS[m.group(0)], text), TEX_TOKEN.sub("", text)


# -- escaping -------------------------------------------------------------------------------------

@given(any_text.filter(lambda t: "-" not in t))
@example("".join(TEX_PRINTS.values()) + " plain")
def test_latex_escape_prints_the_text_itself(text):
    printed, rest = tex_decode(latex_backend.escape(text))
    assert printed == text
    assert not set(rest) & set("\\&%$#_{}~^")       # nothing special is left bare


@given(any_text)
@example("a|b_c*d \\ e\\|f\\\\g\\")
def test_markdown_escape_reads_back_as_the_text(text):
    escaped = markdown_backend.escape(text)
    assert commonmark_unescape(escaped) == text
    for char in "|_*":
        assert unescaped_positions(escaped, char) == []


def test_special_characters_in_every_kind_of_text():
    nasty = r"50% of a_b & c|d {x} #1 $2 ~^ \ *"
    doc = Document(nasty, (Heading(inline(nasty)), Paragraph(inline(nasty)), BulletList((inline(nasty),)),
                           Table((Column(), Column()), (inline(nasty), inline("h")), ((inline("a"), inline(nasty)),)),
                           Figure("f", "Figure 1", inline(nasty), {"svg": "f.svg", "pdf": "f.pdf"})))
    md, tex = markdown(doc), latex(doc)
    # title, heading, paragraph, item, two cells, caption
    assert md.count(markdown_backend.escape(nasty)) == 7 and nasty not in md
    assert tex.count(latex_backend.escape(nasty)) == 7 and nasty not in tex
    assert tex_decode(latex_backend.escape(nasty))[0] == nasty


# -- tables ---------------------------------------------------------------------------------------

def tables(cells=line_text):
    return st.integers(1, 5).flatmap(
        lambda n: st.tuples(st.lists(cells, min_size=n, max_size=n),
                            st.lists(st.lists(cells, min_size=n, max_size=n), max_size=6)))


def _table(header, rows) -> Table:
    return Table((Column(),) * len(header), tuple(inline(h) for h in header),
                 tuple(tuple(inline(c) for c in row) for row in rows))


def _columns(text: str) -> int:
    """Terminal columns: wide (CJK) characters two, combining marks none (what a terminal shows)."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
               for c in text)


@given(tables())
def test_plain_table_puts_every_cell_at_its_column(table):
    header, rows = table
    lines = aligned([header] + rows)
    assert len(lines) == len(rows) + 2
    widths = [max(_columns(r[j]) for r in [header] + rows) for j in range(len(header))]
    assert lines[1] == "  ".join("-" * w for w in widths)
    for line, row in zip(lines[:1] + lines[2:], [header] + rows):
        assert line == line.rstrip()
        line += " " * (sum(widths) + 2 * len(widths) - _columns(line))   # the spaces cut at the end
        pos = 0
        for j, cell in enumerate(row):
            # cell j starts at display column sum(widths[:j]) + 2 j, whatever the widths of the cells before it
            assert _columns(line[:pos]) == sum(widths[:j]) + 2 * j
            assert line[pos:pos + len(cell)] == cell
            pos += len(cell)
            gap = widths[j] - _columns(cell) + 2
            assert line[pos:pos + gap].strip() == ""
            pos += gap


def test_chinese_names_line_up_in_plain_tables():
    lines = aligned([["population", "payoff"], ["上级政府", "1"], ["superior", "2"], ["下级", "3"]])
    # every second column starts at the same terminal column (a Chinese character takes two)
    starts = {_columns(line[:line.rindex(" ") + 1]) for line in lines[:1] + lines[2:]}
    assert starts == {12}


@given(tables())
def test_markdown_table_reads_back_cell_by_cell(table):
    header, rows = table
    lines = markdown(Document("t", (_table(header, rows),))).splitlines()[2:]
    assert len(lines) == len(rows) + 2
    assert lines[1] == "|" + "---|" * len(header)
    for line, row in zip(lines[:1] + lines[2:], [header] + rows):
        cuts = unescaped_positions(line, "|")
        assert cuts[0] == 0 and cuts[-1] == len(line) - 1 and len(cuts) == len(row) + 1
        cells = [line[a + 1:b] for a, b in zip(cuts, cuts[1:])]
        assert [commonmark_unescape(c[1:-1]) for c in cells] == row


@given(tables(tex_line_text), st.sampled_from(["long", "fit"]))
def test_latex_table_reads_back_cell_by_cell(table, layout):
    header, rows = table
    table = _table(header, rows)
    lines = latex(Document("t", (Table(table.columns, table.header, table.rows, layout),))).splitlines()
    if layout == "long":
        first = next(k for k, ln in enumerate(lines) if ln.startswith(r"\toprule "))
        head = lines[first].removeprefix(r"\toprule ").removesuffix(r" \\ \midrule \endhead")
    else:
        first = next(k for k, ln in enumerate(lines) if ln.startswith(r"\begin{tabular}")) + 1
        head = lines[first].removesuffix(r" \\ \midrule")
    body = [ln.removesuffix(r" \\") for ln in lines[first + 1:first + 1 + len(rows)]]
    for line, row in zip([head] + body, [header] + rows):
        cells = re.split(r" & ", line)      # an escaped \& has no space before the &: text, not a break
        assert [tex_decode(c)[0] for c in cells] == row


def test_column_shown_in_some_back_ends_only():
    table = Table((Column(), Column(backends=frozenset({MARKDOWN}))), (inline("a"), inline("only md")),
                  ((inline("1"), inline("2")),))
    doc = Document("t", (table,))
    assert "only md" in markdown(doc)
    assert "only md" not in latex(doc) and "only md" not in plain_text(doc)
    assert table.for_backend(LATEX).columns == (Column(),)


def test_unequal_rows_are_refused():
    with pytest.raises(ValueError, match="unequal"):
        Table((Column(),), (inline("a"),), ((inline("1"), inline("2")),))


# -- the back ends agree ---------------------------------------------------------------------------

def _every_block() -> Document:
    return Document("All blocks", (
        Heading(inline("First section")),
        Paragraph(inline("Prose with ", Code("code_1"), ", ", Math(r"x^2", "x**2"), " and ",
                         Notation(r"\le", "<="), Break(), "after a break.")),
        BulletList((inline("one"), inline("two"))),
        Heading(inline("Second section")),
        _table(["h1", "h2"], [["a", "b"], ["c", "d"]]),
        Display(r"\dot x = x (1 - x)", "dx/dt = x*(1 - x)"),
        Equations(((Math("f_1", "f1"), Math("a + b", "a + b")),)),
        Heading(inline("Sub"), level=3),
        Formulas((Formula(inline("state"), ("x = 1", "y = 0")), Formula(inline("iff"), ("a < 0", "b < 0"), "and"),
                  Formula(inline("eigenvalues"), ("-1", "-2"), numbered=r"\lambda"))),
        Heading(inline("Third section"), tight=True),
        Figure("portrait", "Figure 1", inline("A caption."), {"svg": "p.svg", "pdf": "p.pdf"}),
        Only((MARKDOWN,), Paragraph(inline("markdown only"))),
        Only((LATEX, PLAIN), Paragraph(inline("not in markdown"))),
    ))


def test_every_block_shows_in_every_back_end():
    doc = _every_block()
    md, tex, text = markdown(doc), latex(doc), plain_text(doc)
    assert re.findall(r"^## (.*)$", md, re.M) == doc.headings(MARKDOWN)
    assert re.findall(r"\\section\*\{(.*?)\}", tex) == doc.headings(LATEX)
    assert [line for line in text.splitlines() if line.endswith("section")] == doc.headings(PLAIN)
    for out in (md, tex, text):
        assert "Prose with " in out and "one" in out and "after a break." in out
    assert "markdown only" in md and "markdown only" not in tex + text
    assert "not in markdown" in tex and "not in markdown" in text and "not in markdown" not in md
    assert r"$x^2$" in md and r"$x^2$" in tex and "x**2" in text
    assert "<=" in md and r"$\le$" in tex and "<=" in text
    assert "![portrait](p.svg)" in md and r"\includegraphics{p.pdf}" in tex
    assert r"\lambda_{1} = -1" in tex and r"\lambda_{2} = -2" in tex
    assert tex.startswith(r"\documentclass") and tex.endswith("\\end{document}\n")


@given(st.lists(line_text.filter(lambda t: t.strip() == t and t), min_size=1, max_size=6))
def test_markdown_separates_blocks_by_one_blank_line(paragraphs):
    doc = Document("T", tuple(Paragraph(inline(p)) for p in paragraphs))
    assert markdown(doc) == "# T\n\n" + "\n\n".join(markdown_backend.escape(p) for p in paragraphs) + "\n"


def test_markdown_tight_heading_has_no_blank_line_of_its_own():
    doc = Document("T", (Paragraph(inline("a")), Heading(inline("H"), tight=True), Paragraph(inline("b"))))
    assert markdown(doc) == "# T\n\na\n## H\n\nb\n"


def test_latex_starts_chinese_documents_with_ctex():
    assert r"\usepackage[UTF8]{ctex}" in latex(Document("t", (), "zh"))
    assert "ctex" not in latex(Document("t", (), "en"))


def test_only_refuses_an_unknown_back_end():
    with pytest.raises(ValueError, match="unknown back end"):
        Only(("html",), Paragraph(inline("x")))


# -- the report and the terminal text ------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _symbolic_analysis(name):
    return analyze(load(name), symbolic=True)


def _report(name, lang="en"):
    scenario = load(name)
    analysis = _symbolic_analysis(name)
    return report_document(scenario, scenario.game, analysis, (), [], [], [("regime", "not drawn here")], lang)


@pytest.mark.parametrize("name, lang", [("vertical", "en"), ("hawk_dove", "zh"), ("rps", "en"),
                                        ("platform_public_good", "en")])
def test_one_report_document_gives_the_same_sections_in_markdown_and_latex(name, lang):
    doc = _report(name, lang)
    md, tex = markdown(doc), latex(doc)
    md_sections = re.findall(r"^## (.*)$", md, re.M)
    tex_sections = re.findall(r"^\\section\*\{(.*)\}$", tex, re.M)
    assert md_sections == doc.headings(MARKDOWN) and tex_sections == doc.headings(LATEX)
    # with no figure drawn, LaTeX gives the skipped kinds no section of their own
    figures = {"en": "Figures", "zh": "图"}[lang]
    assert [h for h in md_sections if h != figures] == tex_sections and figures in md_sections
    md_sub = re.findall(r"^\*\*(.*)\*\*$", md, re.M)
    tex_sub = re.findall(r"^\\paragraph\{(.*)\}$", tex, re.M)
    assert [markdown_backend.escape(h) for h in doc.headings(MARKDOWN, 3)] == md_sub
    assert [latex_backend.escape(h) for h in doc.headings(LATEX, 3)] == tex_sub


def test_report_tables_have_the_same_rows_in_markdown_and_latex():
    doc = _report("vertical")
    md, tex = markdown(doc), latex(doc)
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    md_rows = [ln for ln in md.splitlines() if ln.startswith("| ") and not ln.startswith("|---")]
    tex_rows = [ln for ln in tex.splitlines() if ln.endswith(r"\\") and not ln.startswith(r"\toprule")
                and r"\midrule" not in ln]
    expected = sum(len(t.rows) for t in tables)
    assert len(md_rows) == expected + len(tables)              # with the header rows
    assert len(tex_rows) == expected


def test_rest_points_say_the_same_in_markdown_and_latex():
    game = load("vertical")
    analysis = analyze(game)
    doc = report_document(game, game.game, analysis, (), [], [], [], "en")
    md, tex = markdown(doc), latex(doc)
    md_lines = md.split("## Rest points", 1)[1].splitlines()[4:]
    md_rows = [ln.strip("|").split(" | ") for ln in itertools.takewhile(lambda ln: ln.startswith("| "), md_lines)]
    tex_block = tex.split(r"\section*{Rest points}", 1)[1].split(r"\bottomrule", 1)[0]
    tex_rows = [ln.removesuffix(r" \\").split(" & ") for ln in tex_block.splitlines()[3:]]
    assert len(md_rows) == len(tex_rows) == len(analysis.rest_points)
    for md_row, tex_row in zip(md_rows, tex_rows):
        number, label, state, _exact, eigenvalues, classification = (c.strip() for c in md_row)
        assert [tex_row[0], tex_row[1], tex_row[2].split(r" \newline ")[0]] == [number, label, state]
        assert tex_row[3] == "$" + eigenvalues.replace("i", r"\,\mathrm{i}") + "$"
        assert tex_row[4] == classification


@st.composite
def bimatrix_games(draw):
    pops = [Population("row", ("a", "b")), Population("col", ("c", "d"))]
    table = {(i, j): (draw(st.integers(-4, 4)), draw(st.integers(-4, 4))) for i in range(2) for j in range(2)}
    return Game.from_payoff_table(pops, table)


@given(bimatrix_games())
def test_every_rest_point_is_a_row_in_every_back_end(game):
    analysis = analyze(game)
    doc = report_document(as_scenario(game), game, analysis, (), [], [], [], "en")
    # a mixed point's label in a table is short ("(mixed, mixed)"): its shares are the coordinates beside it
    labels = [point_label(game, p.support) for p in analysis.rest_points]
    md = markdown(doc)
    tex = latex(doc)
    text = plain_text(doc)
    for label in labels:
        assert f"| {markdown_backend.escape(label)} |" in md
        assert f" & {latex_backend.escape(label)} & " in tex
        assert label in text


def test_terminal_text_is_the_analysis_document_in_plain_text():
    analysis = _symbolic_analysis("vertical")
    text = analysis_text(analysis)
    doc = analysis_document(analysis)
    assert doc.headings(PLAIN) == ["Payoffs", "Replicator equations", "Rest points", "Stability of the equilibria",
                                   "Stability conditions (symbolic)"]
    for heading in doc.headings(PLAIN):
        assert f"\n\n{heading}\n{'-' * len(heading)}\n" in text
    table = text.split("Rest points\n-----------\n", 1)[1].splitlines()
    for k, (point, line) in enumerate(zip(analysis.rest_points, table[2:]), start=1):
        assert line.startswith(f"E{k} ") and point.label in line and line.endswith(point.classification)
    assert text.endswith(f"(analysis took {analysis.seconds:.2f} s)")


def test_classification_rule_states_the_tolerance_in_every_back_end():
    scenario = load("platform_public_good")       # exact and algebraic rest points: two rules
    analysis = analyze(scenario)
    doc = report_document(scenario, analysis.game, analysis, (), [], [], [], "en")
    md, tex, text = markdown(doc), latex(doc), plain_text(doc)
    rule_md = next(ln for ln in md.splitlines() if ln.startswith("Classification:"))
    rule_tex = next(ln for ln in tex.splitlines() if ln.startswith("Classification:"))
    lines = text.splitlines()
    start = next(k for k, ln in enumerate(lines) if ln.startswith("Classification:"))
    # plain text wraps at 100 columns, its continuation lines indented: the paragraph is those lines joined
    rule_text = " ".join([lines[start]] + [ln.strip() for ln in itertools.takewhile(
        lambda ln: ln.startswith("    "), lines[start + 1:])])
    assert commonmark_unescape(rule_md) == rule_text
    assert "60-digit eigenvalues, |Re| <= 1e-30 x max(1, max|J_ij|)" in rule_text
    assert r"60-digit eigenvalues, $|\mathrm{Re}\,\lambda|$ $\le$ 1e-30 x max(1, $\max|J_{ij}|$)" in rule_tex
