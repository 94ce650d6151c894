"""``Cookies``: the request's cookies in, deferred Set-Cookie headers out.

Transport-free: a request is read only for its Cookie header and its scheme
(see :mod:`cookie_middleware.exchange`), and the pending cookies leave through
:meth:`Cookies.seal` when the response starts. The WSGI and ASGI middlewares
that call ``seal`` live in :mod:`cookie_middleware.wsgi` and
:mod:`cookie_middleware.asgi`. Node's ``new Cookies(request, response)`` maps
onto Python like this:

* ``request`` is a WSGI environ or a request carrying one (WebOb, Flask,
  Django), or an ASGI scope or a request carrying one (Starlette, FastAPI).
* ``response`` is where the headers leave. Under a middleware it is the
  "response starts" step, which the middleware wraps the way Node's
  ``on-headers`` wraps ``writeHead``. Given a WebOb or Starlette response
  instead, its Set-Cookie headers are kept in step with the pending cookies on
  every change, so whenever it is sent, it carries exactly those.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._js import decode_uri_component
from .codec import LazyPairs, render
from .errors import DuplicateOptionError, HeadersSentError, InsecureCookieError, SigningError
from .exchange import HeaderSync, RequestReader, header_sync, reader_for
from .options import CookieOptions, normalize_options

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

    from .signing import Signer

__all__ = ["Cookies"]

# What get() looks in before the header is read: always empty, never written to.
_NOTHING_FOUND: dict[str, str] = {}

_EPOCH = 0  # unset() expires the cookie at the epoch, as the original does


class Cookies:
    """Read the request's cookies and collect the response's Set-Cookie headers.

    ``get`` reads the Cookie header (parsed once, as far as needed). ``set``
    records a *pending* cookie after checking it completely, so a bad name or
    option raises at the line that called ``set``. Pending cookies are written
    when the response's headers go out, one Set-Cookie header each: names in the
    order they were first set, each name's cookies in the order they were set,
    after any Set-Cookie headers the application wrote itself.

    A ``secure`` cookie on a request that did not arrive over https raises
    :class:`~cookie_middleware.errors.InsecureCookieError`. With
    ``trust_proxy=True`` an ``X-Forwarded-Proto: https`` header counts as https;
    enable it only behind a proxy that sets that header itself.
    """

    # Slots: a request's Cookies is made, read and written a few times, and slot
    # access is the cheapest there is.
    __slots__ = ("__weakref__", "_found", "_https", "_pairs", "_pending", "_reader",
                 "_sent", "_signer", "_source", "_sync", "_trust_proxy")
    _source: Mapping[str, Any] | None  # the request, until seal() lets go of it
    _reader: RequestReader
    _trust_proxy: bool
    _signer: Signer | None
    _pending: dict[str, list[str]]
    _sync: HeaderSync | None
    _pairs: LazyPairs | None  # the Cookie header, once read, parsed lazily: see get()
    _found: dict[str, str]  # the pairs parsed so far: _pairs.found, once there is one
    _https: bool  # whether the request came over https, once it is let go
    _sent: bool

    if TYPE_CHECKING:
        # Bound by cookie_middleware.wsgi, so that this module imports no transport.
        @classmethod
        def middleware(cls, app: WSGIApplication, *, trust_proxy: bool = False,
                       signer: Signer | None = None) -> WSGIApplication:
            """Wrap a WSGI *app*: see :class:`cookie_middleware.wsgi.CookiesMiddleware`."""

    def __init__(self, request: object, response: object = None, *,
                 trust_proxy: bool = False, signer: Signer | None = None) -> None:
        source, reader = reader_for(request)
        self._setup(source, reader, trust_proxy, signer)
        if response is not None:
            self._sync = header_sync(response)

    @classmethod
    def _bind(cls, source: Mapping[str, Any], reader: RequestReader,
              trust_proxy: bool, signer: Signer | None = None) -> Cookies:
        """What ``Cookies(source, trust_proxy=...)`` makes, for a middleware that
        already knows the kind of request: the per-request path, kept short."""
        self = cls.__new__(cls)
        self._setup(source, reader, trust_proxy, signer)
        return self

    def _setup(self, source: Mapping[str, Any], reader: RequestReader, trust_proxy: bool,
               signer: Signer | None) -> None:
        self._source = source
        self._reader = reader
        self._trust_proxy = trust_proxy
        self._signer = signer
        self._pending = {}
        self._sync = None
        self._pairs = None
        self._found = _NOTHING_FOUND
        self._https = False
        self._sent = False

    def belongs_to(self, request: Mapping[str, Any]) -> bool:
        """Whether this object was made for *request* (the very environ or scope)
        and its response has not started: a middleware stacked twice uses it to
        keep one ``Cookies`` per request."""
        return self._source is request

    @property
    def secure(self) -> bool:
        """Whether the request arrived over https (see ``trust_proxy``)."""
        source = self._source
        if source is None:  # let go of at seal(), with the answer kept
            return self._https
        return self._reader.https(source, self._trust_proxy)

    @property
    def sent(self) -> bool:
        """Whether the response's headers have gone out (see :meth:`seal`)."""
        return self._sent

    # (signed is not keyword-only: a keyword-only default costs every call a
    # lookup, a fifth of the call when an app reads every cookie.)
    def get(self, name: str, options: Mapping[str, object] | None = None, /,
            signed: bool = False) -> str | None:
        """The request's cookie *name*, percent-decoded, or ``None``. Cookies set
        during this request are not seen, as in the original.

        With ``signed=True`` (or Node's ``get(name, {"signed": True})``), the value
        only if its signature verifies with the signer's secrets (see
        :mod:`cookie_middleware.signing`), else ``None``.
        """
        if options is None and not signed:
            # The common case, and once the pair is parsed a single dict lookup:
            # an app reading every cookie makes one such call per name.
            value = self._found.get(name)
            if value is None:
                pairs = self._pairs
                value = (self._read_header() if pairs is None else pairs).search(name)
                if value is None:
                    return None
            return decode_uri_component(value) if "%" in value else value
        if options is not None:
            signed = _signed_option(options, signed)
        if signed:
            return self._need_signer(name).read(self, name)
        return self.get(name)

    def get_raw(self, name: str) -> str | None:
        """The request's cookie *name* as it came (trimmed and unquoted, not
        percent-decoded), or ``None``."""
        # Each piece of the header is parsed at most once and only when needed.
        pairs = self._pairs
        if pairs is None:
            pairs = self._read_header()
        return pairs.get(name)

    def _need_signer(self, name: str) -> Signer:
        if self._signer is None:
            raise SigningError(
                f"cookie {name!r} is signed, but this Cookies has no signer: pass "
                "signer=ExpressSigner(secrets) or KeygripSigner(keys) to Cookies or its "
                "middleware"
            )
        return self._signer

    @property
    def header(self) -> str:
        """The request's Cookie header as text (UTF-8 where the bytes are valid
        UTF-8, latin-1 otherwise), read when first asked for."""
        pairs = self._pairs
        return (self._read_header() if pairs is None else pairs).header

    def _read_header(self) -> LazyPairs:
        """Read the Cookie header, once, for a lazy parse of its pairs."""
        source = self._source
        # (seal() lets go of the request entirely only once the header was read.)
        header = "" if source is None else self._reader.header(source)
        pairs = self._pairs = LazyPairs(header)
        self._found = pairs.found
        return pairs

    def set(self, name: str, value: str, options: Mapping[str, object] | None = None,
            /, overwrite: bool = False, **attributes: object) -> None:
        """Record a pending cookie; with *overwrite*, it replaces every pending
        cookie of that name, otherwise it is added beside them.

        *options* takes the Node option names and *attributes* the same or their
        snake_case forms, exactly as :func:`~cookie_middleware.serialize` does::

            cookies.set("theme", "dark", {"maxAge": 3600, "httpOnly": True})
            cookies.set("theme", "dark", max_age=3600, http_only=True)

        ``maxAge`` is in seconds (Express's ``res.cookie`` takes milliseconds).

        Raises what ``serialize`` raises, :class:`InsecureCookieError` for a
        ``secure`` cookie over plain http, and :class:`HeadersSentError` once
        the headers have gone out. A call that raises changes nothing.
        """
        if self._sent:
            raise HeadersSentError(
                f"cannot set cookie {name!r}: the response headers were already sent"
            )
        if type(options) is CookieOptions and not attributes:
            # Options checked once, beforehand (a session cookie's): straight to render.
            header = render(name, value, options)
            if options.secure and not self.secure:
                self._refuse_insecure(name)
        else:
            if "signed" in attributes or (options is not None and "signed" in options):
                options, signed = _without_signed_option(options, attributes)
                if signed:
                    self._need_signer(name).write(self, name, value, options, overwrite,
                                                  attributes)
                    return
            header = self._checked_header(name, value, options, attributes)
        pending = self._pending
        if overwrite or name not in pending:
            pending[name] = [header]
        else:
            pending[name].append(header)
        if self._sync is not None:
            self._sync.add(name, header, overwrite)

    def preview(self, name: str, value: str, options: Mapping[str, object] | None = None,
                /, **attributes: object) -> str:
        """The Set-Cookie header value ``set`` would record, without recording it.

        Raises what ``set`` raises for the cookie itself (a bad name or option, a
        Secure cookie over plain http).
        """
        return self._checked_header(name, value, options, attributes)

    def _checked_header(self, name: str, value: str, options: Mapping[str, object] | None,
                        attributes: Mapping[str, object]) -> str:
        checked = normalize_options(options, attributes)
        header = render(name, value, checked)
        if checked.secure and not self.secure:
            self._refuse_insecure(name)
        return header

    @staticmethod
    def _refuse_insecure(name: str) -> None:
        raise InsecureCookieError(
            f"cannot send secure cookie {name!r} over an unencrypted connection "
            "(behind a TLS-terminating proxy, use trust_proxy=True)"
        )

    def unset(self, name: str, options: Mapping[str, object] | None = None,
              /, **attributes: object) -> None:
        """Remove cookie *name* in the browser: ``name=; Expires=Thu, 01 Jan 1970
        00:00:00 GMT``, replacing any pending cookie of that name.

        A browser removes only the cookie with the same Path and Domain, so pass
        those the cookie was set with (``cookies.unset("sid", path="/")``).
        ``expires`` and ``maxAge`` are not accepted: unset chooses them.
        """
        for clash in ("expires", "maxAge", "max_age", "signed"):
            if clash in attributes or (isinstance(options, Mapping) and clash in options):
                raise TypeError(f"unset() sets the expiry itself; do not pass {clash!r}")
        self.set(name, "", options, True, expires=_EPOCH, **attributes)

    clear = unset

    def headers(self) -> list[str]:
        """The pending Set-Cookie header values, in the order they will be written."""
        return [header for group in self._pending.values() for header in group]

    def seal(self) -> list[str]:
        """The response starts: return the pending Set-Cookie header values, in
        order, and refuse every later ``set`` with :class:`HeadersSentError`.

        This is the on-headers step; the middlewares call it. The request is let
        go of here (only what ``get`` and ``secure`` read is kept), so that nothing
        refers back to it from the objects it holds: no reference cycle is left
        for the garbage collector.
        """
        if not self._sent:
            self._sent = True
            source = self._source
            if source is not None:
                if self._pairs is None:  # keep a copy of what get() and secure read
                    self._source = self._reader.detach(source)
                else:  # the header is read: only secure needs the request still
                    self._https = self._reader.https(source, self._trust_proxy)
                    self._source = None
        pending = self._pending
        if not pending:
            return []
        if len(pending) == 1:  # the usual case, a session cookie: one header or a few
            for group in pending.values():
                return group[:]
        return self.headers()

    def on_headers(self, headers: list[tuple[str, str]]) -> None:
        """Append the pending cookies to a WSGI header list about to be sent
        (:meth:`seal`, for servers or frameworks that send headers themselves)."""
        headers.extend([("Set-Cookie", header) for header in self.seal()])


def _signed_option(options: Mapping[str, object], signed: bool) -> bool:
    """Node's ``get(name, {signed: true})``: the only option ``get`` takes."""
    if not isinstance(options, Mapping):
        raise TypeError(f"get() options must be a mapping, got {type(options).__name__}")
    unknown = sorted(set(options) - {"signed"})
    if unknown:
        raise TypeError(f"get() takes only the option 'signed', got {unknown!r}")
    flag = options.get("signed", signed)
    if not isinstance(flag, bool):
        raise TypeError(f"option signed must be a bool, got {type(flag).__name__}: {flag!r}")
    return flag


def _without_signed_option(options: Mapping[str, object] | None,
                           attributes: dict[str, object]) -> tuple[Mapping[str, object] | None,
                                                                   bool]:
    """Take ``signed`` out of the options (mapping or keywords): it asks for a
    signature, and is no attribute of the cookie."""
    given = []
    if options is not None and "signed" in options:
        options = dict(options)
        given.append(options.pop("signed"))
    if "signed" in attributes:
        given.append(attributes.pop("signed"))
    if len(given) > 1:
        raise DuplicateOptionError("cookie option 'signed' given twice")
    flag = given[0] if given else False
    if not isinstance(flag, bool):
        raise TypeError(f"option signed must be a bool, got {type(flag).__name__}: {flag!r}")
    return options, flag
