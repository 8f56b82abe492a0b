"""``[simulation]``: the final time and initial states of the scenario's evolution paths."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from .checks import MAX_INITIAL_STATES, SIMULATION_KEYS, check_keys, err, number, show


@dataclass(frozen=True)
class SimulationSettings:
    """The scenario's ``[simulation]`` table.

    Attributes
    ----------
    t_end : final time of evolution paths (None: the command's default).
    initial : initial states as written (each reduced coordinates, or one
        probability vector per population), or None.
    """

    t_end: float | None = None
    initial: tuple | None = None

    def to_dict(self) -> dict:
        return {"t_end": self.t_end, "initial": None if self.initial is None else [list(s) for s in self.initial]}


def parse_simulation(data: Mapping[str, Any], populations, file: str) -> SimulationSettings:
    """The ``[simulation]`` settings (empty when the section is absent), checked."""
    if "simulation" not in data:
        return SimulationSettings()
    sim = data["simulation"]
    _check(sim, populations, file)
    initial = sim.get("initial")
    return SimulationSettings(None if sim.get("t_end") is None else float(sim["t_end"]),
                              None if initial is None else tuple(initial))


def _check(sim, populations, file) -> None:
    """``[simulation]``: ``t_end`` > 0 and ``initial`` states in the product of simplices.

    An initial state is either reduced coordinates (the shares of every
    strategy but the last, per population) or one probability vector per
    population.
    """
    if not isinstance(sim, Mapping):
        raise err("a table was expected", file, "simulation", found=show(sim))
    check_keys(sim, SIMULATION_KEYS, file, "simulation")
    if "t_end" in sim:
        t_end = number(sim["t_end"], file, "simulation.t_end")
        if t_end <= 0:
            raise err("a positive final time was expected", file, "simulation.t_end", found=show(t_end))
    if "initial" not in sim:
        return
    initial = sim["initial"]
    d = sum(p.n - 1 for p in populations)
    if not isinstance(initial, list) or not initial or len(initial) > MAX_INITIAL_STATES:
        raise err("a non-empty list of initial states was expected", file, "simulation.initial",
                   found=show(initial), expected=f"at most {MAX_INITIAL_STATES} states, each a list of {d} shares")
    for k, state in enumerate(initial):
        key = f"simulation.initial[{k}]"
        if not isinstance(state, list):
            raise err("a list of shares was expected", file, key, found=show(state))
        nested = (len(state) == len(populations)
                  and all(isinstance(v, list) and len(v) == p.n for v, p in zip(state, populations)))
        if nested:
            for v, p in zip(state, populations):
                shares = [number(x, file, key) for x in v]
                if min(shares) < 0 or abs(sum(shares) - 1) > 1e-9:
                    raise err(f"the shares of population '{p.name}' are not a probability vector", file, key,
                               expected="non-negative shares summing to 1", found=show(v))
            continue
        if len(state) != d:
            raise err(f"{len(state)} numbers", file, key,
                       expected=f"{d} shares (every strategy but the last, per population) or one "
                                "probability vector per population", found=show(state))
        shares = [number(x, file, key) for x in state]
        start = 0
        for p in populations:
            block = shares[start:start + p.n - 1]
            start += p.n - 1
            if min(block) < 0 or sum(block) > 1 + 1e-12:
                raise err(f"the shares of population '{p.name}' are outside the simplex", file, key,
                           expected="non-negative shares summing to at most 1 (the last strategy has the rest)",
                           found=show(state))
