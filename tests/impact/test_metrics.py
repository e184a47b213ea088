"""Each figure on a small hand-built data set with a known answer, edge cases included."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from communities.models import Community, Membership
from events.attendance import event_credits_sync
from events.models import Attendance, Event, OutboundClick, Registration
from gratitude.models import Post
from tests.communities.factories import (
    CommunityFactory,
    MeetingAttendanceFactory,
    MeetingFactory,
    MembershipFactory,
)
from tests.factories import EducatorFactory, EventFactory, RegistrationFactory, in_days
from trec.impact.periods import Period
from trec.transcripts.models import Credit

from .conftest import at, attend, credit, figures, session

pytestmark = pytest.mark.django_db

YEAR = Period.year(2025)


def test_educators_served_counts_each_person_once_and_never_a_cancelled_registration(region):
    values = figures(YEAR)["metrics"]
    # ana (twice at the workshop, once at the webinar), ben, cai; not dee (cancelled),
    # not eve (did not come).
    assert values["educators_served"] == 3
    # ana at two events + ben + cai; ana's second workshop session adds nothing.
    assert values["attendances"] == 4
    assert values["webinar_attendees"] == 2


def test_a_cancelled_registration_marked_present_by_mistake_is_not_served(region):
    attend(region["registrations"]["dee-w"], index=0)
    values = figures(YEAR)["metrics"]
    assert values["educators_served"] == 3
    assert values["students_impacted"] == 55


def test_students_indirectly_impacted_sum_each_attendee_once(region):
    # ana 25 (once, though she attended three sessions) + ben 30 + cai (blank) 0.
    assert figures(YEAR)["metrics"]["students_impacted"] == 55


def test_districts_and_schools_reached_are_those_of_the_people_served(region):
    values = figures(YEAR)["metrics"]
    assert values["districts_reached"] == 2  # north (ana, ben) and south (cai)
    assert values["schools_reached"] == 2  # ana and ben share one; cai has her own


def test_registrations_leave_out_cancelled_and_declined(region):
    extra = RegistrationFactory(
        event=region["events"]["webinar"], status=Registration.Status.DECLINED
    )
    Registration.objects.filter(pk=extra.pk).update(created_at=at(2025, 3, 1))
    # six made in 2025: dee's cancelled and the declined one do not count.
    assert figures(YEAR)["metrics"]["registrations"] == 5


def test_events_listed_count_public_listings_first_published_in_the_period(region):
    EventFactory(kind=Event.Kind.ON_DEMAND, published_at=at(2025, 6, 1), sessions=[])
    EventFactory(published_at=at(2025, 6, 1), is_private=True)  # a school visit
    EventFactory(published_at=at(2025, 6, 1), status=Event.Status.CANCELLED)
    EventFactory(published_at=at(2025, 6, 1), status=Event.Status.DRAFT)
    EventFactory(published_at=at(2024, 12, 31, 23), status=Event.Status.ARCHIVED)
    EventFactory(published_at=at(2026, 1, 1, 0, 30))
    data = figures(YEAR)
    assert data["metrics"]["events_listed"] == 3  # workshop, webinar, on-demand toolkit
    kinds = {row["label"]: row["events"] for row in data["series"]["events_by_kind"]}
    assert kinds == {"event": 1, "webinar": 1, "program": 0, "on_demand": 1}


def test_webinars_held_only_count_sessions_that_took_place(db):
    EventFactory(kind=Event.Kind.WEBINAR, sessions=[session(in_days(-3))])
    EventFactory(kind=Event.Kind.WEBINAR, sessions=[session(in_days(2))])  # not yet held
    EventFactory(kind=Event.Kind.WEBINAR, sessions=[session(in_days(-3))], is_private=True)
    today = timezone.localdate()
    period = Period.between(
        today - datetime.timedelta(days=10), today + datetime.timedelta(days=10)
    )
    assert figures(period)["metrics"]["webinars_held"] == 1


def test_pd_hours_come_from_the_ledger_as_it_is_now(region):
    workshop = region["events"]["workshop"]
    event_credits_sync(event=workshop)
    # ana: two 2-hour sessions, capped at the workshop's 2 hours; ben: one session.
    assert figures(YEAR)["metrics"]["pd_hours"] == "4.00"
    assert figures(YEAR)["metrics"]["educators_with_hours"] == 2

    # The provider unmarks ben's attendance: his hours disappear on recompute.
    Attendance.objects.filter(registration=region["registrations"]["ben-w"]).delete()
    event_credits_sync(event=workshop)
    values = figures(YEAR)["metrics"]
    assert values["pd_hours"] == "2.00"
    assert values["educators_with_hours"] == 1


def test_school_year_runs_july_to_june(db):
    educator = EducatorFactory()
    credit(educator, 1, datetime.date(2025, 6, 30))
    credit(educator, 2, datetime.date(2025, 7, 1))
    credit(educator, 4, datetime.date(2026, 6, 30))
    credit(educator, 8, datetime.date(2026, 7, 1))
    assert figures(Period.school_year(2024))["metrics"]["pd_hours"] == "1.00"
    assert figures(Period.school_year(2025))["metrics"]["pd_hours"] == "6.00"
    assert figures(Period.year(2025))["metrics"]["pd_hours"] == "3.00"


def test_a_session_late_on_june_30_belongs_to_the_school_year_ending_that_day(db):
    late = EventFactory(sessions=[session(at(2025, 6, 30, 21), hours=2)])
    attend(RegistrationFactory(event=late))
    assert figures(Period.school_year(2024))["metrics"]["educators_served"] == 1
    assert figures(Period.school_year(2025))["metrics"]["educators_served"] == 0


def test_periods_have_labels_slugs_and_previous_periods():
    school = Period.school_year(2025)
    assert (school.start, school.end) == (datetime.date(2025, 7, 1), datetime.date(2026, 6, 30))
    assert school.label == "2025–26"
    assert Period.from_slug(school.slug) == school
    assert Period.school_year_of(datetime.date(2026, 6, 30)) == school
    assert Period.school_year_of(datetime.date(2026, 7, 1)) == Period.school_year(2026)
    assert Period.year(2025).previous() == Period.year(2024)
    span = Period.between(datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))
    assert span.previous() == Period.between(datetime.date(2025, 1, 29), datetime.date(2025, 2, 28))
    assert Period.from_slug(span.slug) == span
    with pytest.raises(ValueError):
        Period.from_slug("2025-27")
    with pytest.raises(ValueError):
        Period.between(datetime.date(2025, 3, 2), datetime.date(2025, 3, 1))


def test_communities_members_and_teacher_leaders(db):
    cop = CommunityFactory(kind=Community.Kind.COMMUNITY)
    quiet = CommunityFactory(kind=Community.Kind.COMMUNITY)  # never met in 2025
    cohort = CommunityFactory(kind=Community.Kind.TEACHER_LEADER)
    MeetingFactory(community=cop, starts_at=at(2025, 9, 1))
    MeetingFactory(community=cop, starts_at=at(2025, 10, 1))
    MeetingFactory(community=cohort, starts_at=at(2025, 9, 3))
    MeetingFactory(community=quiet, starts_at=at(2026, 1, 5))
    MembershipFactory.create_batch(3, community=cop)
    MembershipFactory(community=cop, status=Membership.Status.WAITLISTED)
    MembershipFactory(community=quiet)
    MembershipFactory.create_batch(2, community=cohort)
    values = figures(YEAR)["metrics"]
    assert values["communities"] == 1
    assert values["community_members"] == 3
    assert values["teacher_leaders"] == 2


def test_meeting_attendance_counts_toward_educators_served(region):
    meeting = MeetingFactory(starts_at=at(2025, 9, 1))
    # ben again (counted once) and dee (who never came to an event)
    for person in ("ben", "dee"):
        MeetingAttendanceFactory(
            meeting=meeting,
            membership=MembershipFactory(
                community=meeting.community, user=region["people"][person]
            ),
        )
    values = figures(YEAR)["metrics"]
    assert values["educators_served"] == 4
    assert values["students_impacted"] == 95  # 25 + 30 + 0 + 40
    assert values["meeting_attendances"] == 2


def test_providers_active(region):
    EventFactory(published_at=at(2024, 5, 1), sessions=[session(at(2025, 5, 1))])  # held
    EventFactory(published_at=at(2024, 5, 1), sessions=[session(at(2024, 5, 2))])  # not
    assert figures(YEAR)["metrics"]["providers_active"] == 2


def test_gratitude_posts_count_approved_ones(db):
    from tests.gratitude.conftest import make_post, make_wall

    wall = make_wall()
    for status in (
        Post.Status.APPROVED,
        Post.Status.APPROVED,
        Post.Status.PENDING,
        Post.Status.REJECTED,
    ):
        make_post(wall, status=status, created_at=at(2025, 12, 3))
    make_post(wall, status=Post.Status.APPROVED, created_at=at(2024, 12, 3))
    assert figures(YEAR)["metrics"]["gratitude_posts"] == 2


def test_accounts_new_active_and_site_users(region):
    people = region["people"]
    EducatorFactory(is_active=False)
    from trec.accounts.models import User

    User.objects.update(date_joined=at(2024, 6, 1), last_login=None)
    User.objects.filter(pk=people["eve"].pk).update(date_joined=at(2025, 2, 1))
    User.objects.filter(pk=people["dee"].pk).update(date_joined=at(2026, 2, 1))
    late = EducatorFactory()  # joined now, signed in 2025? no: never
    User.objects.filter(pk=late.pk).update(date_joined=at(2026, 3, 1), last_login=None)
    values = figures(YEAR)["metrics"]
    assert values["new_accounts"] == 1  # eve
    # registered or attended in 2025: ana, ben, cai, dee (cancelled, but she registered), eve
    assert values["active_users"] == 5
    assert values["site_users"] == 4  # active accounts that existed by Dec 31, 2025


def test_outbound_clicks(region):
    webinar = region["events"]["webinar"]
    for when in (at(2025, 3, 1), at(2025, 12, 31, 23, 59), at(2026, 1, 1, 0, 1)):
        click = OutboundClick.objects.create(event=webinar)
        OutboundClick.objects.filter(pk=click.pk).update(created_at=when)
    assert figures(YEAR)["metrics"]["outbound_clicks"] == 2


def test_breakdowns_by_district_topic_and_role(region):
    event_credits_sync(event=region["events"]["workshop"])
    breakdowns = figures(YEAR)["breakdowns"]
    district = {row["label"]: row for row in breakdowns["district"]}
    assert district["North Unified"]["people"] == 2
    assert district["North Unified"]["students"] == 55
    assert district["North Unified"]["attendances"] == 3
    assert district["North Unified"]["hours"] == "4.00"
    assert district["South Valley"]["people"] == 1  # cai
    topic = {row["label"]: row for row in breakdowns["topic"]}
    assert topic["Early literacy"]["people"] == 2 and topic["Early literacy"]["hours"] == "4.00"
    assert topic[None]["people"] == 2  # the webinar has no topic
    role = {row["label"]: row for row in breakdowns["role"]}
    assert role["teacher"]["people"] == 3
    provider = {row["label"]: row for row in breakdowns["provider"]}
    assert provider["Reading Partners"]["attendances"] == 4


def test_monthly_attendance_covers_every_month(region):
    months = figures(YEAR)["series"]["monthly_attendance"]
    assert [m["label"] for m in months][:4] == ["2025-01", "2025-02", "2025-03", "2025-04"]
    assert len(months) == 12
    by_month = {m["label"]: m for m in months}
    assert by_month["2025-03"] == {"label": "2025-03", "people": 2, "attendances": 2}
    assert by_month["2025-04"]["people"] == 2
    assert by_month["2025-05"]["attendances"] == 0


def test_program_block_for_a_summit(region):
    summit = EventFactory(
        title="Regional Summit",
        kind=Event.Kind.PROGRAM,
        pd_hours=Decimal("6"),
        sessions=[session(at(2025, 6, 10, 8), 3), session(at(2025, 6, 11, 8), 3)],
    )
    for person in ("ana", "ben", "cai"):
        registration = RegistrationFactory(event=summit, user=region["people"][person])
        attend(registration, index=0)
        attend(registration, index=1)
    RegistrationFactory(event=summit, user=region["people"]["eve"])  # did not come
    credit(region["people"]["ana"], 6, datetime.date(2025, 6, 11))
    Credit.objects.filter(user=region["people"]["ana"]).update(event=summit)
    [program] = figures(YEAR)["series"]["programs"]
    assert program["title"] == "Regional Summit"
    assert program["attendees"] == 3
    assert program["students"] == 55
    assert program["hours"] == "6.00"
    assert program["satisfaction"] is None


def test_survey_respondents_and_satisfaction(region):
    from surveys.models import Answer, Question, Response, Survey

    feedback = Survey.objects.create(
        title="How was it?", slug="how-was-it", kind=Survey.Kind.FEEDBACK, anonymous=True
    )
    likert = Question.objects.create(
        survey=feedback, text="The session was applicable", kind=Question.Kind.LIKERT
    )
    needs = Survey.objects.create(title="Needs", slug="needs", kind=Survey.Kind.NEEDS)

    def respond(survey, *, user=None, status="submitted", day=datetime.date(2025, 5, 1), points=()):
        response = Response.objects.create(
            survey=survey,
            user=user,
            status=status,
            submitted_on=day if status == "submitted" else None,
        )
        for number in points:
            Answer.objects.create(response=response, question=likert, number=Decimal(number))
        return response

    respond(feedback, points=[5])  # anonymous
    respond(feedback, points=[4])  # anonymous
    respond(feedback, points=[3])  # anonymous
    respond(feedback, points=[2], day=datetime.date(2024, 12, 31))  # last year
    respond(feedback, status="draft", points=[1])  # never submitted
    respond(needs, user=region["people"]["ana"])
    respond(needs, user=region["people"]["ben"])
    values = figures(YEAR)["metrics"]
    assert values["survey_respondents"] == 5  # three anonymous + ana + ben
    assert values["satisfaction_answers"] == 3
    assert values["satisfaction"] == "66.7"  # 5 and 4 are the top two of five boxes
