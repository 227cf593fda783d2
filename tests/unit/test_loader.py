"""The pack loader: ids, titles, ordering, pack metadata and every kind of problem."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from nexus_desktop.core.cancel import Cancelled
from nexus_desktop.knowledge.loader import (
    MAX_ARTICLE_BYTES,
    PackError,
    default_pack_id,
    load_pack,
)
from nexus_desktop.knowledge.model import ArticleId, Severity
from nexus_desktop.knowledge.naming import natural_key, readable_name
from tests.conftest import write


def problems_of(pack, kind: str | None = None):  # type: ignore[no-untyped-def]
    return [p for p in pack.problems if kind is None or p.kind == kind]


def test_ids_are_relative_paths_without_suffix(sample_pack: Path) -> None:
    pack = load_pack(sample_pack)
    assert set(pack.articles) == {
        "basics/_index",
        "basics/first",
        "basics/second",
        "advanced/topic",
    }
    assert pack.id == "sample"
    assert pack.name == "Sample Pack"
    assert pack.problems == []


def test_ids_do_not_depend_on_titles_or_order(tmp_path: Path) -> None:
    write(tmp_path, "a/b.md", "---\ntitle: One\norder: 3\n---\n")
    first = load_pack(tmp_path).article("a/b")
    write(tmp_path, "a/b.md", "---\ntitle: Two\norder: 1\n---\n")
    second = load_pack(tmp_path).article("a/b")
    assert first is not None and second is not None
    assert (first.title, second.title) == ("One", "Two")


def test_title_falls_back_from_front_matter_to_heading_to_file_name(tmp_path: Path) -> None:
    write(tmp_path, "x/with-meta.md", "---\ntitle: From meta\n---\n# From heading\n")
    write(tmp_path, "x/with-heading.md", "```\n# not a heading\n```\n# `git commit`\n")
    write(tmp_path, "x/cache_invalidation-tips.md", "No heading at all.\n")
    pack = load_pack(tmp_path)
    titles = {a.id: a.title for a in pack.articles.values()}
    assert titles["x/with-meta"] == "From meta"
    assert titles["x/with-heading"] == "git commit"
    assert titles["x/cache_invalidation-tips"] == "Cache invalidation tips"


def test_sorting_uses_order_then_natural_case_insensitive_title(tmp_path: Path) -> None:
    for name in ("item 10", "Item 2", "apple", "Zebra"):
        write(tmp_path, f"a/{name}.md", f"# {name}\n")
    write(tmp_path, "a/pinned.md", "---\norder: 1\ntitle: Pinned\n---\n")
    pack = load_pack(tmp_path)
    titles = [a.title for a in pack.areas["a"].articles]
    assert titles == ["Pinned", "apple", "Item 2", "item 10", "Zebra"]


def test_natural_key_and_readable_name() -> None:
    assert sorted(["a10", "a2", "A1"], key=natural_key) == ["A1", "a2", "a10"]
    assert readable_name("02-cache-invalidation") == "Cache invalidation"
    assert readable_name("README") == "README"


def test_index_gives_area_title_order_and_intro(sample_pack: Path) -> None:
    pack = load_pack(sample_pack)
    basics = pack.areas["basics"]
    assert basics.title == "Basics"
    assert basics.index_article == "basics/_index"
    assert [a.title for a in pack.root_area.areas] == ["Basics", "Advanced"]
    assert "basics/_index" not in [a.id for a in basics.articles]
    first = pack.article("basics/first")
    assert first is not None and pack.area_of(first).breadcrumb()[-1] is basics


def test_pack_without_toml_gets_stable_id_from_path(tmp_path: Path) -> None:
    write(tmp_path, "My Notes/a.md", "# A\n")
    pack = load_pack(tmp_path / "My Notes")
    assert pack.id == default_pack_id((tmp_path / "My Notes").resolve())
    assert pack.id.startswith("my-notes-")
    assert pack.name == "My Notes"


def test_missing_root_raises_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="not found"):
        load_pack(tmp_path / "nope")


def test_non_utf8_file_is_a_problem_and_still_loads(tmp_path: Path) -> None:
    write(tmp_path, "ok.md", "# OK\n")
    write(tmp_path, "latin.md", "# Caf\xe9\nline two \xff\n".encode("latin-1"))
    pack = load_pack(tmp_path)
    [problem] = problems_of(pack, "encoding")
    assert problem.line == 1 and problem.severity is Severity.ERROR
    assert "UTF-8" in problem.message
    assert pack.article("latin") is not None and pack.article("ok") is not None


def test_invalid_yaml_front_matter_reports_line(tmp_path: Path) -> None:
    write(tmp_path, "bad.md", "---\ntitle: ok\ntags: [unclosed\n---\n# Body title\n")
    write(tmp_path, "list.md", "---\n- just\n- a list\n---\nText\n")
    pack = load_pack(tmp_path)
    problems = problems_of(pack, "front-matter")
    assert len(problems) == 2
    bad = next(p for p in problems if p.path.name == "bad.md")
    assert "invalid YAML" in bad.message and bad.line is not None and bad.line >= 3
    article = pack.article("bad")
    assert article is not None and article.title == "Body title"


def test_wrong_field_types_are_warnings(tmp_path: Path) -> None:
    write(tmp_path, "a.md", "---\norder: first\nlevel: expert\nminutes: -3\ntags: 7\n---\n")
    pack = load_pack(tmp_path)
    kinds = {p.severity for p in pack.problems}
    assert kinds == {Severity.WARNING} and len(pack.problems) == 4


def test_binary_file_named_md_is_skipped(tmp_path: Path) -> None:
    write(tmp_path, "image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    write(tmp_path, "fine.md", "# Fine\n")
    pack = load_pack(tmp_path)
    assert [p.kind for p in pack.problems] == ["binary"]
    assert pack.article("image") is None and pack.article("fine") is not None


def test_duplicate_id_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "a/topic.md", "# One\n")
    write(tmp_path, "a/topic.markdown", "# Two\n")
    pack = load_pack(tmp_path)
    [problem] = problems_of(pack, "duplicate-id")
    assert "a/topic" in problem.message
    assert pack.article("a/topic") is not None


def test_broken_link_and_missing_image_report_their_lines(tmp_path: Path) -> None:
    write(tmp_path, "other.md", "# Other\n")
    write(
        tmp_path,
        "a.md",
        "---\ntitle: A\n---\nfine [x](other.md)\n\n[gone](missing.md)\n\n![pic](nope.png)\n"
        "```\n[in code](ignored.md)\n```\n`[inline](ignored.md)`\n[ext](https://x.org)\n",
    )
    pack = load_pack(tmp_path)
    found = sorted((p.line, p.message) for p in pack.problems)
    assert found == [(6, "broken link: missing.md"), (8, "missing image: nope.png")]


def test_link_out_of_the_pack_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "pack/a.md", "[up](../../etc/passwd)\n")
    pack = load_pack(tmp_path / "pack")
    assert [p.message for p in pack.problems] == ["link points outside the pack: ../../etc/passwd"]


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_symlink_pointing_outside_is_skipped(tmp_path: Path) -> None:
    secret = write(tmp_path, "secret.md", "# Secret\n")
    write(tmp_path, "pack/a.md", "# A\n")
    (tmp_path / "pack" / "leak.md").symlink_to(secret)
    (tmp_path / "pack" / "inside.md").symlink_to(tmp_path / "pack" / "a.md")
    pack = load_pack(tmp_path / "pack")
    assert [p.kind for p in pack.problems] == ["symlink"]
    assert pack.article("leak") is None and pack.article("inside") is not None


def test_huge_file_is_skipped_with_a_problem(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    with big.open("wb") as handle:
        handle.truncate(20 * 1024 * 1024)  # 20 MB, sparse
    write(tmp_path, "small.md", "# Small\n")
    pack = load_pack(tmp_path)
    [problem] = pack.problems
    assert problem.kind == "too-large" and "20.0 MB" in problem.message
    assert big.stat().st_size > MAX_ARTICLE_BYTES
    assert pack.article("small") is not None


def test_hidden_files_and_excluded_patterns_are_ignored(tmp_path: Path) -> None:
    write(tmp_path, "nexus-pack.toml", '[pack]\nexclude = ["CONTRIBUTING.md", "drafts/*"]\n')
    write(tmp_path, ".git/x.md", "# hidden\n")
    write(tmp_path, "CONTRIBUTING.md", "# How to contribute\n")
    write(tmp_path, "drafts/wip.md", "# WIP\n")
    write(tmp_path, "real.md", "# Real\n")
    pack = load_pack(tmp_path)
    assert list(pack.articles) == ["real"]


def test_bad_pack_toml_is_a_problem(tmp_path: Path) -> None:
    write(tmp_path, "nexus-pack.toml", "name = = broken")
    write(tmp_path, "a.md", "# A\n")
    pack = load_pack(tmp_path)
    assert len(pack.problems) == 1 and "pack file" in pack.problems[0].message
    assert pack.article("a") is not None


def test_progress_and_cancellation(tmp_path: Path) -> None:
    for i in range(200):
        write(tmp_path, f"a/{i}.md", f"# {i}\n")
    seen: list[tuple[int, int, str]] = []
    load_pack(tmp_path, progress=lambda done, total, label="": seen.append((done, total, label)))
    counted = [(done, total) for done, total, _label in seen if total]
    assert counted[0] == (0, 200) and counted[-1] == (200, 200)
    # Before the count is known, the folder being read is named.
    assert any(total == 0 and label == "reading a" for _d, total, label in seen)
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        load_pack(tmp_path, cancel=cancel)


def test_quiz_files_are_attached_to_their_article(tmp_path: Path) -> None:
    write(tmp_path, "a.md", "# A\n")
    write(tmp_path, "a.quiz.yaml", "[]\n")
    write(tmp_path, "orphan.quiz.yaml", "[]\n")
    pack = load_pack(tmp_path)
    assert list(pack.quiz_files) == ["a"]
    assert [p.kind for p in pack.problems] == ["quiz"]


# -- hostile files and folders ------------------------------------------------------------------


def test_a_fifo_named_like_an_article_is_a_problem_and_never_opened(tmp_path: Path) -> None:
    write(tmp_path, "a/real.md", "# Real\n")
    os.mkfifo(tmp_path / "a" / "x.md")
    os.mkfifo(tmp_path / "a" / "y.quiz.yaml")
    pack = load_pack(tmp_path)  # would block forever in open() if the FIFO were opened
    assert set(pack.articles) == {"a/real"}
    messages = [p.message for p in problems_of(pack, "not-a-file")]
    assert len(messages) == 2
    assert all("named pipe" in m and "not a regular file; skipped" in m for m in messages)


def test_reads_are_bounded_whatever_the_file_is(tmp_path: Path) -> None:
    from nexus_desktop.knowledge.files import FileTooLargeError, NotRegularFileError, read_limited

    with pytest.raises(NotRegularFileError):
        read_limited(Path("/dev/zero"))  # a character device: endless bytes
    big = tmp_path / "big.md"
    big.write_bytes(b"x" * 5000)
    with pytest.raises(FileTooLargeError):
        read_limited(big, 4096)
    assert read_limited(big, 5000) == b"x" * 5000


def test_reads_stop_at_the_limit_when_stat_reports_less(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nexus_desktop.knowledge import files

    big = tmp_path / "grows.md"
    big.write_bytes(b"y" * 10_000)
    real_fstat = os.fstat

    class Lying:
        def __init__(self, info: os.stat_result) -> None:
            self.st_mode, self.st_size = info.st_mode, 10  # claims 10 bytes

    monkeypatch.setattr(files.os, "fstat", lambda fd: Lying(real_fstat(fd)))
    with pytest.raises(files.FileTooLargeError):
        files.read_limited(big, 4096)


def test_a_character_device_named_like_an_article_is_skipped(tmp_path: Path) -> None:
    import stat

    write(tmp_path, "ok.md", "# Fine\n")
    try:
        os.mknod(tmp_path / "zero.md", stat.S_IFCHR | 0o666, os.makedev(1, 5))
    except PermissionError:
        pytest.skip("this machine does not allow mknod (no CAP_MKNOD); read_limited is tested")
    pack = load_pack(tmp_path)
    assert set(pack.articles) == {"ok"}
    assert "a device, not a regular file; skipped" in problems_of(pack, "not-a-file")[0].message


def test_non_utf8_file_names_get_valid_ids_and_titles(tmp_path: Path) -> None:
    folder = os.fsencode(tmp_path) + b"/caf\xe9"
    os.makedirs(folder)
    with open(folder + b"/na\xefve-notes.md", "wb") as handle:
        handle.write(b"# Notes\n\nText.\n")
    pack = load_pack(tmp_path)
    (article,) = pack.articles.values()
    assert article.id == "caf\ufffd/na\ufffdve-notes"
    article.id.encode("utf-8")  # ids, titles and area titles are always encodable
    article.title.encode("utf-8")
    for area in pack.areas.values():
        area.title.encode("utf-8")
    assert article.path.read_bytes().startswith(b"# Notes")  # the real file is still read
    assert "not valid UTF-8" in problems_of(pack, "encoding")[0].message


@pytest.mark.parametrize("where", ["/", "home"])
def test_a_disk_root_or_home_folder_is_refused(where: str) -> None:
    root = Path.home() if where == "home" else Path("/")
    with pytest.raises(PackError, match="not a content pack"):
        load_pack(root)


def test_a_huge_tree_is_refused_and_walking_is_cancellable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nexus_desktop.knowledge import loader

    for i in range(30):
        write(tmp_path, f"d{i}/x.md", "# x\n")
    monkeypatch.setattr(loader, "MAX_WALK_ENTRIES", 40)
    with pytest.raises(PackError, match="does not look like a content pack"):
        load_pack(tmp_path)
    monkeypatch.setattr(loader, "MAX_WALK_ENTRIES", 10_000)

    class CancelOnThirdFolder:
        calls = 0

        def is_set(self) -> bool:
            self.calls += 1
            return self.calls > 3

    token = CancelOnThirdFolder()
    with pytest.raises(Cancelled):
        load_pack(tmp_path, cancel=token)
    assert token.calls == 4  # stopped while walking, not after reading everything


def test_a_copy_of_an_open_pack_opens_under_a_distinct_id(tmp_path: Path) -> None:
    for name in ("one", "two"):
        write(tmp_path, f"{name}/nexus-pack.toml", '[pack]\nid = "hub"\n')
        write(tmp_path, f"{name}/a.md", "# A\n")
    first = load_pack(tmp_path / "one")
    second = load_pack(tmp_path / "two", taken_ids=frozenset({first.id}))
    assert first.id == "hub" and second.id.startswith("hub-") and second.id != first.id
    assert second.articles["a"].pack_id == second.id
    assert "already has the id 'hub'" in problems_of(second, "pack")[0].message
    again = load_pack(tmp_path / "two", taken_ids=frozenset({first.id}))
    assert again.id == second.id  # stable: the same folder gets the same id every time


def test_checked_front_matter_is_parsed_and_required_where_the_pack_asks(tmp_path: Path) -> None:
    from nexus_desktop.services.library import ArticleRef, Library, LoadedPack
    from nexus_desktop.services.text import checked_line

    write(tmp_path, "nexus-pack.toml", '[pack]\nid = "c"\nrequire_checked = true\n')
    write(tmp_path, "a/good.md",
          '---\nchecked: {django: "5.2", drf: "3.16", date: "2026-11"}\n---\n# Good\n')  # fmt: skip
    write(tmp_path, "a/missing.md", "# Missing\n")
    write(tmp_path, "a/bad.md", "---\nchecked: {django: 5.2}\n---\n# Bad\n")  # no date
    write(tmp_path, "a/_index.md", "# Area\n")  # area intros need none
    pack = load_pack(tmp_path)
    good = pack.articles["a/good"]
    assert good.checked == (("django", "5.2"), ("drf", "3.16"), ("date", "2026-11"))
    warnings = {p.path.name: p.message for p in pack.problems if p.kind == "front-matter"}
    assert set(warnings) == {"missing.md", "bad.md"}
    assert "no 'checked'" in warnings["missing.md"] and "'date'" in warnings["bad.md"]
    assert checked_line(good.checked) == "Checked against Django 5.2 · DRF 3.16 · November 2026"
    library = Library()
    library.add(LoadedPack(pack, pack.problems))
    from nexus_desktop.render import theme_named

    html = library.render(ArticleRef("c", "a/good"), theme_named("light")).html
    assert '<h1 id="good">Good</h1><p class="meta">Checked against Django 5.2' in html.replace(
        "\n", ""
    )
    # Packs that do not ask for it are not nagged.
    write(tmp_path, "nexus-pack.toml", '[pack]\nid = "c"\n')
    assert not [p for p in load_pack(tmp_path).problems if "no 'checked'" in p.message]


def test_aliases_and_questions_are_read_and_their_shape_checked(tmp_path: Path) -> None:
    write(tmp_path, "a.md", (
        "---\ntitle: A\naliases: [dogpile effect, thundering herd]\nquestions:\n"
        "  - \"why does my site fall over, every time the cache expires\"\n  - just one more\n---\n"
    ))  # fmt: skip
    write(tmp_path, "b.md", "---\ntitle: B\nquestions: {a: 1}\naliases: [" + "x" * 300 + "]\n---\n")
    write(tmp_path, "c.md", "---\ntitle: C\nquestions: a single question, with a comma\n---\n")
    pack = load_pack(tmp_path)
    a = pack.articles[ArticleId("a")]
    assert a.aliases == ("dogpile effect", "thundering herd")
    assert a.questions == ("why does my site fall over, every time the cache expires",
                           "just one more")  # fmt: skip
    b = pack.articles[ArticleId("b")]
    assert (b.aliases, b.questions) == ((), ())
    messages = sorted(p.message for p in pack.problems if p.path.name == "b.md")
    assert messages == [
        "front matter 'aliases' should be a list of text, at most 20 items of at most 200 "
        "characters",
        "front matter 'questions' should be a list of text, at most 20 items of at most 200 "
        "characters",
    ]
    assert pack.articles[ArticleId("c")].questions == ("a single question, with a comma",)
