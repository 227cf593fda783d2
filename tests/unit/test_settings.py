"""Settings: every damaged or wrongly typed file still starts the app, and nothing is lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nexus_desktop.paths import DataDirError, app_paths
from nexus_desktop.services.settings import Settings
from tests.conftest import REPO


def settings_file(tmp_path: Path, content: bytes | str) -> Path:
    path = tmp_path / "settings.json"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def kept_copies(tmp_path: Path) -> list[Path]:
    return [p for p in tmp_path.iterdir() if p.name.startswith("settings.json.damaged-")]


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe{\x00}\x00",  # UTF-16
        b'{"theme": "\xe9"}',  # not UTF-8
        "[" * 100_000 + "]" * 100_000,  # deeper than the JSON parser's recursion
        "[1, 2]",
        "null",
        "",
    ],
    ids=["utf16", "latin1", "deep", "list", "null", "empty"],
)
def test_unreadable_files_are_moved_aside_and_defaults_used(tmp_path: Path, content: str) -> None:
    path = settings_file(tmp_path, content)
    settings = Settings(path)
    assert settings.get("packs") == [] and settings.get("theme") == "light"
    assert settings.notice is not None and "damaged" in settings.notice
    (kept,) = kept_copies(tmp_path)
    assert kept.read_bytes() == (content.encode() if isinstance(content, str) else content)


@pytest.mark.parametrize(
    ("content", "key", "default"),
    [
        ({"packs": 5}, "packs", []),
        ({"packs": "/tmp/x"}, "packs", []),  # never split into one pack per character
        ({"packs": [""]}, "packs", []),  # never the working folder
        ({"expanded": 5}, "expanded", []),
        ({"collapsed_packs": None}, "collapsed_packs", []),
        ({"theme": ["dark"]}, "theme", "light"),
        ({"zoom": "big"}, "zoom", 1.0),
        ({"zoom": True}, "zoom", 1.0),
        ({"window_geometry": "éé"}, "window_geometry", None),
        ({"last_article": [1]}, "last_article", None),
    ],
)
def test_a_bad_key_falls_back_alone_and_the_rest_is_kept(
    tmp_path: Path, content: dict[str, object], key: str, default: object
) -> None:
    good = {"theme": "dark", "zoom": 1.25, "packs": ["/some/notes"]}
    data = {**good, **content}
    path = settings_file(tmp_path, json.dumps(data))
    settings = Settings(path)
    assert settings.get(key) == default
    for other, value in good.items():
        if other != key:
            assert settings.get(other) == value
    assert settings.notice is not None and f"'{key}'" in settings.notice
    (kept,) = kept_copies(tmp_path)
    assert json.loads(kept.read_text()) == data  # the original, as it was
    settings.set("zoom", 1.1)
    on_disk = json.loads(path.read_text())
    assert key not in on_disk or on_disk[key] != content[key]  # the bad value is gone


def test_a_bom_is_not_damage(tmp_path: Path) -> None:
    path = settings_file(tmp_path, b"\xef\xbb\xbf" + json.dumps({"theme": "dark"}).encode())
    settings = Settings(path)
    assert settings.get("theme") == "dark" and settings.notice is None
    assert kept_copies(tmp_path) == []


def test_changes_are_written_at_once_and_merge_with_other_processes(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    first, second = Settings(path), Settings(path)
    first.add_to("packs", "/a")
    second.add_to("packs", "/b")  # the other process's list on disk is the starting point
    first.set("theme", "dark")
    second.set("zoom", 1.5)
    assert Settings(path).get("packs") == ["/a", "/b"]
    on_disk = Settings(path)
    assert on_disk.get("theme") == "dark" and on_disk.get("zoom") == 1.5
    first.remove_from("packs", "/b")
    assert Settings(path).get("packs") == ["/a"]
    # Window state waits for quit, then merges too.
    second.set("window_geometry", "AAAA", save=False)
    assert Settings(path).get("window_geometry") is None
    second.save()
    assert Settings(path).get("window_geometry") == "AAAA"
    assert Settings(path).get("packs") == ["/a"]  # second's stale list was not written back


def test_a_cli_search_sees_packs_the_gui_registered_without_quitting(tmp_path: Path) -> None:
    paths = app_paths(tmp_path / "d")
    paths.ensure()
    pack = tmp_path / "notes"
    (pack / "a").mkdir(parents=True)
    (pack / "a" / "page.md").write_text("# Zanzibar page\n\nUnique zanzibar words.\n")
    gui = Settings(paths.settings_file)
    gui.add_to("packs", str(pack))  # what File -> Add Content Folder does
    result = subprocess.run(
        [sys.executable, "-m", "nexus_desktop", "search", "zanzibar", "--json",
         "--data-dir", str(tmp_path / "d")],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert [hit["id"] for hit in json.loads(result.stdout)] == ["a/page"]


@pytest.mark.parametrize(
    ("code", "words"),
    [("EROFS", "read-only disk"), ("EACCES", "no permission to write in /cfg"),
     ("ENOSPC", "the disk is full"), ("ENOTDIR", "a file where a folder should be")],
)  # fmt: skip
def test_os_errors_are_described_in_words(code: str, words: str) -> None:
    import errno

    from nexus_desktop.core.errors import describe_os_error

    exc = OSError(getattr(errno, code), os.strerror(getattr(errno, code)), "/cfg/settings.json")
    assert words in describe_os_error(exc, "Settings could not be saved")


def test_read_only_settings_keep_changes_for_the_session_and_write_nothing(tmp_path: Path) -> None:
    path = settings_file(tmp_path, json.dumps({"theme": "dark"}))
    settings = Settings(path, read_only=True)
    settings.set("zoom", 1.5)
    settings.add_to("packs", "/x")
    assert settings.get("zoom") == 1.5 and settings.get("packs") == ["/x"]
    assert json.loads(path.read_text()) == {"theme": "dark"}
    assert settings.problem is not None and "read-only" in settings.problem
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    path = settings_file(tmp_path, json.dumps({"theme": "dark"}))
    settings = Settings(path)

    def disk_full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(json, "dump", disk_full)
    settings.set("zoom", 1.5)
    assert settings.problem == "Settings could not be saved: the disk is full."
    assert json.loads(path.read_text()) == {"theme": "dark"}
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_data_dir_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DataDirError, match="is a file, not a folder"):
        app_paths(blocker).prepare()
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "config").write_text("x")
    with pytest.raises(DataDirError, match="config is a file"):
        app_paths(tmp_path / "d").prepare()
