"""Reading a pack's files safely: only regular files, never more than a limit, never blocking.

A FIFO named ``x.md`` would block ``open()`` forever and a character device such as
``/dev/zero`` behind ``zero.md`` would be read until memory runs out; ``stat`` may also report a
size that the read then exceeds (``/proc`` files, files that grow). So every content read opens
without blocking, checks the opened file itself (``fstat``), and reads at most ``limit`` bytes.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_ARTICLE_BYTES = 2 * 1024 * 1024
_CHUNK = 256 * 1024
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_FLAGS |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


class NotRegularFileError(OSError):
    """A FIFO, device, socket or folder where a content file was expected."""


class FileTooLargeError(OSError):
    """More bytes than the limit (whatever ``stat`` said)."""

    def __init__(self, path: Path, size: int, limit: int) -> None:
        super().__init__(f"{path.name} is over the {limit // 1048576} MB limit")
        self.size = size
        self.limit = limit


def is_regular(mode: int) -> bool:
    return stat.S_ISREG(mode)


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def read_limited(path: Path, limit: int = MAX_ARTICLE_BYTES) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them.

    Raises :class:`NotRegularFileError`, :class:`FileTooLargeError` or another ``OSError``.
    """
    fd = os.open(path, _FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFileError(f"{path.name} is {kind_of(info.st_mode)}, not a regular file")
        if info.st_size > limit:
            raise FileTooLargeError(path, info.st_size, limit)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # stat said less: the file grew, or lies about its size
                raise FileTooLargeError(path, total, limit)
        return b"".join(chunks)
    finally:
        os.close(fd)


def safe_text(name: str) -> str:
    """A file name as valid Unicode: bytes that were not UTF-8 (kept by Python as lone
    surrogates) become U+FFFD, so ids, titles and index keys can always be encoded."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        # Python keeps an undecodable byte b as the surrogate U+DC00+b: back to bytes, then
        # decoded with replacement (any other lone surrogate is replaced outright).
        raw = bytearray()
        for char in name:
            code = ord(char)
            if 0xDC80 <= code <= 0xDCFF:
                raw.append(code - 0xDC00)
            elif 0xD800 <= code <= 0xDFFF:
                raw += "\ufffd".encode()
            else:
                raw += char.encode()
        return raw.decode("utf-8", "replace")
    return name


_SYSTEM_FOLDERS = frozenset(
    {"/bin", "/boot", "/dev", "/etc", "/lib", "/lib64", "/proc", "/run", "/sbin", "/sys",
     "/usr", "/var", "/System", "/Library", "/Applications", "/Volumes", "/private"}
)  # fmt: skip


def not_a_pack_reason(root: Path) -> str | None:
    """Why ``root`` (resolved) is obviously not a content pack, or None.

    A filesystem root, a home folder or a system folder would mean reading a whole disk.
    """
    advice = "choose the folder that holds your Markdown files"
    if root.parent == root:
        return f"{root} is the root of a disk, not a content pack: {advice}"
    try:
        home = Path.home().resolve()
    except (OSError, RuntimeError):
        home = None
    if root == home:
        return f"{root} is your home folder, not a content pack: {advice}"
    top_level_windows = os.name == "nt" and root.parent == Path(root.anchor)
    if str(root) in _SYSTEM_FOLDERS or (
        top_level_windows and root.name.lower() in ("windows", "program files")
    ):
        return f"{root} is a system folder, not a content pack: {advice}"
    return None
