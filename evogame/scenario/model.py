"""The typed result of reading a scenario: a game and what the file says around it."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping

from ..errors import unknown_name
from ..game import Game
from .delay import DelaySettings
from .mechanisms import Mechanism
from .noise import NoiseSettings
from .presets import Preset
from .simulation import SimulationSettings


@dataclass(frozen=True, eq=False)
class Scenario:
    """A game with its mechanisms, presets, target and simulation settings.

    Attributes
    ----------
    game : the game (with mechanisms or a preset applied, when a study made
        this scenario from another: ``game.origin`` says what).
    mechanisms : name -> :class:`Mechanism`, in file order.
    presets : name -> :class:`Preset`, in file order.
    target : strategy indices of ``[game] target`` (full collaboration), or None.
    simulation : the ``[simulation]`` settings.
    file : the scenario file's path (None for a game built in code).
    dynamics : the ``[dynamics]`` the scenario is analysed under by default
        (``"replicator"``, ``"logit:eta=0.1"``...).
    delay : the ``[delay]`` settings (information delay of the payoffs), or None.
    perception : the :class:`~evogame.perception.Perception` of ``[perception]`` (the game then holds
        the perceived payoffs; ``perception.expected`` the expected ones), or None.
    """

    game: Game
    mechanisms: Mapping[str, Mechanism] = field(default_factory=dict)
    presets: Mapping[str, Preset] = field(default_factory=dict)
    target: tuple[int, ...] | None = None
    simulation: SimulationSettings = field(default_factory=SimulationSettings)
    file: str | None = None
    dynamics: str = "replicator"
    noise: NoiseSettings | None = None    # the [noise] section (evogame.scenario.noise), None when absent
    delay: DelaySettings | None = None
    perception: object = None    # the [perception] section's Perception (evogame.perception), None when absent

    @property
    def target_key(self) -> str | None:
        """The target as written in the file, ``"loose.active"`` (None without a target)."""
        return None if self.target is None else self.game.profile_key(self.target)

    def mechanism(self, name: str) -> Mechanism:
        """A declared mechanism by name (a ScenarioError with a near miss when unknown)."""
        if name not in self.mechanisms:
            raise unknown_name("mechanism", name, self.mechanisms, file=self.file, argument="mechanisms",
                               section="[[mechanisms]]")
        return self.mechanisms[name]

    def preset(self, name: str) -> Preset:
        """A declared preset by name (a ScenarioError with a near miss when unknown)."""
        if name not in self.presets:
            raise unknown_name("preset", name, self.presets, file=self.file, argument="preset",
                               section="[presets]")
        return self.presets[name]

    def with_game(self, game: Game) -> "Scenario":
        """The same scenario around another game (e.g. with mechanisms applied)."""
        return replace(self, game=game)

    def _repr_html_(self) -> str:
        """The game's display (payoffs, equations: :func:`evogame.render.notebook.game_html`, through the game), the
        target, and a table each of the mechanisms and presets with what they set.

        The loader imports nothing above the game model (docs/explanation/architecture.md), so these two tables are
        plain HTML here rather than the report's document model.
        """
        import html

        import sympy

        def table(title: str, header: str, items) -> str:
            rows = "".join(f"<tr><td>{html.escape(i.name)}</td><td>{html.escape(i.label())}</td><td>"
                           + html.escape("; ".join(f"{k} → {sympy.sstr(v)}" for k, v in i.set.items()))
                           + "</td></tr>" for i in items)
            return (f"<h4>{title}</h4><table><thead><tr><th>{header[:-1]}</th><th>label</th><th>sets</th></tr>"
                    f"</thead><tbody>{rows}</tbody></table>") if items else ""
        target = (f"<p>Target (full collaboration): {html.escape(self.target_key)}</p>" if self.target_key else "")
        return (f"<div>{self.game._repr_html_()}{target}"
                f"{table('Mechanisms (s = strength)', 'mechanisms', list(self.mechanisms.values()))}"
                f"{table('Presets', 'presets', list(self.presets.values()))}</div>")

    def __repr__(self) -> str:
        return (f"<Scenario {self.file or self.game.name!r}: {self.game!r}; {len(self.mechanisms)} mechanisms, "
                f"{len(self.presets)} presets, target {self.target_key}>")


def as_scenario(subject: "Scenario | Game") -> Scenario:
    """A Scenario for a study: a scenario as it is, a bare game wrapped (no mechanisms, no target)."""
    if isinstance(subject, Scenario):
        return subject
    if isinstance(subject, Game):
        return Scenario(subject)
    raise TypeError(f"a Scenario or a Game was expected, not {type(subject).__name__}")
