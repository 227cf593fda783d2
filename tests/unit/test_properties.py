"""Property tests: whatever the input, the loader, front matter, quiz parser, renderer and
query parser answer with their declared results, never with an unexpected exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nexus_desktop.knowledge.frontmatter import split_front_matter
from nexus_desktop.knowledge.loader import PackError, load_pack
from nexus_desktop.knowledge.model import ArticleId
from nexus_desktop.knowledge.quiz import parse_quiz_file
from nexus_desktop.render import theme_named
from nexus_desktop.render.markdown import ArticleRenderer
from nexus_desktop.search.query import prepare_query, query_terms

# Characters that mean something to Markdown, YAML, TOML, HTML or the query language.
SYNTAX = list("-*_`#>[](){}<>|:!~=+\"'\\/&;,.?^%$@\n\t ") + ["---", "```", "    ", "\r\n"]
WORDS = ["title", "order", "tags", "level", "id", "type", "answer", "choices", "source",
         "select_related", "AND", "OR", "NOT", "a", "é", "\u200b", "\x00", "🙂"]  # fmt: skip
hostile_text = st.lists(
    st.one_of(st.sampled_from(SYNTAX), st.sampled_from(WORDS), st.text(max_size=6)), max_size=80
).map("".join)
fast = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@fast
@given(hostile_text)
def test_front_matter_never_raises(body: str) -> None:
    for text in (body, f"---\n{body}\n---\n{body}", f"---\n{body}"):
        result = split_front_matter(text)
        assert isinstance(result.meta, dict) and isinstance(result.body, str)
        for key in ("title", "summary"):
            assert isinstance(result.meta.get(key, ""), str)


@fast
@given(hostile_text)
def test_quiz_parser_never_raises(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.quiz.yaml"
        for content in (text, f"- id: q1\n  type: single\n  {text}"):
            path.write_text(content, encoding="utf-8", errors="surrogatepass")
            questions, problems = parse_quiz_file(path, ArticleId("a"))
            assert isinstance(questions, list) and isinstance(problems, list)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["a", "b/c", "b", "_index", "x y", "é"]),
                          st.binary(max_size=200) | hostile_text.map(str.encode)),
                max_size=6))  # fmt: skip
def test_loader_never_raises_for_any_files(files: list[tuple[str, bytes]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for number, (name, content) in enumerate(files):
            path = root / f"{name}-{number}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        (root / "nexus-pack.toml").write_bytes(files[0][1] if files else b"")
        try:
            pack = load_pack(root)
        except PackError:
            return
        for article in pack.articles.values():
            article.id.encode("utf-8")
            assert isinstance(article.title, str)


@pytest.fixture(scope="module")
def renderer() -> ArticleRenderer:
    return ArticleRenderer(theme_named("light"))


@fast
@given(text=hostile_text)
def test_renderer_never_raises_and_never_lets_markup_through(
    renderer: ArticleRenderer, text: str
) -> None:
    result = renderer.render(text + "\n<script>alert(1)</script>", title="T")
    for part in result.parts:
        assert "<script" not in part.lower()
    assert isinstance(result.headings, tuple)


@fast
@given(hostile_text)
def test_query_preparation_never_raises_and_stays_bounded(text: str) -> None:
    query = prepare_query(text * 50)
    assert len(query.text.split()) <= 24 + 24  # words, plus operators between them
    assert all(len(word) <= 64 or word.startswith('"') for word in query.text.split())
    query_terms(query.text)


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, object]:
    from nexus_desktop.services.search import SearchService
    from tests.unit.test_search import make_pack

    root = make_pack(tmp_path_factory.mktemp("pack"))
    service = SearchService(tmp_path_factory.mktemp("cache"))
    pack = load_pack(root)
    service.index_pack(pack)
    return service, pack


@fast
@given(hostile_text)
def test_any_query_answers_and_never_damages_the_index(
    indexed: tuple[object, object], text: str
) -> None:
    service, pack = indexed
    results = service.search(text, [pack])  # type: ignore[attr-defined]
    assert all("damaged" not in n and "unavailable" not in n for n in results.notices)
    assert service.search("select_related", [pack]).hits  # type: ignore[attr-defined]
