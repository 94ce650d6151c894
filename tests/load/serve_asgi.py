"""Serve docs/examples/fastapi_app.py (both ASGI middlewares) in uvicorn on 127.0.0.1.

Prints ``listening <port>`` once ready; SIGINT or SIGTERM shuts it down and it
prints ``stopped``. Used by the load and end-to-end tests; runnable by hand.
"""

from __future__ import annotations

import contextlib
import socket
import sys

import uvicorn
from example_loader import load_example  # this folder: the script's own


def main() -> int:
    module = load_example("fastapi_app")
    listener = socket.socket()
    listener.bind(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 0))
    listener.listen(128)  # clients may connect before the event loop accepts
    config = uvicorn.Config(module.app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    print(f"listening {listener.getsockname()[1]}", flush=True)
    # uvicorn shuts down gracefully on SIGINT or SIGTERM, then re-raises the SIGINT.
    with contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=[listener])
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
