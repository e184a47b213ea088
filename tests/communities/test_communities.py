"""Communities: applying with answers, eligibility explained, decisions (in bulk, within
capacity, e-mailed), withdrawing, the roster, its CSV and the cohort e-mail."""

import csv
import io

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from communities import services
from communities.models import Community, Membership
from tests.events.test_admin_scoping import form_data
from tests.factories import CoordinatorFactory, EducatorFactory

from .factories import CommunityFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db
Status = Membership.Status


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


def apply_url(community):
    return reverse("communities:apply", args=[community.slug])


def test_list_shows_open_communities_first_and_hides_drafts(client):
    CommunityFactory(title="Closed One", status=Community.Status.CLOSED)
    CommunityFactory(title="Open One")
    CommunityFactory(title="Draft One", status=Community.Status.DRAFT)
    page = text(client.get(reverse("communities:list")))
    assert "Draft One" not in page
    assert page.index("Open One") < page.index("Closed One")


def test_educator_applies_with_answers(client, educator):
    community = CommunityFactory()
    client.force_login(educator)
    response = client.post(apply_url(community), {"answer_0": "To grade fairly."})
    assert response.status_code == 302
    membership = Membership.objects.get(community=community, user=educator)
    assert membership.status == Status.APPLIED
    assert membership.answers == [
        {"question": "What do you hope to learn?", "answer": "To grade fairly."}
    ]
    assert "Your application" in text(client.get(community.get_absolute_url()))


def test_spanish_readers_answer_the_questions_in_spanish_kept_under_the_english(client, educator):
    community = CommunityFactory(
        questions=["What do you hope to learn?", "Which grade do you teach?"],
        questions_es=["¿Qué espera aprender?", ""],  # the second not translated yet
    )
    client.force_login(educator)
    client.cookies.load({"django_language": "es"})

    page = BeautifulSoup(client.get(community.get_absolute_url()).content, "html.parser")
    labels = [label.contents[0].strip() for label in page.select("label[for^=id_answer_]")]
    assert labels == ["¿Qué espera aprender?", "Which grade do you teach?"]

    client.post(apply_url(community), {"answer_0": "A evaluar mejor.", "answer_1": "3.º"})
    assert Membership.objects.get(user=educator).answers == [
        {"question": "What do you hope to learn?", "answer": "A evaluar mejor."},
        {"question": "Which grade do you teach?", "answer": "3.º"},
    ]


def test_the_back_office_asks_for_one_spanish_question_per_english_one(client):
    client.force_login(CoordinatorFactory())
    community = CommunityFactory(questions=["One?", "Two?"])
    url = reverse("admin:communities_community_change", args=[community.pk])
    data = form_data(client.get(url), "community_form")
    data["questions_es"] = "¿Uno?"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Give one Spanish question for each of the 2 English ones" in text(response)

    data["questions_es"] = "¿Uno?\n¿Dos?"
    assert client.post(url, data).status_code == 302
    community.refresh_from_db()
    assert community.questions_es == ["¿Uno?", "¿Dos?"]


def test_unanswered_question_re_shows_the_form(client, educator):
    community = CommunityFactory()
    client.force_login(educator)
    response = client.post(apply_url(community), {"answer_0": "  "})
    assert response.status_code == 400
    assert "This field is required" in text(response)
    assert not Membership.objects.exists()


def test_ineligible_educator_is_told_why_and_cannot_apply(client):
    community = CommunityFactory(title="Mentoring", min_years_experience=3)
    novice = EducatorFactory(years_experience=1)
    client.force_login(novice)
    page = text(client.get(community.get_absolute_url()))
    assert "3 or more years of experience; your profile says 1 year" in page
    assert "Send my application" not in page
    response = client.post(apply_url(community), {"answer_0": "Please"})
    assert response.status_code == 400
    assert not Membership.objects.exists()


def test_missing_years_asks_to_complete_the_profile(educator):
    educator.years_experience = None
    community = CommunityFactory(min_years_experience=3)
    problems = services.eligibility_problems(community=community, user=educator)
    assert problems == [
        "This community is for educators with 3 or more years of experience. "
        "Add your years of experience to your profile to apply."
    ]


def test_role_restriction_is_explained(educator):
    community = CommunityFactory(audience_roles=["coach", "administrator"])
    [problem] = services.eligibility_problems(community=community, user=educator)
    assert "Coach, Administrator" in problem
    assert "Classroom teacher" in problem


def test_closed_community_refuses_applications(educator):
    community = CommunityFactory(status=Community.Status.RUNNING)
    with pytest.raises(services.ApplicationRefused):
        services.membership_apply(community=community, user=educator, answers=["x"])


def test_applying_twice_changes_nothing_and_withdrawn_can_reapply(educator):
    community = CommunityFactory()
    first = services.membership_apply(community=community, user=educator, answers=["a"])
    again = services.membership_apply(community=community, user=educator, answers=["b"])
    assert first.created and not again.created
    services.membership_withdraw(membership=first.membership)
    back = services.membership_apply(community=community, user=educator, answers=["c"])
    assert back.created and back.membership.pk == first.membership.pk
    assert back.membership.status == Status.APPLIED


def test_declined_cannot_reapply(educator):
    membership = MembershipFactory(user=educator, status=Status.DECLINED)
    with pytest.raises(services.ApplicationRefused):
        services.membership_apply(community=membership.community, user=educator, answers=["x"])


def test_withdraw_from_the_page(client, educator):
    membership = MembershipFactory(user=educator, status=Status.APPLIED)
    client.force_login(educator)
    client.post(reverse("communities:withdraw", args=[membership.community.slug]))
    membership.refresh_from_db()
    assert membership.status == Status.WITHDRAWN


def test_bulk_accept_fills_seats_oldest_first_then_waitlists(
    client, django_capture_on_commit_callbacks
):
    coordinator = CoordinatorFactory()
    community = CommunityFactory(capacity=2)
    MembershipFactory(community=community, status=Status.ACCEPTED)
    applied = [MembershipFactory(community=community, status=Status.APPLIED) for _ in range(3)]
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("communities:roster", args=[community.slug]),
            {"decision": "accept", "membership": [m.pk for m in applied]},
            follow=True,
        )
    statuses = [Membership.objects.get(pk=m.pk).status for m in applied]
    assert statuses == [Status.ACCEPTED, Status.WAITLISTED, Status.WAITLISTED]
    assert "The cohort is full: 2 people went to the waiting list instead." in text(response)
    assert sorted(m.subject for m in mail.outbox) == sorted(
        [f"Welcome to {community.title}"]
        + [f"You are on the waiting list for {community.title}"] * 2
    )
    message = mail.outbox[0]
    assert message.alternatives and "notification preferences" in message.body


def test_decline_in_bulk_and_withdrawn_are_left_alone(django_capture_on_commit_callbacks):
    coordinator = CoordinatorFactory()
    community = CommunityFactory()
    applied = MembershipFactory(community=community, status=Status.APPLIED)
    withdrawn = MembershipFactory(community=community, status=Status.WITHDRAWN)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.memberships_decide(
            community=community,
            membership_ids=[applied.pk, withdrawn.pk],
            decision="decline",
            decided_by=coordinator,
        )
    assert [m.pk for m in result.changed] == [applied.pk]
    withdrawn.refresh_from_db()
    assert withdrawn.status == Status.WITHDRAWN
    assert [m.to for m in mail.outbox] == [[applied.user.email]]


def test_no_email_when_nothing_changes(django_capture_on_commit_callbacks):
    membership = MembershipFactory(status=Status.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.memberships_decide(
            community=membership.community,
            membership_ids=[membership.pk],
            decision="accept",
            decided_by=None,
        )
    assert mail.outbox == []


def test_roster_shows_answers_and_profile_facts(client):
    facilitator = EducatorFactory()
    community = CommunityFactory(facilitators=[facilitator])
    applicant = MembershipFactory(community=community, status=Status.APPLIED)
    client.force_login(facilitator)
    page = text(client.get(reverse("communities:roster", args=[community.slug])))
    assert applicant.user.email in page
    assert "To grade fairly." in page
    assert applicant.user.district.name in page
    assert "5 years" in page
    assert "0 of 20 places taken, 20 left." in page


@pytest.mark.parametrize("size", [1, 40])
def test_roster_query_count_is_fixed(client, django_assert_num_queries, size):
    """Guards against a query per applicant (grade bands, district, school, attendance)."""
    coordinator = CoordinatorFactory()
    community = CommunityFactory()
    MeetingFactory(community=community)
    for index in range(size):
        MembershipFactory(community=community, status=[Status.APPLIED, Status.ACCEPTED][index % 2])
    client.force_login(coordinator)
    url = reverse("communities:roster", args=[community.slug])
    # session, user, coordinator group, community, grade bands, facilitators,
    # memberships, their grade bands, meetings, attendance
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200


def test_roster_csv_has_answers_and_neutralises_formulas(client):
    coordinator = CoordinatorFactory()
    community = CommunityFactory()
    membership = MembershipFactory(community=community, status=Status.APPLIED)
    membership.answers = [{"question": "What do you hope to learn?", "answer": "=HYPERLINK()"}]
    membership.save()
    client.force_login(coordinator)
    response = client.get(reverse("communities:roster_csv", args=[community.slug]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][-1] == "What do you hope to learn?"
    assert rows[1][1] == membership.user.email
    assert rows[1][2] == "Applied"
    assert rows[1][-1] == "'=HYPERLINK()"


def test_cohort_email_goes_to_accepted_members_only(client, django_capture_on_commit_callbacks):
    coordinator = CoordinatorFactory()
    community = CommunityFactory()
    member = MembershipFactory(community=community, status=Status.ACCEPTED)
    MembershipFactory(community=community, status=Status.APPLIED)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("communities:email", args=[community.slug]),
            {"subject": "Reading for March", "body": "Chapter 4, please."},
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[member.user.email]]
    assert "Chapter 4, please." in mail.outbox[0].body


def test_member_sees_meetings_and_join_link_non_member_does_not(client):
    community = CommunityFactory(status=Community.Status.RUNNING)
    from .factories import in_days

    MeetingFactory(
        community=community,
        title="Chapter one",
        starts_at=in_days(3),
        join_url="https://zoom.example.org/j/1",
    )
    member = MembershipFactory(community=community, status=Status.ACCEPTED)
    outsider = EducatorFactory()
    client.force_login(outsider)
    assert "Chapter one" not in text(client.get(community.get_absolute_url()))
    client.force_login(member.user)
    response = client.get(community.get_absolute_url())
    assert "Chapter one" in text(response)
    assert b"https://zoom.example.org/j/1" in response.content


@pytest.mark.parametrize("size", [1, 20])
def test_list_and_detail_query_counts_are_fixed(client, django_assert_num_queries, size):
    """Guards against a query per community on the list (counts, partner, my status)."""
    educator = EducatorFactory()
    for _ in range(size):
        community = CommunityFactory()
        MembershipFactory(community=community, user=educator, status=Status.APPLIED)
    client.force_login(educator)
    # session, user, communities with counts, my statuses
    with django_assert_num_queries(4):
        client.get(reverse("communities:list"))
    # session, user, community, grade bands, facilitators, membership, coordinator
    # group, accepted count
    with django_assert_num_queries(8):
        client.get(community.get_absolute_url())


def test_home_lists_open_communities(client):
    CommunityFactory(title="Open for all")
    CommunityFactory(title="Already running", status=Community.Status.RUNNING)
    page = text(client.get("/"))
    assert "Open for all" in page
    assert "Already running" not in page


def test_me_shows_my_communities_and_transcript_link(client, educator):
    MembershipFactory(user=educator, community=CommunityFactory(title="Mentoring Circle"))
    client.force_login(educator)
    page = text(client.get(reverse("accounts:me")))
    assert "Mentoring Circle" in page
    assert "My PD transcript and certificates" in page


def test_a_community_shows_its_photo_with_a_description_in_the_readers_language(
    client, settings, tmp_path
):
    """A coordinator gives a community a photo (checked and re-encoded like every
    upload) and describes it in both languages; its page and card show it with its
    size set (no layout shift), the card's copy decorative beside the title."""
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), (11, 85, 99)).save(buffer, format="JPEG")
    community = CommunityFactory(
        photo_alt="Teachers around a table with picture books",
        photo_alt_es="Docentes alrededor de una mesa con libros ilustrados",
    )
    community.photo.save("circle.jpg", ContentFile(buffer.getvalue()))
    community.full_clean()  # the upload validator accepts it

    page = BeautifulSoup(client.get(community.get_absolute_url()).content, "html.parser")
    photo = page.select_one("img.community-photo")
    assert photo["alt"] == "Teachers around a table with picture books"
    assert (photo["width"], photo["height"]) == ("640", "360")
    spanish = BeautifulSoup(
        client.get(community.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es").content,
        "html.parser",
    )
    assert spanish.select_one("img.community-photo")["alt"].startswith("Docentes alrededor")
    listing = BeautifulSoup(client.get(reverse("communities:list")).content, "html.parser")
    card = listing.select_one("img.community-card-photo")
    assert card["alt"] == "" and card["loading"] == "lazy"
