"""The noise figures: one panel per share labelled with the strategy, deterministic bytes."""
from __future__ import annotations

import pytest

from evogame.figures import noise_figure
from evogame.plotting import save_figure

from conftest import load
from helpers import invoke


@pytest.fixture(scope="module")
def vertical():
    return load("vertical")


@pytest.mark.parametrize("ends", [False, True])
def test_noise_figures_are_labelled_and_reproducible(vertical, ends, tmp_path):
    figs = [noise_figure(vertical, (0.3, 0.8), ends=ends, t_end=5.0, paths=40, seed=2) for _ in range(2)]
    titles = [ax.get_title(loc="left").replace("\n", " ") for ax in figs[0].axes if ax.get_visible()]
    assert any("share of strict supervision" in t for t in titles) and any("share of active sharing" in t for t in titles)
    out = [save_figure(f, tmp_path / f"n{k}.svg").read_bytes() for k, f in enumerate(figs)]
    assert out[0] == out[1]
    legend = figs[0].legends[0]
    labels = [t.get_text() for t in legend.get_texts()]
    assert "$\\sigma = 0.3$" in labels and "$\\sigma = 0.8$" in labels
    assert ("$\\sigma = 0$" in labels) == (not ends)      # the deterministic path, dashed, on the paths figure


def test_figure_command_draws_noise(tmp_path):
    out = tmp_path / "noise.pdf"
    result = invoke(["figure", "noise", load("vertical").file, "--noise", "0.5", "--paths", "20", "--t-end", "3",
                     "--out", out])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
