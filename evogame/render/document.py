"""The report model: a document as plain, frozen data that every back end renders.

A :class:`Document` is a title and a tuple of blocks (:class:`Heading`,
:class:`Paragraph`, :class:`BulletList`, :class:`Table`, :class:`Display`,
:class:`Equations`, :class:`Formulas`, :class:`Figure`).  Blocks hold *inline
content*: a tuple of spans (:class:`Text`, :class:`Code`, :class:`Math`,
:class:`Notation`, :class:`Break`).  Nothing here knows Markdown or LaTeX:
the back ends (:mod:`evogame.render.markdown`, :mod:`evogame.render.latex`,
:mod:`evogame.render.plain`) decide how each kind of block looks, and escape
every :class:`Text` themselves, so a builder never escapes for one output.

Where the back ends phrase something differently on purpose (a column only
Markdown shows, a label LaTeX leaves out), the document says so with
:class:`Only`, which holds blocks or spans for some back ends only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence, Union

__all__ = ["MARKDOWN", "LATEX", "PLAIN", "BACKENDS", "Text", "Code", "Math", "Notation", "Break", "Only",
           "Heading", "Paragraph", "BulletList", "Column", "Table", "Display", "Equations", "Formula",
           "Formulas", "Figure", "Document", "inline", "join", "select", "plain"]

#: the back ends' names, as :class:`Only` lists them
MARKDOWN, LATEX, PLAIN = "markdown", "latex", "plain"
BACKENDS = (MARKDOWN, LATEX, PLAIN)


# -- inline content ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Text:
    """Prose: every back end escapes it for its own syntax."""

    text: str


@dataclass(frozen=True)
class Code:
    """Verbatim text in a monospace font (a file name, a profile key, an expression)."""

    text: str


@dataclass(frozen=True)
class Math:
    """A formula in LaTeX; Markdown and LaTeX set it in math mode (``$…$``).

    ``plain`` is the same formula for plain text (the LaTeX source when None).
    """

    latex: str
    plain: str | None = None


@dataclass(frozen=True)
class Notation:
    """Short notation that reads well as plain text (a number, a symbol, a relation).

    Only LaTeX sets it in math mode, from ``latex``; Markdown and plain text
    write ``plain``, so that the text reads without a math renderer.
    """

    latex: str
    plain: str


@dataclass(frozen=True)
class Break:
    """A line break inside a paragraph or a table cell."""


@dataclass(frozen=True)
class Only:
    """Content (blocks, or spans: a string is :class:`Text`) that only the named back ends render."""

    backends: frozenset
    content: tuple

    def __init__(self, backends: Sequence[str], *content):
        unknown = set(backends) - set(BACKENDS)
        if unknown:
            raise ValueError(f"unknown back end {sorted(unknown)[0]!r}; one of {', '.join(BACKENDS)}")
        object.__setattr__(self, "backends", frozenset(backends))
        object.__setattr__(self, "content", tuple(Text(c) if isinstance(c, str) else c for c in content))


Span = Union[Text, Code, Math, Notation, Break, Only]


def inline(*parts) -> tuple:
    """Inline content from spans and strings (a string is :class:`Text`)."""
    return tuple(Text(p) if isinstance(p, str) else p for p in parts)


def join(pieces: Sequence[tuple], *separator) -> tuple:
    """Inline contents one after the other, ``separator`` (spans or strings) between them."""
    out: list = []
    for k, piece in enumerate(pieces):
        if k:
            out.extend(inline(*separator))
        out.extend(piece)
    return tuple(out)


def select(backend: str, items: Sequence) -> list:
    """``items`` (blocks or spans) as ``backend`` sees them: :class:`Only` unwrapped or dropped."""
    out = []
    for item in items:
        if isinstance(item, Only):
            if backend in item.backends:
                out.extend(select(backend, item.content))
        else:
            out.append(item)
    return out


def spans_text(content: Sequence, backend: str, writers: dict) -> str:
    """Inline content as one back end writes it: ``writers`` maps each span type (Text, Code, Math,
    Notation, Break) to a function of the span; the spans not for ``backend`` are left out."""
    parts = []
    for span in select(backend, content):
        writer = writers.get(type(span))
        if writer is None:
            raise TypeError(f"not inline content: {span!r}")
        parts.append(writer(span))
    return "".join(parts)


_PLAIN_SPANS = {Text: lambda s: s.text, Code: lambda s: s.text,
                Math: lambda s: s.latex if s.plain is None else s.plain,
                Notation: lambda s: s.plain, Break: lambda s: " "}


def plain(content: Sequence) -> str:
    """Inline content as plain text, the way the plain back end writes it."""
    return spans_text(content, PLAIN, _PLAIN_SPANS)


# -- blocks --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Heading:
    """A section heading (``level`` 2) or a run-in subheading (``level`` 3).

    ``tight``: Markdown writes no blank line of its own before it (only the
    blank line the previous block leaves, if any).  Reports have always
    printed their thresholds heading so; kept so that they stay the same byte
    for byte.
    """

    content: tuple
    level: int = 2
    tight: bool = False


@dataclass(frozen=True)
class Paragraph:
    content: tuple


@dataclass(frozen=True)
class BulletList:
    items: tuple          # of inline contents


@dataclass(frozen=True)
class Column:
    """How a table column is set: ``align`` ``"l"``, ``"c"`` or ``"r"``, or a
    paragraph column of ``width`` (a fraction of the line width, flush left);
    ``backends`` that show the column (None: every one)."""

    align: str = "l"
    width: float | None = None
    backends: frozenset | None = None

    def shown_in(self, backend: str) -> bool:
        return self.backends is None or backend in self.backends


@dataclass(frozen=True)
class Table:
    """A table: one inline content per cell.

    ``layout`` ``"long"`` may break across pages; ``"fit"`` is one block,
    shrunk to the line width when wider.  ``small`` sets it in a smaller font.
    """

    columns: tuple
    header: tuple
    rows: tuple
    layout: str = "long"
    small: bool = False

    def __post_init__(self):
        widths = {len(self.columns), len(self.header)} | {len(r) for r in self.rows}
        if len(widths) != 1:
            raise ValueError(f"table rows of unequal length: {sorted(widths)}")
        if self.layout not in ("long", "fit"):
            raise ValueError(f"unknown table layout {self.layout!r}")

    def for_backend(self, backend: str) -> "Table":
        """The table with the columns ``backend`` shows."""
        keep = [k for k, c in enumerate(self.columns) if c.shown_in(backend)]
        if len(keep) == len(self.columns):
            return self

        def pick(row):
            return tuple(row[k] for k in keep)

        return Table(pick(self.columns), pick(self.header), tuple(pick(r) for r in self.rows), self.layout,
                     self.small)


@dataclass(frozen=True)
class Display:
    """One displayed formula (LaTeX), shrunk to the line width when wider."""

    latex: str
    plain: str | None = None


@dataclass(frozen=True)
class Equations:
    """Equations ``lhs = rhs`` aligned at the equals sign; ``rows`` of ``(Math, Math)``."""

    rows: tuple


@dataclass(frozen=True)
class Formula:
    """A labelled formula made of ``parts`` (LaTeX).

    ``joined`` says how the parts combine: ``"list"`` (``a, b``) or ``"and"``
    (``a ∧ b``).  With ``numbered`` (a symbol such as ``\\lambda``) a back end
    that displays formulas shows each part on its own, as ``\\lambda_k = part``.
    A label that renders empty in a back end is left out there.  ``plain``:
    the parts as plain text (sympy's ``sstr``) for the plain back end (the
    LaTeX parts when None).  Without parts the label is prose that says it
    all (a sentence about the subject, no formula).
    """

    label: tuple
    parts: tuple
    joined: str = "list"
    numbered: str | None = None
    plain: tuple | None = None

    def __post_init__(self):
        if self.joined not in ("list", "and"):
            raise ValueError(f"unknown joint {self.joined!r}")


@dataclass(frozen=True)
class Formulas:
    """Labelled formulas about one subject (a rest point's state, eigenvalues, conditions)."""

    items: tuple


@dataclass(frozen=True)
class Figure:
    """A figure: ``files`` maps a format (``"svg"``, ``"pdf"``) to a path; each
    back end uses the format it can show.  ``label`` is its numbered name
    (``"Figure 1"``) for back ends that do not number figures themselves."""

    name: str
    label: str
    caption: tuple
    files: Mapping[str, str] = field(default_factory=dict)


Block = Union[Heading, Paragraph, BulletList, Table, Display, Equations, Formulas, Figure, Only]


@dataclass(frozen=True)
class Document:
    """A titled document in ``language`` (``"en"`` or ``"zh"``)."""

    title: str
    blocks: tuple
    language: str = "en"

    def headings(self, backend: str, level: int = 2) -> list[str]:
        """The plain text of the headings of ``level`` that ``backend`` renders, in order."""
        return [plain(b.content) for b in select(backend, self.blocks)
                if isinstance(b, Heading) and b.level == level]
