"""Fixtures of the installers' tests: the wheel and sdist, the frozen app, the .deb.

Each is built once per test session, from the working tree, into a temporary folder outside
it. The builds need the packaging tools (``pip install -e ".[packaging]"``, and on Debian the
packages ``make dist-deps`` installs); a test whose tools are missing is skipped, saying which.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from tests.conftest import REPO

SEED = REPO / "nexus_desktop" / "data" / "search-seed"


def run(
    command: Sequence[str | os.PathLike[str]],
    *,
    timeout: float = 600,
    check: bool = True,
    **options: object,
) -> subprocess.CompletedProcess[str]:
    """Run a command; on failure, fail the test with its output."""
    started = time.perf_counter()
    result = subprocess.run(
        [str(c) for c in command],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **options,  # type: ignore[call-overload]
    )
    elapsed = time.perf_counter() - started
    print(f"[{elapsed:6.1f} s] {' '.join(str(c) for c in command)[:160]}")
    if check and result.returncode != 0:
        pytest.fail(
            f"{command[0]} exited {result.returncode}\n--- stdout\n{result.stdout[-6000:]}"
            f"\n--- stderr\n{result.stderr[-6000:]}"
        )
    return result


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a program under test: offscreen, no data folder override, and
    nothing that would make Python import the source tree."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "NEXUS_"))}
    env.update(QT_QPA_PLATFORM="offscreen", **extra)
    return env


def need_tools(*programs: str, modules: Sequence[str] = ()) -> None:
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    missing = [p for p in programs if shutil.which(p, path=path) is None]
    missing += [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(
            f"needs {', '.join(missing)} (`make dist-deps` and the packaging extra: "
            '`pip install -e ".[packaging]"`)'
        )


def ensure_seed() -> None:
    """The prebuilt search index the installers carry (``make`` builds it; CI's clean clone
    has none until something does)."""
    if not (SEED / "meta.json").is_file():
        run([sys.executable, "-m", "nexus_desktop.search.seed"], cwd=REPO)


@pytest.fixture(scope="session")
def python_dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist and the wheel built from it (``python -m build``, as ``make dist`` does)."""
    need_tools(modules=["build"])
    ensure_seed()
    out = tmp_path_factory.mktemp("python-dists")
    run([sys.executable, "-m", "build", "--outdir", out, REPO], cwd=REPO)
    wheels = sorted(out.glob("nexus_desktop-*.whl"))
    sdists = sorted(out.glob("nexus_desktop-*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, sorted(p.name for p in out.iterdir())
    return {"wheel": wheels[0], "sdist": sdists[0]}


@pytest.fixture(scope="session")
def frozen_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The PyInstaller onedir build (packaging/nexus-desktop.spec): its folder."""
    need_tools(modules=["PyInstaller"])
    ensure_seed()
    work = tmp_path_factory.mktemp("pyinstaller")
    run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            work / "dist",
            "--workpath",
            work / "work",
            REPO / "packaging" / "nexus-desktop.spec",
        ],  # fmt: skip
        cwd=work,  # not the source tree: its nexus_desktop.egg-info would be taken as metadata
        env={**os.environ, "NEXUS_BUILD_DIR": str(work / "build")},
        timeout=900,
    )
    app = work / "dist" / "nexus-desktop"
    assert app.is_dir()
    return app


@pytest.fixture(scope="session")
def linux_packages(frozen_app: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The .deb (fast compression: what is checked is the same) and the portable .tar.gz."""
    if not sys.platform.startswith("linux"):
        pytest.skip("Linux packages are built on Linux")
    need_tools("dpkg-deb", "dpkg-shlibdeps", "objdump", "patchelf")
    out = tmp_path_factory.mktemp("linux-packages")
    run(
        [
            sys.executable,
            REPO / "packaging" / "linux" / "build_linux.py",
            "--bundle",
            frozen_app,
            "--out",
            out,
            "--work",
            out / "work",
            "--xz-level",
            "1",
        ],  # fmt: skip
        cwd=REPO,
        timeout=900,
    )
    debs = sorted(out.glob("nexus-desktop_*.deb"))
    tarballs = sorted(out.glob("nexus-desktop-*-linux-*.tar.gz"))
    assert len(debs) == 1 and len(tarballs) == 1, sorted(p.name for p in out.iterdir())
    return {"deb": debs[0], "tarball": tarballs[0]}


@pytest.fixture(scope="session")
def deb_root(linux_packages: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .deb unpacked into a temporary root (``dpkg-deb -x``), as dpkg would install it."""
    root = tmp_path_factory.mktemp("deb-root")
    run(["dpkg-deb", "-x", linux_packages["deb"], root])
    return root


@pytest.fixture
def outside_dir(tmp_path: Path) -> Iterator[Path]:
    """A working folder outside the source tree."""
    assert REPO not in tmp_path.parents
    yield tmp_path
