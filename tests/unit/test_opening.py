"""Opening packs as a Qt-free pipeline: typed events in order, copies of a pack kept apart,
cancellation, and failures reported as events rather than raised."""

from __future__ import annotations

import threading
from pathlib import Path

from nexus_desktop.services import opening as ev
from nexus_desktop.services.opening import open_packs
from nexus_desktop.services.refs import PackSource
from nexus_desktop.services.search import SearchService
from tests.conftest import write


def hub_copy(root: Path) -> Path:
    write(root, "nexus-pack.toml", '[pack]\nid = "hub"\nname = "Hub"\n')
    write(root, "a/page.md", "# Page\n\nSome text about caching.\n")
    return root


def test_events_come_typed_and_in_order(tmp_path: Path) -> None:
    events: list[object] = []
    sources = [PackSource(hub_copy(tmp_path / "one")), PackSource(tmp_path / "missing")]
    open_packs(sources, emit=events.append, search=SearchService(tmp_path / "cache"))
    kinds = [type(e).__name__ for e in events]
    assert kinds == ["PackStarted", "PackLoaded", "PackStarted", "PackFailed", "IndexStarted",
                     "IndexReady", "PackChecked"]  # fmt: skip
    loaded = next(e for e in events if isinstance(e, ev.PackLoaded))
    assert loaded.loaded.pack.id == "hub" and loaded.tree.node.title == "Hub"
    assert [entry.ref.article_id for entry in loaded.entries] == ["a/page"]
    failed = next(e for e in events if isinstance(e, ev.PackFailed))
    assert "not found" in failed.failure.message


def test_a_copy_of_an_open_pack_gets_its_own_id(tmp_path: Path) -> None:
    events: list[object] = []
    first, second = hub_copy(tmp_path / "one"), hub_copy(tmp_path / "two")
    open_packs([PackSource(first), PackSource(second)], emit=events.append)
    ids = [e.loaded.pack.id for e in events if isinstance(e, ev.PackLoaded)]
    assert ids[0] == "hub" and ids[1].startswith("hub-") and len(set(ids)) == 2
    # A pack already open (the window's library) counts too; its own folder does not.
    events.clear()
    open_packs([PackSource(first)], emit=events.append, open_roots={"hub": first.resolve()})
    assert [e.loaded.pack.id for e in events if isinstance(e, ev.PackLoaded)] == ["hub"]
    events.clear()
    open_packs([PackSource(second)], emit=events.append, open_roots={"hub": first.resolve()})
    assert [e.loaded.pack.id for e in events if isinstance(e, ev.PackLoaded)] == [ids[1]]


def test_cancelling_stops_quietly(tmp_path: Path) -> None:
    events: list[object] = []
    cancel = threading.Event()
    cancel.set()
    open_packs([PackSource(hub_copy(tmp_path / "one"))], emit=events.append, cancel=cancel)
    assert events == []


def test_a_failing_index_is_an_event_and_the_pack_stays_open(tmp_path: Path) -> None:
    class BrokenSearch(SearchService):
        def index_pack(self, *args: object, **kwargs: object):  # type: ignore[no-untyped-def,override]
            raise OSError("disk on fire")

    events: list[object] = []
    open_packs([PackSource(hub_copy(tmp_path / "one"))], emit=events.append,
               search=BrokenSearch(tmp_path / "cache"))  # fmt: skip
    failed = [e for e in events if isinstance(e, ev.StepFailed)]
    assert failed == [ev.StepFailed("search index", "Hub", "OSError: disk on fire")]
    assert any(isinstance(e, ev.PackChecked) for e in events)
