"""An on-site request's life: new → scheduled (a private event on the provider's
calendar) → done, or declined with a reason. Each step is guarded, e-mails the school
(text and HTML) and shows on the private status page; the provider's staff and the
coordinators hear of new requests through the outbox and work them in the admin queue,
each provider seeing only its own."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from events.models import Event
from providers import services
from providers.models import RequestUpdate, SessionRequest
from tests import factories
from tests.notifications.backends import broker_down
from trec.notifications import services as notifications
from trec.notifications.models import Notification

from .utils import soup

pytestmark = pytest.mark.django_db

Status = SessionRequest.Status


def at(days: int, hour: int = 9) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def html_part(message) -> str:
    return next(content for content, mimetype in message.alternatives if mimetype == "text/html")


@pytest.fixture
def provider_a():
    return factories.ProviderFactory(name="TREC Collaborative")


@pytest.fixture
def provider_b():
    return factories.ProviderFactory(name="Sonoran STEM Collaborative")


@pytest.fixture
def staff_a(provider_a):
    return factories.ProviderStaffFactory(provider=provider_a, email="staff-a@example.org")


@pytest.fixture
def staff_b(provider_b):
    return factories.ProviderStaffFactory(provider=provider_b, email="staff-b@example.org")


@pytest.fixture
def offering(provider_a):
    return factories.OfferingFactory(
        provider=provider_a,
        title="Educator resiliency PD",
        title_es="Resiliencia docente",
        durations=[("45-minute PD", 45)],
    )


@pytest.fixture
def new_request(offering):
    return factories.SessionRequestFactory(
        offering=offering, school_name="Borton Magnet Elementary", contact_email="ml@example.org"
    )


def submit(offering, **overrides):
    values = {
        "provider": offering.provider,
        "offering": offering,
        "duration": offering.durations.get(),
        "school_name": "Borton Magnet Elementary",
        "district": None,
        "contact_name": "Maria Lopez",
        "contact_email": "ml@example.org",
        "audience_size": 40,
        "preferred_dates": [(timezone.localdate() + datetime.timedelta(days=10), "morning")],
    }
    values.update(overrides)
    return services.request_submit(**values)


# --- Submitting ----------------------------------------------------------------------------


def test_submitting_emails_the_school_a_receipt_and_tells_staff_and_coordinators(
    offering, staff_a, staff_b, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        session_request = submit(offering)

    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {"ml@example.org", staff_a.email, coordinator.email}
    receipt = by_recipient["ml@example.org"]
    assert receipt.subject == "We received your request: Educator resiliency PD"
    status_url = f"/providers/requests/{session_request.token}/"
    assert status_url in receipt.body
    assert status_url in html_part(receipt)
    assert "Borton Magnet Elementary" in html_part(receipt)
    assert "account" not in receipt.body.lower()  # they have none: no preferences footer
    notice = by_recipient[staff_a.email]
    assert notice.subject == (
        "New on-site request: Educator resiliency PD at Borton Magnet Elementary"
    )
    assert f"/admin/providers/sessionrequest/{session_request.pk}/change/" in notice.body
    assert "ml@example.org" in html_part(notice)
    assert Notification.objects.filter(kind="provider_session_request").count() == 2
    row = Notification.objects.get(kind="provider_request_update")
    assert (row.recipient, row.email, row.language) == (None, "ml@example.org", "en")


def test_the_school_hears_in_the_language_it_wrote_in(
    client, offering, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(offering, language="es")

    assert SessionRequest.objects.get().language == "es"
    assert "Resiliencia docente" in mail.outbox[0].subject


def test_the_requester_email_is_sent_once_however_often_the_task_runs(
    offering, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(offering)
    row = Notification.objects.get(kind="provider_request_update")
    notifications.notifications_dispatch([row.pk, row.pk])
    notifications.notifications_dispatch([row.pk])
    assert len([m for m in mail.outbox if m.to == ["ml@example.org"]]) == 1


# --- Transitions ---------------------------------------------------------------------------


def test_scheduling_books_a_private_event_never_listed_and_tells_the_school(
    client, new_request, staff_a, django_capture_on_commit_callbacks
):
    starts = at(12, 15)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_schedule(
            session_request=new_request, starts_at=starts, minutes=50, by=staff_a, note="Room 4"
        )

    new_request.refresh_from_db()
    assert new_request.status == Status.SCHEDULED
    assert new_request.scheduled_start == starts
    event = new_request.event
    assert event.title == ("School visit: Educator resiliency PD at Borton Magnet Elementary")
    assert event.is_private
    assert event.status == Event.Status.PUBLISHED
    assert event.kind == Event.Kind.EVENT
    assert event.registration_mode == Event.RegistrationMode.NONE
    assert event.provider == new_request.provider
    session = event.sessions.get()
    assert (session.starts_at, session.ends_at) == (starts, starts + datetime.timedelta(minutes=50))
    assert (event.starts_at, event.ends_at) == (session.starts_at, session.ends_at)
    assert not Event.objects.listed().filter(pk=event.pk).exists()
    assert "School visit" not in client.get("/events/").content.decode()
    assert (
        "School visit" not in client.get(new_request.provider.get_absolute_url()).content.decode()
    )

    (message,) = mail.outbox
    assert message.to == ["ml@example.org"]
    date = starts.strftime("%B %-d, %Y")
    assert date in message.subject
    assert message.subject.startswith("Scheduled: Educator resiliency PD on")
    assert "3:00 PM" in message.body and "50 minutes" in message.body
    assert "Room 4" in html_part(message) and date in html_part(message)
    assert [(u.status, u.note, u.by) for u in new_request.updates.all()] == [
        (Status.SCHEDULED, "Room 4", staff_a)
    ]


def test_done_then_nothing_more(new_request, django_capture_on_commit_callbacks):
    services.request_schedule(session_request=new_request, starts_at=at(5), minutes=45)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_complete(session_request=new_request, note="Great group!")

    new_request.refresh_from_db()
    assert new_request.status == Status.DONE
    (message,) = [m for m in mail.outbox if m.subject.startswith("Thank you for hosting")]
    assert "Great group!" in message.body and "Great group!" in html_part(message)
    for step in (
        lambda: services.request_complete(session_request=new_request),
        lambda: services.request_schedule(session_request=new_request, starts_at=at(6), minutes=45),
        lambda: services.request_decline(session_request=new_request, reason="No"),
    ):
        with pytest.raises(ValidationError):
            step()
    assert SessionRequest.objects.get().status == Status.DONE


def test_declining_needs_a_reason_and_the_school_reads_it(
    new_request, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError):
        services.request_decline(session_request=new_request, reason="   ")

    with django_capture_on_commit_callbacks(execute=True):
        services.request_decline(
            session_request=new_request, reason="We are fully booked until March."
        )

    new_request.refresh_from_db()
    assert new_request.status == Status.DECLINED
    (message,) = mail.outbox
    assert message.subject == "About your request: Educator resiliency PD"
    assert "We are fully booked until March." in message.body
    assert "We are fully booked until March." in html_part(message)


def test_a_declined_request_cannot_be_scheduled_or_completed(new_request):
    services.request_decline(session_request=new_request, reason="Outside our area.")

    with pytest.raises(ValidationError, match="declined"):
        services.request_schedule(session_request=new_request, starts_at=at(5), minutes=45)
    with pytest.raises(ValidationError):
        services.request_complete(session_request=new_request)
    assert not Event.objects.exists()
    assert SessionRequest.objects.get().status == Status.DECLINED


def test_declining_a_scheduled_visit_cancels_its_calendar_entry(new_request):
    services.request_schedule(session_request=new_request, starts_at=at(5), minutes=45)

    services.request_decline(session_request=new_request, reason="Our presenter is ill.")

    assert Event.objects.get().status == Event.Status.CANCELLED


def test_a_request_cannot_be_scheduled_twice_or_in_the_past(new_request):
    with pytest.raises(ValidationError):
        services.request_schedule(session_request=new_request, starts_at=at(-1), minutes=45)
    services.request_schedule(session_request=new_request, starts_at=at(5), minutes=45)
    with pytest.raises(ValidationError):
        services.request_schedule(session_request=new_request, starts_at=at(6), minutes=45)
    assert Event.objects.count() == 1


# --- The private status page -----------------------------------------------------------


def test_status_page_shows_the_status_date_and_history(client, new_request, staff_a):
    services.request_schedule(
        session_request=new_request, starts_at=at(12, 15), minutes=45, by=staff_a
    )

    response = client.get(f"/providers/requests/{new_request.token}/")

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    page = soup(response)
    assert len(page.find_all("h1")) == 1
    assert page.select_one("#status-heading .badge").get_text() == "Scheduled"
    when = page.select_one(".request-when time")
    assert when["datetime"] == timezone.localtime(at(12, 15)).isoformat()
    assert at(12, 15).strftime("%B %-d, %Y") in when.get_text()
    history = [li.strong.get_text() for li in page.select(".request-history li")]
    assert history == ["Scheduled"]
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    # Staff names and e-mail addresses are not shown to the school.
    assert staff_a.email not in response.content.decode()


@pytest.mark.parametrize("updates", [1, 6])
def test_status_page_queries_are_fixed(client, new_request, django_assert_num_queries, updates):
    """Guards against a query per history row: the request (with offering, length,
    provider and district) and its history."""
    for _ in range(updates):
        RequestUpdate.objects.create(request=new_request, status=Status.NEW, note="Called")

    with django_assert_num_queries(2):
        response = client.get(f"/providers/requests/{new_request.token}/")
    assert len(soup(response).select(".request-history li")) == updates


def test_a_wrong_or_truncated_token_is_404(client, new_request):
    assert client.get("/providers/requests/not-the-token/").status_code == 404
    assert client.get(f"/providers/requests/{new_request.token[:-1]}/").status_code == 404
    assert client.get(f"/providers/requests/{new_request.token[:-1]}x/thanks/").status_code == 404


def test_declined_status_page_gives_the_reason(client, new_request):
    services.request_decline(session_request=new_request, reason="Outside our area.")

    page = soup(client.get(f"/providers/requests/{new_request.token}/"))

    assert page.select_one("#status-heading .badge").get_text() == "Declined"
    assert "Outside our area." in page.select_one(".request-status").get_text()


# --- E-mails that waited out a broker outage -----------------------------------------------


def test_beat_sends_the_school_email_that_the_broker_could_not_take(
    offering, django_capture_on_commit_callbacks
):
    """Redis was down when the school sent its request: the step succeeded, the e-mail
    waited in the outbox; the sweep sends it once, a little later, and never again."""
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        submit(offering)
    assert [m.to for m in mail.outbox if m.to == ["ml@example.org"]] == []
    row = Notification.objects.get(kind="provider_request_update")
    assert row.status == "pending" and row.enqueued_at is None

    later = timezone.now() + datetime.timedelta(minutes=2)
    assert notifications.outbox_sweep() == 0  # too soon: the worker may be on it
    assert notifications.outbox_sweep(now=later) >= 1
    assert notifications.outbox_sweep(now=later) == 0  # sent: nothing left to sweep
    receipts = [m for m in mail.outbox if m.to == ["ml@example.org"]]
    assert len(receipts) == 1
    assert receipts[0].subject == "We received your request: Educator resiliency PD"
