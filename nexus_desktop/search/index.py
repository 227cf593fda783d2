"""One Whoosh index per content pack, in the cache folder; derived data, rebuilt when needed.

The index lives in ``<cache>/search/<pack-id>-<hash of the pack's path>/`` with a ``meta.json``
naming the schema version. Missing, corrupt, locked by a dead process or from an older schema,
it is deleted and rebuilt, and the caller is told why (``IndexReport.notice``).
Updates are incremental: only added, changed (content hash) and removed articles are written.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from nexus_desktop.core.cancel import CancelToken, ProgressFn, check
from nexus_desktop.core.filelock import FileLock, LockUnavailableError
from nexus_desktop.knowledge.files import read_limited
from nexus_desktop.knowledge.loader import read_article_text
from nexus_desktop.knowledge.model import Article, ArticleId, Pack
from nexus_desktop.search.analysis import spelling_analyzer, technical_analyzer

SCHEMA_VERSION = 7  # 7: aliases, asks (how learners ask), source (of bridge documents)
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
        # Front matter: other names for the topic, and how a learner asks for it.
        aliases=TEXT(analyzer=analyzer, field_boost=3.0),
        asks=TEXT(analyzer=analyzer, field_boost=1.5),
        # A bridge document (a quiz question, a glossary term) names the section it leads to:
        # "<article id>#<anchor>".
        source=STORED(),
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
        "aliases": "\n".join(article.aliases),
        "asks": "\n".join(article.questions),
        "tags": ",".join(article.tags),
        "level": article.level or "",
        "spell": f"{article.title}\n{headings}\n{body}",
        "path": article.path.relative_to(pack.root).as_posix(),  # packs may move
        "breadcrumb": " › ".join(crumbs),
        "digest": digest,
    }


QUESTION_BOOST = 0.5  # a question ranks below an article that matches as well


def question_documents(pack: Pack, article: Article, path: Path) -> list[dict[str, Any]]:
    """The quiz questions of one article as documents (``kind`` "question"). What is indexed
    is what the learner sees before answering: the prompt and the choices, never the answer
    or the explanation. Opening one goes to the article; ``key`` names the question."""
    from nexus_desktop.knowledge.quiz import parse_quiz_file

    questions, _problems = parse_quiz_file(path, article.id)
    crumbs = " › ".join(a.title for a in pack.area_of(article).breadcrumb())
    documents = []
    for question in questions:
        prompt = plain_text(question.prompt)
        body = "\n".join([prompt, *(plain_text(c) for c in question.choices)])
        short = " ".join(prompt.split())
        documents.append({
            "key": f"question:{article.id}#{question.id}",
            "id": article.id,
            "pack": pack.id,
            "kind": "question",
            "title": short[:120] + ("…" if len(short) > 120 else ""),
            "body": body,
            "tags": ",".join(article.tags),
            "level": article.level or "",
            "path": path.relative_to(pack.root).as_posix(),
            "breadcrumb": f"{crumbs} › {article.title}" if crumbs else article.title,
            "source": f"{question.source_article}#{question.source_anchor}",
            "_boost": QUESTION_BOOST,
        })  # fmt: skip
    return documents


_TERM = re.compile(r"^###\s+(.+?)\s*#*\s*$", re.MULTILINE)
_RELATIVE_LINK = re.compile(r"\]\((?!\w+:)([^)\s]+?\.md)(#[\w\-]+)?\)")


def term_documents(pack: Pack, article: Article, text: str) -> list[dict[str, Any]]:
    """A glossary's entries as documents (``kind`` "term"): each ``###`` heading with its
    definition, leading to the article its first link names. Only for an article tagged
    ``glossary``. They are bridges: a query in everyday words that matches a definition lifts
    the article the term points to."""
    if "glossary" not in article.tags:
        return []
    from markdown.extensions.toc import slugify

    documents = []
    headings = list(_TERM.finditer(text))
    for number, heading in enumerate(headings):
        end = headings[number + 1].start() if number + 1 < len(headings) else len(text)
        definition = text[heading.end() : end].split("\n## ", 1)[0]
        link = _RELATIVE_LINK.search(definition)
        if link is None:
            continue
        target = (article.path.parent / link.group(1)).resolve()
        try:
            target_id = target.relative_to(pack.root.resolve()).with_suffix("").as_posix()
        except ValueError:
            continue
        if target_id not in pack.articles:
            continue
        term = heading.group(1).strip()
        documents.append({
            "key": f"term:{article.id}#{slugify(term, '-')}",
            "id": article.id,
            "pack": pack.id,
            "kind": "term",
            "title": term,
            "body": plain_text(definition),
            "path": article.path.relative_to(pack.root).as_posix(),
            "breadcrumb": article.title,
            "source": f"{target_id}{link.group(2) or ''}",
            "_boost": QUESTION_BOOST,
        })  # fmt: skip
    return documents


def _quiz_key(article_id: str) -> str:
    return f"quiz:{article_id}"  # a quiz file's entry in the manifest


class IndexBusyError(Exception):
    """Another process is writing this index (or rebuilding it) right now."""


LOCK_WAIT_SECONDS = 30.0
FRESH_SECONDS = 1.0  # how often a kept searcher looks for a newer index on disk
_CANNOT_WRITE = frozenset(
    {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, getattr(errno, "EDQUOT", errno.ENOSPC)}
)  # how long an update waits for another process's update to finish


class PackIndex:
    """The search index of one pack.

    Readers never take a lock: they read the last committed version (Whoosh writes a new table
    of contents atomically). Writers (an update, a rebuild, copying the shipped seed) hold an
    inter-process lock on ``<dir>.lock``, so two processes never write one index, and a
    process that cannot have the lock waits or reads; it never rebuilds over a live writer.
    A rebuild is written beside the old index and swapped in when complete. With
    ``read_only`` (a read-only data folder) nothing is written: a missing or damaged index is
    built in memory instead.
    """

    def __init__(
        self, cache_dir: Path, pack: Pack, *, seed: Path | None = None, read_only: bool = False
    ) -> None:
        self.pack = pack
        self.seed = seed  # a prebuilt index shipped with the app, copied in on first use
        self.read_only = read_only
        self.dir = index_dir_for(cache_dir, pack)
        self.lock_path = self.dir.with_name(f"{self.dir.name}.lock")
        self._index: Any = None
        self._searcher: Any = None
        self._checked_at = 0.0  # when the searcher last asked whether the index changed

    # -- opening ---------------------------------------------------------------------------
    def open(self) -> str | None:
        """Open the index for reading; return a notice if it had to be (re)built.

        Raises :class:`IndexBusyError` when it needs building and another process is at it.
        """
        problem = self._problem()
        if problem is None:
            try:
                self._open_existing()
                return None
            except Exception:  # noqa: BLE001 - any failure to read derived data means rebuild
                problem = "damaged"
        if self.read_only:
            self._build_in_memory()
            return None if problem == "missing" else self._rebuilt_notice(problem)
        try:
            self.lock_path.parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(self.lock_path).acquire()
        except LockUnavailableError:
            raise IndexBusyError(self.pack.name) from None
        except OSError as exc:  # the cache cannot be written after all: search from memory
            return self._fall_back_to_memory(exc)
        try:
            with lock:
                return self._repair_locked()
        except OSError as exc:
            if exc.errno not in _CANNOT_WRITE:
                raise
            return self._fall_back_to_memory(exc)

    def _fall_back_to_memory(self, exc: OSError) -> str:
        """The cache cannot be written (full disk, read-only, no permission): build the
        index in memory for this session, and say why."""
        from nexus_desktop.core.errors import describe_os_error

        self.read_only = True
        self._build_in_memory()
        what = f"The search index of “{self.pack.name}” cannot be saved"
        return describe_os_error(exc, what) + "; search works from memory this session."

    def _repair_locked(self) -> str | None:
        """Under the lock: make the on-disk index readable again (it may have been fixed by
        the process that held the lock before us); a notice when something was rebuilt."""
        problem = self._problem()
        if problem == "missing" and self._copy_seed():
            problem = self._problem()
        if problem is None:
            try:
                self._open_existing()
                return None
            except Exception:  # noqa: BLE001
                problem = "damaged"
        self._rebuild_locked(fill=False)
        return None if problem == "missing" else self._rebuilt_notice(problem)

    def _rebuilt_notice(self, problem: str) -> str:
        return f"The search index of “{self.pack.name}” was {problem}; rebuilding it."

    def _open_existing(self) -> None:
        index = whoosh_index.open_dir(str(self.dir), indexname=INDEX_NAME, readonly=True)
        with index.searcher() as searcher:
            searcher.doc_count()
        self._index = index
        self._searcher = None

    def _copy_seed(self) -> bool:
        """Start from the shipped index (the update then only checks what differs)."""
        if self.seed is None or not (self.seed / "meta.json").is_file():
            return False
        try:
            meta = json.loads((self.seed / "meta.json").read_text(encoding="utf-8"))
            if meta.get("schema") != SCHEMA_VERSION or meta.get("pack") != self.pack.id:
                return False
            shutil.rmtree(self.dir, ignore_errors=True)
            shutil.copytree(self.seed, self.dir, ignore=shutil.ignore_patterns("*WRITELOCK*"))
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
        if not isinstance(data, dict):
            return "damaged"
        if data.get("schema") != SCHEMA_VERSION:
            return "made by an older version"
        return None  # whether Whoosh can read it is found out by opening it, once

    def healthy(self) -> bool:
        """Whether the index on disk (or in memory) can be opened and read afresh."""
        if self.read_only and self._index is not None and self._problem() is not None:
            return True  # the in-memory index
        try:
            index = whoosh_index.open_dir(str(self.dir), indexname=INDEX_NAME, readonly=True)
            with index.searcher() as searcher:
                searcher.doc_count()
                for _fields in searcher.all_stored_fields():
                    break
        except Exception:  # noqa: BLE001
            return False
        return True

    # -- (re)building ----------------------------------------------------------------------
    def reset(self) -> None:
        """Replace the index with an empty one (under the lock: waits for other writers)."""
        with self._write_lock(None):
            self._rebuild_locked(fill=False)

    def rebuild(
        self, *, progress: ProgressFn | None = None, cancel: CancelToken | None = None
    ) -> IndexReport:
        """Build the whole index again beside the old one, then swap it in."""
        if self.read_only:
            self._build_in_memory()
            return IndexReport(added=len(self._articles()))
        with self._write_lock(cancel):
            return self._rebuild_locked(fill=True, progress=progress, cancel=cancel)

    def _rebuild_locked(
        self,
        *,
        fill: bool,
        progress: ProgressFn | None = None,
        cancel: CancelToken | None = None,
    ) -> IndexReport:
        fresh = self.dir.with_name(f"{self.dir.name}.new-{os.getpid()}-{threading.get_ident()}")
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        try:
            index = whoosh_index.create_in(str(fresh), build_schema(), indexname=INDEX_NAME)
            report = IndexReport()
            if fill:
                report = self._apply(index, fresh, {}, progress, cancel)
            (fresh / "meta.json").write_text(
                json.dumps(
                    {"schema": SCHEMA_VERSION, "pack": self.pack.id, "root": str(self.pack.root)}
                ),
                encoding="utf-8",
            )
            self._swap_in(fresh)
        except BaseException:
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        self._open_existing()
        return report

    def optimize(self) -> None:
        """Merge every segment into one (for the shipped seed)."""
        with self._write_lock(None):
            whoosh_index.open_dir(str(self.dir), indexname=INDEX_NAME).optimize()
        self._open_existing()

    def _swap_in(self, fresh: Path) -> None:
        """Put ``fresh`` where the index lives. Readers of the old one keep their open files."""
        old = self.dir.with_name(f"{self.dir.name}.old-{os.getpid()}-{threading.get_ident()}")
        if self.dir.exists():
            os.replace(self.dir, old)
        os.replace(fresh, self.dir)
        shutil.rmtree(old, ignore_errors=True)

    def _build_in_memory(self) -> None:
        from whoosh.filedb.filestore import RamStorage

        storage = RamStorage()
        index = storage.create_index(build_schema(), indexname=INDEX_NAME)
        self._apply(index, None, {}, None, None)
        self._index = index
        self._searcher = None

    def _write_lock(self, cancel: CancelToken | None) -> FileLock:
        """The index's lock, waiting (cancellably) up to ``LOCK_WAIT_SECONDS`` for it."""
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            check(cancel, self.pack.name)
            try:
                return FileLock(self.lock_path, timeout=0.2).acquire()
            except LockUnavailableError:
                if time.monotonic() >= deadline:
                    raise IndexBusyError(self.pack.name) from None

    # -- reading ---------------------------------------------------------------------------
    def _read_manifest(self) -> dict[str, tuple[str, str]]:
        """What is indexed: article id -> (content digest, file stamp). Cheap to read, unlike
        the stored fields; a missing or damaged manifest only means every file is re-checked."""
        try:
            data = json.loads((self.dir / "manifest.json").read_text(encoding="utf-8"))
            return {key: (value[0], value[1]) for key, value in data.items()}
        except (OSError, ValueError, TypeError, IndexError, AttributeError):
            with self.whoosh.searcher() as searcher:
                return {
                    fields["id"]: (fields.get("digest", ""), "")
                    for fields in searcher.all_stored_fields()
                    if fields.get("kind") == "article"
                }

    def _write_manifest(self, folder: Path, manifest: dict[str, tuple[str, str]]) -> None:
        tmp = folder / f"manifest.json.{os.getpid()}.tmp"
        try:
            tmp.write_text(json.dumps(manifest), encoding="utf-8")
            tmp.replace(folder / "manifest.json")
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def searcher(self) -> Any:
        """A searcher kept open between queries (opening one reads every segment), refreshed
        when the index has changed. Whoosh searchers are safe to share between threads."""
        current = self._searcher
        if current is None:
            current = self._searcher = self.whoosh.searcher()
            self._checked_at = time.monotonic()
        elif time.monotonic() - self._checked_at > FRESH_SECONDS:
            # Asking costs a directory listing: typing a query asks at most once a second
            # (this process reopens the index itself after writing it).
            self._checked_at = time.monotonic()
            if not current.up_to_date():
                current = self._searcher = current.refresh()
        return current

    def reopen(self) -> None:
        """Forget the open index and searcher (the next search opens the files afresh)."""
        self._index = None
        self._searcher = None

    @property
    def is_open(self) -> bool:
        return self._index is not None

    @property
    def whoosh(self) -> Any:
        if self._index is None:
            self.open()
        return self._index

    # -- updating --------------------------------------------------------------------------
    def _articles(self) -> list[Article]:
        return [a for a in self.pack.articles.values() if not a.is_index]

    def _quizzes(self) -> dict[ArticleId, Path]:
        """Quiz files by article id (those beside an indexed article)."""
        articles = self.pack.articles
        return {aid: path for aid, path in self.pack.quiz_files.items()
                if aid in articles and not articles[aid].is_index}  # fmt: skip

    def _plan(self) -> tuple[dict[str, tuple[str, str]], bool]:
        """The manifest, and whether any article or quiz file was added, removed or touched."""
        known = self._read_manifest()
        articles = self._articles()
        quizzes = self._quizzes()
        if set(known) != {a.id for a in articles} | {_quiz_key(a) for a in quizzes}:
            return known, True
        for article in articles:
            try:
                info = article.path.stat()
            except OSError:
                continue
            if f"{info.st_mtime_ns}:{info.st_size}:{article.title}" != known[article.id][1]:
                return known, True
        for article_id, path in quizzes.items():
            try:
                info = path.stat()
            except OSError:
                continue
            if f"{info.st_mtime_ns}:{info.st_size}" != known[_quiz_key(article_id)][1]:
                return known, True
        return known, False

    def is_current(self) -> bool:
        """Whether the index holds every article and quiz file as they are on disk now (a
        look at the manifest and the files' stamps: no writing, no reading of articles)."""
        try:
            self.open()
            return not self._plan()[1]
        except Exception:  # noqa: BLE001 - anything unclear: not current
            return False

    def update(
        self, *, progress: ProgressFn | None = None, cancel: CancelToken | None = None
    ) -> IndexReport:
        """Bring the index in line with the pack: add, re-index and remove what changed.

        When nothing changed no lock is taken (readers, like the CLI's search, never block
        each other). When another process is writing, this waits for it (up to
        ``LOCK_WAIT_SECONDS``), then checks again what is left to do.
        """
        notice = None
        try:
            notice = self.open()
            known, changed = self._plan()
        except IndexBusyError:
            known, changed = {}, True
        if not changed:
            return IndexReport(unchanged=len(self._articles()), notice=notice)
        if self.read_only:
            if not self.dir.exists() or self._problem() is not None:
                return IndexReport(unchanged=len(self._articles()), notice=notice)
            self._build_in_memory()  # the files changed but cannot be re-indexed on disk
            return IndexReport(
                changed=len(self._articles()),
                notice=f"The search index of “{self.pack.name}” is out of date and the data "
                "folder is read-only: it was rebuilt in memory for this session.",
            )
        try:
            with self._write_lock(cancel):
                repaired = self._repair_locked()
                notice = notice or repaired
                known = self._read_manifest()  # another process may have done part of it
                index = whoosh_index.open_dir(str(self.dir), indexname=INDEX_NAME)
                report = self._apply(index, self.dir, known, progress, cancel)
        except OSError as exc:
            if exc.errno not in _CANNOT_WRITE:
                raise
            notice = self._fall_back_to_memory(exc)
            return IndexReport(changed=len(self._articles()), notice=notice)
        self._open_existing()
        return IndexReport(report.added, report.changed, report.removed, report.unchanged, notice)

    def _apply(
        self,
        index: Any,
        folder: Path | None,
        known: dict[str, tuple[str, str]],
        progress: ProgressFn | None,
        cancel: CancelToken | None,
    ) -> IndexReport:
        """Write what differs from ``known`` into ``index`` (kept in ``folder``, or in memory)."""
        articles = self._articles()
        current = {a.id for a in articles}
        writer = index.writer(limitmb=128)
        added = changed = unchanged = restamped = quiz_changes = 0
        manifest = dict(known)
        try:
            for done, article in enumerate(articles):
                check(cancel, self.pack.name)
                if progress is not None and done % 64 == 0:
                    progress(done, len(articles), self.pack.name)
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
                # update_document whatever the manifest says: after a crash between a commit
                # and the manifest's write, a document may already be there.
                writer.update_document(**article_document(self.pack, article, text, digest))
                if old_digest is not None:  # it may have had glossary terms
                    _delete_terms(writer, article.id)
                for document in term_documents(self.pack, article, text):
                    writer.update_document(**document)
                if old_digest is None:
                    added += 1
                else:
                    changed += 1
            removed = 0
            quizzes = self._quizzes()
            for key in set(known) - current - {_quiz_key(a) for a in quizzes}:
                if key.startswith("quiz:"):
                    _delete_questions(writer, key.removeprefix("quiz:"))
                    quiz_changes += 1
                    restamped += 1
                else:
                    writer.delete_by_term("key", f"article:{key}")
                    _delete_terms(writer, key)
                    removed += 1
                manifest.pop(key, None)
            stamps, rewritten = self._apply_quizzes(writer, quizzes, known, manifest, cancel)
            restamped += stamps
            quiz_changes += rewritten
        except BaseException:
            writer.cancel()
            raise
        if added or changed or removed or quiz_changes:
            writer.commit(mergetype=_merge_into_largest)
            self._searcher = None
        else:
            writer.cancel()
        if folder is not None and (added or changed or removed or restamped):
            self._write_manifest(folder, manifest)
        if progress is not None:
            progress(len(articles), len(articles), self.pack.name)
        return IndexReport(added, changed, removed, unchanged)

    def _apply_quizzes(
        self,
        writer: Any,
        quizzes: dict[ArticleId, Path],
        known: dict[str, tuple[str, str]],
        manifest: dict[str, tuple[str, str]],
        cancel: CancelToken | None,
    ) -> tuple[int, int]:
        """Re-index the questions of each quiz file that changed: how many files have a new
        stamp, and how many were re-indexed."""
        stamps = rewritten = 0
        for article_id, path in quizzes.items():
            check(cancel, self.pack.name)
            key = _quiz_key(article_id)
            old_digest, old_stamp = known.get(key, (None, None))
            try:
                info = path.stat()
                stamp = f"{info.st_mtime_ns}:{info.st_size}"
                if stamp == old_stamp:
                    continue
                digest = hashlib.sha1(read_limited(path)).hexdigest()
            except OSError:
                continue
            manifest[key] = (digest, stamp)
            stamps += 1
            if digest == old_digest:
                continue
            _delete_questions(writer, article_id)
            for document in question_documents(self.pack, self.pack.articles[article_id], path):
                writer.update_document(**document)
            rewritten += 1
        return stamps, rewritten


def _delete_questions(writer: Any, article_id: str) -> None:
    from whoosh.query import And, Term

    writer.delete_by_query(And([Term("kind", "question"), Term("id", article_id)]))


def _delete_terms(writer: Any, article_id: str) -> None:
    from whoosh.query import And, Term

    writer.delete_by_query(And([Term("kind", "term"), Term("id", article_id)]))


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
