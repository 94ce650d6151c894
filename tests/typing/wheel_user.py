"""A typed user of the installed wheel: .ci/run type-checks and runs this file in a
fresh virtual environment, away from the checkout, against the built wheel."""

from __future__ import annotations

from webob import Request, Response
from webob.dec import wsgify

import cookie_middleware
import session_middleware
from cookie_middleware import Cookies, get_cookies
from session_middleware import Session, get_session


@wsgify
def hello(request: Request) -> Response:
    get_cookies(request).set("seen", "yes", max_age=60)
    return Response(get_session(request).token)


app = Cookies.middleware(Session.middleware(hello))
response = Request.blank("/").get_response(app)
assert response.headers.getall("Set-Cookie") == [
    f"_session={response.text}; Path=/; HttpOnly", "seen=yes; Max-Age=60"]
assert cookie_middleware.__file__ is not None
assert "site-packages" in cookie_middleware.__file__  # the wheel, not the checkout
assert session_middleware.__version__ == cookie_middleware.__version__
print(f"wheel {cookie_middleware.__version__} works from {cookie_middleware.__file__}")
