"""Where evogame keeps derived data between runs (clear it by deleting the folder)."""
from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """``$EVOGAME_CACHE_DIR``, else ``$XDG_CACHE_HOME/evogame``, else ``~/.cache/evogame``."""
    if os.environ.get("EVOGAME_CACHE_DIR"):
        return Path(os.environ["EVOGAME_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "evogame"
