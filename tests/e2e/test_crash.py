"""Killing the app while it saves notes loses nothing it said was saved: 100 SIGKILLs at
random moments of a save loop that uses the UI's code path; after each, the database passes
``PRAGMA integrity_check`` and holds every acknowledged note."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
from tests.e2e.conftest import env

SAVER = Path(__file__).with_name("note_saver.py")


def test_sigkill_during_saves_never_loses_an_acknowledged_note(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    rng = random.Random(2026)
    acknowledged: dict[str, str] = {}  # article -> the last body acknowledged for it
    next_number = 0
    for _round in range(100):
        saver = subprocess.Popen(
            [sys.executable, str(SAVER), str(data), str(next_number)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO, env=env(),
        )  # fmt: skip
        assert saver.stdout is not None
        wanted = rng.randint(1, 12)
        for _ in range(wanted):
            line = saver.stdout.readline()
            assert line.startswith("ACK "), saver.stderr.read() if saver.stderr else line
            _ack, number, article = line.split()
            acknowledged[article] = f"note {number} "
            next_number = int(number) + 1
        saver.kill()  # the next save is somewhere between begun and committed
        saver.communicate()
        next_number += 1  # a save that may or may not have landed: never reused
        connection = sqlite3.connect(data / "nexus.sqlite3")
        try:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            rows = dict(
                connection.execute(
                    "SELECT article_id, body FROM notes WHERE deleted_at IS NULL"
                ).fetchall()
            )
        finally:
            connection.close()
        for article, body in acknowledged.items():
            assert article in rows, f"acknowledged note on {article} lost"
            stored_number = int(rows[article].split()[1])
            assert stored_number >= int(body.split()[1]), (article, rows[article], body)
