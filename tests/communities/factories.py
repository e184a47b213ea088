import datetime

import factory
from django.utils import timezone
from django.utils.text import slugify

from communities.models import Community, Meeting, MeetingAttendance, Membership
from tests.factories import EducatorFactory, in_days


class CommunityFactory(factory.django.DjangoModelFactory):
    """An open community of practice for 2026–2027 with one question and 20 seats."""

    class Meta:
        model = Community
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Equitable Grading {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    summary = "Grading practices that are accurate and motivating."
    description = "We read **Grading for Equity** together."
    school_year = "2026–2027"
    status = Community.Status.OPEN
    capacity = 20
    questions = factory.LazyFunction(lambda: ["What do you hope to learn?"])

    @factory.post_generation
    def facilitators(self, create, extracted, **kwargs):
        if create and extracted:
            self.facilitators.set(extracted)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    community = factory.SubFactory(CommunityFactory)
    user = factory.SubFactory(EducatorFactory)
    status = Membership.Status.ACCEPTED
    answers = factory.LazyFunction(
        lambda: [{"question": "What do you hope to learn?", "answer": "To grade fairly."}]
    )


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Meeting {n}")
    starts_at = factory.LazyFunction(lambda: in_days(-7))
    duration_minutes = 90


class MeetingAttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingAttendance

    meeting = factory.SubFactory(MeetingFactory)
    membership = factory.SubFactory(MembershipFactory)
    marked_at = factory.LazyFunction(timezone.now)


def past(days: int) -> datetime.datetime:
    return in_days(-days)
