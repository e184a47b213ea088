import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from tests import factories

REQUIRE_POSTGRES = os.environ.get("TREC_REQUIRE_POSTGRES") == "1"
REQUIRE_REDIS = os.environ.get("TREC_REQUIRE_REDIS") == "1"


def pytest_collection_modifyitems(config, items):
    if REQUIRE_POSTGRES and not settings.USING_POSTGRES:
        raise pytest.UsageError(
            "TREC_REQUIRE_POSTGRES=1 but DATABASE_URL does not point at PostgreSQL."
        )
    if REQUIRE_REDIS and not settings.REDIS_URL:
        raise pytest.UsageError("TREC_REQUIRE_REDIS=1 but REDIS_URL is not set.")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (the suite runs on SQLite)")
    skip_redis = pytest.mark.skip(reason="needs Redis (REDIS_URL is not set)")
    for item in items:
        if "postgres" in item.keywords and not settings.USING_POSTGRES:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(skip_redis)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = terminalreporter.stats.get("skipped", [])
    pg = sum(1 for report in skipped if "postgres" in report.keywords)
    redis = sum(1 for report in skipped if "redis" in report.keywords)
    database = "PostgreSQL" if settings.USING_POSTGRES else "SQLite"
    terminalreporter.write_line(
        f"TREC Hub: database {database}; {pg} Postgres-only test(s) skipped; "
        f"{redis} Redis-only test(s) skipped."
    )


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate limits and cached fragments never leak from one test into another."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A Spanish page fetched in one test never leaves Spanish active for the next
    (LocaleMiddleware activates the request's language on the test's thread)."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def educator(db):
    return factories.EducatorFactory()


@pytest.fixture
def coordinator(db):
    return factories.CoordinatorFactory()
