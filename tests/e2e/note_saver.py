"""Saves notes in a loop through the app's own path (StudyService, the writer thread) and
prints ``ACK n`` once note ``n`` is committed; the crash test kills it at random moments."""

from __future__ import annotations

import sys
from pathlib import Path

from nexus_desktop.services.study import StudyService

study = StudyService(Path(sys.argv[1]))
study.open()
start = int(sys.argv[2])
for number in range(start, start + 100_000):
    # Every third save rewrites an earlier note, so updates are killed mid-way too.
    article = f"a/{number // 3}" if number % 3 else f"a/{number}"
    study.save_note("hub", article, f"note {number} " + "text " * (number % 50)).result()
    print(f"ACK {number} {article}", flush=True)
