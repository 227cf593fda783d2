"""Relevance: realistic learner queries over the built-in hub, each expecting an article in the
top 3. The suite keeps this passing; change ranking only with this test green."""

from __future__ import annotations

from pathlib import Path

import pytest

from nexus_desktop.knowledge.loader import load_pack
from nexus_desktop.knowledge.model import Pack
from nexus_desktop.services.search import SearchService
from tests.conftest import CONTENT

QUERIES = [
    ("N+1 queries", "concepts/database-design/select-and-prefetch-related"),
    ("refresh token rotation", "concepts/api-design/jwt-authentication"),
    ("third normal form", "concepts/database-design/normalization"),
    ("retry a failed celery task", "technologies/celery/retries-idempotency"),
    ("multi-stage docker build", "technologies/docker/multi-stage-builds"),
    ("select_related vs prefetch_related", "concepts/database-design/select-and-prefetch-related"),
    ("EXPLAIN ANALYZE index scan", "concepts/database-design/indexing-and-explain"),
    ("cache stampede lock", "concepts/caching/cache-stampedes"),
    ("cache invalidation TTL", "concepts/caching/invalidation-and-ttl"),
    ("redis cache backend django", "concepts/caching/redis-caching"),
    ("cache_page vary_on_headers", "concepts/caching/api-response-caching"),
    ("ETag conditional request 304", "concepts/caching/api-response-caching"),
    ("load balancer round robin least connections", "concepts/system-design/load-balancing"),
    ("horizontal vs vertical scaling", "concepts/system-design/scaling"),
    ("circuit breaker", "concepts/system-design/fault-tolerance"),
    ("microservices or monolith", "concepts/system-design/monolith-vs-microservices"),
    ("API versioning URL path header", "concepts/api-design/versioning"),
    ("drf-spectacular swagger", "concepts/api-design/openapi-docs"),
    ("REST status codes problem details", "concepts/api-design/rest-resource-design"),
    ("graphql query depth limit", "concepts/api-design/graphql-endpoints"),
    ("DataLoader batching graphene", "technologies/graphql/n-plus-one-dataloader"),
    ("graphene mutation input", "technologies/graphql/mutations-and-resolvers"),
    ("DjangoObjectType schema", "technologies/graphql/schema-and-types"),
    ("ModelSerializer validation", "technologies/drf/serializers"),
    ("ModelViewSet router", "technologies/drf/views-viewsets-routers"),
    ("object level permissions", "technologies/drf/authentication-permissions"),
    ("cursor pagination throttling", "technologies/drf/pagination-filtering-throttling"),
    ("celery beat crontab schedule", "technologies/celery/beat-and-monitoring"),
    ("RabbitMQ exchange queue routing key", "technologies/celery/tasks-brokers-backends"),
    ("dead letter queue", "concepts/async-processing/task-queues-and-brokers"),
    ("send email asynchronously", "concepts/async-processing/email-and-background-jobs"),
    ("compose healthcheck depends_on", "technologies/docker/compose-volumes-networks"),
    ("non-root user dockerfile", "technologies/docker/images-and-dockerfiles"),
    ("github actions matrix cache", "technologies/cicd/github-actions-workflows"),
    ("GITHUB_TOKEN permissions OIDC", "technologies/cicd/secrets-and-deployments"),
    ("workflow yaml secrets fork pull request failing", "challenges/cicd-build-failures"),
    ("data migration RunPython", "technologies/django/migrations"),
    ("middleware order process_view", "technologies/django/middleware-and-signals"),
    ("ALLOWED_HOSTS SECRET_KEY DEBUG", "technologies/django/settings"),
    ("list_display search_fields", "technologies/django/admin"),
    ("F expressions Q objects aggregate", "technologies/django/orm"),
    ("factory_boy APIClient", "best-practices/test-driven-mindset"),
    ("CORS django-cors-headers preflight", "collaboration/working-with-frontend"),
    ("mock server Prism contract", "collaboration/api-contracts"),
    ("python-decouple env file", "challenges/dev-and-prod-environments"),
    ("HSTS CSRF secure headers", "best-practices/secure-by-design"),
    ("asyncio TaskGroup event loop", "technologies/python/async-await"),
    ("TypedDict Protocol generics", "technologies/python/typing"),
    ("pyproject.toml lock file venv", "technologies/python/environments-packaging"),
    ("dataclass dunder methods", "technologies/python/data-model"),
    ("crow's foot cardinality", "concepts/database-design/er-modelling"),
    ("AddIndexConcurrently large table", "concepts/database-design/postgresql-and-migrations"),
]


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> tuple[SearchService, Pack]:
    pack = load_pack(CONTENT)
    service = SearchService(Path(tmp_path_factory.mktemp("cache")))
    service.index_pack(pack)
    return service, pack


def test_at_least_forty_queries() -> None:
    assert len(QUERIES) >= 40


@pytest.mark.parametrize(("query", "expected"), QUERIES, ids=[q for q, _ in QUERIES])
def test_expected_article_in_top_three(
    hub: tuple[SearchService, Pack], query: str, expected: str
) -> None:
    service, pack = hub
    results = service.search(query, [pack], limit=3)
    assert expected in [hit.id for hit in results.hits], [hit.id for hit in results.hits]
