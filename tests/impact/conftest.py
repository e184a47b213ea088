"""A small hand-built region for the impact tests: every figure has a known answer.

Everything happens in 2025 (a past year, so every session has been "held").
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from events.models import Attendance, Event, Registration
from tests.factories import (
    DistrictFactory,
    EducatorFactory,
    EventFactory,
    ProviderFactory,
    RegistrationFactory,
    SchoolFactory,
    TopicFactory,
)
from trec.impact import metrics
from trec.impact.periods import Period
from trec.transcripts.models import Credit


def at(year, month, day, hour=10, minute=0) -> datetime.datetime:
    moment = datetime.datetime.combine(datetime.date(year, month, day), datetime.time(hour, minute))
    return timezone.make_aware(moment)


def session(start: datetime.datetime, hours: int = 2):
    return (start, start + datetime.timedelta(hours=hours))


def attend(registration, *, index: int = 0):
    sessions = list(registration.event.sessions.order_by("starts_at"))
    return Attendance.objects.create(registration=registration, session=sessions[index])


def credit(user, hours, day, **extra):
    row = Credit(
        user=user,
        source_kind=Credit.Source.MANUAL,
        title="Manual credit",
        hours=Decimal(str(hours)),
        earned_on=day,
        reason="Test",
        **extra,
    )
    row.save()
    return row


def figures(period: Period) -> dict:
    return metrics.compute_all(period)


@pytest.fixture
def region(db):
    """Two districts, a topic, and five educators with known students served.

    - ana (north, 25 students) attends both sessions of the workshop and the webinar
    - ben (north, 30 students) attends the workshop once
    - cai (south, no answer) attends the webinar
    - dee (south, 40 students) registered for the workshop, then cancelled
    - eve (south, 50 students) registered for the webinar but did not come
    """
    north = DistrictFactory(name="North Unified")
    south = DistrictFactory(name="South Valley")
    topic = TopicFactory(name="Early literacy")
    provider = ProviderFactory(name="Reading Partners")
    people = {
        "ana": EducatorFactory(
            district=north, school=SchoolFactory(district=north), students_served=25
        ),
        "ben": EducatorFactory(district=north, students_served=30),
        "cai": EducatorFactory(district=south, students_served=None),
        "dee": EducatorFactory(district=south, students_served=40),
        "eve": EducatorFactory(district=south, students_served=50),
    }
    people["ben"].school = people["ana"].school
    people["ben"].save()
    workshop = EventFactory(
        title="Phonics Workshop",
        provider=provider,
        kind=Event.Kind.EVENT,
        published_at=at(2025, 2, 1),
        sessions=[session(at(2025, 3, 4)), session(at(2025, 3, 11))],
        topics=[topic],
    )
    webinar = EventFactory(
        title="Read-aloud Webinar",
        provider=provider,
        kind=Event.Kind.WEBINAR,
        published_at=at(2025, 4, 1),
        sessions=[session(at(2025, 4, 20, 16), hours=1)],
    )
    regs = {
        "ana-w": RegistrationFactory(event=workshop, user=people["ana"]),
        "ben-w": RegistrationFactory(event=workshop, user=people["ben"]),
        "dee-w": RegistrationFactory(
            event=workshop, user=people["dee"], status=Registration.Status.CANCELLED
        ),
        "ana-web": RegistrationFactory(event=webinar, user=people["ana"]),
        "cai-web": RegistrationFactory(event=webinar, user=people["cai"]),
        "eve-web": RegistrationFactory(event=webinar, user=people["eve"]),
    }
    Registration.objects.filter(pk__in=[r.pk for r in regs.values()]).update(
        created_at=at(2025, 2, 15)
    )
    attend(regs["ana-w"], index=0)
    attend(regs["ana-w"], index=1)
    attend(regs["ben-w"], index=0)
    attend(regs["ana-web"])
    attend(regs["cai-web"])
    return {
        "people": people,
        "events": {"workshop": workshop, "webinar": webinar},
        "registrations": regs,
        "districts": {"north": north, "south": south},
        "topic": topic,
        "provider": provider,
    }
