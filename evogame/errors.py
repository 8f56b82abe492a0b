"""Error types of evogame: one exception per kind of mistake.

Every user-facing error carries where the mistake is (file, key) and what was
expected, so the command line can print a one-paragraph message and exit 2
without a traceback.  The library never calls ``sys.exit``.

A key is a place in the scenario file (``parameters.d.value``); a value that
came in as an argument of a library call names that ``argument`` instead
(``params``, ``mechanisms``, ``target``...).  The library speaks its own
vocabulary: the command line maps arguments to its option names
(``evogame.cli.messages``), so no library message mentions ``--param``.
"""
from __future__ import annotations

import difflib
from typing import Iterable


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """Return the closest candidate to ``name`` (case-insensitive), or None."""
    candidates = list(candidates)
    lowered = {c.lower(): c for c in candidates}
    if name.lower() in lowered and lowered[name.lower()] != name:
        return lowered[name.lower()]
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return close[0] if close else None


def unknown_name(kind: str, name: str, known, *, file: str | None, section: str, key: str | None = None,
                 argument: str | None = None) -> "ScenarioError":
    """The error for a name the scenario does not declare (a mechanism, a preset...).

    ``key`` when the name is written in the file, ``argument`` when it was
    passed to a library call.
    """
    known = list(known)
    return ScenarioError(f"unknown {kind} '{name}'", file=file, key=key, argument=argument,
                         expected=("one of " + ", ".join(known)) if known
                         else f"a {kind} declared in the scenario's {section} (it declares none)",
                         suggestion=did_you_mean(name, known))


def install_hint(extra: str) -> str:
    """How to install the optional ``extra``, both from the package index and from a checkout.

    ``'pip install "evogame[explore]" (from a checkout of the repository: pip install ".[explore]")'``:
    one place words every missing-extra message, so that none forgets the form a user of a clone needs.
    """
    return f'pip install "evogame[{extra}]" (from a checkout of the repository: pip install ".[{extra}]")'


class EvogameError(Exception):
    """Base class of every error evogame raises on purpose."""


class ScenarioError(EvogameError):
    """A scenario (file or in-memory description) is invalid.

    Parameters
    ----------
    message : what is wrong, in words.
    file : the scenario file's path, if any.
    key : the key (dotted path) or position in the file.
    argument : the argument of a library call that carried the bad value
        (``params``, ``mechanisms``, ``target``...), when it did not come
        from the file.
    expected, found : what was expected and what was found.
    suggestion : a near-miss name ("did you mean ...").
    """

    def __init__(self, message: str, *, file: str | None = None, key: str | None = None,
                 argument: str | None = None, expected: str | None = None, found: str | None = None,
                 suggestion: str | None = None):
        self.message = message
        self.file = file
        self.key = key
        self.argument = argument
        self.expected = expected
        self.found = found
        self.suggestion = suggestion
        super().__init__(self.describe())

    def describe(self, argument_label: str | None = None) -> str:
        """The one-paragraph message: ``file, key 'k': message; expected ...; did you mean ...?``.

        ``argument_label`` replaces ``argument 'name'`` (the command line
        passes ``option --param``).
        """
        where = []
        if self.file:
            where.append(str(self.file))
        if self.key:
            where.append(f"key '{self.key}'")
        if self.argument:
            where.append(argument_label or f"argument '{self.argument}'")
        text = (": ".join([", ".join(where), self.message]) if where else self.message)
        if self.expected:
            text += f"; expected {self.expected}"
        if self.found is not None:
            text += f", found {self.found}"
        if self.suggestion:
            text += f"; did you mean '{self.suggestion}'?"
        return text

    def located(self, *, file: str | None = None, key: str | None = None,
                argument: str | None = None) -> "ScenarioError":
        """Return a copy with the file (and key or argument, if not yet known) filled in."""
        return type(self)(self.message, file=self.file or file, key=self.key or key,
                          argument=self.argument or argument, expected=self.expected, found=self.found,
                          suggestion=self.suggestion)


class ExpressionError(ScenarioError):
    """An expression in a scenario is not allowed or cannot be parsed."""


class AnalysisError(EvogameError):
    """An analysis cannot be carried out for the given game and options."""


class UndefinedDynamics(AnalysisError):
    """The dynamics is not defined at these parameter values (e.g. a mean payoff that can be <= 0)."""
