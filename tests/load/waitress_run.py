"""Run a waitress server until SIGINT or SIGTERM, for the scripts that serve an app."""

from __future__ import annotations

import signal
from typing import Any


def run_until_stopped(server: Any, ready: str) -> None:
    """Print *ready* once listening, serve until SIGINT or SIGTERM, then close."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(ready, flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
