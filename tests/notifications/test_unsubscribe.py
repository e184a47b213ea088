"""One-click unsubscribe (RFC 8058): optional mail carries List-Unsubscribe and
List-Unsubscribe-Post; a mail client's POST switches it off without a sign-in; mail a
person needs (account e-mails, school-visit steps) carries no such header."""

import pytest
from django.core import mail

from events import services as events
from tests import factories
from trec.notifications.models import Notification, Unsubscribed

from .factories import published_with_registrant
from .test_one_road import account_email, approved_post

pytestmark = pytest.mark.django_db


def link_of(message) -> str:
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http") and header.endswith(">")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    return header[1:-1].removeprefix("http://127.0.0.1:8000")


def test_one_click_switches_off_that_kind_of_mail_for_the_account(
    client, django_capture_on_commit_callbacks
):
    provider = factories.ProviderFactory()
    event = published_with_registrant(provider)
    staff = factories.ProviderStaffFactory(provider=provider)
    with django_capture_on_commit_callbacks(execute=True):
        events.registrants_email(event=event, subject="Room", body="Room 12.", sender=staff)
    (message,) = [m for m in mail.outbox if m.to == ["ed@x.org"]]
    link = link_of(message)

    page = client.get(link)
    assert page.status_code == 200 and "Unsubscribe" in page.content.decode()
    response = client.post(link, {"List-Unsubscribe": "One-Click"})  # no cookies, no CSRF
    assert response.status_code == 200
    educator = Notification.objects.get(kind="staff_message").recipient
    educator.refresh_from_db()
    assert educator.notify_updates is False and educator.notify_reminders is True
    assert client.post(link).status_code == 200  # twice: still fine


def test_a_bare_address_unsubscribes_from_optional_mail_and_gets_no_more(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approved_post()
    (message,) = mail.outbox
    client.post(link_of(message))
    assert Unsubscribed.objects.filter(email="rivera@school.org").exists()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approved_post()  # thanked again on another wall
    assert mail.outbox == []
    assert Notification.objects.filter(status="skipped", email="rivera@school.org").exists()


def test_transactional_mail_has_no_unsubscribe_header(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        account_email()
    (message,) = mail.outbox
    assert "List-Unsubscribe" not in message.extra_headers


def test_a_forged_link_is_a_404(client):
    assert client.post("/notifications/unsubscribe/forged/").status_code == 404
