"""The .deb, unpacked into a temporary root, as a Debian user gets it: the program passes its
self-test, the desktop entry, the metainfo and the package pass their checkers, and the
portable archive holds the same program."""

from __future__ import annotations

import os
import re
import subprocess
import tarfile
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.packaging.conftest import clean_env, need_tools, run

pytestmark = pytest.mark.packaging

APP_ID = "io.github.nexus_desktop.NexusDesktop"


def test_the_installed_program_passes_its_self_test(deb_root: Path, outside_dir: Path) -> None:
    program = deb_root / "usr" / "bin" / "nexus-desktop"
    assert program.is_symlink() and os.readlink(program) == "../lib/nexus-desktop/nexus-desktop"
    result = run([program, "--self-test"], cwd=outside_dir, env=clean_env(HOME=str(outside_dir)))
    assert "self-test: ok" in result.stdout and "files, window" in result.stdout
    from nexus_desktop import __version__

    assert run([program, "--version"], env=clean_env()).stdout.strip().endswith(__version__)
    content = deb_root / "usr/lib/nexus-desktop/_internal/content"
    validate = run([program, "validate", "--quiet", content], env=clean_env())
    assert "0 errors" in validate.stdout  # Python-Markdown's extensions (pymdownx) are in


def test_the_bundle_is_slim_and_carries_its_files(deb_root: Path) -> None:
    internal = deb_root / "usr/lib/nexus-desktop/_internal"
    files = [p.relative_to(internal).as_posix() for p in internal.rglob("*") if p.is_file()]
    qt = [f for f in files if f.startswith("PySide6/")]
    for unwanted in ("Qml", "Quick", "WebEngine", "Designer", "Pdf", "VirtualKeyboard",
                     "/translations/", "libqgtk3", "libqeglfs", "libqvnc", "/tls/"):  # fmt: skip
        assert not [f for f in qt if unwanted in f], unwanted
    plugins = {f.split("/plugins/", 1)[1] for f in qt if "/plugins/" in f}
    assert {"platforms/libqxcb.so", "platforms/libqoffscreen.so", "platforms/libqwayland.so",
            "imageformats/libqsvg.so", "imageformats/libqjpeg.so",
            "iconengines/libqsvgicon.so"} <= plugins  # fmt: skip
    # The system's graphics and font libraries are the system's: not bundled.
    assert not [f for f in files if re.match(r"lib(X11|xcb|fontconfig|freetype|glib|stdc\+\+)", f)]
    assert "content/nexus-pack.toml" in files and "content/LICENSE" in files
    assert "resources/icons/back.png" in files and "LICENSE" in files
    assert "search-seed/meta.json" in files
    assert not [f for f in files if "WRITELOCK" in f or f.endswith(".lock")]
    assert "nexus_desktop/storage/migrations/env.py" in files
    assert any(f.startswith("nexus_desktop/storage/migrations/versions/0001") for f in files)
    # The distributions' metadata, for the versions Help > About shows.
    dist_infos = {f.split("-")[0].lower() for f in files if f.endswith(".dist-info/METADATA")}
    assert {"pyside6_essentials", "markdown", "pymdown_extensions", "pygments", "nh3",
            "whoosh_reloaded", "nexus_desktop"} <= dist_infos, dist_infos  # fmt: skip
    notices = (internal / "THIRD-PARTY-NOTICES.txt").read_text(encoding="utf-8")
    for component in ("Nexus Desktop", "CC-BY-4.0", "PySide6", "Markdown", "pymdown-extensions",
                      "Whoosh", "SQLAlchemy", "GNU LESSER GENERAL PUBLIC LICENSE"):  # fmt: skip
        assert component in notices, component
    for path in internal.rglob("*"):  # no RUNPATH into the build machine
        if path.suffix == ".so" or ".so." in path.name:
            dynamic = subprocess.run(["objdump", "-p", str(path)], capture_output=True,
                                     text=True, check=False).stdout  # fmt: skip
            for line in dynamic.splitlines():
                if "RUNPATH" in line or "RPATH" in line:
                    assert "$ORIGIN" in line and "/root/" not in line, (path, line)


def test_the_package_layout(deb_root: Path, linux_packages: dict[str, Path]) -> None:
    share = deb_root / "usr" / "share"
    assert (share / "applications" / f"{APP_ID}.desktop").is_file()
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert (share / "icons/hicolor/scalable/apps" / f"{APP_ID}.svg").is_file()
    sizes = {p.parent.parent.name for p in share.glob(f"icons/hicolor/*/apps/{APP_ID}.png")}
    assert {"16x16", "32x32", "48x48", "64x64", "128x128", "256x256", "512x512"} <= sizes
    assert (share / "man/man1/nexus-desktop.1.gz").is_file()
    assert (share / "doc/nexus-desktop/copyright").is_file()
    assert (share / "lintian/overrides/nexus-desktop").is_file()
    control = run(["dpkg-deb", "-f", linux_packages["deb"]]).stdout
    depends = re.search(r"^Depends: (.*)$", control, re.M)
    assert depends is not None
    needed = {d.split()[0] for d in depends.group(1).split(", ")}
    # What the bundled Qt links to, worked out by dpkg-shlibdeps...
    assert {"libc6", "libxcb-cursor0", "libxkbcommon-x11-0", "libfontconfig1",
            "libegl1", "libdbus-1-3", "libwayland-client0"} <= needed  # fmt: skip
    # ...and nothing the bundle carries itself.
    assert not needed & {"libssl3", "libsqlite3-0", "libffi8", "libpython3.11"}
    from nexus_desktop import __version__

    assert re.search(rf"^Version: {re.escape(__version__)}$", control, re.M)


def test_the_desktop_entry_and_metainfo_validate(deb_root: Path) -> None:
    need_tools("desktop-file-validate", "appstreamcli")
    share = deb_root / "usr" / "share"
    desktop = run(["desktop-file-validate", share / "applications" / f"{APP_ID}.desktop"])
    assert desktop.stdout.strip() == "", desktop.stdout
    run(["appstreamcli", "validate", "--no-net", share / "metainfo" / f"{APP_ID}.metainfo.xml"])


def test_lintian_finds_no_errors_and_the_overrides_are_well_formed(
    linux_packages: dict[str, Path],
) -> None:
    need_tools("lintian")
    result = run(["lintian", "--display-info", "--tag-display-limit", "0", linux_packages["deb"]],
                 check=False, timeout=900)  # fmt: skip
    tags = [line for line in result.stdout.splitlines() if re.match(r"^[EWIPXO]: ", line)]
    print("\n".join(t for t in tags if not t.startswith(("I:", "P:"))))
    errors = [t for t in tags if t.startswith("E:")]
    assert errors == [], "\n".join(errors)
    # (An override lintian no longer needs is only reported: lintian's versions differ in
    # what they flag, and the test runs on Debian 12 here and on Ubuntu 22.04 in GitHub.)
    wrong = [t for t in tags if re.search(r"(mismatched|malformed)-override", t)]
    assert wrong == [], "\n".join(wrong)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_the_portable_archive(linux_packages: dict[str, Path], outside_dir: Path) -> None:
    with tarfile.open(linux_packages["tarball"]) as archive:
        archive.extractall(outside_dir, filter="tar")
    (top,) = outside_dir.iterdir()
    for name in ("nexus-desktop", "README.txt", "LICENSE", "install-desktop-entry.sh",
                 "_internal/THIRD-PARTY-NOTICES.txt"):  # fmt: skip
        assert (top / name).exists(), name
    assert os.access(top / "nexus-desktop", os.X_OK)
    home = outside_dir / "home"
    env = clean_env(HOME=str(home), XDG_DATA_HOME=str(home / "share"))
    run(["sh", top / "install-desktop-entry.sh"], env=env)
    entry = home / "share" / "applications" / f"{APP_ID}.desktop"
    assert f'Exec="{top}/nexus-desktop"' in entry.read_text(encoding="utf-8")
    assert (home / f"share/icons/hicolor/48x48/apps/{APP_ID}.png").is_file()
    run(["sh", top / "install-desktop-entry.sh", "--remove"], env=env)
    assert not entry.exists()


def test_the_release_artefacts_are_named_after_the_version(
    linux_packages: dict[str, Path],
) -> None:
    from nexus_desktop import __version__

    assert linux_packages["deb"].name.startswith(f"nexus-desktop_{__version__}_")
    assert f"-{__version__}-linux-" in linux_packages["tarball"].name
    assert REPO not in linux_packages["deb"].parents
