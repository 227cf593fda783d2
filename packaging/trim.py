"""Leave out of the frozen app what it does not use (packaging/nexus-desktop.spec).

**Qt** (every OS):

PyInstaller's Qt hooks collect every plugin of each plugin type a module may use (the virtual
keyboard with QML and Quick, every platform, image format and TLS backend) and Qt's
translations. The app uses QtCore, QtGui, QtWidgets, QtSvg and QtNetwork (a local socket), in
the Fusion style, in English, with no OpenGL; it shows SVG, PNG (built into QtGui), JPEG and
GIF images. ``trim_qt`` keeps the plugins on ``KEEP_PLUGINS`` and drops the Qt libraries that
only the dropped plugins needed.

**System libraries** (Linux): PyInstaller also bundles the build machine's copies of every
system library Qt links to (X11, xcb, fontconfig, GLib, D-Bus, GTK's for the GTK theme
plugin...). Those must be the running system's own: a bundled fontconfig or libstdc++ older
than the system's breaks fonts or GL drivers. ``trim_linux`` keeps only the system libraries
Python's own modules link to (OpenSSL, SQLite, libffi, compression), drops the others (the
.deb depends on their packages instead, as worked out by dpkg-shlibdeps), then drops every
bundled library that nothing kept links to.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

# plugin type -> plugin names (file name without "lib" and extension) the app needs.
KEEP_PLUGINS = {
    # Linux: X11 and Wayland; Windows; macOS; and offscreen (the self-test, CI).
    "platforms": {"qxcb", "qwayland", "qwindows", "qcocoa", "qoffscreen"},
    "platformthemes": {"qxdgdesktopportal"},  # the desktop's file dialogs (portal)
    "platforminputcontexts": {  # dead keys and compose sequences; input methods
        "composeplatforminputcontextplugin",
        "ibusplatforminputcontextplugin",
    },
    "imageformats": {"qsvg", "qjpeg", "qgif"},
    "iconengines": {"qsvgicon"},
    "wayland-shell-integration": {"xdg-shell"},
    "wayland-decoration-client": {"bradient"},  # window decorations where the compositor has none
}

# Qt libraries that only the dropped plugins and modules need (the virtual keyboard brings QML
# and Quick, the PDF image plugin QtPdf, Designer's plugins WebEngine...). Those a kept plugin
# may link to (OpenGL, PrintSupport) are not listed: on Linux, trim_linux drops whatever
# nothing links to; elsewhere they come only when something links to them. Windows' software
# OpenGL (opengl32sw.dll, 20 MB) is for OpenGL widgets and Qt Quick, which the app has none of.
DROP_LIBRARIES = re.compile(
    r"Qt6?(Qml|Quick|VirtualKeyboard|Pdf|WebEngine|WebChannel|WebSockets|Designer|UiTools|Sql"
    r"|Test|Help|ShaderTools|3D|Charts|Multimedia|Positioning|EglFS|EglFs|LabsQml"
    r"|WaylandEglClientHwIntegration|WaylandEglCompositor|WaylandCompositor)"
    r"|^opengl32sw\.dll$",
)


def _plugin(dest: str) -> tuple[str, str] | None:
    """(plugin type, plugin name) if ``dest`` is a Qt plugin, else None."""
    parts = PurePosixPath(dest).parts
    if "plugins" not in parts[:-2] or parts[0] != "PySide6":
        return None
    kind = parts[-2]
    name = parts[-1]
    name = name[3:] if name.startswith("lib") else name
    return kind, name.split(".")[0]


def _is_qt_library(dest: str) -> bool:
    return dest.startswith("PySide6/") and "/plugins/" not in dest


def keep(dest: str) -> bool:
    dest = dest.replace("\\", "/")
    if dest.startswith("PySide6/") and "/translations/" in dest:
        return False
    plugin = _plugin(dest)
    if plugin is not None:
        kind, name = plugin
        return name in KEEP_PLUGINS.get(kind, ())
    if _is_qt_library(dest):
        name = PurePosixPath(dest).name
        # QtQml.framework/Versions/A/QtQml, libQt6Qml.so.6, Qt6Qml.dll
        framework = next((p for p in PurePosixPath(dest).parts if p.endswith(".framework")), "")
        return DROP_LIBRARIES.search(framework or name) is None or name.endswith(
            (".abi3.so", ".pyd")  # a Python module the analysis kept is needed
        )
    return True


def trim_qt(binaries: list, datas: list) -> tuple[list, list, list[str]]:
    """The TOCs without the parts of Qt the app does not use, and the names left out."""
    dropped = [entry[0] for entry in (*binaries, *datas) if not keep(entry[0])]
    return (
        [entry for entry in binaries if keep(entry[0])],
        [entry for entry in datas if keep(entry[0])],
        dropped,
    )


# System libraries that stay in the bundle (Linux): those of Python's own modules, whose ABI
# the interpreter was built against. Anything else from the system is the system's to provide.
# (zlib, bzip2 and expat are left to the system: every Linux has them, with a stable ABI.)
KEEP_SYSTEM = re.compile(r"^lib(python3|ssl|crypto|sqlite3|ffi|lzma|mpdec|uuid|b2)(\.|-|$)")


def _inside(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def python_roots() -> list[Path]:
    """The folders of the Python installation and its packages (not the system's)."""
    import site
    import sysconfig

    folders = {sys.prefix, sys.base_prefix, sysconfig.get_path("stdlib"), *site.getsitepackages()}
    return sorted({Path(f).resolve() for f in folders if f and Path(f).resolve() != Path("/")})


def trim_linux(
    binaries: list,
    imports: Callable[[str], Iterable[str]],
    roots: list[Path] | None = None,
) -> tuple[list, list[str]]:
    """The binaries TOC without system libraries the system must provide and without
    libraries nothing links to; and the names left out. ``imports(path)`` gives the names of
    the libraries a binary links to (PyInstaller's bindepend)."""
    roots = python_roots() if roots is None else roots
    dropped: list[str] = []
    kept = []
    for entry in binaries:
        dest, source, kind = entry[0], entry[1], entry[2]
        name = PurePosixPath(dest).name
        system = not _inside(Path(source).resolve(), roots)
        if kind == "BINARY" and system and not KEEP_SYSTEM.match(name):
            dropped.append(dest)
        else:
            kept.append(entry)
    # Reachability: Python extension modules, Qt plugins and libpython are loaded by name at
    # run time; every other library stays only if one of them links to it, directly or not.
    # (A SYMLINK entry, such as libQt6Core.so.6 -> PySide6/Qt/lib/libQt6Core.so.6, stays with
    # the file it points to.)
    files = [e for e in kept if e[2] != "SYMLINK"]
    by_name = {PurePosixPath(e[0]).name: e for e in files}
    start = [
        e
        for e in files
        if e[2] != "BINARY"
        or "/plugins/" in e[0]
        or PurePosixPath(e[0]).name.startswith("libpython")
    ]
    reached = {id(e) for e in start}
    queue = list(start)
    while queue:
        entry = queue.pop()
        for needed in imports(entry[1]):
            target = by_name.get(PurePosixPath(needed).name)
            if target is not None and id(target) not in reached:
                reached.add(id(target))
                queue.append(target)
    kept_names = {e[0] for e in files if id(e) in reached}
    result = [e for e in kept if e[0] in kept_names or (e[2] == "SYMLINK" and e[1] in kept_names)]
    dropped += [e[0] for e in kept if e not in result]
    return result, dropped


def drop_dangling_symlinks(binaries: list, datas: list) -> tuple[list, list[str]]:
    """``datas`` without SYMLINK entries whose target is no longer in the bundle."""
    present = {e[0] for e in (*binaries, *datas) if e[2] != "SYMLINK"}
    kept = [e for e in datas if e[2] != "SYMLINK" or e[1] in present]
    return kept, [e[0] for e in datas if e not in kept]
