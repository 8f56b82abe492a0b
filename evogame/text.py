"""Plain-text rendering of games and analyses for the terminal."""
from __future__ import annotations

import sympy

from .game import Game


def payoff_text(game: Game) -> str:
    """The payoff table (or matrix, or expected payoffs) as aligned text."""
    lines = []
    if game.payoff_table is not None:
        header = [p.name for p in game.populations] + [f"u_{p.name}" for p in game.populations]
        rows = []
        for idx, payoffs in sorted(game.payoff_table.items()):
            rows.append([p.strategies[i] for p, i in zip(game.populations, idx)]
                        + [sympy.sstr(u) for u in payoffs])
        lines += _align([header] + rows)
    elif game.matrix is not None:
        pop = game.populations[0]
        header = [f"{pop.name} (row vs column)"] + list(pop.strategies)
        rows = [[s] + [sympy.sstr(a) for a in row] for s, row in zip(pop.strategies, game.matrix)]
        lines += _align([header] + rows)
    else:
        for pop, fp in zip(game.populations, game.fitness):
            for s, f in zip(pop.strategies, fp):
                lines.append(f"f[{pop.name}.{s}] = {sympy.sstr(f)}")
    return "\n".join(lines)


def _align(rows) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    out.insert(1, "  ".join("-" * w for w in widths))
    return out


def analysis_text(analysis) -> str:
    """Payoff table, replicator equations, rest points, continua and notes."""
    game = analysis.game
    vals = ", ".join(f"{n}={float(v):g}" for n, v in analysis.values.items())
    parts = [f"{game.title}", "=" * len(game.title), "",
             "State: " + ", ".join(f"{v} = share of {pop.name} playing {pop.strategies[i]}"
                                   for pop, sl in zip(game.populations, game.slices())
                                   for i, v in enumerate(game.variables[sl])),
             f"Parameters: {vals}" if vals else "Parameters: none", "",
             "Payoffs", "-------", payoff_text(game), "",
             "Replicator equations", "--------------------"]
    parts += [f"d{e.lhs.args[0]}/dt = {sympy.sstr(e.rhs)}" for e in analysis.equations()]
    parts += ["", "Rest points", "-----------", analysis.table()]
    if analysis.symbolic_rest_points is not None:
        parts += ["", "Symbolic stability conditions", "-----------------------------"]
        for s in analysis.symbolic_rest_points:
            from .restpoints import face_label
            state = ", ".join(f"{v} = {sympy.sstr(e)}" for v, e in zip(game.variables, s["state"]))
            parts.append(f"{face_label(game, s['support'])}: {state}")
            if s.get("existence"):
                parts.append("  exists iff: " + " and ".join(sympy.sstr(c) for c in s["existence"]))
            if s.get("eigenvalues") is not None:
                parts.append("  eigenvalues: " + ", ".join(sympy.sstr(e) for e in s["eigenvalues"]))
            parts.append(f"  asymptotically stable iff ({s['criterion']}): {sympy.sstr(s['condition'])}")
    if analysis.notes:
        parts += ["", "Notes"] + [f"- {n}" for n in analysis.notes]
    parts.append(f"\n(analysis took {analysis.seconds:.2f} s)")
    return "\n".join(parts)
