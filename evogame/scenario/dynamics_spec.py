"""A dynamics spec that carries options the command-line string cannot: a mutation matrix (the loader makes it, the dynamics read it).

A dynamics is named everywhere by its spec string (``"logit:eta=0.1"``): in
``Scenario.dynamics``, ``Analysis.dynamics``, JSON output, titles, and it is
parsed again wherever the dynamics is re-derived (basins, figures).  A
mutation matrix does not fit in ``NAME:KEY=NUMBER``, so a scenario's
``[dynamics.matrix]`` gives a :class:`DynamicsSpec`: a ``str`` that prints
and serialises as a short text (``"mutator:matrix"``) and carries the full
``(name, options)`` pair, which :func:`evogame.dynamics.parse_dynamics` reads
instead of the text.  It equals a plain string with its text; two specs are
equal when their texts and their pairs are.  Options are hashable: a matrix is a tuple of ``(population, rows)``
with rows as tuples of floats.
"""
from __future__ import annotations

__all__ = ["DynamicsSpec", "mutation_spec", "ROW_SUM_TOL"]

#: a row of a mutation matrix may miss a sum of 1 by this much (then it is divided by its exact sum)
ROW_SUM_TOL = 1e-9


class DynamicsSpec(str):
    """The text of a spec (``"mutator:matrix"``) with the options it stands for (``.pair``)."""

    pair: tuple

    def __new__(cls, text: str, name: str, options: dict):
        spec = super().__new__(cls, text)
        spec.pair = (name, tuple(sorted(options.items())))
        return spec

    def __eq__(self, other):
        if not isinstance(other, DynamicsSpec):   # a plain string: the text ("mutator:matrix")
            return str.__eq__(self, other)
        return str.__eq__(self, other) and self.pair == other.pair

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = str.__hash__

    def __reduce__(self):
        return DynamicsSpec, (str(self), self.pair[0], dict(self.pair[1]))


def mutation_spec(mu: float, matrix: tuple, every_population: bool) -> DynamicsSpec:
    """The spec of the replicator-mutator with explicit matrices: ``"mutator:matrix"``.

    ``matrix``: ``((population, rows), ...)``; ``mu`` is the uniform rate of
    the populations not listed, shown when there are some
    (``"mutator:mu=0.01,matrix"``).
    """
    text = "mutator:matrix" if every_population else f"mutator:mu={float(mu):g},matrix"
    return DynamicsSpec(text, "mutator", {"mu": float(mu), "matrix": matrix})
