"""``CookieJar``: a request's cookies in, its Set-Cookie headers out, on plain values.

The jar is made from the two things a cookie jar needs of a request, the text
of its Cookie header and whether it arrived over https, and it hands its
pending Set-Cookie header values over when the response starts
(:meth:`CookieJar.seal`). It knows no WSGI, ASGI or web framework:
:class:`cookie_middleware.Cookies` is this jar made from a request object, as
Node's ``new Cookies(req, res)``, and the middlewares call ``seal``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from itertools import chain
from typing import Protocol

from ._js import decode_uri_component
from .codec import LazyPairs, render
from .errors import DuplicateOptionError, HeadersSentError, InsecureCookieError, SigningError
from .options import CookieOptions, normalize_options
from .signing import KeygripSigner, Signer

__all__ = ["CookieJar", "HeaderSink"]

_EPOCH = 0  # unset() expires the cookie at the epoch, as the original does


class HeaderSink(Protocol):
    """Somewhere each recorded Set-Cookie header goes at once, such as a
    response object's header list kept in step with the pending cookies."""

    def add(self, name: str, header: str, overwrite: bool) -> None: ...

    def withdraw(self, name: str) -> None: ...


class CookieJar:
    """Read the request's cookies and collect the response's Set-Cookie headers.

    ``get`` reads *cookie_header*, parsed as far as needed. ``set`` checks a
    cookie completely and records it as *pending*; :meth:`seal` hands the
    pending cookies over, one Set-Cookie value each: names in the order first
    set, each name's cookies in the order set. A *signer* serves ``signed=True``;
    a *sink* receives every recorded header at once.
    """

    __slots__ = ("__weakref__", "_https", "_pairs", "_pending", "_sent", "_signer", "_sink")

    def __init__(self, cookie_header: str = "", *, https: bool = False,
                 signer: Signer | None = None, sink: HeaderSink | None = None) -> None:
        self._pairs = LazyPairs(cookie_header)
        self._https = https
        self._signer = signer
        self._sink = sink
        self._pending: dict[str, list[str]] = {}
        self._sent = False

    @property
    def cookie_header(self) -> str:
        """The request's Cookie header, as text."""
        return self._pairs.header

    @property
    def https(self) -> bool:
        """Whether the request arrived over https."""
        return self._https

    @property
    def sent(self) -> bool:
        """Whether the response's headers have gone out (see :meth:`seal`)."""
        return self._sent

    def get(self, name: str, options: Mapping[str, object] | None = None, /, *,
            signed: bool = False) -> str | None:
        """The request's cookie *name*, percent-decoded, or ``None``. Cookies set
        during this request are not seen, as in the original.

        With ``signed=True`` (or Node's ``get(name, {"signed": True})``), the value
        only if its signature verifies with the signer's secrets, else ``None``.
        """
        if options is not None:
            signed = _signed_option(options, signed)
        if signed:
            return _verified(self._pairs, name, _need(self._signer, name))
        # A pair already parsed is a dict lookup, and a value without "%" needs no
        # decoding: each saves a call per get, 10 us when an app reads 100 cookies.
        value = self._pairs.found.get(name)
        if value is None:
            value = self._pairs.get(name)
            if value is None:
                return None
        return decode_uri_component(value) if "%" in value else value

    def get_raw(self, name: str) -> str | None:
        """The request's cookie *name* as it came (trimmed and unquoted, not
        percent-decoded), or ``None``."""
        return self._pairs.get(name)

    def set(self, name: str, value: str, options: Mapping[str, object] | None = None,
            /, overwrite: bool = False, *, signed: bool | None = None,
            **attributes: object) -> None:
        """Record a pending cookie; with *overwrite*, it replaces every pending
        cookie of that name, otherwise it is added beside them.

        *options* takes the Node option names and *attributes* the same or their
        snake_case forms, as :func:`~cookie_middleware.serialize` does:
        ``set("theme", "dark", {"maxAge": 3600})`` or ``set("theme", "dark",
        max_age=3600)``; ``maxAge`` is in seconds. ``signed=True`` (or
        ``{"signed": True}``) signs the cookie with the signer.

        Raises what ``serialize`` raises, :class:`InsecureCookieError` for a
        ``secure`` cookie over plain http, and :class:`HeadersSentError` once
        the headers have gone out. A call that raises changes nothing.
        """
        if self._sent:
            raise HeadersSentError(f"cannot set cookie {name!r}: the response has started")
        if type(options) is CookieOptions and not attributes and signed is None:
            checked = options  # checked when it was made (a session cookie's, say)
        else:
            options, signed = _split_signed(options, signed)
            checked = normalize_options(options, attributes)
        if not signed:
            header = render(name, value, checked)  # a bad cookie is refused first
            if checked.secure and not self._https:
                raise _insecure(name)
            self._record(name, header, overwrite)
            return
        signed_cookies = _signed_headers(name, value, checked, _need(self._signer, name))
        if checked.secure and not self._https:
            raise _insecure(name)
        for cookie, header in signed_cookies:
            self._record(cookie, header, overwrite)

    def _record(self, name: str, header: str, overwrite: bool) -> None:
        pending = self._pending
        if overwrite or name not in pending:
            pending[name] = [header]
        else:
            pending[name].append(header)
        if self._sink is not None:
            self._sink.add(name, header, overwrite)

    def unset(self, name: str, options: Mapping[str, object] | None = None,
              /, **attributes: object) -> None:
        """Remove cookie *name* in the browser (``name=; Expires=`` the epoch),
        replacing any pending cookie of that name. A browser removes only the
        cookie with the same Path and Domain: pass those it was set with.
        """
        for clash in ("expires", "maxAge", "max_age", "signed"):
            if clash in attributes or (isinstance(options, Mapping) and clash in options):
                raise TypeError(f"unset() sets the expiry itself; do not pass {clash!r}")
        self.set(name, "", normalize_options(options, {**attributes, "expires": _EPOCH}), True)

    clear = unset

    def withdraw(self, name: str) -> None:
        """Forget every pending cookie called *name*: none of them goes out (the
        browser keeps whatever it has). How a session leaves its cookie alone on a
        response. Raises :class:`HeadersSentError` once the headers have gone out."""
        if self._sent:
            raise HeadersSentError(f"cannot withdraw cookie {name!r}: the response has started")
        if self._pending.pop(name, None) is not None and self._sink is not None:
            self._sink.withdraw(name)

    def set_cookie_headers(self) -> list[str]:
        """The pending Set-Cookie header values, in the order they will be written."""
        return list(chain.from_iterable(self._pending.values()))

    def seal(self) -> list[str]:
        """The response starts: return the pending Set-Cookie header values, in
        order, and refuse every later ``set`` with :class:`HeadersSentError`.

        This is Node's on-headers step; the middlewares call it."""
        self._sent = True
        return self.set_cookie_headers()


def _insecure(name: str) -> InsecureCookieError:
    return InsecureCookieError(
        f"cannot send secure cookie {name!r} over an unencrypted connection "
        "(behind a TLS-terminating proxy, use trust_proxy=True)")


def _need(signer: Signer | None, name: str) -> Signer:
    if signer is None:
        raise SigningError(f"cookie {name!r} is signed, but no signer was given: pass "
                           "signer=ExpressSigner(secrets) or KeygripSigner(keys)")
    return signer


def _verified(pairs: LazyPairs, name: str, signer: Signer) -> str | None:
    """The decoded value of signed cookie *name*, if its signature verifies."""
    raw = pairs.get(name)
    if raw is None:
        return None
    value = decode_uri_component(raw)
    if not isinstance(signer, KeygripSigner):  # Express: the signature is in the value
        return signer.unsign(value)
    digest = pairs.get(f"{name}.sig")
    return value if digest and signer.verify_header(f"{name}={raw}", digest) else None


def _signed_headers(name: str, value: str, options: CookieOptions,
                    signer: Signer) -> list[tuple[str, str]]:
    """The cookies, as (name, Set-Cookie value) pairs, a signed cookie is set as."""
    if not isinstance(signer, KeygripSigner):
        return [(name, render(name, signer.sign(value), options))]
    header = render(name, value, options)
    # Keygrip signs "name=value" as it goes out, in a companion cookie with the
    # cookie's own attributes; both are rendered before either is recorded.
    digest = signer.sign(header.split(";", 1)[0])
    # The digest is URL-safe base64 as it stands: a custom encoder is for values.
    digest_options = options if options.encode is None else replace(options, encode=None)
    return [(name, header), (f"{name}.sig", render(f"{name}.sig", digest, digest_options))]


def _signed_option(options: Mapping[str, object], signed: bool) -> bool:
    """Node's ``get(name, {signed: true})``: the only option ``get`` takes."""
    if not isinstance(options, Mapping):
        raise TypeError(f"get() options must be a mapping, got {type(options).__name__}")
    unknown = sorted(set(options) - {"signed"})
    if unknown:
        raise TypeError(f"get() takes only the option 'signed', got {unknown!r}")
    if "signed" not in options:
        return signed
    if signed:
        raise DuplicateOptionError("option 'signed' given twice")
    return _flag(options["signed"])


def _split_signed(options: Mapping[str, object] | None,
                  signed: bool | None) -> tuple[Mapping[str, object] | None, bool]:
    """Take ``signed`` out of Node's options mapping, where it may be given
    instead of as a keyword: it asks for a signature, and is no attribute."""
    if options is None or type(options) is CookieOptions or "signed" not in options:
        return options, signed is not None and _flag(signed)
    if signed is not None:
        raise DuplicateOptionError("cookie option 'signed' given twice")
    rest = dict(options)
    return rest, _flag(rest.pop("signed"))


def _flag(signed: object) -> bool:
    if not isinstance(signed, bool):
        raise TypeError(f"option signed must be a bool, got {type(signed).__name__}: {signed!r}")
    return signed
