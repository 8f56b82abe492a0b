"""Figure texts read as prose: axis labels without doubled words or mid-phrase capitals, legends in the
strategies' labels, no colliding tick labels, every colour explained, captions that say what is drawn."""

import matplotlib
import pytest

from conftest import load

from evogame.game import Game, Population
from evogame.plotting import basins_figure, paths, portrait
from evogame.plotting.style import Labels, mid_phrase
from evogame.render.report import report


pytestmark = pytest.mark.filterwarnings("error")   # a figure that warns (e.g. a layout that does not fit) fails


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


def _legend_texts(fig) -> list[str]:
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    return [t.get_text() for leg in legends for t in leg.get_texts()]


@pytest.mark.parametrize("label, expected", [
    ("Strict supervision", "strict supervision"), ("Share horizontally", "share horizontally"),
    ("ICT platform", "ICT platform"), ("A", "A"), ("eGov first", "eGov first"), ("Do not coordinate",
                                                                                 "do not coordinate"),
])
def test_a_label_mid_phrase_loses_its_capital_unless_an_acronym(label, expected):
    assert mid_phrase(label) == expected


def test_share_titles_have_no_doubled_word_and_no_mid_phrase_capital():
    fig = paths(load("dual_leadership"), t_end=5)
    titles = [ax.get_title(loc="left").replace("\n", " ") for ax in fig.axes]     # long titles wrap
    assert "Line ministry (tiao): share of authorize local use" in titles
    assert "Functional department: proportion of share horizontally" in titles
    for text in _texts(fig):
        words = text.lower().replace(":", " ").split()
        assert not any(a == b for a, b in zip(words, words[1:])), text      # no "share share"
        assert "share Share" not in text and "of Strict" not in text


def test_chinese_share_labels_are_unchanged():
    labels = Labels(load("vertical").game, "zh")
    assert labels.share(0, 0) == f"{labels.population(0)}：{labels.strategy(0, 0)}比例"


def test_profiles_are_named_by_strategy_labels_in_both_languages():
    game = load("dual_leadership").game
    en, zh = Labels(game, "en"), Labels(game, "zh")
    assert en.profile("(restrict, not, upward_only)") == "(Restrict, Do not coordinate, Report upward only)"
    assert zh.profile("(restrict, not, upward_only) #2") == "(限制使用，不协调，只向上报送) #2"
    assert en.profile("(authorize/restrict, not, share)") == "(mixed, Do not coordinate, Share horizontally)"
    assert en.profile("(authorize/restrict, coordinate/not, share/upward_only) #1") == "interior rest point #1"
    assert Labels(load("rps").game).profile("(rock/paper)") == "(Rock/Paper)"
    assert en.profile("(restrict, mixed(coordinate 0.25, not 0.75), share)") == \
        "(Restrict, mixed: Coordinate 0.25, Do not coordinate 0.75, Share horizontally)"
    assert en.profile("interior") == "interior"


def test_cube_and_basin_legends_use_strategy_labels_not_ids():
    cube = portrait(load("dual_leadership"), starts=(0.3, 0.7), n_points=80)
    assert "→ (Restrict, Do not coordinate, Report upward only)" in _legend_texts(cube)
    basin = basins_figure(load("hidden_collusion"), {"rho": 1.0}, samples=256)
    legend = " ".join(_legend_texts(basin))
    assert "(Formal sharing, Formal sharing, Trust)" in legend and "(formal, formal" not in legend


def test_cube_tick_labels_do_not_read_as_one():
    # two tick labels of different axes on one line closer than 10 pt read as one number ("1 0")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    fig = portrait(load("dual_leadership"), starts=(0.3, 0.7), n_points=40)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    ax = fig.axes[0]
    boxes = [(axis.axis_name, tick.label1.get_text(), tick.label1.get_window_extent(renderer))
             for axis in (ax.xaxis, ax.yaxis, ax.zaxis) for tick in axis.majorTicks if tick.label1.get_text()]
    em = 10.0 * fig.dpi / 72.0
    close = [(a[:2], b[:2]) for i, a in enumerate(boxes) for b in boxes[i + 1:] if a[0] != b[0]
             and min(a[2].y1, b[2].y1) > max(a[2].y0, b[2].y0)                    # on one line
             and max(a[2].x0, b[2].x0) - min(a[2].x1, b[2].x1) < em]               # and close
    assert close == []


def _cube_colours(fig) -> set:
    from matplotlib.colors import to_hex
    return {to_hex(line.get_color()) for line in fig.axes[0].lines if line.get_linestyle() == "-"}


def test_grey_cube_paths_are_explained_exactly_when_drawn():
    from matplotlib.colors import to_hex
    from evogame.plotting.portraits import NO_ATTRACTOR_COLOUR
    short = portrait(load("dual_leadership"), starts=(0.3, 0.7), n_points=40, t_end=0.5)
    assert NO_ATTRACTOR_COLOUR in _cube_colours(short)
    grey = [(h.get_label()) for h in short.legends[0].legend_handles
            if to_hex(h.get_color()) == NO_ATTRACTOR_COLOUR]
    assert grey == ["no attractor reached by $t = 0.5$"]
    full = portrait(load("dual_leadership"), starts=(0.3, 0.7), n_points=80)
    assert NO_ATTRACTOR_COLOUR not in _cube_colours(full)
    assert not any("no attractor" in t for t in _legend_texts(full))


def _square_game(dominant: bool) -> Game:
    a, b = Population("a", ("p", "q")), Population("b", ("p", "q"))
    if dominant:      # p strictly dominates for both: no interior nullcline
        table = {("p", "p"): (3, 3), ("p", "q"): (2, 1), ("q", "p"): (1, 2), ("q", "q"): (0, 0)}
    else:             # coordination: nullclines x = 1/2 and y = 1/2
        table = {("p", "p"): (1, 1), ("p", "q"): (0, 0), ("q", "p"): (0, 0), ("q", "q"): (1, 1)}
    return Game.from_payoff_table((a, b), table, name="dominant" if dominant else "coordination")


@pytest.mark.parametrize("dominant", [True, False])
def test_report_caption_mentions_nullclines_only_when_drawn(tmp_path, dominant):
    result = report(_square_game(dominant), tmp_path, kinds=("portrait",))
    (entry,) = [f for f in result.figures if f.kind == "portrait"]
    assert ("dashed: interior nullclines" in entry.caption) == (not dominant)


FOUR_STRATEGIES = """
[game]
name = "four"
matching = "symmetric"

[[populations]]
name = "players"
strategies = ["a", "b", "c", "d"]

[payoffs]
"a.a" = "1"
"a.b" = "0"
"a.c" = "2"
"a.d" = "0"
"b.a" = "0"
"b.b" = "1"
"b.c" = "0"
"b.d" = "2"
"c.a" = "0"
"c.b" = "2"
"c.c" = "1"
"c.d" = "0"
"d.a" = "2"
"d.b" = "0"
"d.c" = "0"
"d.d" = "1"
"""


def test_a_game_without_portrait_geometry_is_pointed_to_its_paths(tmp_path):
    from click.testing import CliRunner
    from evogame.cli import main
    scenario = tmp_path / "four.toml"
    scenario.write_text(FOUR_STRATEGIES)
    refused = CliRunner().invoke(main, ["figure", "portrait", str(scenario), "--out", str(tmp_path / "p.svg")])
    assert refused.exit_code != 0 and "Traceback" not in refused.output
    assert "4 strategies" in refused.output and "evogame figure paths" in refused.output
    out = tmp_path / "paths.svg"
    drawn = CliRunner().invoke(main, ["figure", "paths", str(scenario), "--out", str(out), "--t-end", "5"])
    assert drawn.exit_code == 0, drawn.output
    assert out.read_bytes().startswith(b"<?xml")
    from evogame.scenario import load_scenario
    fig = paths(load_scenario(scenario), t_end=5)
    titles = {ax.get_title(loc="left") for ax in fig.axes if ax.get_visible()}
    assert titles == {f"Players: share of {s}" for s in "ABCD"}


def _notes(fig) -> list[str]:
    """The note under the legend's title (the first line is the quantity varied)."""
    return [t.get_text().split("\n", 1)[1] for t in fig.findobj(matplotlib.text.Text)
            if t.get_gid() == "no-stable-state"]


def test_sensitivity_says_when_no_state_is_stable_and_the_paths_still_move():
    from evogame.engine.analysis import analyze
    from evogame.plotting import sensitivity
    rps = load("rps")
    assert analyze(rps, {"w": 1.0}).stable == [] and analyze(rps, {"w": 1.5}).stable != []
    fig = sensitivity(rps, [1.0, 1.5], parameter="w", initial=[0.5, 0.3], t_end=20)
    assert _notes(fig) == ["no stable state ($w$ = 1): paths still moving at $t = 20$"]
    every = sensitivity(rps, [1.0], parameter="w", initial=[0.5, 0.3], t_end=20)
    assert _notes(every) == ["no stable state: paths still moving at $t = 20$"]
    settled = sensitivity(load("vertical"), [1.0, 3.0], parameter="c_D", t_end=20)
    assert _notes(settled) == []
