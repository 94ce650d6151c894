"""Serve a recipe of docs/examples in waitress on 127.0.0.1: ``plain_wsgi.py``
(both WSGI middlewares), or the one named as the second argument.

``python serve.py [PORT [RECIPE]]``. Multi-threaded. Prints ``listening <port>``
once ready; SIGINT or SIGTERM shuts it down and it prints ``stopped``. Used by
test_load.py and test_flask.py; runnable by hand as well.
"""

from __future__ import annotations

import sys

from example_loader import load_example  # this folder: the script's own
from waitress import create_server  # type: ignore[import-untyped]
from waitress_run import run_until_stopped  # this folder as well


def main() -> int:
    module = load_example(sys.argv[2] if len(sys.argv) > 2 else "plain_wsgi")
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = create_server(module.app, host="127.0.0.1", port=port, threads=8)
    run_until_stopped(server, f"listening {server.effective_port}")
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
