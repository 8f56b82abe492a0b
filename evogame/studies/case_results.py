"""The result of :func:`evogame.studies.cases.cases`: typed records, their JSON and their data frame."""
from __future__ import annotations

from dataclasses import dataclass, field

import sympy

__all__ = ["Atom", "Case", "Check", "CaseTable", "relation"]


def relation(expression, sign: int) -> tuple[str, str]:
    """``expression > 0`` (``sign`` +1) or ``< 0`` (-1) as the papers write it: positive terms on the left,
    the others moved to the right (``B*beta + G*m > c_D + L*lambda``); ``(plain, latex)``."""
    terms = sympy.Add.make_args(sympy.expand(expression))
    left = sympy.Add(*[t for t in terms if not t.could_extract_minus_sign()])
    right = sympy.Add(*[-t for t in terms if t.could_extract_minus_sign()])
    op = ">" if sign > 0 else "<"
    if left == 0:   # nothing positive: "c_S + r < 0" rather than "0 > c_S + r"
        left, right, op = right, left, "<" if sign > 0 else ">"
    return (f"{sympy.sstr(left)} {op} {sympy.sstr(right)}",
            f"{sympy.latex(left)} {op} {sympy.latex(right)}")


@dataclass(frozen=True)
class Atom:
    """A sign-deciding expression: an irreducible factor of the eigenvalues (or existence conditions)
    of the rest points ``points``; its sign is constant inside each case."""

    name: str
    expression: sympy.Expr
    points: tuple

    def to_dict(self) -> dict:
        return {"name": self.name, "expression": sympy.sstr(self.expression),
                "latex": sympy.latex(self.expression), "points": list(self.points)}


@dataclass(frozen=True)
class Case:
    """One case: its condition (a disjunction of ``cubes``, each a conjunction of ``(atom index, sign)``),
    its stable set (E-names), a witness inside the box and what :func:`analyze` finds stable there.

    ``samples`` is how many points of the design fell in the case.
    """

    number: int
    cubes: tuple
    stable: tuple
    witness: dict
    witness_stable: tuple
    samples: int

    @property
    def verified(self) -> bool:
        """True when ``analyze`` at the witness finds exactly the case's stable set."""
        return tuple(self.witness_stable) == tuple(self.stable)

    def holds(self, signs) -> bool:
        """Whether a sign pattern (one +-1 per atom, in the table's atom order) lies in this case."""
        return any(all(signs[j] == s for j, s in cube) for cube in self.cubes)

    def parts(self) -> tuple[tuple, tuple]:
        """``(common, alternatives)``: the signs every cube has, and per cube the rest of its signs; the
        condition is ``common and (alternative 1 or alternative 2 ...)``."""
        if not self.cubes:
            return (), ()
        common = tuple(lit for lit in self.cubes[0] if all(lit in cube for cube in self.cubes[1:]))
        if len(self.cubes) == 1:
            return common, ()
        return common, tuple(tuple(lit for lit in cube if lit not in common) for cube in self.cubes)

    def condition_text(self, atoms, joint: str = " and ", either: str = " or ") -> str:
        """The condition in plain text: ``c_G > 3 and (c_A > e or c_B > e)``."""
        def conj(literals):
            return joint.join(relation(atoms[j].expression, s)[0] for j, s in literals)

        common, alternatives = self.parts()
        text = conj(common)
        if alternatives:
            alt = either.join(f"({conj(a)})" if len(a) > 1 else conj(a) for a in alternatives)
            text = f"{text}{joint}({alt})" if text else alt
        return text or "everywhere"


@dataclass(frozen=True)
class Check:
    """The coverage check on an independent uniform sample of the box.

    ``points`` checked, ``boundary`` of them on a boundary, ``outside`` those in no case (their
    parameter values), ``overlaps`` the number in several cases, ``mismatches`` those whose stable set
    is not their case's (from the compiled conditions or from ``analyze``), ``confirmed`` how many
    were also analysed by ``analyze``.
    """

    points: int
    boundary: int
    outside: tuple
    overlaps: int
    mismatches: tuple
    confirmed: int

    @property
    def covered(self) -> bool:
        return not self.outside and not self.overlaps and not self.mismatches

    def to_dict(self) -> dict:
        return {"points": self.points, "boundary": self.boundary, "outside": [dict(p) for p in self.outside],
                "overlaps": self.overlaps, "mismatches": [dict(p) for p in self.mismatches],
                "confirmed_by_analyze": self.confirmed, "covered": self.covered}


@dataclass(frozen=True)
class CaseTable:
    """The declared parameter box split into cases.

    Attributes
    ----------
    game, dynamics : the game and the dynamics analysed.
    box : parameter -> (low, high): the parameters that vary.
    fixed : parameter -> value: the others.
    atoms : the sign-deciding expressions (``Atom``), ``h1``, ``h2``, ...
    cases : the ``Case`` list, numbered from 1.
    points : E-name -> face label of every rest point solved symbolically.
    settled : ``{"never": E-names, "always": E-names}``: the rest points whose stability does not change
        in the box.
    samples, seed : the design's size and seed.
    check : the coverage check (``Check``), or None.
    notes : what the reader should know.
    supports : E-name -> support (the strategies in use, per population).
    ess : whether the asymptotically stable rest points are the ESSs (replicator; several populations with
        multilinear payoffs, or two strategies per population); else the table says "asymptotically stable".
    """

    game: object = field(repr=False)
    dynamics: str
    box: dict
    fixed: dict
    atoms: tuple
    cases: tuple
    points: dict
    settled: dict
    samples: int
    seed: int
    check: Check | None = None
    notes: tuple = ()
    supports: dict = field(default_factory=dict, repr=False)
    ess: bool = True

    def case_at(self, values: dict):
        """The case holding the parameter values ``values`` (box parameters), None on a boundary or outside."""
        import numpy as np

        x = [float(values[n]) for n in self.box]
        signs = []
        for atom in self.atoms:
            value = float(atom.expression.xreplace(
                {self.game.parameters[n].symbol: sympy.Rational(v) for n, v in zip(self.box, x)}))
            if value == 0 or not np.isfinite(value):
                return None
            signs.append(1 if value > 0 else -1)
        held = [c for c in self.cases if c.holds(signs)]
        return held[0] if len(held) == 1 else None

    def to_dict(self) -> dict:
        return {
            "game": self.game.name, "dynamics": self.dynamics,
            "box": {n: [lo, hi] for n, (lo, hi) in self.box.items()}, "fixed": dict(self.fixed),
            "atoms": [a.to_dict() for a in self.atoms],
            "cases": [{"case": c.number, "condition": c.condition_text(self.atoms),
                       "cubes": [[{"atom": self.atoms[j].name, "sign": ">" if s > 0 else "<"} for j, s in cube]
                                 for cube in c.cubes],
                       "stable": list(c.stable), "witness": dict(c.witness),
                       "witness_stable": list(c.witness_stable), "verified": c.verified, "samples": c.samples}
                      for c in self.cases],
            "points": dict(self.points), "settled": {k: list(v) for k, v in self.settled.items()},
            "samples": self.samples, "seed": self.seed, "stable_points_are_ess": self.ess,
            "check": None if self.check is None else self.check.to_dict(), "notes": list(self.notes)}

    def to_dataframe(self):   # a pandas.DataFrame (the "dataframes" extra)
        """One row per case: ``case``, ``condition``, ``stable_set`` (the case's asymptotically stable rest points
        joined by ``; ``, as in a regime map's frame), ``verified``, ``samples`` and the witness (one column per
        parameter of the box)."""
        from ..util.optional import require_pandas
        pd = require_pandas()
        rows = [{"case": c.number, "condition": c.condition_text(self.atoms), "stable_set": "; ".join(c.stable),
                 "verified": c.verified, "samples": c.samples, **{n: c.witness[n] for n in self.box}}
                for c in self.cases]
        return pd.DataFrame(rows, columns=["case", "condition", "stable_set", "verified", "samples", *self.box])

    def blocks(self, lang: str = "en") -> list:
        """The report section (:mod:`evogame.render.cases_section`)."""
        from ..render.cases_section import cases_blocks
        return cases_blocks(self, lang)

    def to_markdown(self, lang: str = "en") -> str:
        from ..render.cases_section import cases_document
        from ..render.markdown import markdown
        return markdown(cases_document(self, lang))

    def to_latex(self, lang: str = "en") -> str:
        from ..render.cases_section import cases_document
        from ..render.latex import latex
        return latex(cases_document(self, lang))

    def to_text(self, lang: str = "en") -> str:
        from ..render.cases_section import cases_document
        from ..render.plain import plain_text
        return plain_text(cases_document(self, lang))

    def __repr__(self) -> str:
        return (f"<CaseTable of {self.game.name!r}: {len(self.cases)} cases over {len(self.box)} parameters, "
                f"{len(self.atoms)} deciding expressions>")
