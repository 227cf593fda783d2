"""The cancel/progress protocol of long jobs: loading packs, indexing, validating, storage jobs.

A job takes ``progress`` (a :class:`ProgressFn`) and ``cancel`` (anything with ``is_set()``, such
as a :class:`threading.Event` or the UI's task context) and raises :class:`Cancelled` when asked
to stop. Nothing here imports the content loader, search or Qt.
"""

from __future__ import annotations

from typing import Protocol


class CancelToken(Protocol):
    def is_set(self) -> bool: ...


class ProgressFn(Protocol):
    """``progress(done, total, label)``: ``total`` 0 means "not known yet"; ``label`` says what
    is being worked on (a folder being read, a pack being indexed), or is empty."""

    def __call__(self, done: int, total: int, label: str = "") -> None: ...


class Cancelled(Exception):  # noqa: N818 - a signal, not an error
    """Raised by a job whose cancel token was set; what it was writing is left as it was."""


def check(cancel: CancelToken | None, what: str = "") -> None:
    """Raise :class:`Cancelled` if ``cancel`` is set."""
    if cancel is not None and cancel.is_set():
        raise Cancelled(what)
