"""The coordinators' review desk: the queue (submitted on, waiting time, provider, what
changed since the last approval), approving and returning from it, who hears of a
submission (at once or in a daily digest), and the audit trail of each step."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events import review_mail, services
from events.models import Event, Registration
from events.review import listing_changes, waiting_phrase
from tests import factories
from tests.events.test_admin_scoping import form_data, soup
from tests.factories import in_days
from trec.notifications.models import Notification

pytestmark = pytest.mark.django_db

QUEUE = "admin:events_event_review"


def queue_url() -> str:
    return reverse(QUEUE)


def messages_on(response) -> str:
    return " ".join(li.get_text(" ", strip=True) for li in soup(response).select(".messagelist li"))


@pytest.fixture
def provider():
    return factories.ProviderFactory(name="Sonoran Early Learning")


@pytest.fixture
def staff(provider):
    return factories.ProviderStaffFactory(
        provider=provider, email="lena@sonoran.example.org", first_name="Lena", last_name="Ortiz"
    )


@pytest.fixture
def coordinator():
    return factories.CoordinatorFactory(
        email="rosa@trec.example.org", first_name="Rosa", last_name="Parra"
    )


def submitted(provider, *, days_ago: float = 0, **kwargs) -> Event:
    event = factories.EventFactory(
        provider=provider, status=Event.Status.DRAFT, published_at=None, **kwargs
    )
    services.event_submit(event=event)
    Event.objects.filter(pk=event.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    event.refresh_from_db()
    return event


def card(response, event):
    return soup(response).select_one(f"#listing-{event.pk}")


def approve(client, event):
    event.refresh_from_db()
    return client.post(
        reverse("admin:events_event_review_approve", args=[event.pk]),
        {"stamp": stamp_of(event)},
        follow=True,
    )


def stamp_of(event) -> str:
    from trec.notifications.kinds import stamp

    return stamp(event.updated_at)


# --- The queue ------------------------------------------------------------------------


def test_the_queue_lists_submissions_longest_waiting_first(client, provider, coordinator):
    recent = submitted(provider, title="Math Talks", days_ago=0.2)
    oldest = submitted(provider, title="Storytime Strategies", days_ago=3.5)
    factories.EventFactory(provider=provider, title="Already Live")  # published
    client.force_login(coordinator)

    response = client.get(queue_url())

    assert response.status_code == 200
    titles = [h2.get_text(strip=True) for h2 in soup(response).select(".review-desk article h2")]
    assert titles == ["Storytime Strategies", "Math Talks"]
    text = card(response, oldest).get_text(" ", strip=True)
    assert "Sonoran Early Learning" in text
    assert "waiting 3 days" in text
    assert "New listing: it has never been approved" in text
    assert "waiting 4 hours" in card(response, recent).get_text(" ", strip=True)


def test_the_desk_is_linked_from_the_admin_home_and_the_events_list(client, provider, coordinator):
    submitted(provider)
    client.force_login(coordinator)
    home = soup(client.get(reverse("admin:index")))
    link = home.select_one(f"#desk-shortcuts a[href='{queue_url()}']")
    assert link is not None and link.get_text(strip=True) == "Review desk"
    assert "1 waiting" in home.select_one("#desk-shortcuts").get_text(" ", strip=True)
    assert home.select_one(f"#desk-shortcuts a[href='{reverse('admin:audit_log')}']")
    listing = soup(client.get(reverse("admin:events_event_changelist")))
    assert listing.select_one(f".object-tools a[href='{queue_url()}']") is not None


def test_provider_staff_do_not_see_the_desk(client, provider, staff):
    submitted(provider)
    client.force_login(staff)
    assert client.get(queue_url()).status_code == 404
    home = soup(client.get(reverse("admin:index")))
    assert home.select_one("#desk-shortcuts") is None
    listing = soup(client.get(reverse("admin:events_event_changelist")))
    assert listing.select_one(f".object-tools a[href='{queue_url()}']") is None


def test_waiting_phrases():
    now = timezone.now()
    assert waiting_phrase(now - datetime.timedelta(days=1, hours=2), now=now) == "waiting 1 day"
    assert waiting_phrase(now - datetime.timedelta(hours=5), now=now) == "waiting 5 hours"
    assert waiting_phrase(now - datetime.timedelta(minutes=5), now=now) == "waiting under an hour"


def test_the_queue_reads_in_a_fixed_number_of_queries(
    client, provider, coordinator, django_assert_max_num_queries
):
    topic = factories.TopicFactory()
    for n in range(2):
        submitted(provider, title=f"Listing {n}", topics=[topic])
    client.force_login(coordinator)
    client.get(queue_url())  # warm the session and content types
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(queue_url())
    for n in range(2, 8):
        event = submitted(provider, title=f"Listing {n}", topics=[topic])
        services.event_approve(event=event)
        event.title = f"Listing {n} (new title)"
        event.save()
        services.event_return(event=event, comment="Add dates")
        event.refresh_from_db()
        services.event_submit(event=event)
    with django_assert_max_num_queries(len(few)):
        response = client.get(queue_url())
    assert len(soup(response).select(".review-desk article")) == 8


# --- Approving and returning --------------------------------------------------------------


def test_a_coordinator_approves_from_the_queue(client, provider, staff, coordinator):
    event = submitted(provider, title="Storytime Strategies")
    client.force_login(coordinator)

    response = approve(client, event)

    assert "“Storytime Strategies” is published; the provider has been e-mailed." in (
        messages_on(response)
    )
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert event.approved_snapshot["title"] == "Storytime Strategies"
    entry = LogEntry.objects.get(additional_data__step="approve")
    assert entry.actor == coordinator
    assert entry.changes == {"status": ["submitted", "published"]}


def test_a_past_dated_submission_cannot_be_approved(client, provider, coordinator):
    event = submitted(
        provider, title="Last Month's Workshop", sessions=[(in_days(-30), in_days(-30, hour=18))]
    )
    client.force_login(coordinator)

    response = approve(client, event)

    assert (
        "“Last Month's Workshop” cannot be published: all its sessions have ended. Return it "
        "to the provider to add upcoming dates." in messages_on(response)
    )
    event.refresh_from_db()
    assert event.status == Event.Status.SUBMITTED
    assert not LogEntry.objects.filter(additional_data__step="approve").exists()


def test_a_listing_changed_after_the_desk_opened_is_not_approved_blind(
    client, provider, coordinator
):
    event = submitted(provider, title="Storytime Strategies")
    client.force_login(coordinator)
    old_stamp = stamp_of(event)
    event.title = "Storytime Strategies, revised"
    event.save()

    response = client.post(
        reverse("admin:events_event_review_approve", args=[event.pk]),
        {"stamp": old_stamp},
        follow=True,
    )

    assert "changed after you opened the desk" in messages_on(response)
    event.refresh_from_db()
    assert event.status == Event.Status.SUBMITTED


def test_approving_needs_a_post(client, provider, coordinator):
    event = submitted(provider)
    client.force_login(coordinator)
    assert client.get(
        reverse("admin:events_event_review_approve", args=[event.pk])
    ).status_code == (405)
    event.refresh_from_db()
    assert event.status == Event.Status.SUBMITTED


def test_returning_a_listing_with_registrants_asks_to_confirm_the_count(
    client, provider, coordinator
):
    event = factories.EventFactory(provider=provider, title="Storytime Strategies")
    for _ in range(2):
        factories.RegistrationFactory(event=event, status=Registration.Status.CONFIRMED)
    services.event_return(event=event, comment="Fix the room")
    event.refresh_from_db()
    services.event_submit(event=event)
    event.refresh_from_db()
    client.force_login(coordinator)

    page = card(client.get(queue_url()), event)
    assert "I know 2 people are registered or waiting for this listing." in page.get_text(
        " ", strip=True
    )
    url = reverse("admin:events_event_review_return", args=[event.pk])
    response = client.post(url, {"stamp": stamp_of(event), "comment": "Add a map"}, follow=True)
    assert "was not returned" in messages_on(response)
    assert Event.objects.get(pk=event.pk).status == Event.Status.SUBMITTED

    response = client.post(
        url, {"stamp": stamp_of(event), "comment": "Add a map", "confirm": "on"}, follow=True
    )
    assert "“Storytime Strategies” went back to its provider with your comment." in (
        messages_on(response)
    )
    event.refresh_from_db()
    assert (event.status, event.review_comment) == (Event.Status.DRAFT, "Add a map")
    entry = LogEntry.objects.filter(additional_data__step="return").latest("timestamp")
    assert (entry.actor, entry.additional_data["note"]) == (coordinator, "Add a map")


def test_a_resubmission_shows_what_changed_since_the_approval(client, provider, coordinator):
    event = submitted(provider, title="Storytime Strategies", capacity=20)
    services.event_approve(event=event)
    services.event_return(event=event, comment="Add the Spanish title")
    event.refresh_from_db()
    event.title_es = "Estrategias para la hora del cuento"
    event.capacity = 25
    event.save()
    session = event.sessions.get()
    session.starts_at += datetime.timedelta(days=1)
    session.ends_at += datetime.timedelta(days=1)
    session.save()
    services.event_submit(event=event)
    client.force_login(coordinator)

    response = client.get(queue_url())

    rows = {
        tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.select("td")]
        for tr in card(response, event).select("table.changes tbody tr")
    }
    assert rows["Title in spanish"] == ["—", "Estrategias para la hora del cuento"]
    assert rows["Capacity"] == ["20", "25"]
    assert set(rows) == {"Title in spanish", "Capacity", "Sessions"}
    assert rows["Sessions"][0] != rows["Sessions"][1]
    assert "What changed since it was last approved (3 fields)" in card(response, event).get_text()


def test_no_change_since_the_approval_says_so(provider):
    event = submitted(provider)
    services.event_approve(event=event)
    event.refresh_from_db()
    assert listing_changes(event) == []


# --- Who hears of a submission ---------------------------------------------------------------


def test_coordinators_hear_of_each_submission_unless_they_chose_the_digest(
    provider, coordinator, django_capture_on_commit_callbacks
):
    daily = factories.CoordinatorFactory(email="dana@trec.example.org", review_digest=True)
    with django_capture_on_commit_callbacks(execute=True):
        event = submitted(provider, title="Storytime Strategies")
    told = Notification.objects.filter(kind="listing_submitted", object_id=event.pk)
    assert list(told.values_list("recipient", flat=True)) == [coordinator.pk]
    assert [m.to for m in mail.outbox if "Storytime Strategies" in m.subject] == [
        ["rosa@trec.example.org"]
    ]
    assert daily.pk not in told.values_list("recipient", flat=True)


def test_the_daily_digest_lists_the_days_submissions_once(
    provider, coordinator, django_capture_on_commit_callbacks
):
    daily = factories.CoordinatorFactory(email="dana@trec.example.org", review_digest=True)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    first = submitted(provider, title="Storytime Strategies")
    second = submitted(provider, title="Math Talks")
    Event.objects.filter(pk__in=[first.pk, second.pk]).update(submitted_at=yesterday)
    submitted(provider, title="Sent Today")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert review_mail.digest_enqueue() == 1
    assert review_mail.digest_enqueue() == 0  # the same day: the outbox has it

    digests = Notification.objects.filter(kind="review_digest")
    assert list(digests.values_list("recipient", "window")) == [
        (daily.pk, timezone.localdate(yesterday).isoformat())
    ]
    [message] = mail.outbox
    assert message.to == ["dana@trec.example.org"]
    assert message.subject.startswith("2 listings to review from ")
    assert "Storytime Strategies" in message.body and "Math Talks" in message.body
    assert "Sent Today" not in message.body


def test_no_digest_for_a_day_without_submissions(provider, coordinator):
    factories.CoordinatorFactory(review_digest=True)
    submitted(provider)  # today: tomorrow's digest
    assert review_mail.digest_enqueue() == 0
    assert not Notification.objects.filter(kind="review_digest").exists()


def test_a_coordinator_chooses_the_digest_on_the_desk(client, coordinator):
    client.force_login(coordinator)
    page = soup(client.get(queue_url()))
    assert page.select_one("input[name=review_digest][value='0']").has_attr("checked")
    response = client.post(
        reverse("admin:events_event_review_mail"), {"review_digest": "1"}, follow=True
    )
    assert "You will get one digest a day" in messages_on(response)
    coordinator.refresh_from_db()
    assert coordinator.review_digest is True


# --- The audit trail ----------------------------------------------------------------------


def test_each_step_is_in_the_events_history_with_who_did_it(client, provider, staff, coordinator):
    client.force_login(staff)
    event = factories.EventFactory(provider=provider, title="Storytime Strategies", status="draft")
    response = client.get(reverse("admin:events_event_change", args=[event.pk]))
    data = form_data(response)
    data["summary"] = "Read-alouds that build vocabulary."
    response = client.post(reverse("admin:events_event_change", args=[event.pk]), data, follow=True)
    assert "sent to the hub's coordinators for review" in messages_on(response)
    client.force_login(coordinator)
    approve(client, event)

    history = soup(client.get(reverse("admin:events_event_history", args=[event.pk])))

    entries = [
        li.select_one(".audit-head").get_text(" ", strip=True)
        for li in history.select(".audit-entry")
    ]
    assert "Approved and published" in entries[0] and "Rosa Parra" in entries[0]
    assert any("Submitted for review" in e and "Lena Ortiz" in e for e in entries), entries
    assert any("Changed" in e and "Lena Ortiz" in e for e in entries), entries
    changes = history.select_one(".audit-entry table.audit-changes").get_text(" ", strip=True)
    assert "Status Submitted for review Published" in changes


def test_the_coordinators_log_filters_by_action_and_person(client, provider, coordinator):
    other = factories.CoordinatorFactory(email="ben@trec.example.org")
    first = submitted(provider, title="Storytime Strategies")
    second = submitted(provider, title="Math Talks")
    services.event_approve(event=first, actor=coordinator)
    services.event_approve(event=second, actor=other)
    client.force_login(coordinator)
    log = reverse("admin:audit_log")

    page = soup(client.get(log, {"action": "approve"}))
    objects = [a.get_text(strip=True) for a in page.select(".audit-entry .audit-head a")]
    assert sorted(objects) == ["Math Talks", "Storytime Strategies"]

    page = soup(client.get(log, {"action": "approve", "actor": coordinator.pk}))
    objects = [a.get_text(strip=True) for a in page.select(".audit-entry .audit-head a")]
    assert objects == ["Storytime Strategies"]

    today = timezone.localdate().isoformat()
    page = soup(client.get(log, {"action": "submit", "since": today, "until": today}))
    assert len(page.select(".audit-entry")) == 2
    page = soup(client.get(log, {"since": (timezone.localdate() + datetime.timedelta(1))}))
    assert not page.select(".audit-entry")


def test_cop_decisions_and_certificate_revocations_are_in_the_trail(coordinator):
    from communities import services as cop
    from tests.communities.factories import CommunityFactory, MembershipFactory
    from trec.transcripts.models import Certificate
    from trec.transcripts.services import certificate_revoke

    community = CommunityFactory()
    membership = MembershipFactory(community=community, status="applied")
    cop.memberships_decide(
        community=community,
        membership_ids=[membership.pk],
        decision="accept",
        decided_by=coordinator,
    )
    entry = LogEntry.objects.get(additional_data__step="cop_accept")
    assert (entry.actor, entry.changes) == (coordinator, {"status": ["applied", "accepted"]})
    assert entry.additional_data["related"] == f"communities.community:{community.pk}"

    today = timezone.localdate()
    certificate = Certificate.objects.create(
        user=membership.user,
        kind=Certificate.Kind.YEAR,
        subject_key="2026-2027",
        recipient_name="A Member",
        title="PD hours 2026–2027",
        hours=3,
        first_date=today,
        last_date=today,
    )
    certificate_revoke(certificate=certificate, reason="Issued in error", revoked_by=coordinator)
    entry = LogEntry.objects.get(additional_data__step="certificate_revoke")
    assert (entry.actor, entry.additional_data["note"]) == (coordinator, "Issued in error")
