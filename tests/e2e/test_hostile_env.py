"""The app and the CLI in hostile environments: a second process, a read-only or full disk,
a killed app, a stuck worker, a data folder that is a file. Each as a user would meet it."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import write
from tests.e2e.conftest import (
    children_of,
    cli,
    cli_in_parallel,
    wait_for_line,
    wait_until_gone,
)


def small_pack(root: Path, articles: int = 3) -> Path:
    write(root, "nexus-pack.toml", '[pack]\nid = "small"\nname = "Small"\n')
    for i in range(articles):
        write(root, f"area/page-{i}.md", f"# Page {i}\n\nThe tar command archives files {i}.\n")
    return root


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(folder.rglob("*"))
    }


def test_sigterm_quits_promptly_even_with_a_stuck_worker(tmp_path: Path, start_gui: Any) -> None:
    pack = small_pack(tmp_path / "pack")
    app = start_gui("--stuck-worker", "--no-builtin", "--content", str(pack),
                    "--data-dir", str(tmp_path / "data"))  # fmt: skip
    wait_for_line(app, "READY")
    app.send_signal(signal.SIGTERM)
    assert app.wait(timeout=15) == 0  # the stuck render is left behind, not waited for
    settings = json.loads((tmp_path / "data" / "config" / "settings.json").read_text())
    assert "window_geometry" in settings  # state was saved before leaving


def test_sigterm_with_unsaveable_settings_quits_without_a_dialog(
    tmp_path: Path, start_gui: Any
) -> None:
    data = tmp_path / "data"
    (data / "config" / "settings.json").mkdir(parents=True)  # a folder where the file goes
    app = start_gui("--no-builtin", "--content", str(small_pack(tmp_path / "p")),
                    "--data-dir", str(data))  # fmt: skip
    wait_for_line(app, "READY")
    app.send_signal(signal.SIGTERM)
    assert app.wait(timeout=15) == 0
    log = (data / "logs" / "nexus-desktop.log").read_text()
    assert "window state not saved" in log


def test_a_data_dir_that_is_a_file_is_one_clear_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    for args in (("--data-dir", str(blocker)), ("search", "tar", "--data-dir", str(blocker))):
        result = cli(*args)
        assert result.returncode == 2
        assert result.stderr.strip() == (
            f"nexus-desktop: {blocker} is a file, not a folder: choose another data folder"
        )


def test_read_only_data_dir_opens_reads_and_searches(
    tmp_path: Path, make_read_only: object, start_gui: Any
) -> None:
    pack = small_pack(tmp_path / "pack")
    data = tmp_path / "data"
    assert cli("search", "tar", "--pack", str(pack), "--data-dir", str(data)).returncode == 0
    cli("--version")
    make_read_only(data)  # type: ignore[operator]
    before = snapshot(data)
    result = cli("search", "archives", "--pack", str(pack), "--data-dir", str(data), "--json")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 3
    assert "Traceback" not in result.stderr
    app = start_gui("--no-builtin", "--content", str(pack), "--data-dir", str(data))
    wait_for_line(app, "READY")
    app.send_signal(signal.SIGTERM)
    assert app.wait(timeout=15) == 0
    _out, err = app.communicate()
    assert "Traceback" not in err and "Logging error" not in err
    assert snapshot(data) == before  # nothing written, nothing half-written


def test_full_disk_gives_a_clear_message_and_leaves_no_half_written_files(
    small_disk: Path, tmp_path: Path, start_gui: Any
) -> None:
    pack = small_pack(tmp_path / "pack", articles=40)
    data = small_disk / "data"
    data.mkdir()
    filler = small_disk / "filler"
    with open(filler, "wb") as handle:  # fill the disk to the last block
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    result = cli("search", "archives", "--pack", str(pack), "--data-dir", str(data), "--json")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 10  # answered from an index built in memory
    assert "the disk is full" in result.stderr and "Traceback" not in result.stderr
    app = start_gui("--no-builtin", "--content", str(pack), "--data-dir", str(data))
    wait_for_line(app, "READY")
    app.send_signal(signal.SIGTERM)
    assert app.wait(timeout=15) == 0
    _out, err = app.communicate()
    assert "Traceback" not in err
    assert err.count("Logging error") == 0 and err.count("logging stopped") <= 1
    leftovers = [p.name for p in data.rglob("*") if ".tmp" in p.name or ".new-" in p.name]
    assert leftovers == []


def test_parallel_cli_searches_never_need_the_write_lock(tmp_path: Path) -> None:
    pack = small_pack(tmp_path / "pack", articles=30)
    data = str(tmp_path / "data")
    assert cli("search", "tar", "--pack", str(pack), "--data-dir", data).returncode == 0
    args = ("search", "archives", "--pack", str(pack), "--data-dir", data, "--json")
    for code, out, err in cli_in_parallel(5, *args):
        assert code == 0, err
        assert len(json.loads(out)) == 10 and "LockError" not in err


def test_two_processes_indexing_one_pack_both_answer(tmp_path: Path) -> None:
    pack = small_pack(tmp_path / "pack", articles=500)  # large enough to take a while
    args = ("search", "archives", "--pack", str(pack), "--data-dir", str(tmp_path / "data"),
            "--json", "--limit", "500")  # fmt: skip
    for code, out, err in cli_in_parallel(2, *args):
        assert code == 0, err
        assert len(json.loads(out)) == 500, err
        assert "Traceback" not in err and "damaged" not in err
    again = cli(*args)
    assert len(json.loads(again.stdout)) == 500 and again.stderr == ""


def test_the_indexing_child_ends_when_the_app_is_killed(tmp_path: Path, start_gui: Any) -> None:
    pack = small_pack(tmp_path / "pack", articles=3000)  # indexed in a child process
    app = start_gui("--no-builtin", "--content", str(pack), "--data-dir", str(tmp_path / "d"))
    try:
        children: list[int] = []
        # The child is started once the pack has loaded; its start is what we wait for.
        import select

        fd = os.pidfd_open(app.pid)
        for _ in range(600):
            children = children_of(app.pid)
            if children or select.select([fd], [], [], 0.1)[0]:
                break
        os.close(fd)
        assert children, "no indexing child was started"
        app.kill()  # SIGKILL: the app cannot stop its child itself
        app.wait(timeout=10)
        assert all(wait_until_gone(child, timeout=5) for child in children)
    finally:
        if app.poll() is None:
            app.kill()
    result = cli("search", "archives", "--pack", str(pack), "--data-dir", str(tmp_path / "d"),
                 "--json", "--limit", "3000")  # fmt: skip
    assert result.returncode == 0 and len(json.loads(result.stdout)) == 3000, result.stderr


@pytest.mark.parametrize("query", ["-tar", "-tar archives", "--weird"])
def test_queries_that_look_like_options_are_queries(tmp_path: Path, query: str) -> None:
    pack = small_pack(tmp_path / "pack")
    result = cli("search", query, "--pack", str(pack), "--data-dir", str(tmp_path / "d"))
    assert result.returncode == 0, result.stderr


def test_non_utf8_file_names_are_searched_and_printed(tmp_path: Path) -> None:
    pack = small_pack(tmp_path / "pack")
    with open(os.fsencode(pack) + b"/area/caf\xe9.md", "wb") as handle:
        handle.write(b"# Cafe\n\nZanzibar espresso.\n")
    result = cli("search", "zanzibar", "--pack", str(pack), "--data-dir", str(tmp_path / "d"))
    assert result.returncode == 0, result.stderr
    assert "Cafe" in result.stdout and "caf\\udce9.md" in result.stdout
    as_json = cli("search", "zanzibar", "--pack", str(pack), "--data-dir", str(tmp_path / "d"),
                  "--json")  # fmt: skip
    (hit,) = json.loads(as_json.stdout)
    assert hit["id"] == "area/caf\ufffd" and os.fsencode(hit["path"]).endswith(b"caf\xe9.md")


def test_fifos_never_hang_validate_or_search(tmp_path: Path) -> None:
    pack = small_pack(tmp_path / "pack")
    os.mkfifo(pack / "area" / "x.md")
    result = cli("validate", str(pack), timeout=60)
    assert "not a regular file; skipped" in result.stdout
    result = cli("search", "archives", "--pack", str(pack), "--data-dir", str(tmp_path / "d"),
                 timeout=60)  # fmt: skip
    assert result.returncode == 0


def test_a_second_launch_hands_its_folders_to_the_running_window(
    tmp_path: Path, start_gui: Any
) -> None:
    data = str(tmp_path / "data")
    first_pack, second_pack = small_pack(tmp_path / "one"), small_pack(tmp_path / "two")
    first = start_gui("--no-builtin", "--content", str(first_pack), "--data-dir", data)
    wait_for_line(first, "READY")
    second = start_gui("--no-builtin", "--content", str(second_pack), "--data-dir", data)
    assert second.wait(timeout=30) == 0  # no second window, no second writer
    out, _err = second.communicate()
    assert "already open with this data folder" in out
    wait_for_line(first, "READY")  # the running window opened the second folder
    first.send_signal(signal.SIGTERM)
    assert first.wait(timeout=15) == 0
    settings = json.loads((tmp_path / "data" / "config" / "settings.json").read_text())
    assert settings["packs"] == [str(first_pack), str(second_pack)]


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe{\x00}\x00", b"[" * 100_000 + b"]" * 100_000, b'{"packs": 5}',
     b'{"expanded": 5}', b'{"packs": "/tmp/x"}', b'{"packs": [""]}'],
    ids=["utf16", "deep", "packs-int", "expanded-int", "packs-str", "packs-empty"],
)  # fmt: skip
def test_the_cli_starts_whatever_the_settings_file_holds(tmp_path: Path, content: bytes) -> None:
    config = tmp_path / "data" / "config"
    config.mkdir(parents=True)
    (config / "settings.json").write_bytes(content)
    result = cli("search", "cache", "--data-dir", str(tmp_path / "data"), "--json", "--limit", "1")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 1  # the built-in hub, and nothing else opened
    assert "Traceback" not in result.stderr
