"""One road for every e-mail: each message is an outbox row written in the transaction of
the change that causes it (rolled back: no row, no mail), sent by the workers after the
commit; with the mail server down every action still answers, and each message goes out
exactly once when the server is back. Nothing but the delivery module talks to SMTP."""

import datetime
import re
from pathlib import Path

import pytest
from allauth.account.adapter import get_adapter
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bench.smtp_sink import free_port
from communities import services as communities
from events import services as events
from events.models import Event
from gratitude import services as gratitude
from gratitude.models import Post
from providers import services as providers
from tests import factories
from tests.communities.factories import CommunityFactory, MembershipFactory
from tests.gratitude.conftest import make_wall
from tests.notifications.factories import offering_request, published_with_registrant
from trec.notifications import services as notifications
from trec.notifications.models import Notification

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


class Rollback(Exception):
    pass


@pytest.fixture
def provider():
    provider = factories.ProviderFactory(name="Sonoran Learning", contact_email="office@s.org")
    factories.ProviderStaffFactory(provider=provider, email="lena@s.org")
    factories.CoordinatorFactory(email="coordinator@trec.org")
    return provider


def approved_post():
    post = Post.objects.create(
        wall=make_wall(slug=f"wall-{Post.objects.count()}"),
        message="Thank you!",
        recipient_name="Ms. Rivera",
        recipient_email="rivera@school.org",
        status=Post.Status.PENDING,
    )
    moderator = factories.CoordinatorFactory()
    gratitude.posts_moderate(
        wall=post.wall, post_ids=[post.pk], action="approve", moderator=moderator
    )


def cohort_message():
    community = CommunityFactory()
    MembershipFactory(community=community)
    communities.cohort_email(
        community=community,
        subject="Reading",
        body="Chapter 3.",
        sender=factories.CoordinatorFactory(),
    )


def account_email():
    user = factories.EducatorFactory(email="rosa@x.org")
    get_adapter().send_mail(
        "account/email/password_reset_key",
        user.email,
        {
            "user": user,
            "password_reset_url": "http://127.0.0.1:8000/accounts/password/reset/key/x/",
        },
    )


# (kind, what causes it, who gets it: an account's address or a bare one)
TRIGGERS = {
    "listing_submitted": (
        lambda p: events.event_submit(event=factories.EventFactory(provider=p, status="draft")),
        "coordinator@trec.org",
    ),
    "listing_approved": (
        lambda p: events.event_approve(
            event=factories.EventFactory(provider=p, status="submitted")
        ),
        "office@s.org",
    ),
    "listing_returned": (
        lambda p: events.event_return(event=factories.EventFactory(provider=p), comment="Hours?"),
        "lena@s.org",
    ),
    "event_withdrawn": (
        lambda p: events.event_return(event=published_with_registrant(p), comment="Hours?"),
        "ed@x.org",
    ),
    "listing_cancelled": (
        lambda p: events.event_cancel(event=published_with_registrant(p)),
        "office@s.org",
    ),
    "event_cancelled": (
        lambda p: events.event_cancel(event=published_with_registrant(p)),
        "ed@x.org",
    ),
    "staff_message": (
        lambda p: events.registrants_email(
            event=published_with_registrant(p),
            subject="Room",
            body="**12**",
            sender=p.memberships.get().user,
        ),
        "ed@x.org",
    ),
    "provider_request_update": (offering_request, "ml@school.org"),
    "gratitude_thanked": (lambda p: approved_post(), "rivera@school.org"),
    "account_email": (lambda p: account_email(), "rosa@x.org"),
}


@pytest.mark.parametrize("kind", sorted(TRIGGERS))
def test_each_message_is_an_outbox_row_of_the_transaction_that_causes_it(
    kind, provider, django_capture_on_commit_callbacks
):
    cause, address = TRIGGERS[kind]
    with pytest.raises(Rollback), transaction.atomic():
        cause(provider)
        assert Notification.objects.filter(kind=kind).exists()  # written in the transaction
        raise Rollback
    assert not Notification.objects.filter(kind=kind).exists()
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        cause(provider)
    rows = Notification.objects.filter(kind=kind)
    assert address in {row.address for row in rows}
    assert {row.status for row in rows.all()} == {"sent"}
    (message,) = [
        m
        for m in mail.outbox
        if m.extra_headers["X-TREC-Notification"] == kind and m.to == [address]
    ]
    assert message.alternatives[0][1] == "text/html" and message.body.strip()


def test_the_cohort_message_is_an_outbox_row_of_its_transaction(django_capture_on_commit_callbacks):
    with pytest.raises(Rollback), transaction.atomic():
        cohort_message()
        raise Rollback
    assert not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        cohort_message()
    assert Notification.objects.get(kind="staff_message").status == "sent"
    assert len(mail.outbox) == 1


def test_coordinators_never_see_an_account_mails_private_link(client):
    account_email()
    row = Notification.objects.get(kind="account_email")
    client.force_login(factories.CoordinatorFactory())
    page = client.get(reverse("admin:notifications_notification_change", args=[row.pk]))
    assert page.status_code == 200
    assert "rosa@x.org" in page.content.decode()
    assert "/password/reset/key/" not in page.content.decode()


# --- The mail server is down ------------------------------------------------------------


@pytest.fixture
def smtp_down(settings):
    """Django's SMTP backend pointed at a port nobody listens on."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    return settings


def test_with_the_mail_server_down_every_action_answers_and_each_message_goes_out_once_later(
    client, provider, smtp_down, django_capture_on_commit_callbacks
):
    coordinator = factories.CoordinatorFactory()
    staff = provider.memberships.get().user
    submitted = factories.EventFactory(provider=provider, status=Event.Status.SUBMITTED)
    returned = published_with_registrant(provider, title="Calm Classrooms")
    cancelled = factories.EventFactory(provider=provider, title="Outdoor Day")
    factories.RegistrationFactory(event=cancelled)
    messaged = factories.EventFactory(provider=provider, title="Math Talks")
    factories.RegistrationFactory(event=messaged)
    educator = factories.EducatorFactory(email="forgot@x.org")
    changelist = reverse("admin:events_event_changelist")
    answers = []

    def step(post, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(post(*args, **kwargs).status_code)

    step(
        client.post,
        reverse("account_signup"),
        {
            "email": "new@x.org",
            "password1": "A-long pass phrase 42",
            "password2": "A-long pass phrase 42",
        },
    )
    step(client.post, reverse("account_reset_password"), {"email": educator.email})
    client.force_login(coordinator)
    step(
        client.post,
        changelist,
        {"action": "approve_and_publish", "_selected_action": [submitted.pk], "index": 0},
    )
    step(
        client.post,
        changelist,
        {
            "action": "return_to_provider",
            "_selected_action": [returned.pk],
            "apply": "yes",
            "comment": "Hours?",
        },
    )
    step(
        client.post,
        reverse("admin:events_event_cancel", args=[cancelled.pk]),
        {"reason": "Flooded."},
    )
    client.force_login(staff)
    step(
        client.post,
        reverse("admin:events_event_roster_email", args=[messaged.pk]),
        {"subject": "Room change", "body": "Room **12**.", "audience": "all"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        request = offering_request(provider)
        providers.request_schedule(
            session_request=request,
            starts_at=timezone.now() + datetime.timedelta(days=9),
            minutes=45,
            by=staff,
        )

    assert all(code in (200, 302) for code in answers), answers
    assert mail.outbox == []
    # (The staff's "new request" notice no longer applies once it is scheduled: skipped.)
    rows = Notification.objects.exclude(kind="provider_session_request")
    assert rows.count() >= 12
    assert {row.status for row in rows} == {"pending"}
    assert all("ConnectionRefusedError" in row.last_error for row in rows if row.attempts)

    # The server is back: the sweep sends each message once; later sweeps find nothing.
    smtp_down.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = timezone.now() + datetime.timedelta(minutes=2)
    notifications.outbox_sweep(now=later)
    notifications.outbox_sweep(now=later)
    notifications.outbox_sweep(now=later + datetime.timedelta(minutes=5))
    assert {row.status for row in rows.all()} == {"sent"}
    sent = [(m.to[0], m.extra_headers["X-TREC-Notification"], m.subject) for m in mail.outbox]
    assert len(sent) == rows.count() == len(set(sent))
    kinds = {kind for _to, kind, _subject in sent}
    assert kinds >= {
        "account_email",
        "listing_approved",
        "listing_returned",
        "event_withdrawn",
        "listing_cancelled",
        "event_cancelled",
        "staff_message",
        "provider_request_update",
    }
    addresses = {to for to, _kind, _subject in sent}
    assert {"new@x.org", "forgot@x.org", "ml@school.org", "office@s.org"} <= addresses


# --- Nothing else talks to SMTP ---------------------------------------------------------


SKIPPED_DIRS = {".venv", "tests", "bench", "node_modules", "var", "staticfiles"}
SENDING = re.compile(
    r"send_mail|mail_admins|send_messages|EmailMessage|EmailMultiAlternatives|smtplib"
    r"|core\.mail import .*get_connection|mail\.get_connection"
)


def test_only_the_delivery_module_sends_mail():
    allowed = {"trec/notifications/delivery.py", "trec/notifications/smtp.py", "trec/mail.py"}
    found = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if SKIPPED_DIRS & set(relative.parts) or str(relative) in allowed:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            # The account adapter overrides allauth's send_mail to write to the outbox.
            if SENDING.search(line) and "def send_mail(self" not in line:
                found.append(f"{relative}:{number}: {line.strip()}")
    assert found == []
    assert (ROOT / "trec/notifications/delivery.py").exists()  # the walk saw the code
