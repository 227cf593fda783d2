"""Load a folder of Markdown as a content pack.

Loading never fails because of one bad file: every problem becomes a :class:`Problem` and the
rest of the pack loads. Only a root that is not a readable folder raises :class:`PackError`.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from nexus_desktop.core.cancel import Cancelled, CancelToken, ProgressFn, check
from nexus_desktop.knowledge.files import (
    MAX_ARTICLE_BYTES,
    FileTooLargeError,
    NotRegularFileError,
    kind_of,
    not_a_pack_reason,
    read_limited,
    safe_text,
)
from nexus_desktop.knowledge.frontmatter import split_front_matter
from nexus_desktop.knowledge.links import (
    ARTICLE_SUFFIXES,
    LinkRef,
    TargetKind,
    iter_links,
    resolve_link,
)
from nexus_desktop.knowledge.model import (
    Area,
    AreaId,
    Article,
    ArticleId,
    Pack,
    PackId,
    PackInfo,
    Problem,
    Severity,
)
from nexus_desktop.knowledge.naming import readable_name, sort_key

__all__ = ["MAX_ARTICLE_BYTES", "CancelToken", "Cancelled", "PackError", "ProgressFn", "load_pack"]

PACK_FILE = "nexus-pack.toml"
INDEX_STEM = "_index"
QUIZ_SUFFIX = ".quiz.yaml"
SKIPPED_DIRS = frozenset({"__pycache__", "node_modules"})
PROGRESS_EVERY = 64
# A content pack is a folder of notes, not a disk: beyond these, the folder is refused.
MAX_WALK_ENTRIES = 200_000
MAX_DEPTH = 40
WALK_PROGRESS_EVERY = 500


class PackError(Exception):
    """The pack's root cannot be opened at all, or is obviously not a content pack."""


@dataclass(slots=True)
class FragmentLink:
    """A link to a heading of an article, checked by deep validation."""

    source: ArticleId
    line: int
    target: ArticleId
    fragment: str


@dataclass(slots=True)
class _Walk:
    articles: list[tuple[str, Path]] = field(default_factory=list)  # (id-safe rel path, file)
    quizzes: list[tuple[str, Path]] = field(default_factory=list)
    files: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    entries: int = 0


_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_SLUG = re.compile(r"[^a-z0-9]+")


def load_pack(
    root: str | os.PathLike[str],
    *,
    pack_id: str | None = None,
    builtin: bool = False,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    taken_ids: frozenset[str] = frozenset(),
) -> Pack:
    """Load the content pack at ``root``.

    ``taken_ids`` are the ids of packs already open from other folders: a pack whose id is
    taken (a copy of another pack) opens under a distinct id, with a problem saying so.
    Raises :class:`PackError` when the folder cannot be opened or is obviously not a content
    pack, and :class:`Cancelled` when ``cancel`` is set.
    """
    root_path = Path(root).expanduser()
    if not root_path.exists():
        raise PackError(f"content folder not found: {root_path}")
    if not root_path.is_dir():
        raise PackError(f"not a folder: {root_path}")
    root_path = root_path.resolve()
    refusal = not_a_pack_reason(root_path)
    if refusal:
        raise PackError(refusal)
    problems: list[Problem] = []
    info, explicit_id = _read_pack_info(root_path, problems)
    pid = PackId(pack_id or explicit_id or default_pack_id(root_path))
    if pid in taken_ids:
        distinct = PackId(f"{pid}-{_path_digest(root_path)}")
        problems.append(
            Problem(
                Severity.WARNING,
                root_path / PACK_FILE if explicit_id else root_path,
                f"another open pack already has the id '{pid}'; this copy opens as '{distinct}'",
                kind="pack",
            )
        )
        pid = distinct

    walk = _walk(root_path, info.exclude, progress, cancel)
    problems.extend(walk.problems)
    root_area = Area(id=AreaId(""), title=info.name, path=root_path)
    pack = Pack(id=pid, root=root_path, info=info, root_area=root_area, builtin=builtin)
    pack.areas[root_area.id] = root_area
    links: list[tuple[ArticleId, str, int, LinkRef]] = []
    total = len(walk.articles)
    for done, (rel, path) in enumerate(walk.articles):
        check(cancel, str(root_path))
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, total, rel.rpartition("/")[0] or info.name)
        _load_article(pack, rel, path, problems, links)
    if progress is not None:
        progress(total, total, info.name)

    _check_links(pack, links, walk.files, problems)
    for rel, path in walk.quizzes:
        article_id = ArticleId(rel[: -len(QUIZ_SUFFIX)])
        if article_id in pack.articles:
            pack.quiz_files[article_id] = path
        else:
            problems.append(
                Problem(Severity.WARNING, path, "quiz file has no article beside it", kind="quiz")
            )
    _finish_areas(pack)
    pack.problems = problems
    return pack


def default_pack_id(root: Path) -> str:
    """A stable id for a folder without ``nexus-pack.toml``: its name plus a hash of its path."""
    slug = _SLUG.sub("-", root.name.lower()).strip("-") or "pack"
    return f"{slug}-{_path_digest(root)}"


def _path_digest(root: Path) -> str:
    return hashlib.sha1(str(root).encode("utf-8", "surrogatepass")).hexdigest()[:6]


def _read_pack_info(root: Path, problems: list[Problem]) -> tuple[PackInfo, str | None]:
    info = PackInfo(name=readable_name(root.name))
    toml_path = root / PACK_FILE
    if not toml_path.is_file():
        return info, None
    try:
        data = tomllib.loads(read_limited(toml_path, 256 * 1024).decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        problems.append(Problem(Severity.ERROR, toml_path, f"cannot read pack file: {exc}"))
        return info, None
    section = data.get("pack", data)
    if not isinstance(section, dict):
        return info, None
    name = section.get("name")
    if isinstance(name, str) and name.strip():
        info.name = name.strip()
    for key in ("version", "license"):
        value = section.get(key)
        if isinstance(value, str):
            setattr(info, key, value)
    authors = section.get("authors", [])
    if isinstance(authors, list):
        info.authors = tuple(str(a) for a in authors)
    exclude = section.get("exclude", [])
    if isinstance(exclude, list):
        info.exclude = tuple(str(e) for e in exclude)
    info.require_checked = section.get("require_checked") is True
    raw_id = section.get("id")
    pid = _SLUG.sub("-", raw_id.lower()).strip("-") if isinstance(raw_id, str) else None
    return info, pid or None


def _walk(
    root: Path,
    exclude: tuple[str, ...],
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> _Walk:
    """Find the pack's files. Only regular files count; anything else named like content is
    a problem. Cancellable, with progress naming the folder being read."""
    out = _Walk()
    stack = [(root, "", 0)]
    while stack:
        folder, prefix, depth = stack.pop()
        check(cancel, str(root))
        if progress is not None:
            progress(out.entries, 0, f"reading {prefix.rstrip('/') or root.name or str(root)}")
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            out.problems.append(
                Problem(Severity.ERROR, folder, f"cannot read folder: {exc.strerror or exc}")
            )
            continue
        out.entries += len(entries)
        if out.entries > MAX_WALK_ENTRIES:
            raise PackError(
                f"{root} holds more than {MAX_WALK_ENTRIES:,} files and folders; it does not look "
                "like a content pack: choose the folder that holds your Markdown files"
            )
        for number, entry in enumerate(entries):
            if number % WALK_PROGRESS_EVERY == WALK_PROGRESS_EVERY - 1:
                check(cancel, str(root))
            name = entry.name
            if name.startswith("."):
                continue
            real_rel = f"{prefix}{name}"
            rel = safe_text(real_rel)
            if any(fnmatch(rel, pattern) for pattern in exclude):
                continue
            path = Path(entry.path)
            try:
                if entry.is_symlink():
                    target = path.resolve()
                    if not target.is_relative_to(root):
                        out.problems.append(
                            Problem(
                                Severity.ERROR,
                                path,
                                "symbolic link points outside the pack; skipped",
                                kind="symlink",
                            )
                        )
                        continue
                    if target.is_dir():
                        out.problems.append(
                            Problem(
                                Severity.WARNING,
                                path,
                                "symbolic link to a folder; skipped",
                                kind="symlink",
                            )
                        )
                        continue
                mode = entry.stat().st_mode  # follows a symlink inside the pack to its file
            except (OSError, RuntimeError) as exc:
                out.problems.append(Problem(Severity.ERROR, path, f"cannot read: {exc}"))
                continue
            if stat.S_ISDIR(mode):
                if name in SKIPPED_DIRS:
                    continue
                if depth + 1 > MAX_DEPTH:
                    out.problems.append(
                        Problem(
                            Severity.ERROR,
                            path,
                            f"folders nested more than {MAX_DEPTH} deep; skipped",
                            kind="too-deep",
                        )
                    )
                    continue
                stack.append((path, f"{real_rel}/", depth + 1))
                continue
            lower = name.lower()
            is_content = lower.endswith(QUIZ_SUFFIX) or lower.endswith(ARTICLE_SUFFIXES)
            if not stat.S_ISREG(mode):
                if is_content:
                    out.problems.append(
                        Problem(
                            Severity.ERROR,
                            path,
                            f"{kind_of(mode)}, not a regular file; skipped",
                            kind="not-a-file",
                        )
                    )
                continue
            if rel != real_rel and is_content:
                out.problems.append(
                    Problem(
                        Severity.WARNING,
                        path,
                        f"file name is not valid UTF-8; its id is '{rel}'",
                        kind="encoding",
                    )
                )
            out.files.add(rel)
            if lower.endswith(QUIZ_SUFFIX):
                out.quizzes.append((rel, path))
            elif lower.endswith(ARTICLE_SUFFIXES):
                out.articles.append((rel, path))
    out.articles.sort()
    return out


def _load_article(
    pack: Pack,
    rel: str,
    path: Path,
    problems: list[Problem],
    links: list[tuple[ArticleId, str, int, LinkRef]],
) -> None:
    stem_rel = rel.rsplit(".", 1)[0]
    article_id = ArticleId(stem_rel)
    try:
        raw = read_limited(path, MAX_ARTICLE_BYTES)
    except FileTooLargeError as exc:
        limit = MAX_ARTICLE_BYTES // (1024 * 1024)
        problems.append(
            Problem(
                Severity.ERROR,
                path,
                f"file is {exc.size / 1048576:.1f} MB or more, over the {limit} MB limit; skipped",
                kind="too-large",
            )
        )
        return
    except NotRegularFileError as exc:
        problems.append(Problem(Severity.ERROR, path, f"{exc}; skipped", kind="not-a-file"))
        return
    except OSError as exc:
        problems.append(Problem(Severity.ERROR, path, f"cannot read file: {exc.strerror or exc}"))
        return
    if b"\x00" in raw[:8192]:
        problems.append(
            Problem(
                Severity.ERROR, path, "binary file with a Markdown name; skipped", kind="binary"
            )
        )
        return
    text, bad_offset = decode_markdown(raw)
    if bad_offset is not None:
        exc_start = bad_offset
        line = raw[:exc_start].count(b"\n") + 1
        problems.append(
            Problem(
                Severity.ERROR,
                path,
                f"not valid UTF-8 (byte 0x{raw[exc_start]:02x}); shown with replacement characters",
                line=line,
                kind="encoding",
            )
        )
    if article_id in pack.articles:
        problems.append(
            Problem(
                Severity.ERROR,
                path,
                f"duplicate article id '{article_id}' (also {pack.articles[article_id].path.name})",
                kind="duplicate-id",
            )
        )
        return
    fm = split_front_matter(text)
    for fm_line, message in fm.errors:
        problems.append(Problem(Severity.ERROR, path, message, line=fm_line, kind="front-matter"))
    for fm_line, message in fm.warnings:
        problems.append(Problem(Severity.WARNING, path, message, line=fm_line, kind="front-matter"))
    meta = fm.meta
    folder, _, stem = stem_rel.rpartition("/")
    is_index = stem == INDEX_STEM
    title = meta.get("title") or _first_heading(fm.body)
    if not title:
        title = readable_name(folder.rpartition("/")[2] if is_index and folder else stem)
    area = _ensure_area(pack, folder, path.parent)
    article = Article(
        id=article_id,
        pack_id=pack.id,
        path=path,
        title=title,
        area_id=area.id,
        summary=meta.get("summary", ""),
        order=meta.get("order"),
        tags=meta.get("tags", ()),
        level=meta.get("level"),
        minutes=meta.get("minutes"),
        prerequisites=tuple(ArticleId(p) for p in meta.get("prerequisites", ())),
        is_index=is_index,
        checked=meta.get("checked", ()),
        aliases=meta.get("aliases", ()),
        questions=meta.get("questions", ()),
        digest=hashlib.blake2b(raw, digest_size=12).hexdigest(),
    )
    if pack.info.require_checked and not is_index and "checked" not in fm.given:
        problems.append(
            Problem(
                Severity.WARNING,
                path,
                "front matter has no 'checked' (the versions its claims were checked against)",
                kind="front-matter",
            )
        )
    pack.articles[article_id] = article
    if is_index:
        area.index_article = article_id
        if meta.get("title"):
            area.title = meta["title"]
        area.order = meta.get("order", area.order)
        area.summary = meta.get("summary", area.summary)
    else:
        area.articles.append(article)
    offset = fm.body_line - 1
    for ref in iter_links(fm.body):
        links.append((article_id, rel, ref.line + offset, ref))


def decode_markdown(raw: bytes) -> tuple[str, int | None]:
    """Decode a Markdown file's bytes; return the text and the offset of the first bad byte."""
    bad: int | None = None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = exc.start
        text = raw.decode("utf-8", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n"), bad


def read_article_text(path: Path) -> str:
    """The Markdown body of an article file (front matter removed), however broken the file.

    Raises OSError when the file cannot be read at all (including a file that is not a regular
    file or is over the size limit).
    """
    raw = read_limited(path, MAX_ARTICLE_BYTES)
    if b"\x00" in raw[:8192]:
        raise OSError(f"{path.name} is a binary file")
    text, _ = decode_markdown(raw)
    return split_front_matter(text).body


def _first_heading(body: str) -> str | None:
    in_fence = False
    previous = ""
    for line in body.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        match = _H1.match(line)
        if match:
            return match.group(1).replace("`", "").strip() or None
        if line.startswith("===") and set(line.strip()) == {"="} and previous.strip():
            return previous.strip()
        previous = line
    return None


def _ensure_area(pack: Pack, folder: str, path: Path) -> Area:
    """The area of ``folder`` (an id-safe relative path) whose files are in ``path``."""
    area_id = AreaId(folder)
    area = pack.areas.get(area_id)
    if area is not None:
        return area
    parent_folder = folder.rpartition("/")[0] if "/" in folder else ""
    parent = _ensure_area(pack, parent_folder, path.parent) if folder else None
    name = folder.rpartition("/")[2]
    area = Area(id=area_id, title=readable_name(name), path=path, parent=parent)
    pack.areas[area_id] = area
    if parent is not None:
        parent.areas.append(area)
    return area


def _check_links(
    pack: Pack,
    links: list[tuple[ArticleId, str, int, LinkRef]],
    files: set[str],
    problems: list[Problem],
) -> None:
    fragment_links: list[FragmentLink] = []
    for source, rel, line, ref in links:
        target = resolve_link(
            ref.target, source_rel=rel, article_ids=pack.articles, file_exists=files.__contains__
        )
        path = pack.articles[source].path
        what = "image" if ref.is_image else "link"
        if target.kind is TargetKind.MISSING:
            message = "missing image" if ref.is_image else "broken link"
            problems.append(
                Problem(Severity.ERROR, path, f"{message}: {ref.target}", line=line, kind=what)
            )
        elif target.kind is TargetKind.OUTSIDE:
            problems.append(
                Problem(
                    Severity.ERROR,
                    path,
                    f"{what} points outside the pack: {ref.target}",
                    line=line,
                    kind=what,
                )
            )
        elif target.kind is TargetKind.BLOCKED:
            problems.append(
                Problem(
                    Severity.WARNING,
                    path,
                    f"{what} uses a scheme the reader never follows: {ref.target[:60]}",
                    line=line,
                    kind=what,
                )
            )
        elif ref.is_image and target.kind is TargetKind.EXTERNAL:
            problems.append(
                Problem(
                    Severity.WARNING,
                    path,
                    f"remote image is never fetched: {ref.target[:80]}",
                    line=line,
                    kind=what,
                )
            )
        elif target.kind is TargetKind.ARTICLE and target.fragment and target.article_id:
            fragment_links.append(
                FragmentLink(source, line, ArticleId(target.article_id), target.fragment)
            )
        elif target.kind is TargetKind.ANCHOR and target.fragment:
            fragment_links.append(FragmentLink(source, line, source, target.fragment))
    pack.fragment_links = fragment_links


def _finish_areas(pack: Pack) -> None:
    """Drop areas with no articles, and sort everything by order then natural title."""

    def prune(area: Area) -> bool:
        area.areas = [child for child in area.areas if prune(child)]
        return bool(area.articles or area.areas or area.index_article)

    prune(pack.root_area)
    live = {area.id for area in pack.root_area.walk_areas()}
    for area_id in list(pack.areas):
        if area_id not in live:
            del pack.areas[area_id]
    for area in pack.areas.values():
        area.areas.sort(key=lambda a: sort_key(a.order, a.title))
        area.articles.sort(key=lambda a: sort_key(a.order, a.title))
