"""The study database: repositories, migrations, backups, damage and newer versions.

A migrated template database is built once per session and copied for each test (as Anki's
tests copy a template collection)."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from nexus_desktop.storage import repositories as repo
from nexus_desktop.storage.database import Database, DatabaseError
from nexus_desktop.storage.writer import Writer


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("template")
    database = Database(folder / "nexus.sqlite3", backups_dir=folder / "backups")
    database.open()
    database.close()
    return folder / "nexus.sqlite3"


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Iterator[Database]:
    shutil.copy(template, tmp_path / "nexus.sqlite3")
    database = Database(tmp_path / "nexus.sqlite3", backups_dir=tmp_path / "backups", keep=3)
    database.open()
    yield database
    database.close()


def test_a_new_database_uses_wal_foreign_keys_and_full_sync(tmp_path: Path) -> None:
    database = Database(tmp_path / "d" / "nexus.sqlite3", backups_dir=tmp_path / "b")
    status = database.open()
    assert status.notices == () and not status.read_only
    with database.session() as session:
        pragmas = {
            name: session.connection().exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
        }
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "synchronous": 2,
                       "busy_timeout": 5000}  # fmt: skip
    database.close()


def test_notes_are_saved_updated_emptied_into_tombstones_and_restored(db: Database) -> None:
    with db.session() as s:
        first = repo.save_note(s, "hub", "a/b", "# Mine\n\nText.", at=1000)
    assert first is not None and first.body.startswith("# Mine")
    with db.session() as s:
        second = repo.save_note(s, "hub", "a/b", "Changed.", at=2000)
        assert second is not None and second.id == first.id and second.updated_at == 2000
        assert repo.note_for(s, "hub", "a/b") == second
    with db.session() as s:
        assert repo.save_note(s, "hub", "a/b", "   ", at=3000) is None  # emptied
        assert repo.note_for(s, "hub", "a/b") is None
        tombstones = repo.notes(s, include_deleted=True)
        assert [(n.id, n.deleted_at) for n in tombstones] == [(first.id, 3000)]
    with db.session() as s:
        restored = repo.restore_note(s, first.id)
        assert restored is not None and restored.body == "Changed."


def test_a_failed_job_changes_nothing(db: Database) -> None:
    with pytest.raises(RuntimeError), db.session() as s:
        repo.save_note(s, "hub", "a/b", "Half a thought")
        raise RuntimeError("the app failed mid-way")
    with db.session() as s:
        assert repo.note_for(s, "hub", "a/b") is None


def test_bookmarks_toggle_order_rename_delete_and_undo(db: Database) -> None:
    with db.session() as s:
        a = repo.toggle_bookmark(s, "hub", "a", "", "A")
        b = repo.toggle_bookmark(s, "hub", "b", "setup", "B, Setup")
    assert a is not None and b is not None and b.position > a.position
    with db.session() as s:
        repo.move_bookmark(s, b.id, a.position - 1)
        repo.rename_bookmark(s, a.id, "Renamed")
        assert [x.title for x in repo.bookmarks(s)] == ["B, Setup", "Renamed"]
        assert repo.toggle_bookmark(s, "hub", "a", "", "A") is None  # toggled off
        assert [x.id for x in repo.bookmarks(s)] == [b.id]
        repo.restore_bookmark(s, a.id)
        assert {x.id for x in repo.bookmarks(s)} == {a.id, b.id}


def test_reading_progress_accumulates(db: Database) -> None:
    with db.session() as s:
        repo.record_reading(s, "hub", "a", opened=True, at=1000)
        repo.record_reading(s, "hub", "a", reading_ms=5000, furthest=0.4, scroll=300, at=2000)
        record = repo.record_reading(s, "hub", "a", reading_ms=2000, furthest=0.2, at=3000)
    assert (record.reading_ms, record.furthest, record.scroll) == (7000, 0.4, 300)
    assert record.first_opened_at == 1000 and record.last_opened_at == 1000
    with db.session() as s:
        done = repo.set_completed(s, "hub", "a", True, digest="abc")
    assert done.completed_at is not None and done.completed_digest == "abc"


def test_the_writer_runs_every_job_on_one_thread_in_order(db: Database) -> None:
    import threading

    writer = Writer(db)
    threads: set[int] = set()

    def job(number: int):  # type: ignore[no-untyped-def]
        def run(s):  # type: ignore[no-untyped-def]
            threads.add(threading.get_ident())
            return repo.save_note(s, "hub", "a", f"version {number}")

        return run

    futures = [writer.submit(job(n)) for n in range(50)]
    assert futures[-1].result(timeout=30).body == "version 49"  # type: ignore[union-attr]
    assert len(threads) == 1 and threading.get_ident() not in threads
    writer.close()


def test_backups_are_consistent_rotate_and_restore(db: Database) -> None:
    with db.session() as s:
        repo.save_note(s, "hub", "a", "before")
    first = db.backup(reason="manual")
    with db.session() as s:
        repo.save_note(s, "hub", "a", "after")
    for _ in range(4):
        db.backup()
    kept = db.backups()
    assert len(kept) == 3 and first not in [b.path for b in kept]  # rotated out
    restored_from = db.backup(reason="manual")
    with db.session() as s:
        repo.save_note(s, "hub", "a", "later still")
    safety = db.restore(restored_from)
    with db.session() as s:
        assert repo.note_for(s, "hub", "a").body == "after"  # type: ignore[union-attr]
    assert safety.exists() and "before_restore" in safety.name
    assert db.check() == []


def test_a_damaged_file_is_moved_aside_and_the_newest_good_backup_restored(
    db: Database, tmp_path: Path
) -> None:
    with db.session() as s:
        repo.save_note(s, "hub", "a", "kept in the backup")
    db.backup()
    db.close()
    raw = (tmp_path / "nexus.sqlite3").read_bytes()
    (tmp_path / "nexus.sqlite3").write_bytes(raw[:4096] + b"\xde\xad" * 4000 + raw[12096:])
    reopened = Database(tmp_path / "nexus.sqlite3", backups_dir=tmp_path / "backups")
    status = reopened.open()
    assert len(status.notices) == 1 and "was damaged" in status.notices[0]
    assert "restored" in status.notices[0]
    moved = [p for p in tmp_path.iterdir() if ".damaged-" in p.name and p.name[-4:-3] != "-"]
    assert len(moved) == 1 and str(moved[0]) in status.notices[0]  # never deleted, and named
    assert moved[0].read_bytes()[:16] == b"SQLite format 3\x00"
    with reopened.session() as s:
        assert repo.note_for(s, "hub", "a").body == "kept in the backup"  # type: ignore[union-attr]
    reopened.close()


def test_a_database_from_a_newer_version_is_never_modified(db: Database, tmp_path: Path) -> None:
    db.close()
    path = tmp_path / "nexus.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    connection.commit()
    connection.close()
    before = path.read_bytes()
    newer = Database(path, backups_dir=tmp_path / "backups")
    status = newer.open()
    assert status.read_only and "newer version" in status.notices[0]
    with pytest.raises(Exception), newer.session() as s:  # noqa: B017 - any write must fail
        repo.save_note(s, "hub", "a", "must not land")
    newer.close()
    assert path.read_bytes() == before


def test_migrations_run_from_an_empty_file_and_keep_data_on_reopen(tmp_path: Path) -> None:
    path = tmp_path / "nexus.sqlite3"
    sqlite3.connect(path).close()  # an empty file, as a crash during creation leaves
    database = Database(path, backups_dir=tmp_path / "b")
    database.open()
    with database.session() as s:
        repo.save_note(s, "hub", "a", "survives")
    database.close()
    again = Database(path, backups_dir=tmp_path / "b")
    again.open()
    with again.session() as s:
        assert repo.note_for(s, "hub", "a").body == "survives"  # type: ignore[union-attr]
    again.close()


def test_a_damaged_database_in_a_read_only_folder_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "nexus.sqlite3"
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(DatabaseError, match="read-only"):
        Database(path, backups_dir=tmp_path / "b", read_only=True).open()


def test_the_head_revision_constant_matches_the_migrations() -> None:
    from nexus_desktop.storage import database

    assert database._head() == database.HEAD_REVISION


def test_the_migration_chain_upgrades_a_filled_old_database_after_a_backup(
    tmp_path: Path,
) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from nexus_desktop.storage.database import MIGRATIONS

    path = tmp_path / "nexus.sqlite3"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")  # the first revision, as version 1 of the app left it
    engine.dispose()
    connection = sqlite3.connect(path)
    connection.execute(
        "INSERT INTO notes VALUES ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'hub', 'a', "
        "'Written by the old version', 1, 2, NULL)"
    )
    connection.commit()
    connection.close()
    database = Database(path, backups_dir=tmp_path / "backups")
    database.open()
    with database.session() as s:
        assert repo.note_for(s, "hub", "a").body == "Written by the old version"  # type: ignore[union-attr]
        made = repo.add_highlight(s, "hub", "a", exact="x", prefix="", suffix="", position=0,
                                  heading="", colour="yellow")  # fmt: skip
        assert repo.highlights(s, "hub", "a") == [made]
        # 0003 indexed what the old version wrote, for the search of your own words
        assert [r.body for r in repo.search_own_words(s, ["written", "old"])] == [
            "Written by the old version"
        ]
    assert [b.reason for b in database.backups()] == ["before_upgrade"]
    database.close()


def _found(db: Database, *words: str) -> list[str]:
    with db.session() as s:
        return [getattr(r, "body", "") or getattr(r, "exact", "")
                for r in repo.search_own_words(s, list(words))]  # fmt: skip


def test_own_words_are_found_by_stemmed_words_and_follow_every_change(db: Database) -> None:
    with db.session() as s:
        repo.save_note(s, "hub", "a", "Caching the querysets of Django views", at=1)
        light = repo.add_highlight(s, "hub", "b", exact="select_related joins", prefix="",
                                   suffix="", position=0, heading="", colour="yellow",
                                   note="avoids N+1 queries")  # fmt: skip
    assert _found(db, "cached", "queryset") == ["Caching the querysets of Django views"]
    assert _found(db, "select_related") == ["select_related joins"]
    assert _found(db, "queries") == ["select_related joins"]  # its note is searched too
    assert _found(db, "cach*") == ["Caching the querysets of Django views"]
    assert _found(db, "caching", "flask") == []  # every word must be there
    with db.session() as s:
        repo.save_note(s, "hub", "a", "Now about Redis", at=2)
        repo.delete_highlight(s, light.id)
    assert _found(db, "caching") == [] and _found(db, "redis") == ["Now about Redis"]
    assert _found(db, "queries") == []  # a deleted highlight is not found
    with db.session() as s:
        repo.restore_highlight(s, light.id)
    assert _found(db, "queries") == ["select_related joins"]


@pytest.mark.parametrize("word", ['"', "NEAR(", "title:x", "*", "a OR b", "-x", "^", "((", "'"])
def test_query_syntax_in_own_words_is_only_text(db: Database, word: str) -> None:
    with db.session() as s:
        repo.save_note(s, "hub", "a", "title x near a or b", at=1)
    _found(db, word)  # no exception: every word is quoted as a phrase


def test_a_stale_own_words_table_is_rebuilt_at_open(db: Database) -> None:
    with db.session() as s:
        repo.save_note(s, "hub", "a", "Celery retries with backoff", at=1)
        repo.save_note(s, "hub", "b", "RabbitMQ exchanges", at=1)
    db.close()
    raw = sqlite3.connect(db.path)
    raw.execute("DELETE FROM own_words")
    raw.execute("INSERT INTO own_words (rowid, text) VALUES (998, 'ghost words')")
    raw.commit()
    raw.close()
    db.open()
    assert _found(db, "retries") == ["Celery retries with backoff"]
    assert _found(db, "ghost") == []
