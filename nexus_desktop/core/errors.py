"""Operating-system errors in words for people."""

from __future__ import annotations

import errno
from pathlib import Path


def describe_os_error(exc: OSError, what: str) -> str:
    """``what`` could not be done, and why, for a person (read-only folder, full disk...)."""
    code = exc.errno
    if code == errno.EROFS:
        return f"{what}: the data folder is on a read-only disk"
    if code in (errno.EACCES, errno.EPERM):
        where = Path(exc.filename).parent if exc.filename else "the data folder"
        return f"{what}: no permission to write in {where}"
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return f"{what}: the disk is full"
    if code in (errno.ENOTDIR, errno.EEXIST, errno.EISDIR):
        return f"{what}: {exc.filename} is in the way (a file where a folder should be)"
    return f"{what}: {exc.strerror or exc}"
