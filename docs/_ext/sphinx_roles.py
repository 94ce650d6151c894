"""A griffe extension for the API reference: the docstrings' Sphinx roles
(``:class:`~pkg.Name` ``, ``:meth:`text <target>` ``), which Markdown would show
as they stand, become inline code naming the object."""

from __future__ import annotations

import re
from typing import Any

import griffe

# :role:`~a.b.C`, :role:`a.b.C` or :role:`shown text <a.b.C>`
_ROLE = re.compile(r":(?:class|func|meth|attr|mod|data|exc|obj):`(~?)([^`<]+?)(?:\s*<[^>]+>)?`")


def _plain(match: re.Match[str]) -> str:
    short, target = match.group(1), match.group(2).strip()
    return f"`{target.rsplit('.', 1)[-1] if short else target}`"


class SphinxRoles(griffe.Extension):
    """Rewrite the roles in every docstring as it is loaded."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = _ROLE.sub(_plain, obj.docstring.value)
