"""Sphinx configuration of evogame's documentation (``make docs``).

The site is built the way numpy, scipy and pandas build theirs: the PyData
theme, numpydoc for the API reference, sphinx-click for the command line,
sphinx-gallery for ``examples/plot_*.py`` and MyST (myst-nb) for the
Markdown pages, whose code cells are executed by the build.  It builds
offline: no intersphinx.
"""
from __future__ import annotations

import inspect
import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))            # the checkout's evogame, installed or not
sys.path.insert(0, str(DOCS / "_ext"))
os.environ.setdefault("MPLBACKEND", "Agg")
# the executed pages run `evogame ...` as a reader types it: the command of this interpreter's environment
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")

import evogame  # noqa: E402

project = "evogame"
author = "the evogame authors"
copyright = "2026, the evogame authors"
release = version = evogame.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_click",
    "sphinx_gallery.gen_gallery",
    "myst_nb",
]

source_suffix = {".rst": "restructuredtext", ".md": "myst-nb"}
exclude_patterns = ["_build", "**.ipynb_checkpoints", "auto_examples/*.ipynb", "auto_examples/*.py",
                    "auto_examples/*.zip", "auto_examples/*.json", "auto_examples/*.md5", "sg_execution_times.rst"]
root_doc = "index"
smartquotes = False                      # options stay --json, not an en dash
templates_path = ["_templates"]

# -- MyST and executed pages ------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = "force"              # every executed page runs at every build: it cannot rot
nb_execution_timeout = 240
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_merge_streams = True

# -- API reference ----------------------------------------------------------------------------
autosummary_generate = True
autodoc_typehints = "none"               # the numpydoc sections state the types
autodoc_default_options = {"members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# -- warnings as errors: nitpicky, except references into libraries not built here -------------
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(numpy|np|scipy|sympy|matplotlib|pandas|click|distributed|concurrent|collections|typing|"
               r"pathlib|os|io|datetime|fractions|enum|dataclasses)(\..*)?"),
    # the reference documents evogame's public names (evogame.NAME); docstrings may also name the
    # internal modules' objects (evogame.module.NAME, or a bare name in their own module), which the
    # site does not document: those references are not checked
    (r"py:.*", r"evogame\.[A-Za-z_]+\..*"),
    (r"py:.*", r"evogame\.(scenario|dynamics|integrator|delay|stochastic|studies|simulation|basins)"),
    (r"py:.*", r"(DYNAMICS|THEOREM|Origin|Noise|Mechanism|Distribution|Scenario|sweep1d|regime_map|"
               r"sobol_base|name|smooth|components|rest_points)"),
    (r"py:.*", r"(int|float|str|bool|dict|list|tuple|set|object|callable|None|bytes|complex|Path|Mapping|"
               r"Sequence|Iterable|Callable|Any|Fraction|ndarray|optional|default|array|array-like|Figure|"
               r"Axes|Executor|Expr|Symbol|Matrix)"),
]

# -- the gallery: every figure kind, each drawn by its script --------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"^(?!plot_).*\.py$",     # only plot_*.py: the other scripts are run by tests
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "matplotlib_animations": False,
    "image_scrapers": ("evogame_scraper.scrape",),   # docs/_ext: figures made without pyplot
    "reset_modules": ("matplotlib",),
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,
    "write_computation_times": False,
}



# -- HTML ---------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"evogame {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_static_path = []
html_show_sourcelink = False


def undocumented_public_names() -> list[str]:
    """Names in ``evogame.__all__`` without a docstring of their own.

    A dataclass without a docstring gets ``Name(field, ...)`` from
    :mod:`dataclasses`; that signature is not documentation, so it counts as
    missing.
    """
    missing = []
    for name in evogame.__all__:
        obj = getattr(evogame, name)
        doc = inspect.getdoc(obj) or ""
        own = obj.__dict__.get("__doc__") if inspect.isclass(obj) else obj.__doc__
        if not (own or "").strip() or doc.startswith(f"{getattr(obj, '__name__', name)}("):
            missing.append(name)
    return missing


def names_missing_from_the_api_page() -> list[str]:
    """Names in ``evogame.__all__`` that ``reference/api.rst`` does not list in an autosummary."""
    import re

    text = (DOCS / "reference" / "api.rst").read_text(encoding="utf-8")
    listed = set(re.findall(r"^   ([A-Za-z_][A-Za-z0-9_]*)$", text, re.M))
    return [name for name in evogame.__all__ if name not in listed]


def _check_public_names(app):
    from sphinx.util import logging

    log = logging.getLogger("evogame.docs")
    for name in undocumented_public_names():
        log.warning(f"evogame.{name} is in evogame.__all__ but has no docstring (the API reference needs one)")
    for name in names_missing_from_the_api_page():
        log.warning(f"evogame.{name} is in evogame.__all__ but not listed in docs/reference/api.rst")


def write_command_pages(app=None):
    """One page per command of the click group (docs/reference/commands/, not in git).

    Written when the build starts, so that a new command gets its page without
    anyone remembering to add it.
    """
    from evogame.cli import COMMANDS, main

    pages = DOCS / "reference" / "commands"
    pages.mkdir(exist_ok=True)
    names = main.list_commands(None)
    for name in names:
        # the directive's own section "evogame NAME" is the page's title
        text = f".. click:: evogame.cli.commands.{COMMANDS[name][0]}:command\n   :prog: evogame {name}\n"
        path = pages / f"{name}.rst"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    for path in pages.glob("*.rst"):
        if path.stem not in names:
            path.unlink()


def setup(app):
    app.connect("builder-inited", write_command_pages)
    app.connect("builder-inited", _check_public_names)
