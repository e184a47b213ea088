"""The three messages of calls for proposals as presenters get them, through the outbox:
a plain subject, a text and an HTML part in the hub's look, in their own language."""

import pytest
from django.core import mail

from events.proposals import services
from tests import factories
from tests.notifications.test_messages import the_one_message
from tests.proposals.factories import CallFactory, proposal

pytestmark = pytest.mark.django_db


def test_invited_decided_and_scheduled_messages(django_capture_on_commit_callbacks):
    call = CallFactory(title="Summit 2027: call for proposals")
    factories.EducatorFactory(email="ana@example.org", preferred_language="es")
    lead = factories.EducatorFactory(email="rosa@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        made = proposal(call, lead, co_presenters=["ana@example.org"])
    message, text, html = the_one_message("ana@example.org")
    assert "le invita a copresentar “Phonics that sticks”" in message.subject
    assert "/calls/invitations/" in text and "/calls/invitations/" in html

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.proposals_decide(
            call=call,
            proposal_ids=[made.pk],
            status="accepted",
            message="See you in June!",
            message_es="¡Nos vemos en junio!",
        )
    message, text, html = the_one_message("rosa@example.org")
    assert message.subject == "Your proposal “Phonics that sticks” is accepted"
    assert "See you in June!" in text and "See you in June!" in html

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_schedule(
            proposal=made, room=call.rooms.get(name="Room 201"), slot=call.slots.first()
        )
    message, text, html = the_one_message("rosa@example.org")
    assert message.subject.startswith("Please confirm: “Phonics that sticks”")
    assert "Room 201" in text and "Room 201" in html
