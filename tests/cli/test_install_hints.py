"""A missing optional extra is reported with both ways to install it: from the package index and from a checkout.

Each extra's import is made to fail (``sys.modules[name] = None`` makes ``import name`` raise ImportError),
then the code that needs it is called; its message must give ``pip install "evogame[EXTRA]"`` and
``pip install ".[EXTRA]"``.
"""
from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from evogame.errors import EvogameError

ROOT = Path(__file__).resolve().parents[2]


def _uncertainty():
    from evogame.studies.uncertainty import _salib
    _salib()


def _dataframes():
    from evogame.render.notebook import require_pandas
    require_pandas()


def _explore():
    from evogame.explore import _plotly_js
    _plotly_js()


def _distributed():
    from evogame.util.executors import _distributed
    _distributed()


#: extra -> (the modules whose import fails without it, the call that needs them)
NEEDS = {
    "uncertainty": (("SALib", "SALib.analyze", "SALib.sample"), _uncertainty),
    "dataframes": (("pandas",), _dataframes),
    "explore": (("plotly", "plotly.offline"), _explore),
    "distributed": (("distributed",), _distributed),
}


def test_every_user_extra_is_covered():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"]
    # test, bench, docs and baselines are for developers (the test suite, benchmarks/, the site, the independent
    # continuation tool of tests and benchmarks): no command needs them
    assert set(extras) - {"test", "bench", "docs", "baselines"} == set(NEEDS)


@pytest.mark.parametrize("extra", sorted(NEEDS))
def test_missing_extra_names_both_install_forms(extra, monkeypatch):
    modules, call = NEEDS[extra]
    for name in modules:
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises((ImportError, EvogameError)) as info:
        call()
    message = str(info.value)
    assert f'pip install "evogame[{extra}]"' in message
    assert f'pip install ".[{extra}]"' in message


def test_the_hint_gives_both_forms():
    from evogame.errors import install_hint

    assert install_hint("explore") == ('pip install "evogame[explore]" '
                                       '(from a checkout of the repository: pip install ".[explore]")')
