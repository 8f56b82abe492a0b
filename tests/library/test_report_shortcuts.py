"""The report's shortcuts (issue 20 point 19) give what the slow paths give: bisections in lockstep, the
sensitivity figure's settled paths, the shared mechanism derivation, thresholds and tables reused."""
import numpy as np
import pytest

from conftest import load

from evogame.solvers import stability as st
from evogame.engine.analysis import analyze
from evogame.engine.parametric import ABSENT, display_labels, parametric_rest_points
from evogame.dynamics.simulation import simulate
from evogame.studies.bisection import Bracket, bisect_one, bisect_together, property_of
from evogame.studies.mechanisms import apply
from evogame.studies.sweeps import _bifurcations


# -- bisections in lockstep ---------------------------------------------------------------------

def test_bisect_together_equals_one_at_a_time_on_known_switches():
    """Rest point k exists below t_k (or has k unstable eigenvalues above t_k): every bracket ends where
    its own bisection ends, and brackets bisected together do not disturb each other."""
    t = np.array([0.123456789, 0.5, 0.75 + 1e-9, 0.3333333333333333])
    keys = [((("s",),), k) for k in range(len(t))]

    def evaluate(v):
        v = np.atleast_1d(np.asarray(v, dtype=float))
        codes = np.where(v[None, :] < t[:, None], 0, ABSENT).astype(np.int8)
        codes[1] = 0                                  # rest point 1 exists everywhere
        npos = np.where(v[None, :] > t[:, None], 2, 0).astype(np.int16)
        return {"keys": keys, "codes": codes, "npos": npos}

    brackets = [Bracket(keys[0], "existence", 0.1, 0.2), Bracket(keys[1], "eigenvalue", 0.4, 0.6),
                Bracket(keys[2], "existence", 0.7, 0.8), Bracket(keys[3], "existence", 0.0, 1.0),
                Bracket(keys[1], "eigenvalue", 0.0, 0.1, check_b=True)]          # no change: skipped
    together = bisect_together(brackets, evaluate, 60, 1e-13)

    def one(br):
        def prop(v):
            e = evaluate(v)
            r = keys.index(br.key)
            return property_of(br.kind, int(e["codes"][r, 0]), int(e["npos"][r, 0]))
        return bisect_one(br, prop, 60, 1e-13)
    assert together == [one(br) for br in brackets]
    assert together[4] is None
    for (a, b), switch in zip(together[:4], t[[0, 1, 2, 3]]):
        assert a <= switch <= b and b - a <= 1e-13


@pytest.mark.parametrize("name", ["vertical", "tripartite_sharing"])
def test_sweep_bifurcations_in_lockstep_equal_one_by_one(name):
    """The bifurcation points of every mechanism's strength sweep, bisected together and one at a time
    (the code before: one evaluation of all rest points per step of each bisection): exactly equal."""
    scenario = load(name)
    values = np.linspace(0.0, 1.0, 101)
    total = 0
    for mech in scenario.mechanisms:
        work = apply(scenario, [mech], ("symbolic", 1)).game
        derived = parametric_rest_points(work, ["strength"], 10.0, st.RTOL, "auto", [])
        ev = derived.evaluate([values])
        kept, labels = display_labels(work, ev["keys"], ev["codes"])
        keys, codes = [ev["keys"][i] for i in kept], ev["codes"][kept]

        def point(v):
            e = derived.evaluate([np.array([v])])
            return {key: (int(e["codes"][k, 0]), e["states"][k, 0], e["eigenvalues"][k, 0], int(e["npos"][k, 0]))
                    for k, key in enumerate(e["keys"]) if e["codes"][k, 0] != ABSENT}
        slow = _bifurcations("strength", values, keys, labels, codes, point, True)
        fast = _bifurcations("strength", values, keys, labels, codes, point, True,
                             lambda vs: derived.evaluate([vs]))
        assert fast == slow
        total += len(fast[0])
    assert total >= 3


# -- the sensitivity figure's "no stable state and still moving" --------------------------------

@pytest.mark.parametrize("name, strengths", [("rps", [None]), ("vertical", [0.0, 0.5, 1.0]),
                                             ("zeeman_rps_unstable", [None])])
def test_unsettled_note_reads_the_path_first_and_agrees_with_the_analysis(name, strengths):
    from evogame.plotting.sensitivities import MOVING_SPEED, _no_stable_state_and_moving
    scenario = load(name)
    seen = set()
    for s in strengths:
        subject = scenario if s is None else apply(scenario, [(m, s) for m in scenario.mechanisms])
        sim = simulate(subject, np.full((1, subject.game.dimension), 0.3), 20.0, n_points=301)
        path, times = sim.paths[0], sim.times
        moving = np.max(np.abs(path[-1] - path[-2])) / (times[-1] - times[-2]) > MOVING_SPEED
        slow = (not analyze(subject).stable) and moving        # the definition, in its original order
        assert _no_stable_state_and_moving(subject, {}, sim) == slow
        seen.add(slow)
    if name == "rps":
        assert seen == {True}          # the centre: no stable state, the path cycles
    if name == "vertical":
        assert seen == {False}


# -- the regime figure reuses the thresholds that chose its axes ---------------------------------

def test_regime_threshold_from_the_axes_choice_equals_a_fresh_one():
    from evogame.plotting.recipes import _regime_axes, target_threshold
    base = load("tripartite_sharing")
    known = {}
    (xn, _), (yn, _) = _regime_axes(base, list(base.mechanisms), known)
    assert xn in known and yn in known
    fresh, fresh_game = target_threshold(base, (), None, xn, yn)
    reused, reused_game = target_threshold(base, (), None, xn, yn, known=known)
    assert fresh is not None and reused.to_dict() == fresh.to_dict()
    assert reused_game == fresh_game


# -- one stability table for the text, the report and the JSON ----------------------------------

@pytest.fixture(scope="module")
def symbolic_vertical():
    return analyze(load("vertical"), symbolic=True)


def test_documents_from_a_given_stability_table_equal_those_that_build_it(symbolic_vertical):
    from evogame.render.markdown import markdown
    from evogame.render.report_document import report_document
    from evogame.render.report import _analysis_dict
    from evogame.engine.stability_table import stability_table
    from evogame.render.analysis_text import analysis_text
    a = symbolic_vertical
    table = stability_table(a)
    assert table.rows
    assert analysis_text(a, "en", table) == analysis_text(a, "en")
    assert analysis_text(a, "zh", table) == analysis_text(a, "zh")
    scenario = load("vertical")
    args = (scenario, a.game, a, [], [], [], [], "en")
    assert markdown(report_document(*args, stability=table)) == markdown(report_document(*args))
    assert _analysis_dict(a, table) == _analysis_dict(a)
    assert _analysis_dict(a)["stability_table"] == table.to_dict()


# -- every format of a report figure has the layout of its first save ---------------------------

def test_report_figure_formats_share_one_layout(tmp_path, monkeypatch):
    """The PDF and PNG of a report figure have the axes where its SVG has them (before, a second pass of
    constrained layout moved them by fractions of a point)."""
    import evogame.plotting.recipes as figures_module
    from evogame.plotting.recipes import _Album, sensitivity
    fig = sensitivity(load("tripartite_sharing"), (0.0, 0.5, 1.0), mechanism="platform", t_end=10, n_points=101)
    positions, save = [], figures_module.save_figure

    def spy(figure, path):
        save(figure, path)
        positions.append([tuple(ax.get_position().bounds) for ax in figure.axes])
    monkeypatch.setattr(figures_module, "save_figure", spy)
    album = _Album(tmp_path, tmp_path, ("svg", "pdf", "png"), None, "single")
    album.save(fig, "sensitivity", "s", "caption")
    assert len(positions) == 3 and positions[0] == positions[1] == positions[2]
    assert set(album.figures[0].files) == {"svg", "pdf", "png"}
