"""The results and settings of a cycle continuation (:mod:`.cycles` continues them, :mod:`.cycle_tracer` traces
them): :class:`Cycle`, :class:`CycleBranch`, :class:`CycleSettings` and the thresholds of the stopping rules."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...util.formatting import number
from .floquet import STABLE, Multipliers

__all__ = ["Cycle", "CycleBranch", "CycleSettings", "FACE_SHARE", "PERIOD_GROWTH", "MESH_TOL", "LPC", "PD", "NS"]

#: a share in use below this somewhere on the orbit: the cycle reaches a face
FACE_SHARE = 1e-4
#: a period beyond this multiple of the Hopf period: the period grows without bound
PERIOD_GROWTH = 10.0
#: the trivial multiplier farther than this from 1: the mesh no longer resolves the orbit
MESH_TOL = 1e-6
LPC, PD, NS = "LPC", "PD", "NS"


@dataclass(frozen=True)
class CycleSettings:
    """Step control of a cycle continuation (steps in the weighted norm of (orbit, period / T_Hopf, mu))."""

    first_step: float = 2e-3
    min_step: float = 1e-6
    max_step: float = 0.03
    max_cycles: int = 400
    max_iter: int = 10
    residual: float = 1e-10
    ntst: int = 40
    ncol: int = 4


@dataclass(frozen=True)
class Cycle:
    """One limit cycle of a branch.

    Attributes
    ----------
    parameter, period : the continued parameter's value and the period.
    shares : the names of the shares (``population:strategy``, every strategy of every population).
    minimum, maximum : each share's minimum and maximum over the orbit (the amplitude).
    floquet : the Floquet multipliers (:class:`~.floquet.Multipliers`), with the stability verdict.
    kind : ``""``, ``"start"``, ``"LPC"``, ``"PD"``, ``"NS"`` or ``"end"``; ``note`` what else to know.
    orbit : ``(n, d)`` the orbit in reduced coordinates at equally spaced times over one period.
    """

    parameter: float
    period: float
    shares: tuple
    minimum: np.ndarray
    maximum: np.ndarray
    floquet: Multipliers
    kind: str = ""
    note: str = ""
    orbit: np.ndarray = field(default=None, repr=False, compare=False)

    @property
    def stability(self) -> str:
        return self.floquet.stability

    def to_dict(self) -> dict:
        return {"parameter": float(self.parameter), "period": float(self.period), "kind": self.kind,
                "minimum": dict(zip(self.shares, map(float, self.minimum))),
                "maximum": dict(zip(self.shares, map(float, self.maximum))),
                **self.floquet.to_dict(), "note": self.note}


@dataclass
class CycleBranch:
    """The branch of limit cycles born at one Hopf point.

    Attributes
    ----------
    index : its number (from 1); ``hopf_branch`` the rest-point branch of its Hopf point, ``hopf_parameter``
        where it is born, ``l1`` the Hopf point's first Lyapunov coefficient.
    cycles : the cycles in arc order; ``special`` those of kind LPC / PD / NS.
    end : why the branch stops (see the module docstring).
    joins : the other Hopf point (a SpecialPoint) where the branch ends, shrinking back to the rest point; None if
        it ends otherwise.
    """

    index: int
    hopf_branch: int
    hopf_parameter: float
    l1: float
    cycles: list
    end: str
    joins: object = field(default=None, repr=False, compare=False)

    @property
    def special(self) -> list:
        return [c for c in self.cycles if c.kind in (LPC, PD, NS)]

    def to_dict(self) -> dict:
        return {"index": self.index, "hopf_branch": self.hopf_branch, "hopf_parameter": float(self.hopf_parameter),
                "l1": float(self.l1), "end": self.end, "special": [c.to_dict() for c in self.special],
                "cycles": [c.to_dict() for c in self.cycles]}

    def to_dataframe(self):
        """One row per cycle (a pandas.DataFrame; the "dataframes" extra): parameter, period, classification
        (the Floquet verdict), asymptotically_stable, kind, the largest nontrivial multiplier's modulus, and
        each share's minimum and maximum."""
        from ...util.optional import require_pandas

        pd = require_pandas()
        rows = []
        for c in self.cycles:
            row = {"parameter": c.parameter, "period": c.period, "classification": c.stability,
                   "asymptotically_stable": c.stability == STABLE, "kind": c.kind,
                   "max_multiplier": float(np.max(np.abs(c.floquet.nontrivial), initial=0.0))}
            row.update({f"min {s}": float(v) for s, v in zip(c.shares, c.minimum)})
            row.update({f"max {s}": float(v) for s, v in zip(c.shares, c.maximum)})
            rows.append(row)
        return pd.DataFrame(rows)

    def summary(self) -> str:
        """One line for the text table."""
        last = self.cycles[-1] if self.cycles else None
        if last is None:
            return f"C{self.index}: from H at {number(self.hopf_parameter, 8)}: {self.end}"
        runs = sorted({c.stability for c in self.cycles}, key=[c.stability for c in self.cycles].index)
        return (f"C{self.index}: from H at {number(self.hopf_parameter, 8)} (branch {self.hopf_branch}) to "
                f"{number(last.parameter, 8)}, period {number(self.cycles[0].period, 6)} .. "
                f"{number(last.period, 6)}; {', '.join(runs)}; ends: {self.end}")
