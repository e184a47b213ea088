"""The rest of the message kinds, each proven an outbox row of the transaction that
causes it (rolled back: no row, no mail; committed: one row, sent once by the workers).
With test_one_road.TRIGGERS, every registered kind is covered (the completeness test
fails when a new kind comes without its proof)."""

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from communities import services as communities
from communities.models import Membership
from events import notifications as event_messages
from events import review_mail
from events import services as events
from events.models import Attendance, Registration
from events.programs import services as program_services
from events.proposals import services as proposals
from tests import factories
from tests.communities.factories import CommunityFactory, MeetingFactory, MembershipFactory
from tests.notifications.factories import confirmed, event_starting_in, offering_request
from tests.notifications.test_one_road import TRIGGERS as ONE_ROAD
from tests.proposals.factories import CallFactory, proposal
from trec.accounts.models import GradeBand
from trec.notifications import registry
from trec.notifications import services as notifications
from trec.notifications.models import Notification

pytestmark = pytest.mark.django_db

ED = "ed@x.org"


class Rollback(Exception):
    pass


def educator():
    return factories.EducatorFactory(email=ED)


def register(**event_fields):
    return events.registration_create(event=factories.EventFactory(**event_fields), user=educator())


def staffed_provider():
    provider = factories.ProviderFactory()
    factories.ProviderStaffFactory(provider=provider, email=ED)
    return provider


def full_event():
    event = factories.EventFactory(capacity=1)
    factories.RegistrationFactory(event=event)
    return event


def declined():
    event = factories.EventFactory(requires_approval=True)
    registration = factories.RegistrationFactory(
        event=event, user=educator(), status=Registration.Status.PENDING
    )
    events.registration_decide(registration=registration, approve=False)


def cancelled():
    registration = factories.RegistrationFactory(user=educator())
    events.registration_cancel(registration=registration)


def promoted():
    event = factories.EventFactory(capacity=1)
    seated = factories.RegistrationFactory(event=event)
    factories.RegistrationFactory(
        event=event, user=educator(), status=Registration.Status.WAITLISTED, queue_number=1
    )
    events.registration_cancel(registration=seated)


def changed():
    event = factories.EventFactory()
    factories.RegistrationFactory(event=event, user=educator())
    session = event.sessions.get()
    session.starts_at += datetime.timedelta(days=1)
    session.ends_at += datetime.timedelta(days=1)
    session.save()
    events.event_saved(event=event)


def session_seat_opened():
    session = factories.ProgramSessionFactory(capacity=1)
    summit = session.event
    first = factories.RegistrationFactory(event=summit)
    second = factories.RegistrationFactory(event=summit, user=educator())
    program_services.session_choose(registration=first, session=session)
    program_services.session_choose(registration=second, session=session)
    program_services.session_drop(registration=first, session=session)


def reminder():
    confirmed(event_starting_in(datetime.timedelta(hours=20)), user=educator())
    notifications.reminders_enqueue_due()


def followup():
    event = event_starting_in(-datetime.timedelta(hours=6))
    registration = confirmed(event, user=educator())
    Attendance.objects.create(registration=registration, session=event.sessions.get())
    event_messages.followups_enqueue_due()


def digest():
    k2 = GradeBand.objects.get(code="k-2")
    factories.EducatorFactory(email=ED, notify_digest=True, grade_bands=[k2])
    factories.EventFactory(title="Phonics Playbook", grade_bands=[k2])
    event_messages.digest_enqueue_weekly()


def review_digest():
    """A coordinator who chose the daily digest hears of yesterday's submissions."""
    factories.CoordinatorFactory(email=ED, review_digest=True)
    yesterday = timezone.now() - datetime.timedelta(days=1)
    factories.EventFactory(title="Phonics Playbook", status="submitted", submitted_at=yesterday)
    review_mail.digest_enqueue()


def cop_decision():
    community = CommunityFactory()
    membership = MembershipFactory(
        community=community, user=educator(), status=Membership.Status.APPLIED
    )
    communities.memberships_decide(
        community=community,
        membership_ids=[membership.pk],
        decision="accept",
        decided_by=factories.CoordinatorFactory(),
    )


def cop_reminder():
    meeting = MeetingFactory(starts_at=timezone.now() + datetime.timedelta(hours=23))
    MembershipFactory(
        community=meeting.community,
        user=educator(),
        status=Membership.Status.ACCEPTED,
        decided_at=timezone.now() - datetime.timedelta(days=10),
    )
    notifications.reminders_enqueue_due()


def invited():
    factories.EducatorFactory(email=ED)
    proposal(CallFactory(), co_presenters=[ED])


def decided():
    call = CallFactory()
    made = proposal(call, educator())
    proposals.proposals_decide(
        call=call, proposal_ids=[made.pk], status="accepted", message="", message_es=""
    )
    return call, made


def scheduled():
    call, made = decided()
    proposals.proposal_schedule(
        proposal=made, room=call.rooms.get(name="Room 201"), slot=call.slots.first()
    )


TRIGGERS = {
    "registration_confirmed": lambda: register(),
    "registration_waitlisted": lambda: events.registration_create(
        event=full_event(), user=educator()
    ),
    "registration_pending": lambda: register(requires_approval=True),
    "registration_declined": declined,
    "registration_cancelled": cancelled,
    "registration_promoted": promoted,
    "event_changed": changed,
    "session_choice_promoted": session_seat_opened,
    "event_reminder": reminder,
    "event_followup": followup,
    "weekly_digest": digest,
    "review_digest": review_digest,
    "cop_decision": cop_decision,
    "cop_meeting_reminder": cop_reminder,
    "proposal_copresenter_invited": invited,
    "proposal_decided": decided,
    "proposal_scheduled": scheduled,
    # A school asked for a visit: the provider's staff hear of it.
    "provider_session_request": lambda: offering_request(staffed_provider()),
}
# Owned and proven by events/follows (its alert is matched when a listing is published).
ELSEWHERE = {"saved_search_alert"}


@pytest.mark.parametrize("kind", sorted(TRIGGERS))
def test_each_message_is_an_outbox_row_of_the_transaction_that_causes_it(
    kind, django_capture_on_commit_callbacks
):
    cause = TRIGGERS[kind]
    with pytest.raises(Rollback), transaction.atomic():
        cause()
        assert Notification.objects.filter(kind=kind).exists()  # written in the transaction
        raise Rollback
    assert not Notification.objects.filter(kind=kind).exists()
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        cause()
    (row,) = Notification.objects.filter(
        kind=kind, recipient__email=ED
    ) or Notification.objects.filter(kind=kind, email=ED)
    assert row.status == "sent", row.last_error
    (message,) = [
        m for m in mail.outbox if m.extra_headers["X-TREC-Notification"] == kind and m.to == [ED]
    ]
    assert message.alternatives[0][1] == "text/html" and message.body.strip()


def test_every_kind_of_message_has_its_proof():
    proven = set(TRIGGERS) | set(ONE_ROAD) | ELSEWHERE
    assert {kind.code for kind in registry.all_kinds()} - proven == set()
