"""The uncertainty study's compiled stability (issue 20, point 18) is the engine's classification.

:class:`~evogame.studies.uncertainty_model.LeanPoints` reads "asymptotically stable" from each rest point's
expressions (the largest real part from the structure of its Jacobian, the one tolerance rule) instead of the
engine's full classification with batched ``eigvals``; at every draw both must say the same, and the target's
margin must be the engine's largest real part.  Games: two populations (diagonal corners, a zero-trace
interior), RPS with wins above losses (a stable interior focus: a 2 x 2 core with nonzero trace), three
populations (decoupled rows around 2 x 2 cores on faces), and a mechanism at a fixed strength folded in.
"""
import numpy as np
import pytest

from evogame.engine.parametric import parametric_rest_points
from evogame.studies import uncertainty_model
from evogame.studies.sweeps import _work_game

from conftest import load

CASES = [
    ("vertical", {"c_D": (0, 5), "L": (0, 10)}, ["platform"], 0.7),
    ("vertical", {"c_D": (0, 5), "beta": (0, 1), "d": (0, 1)}, [], None),
    ("rps", {"w": (0, 3), "l": (0, 3)}, [], None),
    ("dual_leadership", {"c_F": (0, 4), "r": (0, 4), "G_T": (0, 5)}, [], None),
    ("hidden_collusion", {"c": (0, 6), "L": (0, 20)}, [], None),
]


@pytest.mark.parametrize("name, box, mechanisms, strength", CASES)
def test_compiled_stability_is_the_engines_at_every_draw(name, box, mechanisms, strength, monkeypatch):
    scenario = load(name)
    names = list(box)
    fixed = ["strength"] if mechanisms else []
    work = _work_game(scenario, None, names + fixed, mechanisms, strength if mechanisms else 1)
    engine = parametric_rest_points(work, names + fixed, 10.0, 1e-9, "auto", [], "replicator")
    assert engine is not None
    rng = np.random.default_rng(7)
    draws = np.column_stack([rng.uniform(lo, hi, 3000) for lo, hi in box.values()])
    values = [strength] if mechanisms else []
    for target in range(len(engine.keys)):
        assert uncertainty_model._lean(engine, target, tuple(values)) is not None
        lean = uncertainty_model._evaluate(engine, target, values, draws, None)
        with monkeypatch.context() as m:
            m.setattr(uncertainty_model, "_lean", lambda *a: None)
            full = uncertainty_model._evaluate(engine, target, values, draws, None)
        assert np.array_equal(lean[0], full[0]) and np.array_equal(lean[1], full[1])
        assert np.allclose(lean[2], full[2], rtol=1e-10, atol=1e-12, equal_nan=True)
    ev = engine.evaluate([draws[:, j] for j in range(draws.shape[1])] + [np.full(len(draws), v) for v in values])
    assert lean[0].any(), "some rest point is stable somewhere in the box"
    if name == "rps":
        (interior,) = [k for k, key in enumerate(engine.keys) if len(key[0][0]) == 3]
        w, l = draws.T
        # Zeeman: the interior focus of RPS is asymptotically stable iff wins exceed losses
        assert np.array_equal(lean[0][interior], w > l)
        assert np.array_equal(ev["codes"][interior] == 0, w > l)
