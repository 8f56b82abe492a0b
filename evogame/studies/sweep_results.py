"""The results of sweeps: classification along one parameter, regime maps over two."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import numpy as np

from ..solvers import stability as st
from ..util.formatting import number
from ..game import Game
from ..engine.parametric import ABSENT

__all__ = ["Sweep1DResult", "RegimeMapResult"]


def class_name(code: int) -> str | None:
    """The classification of a class code (None where the rest point is absent)."""
    return None if code == ABSENT else st.CLASSES[code]


@dataclass
class Sweep1DResult:
    """Classification of every rest point along one parameter.

    Attributes
    ----------
    parameter : the swept parameter (``"strength"`` for a mechanism's strength).
    values : ``(n,)`` the grid.
    labels : the rest points (named by face), in a stable order.
    classifications : label -> list over the grid of the class name, None
        where the rest point does not exist.
    codes : label -> ``(n,)`` int array (index into ``stability.CLASSES``, -1 absent).
    states : label -> ``(n, d)`` reduced states (NaN where absent).
    eigenvalues : label -> ``(n, d)`` complex eigenvalues (NaN where absent).
    stable_sets : per grid value, the tuple of asymptotically stable labels.
    bifurcations : list of dicts
        ``{"parameter", "value", "rest_point", "from", "to", "kind"}``
        (``from``/``to`` a class name or ``"absent"``),
        sorted by value; ``value`` is located to ``precision``.
    method : ``"vectorised"`` or ``"per point"``.
    """

    game: Game = field(repr=False)
    parameter: str
    values: np.ndarray
    labels: list
    codes: dict
    states: dict
    eigenvalues: dict
    bifurcations: list
    method: str
    mechanisms: list
    precision: float
    notes: list = field(default_factory=list)
    seconds: dict = field(default_factory=dict)
    dynamics: str = "replicator"

    @property
    def classifications(self) -> dict:
        return {k: [class_name(int(c)) for c in v] for k, v in self.codes.items()}

    @property
    def stable_sets(self) -> list[tuple]:
        return [tuple(k for k in self.labels if self.codes[k][i] == 0) for i in range(len(self.values))]

    def to_dict(self) -> dict:
        return {
            "kind": "sweep",
            "scenario": self.game.name,
            "dynamics": self.dynamics,
            "parameter": self.parameter,
            "mechanisms": list(self.mechanisms),
            "values": [float(v) for v in self.values],
            "rest_points": list(self.labels),
            "classifications": self.classifications,
            "states": {k: [None if np.isnan(row).any() else [float(v) for v in row] for row in s]
                       for k, s in self.states.items()},
            "eigenvalues": {k: [None if np.isnan(row).any() else [[float(e.real), float(e.imag)] for e in row]
                                for row in e] for k, e in self.eigenvalues.items()},
            "stable_sets": [list(s) for s in self.stable_sets],
            "bifurcations": [dict(b) for b in self.bifurcations],
            "precision": self.precision,
            "method": self.method,
            "notes": list(self.notes),
        }

    def csv(self) -> str:
        """CSV: the value, one column per rest point (class or ``absent``), the stable set."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([self.parameter] + self.labels + ["stable_set"])
        for i, v in enumerate(self.values):
            w.writerow([f"{v:.12g}"] + [class_name(int(self.codes[k][i])) or "absent" for k in self.labels]
                       + [_set_text(self.stable_sets[i])])
        return buf.getvalue()

    def table(self) -> str:
        """Runs of constant classification per rest point, and the bifurcation points."""
        lines = [f"sweep of {self.parameter} over [{_num(self.values[0])}, {_num(self.values[-1])}] "
                 f"({len(self.values)} values, {self.method}{_under(self.dynamics)})"]
        for k in self.labels:
            runs = []
            codes = self.codes[k]
            start = 0
            for i in range(1, len(codes) + 1):
                if i == len(codes) or codes[i] != codes[start]:
                    name = class_name(int(codes[start])) or "absent"
                    runs.append(f"{name} [{_num(self.values[start])}, {_num(self.values[i - 1])}]")
                    start = i
            lines.append(f"  {k}: " + "; ".join(runs))
        if self.bifurcations:
            lines.append("bifurcation points:")
            for b in self.bifurcations:
                lines.append(f"  {self.parameter} = {_num(b['value'])}: {b['rest_point']} {b['from']} -> {b['to']}")
        else:
            lines.append("no bifurcation point in the range")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from ..render.notebook import sweep_html
        return sweep_html(self)

    def to_dataframe(self):   # a pandas.DataFrame (the "dataframes" extra)
        from ..render.notebook import sweep_frame
        return sweep_frame(self)

    def __repr__(self) -> str:
        return (f"<Sweep1DResult {self.parameter} in [{_num(self.values[0])}, {_num(self.values[-1])}]: "
                f"{len(self.labels)} rest points, {len(self.bifurcations)} bifurcations ({self.method})>")


@dataclass
class RegimeMapResult:
    """The set of asymptotically stable rest points on a two-parameter grid.

    Arrays are indexed ``[j, i]`` for ``y[j]``, ``x[i]`` (rows = y, as an
    image is drawn with ``origin="lower"``).

    Attributes
    ----------
    x_name, y_name, x, y : the parameters and their grids.
    labels : the rest points (named by face).
    codes : label -> ``(ny, nx)`` int array of class codes (-1 absent).
    stable_sets : ``(ny, nx)`` nested list of tuples of labels.
    regimes : the distinct stable sets, sorted (by size, then labels).
    regime_index : ``(ny, nx)`` int array, index into ``regimes``.
    """

    game: Game = field(repr=False)
    x_name: str
    y_name: str
    x: np.ndarray
    y: np.ndarray
    labels: list
    codes: dict = field(repr=False)
    regimes: list
    regime_index: np.ndarray = field(repr=False)
    method: str
    mechanisms: list
    notes: list = field(default_factory=list)
    seconds: dict = field(default_factory=dict)
    dynamics: str = "replicator"

    @property
    def stable_sets(self) -> list[list[tuple]]:
        return [[self.regimes[k] for k in row] for row in self.regime_index.tolist()]

    def to_dict(self) -> dict:
        return {
            "kind": "regime map",
            "scenario": self.game.name,
            "dynamics": self.dynamics,
            "x_name": self.x_name,
            "y_name": self.y_name,
            "mechanisms": list(self.mechanisms),
            "x": [float(v) for v in self.x],
            "y": [float(v) for v in self.y],
            "rest_points": list(self.labels),
            "regimes": [list(r) for r in self.regimes],
            # nested outer -> inner, and named so, so that the grid cannot be read transposed
            "regime_index": {"outer": self.y_name, "inner": self.x_name, "values": self.regime_index.tolist()},
            "stable_sets": {"outer": self.y_name, "inner": self.x_name,
                            "values": [[list(s) for s in row] for row in self.stable_sets]},
            "method": self.method,
            "notes": list(self.notes),
        }

    def csv(self) -> str:
        """CSV with columns ``x_name, y_name, stable_set`` (labels joined by '; ', or ``none``)."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([self.x_name, self.y_name, "stable_set"])
        for j, yv in enumerate(self.y):
            for i, xv in enumerate(self.x):
                w.writerow([f"{xv:.12g}", f"{yv:.12g}", _set_text(self.regimes[self.regime_index[j, i]])])
        return buf.getvalue()

    def table(self) -> str:
        counts = np.bincount(self.regime_index.ravel(), minlength=len(self.regimes))
        total = self.regime_index.size
        lines = [f"regime map: {self.x_name} in [{_num(self.x[0])}, {_num(self.x[-1])}] ({len(self.x)}) x "
                 f"{self.y_name} in [{_num(self.y[0])}, {_num(self.y[-1])}] ({len(self.y)}), {self.method}"
                 f"{_under(self.dynamics)}",
                 "regimes (stable set: share of cells):"]
        for k, r in enumerate(self.regimes):
            lines.append(f"  [{k}] {_set_text(r)}: {counts[k] / total:.1%}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from ..render.notebook import regime_map_html
        return regime_map_html(self)

    def to_dataframe(self):   # a pandas.DataFrame (the "dataframes" extra)
        from ..render.notebook import regime_map_frame
        return regime_map_frame(self)

    def __repr__(self) -> str:
        return (f"<RegimeMapResult {self.x_name} x {self.y_name} ({len(self.x)}x{len(self.y)}): "
                f"{len(self.regimes)} regimes ({self.method})>")


def _set_text(s) -> str:
    return "; ".join(s) if s else "none"


def _num(v) -> str:
    return number(v, 10)


def _under(dynamics: str) -> str:
    return "" if dynamics == "replicator" else f", under {dynamics}"
