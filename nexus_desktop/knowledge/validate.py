"""Deep validation of a loaded pack: prerequisites, heading anchors and quizzes.

Loading already reports file-level problems (encoding, front matter, broken files and links).
This adds the checks that need every article's headings, which are found by rendering.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from nexus_desktop.core.cancel import CancelToken, check
from nexus_desktop.knowledge.loader import read_article_text
from nexus_desktop.knowledge.model import ArticleId, Pack, Problem, Severity
from nexus_desktop.knowledge.quiz import Question, parse_quiz_file

# Returns the heading anchors of a Markdown text, exactly as the renderer makes them.
AnchorFinder = Callable[[str], set[str]]
# Why the reader will show a Markdown text as plain text (in words), or None.
PlainReason = Callable[[str], str | None]


@dataclass(slots=True)
class ValidationResult:
    problems: list[Problem] = field(default_factory=list)
    questions: dict[ArticleId, list[Question]] = field(default_factory=dict)

    @property
    def question_count(self) -> int:
        return sum(len(qs) for qs in self.questions.values())


def validate_pack(
    pack: Pack,
    anchors_of: AnchorFinder,
    *,
    plain_reason: PlainReason | None = None,
    cancel: CancelToken | None = None,
) -> ValidationResult:
    """Check prerequisites, links to headings and quiz files of ``pack``; with
    ``plain_reason``, also report every article the reader will not format fully."""
    result = ValidationResult()
    anchor_cache: dict[ArticleId, set[str] | None] = {}
    if plain_reason is not None:
        for number, article in enumerate(pack.articles.values()):
            if number % 64 == 0:
                check(cancel, str(pack.root))
            try:
                reason = plain_reason(read_article_text(article.path))
            except OSError:
                continue
            if reason is not None:
                anchor_cache[article.id] = set()  # shown as plain text: no headings to link
                result.problems.append(
                    Problem(
                        Severity.WARNING,
                        article.path,
                        f"the reader shows this article as plain text: {reason}",
                        kind="render",
                    )
                )

    def anchors(article_id: ArticleId) -> set[str] | None:
        if article_id not in anchor_cache:
            check(cancel, str(pack.root))
            article = pack.articles.get(article_id)
            if article is None:
                anchor_cache[article_id] = None
            else:
                try:
                    anchor_cache[article_id] = anchors_of(read_article_text(article.path))
                except OSError:
                    anchor_cache[article_id] = set()
        return anchor_cache[article_id]

    _check_prerequisites(pack, result.problems)
    for link in pack.fragment_links:
        found = anchors(link.target)
        if found is not None and link.fragment not in found:
            source = pack.articles[link.source]
            result.problems.append(
                Problem(
                    Severity.ERROR,
                    source.path,
                    f"link to a heading that does not exist: {link.target}#{link.fragment}",
                    line=link.line,
                    kind="link",
                )
            )
    seen_ids: dict[str, Question] = {}
    for article_id, quiz_path in sorted(pack.quiz_files.items()):
        questions, problems = parse_quiz_file(quiz_path, article_id)
        result.problems.extend(problems)
        kept: list[Question] = []
        for question in questions:
            if question.id in seen_ids:
                other = seen_ids[question.id]
                result.problems.append(
                    Problem(
                        Severity.ERROR,
                        quiz_path,
                        f"duplicate question id '{question.id}' (also in {other.file.name})"
                        if other.file
                        else f"duplicate question id '{question.id}'",
                        line=question.line,
                        kind="quiz",
                    )
                )
                continue
            seen_ids[question.id] = question
            found = anchors(question.source_article)
            if found is None:
                message = f"question '{question.id}': source article not found: "
                message += question.source_article
            elif question.source_anchor not in found:
                message = f"question '{question.id}': source heading not found: "
                message += f"{question.source_article}#{question.source_anchor}"
            else:
                kept.append(question)
                continue
            result.problems.append(
                Problem(Severity.ERROR, quiz_path, message, line=question.line, kind="quiz")
            )
        result.questions[article_id] = kept
    return result


def _check_prerequisites(pack: Pack, problems: list[Problem]) -> None:
    graph: dict[ArticleId, tuple[ArticleId, ...]] = {}
    for article in pack.articles.values():
        known = []
        for prerequisite in article.prerequisites:
            if prerequisite in pack.articles:
                known.append(prerequisite)
            else:
                problems.append(
                    Problem(
                        Severity.ERROR,
                        article.path,
                        f"unknown prerequisite: {prerequisite}",
                        kind="prerequisite",
                    )
                )
        graph[article.id] = tuple(known)
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(graph, white)
    for start in sorted(graph):
        if colour[start] != white:
            continue
        stack: list[tuple[ArticleId, int]] = [(start, 0)]
        path: list[ArticleId] = []
        while stack:
            node, child = stack.pop()
            if child == 0:
                colour[node] = grey
                path.append(node)
            children = graph[node]
            if child < len(children):
                stack.append((node, child + 1))
                nxt = children[child]
                if colour[nxt] == grey:
                    cycle = path[path.index(nxt) :] + [nxt]
                    problems.append(
                        Problem(
                            Severity.ERROR,
                            pack.articles[node].path,
                            "prerequisites form a cycle: " + " -> ".join(cycle),
                            kind="prerequisite",
                        )
                    )
                elif colour[nxt] == white:
                    stack.append((nxt, 0))
            else:
                colour[node] = black
                path.pop()
