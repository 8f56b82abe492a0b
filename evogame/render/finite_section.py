"""The report's "Finite populations" section, built from a :class:`evogame.studies.finite.FiniteResult`."""
from __future__ import annotations

from ..util.formatting import number
from .document import Code, Column, Heading, Paragraph, Table, inline

__all__ = ["finite_blocks"]

_DIGITS = 4


def finite_blocks(result) -> list:
    """Heading, the process in one paragraph, the fixation table, the stationary table, the sharing level."""
    p = result.process
    sizes = ", ".join(map(str, p.sizes))
    process = (f"Pairwise comparison (Fermi) with exploration: Z = {sizes}, beta = {number(p.beta)}, "
               f"mu = {number(p.mutation)}. A revising individual explores another strategy with probability mu, "
               "else imitates a role model drawn from the other Z - 1 members of its population with probability "
               "1/(1 + exp(-beta (pi_model - pi_self))); one population revises per step, drawn uniformly. "
               "Payoffs without self-interaction"
               + (f" (groups of {result.group_size} drawn without replacement)" if result.group_size else
                  " (against the other populations' current shares)")
               + ". Fixation: rho = 1/(1 + sum_i prod_j T-(j)/T+(j)); nothing is sampled.")
    fixation = Table(tuple(Column() for _ in range(3)) + (Column("r"), Column("r")),
                     tuple(inline(h) for h in ("resident", "invader", "population", "rho", "rho/(1/Z)")),
                     tuple((inline(Code(i.resident)), inline(Code(i.invader)), inline(i.population),
                            inline(number(i.probability, _DIGITS)), inline(number(i.relative, _DIGITS)))
                           for i in result.small_mutation.invasions), small=True)
    full = result.stationary
    header = ("profile", "mu -> 0") + ((f"mu = {number(p.mutation)}",) if full else ())
    rows = tuple((inline(Code(label)), inline(number(v, _DIGITS)),
                  *((inline(number(full.corners[label], _DIGITS)),) if full else ()))
                 for label, v in zip(result.small_mutation.profiles, result.small_mutation.distribution))
    stationary = Table((Column(),) + tuple(Column("r") for _ in header[1:]), tuple(inline(h) for h in header), rows,
                       small=True)
    level = ", ".join(f"{pop} '{result.target_strategies[pop]}' {number(v, _DIGITS)}"
                      for pop, v in result.sharing_level.items())
    source = "the full chain" if full else "the small-mutation limit"
    return [Heading(inline("Finite populations")), Paragraph(inline(process)), fixation,
            Paragraph(inline("Stationary probability of each pure profile:")), stationary,
            Paragraph(inline(f"Mean sharing level ({source}; target ", Code(result.target), f"): {level}."))]
