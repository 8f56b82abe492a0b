"""Whether payoffs are positive on the whole state space (Maynard Smith, replicator-mutator need it)."""
from __future__ import annotations


import numpy as np
import sympy

from ..errors import UndefinedDynamics
from ..game import Game
from ..game.state_space import sample_states

#: quasi-random states at which a payoff that depends non-linearly on the state is checked
SAMPLES = 1024


def check_positive_payoffs(game: Game, fitness, values, what: str) -> str | None:
    """Raise :class:`AnalysisError` when an expected payoff can be <= 0 on the state space.

    ``fitness`` are the expected payoffs (structural sums expanded), ``values``
    the parameter values (name -> number).  For a matrix game (a
    payoff table or matrix with constant entries) an expected payoff is a
    convex combination of the entries, so it is positive everywhere iff every
    entry is: the check is exact.  Otherwise the payoffs are evaluated at every
    pure profile and at :data:`SAMPLES` quasi-random states, and the returned
    note says so.
    """
    subs = {game.parameters[n].symbol: v for n, v in values.items()}
    fitness = [[f.xreplace(subs) for f in fp] for fp in fitness]
    entries = _constant_entries(game, subs)
    if entries is not None:
        bad = [(label, v) for label, v in entries if not v > 0]
        if bad:
            label, v = bad[0]
            raise UndefinedDynamics(f"{what} needs positive payoffs, and the payoff {label} is {float(v):g}: the mean "
                                "payoff is not positive everywhere on the state space (add a constant to every "
                                "payoff, which leaves the replicator's rest points unchanged)")
        return None
    low = _sampled_minimum(game, fitness)
    if not low > 0:
        raise UndefinedDynamics(f"{what} needs positive payoffs, and an expected payoff reaches {low:g} on the state "
                            "space")
    return (f"{what}: payoffs checked positive at every pure profile and {SAMPLES} quasi-random states "
            f"(minimum {low:.4g}), not proved")


def positive_on_grid(game: Game, symbols, grids, others) -> np.ndarray | None:
    """Where every payoff entry of a matrix game is positive, on a grid of the swept ``symbols``.

    ``others`` substitutes the parameters that are not swept.  Exact in the
    sense of :func:`check_positive_payoffs` (a matrix game's expected payoffs
    are convex combinations of its entries); None for a game that is not a
    matrix game.
    """
    entries = _constant_entries(game, others, numbers=False)
    if entries is None or any(not u.free_symbols <= set(symbols) for _, u in entries):
        return None
    fn = sympy.lambdify(list(symbols), [u for _, u in entries], modules="numpy")
    shape = np.broadcast_shapes(*[np.shape(g) for g in grids])
    with np.errstate(all="ignore"):
        values = [np.broadcast_to(np.asarray(v, dtype=float), shape) for v in fn(*grids)]
    return np.all(np.stack(values) > 0, axis=0) if values else np.ones(shape, dtype=bool)


def _constant_entries(game: Game, subs, numbers: bool = True):
    """``[(label, value)]`` of every payoff entry when they are numbers (a matrix game), else None."""
    if game.payoff_table is not None:
        out = []
        for idx, payoffs in game.payoff_table.items():
            for p, u in enumerate(payoffs):
                out.append((f"of {game.populations[p].name} at {game.profile_label(idx)}", u))
    elif game.matrix is not None:
        pop = game.populations[0]
        out = [(f"({pop.strategies[i]}, {pop.strategies[j]})", a) for i, row in enumerate(game.matrix)
               for j, a in enumerate(row)]
    else:
        return None
    out = [(label, sympy.sympify(u).xreplace(subs)) for label, u in out]
    if not numbers:   # entries free of the state, possibly with (swept) parameters
        return out if all(not (u.free_symbols & set(game.variables)) for _, u in out) else None
    return out if all(u.is_number for _, u in out) else None


def _sampled_minimum(game: Game, fitness) -> float:
    """The least expected payoff at every pure profile and at SAMPLES quasi-random states."""
    fn = sympy.lambdify(list(game.variables), [f for fp in fitness for f in fp], modules="numpy")
    states = np.vstack([np.array([z for _, z in game.pure_states()], dtype=float),
                        sample_states(game, SAMPLES, seed=7)])
    values = [np.broadcast_to(np.asarray(v, dtype=float), (len(states),)) for v in fn(*states.T)]
    return float(np.min(values))
