"""Everyday words a learner types, and the hub's words for the same thing.

A small, hand-written list for where the glossary is silent (the glossary's own definitions are
indexed as bridges, see ``index.term_documents``). Each entry maps a word as a learner types it
(lower case) to the terms the hub uses; a query's expansions count for a fraction of a typed
word (``query.EXPANSION_WEIGHT``), so they can lift an article but never outrank an exact match
such as ``select_related``. Keep entries general: a word here expands every query it is in.
"""

from __future__ import annotations

SYNONYMS: dict[str, tuple[str, ...]] = {
    # running twice, duplicates
    "twice": ("duplicate", "idempotent"),
    "duplicate": ("idempotent", "idempotency"),
    "duplicates": ("idempotent", "idempotency"),
    "again": ("retry",),
    "retrying": ("retry", "backoff"),
    # speed
    "slow": ("performance", "latency"),
    "slower": ("performance", "latency"),
    "slowly": ("performance", "latency"),
    "faster": ("performance", "cache"),
    "speed": ("performance",),
    "hundreds": ("n+1",),
    "many": ("n+1",),
    # background work
    "background": ("celery", "task", "async"),
    "later": ("queue", "async"),
    "schedule": ("beat", "periodic"),
    "scheduled": ("beat", "periodic"),
    "cron": ("beat", "periodic"),
    "nightly": ("periodic", "beat"),
    "email": ("celery", "task"),
    "emails": ("celery", "task"),
    # access
    "allowed": ("permission", "authorization"),
    "allow": ("permission",),
    "forbidden": ("permission", "403"),
    "author": ("permission", "object-level"),
    "owner": ("permission", "object-level"),
    "login": ("authentication", "token"),
    "logged": ("authentication",),
    "logout": ("token", "revocation"),
    "password": ("authentication", "credential"),
    "secret": ("credential", "environment"),
    "secrets": ("credential", "environment"),
    "key": ("credential",),
    # limits and abuse
    "spam": ("throttling", "rate"),
    "abuse": ("throttling", "rate"),
    "limit": ("throttling", "rate"),
    "flood": ("throttling", "rate"),
    # data
    "table": ("model", "schema"),
    "tables": ("model", "schema"),
    "column": ("field", "migration"),
    "columns": ("field", "migration"),
    "rename": ("migration",),
    "copied": ("normalization", "redundancy"),
    "repeated": ("normalization", "redundancy"),
    "search": ("index", "filter"),
    "lookup": ("index",),
    "page": ("pagination",),
    "pages": ("pagination",),
    "huge": ("pagination", "large"),
    # deployment
    "deploy": ("deployment", "ci/cd"),
    "deploying": ("deployment", "ci/cd"),
    "pipeline": ("ci/cd", "workflow"),
    "build": ("ci/cd", "docker"),
    "container": ("docker",),
    "containers": ("docker", "compose"),
    "image": ("docker", "dockerfile"),
    "server": ("deployment",),
    "production": ("deployment", "settings"),
    # api work with clients
    "frontend": ("client", "contract"),
    "browser": ("cors", "client"),
    "mobile": ("client", "versioning"),
    "breaking": ("versioning", "contract"),
    "docs": ("openapi", "documentation"),
    "swagger": ("openapi",),
    # errors
    "crash": ("error", "exception"),
    "crashes": ("error", "exception"),
    "broken": ("error", "failure"),
    "fails": ("failure", "error"),
    "failing": ("failure", "error"),
    "lost": ("durability", "acknowledgement"),
    "disappeared": ("volume", "durability"),
}


def expand(words: list[str]) -> list[str]:
    """The hub's words for ``words`` (those not typed already), each once."""
    typed = set(words)
    out: list[str] = []
    for word in words:
        for synonym in SYNONYMS.get(word, ()):
            if synonym not in typed and synonym not in out:
                out.append(synonym)
    return out
