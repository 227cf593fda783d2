"""Opening content packs: load -> tree -> switcher entries -> search index -> deep checks.

Qt-free, so the window, the CLI and tests drive the same pipeline. It reports what happens as
typed events (:class:`PackLoaded`, :class:`IndexReady`, ...) through an ``emit`` callback; the
UI runs it on a worker thread and dispatches on the event's type.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nexus_desktop.core.cancel import Cancelled, CancelToken, ProgressFn
from nexus_desktop.services.refs import PackSource

if TYPE_CHECKING:
    from nexus_desktop.search.index import IndexReport
    from nexus_desktop.services.fuzzy import SwitcherEntry
    from nexus_desktop.services.library import LoadedPack, LoadFailure
    from nexus_desktop.services.search import SearchService
    from nexus_desktop.services.tree import PackTree


@dataclass(frozen=True, slots=True)
class PackStarted:
    number: int
    total: int
    source: PackSource

    @property
    def name(self) -> str:
        return display_name(self.source.path)


@dataclass(frozen=True, slots=True)
class PackLoaded:
    loaded: LoadedPack
    tree: PackTree
    entries: list[SwitcherEntry]


@dataclass(frozen=True, slots=True)
class PackFailed:
    failure: LoadFailure


@dataclass(frozen=True, slots=True)
class IndexStarted:
    number: int
    total: int
    pack_name: str


@dataclass(frozen=True, slots=True)
class IndexReady:
    pack_id: str
    report: IndexReport


@dataclass(frozen=True, slots=True)
class StepFailed:
    """Indexing or checking one pack failed; the pack stays open (derived data only)."""

    what: str  # "search index" | "content check"
    pack_name: str
    message: str


@dataclass(frozen=True, slots=True)
class PackChecked:
    pack_id: str


OpenEvent = (
    PackStarted | PackLoaded | PackFailed | IndexStarted | IndexReady | StepFailed | PackChecked
)


def display_name(folder: Path) -> str:
    """A folder's name for messages (``/`` has an empty name)."""
    return folder.name or str(folder)


def open_packs(
    sources: Sequence[PackSource],
    *,
    emit: Callable[[OpenEvent], None],
    search: SearchService | None = None,
    open_roots: dict[str, Path] | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    isolated: bool = True,
) -> None:
    """Open ``sources`` one after another, reporting each step through ``emit``.

    First every pack is made browsable (loaded, tree built), then indexed for search (learners
    look things up), then deeply checked. ``open_roots`` (pack id -> folder) names the packs
    already open, so a copy of one opens under a distinct id. Returns quietly when cancelled.
    """
    from nexus_desktop.services.fuzzy import switcher_entries
    from nexus_desktop.services.library import LoadedPack, load_source, validate_loaded
    from nexus_desktop.services.tree import build_pack_tree

    taken: dict[str, Path] = dict(open_roots or {})
    loaded_packs: list[LoadedPack] = []
    # Loading makes long-lived objects (millions for a 7,000-page pack), and the cyclic
    # collector's full passes over them hold the GIL for 25-55 ms, stalling the window: pause
    # it while loading, then move the packs out of its sight for good.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for number, source in enumerate(sources, start=1):
            if cancel is not None and cancel.is_set():
                return
            emit(PackStarted(number, len(sources), source))
            root = source.path.expanduser()
            with contextlib.suppress(OSError, RuntimeError):
                root = root.resolve()
            others = frozenset(pid for pid, folder in taken.items() if folder != root)
            try:
                loaded = load_source(
                    source, progress=progress, cancel=cancel, validate=False, taken_ids=others
                )
            except Cancelled:
                return
            except Exception as exc:  # noqa: BLE001 - a pack must never take the app down
                from nexus_desktop.services.library import LoadFailure

                loaded = LoadFailure(source, f"{type(exc).__name__}: {exc}")
            if isinstance(loaded, LoadedPack):
                taken[loaded.pack.id] = loaded.pack.root
                loaded_packs.append(loaded)
                # Off the UI thread: a big pack has 7,000+ nodes and switcher entries.
                emit(
                    PackLoaded(loaded, build_pack_tree(loaded.pack), switcher_entries(loaded.pack))
                )
            else:
                emit(PackFailed(loaded))
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
    if search is not None:
        for number, loaded in enumerate(loaded_packs, start=1):
            if cancel is not None and cancel.is_set():
                return
            emit(IndexStarted(number, len(loaded_packs), loaded.pack.name))
            try:
                report = search.index_pack(
                    loaded.pack, progress=progress, cancel=cancel, isolated=isolated
                )
            except Cancelled:
                return
            except Exception as exc:  # noqa: BLE001 - search is derived data, never fatal
                emit(StepFailed("search index", loaded.pack.name, _describe(exc)))
                continue
            emit(IndexReady(loaded.pack.id, report))
    for loaded in loaded_packs:
        if cancel is not None and cancel.is_set():
            return
        try:
            validate_loaded(loaded, cancel=cancel)
        except Cancelled:
            return
        except Exception as exc:  # noqa: BLE001 - validation problems are not fatal
            emit(StepFailed("content check", loaded.pack.name, _describe(exc)))
            continue
        emit(PackChecked(loaded.pack.id))


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
