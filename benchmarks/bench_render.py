"""Median render time of articles: the built-in hub's articles and the largest tldr page.

"Render" is the reader's whole Markdown pipeline: Python-Markdown with the extensions, inline
Pygments highlighting, link rewriting and nh3 sanitizing. Baseline in the same run: plain
``markdown.markdown(text)`` with no extensions on the same text. Also shown: the time
QTextBrowser.setHtml takes to lay the result out (UI thread). Target: median at most 30 ms.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import markdown
from _common import CONTENT, ms, unpack_tldr

from nexus_desktop.knowledge.loader import read_article_text
from nexus_desktop.render import theme_named
from nexus_desktop.render.markdown import highlight_code
from nexus_desktop.services.library import ArticleRef, Library, LoadedPack, PackSource, load_source

REPEAT = 15


def timed(fn, repeat: int = REPEAT) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def render_times(
    root: Path, ids: list[str] | None = None
) -> tuple[list[float], list[float], list[str]]:
    loaded = load_source(PackSource(root), validate=False)
    assert isinstance(loaded, LoadedPack)
    library = Library()
    library.add(loaded)
    pack = loaded.pack
    theme = theme_named("light")
    chosen = ids or [a for a in pack.articles if not pack.articles[a].is_index]
    ours, base = [], []
    for article_id in chosen:
        ref = ArticleRef(pack.id, article_id)
        text = read_article_text(pack.articles[article_id].path)

        def render(ref: ArticleRef = ref) -> None:
            library._cache.clear()  # measure rendering, not the caches
            highlight_code.cache_clear()
            library.render(ref, theme)

        render()  # warm-up: creates the per-thread renderer
        ours.append(timed(render))
        base.append(timed(lambda text=text: markdown.markdown(text)))
    return ours, base, chosen


def set_html_time(html: str) -> float:
    from PySide6.QtWidgets import QApplication, QTextBrowser

    app = QApplication.instance() or QApplication([])
    browser = QTextBrowser()
    browser.resize(900, 700)
    value = timed(lambda: browser.setHtml(html), repeat=7)
    del app
    return value


def main() -> dict[str, float]:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    ours, base, ids = render_times(CONTENT)
    with tempfile.TemporaryDirectory() as tmp:
        pages = unpack_tldr(Path(tmp))
        largest = max(pages.rglob("*.md"), key=lambda p: p.stat().st_size)
        largest_id = largest.relative_to(pages).with_suffix("").as_posix()
        largest_size = largest.stat().st_size
        big_ours, big_base, _ = render_times(pages, [largest_id])
    biggest_hub = max(zip(ours, ids, strict=True))
    loaded = load_source(PackSource(CONTENT), validate=False)
    assert isinstance(loaded, LoadedPack)
    library = Library()
    library.add(loaded)
    html = library.render(ArticleRef(loaded.pack.id, biggest_hub[1]), theme_named("light")).html
    layout = set_html_time(html)
    result = {
        "hub_median": statistics.median(ours),
        "hub_base_median": statistics.median(base),
        "hub_max": biggest_hub[0],
        "tldr_largest": big_ours[0],
        "tldr_largest_base": big_base[0],
        "set_html": layout,
    }
    print(f"render ({len(ids)} built-in articles, each the median of {REPEAT} renders)")
    print(f"  baseline: plain markdown.markdown()         median {ms(result['hub_base_median'])}")
    print(
        f"  reader pipeline                             median {ms(result['hub_median'])}  "
        f"ratio {result['hub_median'] / result['hub_base_median']:.1f}x  (target <= 30 ms)"
    )
    print(
        f"  slowest built-in article ({biggest_hub[1]}): {ms(result['hub_max'])}; "
        f"QTextBrowser.setHtml of it: {ms(layout)}"
    )
    big, big_base = ms(result["tldr_largest"]), ms(result["tldr_largest_base"])
    print(f"  largest tldr page ({largest_id}, {largest_size:,} B): {big} vs baseline {big_base}")
    return result


if __name__ == "__main__":
    main()
