"""CoP meeting reminders go through the notifications outbox: once per member per
window, never late, never to someone who left, with text and HTML parts."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from communities.models import Membership
from tests.communities.factories import MeetingFactory, MembershipFactory
from trec.notifications import services as notifications
from trec.notifications.models import Notification

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def beat(django_capture_on_commit_callbacks):
    def run(now=None):
        with django_capture_on_commit_callbacks(execute=True):
            return notifications.reminders_enqueue_due(now=now)

    return run


def accepted_member(meeting, *, accepted_days_ago=30):
    return MembershipFactory(
        community=meeting.community,
        status=Membership.Status.ACCEPTED,
        decided_at=timezone.now() - accepted_days_ago * DAY,
    )


def meeting_reminders():
    return [m for m in mail.outbox if "meets" in m.subject]


def test_members_are_reminded_a_day_before_once(beat):
    meeting = MeetingFactory(
        title="Reading Onward, chapter 3",
        starts_at=timezone.now() + DAY - datetime.timedelta(hours=1),
        join_url="https://zoom.example.org/j/42",
    )
    member = accepted_member(meeting)
    MembershipFactory(community=meeting.community, status=Membership.Status.APPLIED)

    beat()
    beat()  # the beat runs again: nothing new

    (message,) = meeting_reminders()
    assert message.to == [member.user.email]
    assert meeting.community.title in message.subject
    assert "https://zoom.example.org/j/42" in message.body
    html = message.alternatives[0][0]
    assert "Reading Onward, chapter 3" in html and "notification preferences" in html
    row = Notification.objects.get(kind="cop_meeting_reminder")
    assert row.window == "1d" and row.status == "sent"


def test_someone_accepted_inside_the_window_gets_no_late_reminder(beat):
    meeting = MeetingFactory(starts_at=timezone.now() + DAY - datetime.timedelta(hours=1))
    accepted_member(meeting, accepted_days_ago=0)
    beat()
    assert meeting_reminders() == []


def test_a_member_who_withdrew_is_skipped_at_send_time(django_capture_on_commit_callbacks):
    meeting = MeetingFactory(starts_at=timezone.now() + DAY - datetime.timedelta(hours=1))
    membership = accepted_member(meeting)
    with django_capture_on_commit_callbacks(execute=False):
        notifications.reminders_enqueue_due()  # queued while still a member...
    row = Notification.objects.get(kind="cop_meeting_reminder")
    Membership.objects.filter(pk=membership.pk).update(status=Membership.Status.WITHDRAWN)

    notifications.notifications_dispatch([row.pk])  # ...sent after they left

    row.refresh_from_db()
    assert row.status == "skipped"
    assert meeting_reminders() == []
