"""The Qt-free search core: analyzer, incremental index, rebuilds, query language, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nexus_desktop.cli import main
from nexus_desktop.knowledge.loader import load_pack
from nexus_desktop.search.analysis import technical_analyzer
from nexus_desktop.search.index import PackIndex, index_dir_for
from nexus_desktop.search.query import make_snippet
from nexus_desktop.services.search import SearchService
from tests.conftest import write


def tokens(text: str) -> list[str]:
    return [t.text for t in technical_analyzer()(text)]


def test_identifiers_are_indexed_whole_and_by_parts() -> None:
    assert tokens("select_related") == ["select_related", "select", "relat"]
    assert tokens("HTTP_429") == ["http_429", "http", "429"]
    assert tokens("docker-compose.yml") == ["docker-compose.yml", "docker", "compos", "yml"]
    assert tokens("CELERY_BROKER_URL")[0] == "celery_broker_url"
    assert tokens("The queries are cached") == ["queri", "cach"]


def make_pack(root: Path) -> Path:
    write(root, "nexus-pack.toml", '[pack]\nid = "t"\nname = "T"\n')
    write(root, "a/orm.md", "---\ntitle: ORM\ntags: [django]\nlevel: intro\n---\n"
                            "Use select_related and prefetch_related.\n")  # fmt: skip
    write(root, "a/cache.md", "---\ntitle: Caching\ntags: [redis]\n---\nRedis cache with TTL.\n")
    write(root, "b/http.md", "# Throttling\n\nA 429 response, HTTP_429_TOO_MANY_REQUESTS.\n")
    return root


def ids(service: SearchService, root: Path, query: str) -> list[str]:
    pack = load_pack(root)
    return [hit.id for hit in service.search(query, [pack]).hits]


def test_incremental_updates(tmp_path: Path) -> None:
    root = make_pack(tmp_path / "p")
    service = SearchService(tmp_path / "cache")
    first = service.index_pack(load_pack(root))
    assert (first.added, first.changed, first.removed) == (3, 0, 0)
    again = service.index_pack(load_pack(root))
    assert (again.added, again.changed, again.removed, again.unchanged) == (0, 0, 0, 3)
    write(root, "a/cache.md", "---\ntitle: Caching\n---\nMemcached instead.\n")
    (root / "b" / "http.md").unlink()
    write(root, "b/new.md", "# New page\n\nStampede.\n")
    report = service.index_pack(load_pack(root))
    assert (report.added, report.changed, report.removed, report.unchanged) == (1, 1, 1, 1)
    assert ids(service, root, "memcached") == ["a/cache"]
    assert ids(service, root, "redis") == []
    assert ids(service, root, "throttling") == []


def test_query_language(tmp_path: Path) -> None:
    root = make_pack(tmp_path / "p")
    service = SearchService(tmp_path / "cache")
    service.index_pack(load_pack(root))
    assert ids(service, root, "select_related") == ["a/orm"]
    assert ids(service, root, "related") == ["a/orm"]
    assert ids(service, root, "HTTP_429") == ["b/http"]
    assert ids(service, root, '"prefetch_related"') == ["a/orm"]
    assert ids(service, root, "prefet*") == ["a/orm"]
    assert set(ids(service, root, "redis OR django")) == {"a/orm", "a/cache"}
    assert ids(service, root, "redis AND django") == []
    assert ids(service, root, "cache -redis") == []
    assert ids(service, root, "tag:django") == ["a/orm"]
    assert ids(service, root, "area:b 429") == ["b/http"]
    assert ids(service, root, "level:intro") == ["a/orm"]
    assert ids(service, root, "pack:t ttl") == ["a/cache"]
    assert ids(service, root, "pack:other ttl") == []


@pytest.mark.parametrize(
    "query", ['"unbalanced', "NOT", "AND OR", "-", "(((", "a:b:c", "*", "~", ""]
)
def test_malformed_queries_never_raise(tmp_path: Path, query: str) -> None:
    root = make_pack(tmp_path / "p")
    service = SearchService(tmp_path / "cache")
    service.index_pack(load_pack(root))
    results = service.search(query, [load_pack(root)])
    # At most advice about the query itself; never an index "damaged" or "unavailable".
    assert all("index" not in n and "unavailable" not in n for n in results.notices)


def test_suggestion_from_the_index_vocabulary(tmp_path: Path) -> None:
    root = make_pack(tmp_path / "p")
    service = SearchService(tmp_path / "cache")
    service.index_pack(load_pack(root))
    results = service.search("throtling", [load_pack(root)])
    assert results.hits == [] and results.suggestion == "throttling"


def test_older_schema_and_damage_rebuild_with_notice(tmp_path: Path) -> None:
    root = make_pack(tmp_path / "p")
    pack = load_pack(root)
    index = PackIndex(tmp_path / "cache", pack)
    index.update()
    meta = index.dir / "meta.json"
    meta.write_text(json.dumps({"schema": 0}))
    report = PackIndex(tmp_path / "cache", pack).update()
    assert report.notice is not None and "older version" in report.notice and report.added == 3
    meta.write_text("{broken")
    report = PackIndex(tmp_path / "cache", pack).update()
    assert report.notice is not None and "damaged" in report.notice


def test_lock_left_by_a_dead_process_does_not_block(tmp_path: Path) -> None:
    root = make_pack(tmp_path / "p")
    pack = load_pack(root)
    PackIndex(tmp_path / "cache", pack).update()
    folder = index_dir_for(tmp_path / "cache", pack)
    (folder / "MAIN_WRITELOCK").write_text("")  # no process holds it any more
    write(root, "a/extra.md", "# Extra\n")
    report = PackIndex(tmp_path / "cache", load_pack(root)).update()
    assert report.added == 1


def test_snippet_marks_terms_in_both_forms() -> None:
    html_snippet, plain = make_snippet("One query per row; the queried rows <b>", ["queries"])
    assert "<b>query</b>" in html_snippet and "&lt;b&gt;" in html_snippet
    assert plain == "One [query] per row; the [queried] rows <b>"


def test_cli_search_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_pack(tmp_path / "p")
    args = ["search", "select_related", "--pack", str(root), "--json", "--limit", "5"]
    assert main([*args, "--data-dir", str(tmp_path / "d")]) == 0
    results = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in results] == ["a/orm"]
    assert set(results[0]) == {"id", "pack", "title", "path", "score", "snippet"}
    assert results[0]["path"].endswith("orm.md") and "[select_related]" in results[0]["snippet"]
    assert main(["search", "x", "--pack", str(tmp_path / "none"), "--data-dir", str(tmp_path)]) == 2


def test_shipped_seed_makes_the_first_index_instant(tmp_path: Path) -> None:
    from nexus_desktop.search.seed import build_seed

    root = make_pack(tmp_path / "p")
    seed = build_seed(tmp_path / "seed", content=root)
    service = SearchService(tmp_path / "cache", seeds={"t": seed})
    report = service.index_pack(load_pack(root))
    assert (report.added, report.changed, report.unchanged) == (0, 0, 3)
    assert ids(service, root, "select_related") == ["a/orm"]
    hit = service.search("select_related", [load_pack(root)]).hits[0]
    assert hit.path == str(root.resolve() / "a" / "orm.md")


def test_index_damaged_on_disk_is_rebuilt_by_the_next_search(tmp_path: Path) -> None:
    root = make_pack(tmp_path / "p")
    SearchService(tmp_path / "cache").index_pack(load_pack(root))
    folder = index_dir_for(tmp_path / "cache", load_pack(root))
    for toc in folder.glob("*.toc"):
        toc.write_bytes(b"\x00not a table of contents")
    service = SearchService(tmp_path / "cache")  # the next start of the app
    results = service.search("select_related", [load_pack(root)])
    assert [hit.id for hit in results.hits] == ["a/orm"]
    assert any("rebuil" in notice for notice in results.notices)


def test_long_and_odd_queries_are_trimmed_with_a_notice() -> None:
    from nexus_desktop.search.query import MAX_WORDS, prepare_query

    many = prepare_query(" ".join(f"w{i}" for i in range(15_000)))
    assert len(many.text.split()) == MAX_WORDS and "first 24 words" in many.notices[0]
    long_word = prepare_query("x" * 100_000)
    assert len(long_word.text) == 64 and any("shortened" in n for n in long_word.notices)
    for query in ("**", "*", "a*", "*tar", "t*r", ">x_*y"):
        assert "*" not in prepare_query(query).text, query
    assert prepare_query("select_rel* tag:dj*").text == "select_rel* tag:dj*"
    assert prepare_query("what is tar?").text == "what is tar"  # "?" is punctuation
    assert prepare_query("-tar").text == "-tar"
    # In a longer query, one-character noise goes; alone, a short word stays.
    assert prepare_query("tar 1 -r; m^^ gzip").text == "tar gzip"
    assert prepare_query("C").text == "C"


def test_a_failing_query_is_never_taken_for_a_damaged_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nexus_desktop.search import query as query_module

    root = make_pack(tmp_path / "p")
    service = SearchService(tmp_path / "cache")
    pack = load_pack(root)
    service.index_pack(pack)
    folder = index_dir_for(tmp_path / "cache", pack)
    before = sorted(p.name for p in folder.iterdir())

    def explode(*_args: object, **_kwargs: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")  # as Whoosh did

    monkeypatch.setattr(query_module, "run_search", explode)
    results = service.search("anything", [pack])
    assert results.notices == ["This query could not be run; try fewer words."]
    assert sorted(p.name for p in folder.iterdir()) == before  # nothing was rebuilt
    monkeypatch.undo()
    assert ids(service, root, "memcached redis") == ["a/cache"]


def test_readers_take_no_lock_and_writers_wait_for_each_other(tmp_path: Path) -> None:
    from nexus_desktop.core.filelock import FileLock
    from nexus_desktop.search import index as index_module

    root = make_pack(tmp_path / "p")
    PackIndex(tmp_path / "cache", load_pack(root)).update()
    index = PackIndex(tmp_path / "cache", load_pack(root))
    with FileLock(index.lock_path):  # another process is writing
        report = index.update()  # nothing changed: no lock needed, no wait
        assert report.unchanged == 3
        assert index.searcher().doc_count() == 3
        write(root, "a/new.md", "# New\n")
        changed = PackIndex(tmp_path / "cache", load_pack(root))
        original = index_module.LOCK_WAIT_SECONDS
        index_module.LOCK_WAIT_SECONDS = 0.3
        try:
            with pytest.raises(index_module.IndexBusyError):
                changed.update()
        finally:
            index_module.LOCK_WAIT_SECONDS = original
        assert changed.searcher().doc_count() == 3  # still reads the last committed version
    assert PackIndex(tmp_path / "cache", load_pack(root)).update().added == 1


def test_quiz_questions_are_found_by_their_prompt_never_their_answer(tmp_path: Path) -> None:
    root = make_pack(tmp_path / "p")
    write(root, "a/orm.md", "---\ntitle: ORM\n---\n# ORM\n\n## Joins\n\nUse select_related.\n")
    write(root, "a/orm.quiz.yaml", (
        "- id: orm-1\n  type: single\n  prompt: Which call follows a foreign key in one query?\n"
        "  choices: [select_related, prefetch_related]\n  answer: select_related\n"
        "  explanation: It joins the zanzibar table.\n  source: a/orm#joins\n"
    ))  # fmt: skip
    service = SearchService(tmp_path / "cache")
    service.index_pack(load_pack(root))
    hits = service.search("foreign key query", [load_pack(root)]).hits
    question = next(h for h in hits if h.kind == "question")
    assert (question.id, question.question) == ("a/orm", "orm-1")
    assert question.title.startswith("Which call follows a foreign key")
    assert question.breadcrumb.endswith("ORM")
    assert service.search("zanzibar", [load_pack(root)]).hits == []  # explanations unsearched
    # an article that matches as well ranks first
    assert [h.kind for h in service.search("select_related", [load_pack(root)]).hits] == [
        "article",
        "question",
    ]
    # a changed quiz file is re-indexed; a removed one takes its questions away
    write(root, "a/orm.quiz.yaml", (
        "- id: orm-2\n  type: true-false\n  prompt: QuerySets are lazy evaluators.\n"
        "  answer: true\n  explanation: Yes.\n  source: a/orm#joins\n"
    ))  # fmt: skip
    report = service.index_pack(load_pack(root))
    assert (report.added, report.changed, report.removed) == (0, 0, 0)  # articles only
    assert [h.question for h in service.search("lazy evaluators", [load_pack(root)]).hits] == [
        "orm-2"
    ]
    (root / "a" / "orm.quiz.yaml").unlink()
    service.index_pack(load_pack(root))
    assert service.search("lazy evaluators", [load_pack(root)]).hits == []
