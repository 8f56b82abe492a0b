"""Scenario files (TOML): one file describes a game, its parameters and mechanisms.

The loader only parses and validates; it contains no mathematics.  Every
expression goes through the whitelist parser of :mod:`evogame.expressions`
(never ``eval`` or ``sympify`` on raw text), and every mistake raises a
:class:`ScenarioError` naming the file, the key and what was expected.

Form (see ``scenarios/vertical.toml`` for a full example)::

    [game]
    name = "vertical"
    title = "Vertical hierarchical game"
    matching = "populations"        # or "symmetric": one population matched with itself

    [[populations]]
    name = "superior"
    strategies = ["strict", "loose"]
    label_en = "Superior government"          # optional display names
    label_zh = "上级政府"
    strategy_labels_en = ["Strict", "Loose"]
    strategy_labels_zh = ["严格监管", "宽松监管"]
    variable = "x"                            # optional state symbol

    [parameters]
    c_S = 2.0                                  # a default value, or a table:
    d = { value = 0.5, range = [0, 1], description = "detection probability", stands_for = "default" }

    [payoffs]                                  # one strategy per population, joined by "."
    "strict.active" = ["V_U - c_S - r", "beta*B + m*G - c_D - lambda*L + r"]

    # or, for games that are not matrix games, expected payoffs in the state:
    [fitness]
    "departments.share" = "b*x - c"
    "departments.not" = "b*x"

Validation (every mistake is one :class:`~evogame.errors.ScenarioError` with
the file, the line where it can be found, the key, what was expected, what
was found and, for a near-miss name, a suggestion):

* the file: a regular file of at most 256 KiB of UTF-8 text (no byte-order
  mark, no NUL bytes), no line longer than 10 000 characters, valid TOML
  (the error gives tomllib's line and column), tables nested at most 16 deep;
* sections and keys: only the known ones (near misses suggested); the right
  types everywhere; at most 12 populations of at most 24 strategies and at
  most 20 000 payoff profiles; at most 1000 parameters;
* names: population, strategy, parameter and variable names are distinct;
  strategy and population names contain no '.'; parameter and variable names
  are ASCII identifiers that are not the reserved ``strength`` (a mechanism's
  strength) nor a function of the expression language (exp, log, sqrt, abs,
  min, max, binomial, sum);
* numbers: finite, within 1e-300..1e300 in magnitude; a parameter's value
  lies in its declared ``range``.  **A parameter whose range is [0, 1] is a
  probability or a fraction**: its default, every preset, every mechanism at
  strength 1 and every ``--param`` override must lie in [0, 1] (the same
  rule holds for any declared range);
* payoffs: one entry per profile, keys naming one known strategy per
  population (quoted, so that the '.' stays in the key), one expression per
  population; expressions use declared names only;
* ``[game] target``: one known strategy per population joined by '.';
* ``[simulation]``: ``t_end`` > 0 and ``initial`` states inside the product
  of simplices;
* ``[[mechanisms]]`` and ``[presets]`` are checked by their own modules;
  then every mechanism, at strength 1 and the defaults, must keep the
  parameters it sets inside their declared ranges.

Validation of one file takes at most 30 seconds (in practice milliseconds);
beyond that it is refused as too costly.
"""
from __future__ import annotations

import math
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Mapping

from .errors import ScenarioError, did_you_mean

TOP_LEVEL = ("game", "populations", "parameters", "payoffs", "fitness", "mechanisms", "presets",
             "simulation")
GAME_KEYS = ("name", "title", "description", "matching", "source", "target")
POPULATION_KEYS = ("name", "strategies", "variable", "label_en", "label_zh", "strategy_labels_en",
                   "strategy_labels_zh", "description")
PARAMETER_KEYS = ("value", "range", "description", "stands_for", "integer", "label_en", "label_zh")
SIMULATION_KEYS = ("t_end", "initial")

#: names that cannot be parameters or state variables
RESERVED_NAMES = ("strength", "exp", "log", "sqrt", "abs", "min", "max", "binomial", "sum")

# Limits that keep validation bounded in time and memory whatever the file.
MAX_BYTES = 256 * 1024
MAX_LINE = 10_000
MAX_DEPTH = 16
MAX_POPULATIONS = 12
MAX_STRATEGIES = 24
MAX_PROFILES = 20_000
MAX_PARAMETERS = 1000
MAX_INITIAL_STATES = 10_000
MAX_MAGNITUDE = 1e300
MAX_SECONDS = 30.0

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def load_scenario(path: str | os.PathLike):
    """Read a scenario file and return its :class:`~evogame.game.Game`.

    The game carries ``game.scenario``: a dict with the file path and the
    raw ``mechanisms``, ``presets`` and ``simulation`` sections.  Raises
    :class:`ScenarioError` for every problem with the file (see the module
    docstring for the rules).
    """
    try:
        return _load(Path(path))
    except ScenarioError as exc:
        raise _at(exc, getattr(exc, "line", None)) from None


def _load(path: Path):
    file = str(path)
    try:
        exists, is_dir, is_file = path.exists(), path.is_dir(), path.is_file()
    except OSError as exc:  # e.g. a name too long for the file system
        raise ScenarioError(f"cannot open the file ({exc.strerror})", file=file) from None
    if not exists:
        raise ScenarioError("no such file", file=file, expected="a scenario file (.toml)")
    if is_dir:
        raise ScenarioError("is a directory", file=file, expected="a scenario file (.toml)")
    if not is_file:  # a FIFO or a device could block or never end
        raise ScenarioError("is not a regular file", file=file, expected="a scenario file (.toml)")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(f"cannot read the file ({exc.strerror})", file=file) from None
    return parse_scenario(decode(raw, file), file=file)


def decode(raw: bytes, file: str = "<bytes>") -> str:
    """Scenario bytes -> text: UTF-8 without BOM, no NUL bytes, at most ``MAX_BYTES``."""
    if len(raw) > MAX_BYTES:
        raise ScenarioError(f"the file is too large (more than {MAX_BYTES // 1024} KiB)", file=file,
                            expected="a scenario file of a few KiB")
    for bom, name in ((b"\xef\xbb\xbf", "UTF-8"), (b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
                      (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16")):
        if raw.startswith(bom):
            hint = "save it as UTF-8 without BOM" if name == "UTF-8" else "save it as UTF-8"
            raise ScenarioError(f"the file starts with a {name} byte-order mark", file=file,
                                expected=f"UTF-8 text without a byte-order mark ({hint})")
    if b"\x00" in raw:
        line = raw[:raw.index(b"\x00")].count(b"\n") + 1
        raise ScenarioError(f"the file contains NUL bytes (from line {line}): it is binary, not text",
                            file=file, expected="a UTF-8 TOML text file")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ScenarioError(f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line})",
                            file=file, expected="a UTF-8 TOML file (save it as UTF-8)") from None


def parse_scenario(text: str, *, file: str = "<string>"):
    """Parse scenario TOML text (see module docstring) into a Game.

    Every error raised is a :class:`ScenarioError`; when the key it names can
    be found in ``text``, its line number is added (``file:line`` in the
    message and the ``line`` attribute).
    """
    if not isinstance(text, str):
        raise ScenarioError("scenario text was expected", file=file, found=type(text).__name__)
    if len(text) > MAX_BYTES:
        raise ScenarioError(f"the scenario is too large (more than {MAX_BYTES} characters)", file=file,
                            expected="a scenario of a few KiB")
    if text.startswith("\ufeff"):
        raise ScenarioError("the text starts with a byte-order mark", file=file,
                            expected="UTF-8 text without a byte-order mark (save it as UTF-8 without BOM)")
    for number, line in enumerate(text.splitlines(), 1):
        if len(line) > MAX_LINE:
            raise _at(ScenarioError(f"line {number} is too long ({len(line)} characters)", file=file,
                                    expected=f"lines of at most {MAX_LINE} characters"), number)
    from .timelimit import Timeout, time_limit

    try:
        with time_limit(MAX_SECONDS):
            try:
                data = tomllib.loads(text)
            except tomllib.TOMLDecodeError as exc:
                raise _syntax_error(exc, text, file) from None
            except RecursionError:
                raise ScenarioError("values are nested too deeply for TOML", file=file,
                                    expected=f"at most {MAX_DEPTH} levels of tables and arrays") from None
            _check_depth(data, file)
            try:
                return scenario_from_dict(data, file=file)
            except ScenarioError as exc:
                if not exc.file:
                    exc = exc.located(file=file)
                raise _at(exc, _line_of(text, exc.key)) from None
    except Timeout:
        raise ScenarioError(f"validating the scenario took more than {MAX_SECONDS:g} seconds", file=file,
                            expected="simpler expressions (the file is too costly to check)") from None
    except RecursionError:
        raise ScenarioError("the scenario is nested too deeply", file=file,
                            expected="simpler expressions and tables") from None


def _syntax_error(exc: tomllib.TOMLDecodeError, text: str, file: str) -> ScenarioError:
    message = str(exc)
    m = _TOML_POSITION.search(message)
    found = None
    line = None
    if m:
        line = int(m.group(1))
        lines = text.splitlines()
        if 1 <= line <= len(lines):
            found = _show(lines[line - 1].strip())
    err = ScenarioError(f"TOML syntax error: {message}", file=file, found=found,
                        expected=_syntax_hint(message))
    return _at(err, line)


def _syntax_hint(message: str) -> str | None:
    if "Cannot overwrite a value" in message or "Cannot declare" in message:
        return "every key once per table (a key or table declared twice)"
    if "invalid character '\\r'" in message:
        return "Unix (LF) or Windows (CRLF) line endings, not old Mac (CR) ones"
    if "Found invalid character" in message:
        return "printable text (control characters are not allowed in TOML)"
    if "Invalid value" in message:
        return "a value: a number, a \"quoted string\", true/false, [an, array] or { an = inline-table }"
    if "Expected '=' after a key" in message:
        return "key = value (quote keys that contain dots or spaces: \"strict.active\" = ...)"
    return None


def _at(exc: ScenarioError, line: int | None) -> ScenarioError:
    """Add a line number to an error (``file:line`` in its message, and ``exc.line``).

    The message is also made one printable line: names taken from the file
    may hold newlines or control characters, which are shown escaped.
    """
    exc.line = line
    text = exc.describe()
    if line:
        if exc.file and text.startswith(str(exc.file)):
            text = f"{exc.file}:{line}" + text[len(str(exc.file)):]
        else:
            text = f"line {line}: {text}"
    exc.args = ("".join(c if c.isprintable() else repr(c)[1:-1] for c in text),)
    return exc


def _line_of(text: str, key: str | None) -> int | None:
    """Best-effort line of a dotted key (``parameters.d.value``, ``populations[0].name``) in TOML text.

    Finds the section's header, then each further part of the key in order
    (as a key, a table header, or a ``name = "..."`` value) inside that
    section; returns the line of the deepest part found, or None.
    """
    if not key or key.startswith("-"):
        return None
    parts = re.findall(r"\[\d+\]|[^.\[\]]+", key)
    if not parts:
        return None
    lines = text.splitlines()
    section = parts[0]
    header = re.compile(r"\s*\[\[?\s*[\"']?" + re.escape(section) + r"[\"']?\s*[\].]")
    start = next((i for i, line in enumerate(lines) if header.match(line)), None)
    if start is None:  # a top-level key (no table header)
        top = re.compile(r"\s*[\"']?" + re.escape(section) + r"[\"']?\s*[=.]")
        start = next((i for i, line in enumerate(lines) if top.match(line)), None)
        return None if start is None else start + 1
    end = len(lines)
    for i in range(start + 1, len(lines)):
        stripped = lines[i].lstrip()
        if stripped.startswith("[") and not header.match(lines[i]):
            end = i
            break
    found, at = start, start
    for part in parts[1:]:
        if re.fullmatch(r"\[\d+\]", part):  # the k-th [[section]] table
            k = int(part[1:-1])
            heads = [i for i in range(start, end) if re.match(r"\s*\[\[", lines[i]) and header.match(lines[i])]
            if k >= len(heads):
                break
            found = at = heads[k]
            continue
        t = re.escape(part)
        pattern = re.compile(r"(?:^|[\s{,.\[])[\"']?" + t + r"[\"']?\s*(?:=|\.|\]|,)"
                             r"|\bname\s*=\s*[\"']" + t + r"[\"']")
        hit = next((i for i in range(at, end) if pattern.search(lines[i])), None)
        if hit is None:
            break
        found = at = hit
    return found + 1


def _check_depth(data, file) -> None:
    """Refuse values nested deeper than MAX_DEPTH (iteratively: no recursion)."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ScenarioError("values are nested too deeply", file=file,
                                expected=f"at most {MAX_DEPTH} levels of tables and arrays")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def _err(msg, file, key, **kw):
    return ScenarioError(msg, file=file, key=key, **kw)


def _check_keys(table: Mapping, allowed, file, where):
    for k in table:
        if k not in allowed:
            raise _err(f"unknown key '{k}'", file, f"{where}.{k}" if where else k,
                       expected="one of " + ", ".join(allowed), suggestion=did_you_mean(k, allowed))


def _string(v, file, key, *, required=True):
    if v is None and not required:
        return None
    if not isinstance(v, str) or not v.strip():
        raise _err("a non-empty string was expected", file, key, found=_show(v))
    return v


def _text(v, file, key) -> str:
    """An optional free text (description, source): a string, possibly empty."""
    if v is None:
        return ""
    if not isinstance(v, str):
        raise _err("a string was expected", file, key, found=_show(v))
    return v


def _show(v) -> str:
    text = repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


def _number(v, file, key):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise _err("a number was expected", file, key, found=_show(v))
    if isinstance(v, float) and not math.isfinite(v):
        raise _err("a finite number was expected", file, key, found=_show(v))
    if v != 0 and not 1e-300 <= abs(v) <= MAX_MAGNITUDE:
        raise _err("the number's magnitude is outside 1e-300..1e300", file, key, found=_show(v),
                   expected="a number of reasonable magnitude")
    return v


def _identifier(name, file, key, what) -> str:
    """A parameter or state-variable name: ASCII identifier, not reserved."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise _err(f"{_show(name)} is not a valid {what} name", file, key,
                   expected="ASCII letters, digits and underscores, starting with a letter")
    if name in RESERVED_NAMES:
        why = ("the strength of a mechanism" if name == "strength"
               else "a function of the expression language")
        raise _err(f"'{name}' is reserved ({why}) and cannot be a {what} name", file, key,
                   expected="another name")
    return name


def scenario_from_dict(data: Mapping[str, Any], *, file: str = "<dict>"):
    """Build a Game from an already-parsed scenario mapping (see the module docstring)."""
    from .expressions import parse_expression
    from .game import Game, Parameter, Population, exact, parameter_symbol, state_names

    if not isinstance(data, Mapping):
        raise _err("a table was expected at the top level", file, None)
    _check_keys(data, TOP_LEVEL, file, "")
    game_table = data.get("game", {})
    if not isinstance(game_table, Mapping):
        raise _err("a table was expected", file, "game", found=_show(game_table))
    _check_keys(game_table, GAME_KEYS, file, "game")
    name = _string(game_table.get("name", Path(file).stem or "game"), file, "game.name")
    title = _string(game_table.get("title", name), file, "game.title")
    description = _text(game_table.get("description"), file, "game.description")
    _text(game_table.get("source"), file, "game.source")
    matching = game_table.get("matching", "populations")
    if matching not in ("populations", "symmetric"):
        raise _err("unknown matching", file, "game.matching", expected="'populations' or 'symmetric'",
                   found=_show(matching), suggestion=did_you_mean(str(matching), ("populations", "symmetric")))

    # populations -----------------------------------------------------------
    pops_raw = data.get("populations")
    if isinstance(pops_raw, Mapping):
        raise _err("a list of tables was expected", file, "populations",
                   expected="one [[populations]] table (double brackets) per population", found="[populations]")
    if not isinstance(pops_raw, list) or not pops_raw:
        raise _err("missing or empty", file, "populations",
                   expected="one [[populations]] table per population")
    if len(pops_raw) > MAX_POPULATIONS:
        raise _err(f"{len(pops_raw)} populations", file, "populations",
                   expected=f"at most {MAX_POPULATIONS} populations")
    populations = []
    for k, p in enumerate(pops_raw):
        where = f"populations[{k}]"
        if not isinstance(p, Mapping):
            raise _err("a table was expected", file, where, found=_show(p))
        _check_keys(p, POPULATION_KEYS, file, where)
        pname = _string(p.get("name"), file, f"{where}.name")
        if "." in pname:
            raise _err(f"population name '{pname}' contains '.'", file, f"{where}.name",
                       expected="a name without dots (dots join 'population.strategy' keys)")
        where = f"populations.{pname}"
        strategies = p.get("strategies")
        if not isinstance(strategies, list) or len(strategies) < 2:
            raise _err("a list of two or more strategy names was expected", file, f"{where}.strategies",
                       found=_show(strategies))
        if len(strategies) > MAX_STRATEGIES:
            raise _err(f"{len(strategies)} strategies", file, f"{where}.strategies",
                       expected=f"at most {MAX_STRATEGIES} strategies per population")
        for s in strategies:
            _string(s, file, f"{where}.strategies")
            if "." in s:
                raise _err(f"strategy name '{s}' contains '.'", file, f"{where}.strategies",
                           expected="names without dots (dots join profiles)")
        labels = {}
        for key in ("strategy_labels_en", "strategy_labels_zh"):
            if key in p:
                v = p[key]
                if not isinstance(v, list) or len(v) != len(strategies) or not all(isinstance(x, str) for x in v):
                    raise _err(f"one label per strategy ({len(strategies)}) was expected", file,
                               f"{where}.{key}", found=_show(v))
                labels[key] = tuple(v)
        variable = p.get("variable")
        if variable is not None:
            _identifier(variable, file, f"{where}.variable", "state variable")
        _text(p.get("description"), file, f"{where}.description")
        try:
            populations.append(Population(
                pname, tuple(strategies), variable=variable,
                label_en=_string(p.get("label_en"), file, f"{where}.label_en", required=False),
                label_zh=_string(p.get("label_zh"), file, f"{where}.label_zh", required=False),
                **labels))
        except ScenarioError as exc:
            raise exc.located(file=file) from None
    names = [p.name for p in populations]
    for n in names:
        if names.count(n) > 1:
            raise _err(f"population '{n}' is declared twice", file, "populations",
                       expected="distinct population names")
    if matching == "symmetric" and len(populations) != 1:
        raise _err("symmetric matching needs exactly one population", file, "game.matching",
                   found=f"{len(populations)} populations")
    profiles = math.prod(p.n for p in populations)
    if profiles > MAX_PROFILES:
        raise _err(f"{profiles} strategy profiles", file, "populations",
                   expected=f"at most {MAX_PROFILES} profiles (product of the numbers of strategies)")

    # parameters ------------------------------------------------------------
    params_raw = data.get("parameters", {})
    if not isinstance(params_raw, Mapping):
        raise _err("a table was expected", file, "parameters", found=_show(params_raw))
    if len(params_raw) > MAX_PARAMETERS:
        raise _err(f"{len(params_raw)} parameters", file, "parameters",
                   expected=f"at most {MAX_PARAMETERS} parameters")
    parameters = []
    for pname, spec in params_raw.items():
        key = f"parameters.{pname}"
        _identifier(pname, file, key, "parameter")
        if isinstance(spec, Mapping):
            _check_keys(spec, PARAMETER_KEYS, file, key)
            value = spec.get("value")
            if value is not None:
                value = _number(value, file, f"{key}.value")
            rng = spec.get("range")
            if rng is not None:
                if (not isinstance(rng, list) or len(rng) != 2):
                    raise _err("a range [low, high] was expected", file, f"{key}.range", found=_show(rng))
                lo, hi = (_number(v, file, f"{key}.range") for v in rng)
                if lo > hi:
                    raise _err("the range's low end is above its high end", file, f"{key}.range",
                               found=_show(rng))
                rng = (lo, hi)
                if value is not None and not lo <= value <= hi:
                    raise _err(f"value {value} is outside its declared range [{lo}, {hi}]"
                               + (" (a probability or fraction)" if rng == (0, 1) else ""), file,
                               f"{key}.value", expected=f"a value in [{lo}, {hi}]", found=_show(value))
            integer = spec.get("integer", False)
            if not isinstance(integer, bool):
                raise _err("true or false was expected", file, f"{key}.integer", found=_show(integer))
            if integer and value is not None and value != int(value):
                raise _err("an integer value was expected", file, f"{key}.value", found=_show(value))
            desc = spec.get("description", "")
            stands = spec.get("stands_for", "")
            for k2 in ("description", "stands_for", "label_en", "label_zh"):
                _text(spec.get(k2), file, f"{key}.{k2}")
        else:
            value = _number(spec, file, key)
            rng, integer, desc, stands = None, False, "", ""
        parameters.append(Parameter(pname, None if value is None else exact(value), desc, rng, stands,
                                    integer))
    param_names = {p.name for p in parameters}
    for sname in state_names(populations, param_names):
        if sname in param_names:
            raise _err(f"state variable '{sname}' has the name of a parameter", file, "populations",
                       expected="distinct names (set 'variable' of the population)")
        if sname in RESERVED_NAMES:
            raise _err(f"state variable '{sname}' is a reserved name", file, "populations",
                       expected="another 'variable' for the population")

    # payoffs ---------------------------------------------------------------
    symbols = {p.name: parameter_symbol(p.name, p.integer) for p in parameters}
    has_payoffs, has_fitness = "payoffs" in data, "fitness" in data
    if has_payoffs == has_fitness:
        raise _err("exactly one of [payoffs] and [fitness] must be given", file,
                   "payoffs" if not has_payoffs else "fitness",
                   expected="a payoff table or expected-payoff expressions",
                   found="both" if has_payoffs else "neither")
    common = dict(name=name, title=title, description=description)

    def expr(text, key, names):
        if isinstance(text, bool):
            raise _err("an expression was expected", file, key, found=_show(text))
        if isinstance(text, (int, float)):
            _number(text, file, key)
            return exact(text)
        if isinstance(text, Mapping):
            raise _unquoted(key, file)
        return parse_expression(text, names, file=file, key=key)

    try:
        if has_payoffs:
            table = data["payoffs"]
            if not isinstance(table, Mapping):
                raise _err("a table was expected", file, "payoffs", found=_show(table))
            if matching == "symmetric":
                pop = populations[0]
                matrix = [[None] * pop.n for _ in range(pop.n)]
                for k, v in table.items():
                    if isinstance(v, Mapping):
                        raise _unquoted(f"payoffs.{k}", file, table=v)
                    parts = _profile(k, [pop, pop], file)
                    vals = v if isinstance(v, list) else [v]
                    if len(vals) != 1:
                        raise _err("one expression (the row strategy's payoff) was expected", file,
                                   f"payoffs.{k}", found=f"{len(vals)} expressions")
                    matrix[parts[0]][parts[1]] = expr(vals[0], f"payoffs.{k}", symbols)
                for i in range(pop.n):
                    for j in range(pop.n):
                        if matrix[i][j] is None:
                            raise _err(f"missing profile '{pop.strategies[i]}.{pop.strategies[j]}'", file,
                                       "payoffs", expected="one entry per pair of strategies")
                game = Game.symmetric(pop, matrix, parameters, **common)
            else:
                entries = {}
                for k, v in table.items():
                    if isinstance(v, Mapping):
                        raise _unquoted(f"payoffs.{k}", file, table=v)
                    idx = _profile(k, populations, file)
                    vals = v if isinstance(v, list) else [v]
                    if len(vals) != len(populations):
                        raise _err(f"{len(populations)} expressions (one per population) were expected", file,
                                   f"payoffs.{k}", found=f"{len(vals)}")
                    if idx in entries:
                        raise _err("profile given twice", file, f"payoffs.{k}")
                    entries[idx] = tuple(expr(e, f"payoffs.{k}", symbols) for e in vals)
                if len(entries) < profiles:
                    missing = next(".".join(p.strategies[i] for p, i in zip(populations, idx))
                                   for idx in _all_profiles(populations) if idx not in entries)
                    raise _err(f"missing profile '{missing}'", file, "payoffs",
                               expected=f"one entry per profile ({profiles} in all)",
                               found=f"{len(entries)} entries")
                game = Game.from_payoff_table(populations, entries, parameters, **common)
        else:
            table = data["fitness"]
            if not isinstance(table, Mapping):
                raise _err("a table was expected", file, "fitness", found=_show(table))
            names = dict(symbols)
            for sname, sexpr in state_names(populations, param_names).items():
                names[sname] = sexpr
            fitness = [[None] * p.n for p in populations]
            pop_names = [p.name for p in populations]
            for k, v in table.items():
                if isinstance(v, Mapping):
                    raise _unquoted(f"fitness.{k}", file, table=v)
                parts = k.split(".")
                if len(parts) != 2:
                    raise _err("a key 'population.strategy' was expected", file, f"fitness.{k}")
                pname, sname = parts
                if pname not in pop_names:
                    raise _err(f"unknown population '{pname}'", file, f"fitness.{k}",
                               expected="one of " + ", ".join(pop_names), suggestion=did_you_mean(pname, pop_names))
                pi = pop_names.index(pname)
                if sname not in populations[pi].strategies:
                    raise _err(f"unknown strategy '{sname}' of population '{pname}'", file, f"fitness.{k}",
                               expected="one of " + ", ".join(populations[pi].strategies),
                               suggestion=did_you_mean(sname, populations[pi].strategies))
                if isinstance(v, list):
                    raise _err("one expression was expected", file, f"fitness.{k}", found=_show(v))
                fitness[pi][populations[pi].strategies.index(sname)] = expr(v, f"fitness.{k}", names)
            for p, fp in zip(populations, fitness):
                for s, f in zip(p.strategies, fp):
                    if f is None:
                        raise _err(f"no expected payoff for '{p.name}.{s}'", file, "fitness",
                                   expected="one expression per strategy of every population")
            game = Game(populations, fitness, parameters, **common)
    except ScenarioError as exc:
        raise exc.located(file=file) from None

    extra = {k: data[k] for k in ("mechanisms", "presets", "simulation") if k in data}
    game.scenario = {"file": file, "target": _target(game_table.get("target"), populations, file), **extra}
    if "simulation" in extra:
        _validate_simulation(extra["simulation"], populations, file)
    _validate_extras(game, file)
    _validate_mechanism_ranges(game, file)
    return game


def _all_profiles(populations):
    import itertools
    return itertools.product(*[range(p.n) for p in populations])


def _unquoted(key: str, file, example: str = "\"a.b\" = [...]", table=None) -> ScenarioError:
    """A table where an entry was expected: a dotted key written without quotes."""
    if isinstance(table, Mapping) and table:  # rebuild the key the author meant
        inner = next(iter(table))
        example = f'"{key.split(".", 1)[1]}.{inner}" = ...'
    return _err("a table was found where an entry was expected: the key was written without quotes, "
                "so TOML split it at its dots", file, key,
                expected=f"a quoted key, e.g. {example}")


def _profile(key: str, populations, file) -> tuple[int, ...]:
    parts = key.split(".")
    if len(parts) != len(populations):
        hint = (f" (a key after the [payoffs] header belongs to [payoffs]: write [{key}] as a table, or put "
                "top-level keys before the first header)" if key in TOP_LEVEL else "")
        raise _err(f"profile '{key}' names {len(parts)} strategies", file, f"payoffs.{key}",
                   expected=f"{len(populations)} strategy names joined by '.'" + hint)
    idx = []
    for part, pop in zip(parts, populations):
        if part not in pop.strategies:
            raise _err(f"unknown strategy '{part}' of population '{pop.name}'", file, f"payoffs.{key}",
                       expected="one of " + ", ".join(pop.strategies),
                       suggestion=did_you_mean(part, pop.strategies))
        idx.append(pop.strategies.index(part))
    return tuple(idx)


def _target(target, populations, file) -> str | None:
    """``[game] target``: one known strategy per population joined by '.'."""
    if target is None:
        return None
    if not isinstance(target, str) or not target.strip():
        raise _err("a profile string was expected", file, "game.target", found=_show(target),
                   expected="one strategy per population joined by '.', e.g. "
                            + repr(".".join(p.strategies[0] for p in populations)))
    parts = target.split(".")
    if len(parts) != len(populations):
        raise _err(f"target '{target}' names {len(parts)} strategies", file, "game.target",
                   expected=f"{len(populations)} strategy names (one per population, in order: "
                            + ", ".join(p.name for p in populations) + ") joined by '.'")
    for part, pop in zip(parts, populations):
        if part not in pop.strategies:
            raise _err(f"unknown strategy '{part}' of population '{pop.name}' in the target", file,
                       "game.target", expected="one of " + ", ".join(pop.strategies),
                       suggestion=did_you_mean(part, pop.strategies))
    return target


def _validate_simulation(sim, populations, file) -> None:
    """``[simulation]``: ``t_end`` > 0 and ``initial`` states in the product of simplices.

    An initial state is either reduced coordinates (the shares of every
    strategy but the last, per population) or one probability vector per
    population.
    """
    if not isinstance(sim, Mapping):
        raise _err("a table was expected", file, "simulation", found=_show(sim))
    _check_keys(sim, SIMULATION_KEYS, file, "simulation")
    if "t_end" in sim:
        t_end = _number(sim["t_end"], file, "simulation.t_end")
        if t_end <= 0:
            raise _err("a positive final time was expected", file, "simulation.t_end", found=_show(t_end))
    if "initial" not in sim:
        return
    initial = sim["initial"]
    d = sum(p.n - 1 for p in populations)
    if not isinstance(initial, list) or not initial or len(initial) > MAX_INITIAL_STATES:
        raise _err("a non-empty list of initial states was expected", file, "simulation.initial",
                   found=_show(initial), expected=f"at most {MAX_INITIAL_STATES} states, each a list of {d} shares")
    for k, state in enumerate(initial):
        key = f"simulation.initial[{k}]"
        if not isinstance(state, list):
            raise _err("a list of shares was expected", file, key, found=_show(state))
        nested = (len(state) == len(populations)
                  and all(isinstance(v, list) and len(v) == p.n for v, p in zip(state, populations)))
        if nested:
            for v, p in zip(state, populations):
                shares = [_number(x, file, key) for x in v]
                if min(shares) < 0 or abs(sum(shares) - 1) > 1e-9:
                    raise _err(f"the shares of population '{p.name}' are not a probability vector", file, key,
                               expected="non-negative shares summing to 1", found=_show(v))
            continue
        if len(state) != d:
            raise _err(f"{len(state)} numbers", file, key,
                       expected=f"{d} shares (every strategy but the last, per population) or one "
                                "probability vector per population", found=_show(state))
        shares = [_number(x, file, key) for x in state]
        start = 0
        for p in populations:
            block = shares[start:start + p.n - 1]
            start += p.n - 1
            if min(block) < 0 or sum(block) > 1 + 1e-12:
                raise _err(f"the shares of population '{p.name}' are outside the simplex", file, key,
                           expected="non-negative shares summing to at most 1 (the last strategy has the rest)",
                           found=_show(state))


def _validate_extras(game, file):
    """Validate the [[mechanisms]] and [presets] sections.

    Their formats are defined (and checked) by :mod:`evogame.mechanisms`
    (``validate_mechanisms(game, file)``) and :mod:`evogame.presets`
    (``validate_presets(game, file)``).
    """
    import importlib
    for module, func, section in (("mechanisms", "validate_mechanisms", "mechanisms"),
                                  ("presets", "validate_presets", "presets")):
        if section not in game.scenario:
            continue
        try:
            mod = importlib.import_module(f".studies.{module}", __package__)
        except ModuleNotFoundError:
            continue
        getattr(mod, func)(game, file)


def _validate_mechanism_ranges(game, file) -> None:
    """Every mechanism at strength 1 keeps the parameters it sets in their declared ranges.

    Each mechanism is checked alone, from the defaults (parameters without a
    default are skipped): a probability ([0, 1]) pushed outside [0, 1], or an
    integer parameter set to a fraction, is a mistake in the file.
    """
    import sympy

    parsed = game.scenario.get("mechanisms_parsed") or {}
    if not parsed:
        return
    values = {p.symbol: p.value for p in game.parameters.values() if p.value is not None}
    from .studies.mechanisms import strength_symbol
    values[strength_symbol()] = sympy.Integer(1)
    for mech in parsed.values():
        for pname, expression in mech.set.items():
            param = game.parameters.get(pname)
            if param is None:
                continue
            key = f"mechanisms.{mech.name}.set.{pname}"
            value = expression.xreplace(values)
            if value.free_symbols:
                continue
            number = complex(sympy.N(value, 20))
            if not (math.isfinite(number.real) and math.isfinite(number.imag) and abs(number.imag) < 1e-12):
                raise _err(f"at strength 1 the mechanism sets '{pname}' to {sympy.sstr(value)}, "
                           "not a finite real number", file, key, expected="a finite value at the defaults")
            if param.range is not None:
                lo, hi = param.range
                slack = 1e-12 * max(1.0, abs(lo), abs(hi))
                if not lo - slack <= number.real <= hi + slack:
                    kind = " (a probability or fraction)" if tuple(param.range) == (0, 1) else ""
                    raise _err(f"at strength 1 the mechanism sets '{pname}' to {number.real:g}, outside its "
                               f"declared range [{lo:g}, {hi:g}]{kind}", file, key,
                               expected=f"a value in [{lo:g}, {hi:g}] at strength 1 (the mechanism as described)")
            if param.integer and not (value.is_Rational and value.q == 1):
                raise _err(f"at strength 1 the mechanism sets the integer parameter '{pname}' to "
                           f"{sympy.sstr(value)}", file, key, expected="an integer value")
