"""The request and response objects :class:`~cookie_middleware.Cookies` accepts.

A request is read for two things only: the text of its Cookie header and
whether it arrived over https. A response is only ever a place where the pending
Set-Cookie headers go. Both are recognised by their shape, so this module imports
no web framework, and neither does the core that uses it:

* a WSGI environ (a mapping with ``wsgi.url_scheme`` or ``HTTP_*`` keys) or a
  request that carries one (WebOb and Flask ``environ``, Django ``META``);
* an ASGI ``http`` or ``websocket`` scope, or a request that carries one
  (Starlette and FastAPI ``Request`` and ``WebSocket``, as ``scope``);
* a response with a WebOb ``headerlist`` or a Starlette ``raw_headers`` list.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

__all__ = [
    "ENVIRON",
    "SCOPE",
    "HeaderSync",
    "RequestReader",
    "environ_of",
    "header_sync",
    "reader_for",
    "scope_of",
    "text_of_header",
]

_SCOPE_TYPES = ("http", "websocket")


def scope_of(request: object) -> MutableMapping[str, Any] | None:
    """The ASGI scope of *request* (a scope, or a Starlette/FastAPI ``Request`` or
    ``WebSocket``), or ``None`` when *request* is not an ASGI request."""
    # A Starlette request is itself a read-only Mapping over its scope.
    candidate = request if type(request) is dict else getattr(request, "scope", None)
    if candidate is None:
        candidate = request
    # (type() first: a dict, as servers make scopes, skips the slower ABC check.)
    if ((type(candidate) is dict or isinstance(candidate, MutableMapping))
            and candidate.get("type") in _SCOPE_TYPES):
        return candidate
    return None


def environ_of(request: object) -> MutableMapping[str, Any]:
    """The WSGI environ of a WebOb, Flask or Django request, or *request* itself
    when it already is an environ. Raises :class:`TypeError` for anything else."""
    if type(request) is dict or isinstance(request, MutableMapping):
        if "asgi" in request and "wsgi.version" not in request:
            raise TypeError(
                f"an ASGI {request.get('type')!r} scope has no cookies; only 'http' and "
                "'websocket' scopes have"
            )
        return request
    for attribute in ("environ", "META"):
        environ = getattr(request, attribute, None)
        if isinstance(environ, MutableMapping):
            return environ
    raise TypeError(
        "expected a WSGI environ or a request with an environ (WebOb, Flask, Django), "
        f"an ASGI scope or a Starlette/FastAPI Request or WebSocket; got {type(request).__name__}"
    )


def text_of_header(raw: bytes) -> str:
    """The text of a Cookie header's bytes: UTF-8 where they are valid UTF-8; a
    ``;``-separated piece that is not is read as latin-1, so every byte survives."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pieces = []
        for piece in raw.split(b";"):
            try:
                pieces.append(piece.decode("utf-8"))
            except UnicodeDecodeError:
                pieces.append(piece.decode("latin-1"))
        return ";".join(pieces)


def _first_forwarded_proto(value: str) -> bool:
    # The client-most proxy comes first in a comma-separated list.
    return value.split(",", 1)[0].strip().lower() == "https"


class RequestReader:
    """How to read one kind of request: its Cookie header and its scheme."""

    __slots__ = ()

    def header(self, source: Mapping[str, Any]) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def https(self, source: Mapping[str, Any], trust_proxy: bool) -> bool:  # pragma: no cover
        raise NotImplementedError

    def detach(self, source: Mapping[str, Any]) -> Mapping[str, Any]:  # pragma: no cover
        """A small copy of *source* holding only what this reader reads, so that
        the request itself can be let go of."""
        raise NotImplementedError


class _EnvironReader(RequestReader):
    """PEP 3333: headers arrive as ``HTTP_*`` strings holding the bytes as latin-1."""

    __slots__ = ()

    def header(self, source: Mapping[str, Any]) -> str:
        header = source.get("HTTP_COOKIE", "")
        if not isinstance(header, str) or header.isascii():
            return header  # type: ignore[no-any-return]
        try:
            raw = header.encode("latin-1")
        except UnicodeEncodeError:
            return header  # already text (a server that decoded it itself)
        return text_of_header(raw)

    def https(self, source: Mapping[str, Any], trust_proxy: bool) -> bool:
        if source.get("wsgi.url_scheme") == "https":
            return True
        if not trust_proxy:
            return False
        return _first_forwarded_proto(str(source.get("HTTP_X_FORWARDED_PROTO", "")))

    def detach(self, source: Mapping[str, Any]) -> Mapping[str, Any]:
        get = source.get
        return {"HTTP_COOKIE": get("HTTP_COOKIE", ""), "wsgi.url_scheme": get("wsgi.url_scheme"),
                "HTTP_X_FORWARDED_PROTO": get("HTTP_X_FORWARDED_PROTO", "")}


class _ScopeReader(RequestReader):
    """ASGI 3: headers arrive as a list of ``(name, value)`` byte pairs."""

    __slots__ = ()

    def header(self, source: Mapping[str, Any]) -> str:
        found = [value for name, value in source.get("headers", ()) if name == b"cookie"]
        if not found:
            return ""
        # HTTP/2 may split the Cookie header; RFC 9113 sec 8.2.3 joins it with "; ".
        raw = found[0] if len(found) == 1 else b"; ".join(found)
        return raw.decode("ascii") if raw.isascii() else text_of_header(bytes(raw))

    def https(self, source: Mapping[str, Any], trust_proxy: bool) -> bool:
        if source.get("scheme") in ("https", "wss"):
            return True
        if not trust_proxy:
            return False
        for name, value in source.get("headers", ()):
            if name == b"x-forwarded-proto":
                return _first_forwarded_proto(bytes(value).decode("latin-1"))
        return False

    def detach(self, source: Mapping[str, Any]) -> Mapping[str, Any]:
        return {"headers": source.get("headers", ()), "scheme": source.get("scheme")}


ENVIRON: RequestReader = _EnvironReader()
"""Reads a WSGI environ."""

SCOPE: RequestReader = _ScopeReader()
"""Reads an ASGI scope."""


def reader_for(request: object) -> tuple[MutableMapping[str, Any], RequestReader]:
    """The mapping behind *request* and the reader for it. Raises
    :class:`TypeError` for an object that is no request this package knows."""
    if type(request) is dict:  # the middlewares' case: a plain environ or scope
        kind = request.get("type")
        if kind in _SCOPE_TYPES:
            return request, SCOPE
        # An environ has no "type" (its headers are all HTTP_*) and no "asgi".
        if "wsgi.version" in request or (kind is None and "asgi" not in request):
            return request, ENVIRON
    scope = scope_of(request)
    if scope is not None:
        return scope, SCOPE
    return environ_of(request), ENVIRON


class HeaderSync:
    """Keeps a response's Set-Cookie headers equal to the pending cookies.

    For a response object that sends its own headers later (WebOb's
    ``headerlist`` of ``str`` pairs, Starlette's ``raw_headers`` of ``bytes``
    pairs). Each change touches only the headers of the cookie that changed, so
    a run of ``set`` calls costs time linear in their number; every other
    header, the app's own Set-Cookie headers among them, stays where it was.
    """

    __slots__ = ("_as_bytes", "_groups", "_headers")

    def __init__(self, headers: list[tuple[Any, Any]], as_bytes: bool) -> None:
        self._headers = headers
        self._as_bytes = as_bytes
        # The header pairs this object wrote, per cookie name, as the very
        # objects in the list, so that they are found by identity, not by value.
        self._groups: dict[str, list[tuple[Any, Any]]] = {}

    def _pair(self, value: str) -> tuple[Any, Any]:
        if self._as_bytes:
            return (b"set-cookie", value.encode("latin-1"))
        return ("Set-Cookie", value)

    def _index(self, pair: tuple[Any, Any]) -> int:
        headers = self._headers
        for index in range(len(headers) - 1, -1, -1):  # ours are usually last
            if headers[index] is pair:
                return index
        raise LookupError("a Set-Cookie header written for a pending cookie was removed")

    def add(self, name: str, value: str, overwrite: bool) -> None:
        """Mirror ``set``: *value* joins (or, with *overwrite*, replaces) the
        headers of cookie *name*."""
        pair = self._pair(value)
        headers = self._headers
        group = self._groups.get(name)
        if not group:
            headers.append(pair)
            self._groups[name] = [pair]
            return
        if overwrite:
            at = self._index(group[0])
            for old in group:
                del headers[self._index(old)]
            headers.insert(at, pair)
            self._groups[name] = [pair]
            return
        last = group[-1]
        if headers and headers[-1] is last:
            headers.append(pair)
        else:
            headers.insert(self._index(last) + 1, pair)
        group.append(pair)


def header_sync(response: object) -> HeaderSync:
    """A :class:`HeaderSync` for a WebOb or Starlette response. Raises
    :class:`TypeError` for anything else."""
    headerlist = getattr(response, "headerlist", None)
    if isinstance(headerlist, list):
        return HeaderSync(headerlist, as_bytes=False)
    raw = getattr(response, "raw_headers", None)
    if isinstance(raw, list):
        return HeaderSync(raw, as_bytes=True)
    raise TypeError(
        "response must be a WebOb Response (headerlist) or a Starlette Response "
        f"(raw_headers), got {type(response).__name__}"
    )
