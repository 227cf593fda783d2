"""One Whoosh index per content pack, in the cache folder; derived data, rebuilt when needed.

The index lives in ``<cache>/search/<pack-id>-<hash of the pack's path>/`` with a ``meta.json``
naming the schema version. Missing, corrupt, locked by a dead process or from an older schema,
it is deleted and rebuilt, and the caller is told why (``IndexReport.notice``).
Updates are incremental: only added, changed (content hash) and removed articles are written.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from nexus_desktop.core.cancel import CancelToken, Cancelled, ProgressFn
from nexus_desktop.knowledge.files import read_limited
from nexus_desktop.knowledge.loader import read_article_text
from nexus_desktop.knowledge.model import Article, Pack
from nexus_desktop.search.analysis import spelling_analyzer, technical_analyzer

SCHEMA_VERSION = 6
INDEX_NAME = "main"


def build_schema() -> Schema:
    analyzer = technical_analyzer()
    return Schema(
        key=ID(unique=True, stored=True),  # "<kind>:<article id>" (notes, questions later)
        id=ID(stored=True),
        pack=ID(stored=True),
        kind=ID(stored=True),
        area=KEYWORD(lowercase=True, commas=True, scorable=False),
        title=TEXT(analyzer=analyzer, field_boost=5.0, stored=True),
        headings=TEXT(analyzer=analyzer, field_boost=2.5, stored=True),
        body=TEXT(analyzer=analyzer, stored=True),
        tags=KEYWORD(lowercase=True, commas=True, scorable=True, field_boost=2.0, stored=True),
        level=ID(stored=True),
        spell=TEXT(analyzer=spelling_analyzer(), stored=False, phrase=False),
        path=STORED(),
        breadcrumb=STORED(),
        digest=STORED(),
    )


@dataclass(frozen=True, slots=True)
class IndexReport:
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    notice: str | None = None  # why the index was rebuilt, for the user


_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_HTML_TAG = re.compile(r"<[^>\n]+>")
_MARKUP = re.compile(r"[*`>|#~]|^\s*[-+]\s+|!\[", re.MULTILINE)


def plain_text(markdown_text: str) -> str:
    """Markdown reduced to the words a reader sees (code kept: identifiers matter)."""
    text = _LINK_TARGET.sub("]", markdown_text)
    text = _HTML_TAG.sub(" ", text)
    text = _MARKUP.sub(" ", text)
    # Brackets go without a trace: tldr writes mnemonics as "e[x]tract", which is "extract".
    return text.replace("[", "").replace("]", "")


def index_dir_for(cache_dir: Path, pack: Pack) -> Path:
    digest = hashlib.sha1(str(pack.root).encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return cache_dir / "search" / f"{pack.id}-{digest}"


def article_document(pack: Pack, article: Article, text: str, digest: str) -> dict[str, Any]:
    area = pack.area_of(article)
    crumbs = [a.title for a in area.breadcrumb()]
    area_terms = {part for part in area.id.split("/") if part} | ({area.id} if area.id else set())
    area_terms |= {a.title.lower() for a in area.breadcrumb()[1:]}
    # Tags count like headings (searching one more field per word would slow every query).
    headings = " \n".join([*_HEADING.findall(text), " ".join(article.tags)])
    body = plain_text(text)
    return {
        "key": f"article:{article.id}",
        "id": article.id,
        "pack": pack.id,
        "kind": "article",
        "area": ",".join(sorted(area_terms)),
        "title": article.title,
        "headings": headings,
        "body": body,
        "tags": ",".join(article.tags),
        "level": article.level or "",
        "spell": f"{article.title}\n{headings}\n{body}",
        "path": article.path.relative_to(pack.root).as_posix(),  # packs may move
        "breadcrumb": " › ".join(crumbs),
        "digest": digest,
    }


class PackIndex:
    """The search index of one pack."""

    def __init__(self, cache_dir: Path, pack: Pack, *, seed: Path | None = None) -> None:
        self.pack = pack
        self.seed = seed  # a prebuilt index shipped with the app, copied in on first use
        self.dir = index_dir_for(cache_dir, pack)
        self._index: Any = None
        self._searcher: Any = None

    # -- opening ---------------------------------------------------------------------------
    def open(self) -> str | None:
        """Open the index, creating or rebuilding it as needed; return a notice if rebuilt."""
        notice = None
        problem = self._problem()
        if problem == "missing" and self._copy_seed():
            problem = self._problem()
        if problem is not None:
            if problem != "missing":
                notice = f"The search index of “{self.pack.name}” was {problem}; rebuilding it."
            self.reset()
        else:
            try:
                self._index = whoosh_index.open_dir(str(self.dir), indexname=INDEX_NAME)
                with self._index.searcher() as searcher:
                    searcher.doc_count()
            except Exception:  # noqa: BLE001 - any failure to read derived data means rebuild
                notice = f"The search index of “{self.pack.name}” was damaged; rebuilding it."
                self.reset()
        return notice

    def _copy_seed(self) -> bool:
        """Start from the shipped index (the update then only checks what differs)."""
        if self.seed is None or not (self.seed / "meta.json").is_file():
            return False
        try:
            meta = json.loads((self.seed / "meta.json").read_text(encoding="utf-8"))
            if meta.get("schema") != SCHEMA_VERSION or meta.get("pack") != self.pack.id:
                return False
            shutil.rmtree(self.dir, ignore_errors=True)
            shutil.copytree(self.seed, self.dir)
        except (OSError, ValueError):
            shutil.rmtree(self.dir, ignore_errors=True)
            return False
        return True

    def _problem(self) -> str | None:
        meta = self.dir / "meta.json"
        if not self.dir.exists() or not meta.exists():
            return "missing"
        try:
            data = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return "damaged"
        if data.get("schema") != SCHEMA_VERSION:
            return "made by an older version"
        return None  # whether Whoosh can read it is found out by opening it, once

    def reset(self) -> None:
        """Delete whatever is on disk and create an empty index."""
        self._searcher = None
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True, exist_ok=True)
        self._index = whoosh_index.create_in(str(self.dir), build_schema(), indexname=INDEX_NAME)
        (self.dir / "meta.json").write_text(
            json.dumps(
                {"schema": SCHEMA_VERSION, "pack": self.pack.id, "root": str(self.pack.root)}
            ),
            encoding="utf-8",
        )

    def _read_manifest(self) -> dict[str, tuple[str, str]]:
        """What is indexed: article id -> (content digest, file stamp). Cheap to read, unlike
        the stored fields; a missing or damaged manifest only means every file is re-checked."""
        try:
            data = json.loads((self.dir / "manifest.json").read_text(encoding="utf-8"))
            return {key: (value[0], value[1]) for key, value in data.items()}
        except (OSError, ValueError, TypeError, IndexError, AttributeError):
            with self._index.searcher() as searcher:
                return {
                    fields["id"]: (fields.get("digest", ""), "")
                    for fields in searcher.all_stored_fields()
                    if fields.get("kind") == "article"
                }

    def _write_manifest(self, manifest: dict[str, tuple[str, str]]) -> None:
        tmp = self.dir / "manifest.json.tmp"
        tmp.write_text(json.dumps(manifest), encoding="utf-8")
        tmp.replace(self.dir / "manifest.json")

    def searcher(self) -> Any:
        """A searcher kept open between queries (opening one reads every segment), refreshed
        when the index has changed. Whoosh searchers are safe to share between threads."""
        current = self._searcher
        if current is None:
            current = self._searcher = self.whoosh.searcher()
        elif not current.up_to_date():
            current = self._searcher = current.refresh()
        return current

    @property
    def is_open(self) -> bool:
        return self._index is not None

    @property
    def whoosh(self) -> Any:
        if self._index is None:
            self.open()
        return self._index

    # -- updating --------------------------------------------------------------------------
    def update(
        self, *, progress: ProgressFn | None = None, cancel: CancelToken | None = None
    ) -> IndexReport:
        """Bring the index in line with the pack: add, re-index and remove what changed."""
        notice = self.open()
        # A lock file left by a process that died is harmless: Whoosh locks with flock(), which
        # the OS releases when the process ends. A live writer elsewhere raises LockError.
        known = self._read_manifest()
        articles = [a for a in self.pack.articles.values() if not a.is_index]
        current = {a.id for a in articles}
        writer = self._index.writer(limitmb=128)
        added = changed = unchanged = restamped = 0
        manifest = dict(known)
        try:
            for done, article in enumerate(articles):
                if cancel is not None and cancel.is_set():
                    raise Cancelled(self.pack.name)
                if progress is not None and done % 64 == 0:
                    progress(done, len(articles))
                old_digest, old_stamp = known.get(article.id, (None, None))
                try:
                    info = article.path.stat()
                    stamp = f"{info.st_mtime_ns}:{info.st_size}:{article.title}"
                    if stamp == old_stamp:  # same file as last time: no need to read it
                        unchanged += 1
                        continue
                    raw = read_limited(article.path)
                except OSError:
                    continue
                digest = hashlib.sha1(raw).hexdigest() + article.title
                if digest == old_digest:  # touched or copied, not changed: only the stamp is new
                    manifest[article.id] = (digest, stamp)
                    unchanged += 1
                    restamped += 1
                    continue
                try:
                    text = read_article_text(article.path)
                except OSError:
                    continue
                manifest[article.id] = (digest, stamp)
                document = article_document(self.pack, article, text, digest)
                if old_digest is None:
                    writer.add_document(**document)
                    added += 1
                else:
                    writer.update_document(**document)
                    changed += 1
            removed = 0
            for article_id in set(known) - current:
                writer.delete_by_term("key", f"article:{article_id}")
                manifest.pop(article_id, None)
                removed += 1
        except BaseException:
            writer.cancel()
            raise
        if added or changed or removed:
            writer.commit(mergetype=_merge_into_largest)
            self._searcher = None
        else:
            writer.cancel()
        if added or changed or removed or restamped:
            self._write_manifest(manifest)
        if progress is not None:
            progress(len(articles), len(articles))
        return IndexReport(added, changed, removed, unchanged, notice)


def _merge_into_largest(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: fold every segment but the largest into the new one.

    Each incremental update would otherwise add a small segment, and every query pays for each
    segment (measured: 6 segments made p95 about twice as slow as 1). The small ones are cheap
    to merge; the large one is only rewritten by a full rebuild.
    """
    from whoosh.reading import SegmentReader

    if len(segments) < 2:
        return segments
    largest = max(segments, key=lambda segment: segment.doc_count_all())
    for segment in segments:
        if segment is largest:
            continue
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [largest]
