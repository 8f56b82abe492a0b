"""Numeric faces (evogame.solvers.face_solver, evogame.solvers.krawczyk): the same rest points as sympy's face by face solve,
every box-search root proved, and the Bauer-Fike sign proof agreeing with the exact classification."""
from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hst

from evogame import analyze
from evogame.solvers import stability as st
from evogame.engine.analysis import _exact_jacobian
from evogame.dynamics import derive
from evogame.solvers.face_solver import FaceSolver
from evogame.game import Game, Population
from evogame.solvers.krawczyk import box_roots
from evogame.solvers.restpoints import find_rest_points

from helpers import games


# -- the box search -------------------------------------------------------------------

def test_box_search_finds_exactly_the_roots_of_a_product_system():
    # g1 = (x - 0.2)(y - 0.7), g2 = (x - 0.6)(y - 0.3): x = 0.2 forces y = 0.3, y = 0.7 forces x = 0.6
    def G(U):
        x, y = U.T
        return np.stack([(x - 0.2) * (y - 0.7), (x - 0.6) * (y - 0.3)], axis=1)

    found = box_roots(G, [-0.1, -0.1], [1.1, 1.1])
    assert found.complete
    roots = sorted(tuple(np.round(r, 12)) for r in found.roots)
    assert roots == [(0.2, 0.3), (0.6, 0.7)]
    for r, (lo, hi) in zip(found.roots, found.enclosures):   # each root inside its proved enclosure
        assert np.all(lo <= r) and np.all(r <= hi) and np.all(hi - lo < 1e-8)


def test_roots_on_the_lines_where_boxes_are_cut_are_proved_too():
    # 0.5 is where the first box is cut, 0 is the edge of the face: the widened test proves both
    def G(U):
        x, y, z = U.T
        return np.stack([(x - 0.5) * (y - 0.75), x * (y - 0.5), z - 0.5], axis=1)

    found = box_roots(G, [-1 / 32] * 3, [1 + 1 / 32] * 3)
    assert found.complete
    assert sorted(tuple(np.round(r, 12)) for r in found.roots) == [(0.0, 0.75, 0.5), (0.5, 0.5, 0.5)]


def test_a_system_without_roots_is_excluded_by_its_vertex_values():
    found = box_roots(lambda U: np.stack([U[:, 0] * U[:, 1] + 1.0, U[:, 0] - U[:, 1]], axis=1), [0, 0], [1, 1])
    assert found.complete and found.roots == [] and found.boxes == 1


def test_a_continuum_of_roots_makes_the_search_incomplete_instead_of_guessing():
    found = box_roots(lambda U: np.stack([U[:, 0] - U[:, 1], U[:, 1] - U[:, 0]], axis=1), [0, 0], [1, 1],
                      max_boxes=2000)
    assert not found.complete


def test_three_population_roots_agree_with_sympy():
    rng = random.Random(7)
    x, y, z = sympy.symbols("x y z")
    for _ in range(10):
        c = [rng.randint(-9, 9) for _ in range(12)]
        eqs = [c[0] + c[1] * y + c[2] * z + c[3] * y * z, c[4] + c[5] * x + c[6] * z + c[7] * x * z,
               c[8] + c[9] * x + c[10] * y + c[11] * x * y]
        f = sympy.lambdify([x, y, z], eqs)
        found = box_roots(lambda U: np.array(f(*U.T), dtype=float).T.reshape(len(U), 3), [-0.5] * 3, [1.5] * 3,
                          scale=40)
        exact = [s for s in sympy.solve(eqs, [x, y, z], dict=True) if len(s) == 3]
        inside = sorted(tuple(round(float(sympy.re(s[v].evalf(30))), 9) for v in (x, y, z)) for s in exact
                        if all(abs(sympy.im(s[v].evalf(30))) < 1e-20 and -0.5 < sympy.re(s[v].evalf(30)) < 1.5
                               for v in (x, y, z)))
        if found.complete:
            assert sorted(tuple(np.round(r, 9)) for r in found.roots) == inside


# -- faces: the numeric solver against sympy's ---------------------------------------

def _sympy_only(monkeypatch):
    monkeypatch.setattr(FaceSolver, "of", classmethod(lambda cls, game, fitness: None))


def _points(game):
    fitness = [[f for f in fp] for fp in game.fitness]
    cands, continua, _ = find_rest_points(game, fitness)
    return (sorted((c.face.support, tuple(np.round(c.state, 9)), c.exact_state) for c in cands),
            sorted(k.support for k in continua))


def _assert_same_as_sympy(game, monkeypatch):
    numeric = _points(game)
    with monkeypatch.context() as m:
        _sympy_only(m)
        exact = _points(game)
    assert numeric == exact


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(game=games(entries=hst.integers(-3, 3)))
def test_numeric_faces_find_what_sympy_finds_on_degenerate_games(game, monkeypatch):
    _assert_same_as_sympy(game, monkeypatch)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(game=games(entries=hst.fractions(-50, 50, max_denominator=7)))
def test_numeric_faces_find_what_sympy_finds_on_generic_games(game, monkeypatch):
    # nonlinear faces of 3-population games are refined by sympy (small games): exact states agree too
    _assert_same_as_sympy(game, monkeypatch)


def _multi(k: int, seed: int, entries: int = 9) -> Game:
    rng = random.Random(seed)
    pops = [Population(f"p{j}", ("a", "b")) for j in range(k)]
    table = {idx: tuple(rng.randint(-entries, entries) for _ in range(k))
             for idx in itertools.product(range(2), repeat=k)}
    return Game.from_payoff_table(pops, table)


@pytest.mark.parametrize("seed", [6, 7])
def test_four_populations_same_rest_points_and_classes_as_sympy(seed, monkeypatch):
    game = _multi(4, seed)
    numeric = analyze(game)
    assert any(p.method == "numeric" for p in numeric.rest_points)     # the nonlinear faces, by boxes
    with monkeypatch.context() as m:
        _sympy_only(m)
        exact = analyze(game, budget=None)
    assert len(numeric.rest_points) == len(exact.rest_points)
    for p, q in zip(numeric.rest_points, exact.rest_points):
        assert p.support == q.support and np.allclose(p.state, q.state, atol=1e-9)
        assert p.classification == q.classification


@pytest.mark.parametrize("seed", [0, 1])
def test_populations_of_three_strategies_same_as_sympy(seed, monkeypatch):
    # nonlinear faces whose unknowns come in blocks (a simplex of 3 strategies): boxes beyond the simplex
    # are dropped, shares 1 - u1 - u2 bounded over each enclosure; 147 faces, so no exact refinement
    rng = random.Random(seed)
    sizes = (3, 3, 2)
    pops = [Population(f"p{j}", tuple("abc"[:n])) for j, n in enumerate(sizes)]
    table = {idx: tuple(rng.randint(-9, 9) for _ in sizes) for idx in itertools.product(*[range(n) for n in sizes])}
    game = Game.from_payoff_table(pops, table)
    numeric = analyze(game)
    assert any(p.method == "numeric" for p in numeric.rest_points)
    with monkeypatch.context() as m:
        _sympy_only(m)
        exact = analyze(game)
    assert [(p.support, p.classification) for p in numeric.rest_points] == \
        [(p.support, p.classification) for p in exact.rest_points]
    for p, q in zip(numeric.rest_points, exact.rest_points):
        assert np.allclose(p.state, q.state, atol=1e-9)


def test_five_populations_every_point_is_a_rest_point_of_the_field():
    game = _multi(5, 3, entries=100)
    a = analyze(game)
    dyn = derive(game)
    pvec = dyn.parameter_vector(a.values)
    assert len(a.rest_points) >= 32       # every corner is one
    for p in a.rest_points:
        assert np.max(np.abs(dyn.field(p.state[None], pvec))) <= 1e-10


def test_a_continuum_on_a_face_is_left_to_sympy_and_reported():
    # every payoff of the row player equal: the whole edge where the column player plays a is rest
    pops = [Population("r", ("a", "b")), Population("c", ("a", "b"))]
    table = {(0, 0): (1, 2), (0, 1): (1, 0), (1, 0): (1, 0), (1, 1): (1, 3)}
    a = analyze(Game.from_payoff_table(pops, table))
    assert a.continua and any("sympy" in n for n in a.notes)


# -- exact Jacobians and proved signs --------------------------------------------------------

def test_fraction_jacobian_equals_sympy_substitution():
    from evogame.scenario import load_scenario
    game = load_scenario("scenarios/dual_leadership.toml").game
    dyn = derive(game)
    values = game.values()
    subs = {game.parameters[n].symbol: v for n, v in values.items()}
    state = (sympy.Rational(1, 3), sympy.Rational(2, 7), sympy.Rational(5, 9))
    fast = _exact_jacobian(dyn, subs, state)
    slow = dyn.jacobian.subs(subs).subs(dict(zip(dyn.variables, state))).applyfunc(sympy.expand)
    assert fast == slow


def test_proved_signs_on_textbook_matrices():
    stable_focus = np.array([[-1.0, 5.0], [-5.0, -1.0]])
    ev, cls = st.proved_signs(stable_focus)
    assert cls == st.ASYMPTOTICALLY_STABLE and np.allclose(sorted(ev.imag), [-5, 5])
    assert st.proved_signs(np.array([[0.0, 1.0], [-1.0, 0.0]])) is None        # a centre: never decided by floats
    assert st.proved_signs(np.array([[-1.0, 1.0], [0.0, -1.0]])) is None       # defective: no bound
    assert st.proved_signs(np.diag([2.0, -3.0, 1e-20])) is None                  # a real part within the bound
    assert st.proved_signs(np.diag([2.0, -3.0, 4.0]))[1] == st.SADDLE


@settings(max_examples=60, deadline=None)
@given(entries=hst.lists(hst.integers(-6, 6), min_size=16, max_size=16))
def test_proved_signs_agree_with_the_exact_classification(entries):
    J = sympy.Matrix(4, 4, entries)
    proved = st.proved_signs(np.array(entries, dtype=float).reshape(4, 4))
    if proved is not None:
        assert proved[1] == st.classify_exact(J)[1]


def test_large_symmetric_game_uses_the_proof_and_agrees_with_sympy(monkeypatch):
    rng = np.random.default_rng(5)
    A = rng.integers(-20, 21, size=(6, 6)).tolist()
    game = Game.symmetric(Population("p", tuple("abcdef")), A)
    numeric = analyze(game)
    assert any(p.classified_by == st.BAUER_FIKE for p in numeric.rest_points)
    assert all(p.method == "exact" for p in numeric.rest_points)       # linear faces: exact Fractions
    with monkeypatch.context() as m:
        _sympy_only(m)
        exact = analyze(game, budget=None)
    assert [(p.support, p.exact_state, p.classification) for p in numeric.rest_points] == \
        [(p.support, p.exact_state, p.classification) for p in exact.rest_points]


def test_irrational_payoffs_decide_singular_faces_by_their_range_and_agree_with_sympy(monkeypatch):
    # sqrt payoffs: no Fractions; a face whose population's payoff difference does not depend on the face
    # (a constant) is empty when the constant is not 0, decided from the affine range without sympy
    rng = np.random.default_rng(3)
    pops = [Population(p, ("a", "b")) for p in "rcd"]
    table = {idx: tuple(sympy.sqrt(int(rng.integers(1, 30))) - int(rng.integers(0, 6)) for _ in range(3))
             for idx in itertools.product(range(2), repeat=3)}
    numeric = analyze(Game.from_payoff_table(pops, table))
    assert not any("singular" in n for n in numeric.notes)
    with monkeypatch.context() as m:
        _sympy_only(m)
        exact = analyze(Game.from_payoff_table(pops, table))
    assert [(p.support, p.classification) for p in numeric.rest_points] == \
        [(p.support, p.classification) for p in exact.rest_points]
    for p, q in zip(numeric.rest_points, exact.rest_points):
        assert np.allclose(p.state, q.state, atol=1e-12)
