"""Reading a scenario: file -> bytes -> text -> TOML -> :class:`Scenario`.

Bounded whatever the input: a regular file of at most 256 KiB of UTF-8 text
(no byte-order mark, no NUL bytes), lines of at most 10 000 characters, TOML
nested at most 16 deep, and at most 30 seconds of validation.  Every error
is a :class:`~evogame.errors.ScenarioError` naming the file and, where the
key can be found in the text, its line (``file:line`` in the message).
"""
from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

from ..errors import ScenarioError
from ..util.timelimit import Timeout, time_limit
from .checks import MAX_BYTES, MAX_DEPTH, MAX_LINE, MAX_SECONDS, show
from .model import Scenario
from .sections import scenario_from_dict

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def load_scenario(path: str | os.PathLike) -> Scenario:
    """Read a scenario file and return its :class:`~evogame.scenario.model.Scenario`.

    Raises :class:`ScenarioError` for every problem with the file (see
    :mod:`evogame.scenario` for the rules).
    """
    try:
        return _load(Path(path))
    except ScenarioError as exc:
        raise at_line(exc, getattr(exc, "line", None)) from None


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


def parse_scenario(text: str, *, file: str = "<string>") -> Scenario:
    """Parse scenario TOML text (see :mod:`evogame.scenario`) into a Scenario.

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
            raise at_line(ScenarioError(f"line {number} is too long ({len(line)} characters)", file=file,
                                    expected=f"lines of at most {MAX_LINE} characters"), number)
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
                raise at_line(exc, _line_of(text, exc.key)) from None
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
            found = show(lines[line - 1].strip())
    err = ScenarioError(f"TOML syntax error: {message}", file=file, found=found,
                        expected=_syntax_hint(message))
    return at_line(err, line)


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


def at_line(exc: ScenarioError, line: int | None) -> ScenarioError:
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
