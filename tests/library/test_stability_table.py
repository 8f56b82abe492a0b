"""The stability table of the papers (one row per equilibrium, symbolic eigenvalues, signs, conclusion)
and the symbolic section in E order, against closed forms derived by hand and the numeric engine."""
import re

import numpy as np
import pytest
import sympy

from conftest import load

from evogame.solvers import stability as st
from evogame.engine.analysis import analyze
from evogame.render.document import PLAIN
from evogame.render.latex import latex
from evogame.render.markdown import markdown
from evogame.render.plain import plain_text
from evogame.render.report_document import report_document
from evogame.engine.stability_table import ESS, conclusion_class, stability_table
from evogame.studies.mechanisms import apply
from evogame.render.analysis_text import analysis_document, analysis_text


@pytest.fixture(scope="module")
def vertical():
    return analyze(load("vertical"), symbolic=True)


@pytest.fixture(scope="module")
def tripartite():
    return analyze(load("tripartite_sharing"), symbolic=True)


def _symbols(game):
    return {n: p.symbol for n, p in game.parameters.items()}


def _vertical_corner_eigenvalues(game):
    """docs/models.md game 1 by hand: at a corner (x, y) the eigenvalues are (1 - 2x) D_sup(y) and
    (1 - 2y) D_sub(x), with the payoff advantages of strict over loose and of active over passive
        D_sup(y) = -y (c_S + r) + (1 - y) (d F + d R_U - c_S)
        D_sub(x) = beta B + m G - c_D - lambda L + x (r + d F)."""
    s = _symbols(game)
    D_sup = lambda y: -y * (s["c_S"] + s["r"]) + (1 - y) * (s["d"] * s["F"] + s["d"] * s["R_U"] - s["c_S"])  # noqa: E731
    D_sub = lambda x: (s["beta"] * s["B"] + s["m"] * s["G"] - s["c_D"] - s["lambda"] * s["L"]  # noqa: E731
                       + x * (s["r"] + s["d"] * s["F"]))
    corners = {("strict", "active"): (1, 1), ("strict", "passive"): (1, 0), ("loose", "active"): (0, 1),
               ("loose", "passive"): (0, 0)}
    return {f"({a}, {b})": [(1 - 2 * x) * D_sup(y), (1 - 2 * y) * D_sub(x)] for (a, b), (x, y) in corners.items()}


def _same_multiset(got, expected):
    remaining = list(expected)
    for g in got:
        match = next((e for e in remaining if sympy.expand(g - e) == 0), None)
        assert match is not None, (got, expected)
        remaining.remove(match)
    assert not remaining


def test_vertical_corner_eigenvalues_are_the_closed_forms_by_hand(vertical):
    table = stability_table(vertical)
    hand = _vertical_corner_eigenvalues(vertical.game)
    rows = {r.label: r for r in table.rows}
    assert set(hand) <= set(rows)
    for label, expected in hand.items():
        _same_multiset(rows[label].eigenvalues, expected)
    s = _symbols(vertical.game)
    # (strict, active) has the eigenvalue c_S + r > 0: never an ESS while costs and rewards are not negative
    assert any(sympy.expand(e - (s["c_S"] + s["r"])) == 0 for e in rows["(strict, active)"].eigenvalues)
    assert rows["(strict, active)"].signs_in_ranges[0] == ">= 0"
    assert "never ESS" in rows["(strict, active)"].conclusion


def test_tripartite_corner_eigenvalues_are_the_payoff_advantages(tripartite):
    """scenarios/tripartite_sharing.toml's header: at a corner the eigenvalues are +-D_C, +-D_A, +-D_B."""
    s = _symbols(tripartite.game)
    D_C = lambda y, z: s["R"] * (2 - y - z) - s["c_C"] - s["r"] * (y + z)  # noqa: E731
    D_A = lambda x, z: s["b"] - s["c_A"] - s["lambda"] * s["L"] + x * (s["r"] + s["F"]) + z * s["alpha"] * s["S"]  # noqa: E731
    D_B = lambda x, y: (s["b"] - s["c_B"] - s["lambda"] * s["L"] + x * (s["r"] + s["F"])  # noqa: E731
                        + y * (1 - s["alpha"]) * s["S"])
    rows = {r.label: r for r in stability_table(tripartite).rows}
    for xs, x in (("strict", 1), ("loose", 0)):
        for ys, y in (("share", 1), ("not", 0)):
            for zs, z in (("share", 1), ("not", 0)):
                expected = [(1 - 2 * x) * D_C(y, z), (1 - 2 * y) * D_A(x, z), (1 - 2 * z) * D_B(x, y)]
                _same_multiset(rows[f"({xs}, {ys}, {zs})"].eigenvalues, expected)


def _numeric_signs(point):
    return sorted("0" if abs(e.real) <= point.tolerance else ("+" if e.real > 0 else "-") for e in point.eigenvalues)


@pytest.mark.parametrize("name, mechanisms, params", [
    ("vertical", (), {}), ("vertical", ("platform",), {}), ("vertical", (), {"c_D": 0.5}),
    ("tripartite_sharing", (), {}),
])
def test_signs_and_conclusions_agree_with_the_numeric_engine(name, mechanisms, params):
    scenario = load(name)
    if mechanisms:
        scenario = apply(scenario, list(mechanisms))
    analysis = analyze(scenario, params, symbolic=True)
    table = stability_table(analysis)
    points = {p.name: p for p in analysis.rest_points}
    assert [r.name for r in table.rows[:len(points)]] == [p.name for p in analysis.rest_points]   # E order
    values = {analysis.game.parameters[n].symbol: sympy.nsimplify(v) for n, v in analysis.values.items()}
    for row in table.rows:
        point = points.get(row.name)
        if point is None:           # absent at the values: no signs, a reason
            assert row.signs is None and row.absent and row.classification is None
            continue
        assert sorted(row.signs) == _numeric_signs(point), row
        assert row.classification == point.classification
        stable = point.classification == st.ASYMPTOTICALLY_STABLE
        if row.kind == "if":        # the stated condition holds at the values exactly when the engine says stable
            assert bool(row.condition.xreplace(values)) == stable, row
        elif row.kind == "class":
            assert row.conclusion == conclusion_class(point.classification, point.is_pure)
        else:                       # never stable, or unstable in the ranges
            assert not stable, row


def test_ess_is_the_name_of_an_asymptotically_stable_pure_point_only():
    assert conclusion_class(st.ASYMPTOTICALLY_STABLE, True) == ESS
    for cls in st.CLASSES:   # every other class, and any mixed point, keeps the engine's words
        assert conclusion_class(cls, False) == cls
        if cls != st.ASYMPTOTICALLY_STABLE:
            assert conclusion_class(cls, True) == cls


def test_absent_points_come_last_with_the_reason_in_words(vertical):
    table = stability_table(vertical)
    absent = [r for r in table.rows if r.classification is None]
    present = [r for r in table.rows if r.classification is not None]
    assert absent and table.rows[-len(absent):] == tuple(absent)
    assert [int(r.name[1:]) for r in table.rows] == list(range(1, len(table.rows) + 1))
    # E5 at the defaults: x = (c_D + lambda L - beta B - m G)/(d F + r) = 2.1/1.8 > 1, so 1 - x < 0
    reason = absent[0].absent
    assert "the share of superior playing loose would be -0.1667" in reason
    assert len(present) == len(vertical.rest_points)


def test_symbolic_section_in_e_order_without_jargon(vertical):
    text = analysis_text(vertical)
    section = text.split("Stability conditions (symbolic)", 1)[1]
    order = re.findall(r"^(E\d+) ", section, flags=re.M)
    assert order == sorted(order, key=lambda n: int(n[1:])) and len(order) == len(vertical.symbolic_rest_points)
    assert "(zero trace): False" not in text and "zero trace" not in section.replace("(the trace", "")
    assert "eigenvalues within its face sum to zero" in section
    assert "not a rest point in the state space: the share of superior playing loose would be" in section
    assert " & " not in section      # conjunctions in words
    assert analysis_document(vertical).headings(PLAIN)[-2:] == ["Stability of the equilibria",
                                                                "Stability conditions (symbolic)"]


def test_long_expressions_get_short_names_defined_under_the_table(tripartite):
    table = stability_table(tripartite)
    for row in table.rows:
        for e in row.eigenvalues or ():
            short = table.short(e)
            assert len(sympy.sstr(short)) <= 40, short
            if short != e:
                name = short if short.is_Symbol else -short
                assert sympy.expand(table.names[name] - (e if short.is_Symbol else -e)) == 0


def _section(tex: str, heading: str) -> str:
    return tex.split(r"\section*{" + heading + "}", 1)[1].split(r"\section*{", 1)[0]


def test_latex_table_fits_the_width_without_shrinking(tripartite):
    scenario = load("tripartite_sharing")
    doc = report_document(scenario, tripartite.game, tripartite, (), [], [], [], "en")
    tex, md = latex(doc), markdown(doc)
    table = _section(tex, "Stability of the equilibria")
    assert r"\resizebox" not in table and r"\begin{longtable}" in table and r"\toprule" in table
    spec = re.search(r"\\begin\{longtable\}\{@\{\}(.*?)@\{\}\}", table).group(1)
    widths = [float(w) for w in re.findall(r"P\{([0-9.]+)\\linewidth\}", spec)]
    columns = spec.count("P{") + spec.count("l ")
    # the paragraph columns and the gaps between columns (12 pt each, about 0.027 of a 16.6 cm line) fit
    assert sum(widths) + 0.027 * (columns - 1) <= 1.0
    rows = [ln for ln in table.splitlines() if re.match(r"E\d+ &", ln)]
    assert len(rows) == len(tripartite.symbolic_rest_points)
    for line in rows:   # every eigenvalue cell is short: long expressions appear by their names
        for cell in line.split(" & ")[1:1 + tripartite.game.dimension]:
            assert len(cell) <= 60, cell
    assert "where:" in table and r"A_{1} = " in table
    assert "| E1 |" in md and "## Stability of the equilibria" in md
    assert "(zero trace)" not in tex and "(zero trace)" not in md


def test_chinese_table_words():
    analysis = analyze(load("vertical"), symbolic=True)
    doc = report_document(load("vertical"), analysis.game, analysis, (), [], [], [], "zh")
    md = markdown(doc)
    assert "## 均衡点稳定性分析" in md and "| 均衡点 |" in md and "时为ESS" in md


def test_interior_of_a_three_population_game_is_never_stable_without_seconds_of_factoring(tripartite):
    interior = [s for s in tripartite.symbolic_rest_points if all(len(S) == 2 for S in s["support"])]
    assert len(interior) == 1 and interior[0]["condition"] is sympy.false
    row = next(r for r in stability_table(tripartite).rows if r.name == interior[0]["name"])
    assert row.kind == "zero trace" and not np.any([row.classification == st.ASYMPTOTICALLY_STABLE])


def test_analyze_json_carries_the_table(vertical):
    import json
    from helpers import invoke
    result = invoke(["analyze", "scenarios/vertical.toml", "--symbolic", "--json", "--no-cache"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["stability_table"]["rows"]
    assert [r["name"] for r in rows] == [r.name for r in stability_table(vertical).rows]
    assert rows[0]["signs_at_values"] == ["+", "+"] and rows[0]["classification_at_values"] == "unstable source"


def test_tripartite_scenario_documents_every_parameter():
    """The shipped 2x2x2 game: 12 parameters, each with a range, meaning, dilemma and both labels; the
    thresholds its header derives by hand (platform -0.9 + 2.25 s > 0, responsibility -0.9 + 1.5 s > 0)."""
    from evogame.studies.thresholds import threshold
    scenario = load("tripartite_sharing")
    game = scenario.game
    assert [len(p.strategies) for p in game.populations] == [2, 2, 2] and len(game.parameters) == 12
    import tomllib
    from conftest import SCENARIOS
    declared = tomllib.loads((SCENARIOS / "tripartite_sharing.toml").read_text(encoding="utf-8"))["parameters"]
    for name, p in declared.items():
        assert {"value", "range", "description", "stands_for", "label_en", "label_zh"} <= set(p), name
        assert game.parameters[name].range is not None
    assert len(scenario.mechanisms) == 4
    assert threshold(scenario, ["platform"]).threshold == pytest.approx(0.4)
    assert threshold(scenario, ["responsibility"]).threshold == pytest.approx(0.6)


def test_quadratic_roots_are_the_roots_and_rational_when_the_discriminant_is_a_square():
    a, b, c = sympy.symbols("a b c", real=True)
    roots = st.quadratic_roots(a + b, a * b)            # l^2 - (a + b) l + ab = (l - a)(l - b)
    _same_multiset(roots, [a, b])
    assert not any(r.has(sympy.sqrt(2).func) and not r.is_Symbol for r in roots)   # no square root left
    trace, det = a, c
    for r in st.quadratic_roots(trace, det):              # l^2 - a l + c, in general with a square root
        assert sympy.simplify(r ** 2 - trace * r + det) == 0


def test_factored_keeps_the_value_when_its_time_is_up(monkeypatch):
    from evogame.util.timelimit import Timeout
    x, y = sympy.symbols("x y")
    expr = (x ** 2 - y ** 2) / (x - y) + x / (x + 1)
    assert sympy.simplify(st.factored(expr) - expr) == 0

    def out_of_time(*args, **kwargs):
        raise Timeout()

    monkeypatch.setattr(st.sympy, "factor", out_of_time)     # a factorisation that does not end in time
    assert sympy.simplify(st.factored(expr) - expr) == 0     # the cancelled form: the same value


def test_triangular_rational_jacobian_classified_as_the_general_path_does():
    for diagonal in ([-3, sympy.Rational(1, 2), -1], [0, -1, -2], [2, 1, 5], [-1, -2, -3]):
        J = sympy.diag(*diagonal)
        J[0, 1] = 7                                        # upper triangular
        fast = st.classify_exact(J)
        assert fast[1] == st.classify([float(v) for v in diagonal], 0.0)   # signs of the diagonal, exactly
        assert sorted(fast[0].real) == sorted(float(v) for v in diagonal) and fast[2] == 0.0
        assert fast[3].startswith("exact (")
