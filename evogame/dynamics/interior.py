"""Rest points that lie in the interior of the state space, found numerically (logit, mutation).

The field's components, written on the interior face, are solved by Newton's
method from a scrambled Sobol' sample of starts (:func:`~evogame.solvers.restpoints.multistart_roots`);
a root is kept when its residual is at most 1e-10 and its shares are not
negative.  Completeness is not proved: a rest point that no start reaches
would be missed, and the note says how many starts were used.
:func:`roots_on_face` does the same on any face whose equations are given
(mutation that does not re-create every strategy).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..game.faces import interior_face
from ..game.state_space import onto_simplices
from ..solvers.restpoints import accept_roots, multistart_roots

__all__ = ["interior_rest_points", "roots_on_face"]


def roots_on_face(game, face, min_share: float) -> tuple[list, int]:
    """``(candidates, number of starts)``: the roots of ``face.equations`` in the face's relative interior."""
    with np.errstate(over="ignore", invalid="ignore"):   # exp of far starts: inf, then a 0 probability
        points = multistart_roots(face, face.equations)
        # interior in theory: a share can still round to zero next to a vertex (then it is put on it)
        found = [replace(c, state=onto_simplices(game, c.state))
                 for c in accept_roots(face, face.equations, points, min_share=min_share)]
    return found, len(points)


def interior_rest_points(dyn, fitness, what: str):
    """``(candidates, [], [note])``: the interior rest points of ``dyn`` with payoffs ``fitness``.

    ``dyn.components_of(fitness, shares)`` gives its field for any payoffs and shares.
    """
    face = interior_face(dyn.game)
    payoffs = [[f.xreplace(face.substitution) for f in fp] for fp in fitness]
    face = replace(face, equations=dyn.components_of(payoffs, face.shares))
    found, starts = roots_on_face(dyn.game, face, -1e-12)
    note = (f"{dyn.name}: rest points ({what}) by Newton's method from {starts} quasi-random starts, each "
            "kept with residual <= 1e-10; one that no start reaches would be missed")
    return found, [], [note]
