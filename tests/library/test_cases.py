"""The cases table (issue 20, point 8): the declared parameter box split by the stable set.

Checked against closed forms derived by hand from the corner eigenvalues (the
vertical game, docs/models.md game 1), against strict Nash equilibria read
from the payoff table (a 2x2x2 game: under the replicator a rest point of a
multi-population matrix game is asymptotically stable iff it is a strict
equilibrium), against ``analyze`` at witnesses and at sampled points, and as a
property of random 2x2 symmetric games with ranges.
"""
from __future__ import annotations

import itertools
import json
import shutil
import subprocess

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, load
from evogame import analyze
from evogame.scenario import load_scenario, parse_scenario
from evogame.studies.cases import cases

TRIPARTITE = ROOT / "tests" / "scenarios" / "cases_tripartite.toml"


@pytest.fixture(scope="module")
def vertical():
    return load("vertical")


@pytest.fixture(scope="module")
def vertical_cases(vertical):
    return cases(vertical, check=2000, confirm=8, seed=3)


@pytest.fixture(scope="module")
def tripartite():
    return load_scenario(TRIPARTITE)


@pytest.fixture(scope="module")
def tripartite_cases(tripartite):
    return cases(tripartite, check=500, confirm=4, seed=1)


def _box_points(table, n, seed):
    rng = np.random.default_rng(seed)
    lo = np.array([lo for lo, _ in table.box.values()])
    hi = np.array([hi for _, hi in table.box.values()])
    return lo + rng.random((n, len(lo))) * (hi - lo)


def _names_by_support(game):
    """E-name of every corner in the rest-point table at the defaults (corners are numbered first)."""
    return {p.support: p.name for p in analyze(game).rest_points if p.is_pure}


def _same_sign_multiple(expr, target) -> int:
    """+1 / -1 when ``expr`` is a positive / negative constant multiple of ``target``, else 0."""
    ratio = sympy.simplify(expr / target)
    if ratio.free_symbols or not ratio.is_number:
        return 0
    return 1 if ratio > 0 else -1


# -- the vertical game: conditions against the closed forms --------------------------------------------

def _vertical_hand(values):
    """The stable set by hand: corner eigenvalues of docs/models.md (E-labels by strategies)."""
    v = values
    a = v["d"] * (v["F"] + v["R_U"]) - v["c_S"]                       # strict vs loose when passive
    b = v["beta"] * v["B"] + v["m"] * v["G"] - v["c_D"] - v["lambda"] * v["L"]   # active vs passive, loose
    c = b + v["d"] * v["F"] + v["r"]                                  # active vs passive, strict
    stable = set()
    if a > 0 and c < 0:
        stable.add(("strict", "passive"))
    if b > 0 and v["c_S"] + v["r"] > 0:
        stable.add(("loose", "active"))
    if a < 0 and b < 0:
        stable.add(("loose", "passive"))
    return stable


def test_vertical_cases_are_the_corner_closed_forms(vertical, vertical_cases):
    t = vertical_cases
    p = {n: q.symbol for n, q in vertical.game.parameters.items()}
    a = p["d"] * (p["F"] + p["R_U"]) - p["c_S"]
    b = p["beta"] * p["B"] + p["m"] * p["G"] - p["c_D"] - p["lambda"] * p["L"]
    c = b + p["d"] * p["F"] + p["r"]
    # the deciding expressions are exactly a, b, c (c_S + r keeps its sign in the box)
    signs = [[_same_sign_multiple(atom.expression, h) for h in (a, b, c)] for atom in t.atoms]
    assert sorted(tuple(abs(s) for s in row) for row in signs) == [(0, 0, 1), (0, 1, 0), (1, 0, 0)]
    names = _names_by_support(vertical.game)
    e = {lab: names[s] for lab, s in [(("strict", "passive"), ((0,), (1,))), (("loose", "active"), ((1,), (0,))),
                                         (("loose", "passive"), ((1,), (1,)))]}
    stable_sets = sorted(tuple(c.stable) for c in t.cases)
    assert stable_sets == sorted([(e[("strict", "passive")],), (e[("loose", "active")],),
                                  (e[("loose", "passive")],), ()])
    # (loose, active) is stable iff beta*B + m*G > c_D + lambda*L: one case, one inequality, b > 0
    (active,) = [case for case in t.cases if case.stable == (e[("loose", "active")],)]
    assert len(active.cubes) == 1 and len(active.cubes[0]) == 1
    j, s = active.cubes[0][0]
    assert _same_sign_multiple(t.atoms[j].expression, b) * s == 1
    # (loose, passive): a < 0 and b < 0
    (passive,) = [case for case in t.cases if case.stable == (e[("loose", "passive")],)]
    assert len(passive.cubes) == 1
    literals = {(_same_sign_multiple(t.atoms[j].expression, a) * s, _same_sign_multiple(t.atoms[j].expression, b) * s)
                for j, s in passive.cubes[0]}
    assert literals == {(-1, 0), (0, -1)}
    # every sampled point: the case holding it has the hand-derived stable set
    for x in _box_points(t, 400, seed=11):
        values = {**vertical.game.values(), **dict(zip(t.box, x))}
        values = {k: float(v) for k, v in values.items()}
        case = t.case_at(dict(zip(t.box, x)))
        assert case is not None
        assert set(case.stable) == {e[lab] for lab in _vertical_hand(values)}


def test_vertical_e_numbers_are_the_rest_point_tables(vertical, vertical_cases):
    table = {p.name: p.support for p in analyze(vertical).rest_points}
    for name, support in table.items():
        assert vertical_cases.supports[name] == support
    # E1 = (strict, active): its eigenvalue c_S + r >= 0, never stable; E5 (interior) never either
    assert set(vertical_cases.settled["never"]) >= {"E1", "E5"}


def test_vertical_witnesses_and_coverage(vertical, vertical_cases):
    t = vertical_cases
    for case in t.cases:
        assert all(t.box[n][0] <= v <= t.box[n][1] for n, v in case.witness.items())
        assert case.verified, (case.number, case.stable, case.witness_stable)
    assert t.check.points == 2000 and t.check.covered
    assert t.check.confirmed == 8
    # the defaults lie in the case of (loose, passive) and are its witness
    defaults = {n: float(v) for n, v in vertical.game.values().items() if n in t.box}
    assert t.case_at(defaults).witness == defaults


# -- a 2x2x2 game: witnesses, coverage, strict equilibria ------------------------------------------------

def _strict_equilibria(game, values):
    """The corners that are strict Nash equilibria, from the payoff table (exact numbers)."""
    subs = {game.parameters[n].symbol: sympy.Rational(float(v)) for n, v in values.items()}
    table = {k: [sympy.sympify(u).xreplace(subs) for u in payoff] for k, payoff in game.payoff_table.items()}
    out = set()
    for profile in itertools.product(*[range(p.n) for p in game.populations]):
        strict = True
        for j, pop in enumerate(game.populations):
            for other in range(pop.n):
                if other != profile[j]:
                    deviation = profile[:j] + (other,) + profile[j + 1:]
                    strict &= bool(table[profile][j] > table[deviation][j])
        if strict:
            out.add(tuple((i,) for i in profile))
    return out


def _signs(table, x):
    subs = {table.game.parameters[n].symbol: sympy.Rational(float(v)) for n, v in zip(table.box, x)}
    values = [atom.expression.xreplace(subs) for atom in table.atoms]
    return None if any(v == 0 for v in values) else [1 if v > 0 else -1 for v in values]


def test_tripartite_witnesses_are_inside_and_analyze_agrees(tripartite, tripartite_cases):
    t = tripartite_cases
    assert len(t.cases) >= 4
    for case in t.cases:
        assert all(t.box[n][0] <= v <= t.box[n][1] for n, v in case.witness.items())
        found = analyze(tripartite, case.witness).stable
        assert {p.support for p in found} == {t.supports[n] for n in case.stable}
        assert {p.support for p in found} == _strict_equilibria(tripartite.game, {**tripartite.game.values(),
                                                                                   **case.witness})


def test_tripartite_2000_points_each_in_exactly_one_case(tripartite, tripartite_cases):
    t = tripartite_cases
    X = _box_points(t, 2000, seed=2026)
    in_case = []
    for x in X:
        signs = _signs(t, x)
        if signs is None:   # on a boundary
            continue
        held = [c for c in t.cases if c.holds(signs)]
        assert len(held) == 1, (x, [c.number for c in held])
        in_case.append((x, held[0]))
    assert len(in_case) > 1990
    values = tripartite.game.values()
    for x, case in in_case[::5]:     # the case's stable set is the set of strict equilibria there
        point = {**values, **dict(zip(t.box, map(float, x)))}
        assert {t.supports[n] for n in case.stable} == _strict_equilibria(tripartite.game, point)
    for x, case in in_case[:12]:     # and what analyze finds there
        found = analyze(tripartite, dict(zip(t.box, map(float, x)))).stable
        assert {p.support for p in found} == {t.supports[n] for n in case.stable}


def test_tripartite_json_round_trip_and_dataframe(tripartite_cases):
    t = tripartite_cases
    d = t.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert [c["case"] for c in d["cases"]] == list(range(1, len(t.cases) + 1))
    assert d["check"]["covered"] and all(c["verified"] for c in d["cases"])
    # every cube names atoms of the table, and the atoms read back as the table's expressions
    names = {a["name"]: sympy.sympify(a["expression"], locals={s.name: s for a_ in t.atoms
                                                                for s in a_.expression.free_symbols})
             for a in d["atoms"]}
    assert all(sympy.simplify(names[a.name] - a.expression) == 0 for a in t.atoms)
    # the JSON alone places points in the same cases as the table does
    symbols = {s.name: s for a in t.atoms for s in a.expression.free_symbols}
    parsed = {a["name"]: sympy.lambdify(list(symbols.values()), sympy.sympify(a["expression"], locals=symbols))
              for a in d["atoms"]}
    for x in _box_points(t, 100, seed=5):
        values = dict(zip(t.box, x))
        args = [values[name] for name in symbols]
        sign = {name: ">" if f(*args) > 0 else "<" for name, f in parsed.items()}
        held = [c["case"] for c in d["cases"]
                if any(all(sign[lit["atom"]] == lit["sign"] for lit in cube) for cube in c["cubes"])]
        assert held == [t.case_at(values).number]
    frame = t.to_dataframe()
    assert list(frame["case"]) == [c.number for c in t.cases]
    assert list(frame.columns[5:]) == list(t.box)
    assert frame.loc[0, list(t.box)].to_dict() == t.cases[0].witness


def test_dataframe_without_pandas_names_the_extra(tripartite_cases, monkeypatch):
    import builtins

    from evogame.render.notebook import MissingDependency
    real = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("no pandas")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(MissingDependency, match=r"evogame\[dataframes\]"):
        tripartite_cases.to_dataframe()


def test_tripartite_chinese_table_uses_the_scenarios_labels(tripartite_cases):
    md = tripartite_cases.to_markdown("zh")
    assert "参数区间内的情形划分" in md and "严格监管" in md and "不共享" in md
    assert "strict" not in md.split("情形划分", 2)[2]


@pytest.mark.parametrize("lang, engine", [("en", "pdflatex"), ("zh", "xelatex")])
def test_cases_latex_compiles(tripartite_cases, tmp_path, lang, engine):
    if shutil.which(engine) is None:
        pytest.skip(f"{engine} is not installed")
    if lang == "zh" and subprocess.run(["kpsewhich", "ctex.sty"], capture_output=True, text=True).stdout == "":
        pytest.skip("ctex is not installed")
    (tmp_path / "cases.tex").write_text(tripartite_cases.to_latex(lang), encoding="utf-8")
    run = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "cases.tex"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:]
    assert (tmp_path / "cases.pdf").exists()


# -- property: random 2x2 symmetric games with ranges --------------------------------------------------

def _symmetric_game(a_range, b_range, c):
    """A 2x2 symmetric game A = [[a, b], [c, 0]] with a, b ranged, c fixed."""
    (a0, a1), (b0, b1) = a_range, b_range
    return parse_scenario(f"""
[game]
name = "sym"
matching = "symmetric"
[[populations]]
name = "p"
strategies = ["A", "B"]
[parameters]
a = {{ value = {(a0 + a1) / 2}, range = [{a0}, {a1}] }}
b = {{ value = {(b0 + b1) / 2}, range = [{b0}, {b1}] }}
c = {c}
[payoffs]
"A.A" = "a"
"A.B" = "b"
"B.A" = "c"
"B.B" = "0"
""")


def _symmetric_oracle(a, b, c):
    """Stable set of x' = x(1-x)((a-c)x + b(1-x)): A iff a > c, B iff b < 0, the mixed point iff a < c, b > 0."""
    return {name for name, holds in (("A", a > c), ("B", b < 0), ("mixed", a < c and b > 0)) if holds}


_ends = st.integers(-4, 4)


@settings(max_examples=15, deadline=None)
@given(a=st.tuples(_ends, _ends).filter(lambda t: t[0] < t[1]),
       b=st.tuples(_ends, _ends).filter(lambda t: t[0] < t[1]), c=st.integers(-3, 3), seed=st.integers(0, 99))
def test_random_symmetric_games_cases_are_exact(a, b, c, seed):
    scenario = _symmetric_game(a, b, c)
    t = cases(scenario, samples=512, check=300, confirm=2, seed=seed, budget=5)
    assert all(case.verified for case in t.cases)
    assert t.check.covered
    kind = {((0,),): "A", ((1,),): "B", ((0, 1),): "mixed"}
    for x in _box_points(t, 60, seed):
        case = t.case_at(dict(zip(t.box, x)))
        assert case is not None
        assert {kind[t.supports[n]] for n in case.stable} == _symmetric_oracle(x[0], x[1], c)


def test_report_prints_the_cases_table_after_the_rest_points(vertical, tmp_path):
    from evogame.render.report import report

    r = report(vertical, tmp_path, kinds=())
    md, tex = r.markdown.read_text(encoding="utf-8"), r.latex.read_text(encoding="utf-8")
    assert md.index("## Rest points") < md.index("## Cases in the declared parameter box")
    section = md.split("## Cases in the declared parameter box")[1].split("\n## ")[0]
    assert section.count("is the only ESS") == 3 and "no rest point is asymptotically stable" in section
    assert r"\section*{Cases in the declared parameter box}" in tex


@st.composite
def _bimatrix_with_ranges(draw):
    """A 2x2 bimatrix game: integer payoffs, two of them replaced by parameters p, q with integer ranges."""
    entries = [draw(st.integers(-3, 3)) for _ in range(8)]
    slots = draw(st.lists(st.integers(0, 7), min_size=2, max_size=2, unique=True))
    ranges = [tuple(sorted(draw(st.lists(st.integers(-4, 4), min_size=2, max_size=2, unique=True))))
              for _ in slots]
    return entries, slots, ranges


def _bimatrix(entries, slots, ranges):
    cells = [str(v) for v in entries]
    for name, k in zip(("p", "q"), slots):
        cells[k] = name
    keys = ["s.s", "s.t", "t.s", "t.t"]
    payoffs = "\n".join(f'"{key}" = ["{cells[2 * i]}", "{cells[2 * i + 1]}"]' for i, key in enumerate(keys))
    params = "\n".join(f"{n} = {{ value = {(lo + hi) / 2}, range = [{lo}, {hi}] }}"
                       for n, (lo, hi) in zip(("p", "q"), ranges))
    return parse_scenario(f"""
[game]
name = "bimatrix"
[[populations]]
name = "row"
strategies = ["s", "t"]
[[populations]]
name = "column"
strategies = ["s", "t"]
[parameters]
{params}
[payoffs]
{payoffs}
""")


@settings(max_examples=10, deadline=None)
@given(game=_bimatrix_with_ranges(), seed=st.integers(0, 99))
def test_random_bimatrix_games_cases_are_the_strict_equilibria(game, seed):
    scenario = _bimatrix(*game)
    t = cases(scenario, samples=512, check=300, confirm=2, seed=seed, budget=5)
    assert all(case.verified for case in t.cases)
    assert t.check.covered
    for x in _box_points(t, 40, seed):
        case = t.case_at(dict(zip(t.box, x)))
        if case is None:   # on a boundary: a parameter's value makes some payoff difference zero
            assert _signs(t, x) is None
            continue
        point = {**scenario.game.values(), **dict(zip(t.box, map(float, x)))}
        assert {t.supports[n] for n in case.stable} == _strict_equilibria(scenario.game, point)


def test_a_rest_point_without_symbolic_solution_is_reported_not_hidden():
    """The N-department public good: a face solved numerically has a stable mixed point the symbolic
    conditions cannot see; the witness where analyze finds it says so instead of claiming the case."""
    t = cases(load("platform_public_good"), check=200, confirm=0)
    assert any("no symbolic solution" in n for n in t.notes)
    unverified = [c for c in t.cases if not c.verified]
    assert unverified
    for case in unverified:
        found = analyze(load("platform_public_good"), case.witness).stable
        assert len(found) == len(case.witness_stable) > len(case.stable)
        assert "analyze there" in t.to_markdown()
