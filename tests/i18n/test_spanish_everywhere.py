"""Spanish where content is written: every text people read on a public page has a
Spanish field, the back office shows it beside the English one, and the page shows it to
Spanish readers (with lang="en" on the English it falls back to)."""

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import TabularInline
from django.test import RequestFactory
from django.urls import reverse

from tests import factories
from tests.communities.factories import CommunityFactory, MeetingFactory, MembershipFactory
from tests.factories import in_days

COOKIE = settings.LANGUAGE_COOKIE_NAME

# Every translatable text the issue names (#19), by model: events with their sessions
# (the "What you will learn" / "Who should attend" blocks are the description's
# Markdown), providers, offerings, walls, programs and their sessions, calls with their
# formats, criteria, questions and rooms, communities with their meetings, surveys with
# their sections, questions and choices.
TRANSLATABLE = {
    "events.Topic": ["name"],
    "events.Event": ["title", "summary", "description", "payment_instructions"],
    "events.EventSession": ["title", "location", "track", "description"],
    "events.ExpoBooth": ["note"],
    "providers.Provider": ["summary", "description"],
    "providers.Offering": ["title", "description", "audience"],
    "providers.OfferingDuration": ["label"],
    "gratitude.Wall": ["title", "season", "intro"],
    "proposals.Call": ["title", "description"],
    "proposals.SessionFormat": ["name"],
    "proposals.Criterion": ["name", "help_text"],
    "proposals.CallQuestion": ["text"],
    "proposals.Room": ["name"],
    "communities.Community": ["title", "summary", "description", "materials"],
    "communities.Meeting": ["title", "agenda"],
    "surveys.Survey": ["title", "intro", "thank_you"],
    "surveys.Section": ["title", "intro"],
    "surveys.Question": ["text", "help_text", "scale_labels"],
    "surveys.Choice": ["label"],
}


def _rows(fieldsets) -> list[tuple[str, ...]]:
    rows = []
    for _name, options in fieldsets:
        for row in options["fields"]:
            rows.append(tuple(row) if isinstance(row, (list, tuple)) else (row,))
    return rows


def _beside(rows, field: str, *, tabular: bool) -> bool:
    """The Spanish field sits in the English one's row, or (a table) the next column."""
    if tabular:
        columns = [name for row in rows for name in row]
        return field in columns and columns[
            columns.index(field) + 1 : columns.index(field) + 2
        ] == [f"{field}_es"]
    return any(field in row and f"{field}_es" in row for row in rows)


@pytest.mark.django_db
def test_every_translatable_text_has_spanish_beside_it_in_the_back_office():
    request = RequestFactory().get("/admin/")
    request.user = factories.CoordinatorFactory(is_superuser=True)
    forms = {}  # model -> (rows, tabular) wherever the back office edits it
    for model, model_admin in admin.site._registry.items():
        forms.setdefault(model, (_rows(model_admin.get_fieldsets(request)), False))
        for inline in model_admin.get_inline_instances(request):
            forms.setdefault(
                inline.model,
                (_rows(inline.get_fieldsets(request)), isinstance(inline, TabularInline)),
            )
    missing = []
    for label, fields in TRANSLATABLE.items():
        model = apps.get_model(label)
        for field in fields:
            model._meta.get_field(f"{field}_es")  # the Spanish field exists
            rows, tabular = forms[model]
            if not _beside(rows, field, tabular=tabular):
                missing.append(f"{label}.{field}")
    assert missing == []


def page(client, url) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


@pytest.mark.django_db
def test_community_meetings_read_in_spanish_with_english_marked(client):
    community = CommunityFactory(title="Mentoring", title_es="Mentoría")
    MeetingFactory(
        community=community,
        title="Kick-off and norms",
        title_es="Inicio y acuerdos del grupo",
        agenda="- Check-in",
        agenda_es="- Bienvenida",
        starts_at=in_days(7),
    )
    MeetingFactory(community=community, title="Celebrating the year", starts_at=in_days(14))
    member = factories.EducatorFactory(preferred_language="es")
    MembershipFactory(community=community, user=member)  # members see the meetings
    client.force_login(member)
    client.cookies[COOKIE] = "es"
    html = page(client, reverse("communities:detail", args=[community.slug]))
    headings = {h.get_text(strip=True): h.get("lang") for h in html.select(".meeting h3")}
    assert headings == {"Inicio y acuerdos del grupo": None, "Celebrating the year": "en"}
    assert "Bienvenida" in html.select_one(".meeting details").get_text()
    assert "Check-in" not in html.get_text()


@pytest.mark.django_db
def test_a_scheduled_proposal_takes_its_rooms_spanish_name_to_the_schedule(client):
    from events.proposals import services
    from tests.proposals.factories import CallFactory, proposal

    call = CallFactory()
    room = call.rooms.get(name="Room 201")
    room.name_es = "Salón 201"
    room.save()
    lead = factories.EducatorFactory(preferred_language="es")
    made = proposal(call, lead)
    services.proposals_decide(
        call=call, proposal_ids=[made.pk], status="accepted", message="", message_es=""
    )
    made.refresh_from_db()
    services.proposal_schedule(proposal=made, room=room, slot=call.slots.first())
    made.refresh_from_db()
    assert (made.session.location, made.session.location_es) == ("Room 201", "Salón 201")

    client.cookies[COOKIE] = "es"
    schedule = page(client, reverse("events:schedule", args=[call.event.slug])).get_text(" ")
    assert "Salón 201" in schedule and "Room 201" not in schedule
    client.force_login(lead)
    mine = page(client, made.get_absolute_url()).get_text(" ")
    assert "Salón 201" in mine and "Room 201" not in mine


@pytest.mark.django_db
def test_the_provider_directory_names_topics_in_spanish(client):
    literacy = factories.TopicFactory(name="Early literacy", name_es="Lectoescritura temprana")
    robotics = factories.TopicFactory(name="Robotics")
    provider = factories.ProviderFactory()
    provider.topics.set([literacy, robotics])
    client.cookies[COOKIE] = "es"
    html = page(client, reverse("providers:directory"))
    options = {
        option.get_text(strip=True): option.get("lang")
        for option in html.select("#id_topic option")
        if option.get("value")
    }
    assert options == {"Lectoescritura temprana (1)": None, "Robotics (1)": "en"}
