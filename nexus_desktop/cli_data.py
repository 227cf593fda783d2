"""The study record on the command line: ``nexus-desktop data export|import|check|backup|restore``
and ``nexus-desktop notes export``. Each takes ``--data-dir`` like the app; each exits non-zero
with one line saying what is wrong when it cannot do its job."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nexus_desktop.services.study import StudyService


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nexus-desktop data", description="Your notes, bookmarks and reading progress."
    )
    parser.add_argument("--data-dir", metavar="DIR", help="as for the app")
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="write all your data as one JSON document")
    export.add_argument("file", type=Path)
    importing = commands.add_parser("import", help="read a JSON export (merged by default)")
    importing.add_argument("file", type=Path)
    importing.add_argument("--replace", action="store_true", help="replace everything instead")
    commands.add_parser("check", help="check the database (exit 1 on a problem)")
    commands.add_parser("backup", help="take a backup now")
    restore = commands.add_parser("restore", help="restore a backup (yours is backed up first)")
    restore.add_argument("file", type=Path)
    return parser


def _open(data_dir: str | None) -> StudyService:
    from nexus_desktop.cli import _prepare_data_dir
    from nexus_desktop.paths import app_paths
    from nexus_desktop.services.study import StudyService

    paths = app_paths(data_dir)
    read_only = _prepare_data_dir(paths)
    study = StudyService(paths.data_dir, read_only=read_only is not None)
    status = study.open()
    for notice in status.notices:
        print(notice, file=sys.stderr)
    return study


def data(argv: Sequence[str]) -> int:
    """``nexus-desktop data ...``."""
    from nexus_desktop.services.study import StudyError, read_export, write_export
    from nexus_desktop.storage.database import DatabaseError

    args = _parser().parse_args(argv)
    try:
        study = _open(args.data_dir)
    except DatabaseError as exc:
        print(f"nexus-desktop: {exc}", file=sys.stderr)
        return 2
    try:
        if args.command == "export":
            write_export(study.export_data().result(), args.file)
            print(f"exported to {args.file}")
        elif args.command == "import":
            print(study.import_data(read_export(args.file), replace=args.replace).result())
        elif args.command == "check":
            problems = study.check().result()
            for problem in problems:
                print(problem)
            print("the database is sound" if not problems else f"{len(problems)} problems")
            return 1 if problems else 0
        elif args.command == "backup":
            print(f"backed up to {study.backup().result()}")
        elif args.command == "restore":
            safety = study.restore(args.file).result()
            print(f"restored {args.file}; your previous data was backed up to {safety}")
    except (StudyError, DatabaseError, OSError) as exc:
        print(f"nexus-desktop: {exc}", file=sys.stderr)
        return 1
    finally:
        study.close()
    return 0


def notes(argv: Sequence[str]) -> int:
    """``nexus-desktop notes export DIR``: one Markdown file per article with a note."""
    from nexus_desktop.services.study import write_notes_markdown

    parser = argparse.ArgumentParser(prog="nexus-desktop notes")
    parser.add_argument("--data-dir", metavar="DIR", help="as for the app")
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="write each note as a Markdown file")
    export.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    study = _open(args.data_dir)
    try:
        records = study.notes().result()
        titles = _titles(args.data_dir)
        write_notes_markdown(records, args.folder, lambda p, a: titles.get((p, a), a))
    except OSError as exc:
        print(f"nexus-desktop: {exc}", file=sys.stderr)
        return 1
    finally:
        study.close()
    print(f"{len(records)} notes written to {args.folder}")
    return 0


def _titles(data_dir: str | None) -> dict[tuple[str, str], str]:
    """Article titles of the built-in hub and the registered packs (ids when a pack is gone)."""
    from nexus_desktop.cli import open_pack_folders
    from nexus_desktop.knowledge.loader import PackError, load_pack
    from nexus_desktop.paths import app_paths

    paths = app_paths(data_dir)
    titles: dict[tuple[str, str], str] = {}
    for folder, _builtin in open_pack_folders(paths, read_only=True):  # reading only
        try:
            pack = load_pack(folder)
        except (PackError, OSError):
            continue
        titles.update({(pack.id, a.id): a.title for a in pack.articles.values()})
    return titles
