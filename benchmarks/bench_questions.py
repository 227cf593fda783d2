"""Questions in a learner's own words: does search put the right article first?

The test set, ``nl_questions.yaml``, was written before any tuning: 72 questions in everyday
words, each with the articles that answer it, split into a tuning half and a held-out half.
Figures for each half: hit@1 (the right article first), hit@3 (in the first three) and MRR@10
(mean of 1/rank of the first right article in the top ten, 0 when absent), for the search
before this work (keywords only: ``understand_questions=False``) and after, in the same run.
Targets on the held-out half: hit@3 >= 0.9, MRR@10 >= 0.8. Also: how long a question takes
to answer (p50/p95) on the hub alone.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import yaml
from _common import CONTENT, REPO, percentile

sys.path.insert(0, str(REPO))

from nexus_desktop.knowledge.loader import load_pack  # noqa: E402
from nexus_desktop.services.search import SearchService  # noqa: E402

QUESTIONS = Path(__file__).with_name("nl_questions.yaml")


def ranked_articles(service: SearchService, pack: object, question: str) -> list[str]:
    """The article ids a search shows, in order (a quiz-question hit stands for its article)."""
    out: list[str] = []
    for hit in service.search(question, [pack], limit=10).hits:  # type: ignore[list-item]
        if hit.kind in ("article", "question") and hit.id not in out:
            out.append(hit.id)
    return out


def scores(service: SearchService, pack: object, items: list[dict]) -> dict[str, float]:  # type: ignore[type-arg]
    hit1 = hit3 = rr = 0.0
    for item in items:
        ranked = ranked_articles(service, pack, item["q"])
        expected = set(item["expected"])
        rank = next((i for i, a in enumerate(ranked[:10], start=1) if a in expected), None)
        hit1 += rank == 1
        hit3 += rank is not None and rank <= 3
        rr += 1 / rank if rank else 0.0
    n = len(items)
    return {"hit@1": hit1 / n, "hit@3": hit3 / n, "mrr@10": rr / n}


def misses(service: SearchService, pack: object, items: list[dict]) -> list[str]:  # type: ignore[type-arg]
    out = []
    for item in items:
        ranked = ranked_articles(service, pack, item["q"])
        if not set(item["expected"]) & set(ranked[:3]):
            out.append(f"    {item['q']!r}: want {item['expected'][0]}, got {ranked[:3]}")
    return out


def main(show_misses: bool = False) -> dict[str, float]:
    items = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    halves = {name: [i for i in items if i["split"] == name] for name in ("tune", "held-out")}
    pack = load_pack(CONTENT)
    with tempfile.TemporaryDirectory() as tmp:
        before = SearchService(Path(tmp) / "cache", understand_questions=False)
        before.index_pack(pack)
        after = SearchService(Path(tmp) / "cache")
        figures: dict[str, float] = {}
        print(f"questions in a learner's words ({len(items)}: {len(halves['tune'])} tuning, "
              f"{len(halves['held-out'])} held out; the hub)")  # fmt: skip
        for name, half in halves.items():
            old, new = scores(before, pack, half), scores(after, pack, half)
            print(f"  {name:9}  before: hit@1 {old['hit@1']:.2f}  hit@3 {old['hit@3']:.2f}  "
                  f"MRR@10 {old['mrr@10']:.2f}   after: hit@1 {new['hit@1']:.2f}  "
                  f"hit@3 {new['hit@3']:.2f}  MRR@10 {new['mrr@10']:.2f}")  # fmt: skip
            figures.update({f"{name}_{k}": v for k, v in new.items()})
            if show_misses and name == "tune":  # never tune on the held-out half
                print("\n".join(misses(after, pack, half)))
        print("  targets (held out): hit@3 >= 0.90, MRR@10 >= 0.80")
        times = []
        for item in items * 3:
            start = time.perf_counter()
            after.search(item["q"], [pack], limit=10)
            times.append(time.perf_counter() - start)
        print(f"  time to answer a question: p50 {percentile(times, 50) * 1000:.1f} ms, "
              f"p95 {percentile(times, 95) * 1000:.1f} ms")  # fmt: skip
    return figures


if __name__ == "__main__":
    main(show_misses="--misses" in sys.argv)
