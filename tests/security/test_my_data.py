"""/me/data/: an educator downloads everything the hub holds about them (JSON, CSV) and
can delete their account. Deletion removes personal data and keeps the anonymous counts
the impact report adds up (registrations, attendance, hours, members)."""

import csv
import datetime
import io
import itertools
import json
import os
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from bs4 import BeautifulSoup
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone

from communities.models import Community, MeetingAttendance, Membership, Thread
from communities.models import Post as DiscussionPost
from events.models import Attendance, Registration, SavedEvent, SessionChoice
from events.programs import services as program_services
from events.proposals.models import Proposal, Review
from events.proposals.services import review_save
from events.services import event_saved, registration_create
from gratitude.models import Post as GratitudePost
from providers.models import SessionRequest
from surveys.models import Answer
from surveys.models import Response as SurveyResponse
from tests import factories
from tests.communities.factories import CommunityFactory, MeetingFactory, MembershipFactory
from tests.gratitude.conftest import make_wall
from tests.proposals.factories import CallFactory, add_reviewer, proposal
from tests.providers.utils import png
from trec.accounts.models import User
from trec.notifications.models import Notification
from trec.transcripts.models import Certificate, Credit

BATCH = itertools.count()


def build_history(person, *, events: int = 1):
    """Registrations with attendance and credits, a community with a post, a gratitude
    post, a saved event, a certificate, a pending and a sent message."""
    today = timezone.localdate()
    batch = next(BATCH)
    for n in range(events):
        event = factories.EventFactory(
            title=f"Past workshop {person.pk}-{batch}-{n}",
            sessions=[(factories.in_days(-10 - n), factories.in_days(-10 - n, hour=18))],
        )
        registration = factories.RegistrationFactory(event=event, user=person)
        Attendance.objects.create(registration=registration, session=event.sessions.get())
        Credit.objects.create(
            user=person,
            source_kind=Credit.Source.EVENT,
            source_id=registration.pk,
            event=event,
            title=event.title,
            provider_name=event.provider.name,
            hours=Decimal("2.00"),
            earned_on=today - datetime.timedelta(days=10 + n),
        )
        SavedEvent.objects.create(user=person, event=event)
        event_saved(event=event)
    community = CommunityFactory(
        title=f"Circle {person.pk}-{batch}", status=Community.Status.CLOSED
    )
    membership = MembershipFactory(
        community=community,
        user=person,
        answers=[{"question": "What do you hope to learn?", "answer": "My secret plans"}],
    )
    meeting = MeetingFactory(community=community)
    MeetingAttendance.objects.create(meeting=meeting, membership=membership)
    thread = Thread.objects.create(community=community, title="Hello all", author=person)
    DiscussionPost.objects.create(thread=thread, author=person, body="My first words here.")
    wall = make_wall(slug=f"wall-{person.pk}-{batch}")
    GratitudePost.objects.create(
        wall=wall,
        message="Thank you, Ms. Rivera!",
        recipient_name="Ms. Rivera",
        author_name=person.get_full_name(),
        author=person,
        status=GratitudePost.Status.APPROVED,
    )
    Certificate.objects.create(
        user=person,
        kind=Certificate.Kind.YEAR,
        subject_key=f"2026-2027-{batch}",
        recipient_name=person.get_full_name(),
        title="PD hours",
        hours=Decimal("2.00"),
        first_date=today,
        last_date=today,
    )
    registration = Registration.objects.filter(user=person).first()
    Notification.objects.create(
        recipient=person, kind="registration_confirmed", subject=registration, window=f"a{batch}"
    )
    Notification.objects.create(
        recipient=person,
        kind="registration_confirmed",
        subject=registration,
        window=f"b{batch}",
        status=Notification.Status.SENT,
    )
    SocialAccount.objects.create(user=person, provider="google", uid=f"uid-{person.pk}-{batch}")
    question = factories.QuestionFactory(
        survey=factories.SurveyFactory(title=f"Needs survey {batch}"),
        kind="long_text",
        text="What PD do you need?",
    )
    response = SurveyResponse.objects.create(
        survey=question.survey,
        user=person,
        status=SurveyResponse.Status.SUBMITTED,
        submitted_on=today,
        role=person.role,
    )
    Answer.objects.create(response=response, question=question, text="More early literacy.")
    SurveyResponse.objects.create(
        survey=factories.SurveyFactory(title=f"Feedback {batch}"),
        user=person,
        draft={"q1": "half-written thoughts"},
    )
    return {"community": community, "thread": thread, "wall": wall}


@pytest.fixture
def person(db):
    return factories.EducatorFactory(
        first_name="Dana", last_name="Whitehorse", email="dana.whitehorse@example.org"
    )


# --- The page and the downloads -------------------------------------------------------


def test_the_page_offers_both_downloads_and_deletion(client, person):
    client.force_login(person)
    page = BeautifulSoup(client.get(reverse("accounts:my_data")).content, "html.parser")
    assert len(page.find_all("h1")) == 1
    links = {a["href"] for a in page.select("main a")}
    assert {
        reverse("accounts:my_data_json"),
        reverse("accounts:my_data_csv"),
        reverse("accounts:delete_account"),
    } <= links
    me = BeautifulSoup(client.get(reverse("accounts:me")).content, "html.parser")
    assert me.find("a", href=reverse("accounts:my_data"))


def test_the_json_download_holds_everything_about_them_and_nothing_else(client, person):
    build_history(person, events=2)
    other = factories.EducatorFactory(first_name="Other", last_name="Person")
    build_history(other)
    client.force_login(person)
    response = client.get(reverse("accounts:my_data_json"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["profile"]["email"] == "dana.whitehorse@example.org"
    assert data["profile"]["last_name"] == "Whitehorse"
    assert data["profile"]["district"] == person.district.name
    assert len(data["registrations"]) == 2
    assert all(item["sessions_attended"] for item in data["registrations"])
    assert sum(Decimal(c["hours"]) for c in data["transcript_credits"]) == Decimal("4.00")
    assert data["community_memberships"][0]["answers"].endswith("My secret plans")
    assert data["community_memberships"][0]["meetings_attended"]
    assert data["discussion_posts"][0]["message"] == "My first words here."
    assert data["gratitude_posts"][0]["to"] == "Ms. Rivera"
    assert len(data["saved_events"]) == 2
    assert data["email_addresses"][0]["email"] == person.email
    assert data["social_accounts"][0]["provider"] == "google"
    assert len(data["certificates"]) == 1
    assert len(data["notifications"]) == 2
    assert data["survey_answers"][0]["question"] == "What PD do you need?"
    assert data["survey_answers"][0]["answer"] == "More early literacy."
    assert "half-written thoughts" in data["survey_drafts"][0]["saved_answers"]
    assert "Other" not in response.content.decode()
    assert other.email not in response.content.decode()


def test_the_csv_download_has_the_same_data_one_value_a_row(client, person):
    build_history(person)
    client.force_login(person)
    response = client.get(reverse("accounts:my_data_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["section", "record", "field", "value"]
    cells = {(section, field): value for section, _n, field, value in rows[1:]}
    assert cells[("profile", "email")] == person.email
    assert cells[("registrations", "event")].startswith("Past workshop")
    assert cells[("discussion_posts", "message")] == "My first words here."
    assert cells[("transcript_credits", "hours")] == "2.00"


@pytest.mark.parametrize("name", ["accounts:my_data_json", "accounts:my_data_csv"])
def test_the_downloads_take_the_same_queries_for_little_or_much(
    client, person, django_assert_num_queries, name
):
    build_history(person, events=1)
    client.force_login(person)
    client.get(reverse(name))  # warm the session and the content types
    with django_assert_num_queries(QUERIES) as small:
        client.get(reverse(name))
    build_history(person, events=6)
    with django_assert_num_queries(QUERIES) as big:
        client.get(reverse(name))
    assert len(small.captured_queries) == len(big.captured_queries)


# session + user, the user again with district and school, grade bands, interests, then
# one query per section (registrations and memberships each prefetch their attendance),
# saved searches, district shares, district views, proposals and reviews included.
QUERIES = 2 + 3 + 22


# --- Deleting the account -------------------------------------------------------------


def counts() -> dict:
    return {
        "registrations": Registration.objects.filter(status=Registration.Status.CONFIRMED).count(),
        "attendance": Attendance.objects.count(),
        "attendees": Attendance.objects.aggregate(n=Count("registration__user", distinct=True))[
            "n"
        ],
        "hours": Credit.objects.aggregate(total=Sum("hours"))["total"],
        "members": Membership.objects.filter(status=Membership.Status.ACCEPTED).count(),
        "meeting_attendance": MeetingAttendance.objects.count(),
        "discussion_posts": DiscussionPost.objects.count(),
        "gratitude_posts": GratitudePost.objects.count(),
        "users": User.objects.count(),
        "survey_responses": SurveyResponse.objects.filter(
            status=SurveyResponse.Status.SUBMITTED
        ).count(),
    }


def test_deleting_the_account_needs_the_password(client, person):
    client.force_login(person)
    response = client.post(
        reverse("accounts:delete_account"), {"password": "not my password", "confirm": "on"}
    )
    assert response.status_code == 200
    assert BeautifulSoup(response.content, "html.parser").select(".form-errors")
    person.refresh_from_db()
    assert person.is_active and person.deleted_at is None
    response = client.post(reverse("accounts:delete_account"), {"password": factories.PASSWORD})
    assert response.status_code == 200  # the confirmation box was not ticked
    person.refresh_from_db()
    assert person.is_active


def test_deletion_removes_personal_data_and_keeps_the_counts(client, person):
    world = build_history(person, events=3)
    others = factories.EducatorFactory()
    build_history(others)
    coordinator = factories.CoordinatorFactory()
    before = counts()
    old_token = person.calendar_token
    other_session = type(client)()
    other_session.force_login(person)  # signed in on another device too

    client.force_login(person)
    response = client.post(
        reverse("accounts:delete_account"),
        {"password": factories.PASSWORD, "confirm": "on"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert "_auth_user_id" not in client.session

    # Personal data is gone.
    tombstone = User.objects.get(pk=person.pk)
    assert tombstone.email == f"deleted-{person.pk}@invalid"
    assert (tombstone.first_name, tombstone.last_name) == ("", "")
    assert tombstone.school is None and tombstone.years_experience is None
    assert not tombstone.interests.exists()
    assert not tombstone.has_usable_password()
    assert not tombstone.is_active and tombstone.deleted_at is not None
    assert tombstone.calendar_token != old_token
    assert not SavedEvent.objects.filter(user=person).exists()
    assert not EmailAddress.objects.filter(user=person).exists()
    assert not SocialAccount.objects.filter(user=person).exists()
    assert list(Notification.objects.filter(recipient=person).values_list("status", flat=True)) == [
        Notification.Status.SENT
    ]
    assert Membership.objects.get(user=person).answers == []
    assert not SurveyResponse.objects.filter(user=person, status="draft").exists()
    post = GratitudePost.objects.get(wall=world["wall"])
    assert (post.author, post.author_name, post.is_anonymous) == (None, "", True)
    certificate = Certificate.objects.get(user=person)
    assert certificate.is_revoked and "Whitehorse" not in certificate.recipient_name
    dumped = json.dumps(list(User.objects.filter(pk=person.pk).values()), default=str)
    assert "Dana" not in dumped and "Whitehorse" not in dumped and "dana." not in dumped

    # ...and nothing about them shows anywhere.
    assert client.get(reverse("accounts:calendar_feed", args=[old_token])).status_code == 404
    elsewhere = other_session.get(reverse("accounts:me"))  # the other device is signed out
    assert elsewhere.status_code == 302
    assert elsewhere["Location"].startswith(reverse("account_login"))
    client.force_login(coordinator)
    thread_page = client.get(
        reverse("communities:thread", args=[world["community"].slug, world["thread"].pk])
    ).content.decode()
    assert "Former member" in thread_page and "Whitehorse" not in thread_page
    assert "My first words here." in thread_page
    wall_page = client.get(reverse("gratitude:wall", args=[world["wall"].slug])).content.decode()
    assert "Whitehorse" not in wall_page and "Anonymous" in wall_page
    verify = client.get(reverse("certificates:verify", args=[certificate.code])).content.decode()
    assert "Whitehorse" not in verify

    # The counts the impact report adds up have not moved.
    assert counts() == before

    # They cannot sign in any more, and the address is free to sign up again.
    client.logout()
    login = client.post(
        reverse("account_login"),
        {"login": "dana.whitehorse@example.org", "password": factories.PASSWORD},
    )
    assert login.status_code == 200 and "_auth_user_id" not in client.session


def delete_account(client, person):
    client.force_login(person)
    response = client.post(
        reverse("accounts:delete_account"), {"password": factories.PASSWORD, "confirm": "on"}
    )
    assert response.status_code == 302


def test_deletion_gives_up_places_and_promotes_the_next_person_waiting(
    client, person, django_capture_on_commit_callbacks
):
    webinar = factories.EventFactory(capacity=1)
    summit = factories.ProgramFactory(capacity=None)
    breakout = factories.ProgramSessionFactory(event=summit, capacity=1)
    community = CommunityFactory(capacity=1)
    next_in_line = factories.EducatorFactory()
    session_waiter = factories.EducatorFactory()
    for user in (person, next_in_line, session_waiter):
        registration_create(event=webinar, user=user)
        summit_registration = registration_create(event=summit, user=user).registration
        program_services.session_choose(registration=summit_registration, session=breakout)
    MembershipFactory(community=community, user=person)
    waiting_member = MembershipFactory(community=community, status=Membership.Status.WAITLISTED)
    assert Registration.objects.get(event=webinar, user=next_in_line).status == "waitlisted"
    assert SessionChoice.objects.get(registration__user=next_in_line).status == "waitlisted"

    with django_capture_on_commit_callbacks(execute=True):
        delete_account(client, person)

    assert set(Registration.objects.filter(user=person).values_list("status", flat=True)) == {
        Registration.Status.CANCELLED
    }
    assert not SessionChoice.objects.filter(registration__user=person).exists()
    assert Registration.objects.get(event=webinar, user=next_in_line).status == "confirmed"
    assert SessionChoice.objects.get(registration__user=next_in_line).status == "confirmed"
    assert SessionChoice.objects.get(registration__user=session_waiter).status == "waitlisted"
    assert (
        Notification.objects.filter(
            recipient=next_in_line, kind__in=["registration_promoted", "session_choice_promoted"]
        ).count()
        == 2
    )
    assert not Notification.objects.filter(recipient=person).exists()
    # The community seat is free again for the coordinators to give to who waits.
    assert Membership.objects.get(user=person).status == Membership.Status.WITHDRAWN
    assert community.seats_left() == 1
    assert Membership.objects.get(pk=waiting_member.pk).status == Membership.Status.WAITLISTED


def test_deletion_scrubs_the_school_visit_requests_they_sent(client, person):
    sent = factories.SessionRequestFactory(
        submitted_by=person,
        contact_name="Dana Whitehorse",
        contact_email="dana.whitehorse@example.org",
        contact_phone="(520) 555-0199",
        notes="Call my cell after 5.",
    )
    someone_elses = factories.SessionRequestFactory()
    old_status_link = sent.status_url()

    client.force_login(person)
    export = json.loads(client.get(reverse("accounts:my_data_json")).content)
    [listed] = export["school_visit_requests"]
    assert listed["school"] == sent.school_name
    assert listed["contact_phone"] == "(520) 555-0199"
    assert listed["notes"] == "Call my cell after 5."

    delete_account(client, person)

    sent.refresh_from_db()
    assert sent.school_name and sent.status == SessionRequest.Status.NEW
    scrubbed = json.dumps(list(SessionRequest.objects.filter(pk=sent.pk).values()), default=str)
    assert "Whitehorse" not in scrubbed and "555-0199" not in scrubbed
    assert "Call my cell" not in scrubbed and "dana." not in scrubbed
    assert client.get(old_status_link).status_code == 404
    someone_elses.refresh_from_db()
    assert someone_elses.contact_name == "Maria Lopez"


def test_back_office_accounts_are_closed_by_a_coordinator(client, db):
    staff = factories.ProviderStaffFactory()
    client.force_login(staff)
    page = client.get(reverse("accounts:delete_account"))
    assert page.status_code == 200
    assert not BeautifulSoup(page.content, "html.parser").select("main form")
    client.post(
        reverse("accounts:delete_account"), {"password": factories.PASSWORD, "confirm": "on"}
    )
    staff.refresh_from_db()
    assert staff.is_active and staff.deleted_at is None


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        # the session and the user, then the district shares and the district views
        ("accounts:my_data", 4),
        ("accounts:delete_account", 2),
    ],
)
def test_the_pages_take_a_fixed_number_of_queries(
    client, person, django_assert_num_queries, name, queries
):
    """However much history there is: the download itself lists the rest."""
    build_history(person, events=3)
    client.force_login(person)
    with django_assert_num_queries(queries):
        response = client.get(reverse(name))
    assert response.status_code == 200


def test_proposals_they_present_and_reviews_they_wrote_are_in_the_download_and_go_with_them(
    client, person
):
    """A presenter's bio and photo are personal data: in the download, gone on deletion.
    Drafts are deleted, proposals under consideration withdrawn, so no committee keeps
    reviewing someone who has left; the reviews they wrote stay with the committee."""
    call = CallFactory()
    submitted = proposal(call, person, title="Phonics that sticks")
    draft = proposal(call, person, submit=False, title="Half an idea")
    presenter = submitted.presenters.get(user=person)
    presenter.photo = png(name="dana.png")
    presenter.save()
    photo_path = presenter.photo.path
    other_call = CallFactory()
    add_reviewer(other_call, person)
    theirs = proposal(other_call, title="Someone else's session")
    review_save(
        proposal=theirs,
        reviewer=person,
        scores={criterion.pk: 4 for criterion in other_call.criteria.all()},
        comment="Strong routines, thin on assessment.",
    )

    client.force_login(person)
    data = json.loads(client.get(reverse("accounts:my_data_json")).content)
    mine = {item["proposal"]: item for item in data["proposals"]}
    assert set(mine) == {"Phonics that sticks", "Half an idea"}
    assert mine["Phonics that sticks"]["bio"] == "Teaches first grade."
    assert mine["Phonics that sticks"]["photo"].endswith(".png")
    assert mine["Phonics that sticks"]["lead_presenter"] is True
    assert data["proposal_reviews"] == [
        {
            "call": other_call.title,
            "proposal": "Someone else's session",
            "score": "4.00",
            "comment": "Strong routines, thin on assessment.",
            "written": data["proposal_reviews"][0]["written"],
        }
    ]

    delete_account(client, person)
    assert not Proposal.objects.filter(pk=draft.pk).exists()
    submitted.refresh_from_db()
    assert submitted.status == Proposal.Status.WITHDRAWN
    presenter.refresh_from_db()
    assert presenter.bio == "" and not presenter.photo
    assert "dana" not in presenter.email
    assert not os.path.exists(photo_path)
    assert Review.objects.filter(proposal=theirs).count() == 1
