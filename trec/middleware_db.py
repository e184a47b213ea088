"""A friendly 503 when the database is unreachable (issue 11, "Postgres restarted").

While Postgres restarts, every query fails at once (connection refused, "the database
system is shutting down", a connection that died under us). Without this the visitor
gets the generic 500 page and an error report is raised per request. With it they get a
short "back in a moment" page with `Retry-After`, the failure is logged once per
request as a warning, and Django's connection health checks
(`CONN_HEALTH_CHECKS`) drop the broken connection so the next request reconnects by
itself as soon as the database is back.

The page is rendered without touching the database: no context processors, no user.
Errors raised outside the view (a middleware saving the session) reach the 500 handler,
which asks `is_database_outage()` and answers with the same page.
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
OUTAGE_ERRORS = (OperationalError, InterfaceError)


def is_database_outage(exception: BaseException | None = None) -> bool:
    """True when this exception (default: the one being handled) means the database
    cannot be reached or its connection broke."""
    if exception is None:
        exception = sys.exc_info()[1]
    return isinstance(exception, OUTAGE_ERRORS)


def database_unavailable(request) -> HttpResponse:
    """The 503 page: static, translated, no database access."""
    retry_url = request.get_full_path() if request.method in ("GET", "HEAD") else "/"
    html = loader.get_template("503.html").render(
        {"HUB_NAME": settings.HUB_NAME, "retry_url": retry_url}
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_outage(exception):
            return None
        logger.warning(
            "database unavailable for %s %s: %r", request.method, request.path, exception
        )
        return database_unavailable(request)
