"""Progress on stderr: a bar only on a terminal and only after a second, nothing with --json.

The terminal is faked by patching :func:`evogame.cli.progress.on_terminal`
(the one place that asks whether stderr is a terminal) and the delay is set
to zero, so that a command's bar shows in the captured stderr.
"""
from __future__ import annotations

import io
import json

import pytest

from evogame.cli import progress as progress_module
from evogame.cli.progress import ProgressBar, steps

from conftest import SCENARIOS
from helpers import invoke

VERTICAL = str(SCENARIOS / "vertical.toml")


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture
def terminal(monkeypatch):
    """Every command's stderr counts as a terminal, and bars show at once and at every step."""
    monkeypatch.setattr(progress_module, "on_terminal", lambda stream: True)
    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    monkeypatch.setattr(progress_module, "INTERVAL", 0.0)


def bar_lines(stderr: str, label: str) -> list[str]:
    """The bar's states as drawn (each redraw starts with a carriage return)."""
    return [part.replace("\x1b[K", "").strip() for part in stderr.replace("\n", "\r").split("\r")
            if part.startswith(label)]


def counts(stderr: str, label: str) -> list[str]:
    """The ``done/total`` of each state drawn, repeats (the closing redraw) left out."""
    out = []
    for line in bar_lines(stderr, label):
        count = line.split("%  ")[1].split()[0]
        if not out or out[-1] != count:
            out.append(count)
    return out


# -- the bar ------------------------------------------------------------------------

def test_the_bar_draws_on_a_terminal_and_ends_its_line(monkeypatch):
    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    monkeypatch.setattr(progress_module, "INTERVAL", 0.0)
    stream = Terminal()
    with ProgressBar("counting", stream=stream) as bar:
        for k in range(1, 5):
            bar(k, 4)
    drawn = bar_lines(stream.getvalue(), "counting")
    assert len(drawn) >= 4 and " 25%  1/4  eta " in drawn[0]
    assert drawn[-1].startswith("counting  [" + "#" * progress_module.WIDTH + "]") and "100%" in drawn[-1]
    assert drawn[-1].endswith("4/4") and stream.getvalue().endswith("\n")


def test_the_bar_waits_a_second_and_stays_off_a_pipe(monkeypatch):
    quick = Terminal()
    with ProgressBar("quick", stream=quick) as bar:     # finished before DELAY: nothing at all
        bar(1, 2)
        bar(2, 2)
    assert quick.getvalue() == ""
    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    pipe = io.StringIO()                                 # not a terminal: nothing at all
    with ProgressBar("piped", stream=pipe) as bar:
        bar(1, 2)
    assert pipe.getvalue() == ""
    off = Terminal()
    with ProgressBar("off", enabled=False, stream=off) as bar:
        bar(1, 2)
    assert off.getvalue() == ""


def test_a_total_that_grows_is_followed(monkeypatch):
    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    monkeypatch.setattr(progress_module, "INTERVAL", 0.0)
    stream = Terminal()
    with ProgressBar("growing", stream=stream) as bar:
        bar(10, 10)
        bar(10, 30)
        bar(30, 30)
    drawn = bar_lines(stream.getvalue(), "growing")
    assert counts(stream.getvalue(), "growing") == ["10/10", "10/30", "30/30"]
    assert " 33%  10/30" in drawn[1]


def test_steps_print_one_line_each(capsys):
    say = steps("report", True)
    say("rest points")
    say("figures")
    assert capsys.readouterr().err == "report: rest points\nreport: figures\n"
    assert steps("report", False) is None


# -- the commands -------------------------------------------------------------------

def test_sweep_shows_a_bar_on_a_terminal_and_nothing_with_json(terminal):
    args = ["sweep", VERTICAL, "--sweep", "c_D=0:5:4", "--dynamics", "logit:eta=0.5"]   # per point
    shown = invoke(args)
    assert shown.exit_code == 0, shown.output
    assert counts(shown.stderr, "analysing each grid point") == ["1/4", "2/4", "3/4", "4/4"]
    quiet = invoke(args + ["--json"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert json.loads(quiet.stdout)["method"] == "per point"


def test_uncertainty_shows_a_bar_on_a_terminal_and_nothing_with_json(terminal):
    pytest.importorskip("SALib", reason="SALib (the optional 'uncertainty' extra) is not installed")
    args = ["uncertainty", VERTICAL, "--dist", "c_D=uniform:0:5", "-m", "platform", "--samples", "1000", "--sobol"]
    shown = invoke(args)
    assert shown.exit_code == 0, shown.output
    done, total = counts(shown.stderr, "evaluating the draws")[-1].split("/")
    assert done == total and int(total.replace(",", "")) == 1000 + 128 * 4   # draws, Sobol design (base 128, D = 1)
    assert "S1" in shown.stdout and "evaluating" not in shown.stdout
    quiet = invoke(args + ["--json"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert json.loads(quiet.stdout)["samples"] == 1000


def test_basins_shows_a_bar_per_block_and_nothing_with_json(terminal):
    args = ["basins", SCENARIOS / "coordination.toml", "--samples", "5000"]
    shown = invoke(args)
    assert shown.exit_code == 0, shown.output
    assert counts(shown.stderr, "integrating the starts") == ["4,096/5,000", "5,000/5,000"]
    quiet = invoke(args + ["--json"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert json.loads(quiet.stdout)["samples"] == 5000


def test_symbolic_analysis_shows_a_bar_per_rest_point_and_nothing_with_json(terminal):
    args = ["analyze", VERTICAL, "--symbolic", "--no-cache"]
    shown = invoke(args)
    assert shown.exit_code == 0, shown.output
    assert shown.stderr.startswith("analyze: solving every face with the parameters symbolic")   # the step first
    assert counts(shown.stderr, "symbolic stability conditions") == [f"{k}/5" for k in range(6)]
    assert "symbolic stability conditions" not in shown.stdout
    quiet = invoke(args + ["--json"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert json.loads(quiet.stdout)["symbolic_rest_points"]
    plain = invoke(["analyze", VERTICAL, "--no-cache"])     # numeric only: fast, no bar
    assert plain.exit_code == 0 and "symbolic stability conditions" not in plain.stderr


def test_explore_says_what_it_wrote_and_nothing_with_json(terminal, tmp_path):
    # the page computes in the browser: writing it takes under 2 s, no bar
    pytest.importorskip("plotly", reason="plotly (the optional 'explore' extra) is not installed")
    args = ["explore", VERTICAL, "-m", "platform", "-m", "backflow", "--steps", "3", "--out", tmp_path / "v.html"]
    shown = invoke(args)
    assert shown.exit_code == 0, shown.output
    assert "wrote" in shown.stderr and "sliders: platform, backflow" in shown.stderr
    quiet = invoke(args + ["--json"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
    assert [s["name"] for s in json.loads(quiet.stdout)["sliders"]] == ["platform", "backflow"]
