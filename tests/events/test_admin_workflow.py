"""A listing's life in the back office: provider staff save (→ submitted, never
published by them), coordinators approve or return with a comment (the provider is
e-mailed), cancelling e-mails the registrants, and more seats promote people waiting."""

import datetime

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import Event, EventSession, Registration
from tests import factories
from tests.events.test_admin_scoping import form_data, soup

WAITING = Registration.Status.WAITLISTED


def messages_on(response) -> str:
    return " ".join(li.get_text(" ", strip=True) for li in soup(response).select(".messagelist li"))


def html_part(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


@pytest.fixture
def provider(db):
    return factories.ProviderFactory(
        name="Sonoran Early Learning", contact_email="office@sonoran.example.org"
    )


@pytest.fixture
def staff(provider):
    return factories.ProviderStaffFactory(provider=provider, email="lena@sonoran.example.org")


def change_url(event) -> str:
    return reverse("admin:events_event_change", args=[event.pk])


def save_change_form(client, event, **changes):
    """Open the event's change form and save it as a browser would, with `changes`."""
    response = client.get(change_url(event))
    assert response.status_code == 200
    data = form_data(response)
    data.update(changes)
    return client.post(change_url(event), data, follow=True)


@pytest.mark.django_db
def test_provider_staff_list_a_new_event_and_it_goes_for_review(client, staff, provider):
    topic = factories.TopicFactory(name="Early literacy")
    client.force_login(staff)
    add_url = reverse("admin:events_event_add")
    data = form_data(client.get(add_url))
    start = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    data.update(
        {
            "title": "Storytime Strategies",
            "slug": "storytime-strategies",
            "summary": "Read-alouds that build vocabulary.",
            "topics": [topic.pk],
            "audience_roles": ["teacher", "aide"],
            "capacity": "25",
            "sessions-0-starts_at": f"{start}T16:00",  # as a datetime-local input sends it
            "sessions-0-ends_at": f"{start}T18:00",
        }
    )
    data["slug"] = ""  # without the page's script: made from the title
    response = client.post(add_url, data, follow=True)
    assert response.status_code == 200
    assert "sent to the hub's coordinators for review" in messages_on(response)

    event = Event.objects.get(title="Storytime Strategies")
    assert event.slug == "storytime-strategies"
    assert event.provider == provider
    assert event.status == Event.Status.SUBMITTED
    assert event.created_by == staff
    assert event.audience_roles == ["teacher", "aide"]
    assert list(event.topics.all()) == [topic]
    session = event.sessions.get()
    assert timezone.localtime(session.starts_at).hour == 16
    assert event.starts_at == session.starts_at and event.ends_at == session.ends_at


@pytest.mark.django_db
def test_provider_staff_cannot_set_the_status(client, staff, provider):
    draft = factories.EventFactory(provider=provider, status=Event.Status.DRAFT)
    client.force_login(staff)
    page = soup(client.get(change_url(draft)))
    assert page.find(attrs={"name": "status"}) is None, "status is read-only for provider staff"

    response = save_change_form(client, draft, status=Event.Status.PUBLISHED)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == Event.Status.SUBMITTED
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_published_event_edited_by_its_provider_stays_published(client, staff, provider):
    event = factories.EventFactory(provider=provider, title="Family Math Night")
    starts = event.sessions.get().starts_at
    client.force_login(staff)
    page = soup(client.get(change_url(event)))
    shown = page.find("input", {"name": "sessions-0-starts_at"})["value"]
    assert shown == timezone.localtime(starts).strftime("%Y-%m-%dT%H:%M"), "in Arizona time"

    save_change_form(client, event, title="Family Math Night (new room)")
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert event.title == "Family Math Night (new room)"
    assert event.sessions.get().starts_at == starts, "saving the form moves no session"


@pytest.mark.django_db
def test_a_returned_listing_shows_the_comment_and_saving_resubmits_it(client, staff, provider):
    returned = factories.EventFactory(
        provider=provider,
        status=Event.Status.DRAFT,
        review_comment="Please add the venue's address and parking details.",
    )
    client.force_login(staff)
    notice = soup(client.get(change_url(returned))).select_one(".review-notice")
    assert notice is not None
    assert "A coordinator returned this listing" in notice.get_text()
    assert "parking details" in notice.get_text()

    save_change_form(client, returned, address="1 University Blvd, Tucson, AZ")
    returned.refresh_from_db()
    assert returned.status == Event.Status.SUBMITTED
    assert ".review-notice" not in client.get(change_url(returned)).content.decode()


@pytest.mark.django_db
def test_coordinators_bulk_approve_and_the_providers_are_emailed(
    client, coordinator, staff, provider, django_capture_on_commit_callbacks
):
    first = factories.EventFactory(provider=provider, status=Event.Status.SUBMITTED)
    second = factories.EventFactory(provider=provider, status=Event.Status.SUBMITTED)
    cancelled = factories.EventFactory(provider=provider, status=Event.Status.CANCELLED)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:events_event_changelist"),
            {
                "action": "approve_and_publish",
                "_selected_action": [first.pk, second.pk, cancelled.pk],
                "index": 0,
            },
            follow=True,
        )
    assert "Published 2 listings" in messages_on(response)
    assert "1 listing was skipped" in messages_on(response)
    for event in (first, second):
        event.refresh_from_db()
        assert event.status == Event.Status.PUBLISHED and event.published_at
    cancelled.refresh_from_db()
    assert cancelled.status == Event.Status.CANCELLED

    # One message per event to each of the provider's people and its contact address.
    assert len(mail.outbox) == 4
    about_first = [m for m in mail.outbox if first.title in m.subject]
    assert sorted(m.to[0] for m in about_first) == [
        "lena@sonoran.example.org",
        "office@sonoran.example.org",
    ]
    message = about_first[0]
    assert message.subject == f"Your listing is live: {first.title}"
    assert first.get_absolute_url() in message.body
    assert first.get_absolute_url() in html_part(message)
    preferences = reverse("accounts:profile") + "#notifications"
    assert "notification preferences" in message.body
    assert preferences in message.body
    assert preferences in html_part(message)


@pytest.mark.django_db
def test_coordinators_return_listings_with_a_comment(
    client, coordinator, staff, provider, django_capture_on_commit_callbacks
):
    submitted = factories.EventFactory(
        provider=provider, status=Event.Status.SUBMITTED, title="Calm Classrooms"
    )
    client.force_login(coordinator)
    changelist = reverse("admin:events_event_changelist")
    picked = {"action": "return_to_provider", "_selected_action": [submitted.pk], "index": 0}

    # The action first asks for the comment on an intermediate page.
    response = client.post(changelist, picked)
    assert response.status_code == 200
    page = soup(response)
    assert page.find("textarea", {"name": "comment"}) is not None
    assert "Calm Classrooms" in page.get_text()

    # An empty comment is refused and nothing is returned.
    confirm = {"action": "return_to_provider", "_selected_action": [submitted.pk], "apply": "yes"}
    response = client.post(changelist, {**confirm, "comment": "   "})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Event.Status.SUBMITTED
    assert mail.outbox == []

    comment = "The summary promises credit hours; please state how many PD hours it offers."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(changelist, {**confirm, "comment": comment}, follow=True)
    assert "Returned 1 listing to its provider" in messages_on(response)
    submitted.refresh_from_db()
    assert submitted.status == Event.Status.DRAFT
    assert submitted.review_comment == comment
    assert {m.to[0] for m in mail.outbox} == {
        "lena@sonoran.example.org",
        "office@sonoran.example.org",
    }
    message = mail.outbox[0]
    assert message.subject == "Changes requested: Calm Classrooms"
    assert comment in message.body
    assert "state how many PD hours" in html_part(message)
    assert "#notifications" in message.body


@pytest.mark.django_db
def test_a_coordinator_publishing_through_the_form_emails_the_provider(
    client, coordinator, staff, provider, django_capture_on_commit_callbacks
):
    event = factories.EventFactory(provider=provider, status=Event.Status.SUBMITTED)
    client.force_login(coordinator)
    status = soup(client.get(change_url(event))).find("select", {"name": "status"})
    choices = {option["value"] for option in status.find_all("option")}
    assert "cancelled" not in choices, "cancelling has its own page, which warns first"
    with django_capture_on_commit_callbacks(execute=True):
        response = save_change_form(client, event, status=Event.Status.PUBLISHED)
    assert "is published; the provider has been e-mailed" in messages_on(response)
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED and event.published_at
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_submissions_whose_sessions_have_all_ended_cannot_be_published(
    client, coordinator, provider, django_capture_on_commit_callbacks
):
    stale = factories.EventFactory(
        provider=provider,
        title="Fall Literacy Night",
        status=Event.Status.SUBMITTED,
        sessions=[(factories.in_days(-9), factories.in_days(-9, hour=18))],
    )
    current = factories.EventFactory(provider=provider, status=Event.Status.SUBMITTED)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:events_event_changelist"),
            {"action": "approve_and_publish", "_selected_action": [stale.pk, current.pk]},
            follow=True,
        )
    refusal = (
        "“Fall Literacy Night” cannot be published: all its sessions have ended. "
        "Return it to the provider to add upcoming dates."
    )
    assert refusal in messages_on(response)
    assert "Published 1 listing" in messages_on(response)
    stale.refresh_from_db()
    current.refresh_from_db()
    assert stale.status == Event.Status.SUBMITTED
    assert current.status == Event.Status.PUBLISHED
    assert [m.subject for m in mail.outbox] == [f"Your listing is live: {current.title}"] * len(
        mail.outbox
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = save_change_form(client, stale, status=Event.Status.PUBLISHED)
    assert refusal in messages_on(response)
    assert "is published" not in messages_on(response)
    stale.refresh_from_db()
    assert stale.status == Event.Status.SUBMITTED

    # Moved to upcoming dates in the same save, it is published.
    day = factories.in_days(5).date().isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        response = save_change_form(
            client,
            stale,
            status=Event.Status.PUBLISHED,
            **{"sessions-0-starts_at": f"{day}T16:00", "sessions-0-ends_at": f"{day}T18:00"},
        )
    assert "is published; the provider has been e-mailed" in messages_on(response)
    stale.refresh_from_db()
    assert stale.status == Event.Status.PUBLISHED


@pytest.mark.django_db
def test_cancelling_emails_every_active_registrant_once(
    client, staff, provider, django_capture_on_commit_callbacks
):
    event = factories.EventFactory(provider=provider, capacity=2, title="Outdoor Learning Day")
    confirmed = [factories.RegistrationFactory(event=event) for _ in range(2)]
    waiting = factories.RegistrationFactory(event=event, status=WAITING, queue_number=1)
    gone = factories.RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    client.force_login(staff)
    cancel_url = reverse("admin:events_event_cancel", args=[event.pk])

    # The change form links to the confirmation page, which says who will be told.
    assert cancel_url in client.get(change_url(event)).content.decode()
    page = client.get(cancel_url).content.decode()
    assert "3 people registered or waiting will be e-mailed" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            cancel_url, {"reason": "The park is closed for repairs."}, follow=True
        )
    assert "3 registrants were e-mailed" in messages_on(response)
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    told = [m for m in mail.outbox if m.extra_headers["X-TREC-Notification"] == "event_cancelled"]
    recipients = sorted(m.to[0] for m in told)
    expected = sorted(r.user.email for r in [*confirmed, waiting])
    assert recipients == expected
    assert gone.user.email not in recipients
    message = told[0]
    assert message.subject == "Cancelled: Outdoor Learning Day"
    assert "The park is closed for repairs." in message.body
    assert "The park is closed for repairs." in html_part(message)

    # The provider's staff hear it too (a coordinator may have cancelled it).
    provider_told = {m.to[0] for m in mail.outbox} - set(recipients)
    assert staff.email in provider_told
    # Cancelling twice e-mails nobody again, and the link is gone.
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(cancel_url, {"reason": ""})
    assert len(mail.outbox) == sent
    assert cancel_url not in client.get(change_url(event)).content.decode()


@pytest.mark.django_db
def test_more_seats_promote_people_from_the_waiting_list(client, staff, provider):
    event = factories.EventFactory(provider=provider, capacity=2)
    for _ in range(2):
        factories.RegistrationFactory(event=event)
    first, second, third = (
        factories.RegistrationFactory(event=event, status=WAITING, queue_number=n)
        for n in (1, 2, 3)
    )
    client.force_login(staff)

    response = save_change_form(client, event, capacity="3")
    assert "1 person moved from the waiting list" in messages_on(response)
    for registration in (first, second, third):
        registration.refresh_from_db()
    assert first.status == Registration.Status.CONFIRMED
    assert (second.status, third.status) == (WAITING, WAITING)

    # Unlimited seats: everyone waiting gets one.
    save_change_form(client, event, capacity="")
    assert not event.registrations.filter(status=WAITING).exists()
    assert event.registrations.filter(status=Registration.Status.CONFIRMED).count() == 5


@pytest.mark.django_db
def test_capacity_cannot_drop_below_the_confirmed_count(client, staff, provider):
    event = factories.EventFactory(provider=provider, capacity=10, title="Read-Aloud Lab")
    for _ in range(8):
        factories.RegistrationFactory(event=event)
    factories.RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    client.force_login(staff)

    response = save_change_form(client, event, capacity="3", title="Read-Aloud Lab II")
    page = soup(response)
    assert "8 people are confirmed: capacity must be at least 8." in page.get_text()
    assert page.find("input", {"name": "title"})["value"] == "Read-Aloud Lab II"  # kept
    event.refresh_from_db()
    assert (event.capacity, event.title) == (10, "Read-Aloud Lab")

    response = save_change_form(client, event, capacity="8")
    assert "capacity must be at least" not in response.content.decode()
    event.refresh_from_db()
    assert event.capacity == 8


@pytest.mark.django_db
def test_a_session_must_end_after_it_starts(client, staff, provider):
    event = factories.EventFactory(provider=provider)
    client.force_login(staff)
    day = timezone.localtime(event.sessions.get().starts_at).date().isoformat()
    response = save_change_form(
        client,
        event,
        **{
            "sessions-0-starts_at": f"{day}T18:00",
            "sessions-0-ends_at": f"{day}T17:00",
        },
    )
    assert "A session must end after it starts." in response.content.decode()
    assert timezone.localtime(EventSession.objects.get(event=event).starts_at).hour == 16


@pytest.mark.django_db
def test_provider_staff_approve_and_decline_pending_registrations(client, staff, provider):
    event = factories.EventFactory(provider=provider, capacity=1, requires_approval=True)
    pending = [
        factories.RegistrationFactory(event=event, status=Registration.Status.PENDING)
        for _ in range(3)
    ]
    client.force_login(staff)
    changelist = reverse("admin:events_registration_changelist")
    response = client.post(
        changelist,
        {"action": "approve_pending", "_selected_action": [r.pk for r in pending[:2]], "index": 0},
        follow=True,
    )
    assert "Approved 1; 1 went to the waiting list" in messages_on(response)
    client.post(
        changelist,
        {"action": "decline_pending", "_selected_action": [pending[2].pk], "index": 0},
    )
    statuses = [Registration.objects.get(pk=r.pk).status for r in pending]
    assert statuses == [
        Registration.Status.CONFIRMED,
        Registration.Status.WAITLISTED,
        Registration.Status.DECLINED,
    ]
    # The list shows the waiting-list position without a query per row.
    page = soup(client.get(changelist, {"status__exact": "waitlisted"}))
    assert page.select_one("#result_list td.field-waitlist_position").get_text() == "1"
    # Approving a declined registration reverses the decline (the event is full: waiting).
    client.post(
        changelist,
        {"action": "approve_pending", "_selected_action": [pending[2].pk], "index": 0},
    )
    assert Registration.objects.get(pk=pending[2].pk).status == Registration.Status.WAITLISTED


@pytest.mark.django_db
def test_coordinators_register_someone_by_the_catalog_rules(client, coordinator, provider):
    full = factories.EventFactory(provider=provider, capacity=1)
    factories.RegistrationFactory(event=full)
    draft = factories.EventFactory(provider=provider, status=Event.Status.DRAFT)
    walk_in = factories.EducatorFactory()
    client.force_login(coordinator)
    add_url = reverse("admin:events_registration_add")

    response = client.post(add_url, {"user": walk_in.pk, "event": draft.pk})
    assert "not open for registration" in response.content.decode()
    assert not Registration.objects.filter(user=walk_in).exists()

    response = client.post(add_url, {"user": walk_in.pk, "event": full.pk}, follow=True)
    assert response.status_code == 200
    registration = Registration.objects.get(user=walk_in, event=full)
    assert registration.status == WAITING and registration.waitlist_position == 1
    # The page logs and links the registration the service made.
    assert "was added successfully" in messages_on(response)
    assert LogEntry.objects.get(action_flag=ADDITION).object_id == str(registration.pk)


@pytest.mark.django_db
def test_each_provider_staff_member_hears_of_an_approval_in_their_own_language(
    provider, staff, django_capture_on_commit_callbacks
):
    """The coordinator works in English; Spanish-speaking staff still read Spanish, and
    the organisation's contact address gets the hub's default language."""
    from events.services import event_approve

    factories.ProviderStaffFactory(
        provider=provider, email="rosa@sonoran.example.org", preferred_language="es"
    )
    event = factories.EventFactory(
        provider=provider, title="Calm Classrooms", status=Event.Status.SUBMITTED
    )
    with django_capture_on_commit_callbacks(execute=True):
        event_approve(event=event)

    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {
        "lena@sonoran.example.org": "Your listing is live: Calm Classrooms",
        "office@sonoran.example.org": "Your listing is live: Calm Classrooms",
        "rosa@sonoran.example.org": "Su anuncio está publicado: Calm Classrooms",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "subject"),
    [
        (Event.Status.DRAFT, "On hold: Calm Classrooms"),
        (Event.Status.ARCHIVED, "No longer offered: Calm Classrooms"),
    ],
)
def test_unpublishing_through_the_status_field_asks_first_and_tells_the_registrants(
    client, coordinator, staff, provider, django_capture_on_commit_callbacks, status, subject
):
    event = factories.EventFactory(provider=provider, title="Calm Classrooms")
    registrants = [factories.RegistrationFactory(event=event) for _ in range(2)]
    waiting = factories.RegistrationFactory(event=event, status=WAITING, queue_number=1)
    factories.RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    client.force_login(coordinator)

    # Unticked: refused with the count, nothing changes and nobody is e-mailed.
    with django_capture_on_commit_callbacks(execute=True):
        response = save_change_form(client, event, status=status)
    page = soup(response)
    assert "3 people are registered or waiting" in page.get_text(" ")
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = save_change_form(client, event, status=status, tell_registrants="on")
    assert "is off the catalog; 3 registrants were e-mailed" in messages_on(response)
    event.refresh_from_db()
    assert event.status == status
    told = [m for m in mail.outbox if m.extra_headers["X-TREC-Notification"] == "event_withdrawn"]
    assert sorted(m.to[0] for m in told) == sorted(r.user.email for r in [*registrants, waiting])
    assert {m.subject for m in told} == {subject}

    # Published again and saved without a status change: no question, nobody told.
    mail.outbox.clear()
    Event.objects.filter(pk=event.pk).update(status=Event.Status.PUBLISHED)
    with django_capture_on_commit_callbacks(execute=True):
        response = save_change_form(client, event, summary="Quieter rooms.")
    assert Event.objects.get(pk=event.pk).status == Event.Status.PUBLISHED
    assert not [
        m for m in mail.outbox if m.extra_headers["X-TREC-Notification"] == "event_withdrawn"
    ]


@pytest.mark.django_db
def test_archiving_an_event_that_has_ended_asks_nothing_and_tells_nobody(
    client, coordinator, provider, django_capture_on_commit_callbacks
):
    event = factories.EventFactory(provider=provider)
    factories.RegistrationFactory(event=event)
    past = timezone.now() - datetime.timedelta(days=30)
    event.sessions.update(starts_at=past, ends_at=past + datetime.timedelta(hours=2))
    Event.objects.filter(pk=event.pk).update(
        starts_at=past, ends_at=past + datetime.timedelta(hours=2)
    )
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = save_change_form(client, event, status=Event.Status.ARCHIVED)
    assert "is off the catalog." in messages_on(response)
    assert "e-mailed" not in messages_on(response)
    assert Event.objects.get(pk=event.pk).status == Event.Status.ARCHIVED
    assert mail.outbox == []
