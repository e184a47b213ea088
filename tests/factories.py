import datetime
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify

from events.models import Event, EventSession, Registration, Topic
from events.services import event_saved, event_seats_sync, event_sync_schedule
from providers.models import Provider, ProviderMembership
from trec.accounts.models import District, GradeBand, School, User
from trec.accounts.roles import COORDINATORS_GROUP, PROVIDER_STAFF_GROUP

PASSWORD = "correct-horse-battery-staple"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Test District {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = District.Kind.DISTRICT


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Test Elementary School {n}")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)
    role = User.Role.TEACHER
    onboarded_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Users can sign in: their e-mail address is verified (pass verified=False to skip)."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class EducatorFactory(UserFactory):
    district = factory.SubFactory(DistrictFactory)
    school = factory.SubFactory(SchoolFactory, district=factory.SelfAttribute("..district"))
    years_experience = 5
    students_served = 25

    @factory.post_generation
    def grade_bands(self, create, extracted, **kwargs):
        if create:
            self.grade_bands.set(extracted or GradeBand.objects.filter(code="k-2"))


class CoordinatorFactory(UserFactory):
    is_staff = True
    role = User.Role.STAFF

    @factory.post_generation
    def coordinators_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=COORDINATORS_GROUP))


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Provider Organisation {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = Provider.Kind.NONPROFIT
    summary = "Professional learning for the region's educators."
    website = "https://provider.example.org"
    contact_email = factory.LazyAttribute(lambda o: f"hello@{o.slug}.example.org")


class ProviderStaffFactory(UserFactory):
    """A back-office user who works for `provider` (pass provider=... or get a new one)."""

    is_staff = True
    role = User.Role.STAFF

    @factory.post_generation
    def provider(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=PROVIDER_STAFF_GROUP))
            ProviderMembership.objects.create(
                user=self,
                provider=extracted or ProviderFactory(),
                role=ProviderMembership.Role.OWNER,
            )


def in_days(days: float, hour: int = 16) -> datetime.datetime:
    """An aware datetime `days` from today at `hour` o'clock in the hub's time zone."""
    today = timezone.localdate()
    naive = datetime.datetime.combine(today + datetime.timedelta(days=days), datetime.time(hour))
    return timezone.make_aware(naive)


class EventFactory(factory.django.DjangoModelFactory):
    """A published, free, virtual webinar-like event with one session next week.

    Pass sessions=[(start, end), ...] for other dates, sessions=[] for none.
    """

    class Meta:
        model = Event
        skip_postgeneration_save = True

    provider = factory.SubFactory(ProviderFactory)
    title = factory.Sequence(lambda n: f"Supporting Readers Workshop {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    summary = "Practical strategies you can use on Monday."
    description = "## What you will learn\n\n- Strategy one\n- Strategy two"
    kind = Event.Kind.EVENT
    format = Event.Format.VIRTUAL
    language = Event.Language.ENGLISH
    cost = Decimal("0")
    pd_hours = Decimal("2.0")
    capacity = None
    registration_mode = Event.RegistrationMode.HUB
    status = Event.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)

    @factory.post_generation
    def grade_bands(self, create, extracted, **kwargs):
        if create and extracted:
            self.grade_bands.set(extracted)

    @factory.post_generation
    def sessions(self, create, extracted, **kwargs):
        if not create:
            return
        spans = extracted if extracted is not None else [(in_days(7), in_days(7, hour=18))]
        for start, end in spans:
            EventSession.objects.create(event=self, starts_at=start, ends_at=end)
        event_saved(event=self)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(EducatorFactory)
    status = Registration.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def seats(self, create, extracted, **kwargs):
        """Written directly, not through the services: recount the event's stored seats
        as events.services does for every registration it changes."""
        if create:
            event_seats_sync(event=self.event)


# --- On-site offerings and requests (providers) ---------------------------------------


class OfferingFactory(factory.django.DjangoModelFactory):
    """An active on-site offering with one 45-minute length (durations=[...] for others:
    (label, minutes) pairs)."""

    class Meta:
        model = "providers.Offering"
        skip_postgeneration_save = True

    provider = factory.SubFactory(ProviderFactory)
    title = factory.Sequence(lambda n: f"Educator resiliency PD {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    description = "An interactive session on stress, boundaries and recovery."
    audience = "Teachers and counselors"
    format = "in_person"
    is_active = True

    @factory.post_generation
    def durations(self, create, extracted, **kwargs):
        if create:
            for position, (label, minutes) in enumerate(extracted or [("45-minute PD", 45)]):
                self.durations.create(label=label, minutes=minutes, position=position)


class SessionRequestFactory(factory.django.DjangoModelFactory):
    """A new request from a school for an offering's first length, for two weeks ahead."""

    class Meta:
        model = "providers.SessionRequest"

    offering = factory.SubFactory(OfferingFactory)
    provider = factory.SelfAttribute("offering.provider")
    duration = factory.LazyAttribute(lambda o: o.offering.durations.order_by("position").first())
    school_name = factory.Sequence(lambda n: f"Saguaro Elementary {n}")
    contact_name = "Maria Lopez"
    contact_email = factory.Sequence(lambda n: f"principal{n}@school.example.org")
    audience_size = 30
    preferred_dates = factory.LazyFunction(
        lambda: [
            {
                "date": (timezone.localdate() + datetime.timedelta(days=14)).isoformat(),
                "time_of_day": "morning",
            }
        ]
    )
    notes = "We meet in the library."


# --- Surveys ---------------------------------------------------------------------------


class SurveyFactory(factory.django.DjangoModelFactory):
    """An open, identified general survey with no questions (add them with QuestionFactory)."""

    class Meta:
        model = "surveys.Survey"

    title = factory.Sequence(lambda n: f"Educator Survey {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    intro = "A few questions about your professional learning."
    kind = "general"
    anonymous = False
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "surveys.Section"

    survey = factory.SubFactory(SurveyFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Part {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    """A Likert question; pass kind=..., and choices=["Yes", "No"] for choice questions
    (values are the slugified labels)."""

    class Meta:
        model = "surveys.Question"
        skip_postgeneration_save = True

    survey = factory.SubFactory(SurveyFactory)
    position = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Question {n}?")
    kind = "likert"
    required = True

    @factory.post_generation
    def choices(self, create, extracted, **kwargs):
        if create and extracted:
            from surveys.models import Choice

            Choice.objects.bulk_create(
                [
                    Choice(question=self, position=i, label=label, value=slugify(label))
                    for i, label in enumerate(extracted)
                ]
            )


class ProgramFactory(EventFactory):
    """A published, in-person program (a summit) without sessions: add ProgramSessions."""

    title = factory.Sequence(lambda n: f"Educator Summit {n}")
    kind = Event.Kind.PROGRAM
    format = Event.Format.IN_PERSON
    pd_hours = Decimal("5")
    venue_name = "TREC Learning Center"

    @factory.post_generation
    def sessions(self, create, extracted, **kwargs):
        if create:
            event_saved(event=self)


class ProgramSessionFactory(factory.django.DjangoModelFactory):
    """One breakout of a program: an hour next week at 9 a.m. in Room 101, 1 PD hour."""

    class Meta:
        model = EventSession
        skip_postgeneration_save = True

    event = factory.SubFactory(ProgramFactory)
    title = factory.Sequence(lambda n: f"Breakout {n}")
    starts_at = factory.LazyFunction(lambda: in_days(7, hour=9))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=1))
    location = "Room 101"
    track = "Literacy"
    capacity = None
    pd_hours = Decimal("1")

    @factory.post_generation
    def schedule(self, create, extracted, **kwargs):
        if create:
            event_sync_schedule(event=self.event)
