"""The command line: launch the app, or work headlessly (``validate``).

``nexus-desktop [--data-dir DIR] [--content DIR]...`` opens the window;
``nexus-desktop validate DIR`` checks a content pack and exits non-zero on errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from nexus_desktop import __version__

SUBCOMMANDS = ("validate",)


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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``nexus-desktop`` and ``python -m nexus_desktop``."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] == "validate":
        return validate(args_list[1:])
    args = _gui_parser().parse_args(args_list)
    from nexus_desktop.app import run

    return run(data_dir=args.data_dir, content=args.content, builtin=not args.no_builtin)
