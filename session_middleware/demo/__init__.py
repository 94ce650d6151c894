"""The demo app: the example of the original package's README plus a fixation-safe
login flow, on the public session stores (:mod:`session_middleware.stores`).

Run it with ``python -m session_middleware.demo`` (``--help`` for options).
"""

from __future__ import annotations

from .app import make_app

__all__ = ["make_app"]
