"""Progress on stderr for the commands that can run longer than a second: one module, used by every command.

Two kinds, both fed by the library's optional ``progress`` callbacks (the
library never imports click or this module):

* :class:`ProgressBar` -- for work counted in items (grid points, draws,
  starts, rest points): called as ``bar(done, total)``.  It is drawn on
  stderr only when stderr is a terminal, and only once the work has taken
  more than :data:`DELAY` seconds (a quick command prints nothing), redrawn
  at most every :data:`INTERVAL` seconds, and ended with a newline.
  ``total`` may grow between calls (a study that learns how much work is
  left as it goes).
* :func:`steps` -- for work done in a few named steps (the report's
  sections, the presets): one line ``PREFIX: STEP`` per step on stderr.

A command passes ``enabled=False`` with ``--json`` (and ``--quiet``), so that
stdout holds only the JSON and stderr stays empty.
"""
from __future__ import annotations

import sys
import time
from typing import Callable

import click

__all__ = ["ProgressBar", "steps", "on_terminal", "DELAY"]

#: seconds of work before a bar is drawn
DELAY = 1.0
#: seconds between redraws
INTERVAL = 0.1
WIDTH = 30


def on_terminal(stream) -> bool:
    """Whether ``stream`` is an interactive terminal (a bar there; nothing in a pipe, a file or a log)."""
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:   # a closed stream
        return False


class ProgressBar:
    """``bar(done, total)``: a progress bar on stderr, shown only after :data:`DELAY` seconds on a terminal.

    Use it as a context manager (the bar's line is ended on leaving, also on an error)::

        with ProgressBar("analysing each grid point", enabled=not as_json) as progress:
            result = sweep(..., progress=progress)
    """

    def __init__(self, label: str, enabled: bool = True, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        self.label = label
        self.enabled = bool(enabled) and on_terminal(self.stream)
        self.start = time.monotonic()
        self.drawn = 0.0          # when the bar was last drawn (0: never)
        self.done, self.total = 0, 0

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = int(done), int(total)
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.start < DELAY:
            return
        if self.drawn and now - self.drawn < INTERVAL and self.done < self.total:
            return
        self.drawn = now
        self._draw(now)

    def _draw(self, now: float) -> None:
        total = max(self.total, self.done, 1)
        share = self.done / total
        filled = int(round(WIDTH * share))
        elapsed = now - self.start
        eta = f"  eta {elapsed * (1 - share) / share:.0f} s" if 0 < share < 1 else ""
        line = (f"{self.label}  [{'#' * filled}{' ' * (WIDTH - filled)}]  {share:4.0%}  "
                f"{self.done:,}/{total:,}{eta}")
        self.stream.write("\r" + line + "\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        """End the bar's line (if it was drawn)."""
        if self.drawn:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = 0.0

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def steps(prefix: str, enabled: bool = True) -> Callable[[str], None] | None:
    """A callback printing ``PREFIX: STEP`` on stderr for each step, or None when not ``enabled``."""
    if not enabled:
        return None

    def say(step: str) -> None:
        click.echo(f"{prefix}: {step}", err=True)
    return say
