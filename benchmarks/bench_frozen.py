"""The installers: their sizes, and the frozen app's launch to visible window against the app
run from the virtual environment, measured the same way in the same run.

``python benchmarks/bench_frozen.py [--runs N] [--dist DIR] [--frozen PROGRAM]`` after
``make dist`` (it reads ``dist/`` and the frozen app in ``build/pyinstaller/``).

Sizes: every file in ``dist/`` (targets: the .deb at most 45 MB).

Launch: each run is a fresh process of the real program, as a learner starts it (the frozen
``nexus-desktop``, and ``.venv/bin/nexus-desktop``), on a first launch (a fresh data folder
each time), under a private Xvfb server with the xcb platform plugin. It is timed from just
before the process starts until its main window ("... Nexus Desktop") is mapped and viewable
on the X server, which this script watches itself through libX11 (no screenshot, no code in
the app). Each round runs both, in random order; the figure judged against the target (at most
1.1) is the median of the per-round ratios frozen / venv, which compares runs made moments
apart on a machine whose speed drifts. Then both are ended with SIGTERM (the app quits
cleanly). Needs Xvfb (Debian package xvfb).
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO, median, ms

TITLE_END = b"Nexus Desktop"
IS_VIEWABLE = 2  # XWindowAttributes.map_state


class _XWindowAttributes(ctypes.Structure):
    _fields_ = [
        ("x", ctypes.c_int), ("y", ctypes.c_int), ("width", ctypes.c_int),
        ("height", ctypes.c_int), ("border_width", ctypes.c_int), ("depth", ctypes.c_int),
        ("visual", ctypes.c_void_p), ("root", ctypes.c_ulong), ("class", ctypes.c_int),
        ("bit_gravity", ctypes.c_int), ("win_gravity", ctypes.c_int),
        ("backing_store", ctypes.c_int), ("backing_planes", ctypes.c_ulong),
        ("backing_pixel", ctypes.c_ulong), ("save_under", ctypes.c_int),
        ("colormap", ctypes.c_ulong), ("map_installed", ctypes.c_int),
        ("map_state", ctypes.c_int), ("all_event_masks", ctypes.c_long),
        ("your_event_mask", ctypes.c_long), ("do_not_propagate_mask", ctypes.c_long),
        ("override_redirect", ctypes.c_int), ("screen", ctypes.c_void_p),
    ]  # fmt: skip


class XWatcher:
    """Looks at the X server's top-level windows for a viewable app window."""

    def __init__(self, display: str) -> None:
        name = ctypes.util.find_library("X11")
        if name is None:
            sys.exit("bench_frozen needs libX11 (Debian package libx11-6)")
        self.x = ctypes.cdll.LoadLibrary(name)
        self.x.XOpenDisplay.restype = ctypes.c_void_p
        self.x.XDefaultRootWindow.restype = ctypes.c_ulong
        self.x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        self.x.XQueryTree.argtypes = [
            ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
            ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
            ctypes.POINTER(ctypes.c_uint),
        ]  # fmt: skip
        self.x.XFetchName.argtypes = [
            ctypes.c_void_p,
            ctypes.c_ulong,
            ctypes.POINTER(ctypes.c_char_p),
        ]
        self.x.XGetWindowAttributes.argtypes = [
            ctypes.c_void_p,
            ctypes.c_ulong,
            ctypes.POINTER(_XWindowAttributes),
        ]
        self.x.XFree.argtypes = [ctypes.c_void_p]
        self.display = self.x.XOpenDisplay(display.encode())
        if not self.display:
            sys.exit(f"cannot open X display {display}")
        self.root = self.x.XDefaultRootWindow(self.display)

    def app_window_visible(self) -> bool:
        root, parent = ctypes.c_ulong(), ctypes.c_ulong()
        children = ctypes.POINTER(ctypes.c_ulong)()
        count = ctypes.c_uint()
        if not self.x.XQueryTree(self.display, self.root, ctypes.byref(root),
                                 ctypes.byref(parent), ctypes.byref(children),
                                 ctypes.byref(count)):  # fmt: skip
            return False
        try:
            for i in range(count.value):
                window = children[i]
                attributes = _XWindowAttributes()
                if not self.x.XGetWindowAttributes(self.display, window, ctypes.byref(attributes)):
                    continue
                if attributes.map_state != IS_VIEWABLE or attributes.width < 200:
                    continue
                name = ctypes.c_char_p()
                if self.x.XFetchName(self.display, window, ctypes.byref(name)) and name.value:
                    found = name.value.endswith(TITLE_END)
                    self.x.XFree(name)
                    if found:
                        return True
        finally:
            if children:
                self.x.XFree(children)
        return False


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    if shutil.which("Xvfb") is None:
        sys.exit("bench_frozen needs Xvfb (Debian package xvfb)")
    for number in range(90, 140):
        if (
            not Path(f"/tmp/.X11-unix/X{number}").exists()
            and not Path(f"/tmp/.X{number}-lock").exists()
        ):
            display = f":{number}"
            server = subprocess.Popen(
                ["Xvfb", display, "-screen", "0", "1400x900x24", "-nolisten", "tcp"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            deadline = time.monotonic() + 10
            while not Path(f"/tmp/.X11-unix/X{number}").exists():
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit("Xvfb did not start")
                time.sleep(0.05)
            return server, display
    sys.exit("no free X display number")


def time_launch(program: list[str], data_dir: Path, display: str, watcher: XWatcher) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "NEXUS_"))}
    env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
    start = time.perf_counter()
    proc = subprocess.Popen(
        [*program, "--data-dir", str(data_dir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=data_dir.parent,
    )
    try:
        while not watcher.app_window_visible():
            if proc.poll() is not None:
                raise SystemExit(f"{program[0]} exited with {proc.returncode} before its window")
            if time.perf_counter() - start > 60:
                raise SystemExit(f"{program[0]}: no window after 60 s")
            time.sleep(0.001)
        return time.perf_counter() - start
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def sizes(dist: Path) -> dict[str, int]:
    found = {
        p.name: p.stat().st_size
        for p in sorted(dist.glob("*"))
        if p.is_file() and p.name != "SHA256SUMS"
    }
    print(f"installer sizes ({dist})")
    if not found:
        print("  none: run `make dist` first")
    for name, size in found.items():
        target = "  (target <= 45 MB)" if name.endswith(".deb") else ""
        print(f"  {name:55} {size / 1e6:7.1f} MB{target}")
    return found


def main(runs: int = 21, dist: Path | None = None, frozen: Path | None = None) -> dict[str, float]:
    dist = dist or REPO / "dist"
    frozen = frozen or REPO / "build" / "pyinstaller" / "nexus-desktop" / "nexus-desktop"
    venv_program = REPO / ".venv" / "bin" / "nexus-desktop"
    result: dict[str, float] = {f"size:{name}": float(size) for name, size in sizes(dist).items()}
    if not frozen.is_file():
        print(f"\nfrozen app launch: {frozen} is missing: run `make dist` first")
        return result
    # Both as installed: the venv's modules compiled, as pip installs them.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "nexus_desktop")],
                   check=True)  # fmt: skip
    server, display = start_xvfb()
    try:
        watcher = XWatcher(display)
        programs = {"frozen": [str(frozen)], "venv": [str(venv_program)]}
        times: dict[str, list[float]] = {"frozen": [], "venv": []}
        shm = Path("/dev/shm")
        with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as tmp:
            for which in programs:  # warm the file cache for both
                time_launch(programs[which], Path(tmp) / f"warm-{which}", display, watcher)
            for run in range(runs):
                for which in random.sample(list(programs), 2):
                    data = Path(tmp) / f"{which}-{run}"
                    times[which].append(time_launch(programs[which], data, display, watcher))
    finally:
        server.terminate()
        server.wait(timeout=10)
    paired = median([f / v for f, v in zip(times["frozen"], times["venv"], strict=True)])
    result.update(
        frozen_visible=median(times["frozen"]),
        venv_visible=median(times["venv"]),
        ratio_paired=paired,
    )
    print(f"\nlaunch to visible window ({runs} rounds, both in random order each round; medians)")
    print(f"  from the virtual environment (.venv/bin/nexus-desktop)  {ms(result['venv_visible'])}")
    print(
        f"  frozen app (PyInstaller onedir)                         {ms(result['frozen_visible'])}"
    )
    print(f"    median of per-round ratios frozen/venv                 {paired:.2f}x"
          "  (target <= 1.1x)")  # fmt: skip
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--dist", type=Path, default=None)
    parser.add_argument("--frozen", type=Path, default=None)
    args = parser.parse_args()
    main(args.runs, args.dist, args.frozen)
