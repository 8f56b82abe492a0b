"""Write examples/vertical_walkthrough.ipynb: the vertical game from scenario to threshold to figures.

The notebook is generated (and stored without outputs) so that it is
reproducible and reviewable as this script:

    python scripts/make_walkthrough_notebook.py
    python scripts/make_walkthrough_notebook.py --html walkthrough.html    # also run it and export it

tests/cli/test_notebook.py executes it and checks that it is what this script writes.

The HTML export is nbconvert's ``lab`` page without the three scripts that template loads from a CDN
(MathJax, require.js, mermaid): evogame's displays carry their formulas typeset (inline SVG, see
:mod:`evogame.render.notebook`) and the notebook has no widgets or diagrams, so the page needs no script
and opens offline.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "vertical_walkthrough.ipynb"

#: nbconvert's lab page less the blocks that load MathJax, require.js and mermaid from a CDN
OFFLINE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""

CELLS = [
    ("md", "# The vertical game: from scenario to threshold to figures\n\n"
           "A superior chooses *strict* or *loose* oversight, a subordinate *active* or *passive* "
           "data sharing (`scenarios/vertical.toml`). We analyse the replicator dynamics, find how strong "
           "the *platform* mechanism must be for full sharing to be stable, sweep a cost, and draw."),
    ("code", "%matplotlib inline\n"
             "from pathlib import Path\n\n"
             "import evogame\n\n"
             "# the scenarios folder, relative to this notebook's folder (examples/)\n"
             "SCENARIOS = Path(\"..\") / \"scenarios\"\n"
             "scenario = evogame.load_scenario(SCENARIOS / \"vertical.toml\")\n"
             "game = scenario.game\n"
             "game    # the payoff table and the replicator equations"),
    ("md", "## Rest points and their stability\n\n"
           "Every rest point with its eigenvalues and classification (at the scenario's default values)."),
    ("code", "analysis = evogame.analyze(scenario)\nanalysis"),
    ("md", "The same table as a pandas data frame: one row per rest point, one column per coordinate "
           "and per eigenvalue's real and imaginary part."),
    ("code", "frame = analysis.to_dataframe()\nframe"),
    ("md", "## The threshold of the platform mechanism\n\n"
           "At which strength does *(loose, active)* become asymptotically stable?"),
    ("code", "threshold = evogame.threshold(scenario, [\"platform\"])\n"
             "assert threshold.threshold is not None\n"
             "threshold"),
    ("md", "## A sweep of the subordinate's cost of sharing `c_D`"),
    ("code", "import numpy as np\n\n"
             "sweep = evogame.sweep(scenario, [(\"c_D\", np.linspace(0, 2, 41))])\n"
             "sweep"),
    ("code", "long = sweep.to_dataframe()\n"
             "long[long[\"asymptotically_stable\"]].groupby(\"rest_point\")[\"value\"].agg([\"min\", \"max\"])"),
    ("md", "## Figures\n\nThe phase portrait at the defaults, and the rest points against the platform's strength."),
    ("code", "from evogame.plotting import bifurcation, portrait\n\nfigure = portrait(scenario)\nfigure"),
    ("code", "figure = bifurcation(scenario, \"strength\", np.linspace(0, 1, 101), [\"platform\"])\nfigure"),
    ("md", "## Paths\n\nA few paths of the replicator dynamics, in long form."),
    ("code", "simulation = evogame.simulate(scenario, [[0.5, 0.5], [0.2, 0.8], [0.9, 0.9]], t_end=20)\n"
             "paths = simulation.to_dataframe()\n"
             "paths.groupby(\"path\").tail(1)"),
]


def notebook() -> nbformat.NotebookNode:
    """The walkthrough notebook, without outputs."""
    cells = [new_markdown_cell(text) if kind == "md" else new_code_cell(text) for kind, text in CELLS]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for k, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{k}"      # fixed ids: the file is the same every time it is written
    return nb


def execute(nb: nbformat.NotebookNode, folder: Path) -> nbformat.NotebookNode:
    """``nb`` run from top to bottom in ``folder`` (its outputs filled in place; raises on an error)."""
    import nbclient
    # kernel "python3": ipykernel's own spec, whose "python" jupyter_client runs as sys.executable
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(folder)}}).execute()
    return nb


def export_html(nb: nbformat.NotebookNode) -> str:
    """An executed notebook as one HTML page that loads nothing from the network (see the module's docstring)."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
    exporter = HTMLExporter(template_name="lab", template_file="offline.html.j2",
                            extra_loaders=[DictLoader({"offline.html.j2": OFFLINE_TEMPLATE})])
    page, _ = exporter.from_notebook_node(nb)
    return page


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=NOTEBOOK, help="the notebook file to write")
    parser.add_argument("--html", type=Path, help="also execute the notebook and export it to this HTML file")
    args = parser.parse_args(argv)
    nbformat.write(notebook(), args.out)
    print(f"wrote {args.out}")
    if args.html:
        executed = execute(nbformat.read(args.out, as_version=4), args.out.resolve().parent)
        args.html.write_text(export_html(executed), encoding="utf-8")
        print(f"wrote {args.html}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
