"""End-to-end helpers: the app and CLI as subprocesses, in hostile environments."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO

DRIVER = Path(__file__).with_name("gui_driver.py")


def env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m nexus_desktop ARGS`` to completion."""
    return subprocess.run(
        [sys.executable, "-m", "nexus_desktop", *args],
        capture_output=True, text=True, cwd=REPO, timeout=timeout, env=env(),
    )  # fmt: skip


def cli_in_parallel(count: int, *args: str, timeout: float = 180) -> list[tuple[int, str, str]]:
    """``count`` copies of ``python -m nexus_desktop ARGS`` at once; (code, out, err) each."""
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "nexus_desktop", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env=env(),
        )  # fmt: skip
        for _ in range(count)
    ]
    results = []
    try:
        for run in runs:
            out, err = run.communicate(timeout=timeout)
            results.append((run.returncode, out, err))
    finally:
        for run in runs:
            if run.poll() is None:
                run.kill()
                run.communicate()
    return results


@pytest.fixture
def start_gui() -> Iterator[object]:
    """Start the real app (see gui_driver.py) with its output piped; every app started is
    killed (if still running) and its pipes closed after the test."""
    started: list[subprocess.Popen[str]] = []

    def start(*args: str) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, str(DRIVER), *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=env(),
        )  # fmt: skip
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate()


def wait_for_line(process: subprocess.Popen[str], expected: str, timeout: float = 60) -> None:
    """Block until ``process`` prints ``expected`` on a line (or fail after ``timeout``)."""
    assert process.stdout is not None
    fd = process.stdout.fileno()
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP)
    buffered = ""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        if not poller.poll(left * 1000):
            break
        chunk = os.read(fd, 65536)
        if not chunk:  # the process closed its output: it has ended
            break
        buffered += chunk.decode()
        if expected in buffered.splitlines():
            return
    process.kill()
    _out, err = process.communicate()
    raise AssertionError(f"never printed {expected!r}; stdout={buffered!r} stderr={err[-3000:]}")


def wait_until_gone(pid: int, timeout: float) -> bool:
    """Whether process ``pid`` (not necessarily our child) ends within ``timeout`` seconds."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], timeout)[0])
    finally:
        os.close(fd)


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _mount(*args: str) -> bool:
    if shutil.which("mount") is None:
        return False
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs: a disk that fills up."""
    where = tmp_path / "disk"
    where.mkdir()
    if not _mount("-t", "tmpfs", "-o", "size=2m", "tmpfs", str(where)):
        pytest.skip("this machine does not let tests mount a tmpfs (needs CAP_SYS_ADMIN)")
    yield where
    subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.fixture
def make_read_only(tmp_path: Path) -> Iterator[object]:
    """Call it with a folder to turn that folder read-only (a read-only bind mount, which
    binds root too, unlike file permissions)."""
    mounted: list[Path] = []

    def read_only(folder: Path) -> None:
        if not (_mount("--bind", str(folder), str(folder))
                and _mount("-o", "remount,bind,ro", str(folder))):  # fmt: skip
            pytest.skip("this machine does not let tests make read-only mounts")
        mounted.append(folder)

    yield read_only
    for folder in reversed(mounted):
        subprocess.run(["umount", "-l", str(folder)], check=False)
