"""What a notebook shows (``_repr_html_``) and the results as pandas data frames (``to_dataframe``).

The HTML is parsed back into tables with :mod:`html.parser`; every property
is checked against the result object's own fields (or sympy), never against
text the display code produced.
"""
import re
import sys
from html.parser import HTMLParser

import numpy as np
import pytest
import sympy

import evogame
from conftest import load


class _Tables(HTMLParser):
    """Every ``<table>`` of an HTML fragment as a list of rows of cell texts (header row first; a formula's
    image counts as its ``alt`` text, the LaTeX)."""

    def __init__(self, text: str):
        super().__init__()
        self.tables, self._row, self._cell = [], None, None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "img" and self._cell is not None:       # a typeset formula: its LaTeX is the alt text
            self._cell += dict(attrs).get("alt", "")
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr":
            self.tables[-1].append(self._row)

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def tables(text: str) -> list:
    return _Tables(text).tables


_TUPLE = re.compile(r"^\(([-+0-9.e, ]+)\)$")


@pytest.fixture(scope="module")
def vertical():
    return load("vertical")


@pytest.fixture(scope="module", params=["vertical", "rps", "hawk_dove"])
def analysis(request):
    return evogame.analyze(load(request.param))


def test_analysis_html_has_a_row_per_rest_point_with_name_coordinates_and_class(analysis):
    rows = [row for table in tables(analysis._repr_html_()) for row in table[1:]]
    for point in analysis.rest_points:
        row = next(r for r in rows if r and r[0] == point.name)
        assert point.classification in row
        numbers = [c for c in row if _TUPLE.match(c) or re.fullmatch(r"[-+0-9.e]+", c)]
        coordinates = numbers[0].strip("()").split(",")
        assert np.allclose([float(c) for c in coordinates], point.state, rtol=1e-5, atol=1e-9)


def test_game_html_shows_every_payoff_of_the_bimatrix(vertical):
    game = vertical.game
    table = next(t for t in tables(game._repr_html_()) if len(t) == 1 + game.populations[0].n)
    column, row_pop = game.populations[1], game.populations[0]
    header = table[0]
    for i, s0 in enumerate(row_pop.strategies):
        row = next(r for r in table[1:] if r[0] == s0)
        for j, s1 in enumerate(column.strategies):
            cell = row[header.index(s1)]
            for payoff in game.payoff_table[(i, j)]:
                assert sympy.latex(payoff) in cell


def test_scenario_html_shows_the_game_its_mechanisms_and_presets(vertical):
    for scenario in (vertical, load("platform_structures")):
        text = scenario._repr_html_()
        found = tables(text)
        payoffs = tables(scenario.game._repr_html_())
        assert all(t in found for t in payoffs)                # the game's own payoff table(s)
        assert text.count(r"\frac{d}{d t}") == len(scenario.game.variables)
        for section in ("mechanisms", "presets"):
            declared = getattr(scenario, section)
            rows = next((t[1:] for t in found if t[0][0] == section[:-1]), [])
            assert [r[0] for r in rows] == list(declared)
            for row, item in zip(rows, declared.values()):
                assert row[1] == item.label()
                # each parameter the mechanism/preset sets, with its new value (sympy's own string of it)
                assert row[2].split("; ") == [f"{k} → {sympy.sstr(v)}" for k, v in item.set.items()]
        if scenario.target_key:
            assert scenario.target_key in text


def test_game_latex_is_one_display_with_an_equation_per_variable(vertical):
    text = vertical.game._repr_latex_()
    assert text.startswith("$$") and text.endswith("$$")
    assert text.count(r"\frac{d}{d t}") == len(vertical.game.variables)


def test_analysis_frame_has_the_analysis_values(analysis):
    frame = analysis.to_dataframe()
    assert len(frame) == len(analysis.rest_points)
    variables = [str(v) for v in analysis.game.variables]
    for (_, row), point in zip(frame.iterrows(), analysis.rest_points):
        assert row["point"] == point.name and row["classification"] == point.classification
        assert np.allclose(row[variables].to_numpy(float), point.state)
        for k, e in enumerate(np.ravel(point.eigenvalues), start=1):
            assert row[f"eigenvalue_{k}_real"] == pytest.approx(e.real)
            assert row[f"eigenvalue_{k}_imag"] == pytest.approx(e.imag)


def test_sweep_long_form_has_a_row_per_value_and_rest_point(vertical):
    values = np.linspace(0, 2, 9)
    result = evogame.sweep(vertical, [("c_D", values)])
    frame = result.to_dataframe()
    assert len(frame) == len(values) * len(result.labels)
    for label, classes in result.classifications.items():
        part = frame[frame["rest_point"] == label].sort_values("value")
        assert np.allclose(part["value"], values)
        assert list(part["classification"]) == classes
    table = tables(result._repr_html_())[0]
    assert {r[0] for r in table[1:]} == set(result.labels)


def test_regime_map_long_form_has_a_row_per_cell_and_rest_point(vertical):
    result = evogame.sweep(vertical, [("c_D", [0, 1, 2]), ("B", [0, 1])])
    frame = result.to_dataframe()
    assert len(frame) == result.regime_index.size * len(result.labels)
    for _, row in frame.iterrows():
        i, j = list(result.x).index(row["c_D"]), list(result.y).index(row["B"])
        assert row["regime"] == result.regime_index[j, i]
        assert row["stable_set"] == "; ".join(result.stable_sets[j][i])
        assert row["asymptotically_stable"] == (row["rest_point"] in result.stable_sets[j][i])
    # one cell against analyze at its values (an independent computation)
    cell = frame[(frame["c_D"] == 2) & (frame["B"] == 0)]
    analysis = evogame.analyze(vertical, {"c_D": 2, "B": 0})
    stable = {p.label for p in analysis.rest_points if p.asymptotically_stable}
    assert set(cell.loc[cell["asymptotically_stable"], "rest_point"]) == stable


def test_simulation_long_form_has_a_row_per_path_and_time(vertical):
    sim = evogame.simulate(vertical, [[0.5, 0.5], [0.2, 0.7], [0.9, 0.1]], t_end=5)
    frame = sim.to_dataframe()
    B, T, d = sim.paths.shape
    assert len(frame) == B * T
    for b in range(B):
        part = frame[frame["path"] == b]
        assert np.allclose(part["time"], sim.times)
        for k, v in enumerate(sim.game.variables):
            assert np.allclose(part[str(v)], sim.paths[b, :, k])
    assert len(tables(sim._repr_html_())[0]) == 1 + B


def test_threshold_compare_and_basins_show_tables(vertical):
    result = evogame.threshold(vertical, ["platform"])
    cells = {r[0]: r[1] for r in tables(result._repr_html_())[0][1:]}
    assert float(cells["threshold"]) == pytest.approx(result.threshold, rel=1e-5)
    compared = evogame.compare(vertical, ["platform"])
    rows = tables(compared._repr_html_())[0][1:]
    assert [r[-1] for r in rows] == [r["change"] for r in compared.rows]
    basins = evogame.basins(vertical, samples=32)
    rows = tables(basins._repr_html_())[0][1:]
    assert [float(r[1]) for r in rows[:-1]] == pytest.approx(list(basins.shares), abs=1e-4)
    assert basins.to_dataframe()["count"].sum() + basins.not_converged == basins.samples


def test_text_is_escaped_in_html():
    from evogame.render.document import Document, Paragraph, inline
    from evogame.render.html import html
    out = html(Document("a < b", (Paragraph(inline("x & <y>")),)))
    assert "<y>" not in out and "&lt;y&gt;" in out and "&amp;" in out


def test_to_dataframe_without_pandas_names_the_extra(vertical, monkeypatch):
    analysis = evogame.analyze(vertical)
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=re.escape('pip install "evogame[dataframes]"')):
        analysis.to_dataframe()
    assert "<table>" in analysis._repr_html_()      # the display needs no pandas


def _stability_columns_agree(frame, stable_class="asymptotically stable"):
    """The frame names its stability column ``asymptotically_stable`` (booleans), no other column says
    stable, and the boolean is the classification read."""
    assert frame["asymptotically_stable"].dtype == bool
    assert not {"stable", "stability"} & set(frame.columns)
    if "classification" in frame.columns:
        assert list(frame["asymptotically_stable"]) == [c == stable_class for c in frame["classification"]]


def test_every_frame_names_its_stability_column_asymptotically_stable(vertical):
    from evogame.studies.continuation import continue_rest_points
    analysis = evogame.analyze(vertical)
    _stability_columns_agree(analysis.to_dataframe())
    sweep = evogame.sweep(vertical, [("c_D", np.linspace(0, 2, 5))])
    frame = sweep.to_dataframe()
    _stability_columns_agree(frame)
    assert frame["asymptotically_stable"].sum() == sum(c == "asymptotically stable"
                                                        for classes in sweep.classifications.values()
                                                        for c in classes)
    regimes = evogame.sweep(vertical, [("c_D", [0, 2]), ("B", [0, 1])]).to_dataframe()
    _stability_columns_agree(regimes.dropna(subset=["classification"]))
    basins = evogame.basins(vertical, samples=16).to_dataframe()
    _stability_columns_agree(basins)
    assert basins["asymptotically_stable"].all()           # the attractors are the stable rest points
    branches = continue_rest_points(vertical, mechanism="platform").to_dataframe()
    _stability_columns_agree(branches)
    # the platform makes (loose, active) stable past strength 7/8 (test_continuation's crossing)
    corner = branches[(branches["face"] == "(loose, active)") & ((branches["strength"] - 7 / 8).abs() > 1e-6)]
    assert list(corner["asymptotically_stable"]) == list(corner["strength"] > 7 / 8)
    # the limit cycles of the logit RPS: the Floquet verdict read as the boolean
    from evogame.studies.continuation.floquet import STABLE
    cycles = continue_rest_points(load("rps"), "l", (1.0, 2.5), dynamics="logit:eta=0.1").cycles[0]
    _stability_columns_agree(cycles.to_dataframe(), STABLE)
    assert list(cycles.to_dataframe()["asymptotically_stable"]) == [c.stability == STABLE for c in cycles.cycles]


def test_simplex_frames_give_every_share():
    rps = load("rps")
    game = rps.game
    names = [f"players:{s}" for s in game.populations[0].strategies]
    analysis = evogame.analyze(rps)
    frame = analysis.to_dataframe()
    for (_, row), point in zip(frame.iterrows(), analysis.rest_points):
        shares = row[names].to_numpy(float)
        assert shares.sum() == pytest.approx(1.0) and (shares >= -1e-12).all()
        assert np.allclose(shares[:2], point.state)          # the reduced coordinates are the first two shares
    centre = frame[frame[names].min(axis=1) > 0.1]            # the interior rest point of RPS: 1/3 each
    assert len(centre) == 1 and np.allclose(centre[names].to_numpy(float), 1 / 3)
    corners = frame[frame[names].max(axis=1) > 0.99]          # the pure strategies: one share 1, the others 0
    assert sorted(corners[names].to_numpy(float).argmax(axis=1)) == [0, 1, 2]
    sim = evogame.simulate(rps, [[0.2, 0.3], [0.5, 0.1]], t_end=3)
    paths = sim.to_dataframe()
    assert np.allclose(paths[names].sum(axis=1), 1.0)
    assert np.allclose(paths[names[2]], 1 - paths["x_1"] - paths["x_2"])
    sweep = evogame.sweep(rps, [("w", [0.5, 1.5])]).to_dataframe().dropna(subset=["classification"])
    assert np.allclose(sweep[names].sum(axis=1), 1.0)


def _formulas(text: str) -> list:
    """(alt, decoded SVG) of every typeset formula in an HTML fragment."""
    import base64
    import html
    found = re.findall(r'<img class="formula"[^>]*alt="([^"]*)" src="data:image/svg\+xml;base64,([^"]+)"', text)
    return [(html.unescape(alt), base64.b64decode(data).decode()) for alt, data in found]


def test_analysis_html_has_its_formulas_typeset_with_no_dollar_left(analysis):
    from evogame.dynamics import derive
    text = analysis._repr_html_()
    # nothing left for MathJax: no $ anywhere but inside the formulas' alt text (the LaTeX, without $)
    assert "$" not in re.sub(r'alt="[^"]*"', "", text)
    formulas = _formulas(text)
    assert formulas and all(svg.lstrip().startswith("<?xml") and "<svg" in svg for _, svg in formulas)
    # self-contained: the glyphs are paths in the file, any link points inside it (#id)
    assert not [link for _, svg in formulas for link in re.findall(r'(?:href|src)="([^"]*)"', svg)
                if not link.startswith("#")]
    # every replicator equation sympy derives is shown, as an image of its own
    shown = [alt for alt, _ in formulas]
    for equation in derive(analysis.game, analysis.dynamics).latex():
        assert equation in shown


def test_latex_mathtext_cannot_typeset_is_shown_as_written_not_left_in_dollars():
    from evogame.render.notebook import typeset
    out = typeset(r"<p>$$\begin{cases} a \\ b \end{cases}$$ and $x^2$</p>")
    assert "$" not in out and r'<code class="latex">\begin{cases} a \\ b \end{cases}</code>' in out
    assert [alt for alt, _ in _formulas(out)] == ["x^2"]
