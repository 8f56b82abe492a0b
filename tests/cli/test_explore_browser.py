"""The explorer page in a real browser: headless Chromium opens the file offline and draws the portrait.

Skipped, with the reason, where no Chromium is installed (`.ci/run` installs Debian's `chromium`). The slider
itself (moving it across the threshold) is not driven here yet: that needs the DevTools protocol.
"""
from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

from conftest import SCENARIOS

BROWSER = next((b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None)


@pytest.mark.skipif(BROWSER is None, reason="no headless Chromium installed (apt-get install chromium)")
def test_the_page_opens_offline_and_draws_the_portrait(tmp_path):
    pytest.importorskip("plotly", reason="the explorer needs plotly (pip install \"evogame[explore]\")")
    matplotlib = pytest.importorskip("matplotlib")
    from evogame import load_scenario
    from evogame.explore import explore

    page = tmp_path / "vertical.html"
    explore(load_scenario(SCENARIOS / "vertical.toml"), page, mechanisms=["platform"], steps=11)
    shot = tmp_path / "page.png"
    done = subprocess.run([BROWSER, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           "--window-size=900,960", "--virtual-time-budget=5000", f"--screenshot={shot}",
                           page.as_uri()], check=False, capture_output=True, text=True, timeout=120)
    assert shot.exists(), done.stderr[-2000:]
    image = matplotlib.image.imread(shot)[..., :3]
    # the portrait's region: ink (the outline, the grey arrows, the markers), not a blank page
    portrait = image[100:650, 100:650]
    dark = np.mean(portrait.mean(axis=-1) < 0.9)
    assert dark > 0.02, f"only {dark:.2%} of the portrait region is drawn"
