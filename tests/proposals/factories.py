"""A call for proposals for a summit: open now, two formats, three criteria, a
question, two rooms and two slots on the summit's day (next month)."""

import datetime

import factory
from django.utils import timezone

from events.proposals import services
from events.proposals.models import (
    Call,
    CallQuestion,
    Criterion,
    Reviewer,
    Room,
    SessionFormat,
    Slot,
)
from tests import factories
from tests.factories import in_days


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call
        skip_postgeneration_save = True

    event = factory.SubFactory(factories.ProgramFactory)
    title = factory.Sequence(lambda n: f"Call for proposals {n}")
    title_es = factory.LazyAttribute(lambda o: f"Convocatoria: {o.title}")
    slug = factory.Sequence(lambda n: f"call-{n}")
    description = "Share what works in your classroom."
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))

    @factory.post_generation
    def parts(self, create, extracted, **kwargs):
        if not create:
            return
        SessionFormat.objects.create(call=self, name="Breakout", name_es="Taller", minutes=60)
        SessionFormat.objects.create(call=self, name="Lightning talk", minutes=15)
        for position, name in enumerate(["Relevance", "Practicality", "Equity"]):
            Criterion.objects.create(call=self, position=position, name=name)
        CallQuestion.objects.create(
            call=self, text="What will participants take away?", kind="long_text", required=True
        )
        Room.objects.create(call=self, name="Room 201", capacity=30)
        Room.objects.create(call=self, name="Auditorium", capacity=200)
        for hour in (9, 11):
            start = in_days(30, hour=hour)
            Slot.objects.create(
                call=self, starts_at=start, ends_at=start + datetime.timedelta(hours=1)
            )


def add_reviewer(call, user=None):
    user = user or factories.EducatorFactory()
    Reviewer.objects.create(call=call, user=user)
    return user


def proposal(call, user=None, *, submit=True, co_presenters=(), title="Phonics that sticks"):
    """A proposal written through the service, as the form would."""
    user = user or factories.EducatorFactory()
    question = call.questions.first()
    return services.proposal_save(
        call=call,
        user=user,
        fields={
            "title": title,
            "abstract": "Decodable texts and routines for K-2.",
            "session_format": call.formats.get(minutes=60),
        },
        grade_bands=[],
        topics=[],
        answers={str(question.pk): "Three routines."} if question else {},
        bio="Teaches first grade.",
        co_presenters=co_presenters,
        submit=submit,
    )
