"""Database unreachable (Postgres restarting): a friendly 503 page, at once, and the hub
answers again by itself as soon as the database does. Nothing is half-saved.

The outage is simulated by making every SQL statement fail the way psycopg and sqlite3
do when the server has gone (OperationalError); bench/drills/pg_restart.py restarts the
real Postgres under load.
"""

import contextlib
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import reverse

from events.models import Registration
from tests import factories

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def database_down():
    error = OperationalError("server closed the connection unexpectedly")
    with (
        mock.patch.object(CursorWrapper, "execute", side_effect=error),
        mock.patch.object(CursorWrapper, "executemany", side_effect=error),
    ):
        yield


def assert_friendly_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    soup = BeautifulSoup(response.content, "html.parser")
    assert [h1.get_text(strip=True) for h1 in soup.find_all("h1")] == [
        "The hub is busy for a moment"
    ]
    assert soup.find("main", id="main-content")
    return soup


def test_catalog_answers_503_while_the_database_is_down_and_recovers(client):
    event = factories.EventFactory(title="Trauma-Informed Classrooms")

    with database_down():
        response = client.get("/events/?q=trauma")
    soup = assert_friendly_503(response)
    # "Try again" reloads the same page.
    assert soup.find("a", string="Try again")["href"] == "/events/?q=trauma"

    response = client.get("/events/?q=trauma")
    assert response.status_code == 200
    assert event.title in response.content.decode()


def test_the_503_page_fails_fast_on_the_first_statement(client, django_assert_num_queries):
    """The view's first statement fails; the 503 page itself asks the database nothing
    (no session, no user, no context processors), so no second attempt is made."""
    factories.EventFactory()
    with database_down(), django_assert_num_queries(1):
        assert_friendly_503(client.get("/events/"))


def test_registering_while_the_database_is_down_saves_nothing_and_works_after(client, educator):
    event = factories.EventFactory(title="Early Literacy Webinar", capacity=10)
    client.force_login(educator)
    url = reverse("events:register", kwargs={"slug": event.slug})

    with database_down():
        response = client.post(url)
    soup = assert_friendly_503(response)
    assert soup.find("a", string="Try again")["href"] == "/"  # never re-sends a POST
    assert not Registration.objects.filter(event=event).exists()

    response = client.post(url)
    assert response.status_code == 302
    assert Registration.objects.get(event=event, user=educator).status == "confirmed"


def test_an_outage_outside_the_view_gets_the_same_page(educator):
    """Saving the session happens after the view, in a middleware: the 500 handler
    recognises the outage and answers 503 too."""
    client = Client(raise_request_exception=False)
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.save",
        side_effect=OperationalError("the database system is shutting down"),
    ):
        response = client.post(
            "/accounts/login/", {"login": educator.email, "password": factories.PASSWORD}
        )
    assert_friendly_503(response)


def test_other_server_errors_still_get_the_500_page(educator):
    client = Client(raise_request_exception=False)
    with mock.patch("events.views.catalog_page", side_effect=RuntimeError("a bug")):
        response = client.get("/events/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_the_503_page_is_translated(client):
    factories.EventFactory()
    with database_down():
        response = client.get("/events/", headers={"accept-language": "es"})
    assert response.status_code == 503
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.html["lang"] == "es"


def test_the_connection_dying_right_after_the_registration_commits_still_says_registered(
    client, educator, django_capture_on_commit_callbacks
):
    """Found by the Postgres restart drill: the registration committed, then handing its
    confirmation to the broker hit the dying connection. The error must be logged and
    the message left in the outbox for the sweep, not turned into a 500 for someone who
    is in fact registered."""
    from trec.notifications import tasks
    from trec.notifications.models import Notification

    event = factories.EventFactory(title="Early Literacy Webinar", capacity=10)
    client.force_login(educator)
    url = reverse("events:register", kwargs={"slug": event.slug})
    with (
        mock.patch.object(
            tasks.send_notification,
            "apply_async",
            side_effect=OperationalError("terminating connection due to administrator command"),
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(url)
    assert response.status_code == 302
    assert Registration.objects.get(event=event, user=educator).status == "confirmed"
    assert Notification.objects.get(recipient=educator).status == "pending"  # the sweep's
