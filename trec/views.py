import datetime
import logging
from email.utils import parseaddr

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .middleware_db import database_unavailable, is_database_outage
from .selectors import home_sections

logger = logging.getLogger(__name__)


def home(request):
    """Who: everyone. What is on, communities, the gratitude wall and impact highlights."""
    return render(request, "home.html", home_sections())


ACCESSIBILITY_REVIEWED = datetime.date(2026, 11, 25)


def accessibility(request):
    """Who: everyone. The accessibility statement: target, how it is tested, known
    exceptions and how to report a barrier."""
    context = {
        "contact_email": parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        "reviewed": ACCESSIBILITY_REVIEWED,
    }
    return render(request, "pages/accessibility.html", context)


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_redis() -> None:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()


def service_status() -> tuple[str, dict[str, str]]:
    """("ok" | "degraded" | "unavailable", {"database": "ok" | "down", "redis": ...}).
    Unavailable when the database does not answer; degraded when only Redis is down,
    because the hub keeps serving without it (the cache degrades and e-mails wait in
    the outbox)."""
    checks = {"database": _check_database}
    if settings.REDIS_URL:
        checks["redis"] = _check_redis
    results = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as exc:  # any failure means "down"; the reason goes to the log
            logger.warning("service status: %s is down: %s", name, exc)
            results[name] = "down"
        else:
            results[name] = "ok"
    if results["database"] != "ok":
        return "unavailable", results
    if all(state == "ok" for state in results.values()):
        return "ok", results
    return "degraded", results


@never_cache
@require_GET
def healthz(request):
    """Who: everyone (load balancers). JSON; 503 only when the database is down."""
    status, results = service_status()
    return JsonResponse(
        {"status": status, "checks": results}, status=503 if status == "unavailable" else 200
    )


@never_cache
@require_GET
def status(request):
    """Who: everyone. The service status for people: what works right now, in words
    (/healthz says the same for machines)."""
    state, results = service_status()
    context = {"state": state, "checked_at": timezone.now(), "results": results}
    return render(
        request, "pages/status.html", context, status=503 if state == "unavailable" else 200
    )


def ping(request):
    """Who: everyone. The cheapest Django response: the baseline for `make bench`."""
    return HttpResponse("pong", content_type="text/plain")


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors that touch the database: the database may be the problem.
    if is_database_outage():  # raised outside a view (e.g. saving the session)
        return database_unavailable(request)

    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"HUB_NAME": settings.HUB_NAME}))
