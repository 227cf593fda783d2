"""The study database: one SQLite file, opened, migrated, backed up and checked here.

- WAL, ``foreign_keys=ON`` and a 5 s busy timeout on every connection. ``synchronous=FULL``:
  every commit reaches the disk before it returns, so a note the app has said is saved
  survives a power cut as well as a crash. Writes are few and small (a note every second of
  typing at most), so the fsync per commit costs nothing a learner notices.
- Alembic migrations run at start, after a backup. A database whose schema revision this
  version does not know was written by a newer version: it is opened read-only and never
  modified.
- A file that fails ``PRAGMA quick_check`` is moved aside (never deleted), the newest good
  backup is restored, and the notices say what happened and where the old file is.
- Backups use SQLite's online backup API, so they are consistent while the app runs; they
  rotate (the newest ``keep`` are kept).
"""

from __future__ import annotations

import contextlib
import logging
import re
import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from nexus_desktop.storage.records import DatabaseStatus

log = logging.getLogger(__name__)

DB_NAME = "nexus.sqlite3"
# The newest migration (a test checks it against Alembic's head): a database already there is
# opened without importing Alembic at all.
HEAD_REVISION = "0004"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 5000
_BACKUP_NAME = re.compile(r"^nexus-(\d{8}-\d{6})(?:-(\w+))?\.sqlite3$")


class DatabaseError(Exception):
    """The database cannot be used; the message says why, in words."""


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    taken_at: float  # seconds since the epoch
    size: int
    reason: str


class Database:
    """The study record's SQLite file. Sessions come from :meth:`session`; use one per job,
    on one thread (the writer thread, in the app)."""

    def __init__(
        self, path: Path, *, backups_dir: Path, keep: int = 10, read_only: bool = False
    ) -> None:
        self.path = path
        self.backups_dir = backups_dir
        self.keep = keep
        self.read_only = read_only
        self.status = DatabaseStatus(str(path), read_only=read_only)
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None

    # -- opening -----------------------------------------------------------------------------
    def open(self) -> DatabaseStatus:
        """Open the file (creating, repairing or migrating it); return what was found."""
        notices: list[str] = []
        read_only = self.read_only
        if self.path.exists():
            problem = _integrity_problem(self.path)
            if problem is not None:
                if read_only:
                    raise DatabaseError(
                        f"The study database {self.path} is damaged ({problem}), and the data "
                        "folder is read-only, so it cannot be repaired."
                    )
                notices.append(self._recover(problem))
        if self.path.exists():
            revision = _revision_of(self.path)
            if revision == HEAD_REVISION:
                pass  # the usual case: nothing to migrate, Alembic not needed
            elif revision is not None and revision not in _known_revisions():
                read_only = True
                notices.append(
                    "Your study database was written by a newer version of Nexus Desktop. It is "
                    "opened read-only: nothing you do here is saved until you update the app."
                )
            elif revision != _head() and not read_only:
                if revision is not None:
                    self.backup(reason="before-upgrade")
                self._migrate()
        elif not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._migrate()
        else:  # read-only, and nothing saved yet: an empty record, in memory
            self._connect_empty()
            self.status = DatabaseStatus(str(self.path), read_only=True, notices=tuple(notices))
            return self.status
        self._connect(read_only=read_only)
        self.status = DatabaseStatus(str(self.path), read_only=read_only, notices=tuple(notices))
        return self.status

    def _recover(self, problem: str) -> str:
        """Move a damaged file aside and restore the newest good backup; say so."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        kept = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self.path}{suffix}")
            if source.exists():
                source.replace(Path(f"{kept}{suffix}"))
        for backup in self.backups():
            if _integrity_problem(backup.path) is None:
                shutil.copy2(backup.path, self.path)
                when = time.strftime("%Y-%m-%d %H:%M", time.localtime(backup.taken_at))
                return (
                    f"Your study database was damaged ({problem}). It was moved to {kept}, and "
                    f"the backup of {when} was restored."
                )
        return (
            f"Your study database was damaged ({problem}) and there was no good backup. It was "
            f"moved to {kept}; a new, empty one was started."
        )

    def _migrate(self) -> None:
        engine = create_engine(f"sqlite:///{self.path}")
        _set_pragmas_on(engine)
        try:
            _upgrade(engine)
        finally:
            engine.dispose()

    def _connect(self, *, read_only: bool) -> None:
        if read_only:
            url = f"sqlite:///file:{self.path}?mode=ro&uri=true"
        else:
            url = f"sqlite:///{self.path}"
        self._engine = create_engine(url)
        _set_pragmas_on(self._engine, read_only=read_only)
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)
        if not read_only:
            with self._engine.begin() as connection:
                _rebuild_own_words_if_stale(connection)

    def _connect_empty(self) -> None:
        from sqlalchemy.pool import StaticPool

        self._engine = create_engine("sqlite://", poolclass=StaticPool)
        _upgrade(self._engine)  # the same schema as a file, from the same migrations
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)

    @property
    def is_open(self) -> bool:
        return self._engine is not None

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back if it raises."""
        if self._sessions is None:
            raise DatabaseError("the study database is not open")
        session = self._sessions()
        try:
            yield session
            if not self.status.read_only:
                session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
            self._sessions = None

    # -- backups -----------------------------------------------------------------------------
    def backup(self, *, reason: str = "auto") -> Path:
        """A consistent copy of the database (SQLite's online backup API), then rotation."""
        self.backups_dir.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.backups_dir / f"nexus-{stamp}-{reason.replace('-', '_')}.sqlite3"
        number = 1
        while target.exists():
            number += 1
            target = self.backups_dir / f"nexus-{stamp}-{reason.replace('-', '_')}{number}.sqlite3"
        partial = target.with_suffix(".partial")
        source = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            destination = sqlite3.connect(partial)
            try:
                source.backup(destination)
            finally:
                destination.close()
        finally:
            source.close()
        partial.replace(target)
        self._rotate()
        return target

    def backups(self) -> list[BackupInfo]:
        """The backups, newest first."""
        found: list[BackupInfo] = []
        if not self.backups_dir.is_dir():
            return found
        for path in self.backups_dir.iterdir():
            match = _BACKUP_NAME.match(path.name)
            if not match:
                continue
            taken = time.mktime(time.strptime(match.group(1), "%Y%m%d-%H%M%S"))
            stat = path.stat()
            found.append(BackupInfo(path, taken, stat.st_size, (match.group(2) or "auto")))
        found.sort(key=lambda b: (b.taken_at, b.path.stat().st_mtime_ns), reverse=True)
        return found

    def _rotate(self) -> None:
        for old in self.backups()[self.keep :]:
            old.path.unlink(missing_ok=True)

    def restore(self, backup: Path) -> Path:
        """Replace the database with ``backup`` (the current file is backed up first);
        return the backup of the current file."""
        problem = _integrity_problem(backup)
        if problem is not None:
            raise DatabaseError(f"{backup.name} is not a usable backup: {problem}")
        safety = self.backup(reason="before-restore")
        was_open = self.is_open
        self.close()
        destination = sqlite3.connect(self.path)
        try:
            source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
            try:
                source.backup(destination)
            finally:
                source.close()
        finally:
            destination.close()
        if was_open:
            self.open()
        return safety

    # -- checking ----------------------------------------------------------------------------
    def check(self) -> list[str]:
        """Integrity and foreign-key problems, in words ([] when the file is sound)."""
        problems: list[str] = []
        connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        try:
            rows = connection.execute("PRAGMA integrity_check").fetchall()
            problems += [str(row[0]) for row in rows if row[0] != "ok"]
            for table, rowid, parent, _ in connection.execute("PRAGMA foreign_key_check"):
                problems.append(f"{table} row {rowid} points to a missing {parent} record")
        except sqlite3.DatabaseError as exc:
            problems.append(str(exc))
        finally:
            connection.close()
        return problems


def _upgrade(engine: Engine) -> None:
    """Run the migrations up to the head revision on ``engine``, in one transaction."""
    from alembic import command
    from alembic.config import Config

    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def _rebuild_own_words_if_stale(connection: Connection) -> None:
    """The search table of notes and highlights is derived data: rebuilt whenever it does not
    hold exactly one row per live note and highlight (e.g. after rowids were renumbered)."""
    counts = connection.exec_driver_sql(
        "SELECT (SELECT count(*) FROM own_words), "
        "(SELECT count(*) FROM notes WHERE deleted_at IS NULL) + "
        "(SELECT count(*) FROM highlights WHERE deleted_at IS NULL), "
        "(SELECT count(*) FROM own_words WHERE rowid NOT IN "
        "(SELECT 2 * rowid FROM notes WHERE deleted_at IS NULL UNION ALL "
        "SELECT 2 * rowid + 1 FROM highlights WHERE deleted_at IS NULL))"
    ).one()
    if counts[0] == counts[1] and counts[2] == 0:
        return
    log.warning("rebuilding the search table of notes (%s rows for %s notes)", *counts[:2])
    connection.exec_driver_sql("DELETE FROM own_words")
    connection.exec_driver_sql(
        "INSERT INTO own_words (rowid, text) SELECT 2 * rowid, body FROM notes "
        "WHERE deleted_at IS NULL"
    )
    connection.exec_driver_sql(
        "INSERT INTO own_words (rowid, text) SELECT 2 * rowid + 1, exact || ' ' || note "
        "FROM highlights WHERE deleted_at IS NULL"
    )


def _set_pragmas_on(engine: Engine, *, read_only: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _pragmas(connection: sqlite3.Connection, _record: object) -> None:
        cursor = connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        if not read_only:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()


def _integrity_problem(path: Path) -> str | None:
    """What ``PRAGMA quick_check`` finds wrong with the file at ``path``, or None."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = connection.execute("PRAGMA quick_check").fetchall()
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    bad = [str(row[0]) for row in rows if row[0] != "ok"]
    return "; ".join(bad[:3]) if bad else None


def _revision_of(path: Path) -> str | None:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None  # no version table: an empty file
    finally:
        connection.close()
    return str(row[0]) if row else None


def _script() -> object:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


def _known_revisions() -> set[str]:
    script = _script()
    return {rev.revision for rev in script.walk_revisions()}  # type: ignore[attr-defined]


def _head() -> str:
    return str(_script().get_current_head())  # type: ignore[attr-defined]
