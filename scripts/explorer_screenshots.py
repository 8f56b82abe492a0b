"""Regenerate the README's screenshots of the explorer and of the notebook display (headless Chromium).

    python scripts/explorer_screenshots.py            # writes figures/explorer_*.png, figures/notebook_*.png

figures/explorer_vertical.png: the default page of scenarios/vertical.toml with the platform slider moved
past its threshold (to 0.9, through the page's ``window.evogame.set``).
figures/explorer_dual_leadership.png: the default page of scenarios/dual_leadership.toml (the cube).
figures/notebook_analysis.png: what a notebook shows for ``evogame.analyze(vertical)`` (its ``_repr_html_``);
Jupyter typesets the ``$...$`` formulas with MathJax, which is not available offline here, so this script
typesets them with matplotlib's mathtext the same way a notebook would show them.
"""
from __future__ import annotations

import base64
import io
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "figures"


def driver(width: int, height: int):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", f"--window-size={width},{height}",
                "--hide-scrollbars"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")), options=options)


def explorer(tmp: Path) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    from evogame import load_scenario
    from evogame.explore import explore
    for name, moves, height in (("vertical", {"platform": 0.9}, 900), ("dual_leadership", {}, 1080)):
        page = tmp / f"{name}.html"
        explore(load_scenario(ROOT / "scenarios" / f"{name}.toml"), str(page))
        d = driver(1150, 900)
        try:
            # a headless window is no taller than its screen: set the viewport itself
            d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                              {"width": 1150, "height": height, "deviceScaleFactor": 1, "mobile": False})
            d.get(page.as_uri())
            WebDriverWait(d, 60).until(lambda x: x.execute_script("return document.body.dataset.ready") == "yes")
            # the page's own API moves the sliders (any value; the keyboard moves the thumb by its steps)
            d.execute_async_script("window.evogame.set(arguments[0]).then(arguments[arguments.length - 1])", moves)
            d.execute_script("window.scrollTo(0, 0)")
            d.save_screenshot(str(FIGURES / f"explorer_{name}.png"))
        finally:
            d.quit()


def _typeset(match: re.Match) -> str:
    """A ``$...$`` or ``$$...$$`` formula as an inline SVG image, typeset by matplotlib's mathtext."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    tex = match.group(2)
    fig = plt.figure(figsize=(0.01, 0.01))
    fig.text(0, 0, f"${tex}$", fontsize=13)
    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="svg", bbox_inches="tight", pad_inches=0.02, transparent=True)
    except ValueError:       # mathtext does not know this piece of LaTeX: show it as written
        return match.group(0)
    finally:
        plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode()
    style = "display:block;margin:6px 0" if match.group(1) == "$$" else "vertical-align:middle"
    return f'<img style="{style}" src="data:image/svg+xml;base64,{data}">'


def notebook(tmp: Path) -> None:
    import evogame
    analysis = evogame.analyze(evogame.load_scenario(ROOT / "scenarios" / "vertical.toml"))
    body = re.sub(r"(\$\$?)(.+?)\1", _typeset, analysis._repr_html_(), flags=re.S)
    page = tmp / "notebook.html"
    page.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><style>body{font-family:system-ui,sans-serif;"
                    "font-size:13px;margin:12px 18px} table{border-collapse:collapse;margin:6px 0} td,th{padding:3px 9px;"
                    "border-bottom:1px solid #ddd} h3{font-size:17px} h4{font-size:14px;margin:12px 0 4px 0}</style>"
                    "</head><body><div style='color:#303f9f;font-family:monospace'>In [2]: "
                    "evogame.analyze(vertical)</div>" + body + "</body></html>", encoding="utf-8")
    d = driver(1100, 2400)
    try:
        d.get(page.as_uri())
        height = d.execute_script("return document.body.scrollHeight")
        # a headless window is no taller than its screen: make the viewport as tall as the page
        d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                          {"width": 1100, "height": height + 16, "deviceScaleFactor": 1, "mobile": False})
        shot = d.get_screenshot_as_png()
    finally:
        d.quit()
    from PIL import Image
    image = Image.open(io.BytesIO(shot))
    image.crop((0, 0, image.width, min(image.height, height + 16))).save(FIGURES / "notebook_analysis.png")


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        if "--notebook-only" not in argv:
            explorer(Path(tmp))
        notebook(Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
