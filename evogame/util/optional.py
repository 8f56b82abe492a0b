"""Optional dependencies: import one where a method needs it, or say which extra to install.

Kept below every layer so that a result of any layer can offer ``to_dataframe()`` without
importing the presentation layers.
"""
from __future__ import annotations

from ..errors import install_hint

__all__ = ["MissingDependency", "require_pandas"]


class MissingDependency(ImportError):
    """An optional dependency that a method needs is not installed."""


def require_pandas():
    """The ``pandas`` module, or :class:`MissingDependency` naming the extra to install."""
    try:
        import pandas
    except ImportError as error:
        raise MissingDependency("to_dataframe() needs pandas, which is not installed: "
                                f"{install_hint('dataframes')}") from error
    return pandas
