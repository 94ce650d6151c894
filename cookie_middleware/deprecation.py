"""Old names that keep working, with a :class:`DeprecationWarning`, for one release.

``CHANGELOG.md`` lists each renamed or moved name and what replaces it.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

__all__ = ["deprecated", "moved"]

_Member = TypeVar("_Member", property, Callable[..., Any])


def _warn(old: str, new: str) -> None:
    warnings.warn(f"{old} is deprecated and will be removed in the next release; use {new}",
                  DeprecationWarning, stacklevel=3)


def deprecated(member: _Member, old: str, new: str) -> _Member:
    """A stand-in, under the old name, for the property or method *member*."""
    if isinstance(member, property):
        getter = member.fget
        if getter is None:  # pragma: no cover - every property here has a getter
            raise TypeError(f"{new} has no getter")

        def get(self: object) -> object:
            _warn(old, new)
            return getter(self)

        return property(get, doc=f"Deprecated: use {new}.")

    @functools.wraps(member)
    def call(*args: object, **kwargs: object) -> object:
        _warn(old, new)
        return member(*args, **kwargs)

    return call


def moved(module: str, names: Mapping[str, tuple[str, object]]) -> Callable[[str], object]:
    """A module ``__getattr__`` that answers each old name in *names* (mapped to
    its new spelling and its value) with a warning."""

    def __getattr__(name: str) -> object:
        if name not in names:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        new, value = names[name]
        _warn(f"{module}.{name}", new)
        return value

    return __getattr__
