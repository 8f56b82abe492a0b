"""Where evogame keeps derived data between runs (clear it by deleting the folder).

What is cached: the *result* of ``evogame analyze`` -- the JSON document of
``Analysis.to_dict()`` and the rendered text -- keyed by

* the SHA-256 of the scenario file's bytes (any edit of the file, even a
  comment, makes a new key: the old entry is simply never read again),
* the command's options (parameter overrides, ``--symbolic``, budget, ...),
* evogame's version and a fingerprint of its source files (so a code change
  never serves a result computed by older code).

A second ``evogame analyze`` of an unchanged file with the same options
prints the stored result without importing sympy or re-deriving anything.

Entries are plain JSON files (numbers and strings): reading one runs no
code, unlike pickle or sympy's ``srepr``.  A file that cannot be read or
does not have the expected form is ignored (and replaced by the next
computation); writes are atomic (temporary file + rename) and failures to
write are silent, because the cache only ever saves time.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from .. import __version__

#: Bump when the layout of a cache entry changes.
FORMAT = 1
#: Entries kept per kind; older ones are removed when a new one is written.
MAX_ENTRIES = 256


def cache_dir() -> Path:
    """``$EVOGAME_CACHE_DIR``, else ``$XDG_CACHE_HOME/evogame``, else ``~/.cache/evogame``."""
    if os.environ.get("EVOGAME_CACHE_DIR"):
        return Path(os.environ["EVOGAME_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "evogame"


_CODE_FINGERPRINT: str | None = None


def code_fingerprint() -> str:
    """evogame's version plus the names, sizes and modification times of its source files."""
    global _CODE_FINGERPRINT
    if _CODE_FINGERPRINT is None:
        root = Path(__file__).resolve().parents[1]   # the whole evogame package, not just util/
        h = hashlib.sha256(__version__.encode())
        for path in sorted(root.rglob("*.py")):
            try:
                st = path.stat()
            except OSError:
                continue
            h.update(f"{path.relative_to(root)}:{st.st_size}:{st.st_mtime_ns};".encode())
        _CODE_FINGERPRINT = h.hexdigest()
    return _CODE_FINGERPRINT


def content_digest(data: bytes) -> str:
    """SHA-256 of a scenario file's bytes."""
    return hashlib.sha256(data).hexdigest()


def result_key(kind: str, content: bytes, options: dict) -> str:
    """The cache key of a result: kind, file content, options and code, hashed together."""
    doc = {"kind": kind, "format": FORMAT, "code": code_fingerprint(),
           "scenario": content_digest(content), "options": options}
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()


def _path(kind: str, key: str) -> Path:
    return cache_dir() / kind / f"{key}.json"


def read(kind: str, key: str) -> dict | None:
    """The stored payload for ``key``, or None (missing, unreadable or malformed)."""
    try:
        with open(_path(kind, key), "rb") as fh:
            entry = json.loads(fh.read().decode("utf-8"))
    except (OSError, ValueError):
        return None
    if (not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("key") != key
            or not isinstance(entry.get("payload"), dict)):
        return None
    return entry["payload"]


def write(kind: str, key: str, payload: dict) -> bool:
    """Store ``payload`` (JSON-safe) under ``key``; returns False if it could not be written."""
    folder = cache_dir() / kind
    try:
        text = json.dumps({"format": FORMAT, "key": key, "payload": payload}, ensure_ascii=False,
                          allow_nan=False)
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, _path(kind, key))
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        _prune(folder)
        return True
    except (OSError, ValueError, TypeError):
        return False


def _prune(folder: Path) -> None:
    entries = [p for p in folder.glob("*.json") if not p.name.startswith(".")]
    if len(entries) <= MAX_ENTRIES:
        return
    entries.sort(key=lambda p: p.stat().st_mtime_ns)
    for p in entries[:len(entries) - MAX_ENTRIES]:
        try:
            p.unlink()
        except OSError:
            pass
