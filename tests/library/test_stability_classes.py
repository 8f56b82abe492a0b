"""The classes of a rest point from its eigenvalues: an eigenvalue with positive real part makes the point
unstable (Lyapunov's instability theorem for the linearisation), whatever the others are; only a point with
no eigenvalue of positive real part and some on the imaginary axis is left undecided (non-hyperbolic)."""
from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from hypothesis import given, strategies as hst

from evogame import analyze
from evogame.game import Game, Population
from evogame.solvers import stability as st
from helpers import invoke


@pytest.mark.parametrize("eigenvalues, expected", [
    ([0.551j, -0.551j, 0.412], st.UNSTABLE_NON_HYPERBOLIC),       # the point: a centre plane and growth
    ([0.0, 1.0], st.UNSTABLE_NON_HYPERBOLIC),
    ([0.0, -1.0], st.NON_HYPERBOLIC),
    ([1j, -1j], st.NON_HYPERBOLIC),
    ([1j, -1j, -0.3], st.NON_HYPERBOLIC),
    ([-1.0, 2.0], st.SADDLE),
    ([1.0, 2.0], st.UNSTABLE_SOURCE),
    ([-1.0, -2.0], st.ASYMPTOTICALLY_STABLE),
])
def test_an_eigenvalue_with_positive_real_part_means_unstable(eigenvalues, expected):
    assert st.classify(eigenvalues, 1e-9) == expected
    assert st.CLASSES[st.classify_many(np.array([eigenvalues], dtype=complex), 1e-9)[0]] == expected


@given(hst.lists(hst.sampled_from([-2.0, -0.5, 0.0, 0.5, 2.0]), min_size=1, max_size=5),
       hst.lists(hst.sampled_from([0.0, 0.7]), min_size=5, max_size=5))
def test_classes_follow_the_signs_of_the_real_parts(re, im):
    ev = np.array(re, dtype=complex) + 1j * np.array(im[:len(re)])
    cls = st.classify(ev, 1e-9)
    positive, zero = any(r > 0 for r in re), any(r == 0 for r in re)
    assert (cls in st.UNSTABLE_CLASSES) == positive
    assert (cls in (st.NON_HYPERBOLIC, st.UNSTABLE_NON_HYPERBOLIC)) == zero
    assert (cls == st.ASYMPTOTICALLY_STABLE) == all(r < 0 for r in re)
    assert st.CLASSES[st.classify_many(ev[None, :], 1e-9)[0]] == cls


def _pennies_with_a_third_population():
    """Matching pennies between A and B (a centre at (1/2, 1/2)); C's first strategy earns 1, its second 0,
    whatever A and B do.  At (1/2, 1/2, C plays its second strategy) the eigenvalues are +-i/... in the A-B
    plane and +1 along C: unstable, though two eigenvalues lie on the imaginary axis."""
    pops = [Population(n, ("h", "t")) for n in ("A", "B", "C")]
    table = {}
    for a, b, c in itertools.product(range(2), repeat=3):
        match = 1 if a == b else -1
        table[(a, b, c)] = (match, -match, 1 if c == 0 else 0)
    return Game.from_payoff_table(pops, table)


def test_a_centre_plane_beside_an_unstable_direction_is_unstable():
    a = analyze(_pennies_with_a_third_population())
    point = next(p for p in a.rest_points if np.allclose(np.asarray(p.state, float), [0.5, 0.5, 0.0]))
    re = sorted(point.eigenvalues.real)
    assert re == pytest.approx([0.0, 0.0, 1.0], abs=1e-12)
    assert point.classification == st.UNSTABLE_NON_HYPERBOLIC
    other = next(p for p in a.rest_points if np.allclose(np.asarray(p.state, float), [0.5, 0.5, 1.0]))
    assert other.classification == st.NON_HYPERBOLIC          # the centre with C's stable direction


def test_the_class_reaches_the_json_and_the_text(tmp_path):
    game = _pennies_with_a_third_population()
    rows = ["[game]", 'title = "pennies and a bystander"',
            '[[populations]]\nname = "A"\nstrategies = ["h", "t"]',
            '[[populations]]\nname = "B"\nstrategies = ["h", "t"]',
            '[[populations]]\nname = "C"\nstrategies = ["h", "t"]', "[payoffs]"]
    for idx in itertools.product(range(2), repeat=3):
        key = ".".join("ht"[i] for i in idx)
        rows.append(f'"{key}" = [' + ", ".join(f'"{v}"' for v in game_payoff(idx)) + "]")
    path = tmp_path / "pennies.toml"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = invoke(["analyze", path, "--json"])
    assert result.exit_code == 0, result.output
    classes = [p["classification"] for p in json.loads(result.stdout)["rest_points"]]
    assert classes.count(st.UNSTABLE_NON_HYPERBOLIC) == 1 and classes.count(st.NON_HYPERBOLIC) == 1
    text = invoke(["analyze", path]).stdout
    assert "unstable (non-hyperbolic)" in text and "positive real part means unstable" in text


def game_payoff(idx):
    a, b, c = idx
    match = 1 if a == b else -1
    return (match, -match, 1 if c == 0 else 0)
