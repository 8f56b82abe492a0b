"""Time limits for blocks of work whose cost the input decides (sympy solving, parsing).

``with time_limit(seconds):`` raises :class:`Timeout` inside the block when
the time is up.  Used by the scenario loader (validation is bounded), the
rest-point solver (a sympy budget per face) and the symbolic stability
conditions.
"""
from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager


#: seconds after which the alarm fires again if its Timeout was swallowed
RETRY = 0.05


class Timeout(BaseException):
    """Raised inside a time-limited block (BaseException so sympy cannot swallow it)."""


@contextmanager
def time_limit(seconds: float | None):
    """Interrupt the block after ``seconds`` (main thread on POSIX; else no limit).

    Limits nest: inside an outer limit the inner block gets at most what is
    left of the outer one, and on leaving it the outer timer is re-armed with
    its remaining time (so an outer budget is never lost by an inner call).
    """
    if (not seconds or threading.current_thread() is not threading.main_thread()
            or not hasattr(signal, "setitimer")):
        yield
        return

    def handler(signum, frame):
        # Python swallows an exception raised inside a finaliser or a weakref callback (it is only
        # "unraisable"): the alarm re-arms itself, so a swallowed Timeout is raised again 50 ms later,
        # until it reaches the block (leaving the block disarms it)
        signal.setitimer(signal.ITIMER_REAL, RETRY)
        raise Timeout()

    outer_left = signal.getitimer(signal.ITIMER_REAL)[0]
    start = time.monotonic()
    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, min(seconds, outer_left) if outer_left > 0 else seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        if outer_left > 0:  # re-arm the enclosing limit with what is left of it
            signal.setitimer(signal.ITIMER_REAL, max(outer_left - (time.monotonic() - start), 1e-4))
