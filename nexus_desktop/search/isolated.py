"""Index a pack in a child process, so a long index build never competes with the window for
Python's GIL (Whoosh's commit sorts large lists in one go and would stall the UI thread)."""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
from pathlib import Path
from typing import Any

from nexus_desktop.core.cancel import Cancelled, CancelToken, ProgressFn
from nexus_desktop.search.index import IndexBusyError, IndexReport

POLL_SECONDS = 0.05


def _end_with_parent() -> None:
    """End this process as soon as the app that started it is gone (even killed with
    SIGKILL, when it cannot terminate its children): a daemon thread waits on the parent's
    sentinel. What was being written is left to the next writer, under the index's lock."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def wait() -> None:
        parent.join()
        os._exit(3)

    threading.Thread(target=wait, name="end-with-parent", daemon=True).start()


def _child(cache_dir: str, root: str, pack_id: str, seed: str | None, messages: Any) -> None:
    _end_with_parent()
    from nexus_desktop.knowledge.loader import load_pack
    from nexus_desktop.search.index import IndexBusyError, PackIndex

    try:
        pack = load_pack(root, pack_id=pack_id)
        seed_path = Path(seed) if seed else None
        report = PackIndex(Path(cache_dir), pack, seed=seed_path).update(
            progress=lambda done, total, label="": messages.put(("progress", done, total))
        )
        messages.put(("done", report.added, report.changed, report.removed, report.unchanged,
                      report.notice))  # fmt: skip
    except IndexBusyError:
        messages.put(("busy",))
    except Exception as exc:  # noqa: BLE001 - reported to the parent as a failure
        messages.put(("failed", f"{type(exc).__name__}: {exc}"))


def update_in_child(
    cache_dir: Path,
    root: Path,
    pack_id: str,
    *,
    seed: Path | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> IndexReport:
    """Run ``PackIndex.update`` for the pack at ``root`` in a spawned process and wait for it."""
    context = multiprocessing.get_context("spawn")
    messages = context.Queue()
    process = context.Process(
        target=_child,
        args=(str(cache_dir), str(root), pack_id, str(seed) if seed else None, messages),
        daemon=True,
    )
    process.start()
    try:
        while True:
            if cancel is not None and cancel.is_set():
                process.terminate()
                raise Cancelled(str(root))
            try:
                message = messages.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if not process.is_alive():
                    raise RuntimeError(f"indexing process ended ({process.exitcode})") from None
                continue
            if message[0] == "progress":
                if progress is not None:
                    progress(message[1], message[2])
            elif message[0] == "done":
                return IndexReport(*message[1:])
            elif message[0] == "busy":
                raise IndexBusyError(pack_id)
            else:
                raise RuntimeError(message[1])
    finally:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
        messages.close()
