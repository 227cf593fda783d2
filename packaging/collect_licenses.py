"""The licence notices of a frozen build, and small facts the spec needs.

``write_notices`` writes THIRD-PARTY-NOTICES.txt: the licence of Nexus Desktop, of its built-in
content, then of every third-party component the PyInstaller analysis put in the bundle, each
with its licence texts, read from the installed distributions' metadata and licence files
(``importlib.metadata``), from Python's own LICENSE.txt, from PyInstaller's (its bootloader
runs the app) and, on Debian-like systems, from the copyright file of the package each
bundled system library came from (``dpkg -S``). Qt's licence texts (LGPL-3.0, and the GPL-3.0
it builds on) come from packaging/licenses/, since the PySide6 wheels carry none. The About
box shows this file (Help → About → Licences…).

``python packaging/collect_licenses.py OUT`` writes the notices of the distributions the app
depends on (without an analysis): for looking at the output.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
LICENCE_FILE = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE|AUTHORS|COPYRIGHT)", re.IGNORECASE)
# Licence texts for distributions that ship none (by SPDX identifier).
FALLBACK_TEXTS = {
    "LGPL-3.0-only": HERE / "licenses" / "LGPL-3.0-only.txt",
    "GPL-3.0-only": HERE / "licenses" / "GPL-3.0-only.txt",
}
# What a distribution's licence is, where its metadata does not say it as an identifier.
KNOWN_LICENCES = {
    "pyside6-essentials": "LGPL-3.0-only (Qt for Python, under the LGPL)",
    "shiboken6": "LGPL-3.0-only (Qt for Python, under the LGPL)",
    "pyinstaller": "GPL-2.0-or-later WITH Bootloader-exception",
}
EXTRA_NOTES = {
    "pyside6-essentials": (
        "Qt and Qt for Python are used under the GNU Lesser General Public License v3, whose "
        "text follows (with the GPL-3.0 it builds on). The Qt libraries are bundled unmodified "
        "as separate shared libraries, which you may replace with your own build. Sources: "
        "https://download.qt.io/official_releases/QtForPython/ and "
        "https://download.qt.io/official_releases/qt/. Qt contains third-party components "
        "(among them ICU, HarfBuzz, FreeType, libpng, libjpeg, PCRE2, zlib, md4c, "
        "double-conversion), each under its own permissive licence, listed at "
        "https://doc.qt.io/qt-6/licenses-used-in-qt.html."
    ),
    "pyinstaller": (
        "PyInstaller's bootloader starts the app. It is licensed under the GPL-2.0-or-later "
        "with an exception that allows it to be distributed with programs under any licence."
    ),
}


def _distribution_of_modules(modules: Iterable[str]) -> set[str]:
    """The names of the installed distributions that provide these modules."""
    by_module = metadata.packages_distributions()
    names: set[str] = set()
    for module in modules:
        top = module.replace("\\", "/").split("/")[0].split(".")[0]
        for name in by_module.get(top, ()):
            names.add(name)
    return names


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def licence_of(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    key = _key(meta["Name"])
    if key in KNOWN_LICENCES:
        return KNOWN_LICENCES[key]
    expression = meta.get("License-Expression")
    if expression:
        return str(expression)
    licence = (meta.get("License") or "").strip()
    if licence and "\n" not in licence and len(licence) < 80:
        return licence
    classifiers = [
        c.split("::")[-1].strip()
        for c in meta.get_all("Classifier") or []
        if c.startswith("License ::")
    ]
    return ", ".join(classifiers) or "see the licence text"


def licence_texts(dist: metadata.Distribution) -> list[tuple[str, str]]:
    """(file name, text) of each licence file the distribution installed."""
    texts: list[tuple[str, str]] = []
    seen: set[str] = set()
    for path in dist.files or ():
        parts = path.parts
        in_dist_info = parts and parts[0].endswith(".dist-info")
        if not in_dist_info or not LICENCE_FILE.match(path.name):
            continue
        if path.name in ("RECORD", "METADATA") or str(path) in seen:
            continue
        seen.add(str(path))
        try:
            text = Path(str(dist.locate_file(path))).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        texts.append(("/".join(parts[1:]), text.strip()))
    if not texts:
        licence = (dist.metadata.get("License") or "").strip()
        if "\n" in licence:  # the whole text in the metadata
            texts.append(("License (from the package metadata)", licence))
    if not texts:
        key = _key(dist.metadata["Name"])
        if key in KNOWN_LICENCES:
            for spdx, path in FALLBACK_TEXTS.items():
                texts.append((spdx, path.read_text(encoding="utf-8").strip()))
    return texts


def _python_licence() -> str | None:
    for candidate in (
        Path(sysconfig.get_path("stdlib")) / "LICENSE.txt",
        Path(sys.base_prefix) / "LICENSE.txt",
    ):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8", errors="replace").strip()
    return None


def _system_packages(binaries: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Debian package -> the bundled libraries it provided (Linux, when dpkg is there)."""
    if not sys.platform.startswith("linux") or shutil.which("dpkg") is None:
        return {}
    inside = [Path(p).resolve() for p in (sys.prefix, sys.base_prefix, *sys.path) if p]
    packages: dict[str, list[str]] = {}
    for dest, source in binaries:
        path = Path(source).resolve()
        if any(path.is_relative_to(root) for root in inside if root != Path("/")):
            continue
        for candidate in {str(Path(source)), str(path)}:
            result = subprocess.run(
                ["dpkg", "-S", candidate], capture_output=True, text=True, check=False
            )
            if result.returncode == 0:
                package = result.stdout.split(":")[0].strip()
                packages.setdefault(package, []).append(Path(dest).name)
                break
    return packages


def _section(
    title: str,
    licence: str,
    texts: list[tuple[str, str]],
    note: str = "",
    printed: dict[str, str] | None = None,
) -> str:
    """One component's part of the notices. A text already printed (``printed``: text ->
    the title of its section) is referred to, not repeated."""
    rule = "=" * 78
    parts = [rule, title, f"Licence: {licence}", rule]
    if note:
        parts.append(textwrap.fill(note, 78))
    for name, text in texts:
        earlier = printed.get(text) if printed is not None else None
        if earlier:
            parts.append(f"--- {name} ---\n(the same text as under {earlier}, above)")
            continue
        parts.append(f"--- {name} ---\n{text}")
        if printed is not None:
            printed[text] = title
    return "\n".join(parts) + "\n"


def write_notices(
    out: Path,
    *,
    version: str,
    modules: Iterable[str],
    binaries: Iterable[tuple[str, str]] = (),
    root: Path = HERE.parent,
) -> Path:
    """Write THIRD-PARTY-NOTICES.txt for a bundle holding ``modules`` and ``binaries``
    ((destination, source) pairs)."""
    binaries = list(binaries)
    names = _distribution_of_modules([*modules, *(dest for dest, _src in binaries)])
    names.add("pyinstaller")
    dists = {}
    for name in names:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        if _key(dist.metadata["Name"]) != "nexus-desktop":
            dists[_key(dist.metadata["Name"])] = dist
    sections = [
        _section(
            f"Nexus Desktop {version}",
            "MIT",
            [("LICENSE", (root / "LICENSE").read_text(encoding="utf-8").strip())],
        ),
        _section(
            "Project Nexus knowledge hub (the built-in content)",
            "CC-BY-4.0",
            [
                (
                    "content/LICENSE",
                    (root / "content" / "LICENSE").read_text(encoding="utf-8").strip(),
                )
            ],
        ),
    ]
    python = _python_licence()
    if python:
        version_text = ".".join(map(str, sys.version_info[:3]))
        sections.append(_section(f"Python {version_text}", "PSF-2.0", [("LICENSE.txt", python)]))
    printed: dict[str, str] = {}
    for key in sorted(dists):
        dist = dists[key]
        sections.append(
            _section(
                f"{dist.metadata['Name']} {dist.version}",
                licence_of(dist),
                licence_texts(dist),
                EXTRA_NOTES.get(key, ""),
                printed,
            )
        )
    for package, libraries in sorted(_system_packages(binaries).items()):
        copyright_file = Path("/usr/share/doc") / package / "copyright"
        text = (
            copyright_file.read_text(encoding="utf-8", errors="replace").strip()
            if (copyright_file.is_file())
            else "(no copyright file found)"
        )
        sections.append(
            _section(
                f"{package} (system library: {', '.join(sorted(libraries))})",
                "see the copyright file below",
                [(str(copyright_file), text)],
            )
        )
    contents = "\n".join(f"  {s.splitlines()[1]}" for s in sections)
    header = (
        f"Nexus Desktop {version}: licences\n\n"
        "The licences of Nexus Desktop, of its built-in content, and of every third-party\n"
        "component bundled with this build, each followed by its licence texts.\n\n"
        f"{contents}\n\n"
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(header + "\n".join(sections), encoding="utf-8")
    return out


def write_windows_version_info(path: str | Path, version: str) -> Path:
    """The version resource of the Windows programs (PyInstaller's ``version=`` file)."""
    numbers = [int(n) for n in re.findall(r"\d+", version)[:4]]
    numbers += [0] * (4 - len(numbers))
    quad = tuple(numbers)
    strings = {
        "CompanyName": "Nexus Desktop developers",
        "FileDescription": "Nexus Desktop",
        "FileVersion": version,
        "InternalName": "nexus-desktop",
        "LegalCopyright": "Copyright (c) 2026 Nexus Desktop developers. MIT licence.",
        "OriginalFilename": "nexus-desktop.exe",
        "ProductName": "Nexus Desktop",
        "ProductVersion": version,
    }
    table = ",\n          ".join(f"StringStruct({k!r}, {v!r})" for k, v in strings.items())
    text = f"""VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={quad},
    prodvers={quad},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo([
      StringTable('040904B0', [
          {table}
      ])
    ]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def macos_minimum_version(default: str = "12.0") -> str:
    """The oldest macOS the bundled Qt runs on: the PySide6 wheel's platform tag says it."""
    for name in ("PySide6-Essentials", "PySide6"):
        try:
            wheel = metadata.distribution(name).read_text("WHEEL") or ""
        except metadata.PackageNotFoundError:
            continue
        found = re.findall(r"macosx_(\d+)_(\d+)_", wheel)
        if found:
            major, minor = min((int(a), int(b)) for a, b in found)
            return f"{major}.{minor}"
    return default


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python packaging/collect_licenses.py OUT")
    requirements = metadata.requires("nexus-desktop") or []
    wanted = [re.split(r"[ ;<>=!~\[]", r, maxsplit=1)[0] for r in requirements if "extra" not in r]
    modules = []
    for name in wanted:
        dist = metadata.distribution(name)
        modules += (dist.read_text("top_level.txt") or name).split()
    version = metadata.version("nexus-desktop")
    print(write_notices(Path(sys.argv[1]), version=version, modules=modules))
