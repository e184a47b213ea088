"""Providers set up a program in the back office: sessions with track, seats, presenters,
PD hours and a Spotlight provider, and the exhibitors of the resource expo."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories
from tests.events.test_admin_scoping import form_data

pytestmark = pytest.mark.django_db


def test_provider_staff_set_up_sessions_and_the_expo(client):
    host = factories.ProviderFactory(name="TREC Collaborative")
    exhibitor = factories.ProviderFactory(name="Literacy Connects")
    staff = factories.ProviderStaffFactory(provider=host)
    summit = factories.ProgramFactory(provider=host, title="Summit")
    factories.ProgramSessionFactory(event=summit, title="Keynote", capacity=None)
    client.force_login(staff)
    url = reverse("admin:events_event_change", args=[summit.pk])

    data = form_data(client.get(url))
    data.update(
        {
            "sessions-0-track": "Literacy",
            "sessions-0-capacity": "35",
            "sessions-0-presenters": "Ana Ruiz",
            "sessions-0-pd_hours": "1.5",
            "sessions-0-featured_provider": str(exhibitor.pk),
            "sessions-0-provider_link": "literacyconnects.example.org/teachers",
            "expo_booths-TOTAL_FORMS": "1",
            "expo_booths-0-provider": str(exhibitor.pk),
            "expo_booths-0-booth": "Table 7",
            "expo_booths-0-note": "Free books for your classroom library",
        }
    )
    response = client.post(url, data, follow=True)

    assert response.status_code == 200
    session = summit.sessions.get()
    assert (session.track, session.capacity, session.presenters) == ("Literacy", 35, "Ana Ruiz")
    assert session.pd_hours == Decimal("1.5")
    assert session.featured_provider == exhibitor
    assert session.provider_link == "https://literacyconnects.example.org/teachers"
    booth = summit.expo_booths.get()
    assert (booth.provider, booth.booth) == (exhibitor, "Table 7")
