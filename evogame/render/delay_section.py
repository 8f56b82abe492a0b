"""The "Delay" section of ``evogame analyze --delay``: a :class:`~evogame.studies.delay.analysis.DelayAnalysis` as text."""
from __future__ import annotations

from ..util.formatting import number
from .document import Column, Heading, Paragraph, Table, inline
from .plain import block_text

__all__ = ["delay_text"]

_DIGITS = 4

_NOTE = ("Payoffs seen at x(t - tau), shares current; linearised dz/dt = A0 z(t) + A1 z(t - tau), characteristic "
         "equation det(lambda I - A0 - A1 e^(-lambda tau)) = 0. Closed form where A0 = 0 (interior points): "
         "tau* = min over eigenvalues mu of ((arg mu - pi/2) mod 2 pi)/|mu|, omega* = |mu|; corners have A1 = 0 "
         "(stability independent of the delay); otherwise the crossings i omega are found numerically and "
         "certified by the residual of the characteristic equation. tau* is given for points stable at tau = 0+ "
         "(0: any delay destabilises a centre); the verdict is the linearisation's (principle of linearised "
         "stability for delay equations).")


def delay_text(result) -> str:
    """The section: per rest point the method, ``tau*``, ``omega*``, the residual and the verdict at ``tau``."""
    rows = [(p.label, p.stability.method, _tau_star(p.stability),
             "" if p.stability.omega_star is None else number(p.stability.omega_star, _DIGITS),
             "" if p.stability.residual is None else f"{p.stability.residual:.1e}", p.verdict or "-")
            for p in result.points]
    at = "tau = " + number(result.tau, _DIGITS) if result.tau is not None else "unequal delays"
    header = ("rest point", "method", "tau* (Hopf)", "omega*", "residual", f"at {at}")
    table = Table((Column(),) * len(header), tuple(inline(h) for h in header),
                  tuple(tuple(inline(c) for c in r) for r in rows))
    note = _NOTE
    if result.tau is None:
        note += (" The populations' delays differ: tau* is for a common delay; the verdict at the given delays is "
                 "the sign of the rightmost characteristic root (pseudospectral discretisation of the generator).")
    return "\n".join(block_text(b) for b in (Heading(inline("Delay")), table, Paragraph(inline(note))))


def _tau_star(s) -> str:
    if s.method == "delay-independent":
        return "none (A1 = 0)"
    if s.zero_root:
        return "none (zero eigenvalue)"
    if s.tau_star is None:
        return "none (unstable at 0)" if s.unstable_at_zero else "none (no crossing)"
    return number(s.tau_star, _DIGITS)
