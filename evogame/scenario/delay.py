"""``[delay]``: the information delay of the payoffs (``evogame.studies.delay``).

    [delay]
    tau = 1.0                                   # every population sees payoffs 1 time unit late
    # tau = { superior = 1.0, subordinate = 0.5 }  # or one delay per population (missing: 0)
    history = "constant"                        # the state before t = 0: the initial state (default),
    # history = [0.5, 0.5]                      # or a given constant state
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from .checks import check_keys, err, number, show

DELAY_KEYS = ("tau", "history")


@dataclass(frozen=True)
class DelaySettings:
    """The scenario's ``[delay]`` table.

    Attributes
    ----------
    tau : one delay for every population (float), or population name -> delay.
    history : None (constant, equal to the initial state) or one state, as written.
    """

    tau: float | Mapping[str, float]
    history: tuple | None = None

    def to_dict(self) -> dict:
        return {"tau": dict(self.tau) if isinstance(self.tau, Mapping) else self.tau,
                "history": None if self.history is None else list(self.history)}


def parse_delay(data: Mapping[str, Any], populations, file: str) -> DelaySettings | None:
    """The ``[delay]`` settings (None when the section is absent), checked."""
    if "delay" not in data:
        return None
    table = data["delay"]
    if not isinstance(table, Mapping):
        raise err("a table was expected", file, "delay", found=show(table))
    check_keys(table, DELAY_KEYS, file, "delay")
    if "tau" not in table:
        raise err("missing key 'tau'", file, "delay.tau", expected="a delay >= 0, or a table population = delay")
    tau = table["tau"]
    names = [p.name for p in populations]
    if isinstance(tau, Mapping):
        for name, value in tau.items():
            if name not in names:
                raise err(f"unknown population '{name}'", file, f"delay.tau.{name}", expected="one of " + ", ".join(names))
            _delay(value, file, f"delay.tau.{name}")
        tau = {n: float(tau.get(n, 0.0)) for n in names}
    else:
        tau = _delay(tau, file, "delay.tau")
    dynamics = data.get("dynamics")
    if isinstance(dynamics, Mapping) and dynamics.get("name", "replicator") != "replicator":
        raise err("a delay is implemented for the replicator dynamics only", file, "delay",
                  expected='no [dynamics] table, or name = "replicator"',
                  found=f"[dynamics] name = {show(dynamics.get('name'))}")
    return DelaySettings(tau, _history(table.get("history"), populations, file))


def _delay(value, file, key) -> float:
    value = number(value, file, key)
    if value < 0:
        raise err("a delay must not be negative", file, key, expected="a time lag >= 0", found=show(value))
    return float(value)


def _history(history, populations, file) -> tuple | None:
    """``"constant"`` (None) or one state: reduced coordinates, or one probability vector per population."""
    if history is None or history == "constant":
        return None
    d = sum(p.n - 1 for p in populations)
    expected = (f"'constant' (the initial state), or a state: {d} shares (every strategy but the last, per "
                "population) or one probability vector per population")
    if not isinstance(history, list):
        raise err("unknown history", file, "delay.history", expected=expected, found=show(history))
    nested = (len(history) == len(populations)
              and all(isinstance(v, list) and len(v) == p.n for v, p in zip(history, populations)))
    blocks = ([[number(x, file, "delay.history") for x in v] for v in history] if nested else None)
    if blocks is None:
        if len(history) != d:
            raise err(f"{len(history)} numbers", file, "delay.history", expected=expected, found=show(history))
        flat = [number(x, file, "delay.history") for x in history]
        blocks, start = [], 0
        for p in populations:
            blocks.append(flat[start:start + p.n - 1])
            start += p.n - 1
    for p, block in zip(populations, blocks):
        total = sum(block)
        inside = (abs(total - 1) <= 1e-9) if nested else (total <= 1 + 1e-12)
        if min(block) < 0 or not inside:
            raise err(f"the shares of population '{p.name}' are outside the simplex", file, "delay.history",
                      expected=expected, found=show(history))
    return tuple(history)
