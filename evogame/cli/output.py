"""What a command writes: one JSON object on stdout, or a text file it was asked for."""
from __future__ import annotations

import json

import click

from ..errors import ScenarioError
from ..util.formatting import jsonable


def json_text(obj, indent: int | None = 2) -> str:
    """``obj`` as JSON text: NaN and infinities as null, non-ASCII kept."""
    return json.dumps(jsonable(obj), indent=indent, ensure_ascii=False, allow_nan=False)


def echo_json(obj) -> None:
    """Print ``obj`` as the one JSON object on stdout."""
    click.echo(json_text(obj))


def write_output(path: str, text: str) -> None:
    """Write ``text`` to the file ``path`` (UTF-8); a refusal is the user's to fix."""
    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise ScenarioError(f"cannot write the output ({exc.strerror})", file=path) from None


def emit_result(result, out: str | None, as_json: bool, file_text=None, fit: bool = False) -> None:
    """A study's result: into ``out`` when asked (``file_text(result)``, else its JSON), then on stdout as
    JSON (``--json``) or as its text table (with ``fit``, its long lines wrapped to 100 columns)."""
    if out is not None:
        write_output(out, file_text(result) if file_text else json_text(result.to_dict(), indent=None))
        if not as_json:
            click.echo(f"wrote {out}", err=True)
    if as_json:
        echo_json(result.to_dict())
    elif fit:
        from ..render.plain import fit_text
        click.echo(fit_text(result.table()))
    else:
        click.echo(result.table())
