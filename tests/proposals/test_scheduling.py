"""Coordinators place accepted proposals into the call's rooms and slots (a taken room,
a double-booked presenter and too many seats are refused with a clear message); the
session appears on the program's schedule with the presenters' bios; presenters
confirm; once the session is over they earn "presenter" hours by the call's rule and a
certificate that says they presented."""

import datetime
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from events.proposals import services
from events.proposals.models import Call, Proposal
from events.proposals.tasks import presenter_credits
from tests import factories
from tests.proposals.factories import CallFactory, proposal
from trec.impact.metrics import METRICS_BY_KEY, Scope
from trec.impact.periods import Period
from trec.notifications.models import Notification
from trec.transcripts.models import Certificate, Credit

pytestmark = pytest.mark.django_db


def accepted(call, user=None, **kwargs):
    made = proposal(call, user, **kwargs)
    services.proposals_decide(
        call=call, proposal_ids=[made.pk], status="accepted", message="", message_es=""
    )
    made.refresh_from_db()
    return made


def place(client, call, target, *, slot, room, capacity=""):
    return client.post(
        reverse("proposals:schedule", args=[call.slug, target.pk]),
        {"slot": slot.pk, "room": room.pk, "capacity": capacity},
        follow=True,
    )


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def test_scheduling_makes_a_program_session_with_the_presenters(client, coordinator):
    call = CallFactory()
    lead = factories.EducatorFactory(first_name="Rosa", last_name="Diaz")
    target = accepted(call, lead)
    slot, room = call.slots.first(), call.rooms.get(name="Room 201")
    client.force_login(coordinator)

    response = place(client, call, target, slot=slot, room=room)

    assert "is on the program" in page(response).select_one(".messages").get_text()
    target.refresh_from_db()
    session = target.session
    assert (session.event, session.title, session.location) == (
        call.event,
        "Phonics that sticks",
        "Room 201",
    )
    assert (session.track, session.track_es) == ("Breakout", "Taller")
    assert (session.starts_at, session.capacity, session.pd_hours) == (
        slot.starts_at,
        30,
        Decimal("1.00"),
    )
    assert Notification.objects.filter(
        kind="proposal_scheduled", recipient=lead, object_id=target.pk
    ).exists()
    schedule = page(client.get(reverse("events:schedule", args=[call.event.slug])))
    card = schedule.select_one(f"#session-{session.pk}")
    assert "Rosa Diaz" in card.select_one(".presenter-list").get_text()
    assert "Teaches first grade." in card.get_text()


def test_the_form_names_slots_in_the_readers_language(client, coordinator):
    call = CallFactory()
    target = accepted(call)
    client.force_login(coordinator)
    url = reverse("proposals:schedule", args=[call.slug, target.pk])
    options = page(client.get(url)).select("#id_slot option")
    assert options[1].get_text().endswith("9:00 AM – 10:00 AM")
    client.cookies["django_language"] = "es"
    options = page(client.get(url, HTTP_ACCEPT_LANGUAGE="es")).select("#id_slot option")
    assert "9:00 a. m." in options[1].get_text()


def test_a_taken_room_is_refused_with_a_clear_message(client, coordinator):
    call = CallFactory()
    first, second = accepted(call, title="First"), accepted(call, title="Second")
    slot, room = call.slots.first(), call.rooms.first()
    client.force_login(coordinator)
    place(client, call, first, slot=slot, room=room)

    response = place(client, call, second, slot=slot, room=room)

    assert response.status_code == 400
    assert f"{room.name} is taken at that time by “First”." in page(response).select_one(
        ".form-errors"
    ).get_text(" ")
    second.refresh_from_db()
    assert second.slot is None


def test_a_presenter_cannot_be_in_two_rooms_at_once(coordinator):
    call = CallFactory()
    lead = factories.EducatorFactory(first_name="Rosa", last_name="Diaz")
    first, second = accepted(call, lead, title="First"), accepted(call, lead, title="Second")
    slot = call.slots.first()
    rooms = list(call.rooms.all())
    services.proposal_schedule(proposal=first, room=rooms[0], slot=slot)
    with pytest.raises(services.ProposalError, match="Rosa Diaz already presents “First”"):
        services.proposal_schedule(proposal=second, room=rooms[1], slot=slot)


def test_seats_beyond_the_room_and_unaccepted_proposals_are_refused():
    call = CallFactory()
    room = call.rooms.get(name="Room 201")
    with pytest.raises(services.ProposalError, match="Room 201 holds 30 people"):
        services.proposal_schedule(
            proposal=accepted(call), room=room, slot=call.slots.first(), capacity=31
        )
    with pytest.raises(services.ProposalError, match="Only accepted proposals"):
        services.proposal_schedule(proposal=proposal(call), room=room, slot=call.slots.first())


def test_the_presenter_confirms_and_others_cannot(client, educator):
    call = CallFactory()
    target = accepted(call)
    services.proposal_schedule(proposal=target, room=call.rooms.first(), slot=call.slots.first())
    url = reverse("proposals:confirm", args=[target.pk])
    client.force_login(educator)
    assert client.post(url).status_code == 404
    client.force_login(target.submitted_by)
    response = client.post(url, follow=True)
    assert "your session is confirmed" in page(response).select_one(".messages").get_text()
    target.refresh_from_db()
    assert target.presenter_confirmed_at is not None


def held_and_confirmed(call, **kwargs):
    """An accepted, scheduled and confirmed proposal whose slot is now over."""
    target = accepted(call, **kwargs)
    slot = call.slots.first()
    services.proposal_schedule(proposal=target, room=call.rooms.first(), slot=slot)
    services.presentation_confirm(proposal=target, user=target.submitted_by)
    slot.starts_at = timezone.now() - datetime.timedelta(hours=3)
    slot.ends_at = slot.starts_at + datetime.timedelta(minutes=90)
    slot.save()
    return target


def test_presenters_earn_hours_after_the_session_and_a_presented_certificate(client):
    call = CallFactory()
    colleague = factories.EducatorFactory(email="ana@example.org")
    target = held_and_confirmed(call, co_presenters=["ana@example.org"])
    invitation = target.presenters.get(is_lead=False)
    services.invitation_respond(presenter=invitation, user=colleague, accept=True, bio="Coach")

    assert services.presenter_credits_sync(call=call) == {"created": 2, "updated": 0, "deleted": 0}
    assert services.presenter_credits_sync(call=call)["created"] == 0  # idempotent
    credit = Credit.objects.get(user=target.submitted_by)
    assert (credit.source_kind, credit.hours, credit.title) == (
        Credit.Source.PRESENTER,
        Decimal("1.50"),
        "Phonics that sticks",
    )
    client.force_login(target.submitted_by)
    transcript = page(client.get(reverse("transcripts:transcript"))).get_text()
    assert "Presenting a session" in transcript
    client.post(reverse("transcripts:certificate_create"), {"kind": "presented", "key": target.pk})
    certificate = Certificate.objects.get(user=target.submitted_by)
    assert certificate.kind == Certificate.Kind.PRESENTED
    shown = page(client.get(certificate.get_absolute_url())).get_text()
    assert "presented, earning 1.5 clock hours" in shown
    assert client.get(reverse("certificates:pdf", args=[certificate.code])).status_code == 200


def test_the_call_sets_the_rule_and_unconfirmed_sessions_earn_nothing():
    call = CallFactory(credit_rule=Call.CreditRule.FIXED, credit_hours=Decimal("3"))
    target = held_and_confirmed(call)
    services.presenter_credits_sync(call=call)
    assert Credit.objects.get(user=target.submitted_by).hours == Decimal("3.00")

    Proposal.objects.filter(pk=target.pk).update(presenter_confirmed_at=None)
    assert services.presenter_credits_sync(call=call)["deleted"] == 1


def test_the_coordinator_gives_presenter_hours_from_the_call_page(client, coordinator):
    call = CallFactory()
    target = held_and_confirmed(call)
    client.force_login(coordinator)
    response = client.post(reverse("proposals:credits", args=[call.slug]), follow=True)
    assert "1 added" in page(response).select_one(".messages").get_text()
    assert Credit.objects.filter(user=target.submitted_by, source_kind="presenter").exists()


def test_the_impact_report_counts_proposals_and_presenters():
    call = CallFactory()
    target = held_and_confirmed(call)
    proposal(call, title="Declined one")
    services.proposals_decide(
        call=call,
        proposal_ids=list(Proposal.objects.exclude(pk=target.pk).values_list("pk", flat=True)),
        status="declined",
        message="",
        message_es="",
    )
    proposal(call, title="Still a draft", submit=False)
    scope = Scope(Period.year(timezone.localdate().year))
    figures = {
        key: METRICS_BY_KEY[key].compute(scope)
        for key in (
            "proposals_submitted",
            "proposal_acceptance",
            "educator_presenters",
            "presenter_districts",
        )
    }
    assert figures == {
        "proposals_submitted": 2,
        "proposal_acceptance": Decimal("50.0"),
        "educator_presenters": 1,
        "presenter_districts": 1,
    }


def test_the_hourly_task_gives_hours_for_sessions_that_just_ended():
    call = CallFactory()
    target = held_and_confirmed(call)
    CallFactory()  # a call with nothing held yet
    assert presenter_credits() == 1
    assert Credit.objects.filter(user=target.submitted_by, source_kind="presenter").exists()
