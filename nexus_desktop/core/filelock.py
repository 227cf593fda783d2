"""An advisory lock between processes (and between threads): ``flock`` on POSIX, ``msvcrt``
byte-range locks on Windows. The OS releases it when its holder dies, so a crash never leaves a
stale lock behind; the lock file itself is never deleted (deleting it would let two holders in).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from types import TracebackType

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class LockUnavailableError(OSError):
    """Another process (or thread) holds the lock."""


class FileLock:
    """``with FileLock(path, timeout=2):`` - exclusive; raises :class:`LockUnavailableError` when
    it cannot be had within ``timeout`` seconds (0: try once), and ``OSError`` when the lock
    file cannot be created (a read-only folder: the caller decides what that means)."""

    def __init__(self, path: Path, *, timeout: float = 0.0, poll: float = 0.05) -> None:
        self.path = path
        self.timeout = timeout
        self.poll = poll
        self._fd: int | None = None

    def acquire(self) -> FileLock:
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(self.path, flags, 0o644)
        deadline = time.monotonic() + self.timeout
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                os.close(fd)
                raise LockUnavailableError(f"{self.path.name} is held by another process")
            time.sleep(self.poll)
        self._fd = fd
        return self

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            try:
                _unlock(fd)
            finally:
                os.close(fd)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> FileLock:
        return self if self.held else self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()
