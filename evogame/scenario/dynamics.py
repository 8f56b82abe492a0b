"""``[dynamics]``: the dynamics a scenario is analysed under by default.

Form::

    [dynamics]
    name = "logit"      # replicator (the default without the table), maynard_smith, mutator, logit, bnn, smith,
                        # projection
    eta = 0.1           # its options, numbers (logit: eta; mutator: mu)

    [dynamics]          # the replicator-mutator with explicit mutation matrices
    name = "mutator"
    mu = 0.01           # optional (default 0): the uniform rate of the populations not in [dynamics.matrix]
    [dynamics.matrix]
    superior = [[0.9, 0.1], [0.05, 0.95]]   # one square matrix per population, row j = offspring of a j-strategist

The table is kept as the spec the command line takes (``"logit:eta=0.1"``);
whether the options fit the dynamics is checked where it is derived
(:func:`evogame.dynamics.derive`).  A mutation matrix does not fit in that
string: it is checked here (shape, entries in [0, 1], rows summing to 1) and
kept in a :class:`~evogame.scenario.dynamics_spec.DynamicsSpec` (the string
``"mutator:matrix"`` carrying the matrices).  The names are listed here so
that the loader needs nothing above the game model but that small type; a
test keeps them equal to :data:`evogame.dynamics.DYNAMICS`.
"""
from __future__ import annotations

import math
from typing import Any, Mapping

from .dynamics_spec import ROW_SUM_TOL, mutation_spec
from ..errors import did_you_mean
from .checks import err, number, show

#: the dynamics a scenario may name
DYNAMICS_NAMES = ("replicator", "maynard_smith", "mutator", "logit", "bnn", "smith", "projection")


def parse_dynamics(data: Mapping[str, Any], file: str) -> str:
    """The ``[dynamics]`` table as a spec, ``"replicator"`` when the table is absent."""
    if "dynamics" not in data:
        return "replicator"
    table = data["dynamics"]
    if not isinstance(table, Mapping):
        raise err("a table was expected", file, "dynamics", found=show(table),
                  expected='[dynamics] with name = "..." and the options of that dynamics')
    name = table.get("name")
    if not isinstance(name, str) or name not in DYNAMICS_NAMES:
        raise err(f"unknown dynamics {show(name)}" if name is not None else "missing", file, "dynamics.name",
                  expected="one of " + ", ".join(DYNAMICS_NAMES),
                  suggestion=did_you_mean(name, DYNAMICS_NAMES) if isinstance(name, str) else None)
    options = {k: number(v, file, f"dynamics.{k}") for k, v in table.items() if k not in ("name", "matrix")}
    if "matrix" in table:
        if name != "mutator":
            raise err(f"the dynamics '{name}' has no mutation matrix", file, "dynamics.matrix",
                      expected='name = "mutator" (the replicator-mutator) with a [dynamics.matrix] table')
        sizes = _population_sizes(data)
        matrix = _matrices(table["matrix"], sizes, file)
        return mutation_spec(float(options.get("mu", 0.0)), matrix, len(matrix) == len(sizes))
    return name + (":" + ",".join(f"{k}={float(v)!r}" for k, v in options.items()) if options else "")


def _population_sizes(data: Mapping[str, Any]) -> dict[str, int]:
    """Population name -> number of strategies (the populations are already checked)."""
    return {p["name"]: len(p["strategies"]) for p in data["populations"]}


def _matrices(table, sizes: Mapping[str, int], file: str) -> tuple:
    """``[dynamics.matrix]`` as ``((population, rows), ...)`` in population order, each checked."""
    if not isinstance(table, Mapping) or not table:
        raise err("a table was expected", file, "dynamics.matrix", found=show(table),
                  expected="[dynamics.matrix] with one square matrix per population, e.g. name = [[0.9, 0.1], "
                           "[0.05, 0.95]]")
    for pop in table:
        if pop not in sizes:
            raise err(f"unknown population '{pop}'", file, f"dynamics.matrix.{pop}",
                      expected="one of " + ", ".join(sizes), suggestion=did_you_mean(pop, sizes))
    return tuple((pop, _matrix(table[pop], n, file, f"dynamics.matrix.{pop}")) for pop, n in sizes.items()
                 if pop in table)


def _matrix(rows, n: int, file: str, key: str) -> tuple:
    """One population's mutation matrix: n rows (parent strategies) of n numbers in [0, 1] summing to 1."""
    expected = f"{n} rows of {n} numbers in [0, 1] (row j: the offspring of a j-strategist), each summing to 1"
    if not isinstance(rows, list) or len(rows) != n or not all(isinstance(r, list) and len(r) == n for r in rows):
        raise err(f"a {n} x {n} matrix was expected", file, key, found=show(rows), expected=expected)
    out = []
    for j, row in enumerate(rows):
        values = tuple(float(number(v, file, f"{key}[{j}]")) for v in row)
        if any(not 0 <= v <= 1 for v in values):
            raise err("entries must lie in [0, 1]", file, f"{key}[{j}]", found=show(row), expected=expected)
        if abs(math.fsum(values) - 1) > ROW_SUM_TOL:
            raise err("rows must sum to 1", file, f"{key}[{j}]", found=f"{show(row)} (sum {math.fsum(values):g})",
                      expected=expected)
        out.append(values)
    return tuple(out)
