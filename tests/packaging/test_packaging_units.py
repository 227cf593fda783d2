"""The packaging helpers, without building anything: where the app finds its files, what
the frozen app leaves out, the icons, the version numbers, the licence notices."""

from __future__ import annotations

import importlib.util
import struct
import sys
from pathlib import Path
from types import ModuleType

import pytest

from nexus_desktop import paths
from tests.conftest import REPO

PACKAGING = REPO / "packaging"


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_packaging_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


trim = load(PACKAGING / "trim.py")
build_linux = load(PACKAGING / "linux" / "build_linux.py")
collect_licenses = load(PACKAGING / "collect_licenses.py")
app_icons = load(PACKAGING / "app_icons.py")


# -- where the app's files are found -----------------------------------------------------------
def _layout(root: Path, *, checkout: bool, bundled: bool) -> Path:
    package = root / "site" / "nexus_desktop"
    package.mkdir(parents=True)
    if checkout:
        (root / "site" / "content").mkdir()
        (root / "site" / "content" / "nexus-pack.toml").write_text("")
        (root / "site" / "resources" / "icons").mkdir(parents=True)
    if bundled:
        (package / "_bundled" / "content").mkdir(parents=True)
        (package / "_bundled" / "content" / "nexus-pack.toml").write_text("")
        (package / "_bundled" / "resources" / "icons").mkdir(parents=True)
    return package / "paths.py"


def test_a_checkout_uses_the_folders_beside_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paths, "__file__", str(_layout(tmp_path, checkout=True, bundled=True)))
    assert paths.builtin_content_dir() == tmp_path / "site" / "content"
    assert paths.resources_dir() == tmp_path / "site" / "resources"


def test_an_installed_wheel_uses_its_bundled_copies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paths, "__file__", str(_layout(tmp_path, checkout=False, bundled=True)))
    (tmp_path / "site" / "content").mkdir()  # another package's stray "content" folder
    package = tmp_path / "site" / "nexus_desktop"
    assert paths.builtin_content_dir() == package / "_bundled" / "content"
    assert paths.resources_dir() == package / "_bundled" / "resources"


def test_a_frozen_app_uses_its_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paths, "__file__", str(_layout(tmp_path, checkout=False, bundled=False)))
    bundle = tmp_path / "bundle"
    (bundle / "content").mkdir(parents=True)
    (bundle / "content" / "nexus-pack.toml").write_text("")
    (bundle / "THIRD-PARTY-NOTICES.txt").write_text("notices")
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    assert paths.builtin_content_dir() == bundle / "content"
    assert paths.resources_dir() == bundle / "resources"
    assert paths.builtin_search_seed() == bundle / "search-seed"
    assert paths.licence_notices() == bundle / "THIRD-PARTY-NOTICES.txt"


def test_this_checkout_is_one() -> None:
    assert paths.source_checkout()
    assert paths.builtin_content_dir() == REPO / "content"
    assert paths.licence_notices() is None  # only a frozen app carries the notices


# -- trimming the frozen app -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
        ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
        ("PySide6/plugins/platforms/qwindows.dll", True),
        ("PySide6/Qt/plugins/platforms/libqcocoa.dylib", True),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
        ("PySide6/Qt/plugins/imageformats/libqtiff.so", False),
        ("PySide6/plugins/styles/qmodernwindowsstyle.dll", False),
        ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", False),
        ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
        ("PySide6/Qt/translations/qtbase_de.qm", False),
        ("PySide6/Qt/lib/libQt6Qml.so.6", False),
        ("PySide6/Qt/lib/libQt6Quick.so.6", False),
        ("PySide6/Qt6Pdf.dll", False),
        ("PySide6/Qt/lib/QtQuick.framework/Versions/A/QtQuick", False),
        ("PySide6/Qt/lib/libQt6Core.so.6", True),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
        ("PySide6/Qt/lib/libQt6Svg.so.6", True),
        ("PySide6/QtWidgets.abi3.so", True),
        ("libssl.so.3", True),
    ],
)
def test_only_the_qt_the_app_uses_is_kept(dest: str, kept: bool) -> None:
    assert trim.keep(dest) is kept


def test_system_libraries_are_left_to_the_system_and_unreached_ones_dropped(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    links = {
        str(site / "PySide6/QtGui.abi3.so"): ["libQt6Gui.so.6"],
        str(site / "PySide6/Qt/lib/libQt6Gui.so.6"): ["libfontconfig.so.1", "libQt6Core.so.6"],
        str(site / "PySide6/Qt/lib/libQt6Core.so.6"): ["libicuuc.so.73"],
        str(site / "PySide6/Qt/plugins/platforms/libqxcb.so"): ["libQt6XcbQpa.so.6"],
    }
    binaries = [
        ("PySide6/QtGui.abi3.so", str(site / "PySide6/QtGui.abi3.so"), "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", str(site / "PySide6/Qt/lib/libQt6Gui.so.6"), "BINARY"),
        ("PySide6/Qt/lib/libQt6Core.so.6", str(site / "PySide6/Qt/lib/libQt6Core.so.6"), "BINARY"),
        ("PySide6/Qt/lib/libicuuc.so.73", str(site / "PySide6/Qt/lib/libicuuc.so.73"), "BINARY"),
        (
            "PySide6/Qt/lib/libQt6XcbQpa.so.6",
            str(site / "PySide6/Qt/lib/libQt6XcbQpa.so.6"),
            "BINARY",
        ),  # fmt: skip
        (
            "PySide6/Qt/lib/libQt6Quick.so.6",
            str(site / "PySide6/Qt/lib/libQt6Quick.so.6"),
            "BINARY",
        ),  # fmt: skip
        (
            "PySide6/Qt/plugins/platforms/libqxcb.so",
            str(site / "PySide6/Qt/plugins/platforms/libqxcb.so"),
            "BINARY",
        ),  # fmt: skip
        ("libfontconfig.so.1", "/usr/lib/x86_64-linux-gnu/libfontconfig.so.1", "BINARY"),
        ("libssl.so.3", "/usr/lib/x86_64-linux-gnu/libssl.so.3", "BINARY"),
        ("libQt6Quick.so.6", "PySide6/Qt/lib/libQt6Quick.so.6", "SYMLINK"),
        ("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK"),
    ]
    kept, dropped = trim.trim_linux(binaries, lambda path: links.get(path, []), roots=[site])
    names = {entry[0] for entry in kept}
    assert names == {
        "PySide6/QtGui.abi3.so",
        "PySide6/Qt/lib/libQt6Gui.so.6",
        "PySide6/Qt/lib/libQt6Core.so.6",
        "PySide6/Qt/lib/libicuuc.so.73",
        "PySide6/Qt/lib/libQt6XcbQpa.so.6",
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "libQt6Core.so.6",
    }
    # fontconfig: the system's; libssl: kept by Python's rule but nothing here links to it.
    assert {"libfontconfig.so.1", "libssl.so.3", "libQt6Quick.so.6"} <= set(dropped)


# -- icons, versions, notices ------------------------------------------------------------------
def test_the_icon_files_hold_every_size() -> None:
    pngs = {size: b"\x89PNG" + bytes([size % 256]) * 10 for size in (16, 32, 256)}
    ico = app_icons.ico_bytes(pngs)
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind, count) == (0, 1, 3)
    widths = [ico[6 + 16 * i] for i in range(count)]
    assert widths == [16, 32, 0]  # 0 stands for 256
    pngs = {size: b"\x89PNG" for _, size in app_icons.ICNS_TYPES}
    icns = app_icons.icns_bytes(pngs)
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    assert b"ic10" in icns and b"icp4" in icns


def test_the_svg_icon_is_the_source_of_every_size() -> None:
    svg = (PACKAGING / "icons" / "nexus-desktop.svg").read_text(encoding="utf-8")
    assert 'viewBox="0 0 128 128"' in svg and "<script" not in svg


@pytest.mark.parametrize(
    ("pep440", "debian"),
    [
        ("0.1.0", "0.1.0"),
        ("1.2.0rc1", "1.2.0~rc1"),
        ("1.2.0b2", "1.2.0~b2"),
        ("1.2.0.dev3", "1.2.0~dev3"),
    ],  # fmt: skip
)
def test_debian_versions_sort_pre_releases_first(pep440: str, debian: str) -> None:
    assert build_linux.debian_version(pep440) == debian


def test_the_version_has_one_source() -> None:
    from nexus_desktop import __version__

    assert build_linux.app_version() == __version__
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject
    assert 'version = { attr = "nexus_desktop.__version__" }' in pyproject


def test_the_notices_hold_each_component_and_its_licence_text(tmp_path: Path) -> None:
    out = collect_licenses.write_notices(
        tmp_path / "NOTICES.txt", version="9.9", modules=["markdown", "PySide6", "shiboken6"]
    )
    text = out.read_text(encoding="utf-8")
    assert text.startswith("Nexus Desktop 9.9: licences")
    assert "Licence: MIT" in text and "Creative Commons Attribution 4.0" in text
    assert "Markdown " in text and "PySide6_Essentials" in text.replace("-", "_")
    assert text.count("GNU LESSER GENERAL PUBLIC LICENSE") == 1  # printed once, referred to
    assert "the same text as under" in text


def test_the_windows_version_resource(tmp_path: Path) -> None:
    path = collect_licenses.write_windows_version_info(tmp_path / "v.txt", "1.2.0rc1")
    text = path.read_text(encoding="utf-8")
    # PyInstaller evaluates the file with its version-resource classes (Windows-only to
    # import): the same expression, evaluated with stand-ins that record their arguments.
    seen: dict[str, object] = {}

    def record(name: str):  # type: ignore[no-untyped-def]
        def make(*args: object, **kwargs: object) -> tuple[str, tuple[object, ...], dict]:
            seen.setdefault(name, (args, kwargs))
            return (name, args, kwargs)

        return make

    names = ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable",
             "StringStruct", "VarFileInfo", "VarStruct")  # fmt: skip
    eval(text, {name: record(name) for name in names})  # noqa: S307 - our own file
    fixed = seen["FixedFileInfo"][1]  # type: ignore[index]
    assert fixed["filevers"] == (1, 2, 0, 1) and fixed["prodvers"] == (1, 2, 0, 1)
    assert "'ProductVersion', '1.2.0rc1'" in text and "'FileDescription', 'Nexus Desktop'" in text


def test_the_linux_desktop_files_name_the_app_id() -> None:
    linux = PACKAGING / "linux"
    desktop = (linux / f"{build_linux.APP_ID}.desktop").read_text(encoding="utf-8")
    assert f"Icon={build_linux.APP_ID}\n" in desktop and "Exec=nexus-desktop" in desktop
    metainfo = (linux / f"{build_linux.APP_ID}.metainfo.xml").read_text(encoding="utf-8")
    assert f"<id>{build_linux.APP_ID}</id>" in metainfo
    assert f'<launchable type="desktop-id">{build_linux.APP_ID}.desktop</launchable>' in metainfo
    overrides = (linux / "lintian-overrides").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(overrides):  # every override is explained just above it
        if line.startswith("nexus-desktop:"):
            assert overrides[number - 1].startswith(("#", "nexus-desktop:")), line
