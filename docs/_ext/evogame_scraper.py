"""sphinx-gallery image scraper for figures that never touch pyplot.

evogame's plotting functions return a :class:`matplotlib.figure.Figure`
without registering it with pyplot (so sphinx-gallery's matplotlib scraper
would find nothing): every Figure bound to a name in the example's namespace
after a code block is saved once, as PNG, under the path sphinx-gallery
gives. A module of its own so that the configuration can name it (a scraper
defined in conf.py cannot be pickled with the environment).
"""
from __future__ import annotations

import weakref

_SEEN: "weakref.WeakSet" = weakref.WeakSet()


def scrape(block, block_vars, gallery_conf):
    """Save the new Figures of the example's namespace; the reST that shows them."""
    from matplotlib.figure import Figure
    from sphinx_gallery.scrapers import figure_rst

    paths = []
    for fig in [v for v in block_vars["example_globals"].values() if isinstance(v, Figure) and v not in _SEEN]:
        _SEEN.add(fig)
        path = next(block_vars["image_path_iterator"])
        fig.savefig(path, dpi=110)
        paths.append(path)
    return figure_rst(paths, gallery_conf["src_dir"])
