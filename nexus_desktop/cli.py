"""The command line: launch the app, or work headlessly (``validate``, ``search``, ``data``,
``notes``, ``quiz``).

``nexus-desktop [--data-dir DIR] [--content DIR]...`` opens the window;
``nexus-desktop validate DIR`` checks a content pack and exits non-zero on errors;
``nexus-desktop quiz due|rebuild-schedule|export-anki`` works with the quiz questions.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from nexus_desktop import __version__

if TYPE_CHECKING:
    from nexus_desktop.knowledge.model import Pack
    from nexus_desktop.paths import AppPaths
    from nexus_desktop.services.quiz import QuizService

SUBCOMMANDS = ("validate", "search", "data", "notes", "quiz")


def _gui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nexus-desktop",
        description="Nexus Desktop: study the Project Nexus backend-engineering hub offline. "
        f"Subcommands: {', '.join(SUBCOMMANDS)} (see 'nexus-desktop validate --help').",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="keep all user data, settings and caches under DIR (default: the platform's folders; "
        "also NEXUS_DESKTOP_DATA_DIR)",
    )
    parser.add_argument(
        "--content",
        metavar="DIR",
        action="append",
        default=[],
        help="open DIR as a content pack and remember it (may be repeated)",
    )
    parser.add_argument(
        "--no-builtin", action="store_true", help="do not open the built-in knowledge hub"
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check that the app works (window offscreen, content, search, a temporary "
        "database), print one line and exit",
    )
    return parser


def _validate_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nexus-desktop validate",
        description="Check a content pack: files, front matter, links, images, prerequisites "
        "and quizzes. Exits 1 when there are errors.",
    )
    parser.add_argument("folder", metavar="DIR", help="the content pack's folder")
    parser.add_argument("--quiet", action="store_true", help="print only the summary")
    return parser


def validate(argv: Sequence[str]) -> int:
    """``nexus-desktop validate DIR``."""
    from nexus_desktop.services.library import LoadFailure, PackSource, load_source

    args = _validate_parser().parse_args(argv)
    folder = Path(args.folder)
    loaded = load_source(PackSource(folder))
    if isinstance(loaded, LoadFailure):
        print(f"nexus-desktop: {loaded.message}", file=sys.stderr)
        return 2
    pack = loaded.pack
    errors = [p for p in loaded.problems if p.severity.value == "error"]
    warnings = len(loaded.problems) - len(errors)
    if not args.quiet:
        for problem in sorted(loaded.problems, key=lambda p: (str(p.path), p.line or 0)):
            print(problem.describe(pack.root.parent))
    articles = sum(1 for a in pack.articles.values() if not a.is_index)
    questions = sum(len(q) for q in loaded.questions.values())
    print(
        f"{pack.name}: {articles} articles, {len(pack.areas) - 1} areas, "
        f"{questions} quiz questions; {len(errors)} errors, {warnings} warnings"
    )
    return 1 if errors else 0


def _search_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nexus-desktop search",
        allow_abbrev=False,
        description='Full-text search. Query language: "exact phrase", prefix*, AND/OR/NOT, '
        "-term, and the filters area:, tag:, level:, pack:.",
    )
    parser.add_argument(
        "query", nargs="?", default=None, help='what to look for (a leading "-term" works too)'
    )
    parser.add_argument(
        "--pack",
        metavar="DIR",
        action="append",
        default=[],
        help="search only this folder (indexed first if needed; may be repeated). "
        "Default: the built-in hub and your registered packs.",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--limit", type=int, default=10, metavar="N", help="at most N results")
    parser.add_argument("--data-dir", metavar="DIR", help="as for the app (index cache location)")
    return parser


def search(argv: Sequence[str]) -> int:
    """``nexus-desktop search "query"``."""
    import json

    from nexus_desktop.core.cancel import Cancelled
    from nexus_desktop.knowledge.loader import PackError, load_pack
    from nexus_desktop.paths import app_paths
    from nexus_desktop.services.search import SearchService

    parser = _search_parser()
    args, extra = parser.parse_known_args(argv)
    # "-tar" (exclude tar) looks like an option to argparse: anything it does not know is query.
    words = ([args.query] if args.query is not None else []) + extra
    if not words:
        parser.error("the query is missing")
    query = " ".join(words)
    paths = app_paths(args.data_dir)
    read_only = _prepare_data_dir(paths)
    if args.pack:
        folders = [(Path(p), False) for p in args.pack]
    else:
        folders = open_pack_folders(paths, read_only=read_only is not None)
    service = SearchService(paths.cache_dir, read_only=read_only is not None)
    packs = []
    for folder, builtin in folders:
        try:
            pack = load_pack(folder, builtin=builtin)
        except (PackError, OSError, Cancelled) as exc:
            print(f"nexus-desktop: {exc}", file=sys.stderr)
            if args.pack:
                return 2
            continue

        def progress(done: int, total: int, label: str = "", name: str = pack.name) -> None:
            if total > 200:
                print(f"\rindexing {name}: {done:,}/{total:,}", end="", file=sys.stderr)

        report = service.index_pack(pack, progress=progress)
        if report.added + report.changed > 200:
            print(file=sys.stderr)
        if report.notice:
            print(report.notice, file=sys.stderr)
        packs.append(pack)
    results = service.search(query, packs, limit=max(1, args.limit))
    for notice in results.notices:
        print(notice, file=sys.stderr)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": hit.id,
                        "pack": hit.pack,
                        "title": hit.title,
                        "path": hit.path,
                        "score": round(hit.score, 4),
                        "snippet": hit.snippet_text,
                    }
                    for hit in results.hits
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    if not results.hits:
        print("No results.")
    for number, hit in enumerate(results.hits, start=1):
        print(f"{number:2}. {hit.title}  ({hit.breadcrumb})  [{hit.score:.2f}]")
        print(f"    {hit.path}")
        print(f"    {hit.snippet_text}")
    if results.suggestion:
        print(f"Did you mean: {results.suggestion}")
    return 0


def _quiz_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nexus-desktop quiz",
        description="The quiz questions: what is due, the schedules, an Anki deck. Without "
        "--pack: the built-in hub and your registered packs.",
    )
    parser.add_argument("--data-dir", metavar="DIR", help="as for the app")
    commands = parser.add_subparsers(dest="command", required=True)
    due = commands.add_parser("due", help="how many questions are due now, in all and per area")
    due.add_argument("--json", action="store_true", help="print the counts as JSON")
    rebuild = commands.add_parser(
        "rebuild-schedule", help="recompute every question's schedule from the review log"
    )
    export = commands.add_parser("export-anki", help="write the questions as an Anki deck")
    export.add_argument("file", type=Path, metavar="OUT.apkg", help="the .apkg file to write")
    export.add_argument(
        "--area",
        metavar="AREA",
        help="only this area and those below it: its path (technologies/django), title "
        "(Django) or deck path (Technologies::Django)",
    )
    for command in (due, rebuild, export):
        command.add_argument(
            "--pack",
            metavar="DIR",
            action="append",
            default=[],
            help="only this content pack (may be repeated)",
        )
        command.add_argument(
            "--data-dir", metavar="DIR", dest="sub_data_dir", help="as for the app"
        )
    return parser


def _quiz_packs(paths: AppPaths, folders: list[str], *, read_only: bool) -> list[Pack] | None:
    """The packs a quiz command works on: ``folders`` (None, said on stderr, when one cannot
    be opened), or the built-in hub and the registered packs (those that cannot be opened are
    left out, said on stderr). Quiz files are parsed without the deep checks."""
    from nexus_desktop.core.cancel import Cancelled
    from nexus_desktop.knowledge.loader import PackError, load_pack

    chosen = [(Path(p), False) for p in folders] or open_pack_folders(paths, read_only=read_only)
    packs = []
    for folder, builtin in chosen:
        try:
            packs.append(load_pack(folder, builtin=builtin))
        except (PackError, OSError, Cancelled) as exc:
            print(f"nexus-desktop: {exc}", file=sys.stderr)
            if folders:
                return None
    return packs


def quiz(argv: Sequence[str]) -> int:
    """``nexus-desktop quiz due|rebuild-schedule|export-anki``."""
    from nexus_desktop.paths import app_paths

    args = _quiz_parser().parse_args(argv)
    paths = app_paths(args.sub_data_dir or args.data_dir)
    read_only = _prepare_data_dir(paths)
    packs = _quiz_packs(paths, args.pack, read_only=read_only is not None)
    if packs is None:
        return 2
    if args.command == "export-anki":
        return _quiz_export_anki(packs, args.file, args.area)
    from nexus_desktop.cli_data import _open
    from nexus_desktop.services.quiz import QuizError, QuizService
    from nexus_desktop.storage.database import DatabaseError

    try:
        study = _open(args.sub_data_dir or args.data_dir)
    except DatabaseError as exc:
        print(f"nexus-desktop: {exc}", file=sys.stderr)
        return 2
    service = QuizService.for_study(study, lambda: packs)
    try:
        if args.command == "due":
            _print_due(service, as_json=args.json)
        else:
            summary = service.rebuild_schedule().result()
            moved = (
                _plural(summary.due_changed, "due date") if summary.due_changed else "no due date"
            )
            print(
                f"rebuilt the schedules of {_plural(summary.cards, 'question')} from "
                f"{_plural(summary.reviews, 'review')}; {moved} changed"
            )
    except (QuizError, DatabaseError, OSError) as exc:
        print(f"nexus-desktop: {exc}", file=sys.stderr)
        return 1
    finally:
        study.close()
    return 0


def _print_due(service: QuizService, *, as_json: bool) -> None:
    import json

    catalogue = service.catalogue()
    counts = service.due_counts().result()
    areas = [(key, counts.by_area[key]) for key in catalogue.area_titles if key in counts.by_area]
    if as_json:
        document = {
            "at": counts.at_ms,
            "total": counts.total,
            "seen": counts.seen,
            "new": counts.new,
            "changed": counts.changed,
            "packs": [
                {"pack": pack, "name": name, "due": counts.by_pack.get(pack, 0)}
                for pack, name in catalogue.pack_names.items()
            ],
            "areas": [
                {
                    "pack": pack,
                    "area": area,
                    "title": " › ".join(catalogue.area_titles[(pack, area)]),
                    "due": due,
                }
                for (pack, area), due in areas
            ],
        }
        print(json.dumps(document, indent=2, ensure_ascii=False))
        return
    print(
        f"{_plural(counts.total, 'question')} due ({counts.seen} answered before, "
        f"{counts.new} new)"
        + (f"; {counts.changed} changed since answered" if counts.changed else "")
    )
    for pack, name in catalogue.pack_names.items():
        if counts.by_pack.get(pack):
            print(f"  {name}: {counts.by_pack[pack]}")
            for (area_pack, area), due in areas:
                if area_pack == pack:
                    titles = catalogue.area_titles[(pack, area)]
                    print(f"  {'  ' * len(titles)}{titles[-1]}: {due}")


def _quiz_export_anki(packs: list[Pack], out: Path, area: str | None) -> int:
    from nexus_desktop.services.anki_export import export_anki

    try:
        summary = export_anki(packs, out, area=area)
    except (ValueError, OSError) as exc:
        print(f"nexus-desktop: {exc}", file=sys.stderr)
        return 1
    for problem in summary.problems:
        print(problem, file=sys.stderr)
    print(
        f"wrote {summary.path}: {_plural(summary.notes, 'note')} in "
        f"{_plural(summary.decks, 'deck')}; {summary.skipped} skipped"
    )
    return 0


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def prepare_gui_start(data_dir: str | None = None) -> AppPaths:
    """The first steps of a GUI start, before the Qt binding is imported; returns the folders.

    - The cyclic garbage collector is paused: start-up creates thousands of long-lived objects
      (Qt's types and enums) and collecting among them is wasted work. ``app.launch`` resumes
      it once the window is up, freezing what start-up made.
    - The Qt-free modules the window needs are imported now, because the Qt binding reads the
      source of every module imported after it (looking for ``from __feature__ import``).
    """
    import gc
    import importlib

    from nexus_desktop.paths import app_paths

    gc.disable()

    for name in ("json", "nexus_desktop.services.settings", "nexus_desktop.services.refs",
                 "nexus_desktop.render.themes"):  # fmt: skip
        importlib.import_module(name)
    return app_paths(data_dir)


def open_pack_folders(paths: AppPaths, *, read_only: bool) -> list[tuple[Path, bool]]:
    """(folder, built-in?) of the packs the app opens: the hub and the registered folders."""
    from nexus_desktop.paths import builtin_content_dir
    from nexus_desktop.services.settings import Settings

    registered = Settings(paths.settings_file, read_only=read_only).get("packs")
    return [(builtin_content_dir(), True), *((Path(p), False) for p in registered)]


def _prepare_data_dir(paths: AppPaths) -> str | None:
    """Create the data folders; return why nothing can be saved (read-only), if so. A folder
    that cannot be used at all (a file in the way) ends the command: one line, exit code 2."""
    from nexus_desktop.paths import DataDirError

    try:
        return paths.prepare()
    except DataDirError as exc:
        print(f"nexus-desktop: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def _tolerant_output() -> None:
    """File names that are not valid UTF-8 (or text the terminal cannot encode) are printed
    escaped, never as a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``nexus-desktop`` and ``python -m nexus_desktop``."""
    if getattr(sys, "frozen", False):
        import multiprocessing

        multiprocessing.freeze_support()  # the frozen app indexes in child processes
    _tolerant_output()
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] == "validate":
        return validate(args_list[1:])
    if args_list and args_list[0] == "search":
        return search(args_list[1:])
    if args_list and args_list[0] == "quiz":
        return quiz(args_list[1:])
    if args_list and args_list[0] in ("data", "notes"):
        from nexus_desktop import cli_data

        command = cli_data.data if args_list[0] == "data" else cli_data.notes
        return command(args_list[1:])
    args = _gui_parser().parse_args(args_list)
    if args.self_test:
        from nexus_desktop.selftest import run_self_test

        return run_self_test()
    paths = prepare_gui_start(args.data_dir)
    read_only = _prepare_data_dir(paths)
    from nexus_desktop.app import run

    return run(paths=paths, content=args.content, builtin=not args.no_builtin, read_only=read_only)
