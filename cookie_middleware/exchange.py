"""The request and response objects :class:`~cookie_middleware.Cookies` accepts.

A request is read for two things only: the text of its Cookie header and
whether it arrived over https. A response is only ever a place where the pending
Set-Cookie headers go. Both are recognised by their shape, so this module imports
no web framework; the jar itself (:mod:`cookie_middleware.cookies`) only ever
sees the header text, the https flag and a :class:`HeaderSync`:

* a WSGI environ (a mapping with ``wsgi.url_scheme`` or ``HTTP_*`` keys) or a
  request that carries one (WebOb and Flask ``environ``, Django ``META``);
* an ASGI ``http`` or ``websocket`` scope, or a request that carries one
  (Starlette and FastAPI ``Request`` and ``WebSocket``, as ``scope``);
* a response with a WebOb ``headerlist`` or a Starlette ``raw_headers`` list.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping, MutableMapping
from contextlib import suppress
from typing import Any

__all__ = ["HeaderSync", "check_app", "environ_of", "header_sync", "read_environ", "read_request",
           "read_scope", "scope_of"]

_SCOPE_TYPES = ("http", "websocket")


def scope_of(request: object) -> MutableMapping[str, Any] | None:
    """The ASGI scope of *request* (a scope, or a Starlette/FastAPI ``Request`` or
    ``WebSocket``), or ``None`` when *request* is not an ASGI request."""
    # A Starlette request is itself a read-only Mapping over its scope.
    candidate = request if type(request) is dict else getattr(request, "scope", None)
    if candidate is None:
        candidate = request
    # type() first: a dict, as servers make scopes, skips the ABC check, which
    # costs 0.35 us of every ASGI request.
    if ((type(candidate) is dict or isinstance(candidate, MutableMapping))
            and candidate.get("type") in _SCOPE_TYPES):
        return candidate
    return None


def environ_of(request: object) -> MutableMapping[str, Any]:
    """The WSGI environ of a WebOb, Flask or Django request, or *request* itself
    when it already is an environ. Raises :class:`TypeError` for anything else."""
    # (type() first, as in scope_of: 0.35 us of every get_cookies(environ).)
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


def read_environ(environ: Mapping[str, Any], trust_proxy: bool = False) -> tuple[str, bool]:
    """A WSGI environ's Cookie header as text and whether it came over https.

    PEP 3333 hands headers over as ``str`` holding the bytes as latin-1; they
    are read as UTF-8 here wherever they are valid UTF-8 (see :func:`text_of_header`).
    """
    header = environ.get("HTTP_COOKIE", "")
    if not isinstance(header, str):
        raise TypeError(f"HTTP_COOKIE must be a str, got {type(header).__name__}")
    if not header.isascii():
        with suppress(UnicodeEncodeError):  # else already text: a server decoded it itself
            header = text_of_header(header.encode("latin-1"))
    https = environ.get("wsgi.url_scheme") == "https" or (
        trust_proxy and _first_forwarded_proto(str(environ.get("HTTP_X_FORWARDED_PROTO", ""))))
    return header, https


def read_scope(scope: Mapping[str, Any], trust_proxy: bool = False) -> tuple[str, bool]:
    """An ASGI scope's Cookie header as text and whether it came over https."""
    headers = scope.get("headers", ())
    # HTTP/2 may split the Cookie header; RFC 9113 sec 8.2.3 joins it with "; ".
    header = text_of_header(b"; ".join([bytes(value) for name, value in headers
                                        if name == b"cookie"]))
    https = scope.get("scheme") in ("https", "wss") or (
        trust_proxy and _forwarded_https(headers))
    return header, https


def _forwarded_https(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    for name, value in headers:
        if name == b"x-forwarded-proto":  # the first one: the one the proxy wrote
            return _first_forwarded_proto(bytes(value).decode("latin-1"))
    return False


def read_request(request: object, trust_proxy: bool = False) -> tuple[str, bool]:
    """The Cookie header text of *request* and whether it came over https, for
    every kind of request :class:`~cookie_middleware.Cookies` takes. Raises
    :class:`TypeError` for an object that is no such request."""
    if type(request) is dict:  # an environ or a scope, as servers and middlewares pass them
        if request.get("type") in _SCOPE_TYPES:
            return read_scope(request, trust_proxy)
        if "asgi" not in request:  # an environ (a scope of another type has "asgi")
            return read_environ(request, trust_proxy)
    scope = scope_of(request)
    if scope is not None:
        return read_scope(scope, trust_proxy)
    return read_environ(environ_of(request), trust_proxy)


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
        """Where *pair* is in the header list, or -1 once the app removed it."""
        headers = self._headers
        for index in range(len(headers) - 1, -1, -1):  # ours are usually last
            if headers[index] is pair:
                return index
        return -1

    def add(self, name: str, value: str, overwrite: bool) -> None:
        """Mirror ``set``: *value* joins (or, with *overwrite*, replaces) the
        headers of cookie *name*. A header of ours that the app removed from the
        list meanwhile stays removed; the new one goes where ours were, or last."""
        pair = self._pair(value)
        headers = self._headers
        group = self._groups.get(name)
        if not group:
            headers.append(pair)
            self._groups[name] = [pair]
            return
        if overwrite:
            present = sorted(index for index in map(self._index, group) if index >= 0)
            for index in reversed(present):
                del headers[index]
            headers.insert(present[0] if present else len(headers), pair)
            self._groups[name] = [pair]
            return
        last = group[-1]
        if headers and headers[-1] is last:
            headers.append(pair)
        else:
            at = self._index(last)
            headers.insert(at + 1 if at >= 0 else len(headers), pair)
        group.append(pair)


    def withdraw(self, name: str) -> None:
        """Mirror ``withdraw``: remove the headers of cookie *name* that are still there."""
        headers = self._headers
        for index in sorted((i for i in map(self._index, self._groups.pop(name, ())) if i >= 0),
                            reverse=True):
            del headers[index]


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


def check_app(app: object, arguments: int, middleware: str, other: str,
              django_class: str) -> None:
    """Refuse, at start-up, an *app* that cannot take the *arguments* a WSGI (2)
    or ASGI (3) app takes, with a message that says what to use: *other* (the
    middleware of the other kind) for an app of the other kind, *django_class*
    for Django's ``get_response(request)``, which Django passes a *middleware*
    class put in ``settings.MIDDLEWARE`` by mistake. An app whose signature
    cannot be read is taken on trust."""
    try:
        signature = inspect.signature(app)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return
    if _binds(signature, arguments):
        return
    kind, other_kind = ("a WSGI", "an ASGI") if arguments == 2 else ("an ASGI", "a WSGI")
    if _binds(signature, 1):
        hint = ("it takes one argument, as Django's get_response does: in Django's "
                f"settings.MIDDLEWARE, use {django_class!r} instead")
        if arguments == 3:
            hint += (" (an ASGI 2 app also takes one: make it ASGI 3 with "
                     "asgiref.compatibility.guarantee_single_callable)")
    else:
        hint = f"for {other_kind} app, use {other} instead"
    raise TypeError(f"{middleware} wraps {kind} app, called with {arguments} arguments, "
                    f"but {app!r} takes {signature}; {hint}")


def _binds(signature: inspect.Signature, arguments: int) -> bool:
    try:
        signature.bind(*range(arguments))
    except TypeError:
        return False
    return True
