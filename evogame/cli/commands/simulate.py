"""``evogame simulate``: integrate the replicator dynamics and print or write the paths."""
from __future__ import annotations

import click

from ..options import (POSITIVE, delay_option, dynamics_option, json_option, mechanism_option, param_option,
                           scenario_argument, strength_option)
from ..noise import noisy, simulate_noise_options, simulate_noisy_command
from ..output import echo_json, write_output
from ..values import load, parse_delay, parse_initial, parse_params
from ...errors import ScenarioError

__all__ = ["command"]


@click.command(epilog="""\b
Examples:
  evogame simulate scenarios/vertical.toml --initial 0.5,0.5 --initial 0.2,0.8 --t-end 20
  evogame simulate scenarios/vertical.toml --initial 0.5,0.5 --out paths.csv
  evogame simulate scenarios/vertical.toml -m platform --json
  evogame simulate scenarios/dual_leadership.toml --noise 0.5 --paths 2000 --seed 1 --json
  evogame simulate scenarios/vertical.toml -m dynamic_penalty --delay 0.1 --t-end 200
""")
@scenario_argument
@param_option
@mechanism_option()
@strength_option()
@dynamics_option
@delay_option
@click.option("--initial", "-i", multiple=True, metavar="X,Y,...",
              help="An initial state in reduced coordinates (repeatable); default: the scenario's "
                   "[simulation] initial states, else the centre.")
@click.option("--t-end", type=POSITIVE, default=None, help="Final time (default: the scenario's, else 50).")
@click.option("--points", type=click.IntRange(min=2, max=100000), default=201, show_default=True,
              help="Number of saved times.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the paths as CSV to this file instead of stdout.")
@click.option("--rtol", type=click.FloatRange(min=1e-14, max=0.1), default=1e-8, show_default=True,
              help="Relative tolerance per start and component (as solve_ivp's; not used with --delay or --noise, "
                   "which take fixed steps).")
@click.option("--atol", type=click.FloatRange(min=1e-16, max=0.1), default=1e-10, show_default=True,
              help="Absolute tolerance per start and component.")
@simulate_noise_options
@json_option
def command(scenario, params, mechanisms, strength, dynamics, delay, initial, t_end, points, rtol, atol, out,
            as_json, **stochastic):
    """Integrate the dynamics of SCENARIO (the replicator unless --dynamics) from initial states.

    CSV columns: start, t, then one column per state variable (the share of
    every strategy but the last, per population).  With --mechanism, the
    game with the mechanisms applied at --strength.

    With --noise (or a scenario [noise] sigma): dx = F(x) dt + sigma g(x) dW,
    --paths sample paths per initial state; --json prints mean, quantile bands,
    end-state shares and first passages, the CSV (columns start, path, t, ...)
    every path.
    With --delay (or a [delay] in the scenario), the payoffs are seen at the
    delayed state x(t - TAU) (method of steps; see docs/how-to/delay.md).
    """
    from ...dynamics.simulation import simulate
    from ...studies.mechanisms import apply

    subject = load(scenario)
    overrides = parse_params(subject, params)
    starts = parse_initial(subject, initial) if initial else _default_starts(subject)
    if t_end is None:
        t_end = 50.0 if subject.simulation.t_end is None else subject.simulation.t_end
    if mechanisms:
        subject = apply(subject, list(mechanisms), strength)
    if noisy(subject, stochastic["noise"]):
        if delay:
            raise ScenarioError("--noise and --delay together: a stochastic delay equation is not offered",
                                key="--delay", expected="either --noise or --delay")
        return simulate_noisy_command(subject, starts, t_end, overrides, points, dynamics, out, as_json, **stochastic)
    delay = parse_delay(subject, delay)
    if delay is not None or subject.delay is not None:
        from ...studies.delay import simulate_delayed
        result = simulate_delayed(subject, starts, t_end, delay=delay, params=overrides, n_points=points,
                                  dynamics=dynamics)
    else:
        result = simulate(subject, starts, t_end, params=overrides, n_points=points, dynamics=dynamics, rtol=rtol,
                          atol=atol)
    if as_json:
        echo_json(result.to_dict())
        return
    text = _csv(result, subject.game.variables)
    if out:
        write_output(out, text)
        click.echo(f"wrote {result.paths.shape[0]} paths x {len(result.times)} times to {out}", err=True)
    else:
        click.echo(text, nl=False)
    used = getattr(result, "tolerances", None)
    if used:   # the tolerances the paths were integrated with, where the CSV has no room for them
        tolerances = f" with rtol={used['rtol']:g}, atol={used['atol']:g}" if "rtol" in used else ""
        click.echo(f"integrated by {used['method']}{tolerances}", err=True)


def _default_starts(subject) -> list[list[float]]:
    """The scenario's [simulation] initial states, else the centre of the state space."""
    if subject.simulation.initial is not None:
        return list(subject.simulation.initial)
    centre = [[1.0 / p.n for _ in range(p.n - 1)] for p in subject.game.populations]
    return [[v for block in centre for v in block]]


def _csv(result, variables) -> str:
    header = ["start", "t"] + [str(v) for v in variables]
    lines = [",".join(header)]
    for b in range(result.paths.shape[0]):
        for k, t in enumerate(result.times):
            lines.append(",".join([str(b), f"{t:.10g}"] + [f"{v:.12g}" for v in result.paths[b, k]]))
    return "\n".join(lines) + "\n"
