"""``[dynamics]``: the dynamics a scenario is analysed under by default.

Form::

    [dynamics]
    name = "logit"      # replicator (the default without the table), maynard_smith, mutator, logit, bnn, smith
    eta = 0.1           # its options, numbers (logit: eta; mutator: mu)

The table is kept as the spec the command line takes (``"logit:eta=0.1"``);
whether the options fit the dynamics is checked where it is derived
(:func:`evogame.dynamics.derive`).  The names are listed here so that the
loader needs nothing above the game model; a test keeps them equal to
:data:`evogame.dynamics.DYNAMICS`.
"""
from __future__ import annotations

from typing import Any, Mapping

from ..errors import did_you_mean
from .checks import err, number, show

#: the dynamics a scenario may name
DYNAMICS_NAMES = ("replicator", "maynard_smith", "mutator", "logit", "bnn", "smith")


def parse_dynamics(data: Mapping[str, Any], file: str) -> str:
    """The ``[dynamics]`` table as a spec, ``"replicator"`` when the table is absent."""
    if "dynamics" not in data:
        return "replicator"
    table = data["dynamics"]
    if not isinstance(table, Mapping):
        raise err("a table was expected", file, "dynamics", found=show(table),
                  expected='[dynamics] with name = "..." and the options of that dynamics')
    name = table.get("name")
    if not isinstance(name, str) or name not in DYNAMICS_NAMES:
        raise err(f"unknown dynamics {show(name)}" if name is not None else "missing", file, "dynamics.name",
                  expected="one of " + ", ".join(DYNAMICS_NAMES),
                  suggestion=did_you_mean(name, DYNAMICS_NAMES) if isinstance(name, str) else None)
    options = {k: number(v, file, f"dynamics.{k}") for k, v in table.items() if k != "name"}
    return name + (":" + ",".join(f"{k}={float(v)!r}" for k, v in options.items()) if options else "")
