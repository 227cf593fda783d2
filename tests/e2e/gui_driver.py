"""Runs the real app exactly as ``nexus-desktop`` does, for end-to-end tests, and prints
``READY`` each time its packs have loaded (what a test waits for before it acts).

``--stuck-worker`` first makes every article render block forever: a worker that never
returns, as a hung network file system would make one.
"""

from __future__ import annotations

import sys
import threading

from nexus_desktop import app as app_module
from nexus_desktop.cli import main

_launch = app_module.launch


def _reporting_launch(**options: object):  # type: ignore[no-untyped-def]
    window = _launch(**options)  # type: ignore[arg-type]
    window.packs_loaded.connect(lambda: print("READY", flush=True))
    return window


app_module.launch = _reporting_launch

if __name__ == "__main__":
    args = sys.argv[1:]
    if "--stuck-worker" in args:
        args.remove("--stuck-worker")
        from nexus_desktop.services import library

        library.Library.render = lambda *_a, **_k: threading.Event().wait()  # type: ignore[method-assign]
    sys.exit(main(args))
