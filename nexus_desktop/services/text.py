"""Small helpers for messages shown to people."""

from __future__ import annotations


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``1 content pack``, ``2 content packs``, ``1,024 articles``."""
    word = noun if count == 1 else (plural_form or f"{noun}s")
    return f"{count:,} {word}"


_TOOL_NAMES = {
    "python": "Python", "django": "Django", "drf": "DRF", "celery": "Celery",
    "graphene-django": "Graphene-Django", "postgresql": "PostgreSQL", "redis": "Redis",
    "rabbitmq": "RabbitMQ", "docker": "Docker", "compose": "Compose",
    "github-actions": "GitHub Actions", "pytest": "pytest", "gunicorn": "Gunicorn",
    "nginx": "nginx", "kombu": "Kombu",
}  # fmt: skip
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


def checked_line(checked: tuple[tuple[str, str], ...]) -> str:
    """``Checked against Django 5.2 · DRF 3.16 · November 2026`` from an article's
    ``checked`` front matter ("" when it has none)."""
    if not checked:
        return ""
    values = dict(checked)
    tools = []
    for tool, version in checked:
        if tool == "date":
            continue
        name = _TOOL_NAMES.get(tool, tool)
        # A date for a "version" (GitHub Actions has none of its own): the date line says it.
        tools.append(name if _month(version) != version else f"{name} {version}")
    when = _month(values.get("date", ""))
    parts = ["Checked against " + " · ".join(tools)] if tools else ["Checked"]
    if when:
        parts.append(when)
    return " · ".join(parts) if tools else f"Checked {when}".strip()


def _month(value: str) -> str:
    year, _, month = value.partition("-")
    if year.isdigit() and month.isdigit() and 1 <= int(month) <= 12:
        return f"{_MONTHS[int(month) - 1]} {year}"
    return value
