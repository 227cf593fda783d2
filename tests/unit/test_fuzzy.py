"""The quick switcher's ranking (Qt-free)."""

from __future__ import annotations

from nexus_desktop.knowledge.ids import ArticleId, PackId
from nexus_desktop.services.fuzzy import FuzzyFilter, SwitcherEntry, fuzzy_score
from nexus_desktop.services.refs import ArticleRef

TITLES = [
    "tar",
    "Tar archives",
    "git stash",
    "Celery retries and backoff",
    "Caching with Redis",
    "Cache stampedes",
    "Database indexes",
    "Docker Compose",
    "tarsnap",
    "Retry budgets",
]


def entries() -> list[SwitcherEntry]:
    return [
        SwitcherEntry(t, t.casefold(), "Area", ArticleRef(PackId("p"), ArticleId(f"a/{n}")))
        for n, t in enumerate(TITLES)
    ]


def fresh_rank(query: str, limit: int = 60) -> list[str]:
    return [e.title for e in FuzzyFilter(entries()).rank(query, limit)]


def test_substring_beats_scattered_and_earlier_beats_later() -> None:
    assert fresh_rank("cache")[0] == "Cache stampedes"  # a substring, at the start
    assert fresh_rank("tar")[0] == "tar"
    assert fresh_rank("crb") == ["Celery retries and backoff"]
    assert fresh_rank("zzz") == []
    assert fuzzy_score("", "anything") == 0.0


def test_typing_on_narrows_the_same_way_as_starting_fresh() -> None:
    typed = FuzzyFilter(entries())
    for query in ("c", "ca", "cac", "cach", "cache", "cache s"):
        assert [e.title for e in typed.rank(query, 60)] == fresh_rank(query), query


def test_deleting_letters_widens_again() -> None:
    typed = FuzzyFilter(entries())
    typed.rank("tarsn", 60)
    assert [e.title for e in typed.rank("ta", 60)] == fresh_rank("ta")
    assert set(fresh_rank("ta")) >= {"tar", "Tar archives", "tarsnap"}


def test_empty_query_lists_titles_alphabetically_up_to_the_limit() -> None:
    assert fresh_rank("", limit=3) == [
        "Cache stampedes",
        "Caching with Redis",
        "Celery retries and backoff",
    ]
