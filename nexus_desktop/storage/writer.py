"""Every database job on one thread (as Anki serialises collection access): writes never race,
and the UI never waits on SQLite. A job is a function of a session; the session is made and
closed on the writer thread, inside one transaction."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy.orm import Session

from nexus_desktop.storage.database import Database

T = TypeVar("T")


class Writer:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nexus-db")

    def submit(self, job: Callable[[Session], T]) -> Future[T]:
        """Run ``job(session)`` on the writer thread, in one transaction."""

        def run() -> T:
            with self.database.session() as session:
                return job(session)

        return self._executor.submit(run)

    def call(self, action: Callable[[], T]) -> Future[T]:
        """Run ``action()`` (a backup, a restore) on the writer thread, after what is queued."""
        return self._executor.submit(action)

    def close(self) -> None:
        """Finish every queued job, then close the database."""
        self._executor.shutdown(wait=True)
        self.database.close()
