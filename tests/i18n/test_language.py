"""A Spanish-speaking educator can use the hub in Spanish: the browser's language on the
first visit, a switcher in the header that remembers the choice (cookie, and the profile
when signed in), Spanish versions of what people write, localised dates and e-mails in
the recipient's language."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from tests import factories
from tests.communities.factories import CommunityFactory
from trec.accounts.models import User

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def test_the_browsers_language_is_honoured_on_the_first_visit(client):
    page = soup(client.get("/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5"))
    assert page.html["lang"] == "es"
    assert page.h1.get_text() == "Crecer como educadores, en comunidad."
    assert page.find("a", class_="skip-link").get_text() == "Saltar al contenido principal"
    english = soup(client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"))
    assert english.html["lang"] == "en"
    assert english.h1.get_text() == "Grow as an educator, together."


def test_the_header_switcher_is_a_labelled_form_that_works_without_javascript(client):
    page = soup(client.get("/events/?kind=webinar"))
    form = page.find("header").find("form", class_="language-switcher")
    assert form["method"] == "post" and form["action"] == "/i18n/setlang/"
    group = form.find(attrs={"role": "group"})
    label = page.find(id=group["aria-labelledby"])
    assert label.get_text() == "Language"
    assert form.find("input", attrs={"name": "next"})["value"] == "/events/?kind=webinar"
    buttons = form.find_all("button")
    assert [(b["value"], b["lang"], b.get_text(), b["aria-pressed"]) for b in buttons] == [
        ("en", "en", "English", "true"),
        ("es", "es", "Español", "false"),
    ]
    assert all(b["type"] == "submit" for b in buttons)


def test_a_visitor_switches_to_spanish_and_the_cookie_remembers_it(client):
    response = client.post(
        "/i18n/setlang/",
        {"language": "es", "next": "/events/?kind=webinar"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302 and response["Location"] == "/events/?kind=webinar"
    assert response.cookies[COOKIE].value == "es"
    assert response.cookies[COOKIE]["max-age"] == 365 * 24 * 60 * 60  # not just this visit
    page = soup(client.get("/events/", HTTP_ACCEPT_LANGUAGE="en"))
    assert page.html["lang"] == "es"
    assert page.find("button", attrs={"value": "es"})["aria-pressed"] == "true"
    # and back
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert soup(client.get("/")).html["lang"] == "en"


def test_an_unknown_language_changes_nothing(client):
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert response.status_code == 302 and COOKIE not in response.cookies


def test_a_signed_in_educators_choice_is_saved_to_the_profile(client, educator):
    client.force_login(educator)
    client.post("/i18n/setlang/", {"language": "es", "next": "/me/"})
    educator.refresh_from_db()
    assert educator.preferred_language == "es"


def test_signing_in_applies_the_profile_language(client):
    educator = factories.EducatorFactory(preferred_language="es")
    response = client.post(
        reverse("account_login"),
        {"login": educator.email, "password": factories.PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "es"
    page = soup(client.get("/me/", HTTP_ACCEPT_LANGUAGE="en"))
    assert page.html["lang"] == "es"


def test_changing_the_language_in_the_profile_switches_the_pages(client, educator):
    client.force_login(educator)
    client.cookies[COOKIE] = "en"
    User.objects.filter(pk=educator.pk).update(preferred_language="es")
    response = client.get("/me/")  # this page still in English: the cookie said so
    assert soup(response).html["lang"] == "en"
    assert response.cookies[COOKIE].value == "es"
    assert soup(client.get("/me/")).html["lang"] == "es"


def test_anonymous_pages_set_no_language_cookie(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es")
    assert COOKIE not in response.cookies


def test_spanish_versions_of_event_and_community_texts_with_english_fallback(client):
    event = factories.EventFactory(
        title="Reading Aloud",
        title_es="Lectura en voz alta",
        summary="Read every day.",
        summary_es="Lea todos los días.",
        description="## In English",
        description_es="## En español",
    )
    only_english = factories.EventFactory(title="Math Talks", summary="Numbers.")
    community = CommunityFactory(title="New Teachers", title_es="Docentes nuevos")
    client.cookies[COOKIE] = "es"

    catalog = soup(client.get("/events/"))
    titles = [h.get_text(strip=True) for h in catalog.select(".event-card-title")]
    assert "Lectura en voz alta" in titles and "Math Talks" in titles
    assert "Lea todos los días." in catalog.get_text()
    detail = soup(client.get(event.get_absolute_url()))
    assert detail.h1.get_text() == "Lectura en voz alta"
    assert detail.find("h2", string="En español") is not None
    assert "lang" not in detail.h1.attrs
    assert detail.select_one(".event-description div").get("lang") is None
    english = soup(client.get(only_english.get_absolute_url()))
    # The English shown to a Spanish reader says it is English, for screen readers.
    assert english.h1.get_text() == "Math Talks" and english.h1["lang"] == "en"
    assert english.select_one("p.lead")["lang"] == "en"
    assert english.select_one(".event-description div")["lang"] == "en"
    card = catalog.find("a", string="Math Talks")
    assert card["lang"] == "en"
    assert catalog.find("a", string="Lectura en voz alta").get("lang") is None
    assert soup(client.get(community.get_absolute_url())).h1.get_text() == "Docentes nuevos"
    assert "Docentes nuevos" in soup(client.get("/communities/")).get_text()

    client.cookies[COOKIE] = "en"
    assert soup(client.get(event.get_absolute_url())).h1.get_text() == "Reading Aloud"


def test_the_catalog_filters_by_the_language_an_event_is_delivered_in(client):
    factories.EventFactory(title="Family Nights", language=Event.Language.SPANISH)
    factories.EventFactory(title="Math Talks", language=Event.Language.ENGLISH)
    page = soup(client.get("/events/?language=es"))
    titles = [h.get_text(strip=True) for h in page.select(".event-card-title")]
    assert titles == ["Family Nights"]


def test_dates_are_written_in_spanish(client):
    start = datetime.datetime(2031, 3, 4, 15, 30, tzinfo=timezone.get_current_timezone())
    event = factories.EventFactory(
        title="Coaching", sessions=[(start, start + datetime.timedelta(hours=2))]
    )
    client.cookies[COOKIE] = "es"
    text = " ".join(soup(client.get(event.get_absolute_url())).find("main").get_text(" ").split())
    assert "martes, 4 de marzo de 2031, 3:30 p. m." in text and "March" not in text
    client.cookies[COOKIE] = "en"
    text = " ".join(soup(client.get(event.get_absolute_url())).find("main").get_text(" ").split())
    assert "Tuesday, March 4, 2031, 3:30 PM" in text


def test_numbers_and_formats_follow_arizona_spanish():
    from decimal import Decimal

    from django.template import Context, Template
    from django.utils import translation

    template = Template('{{ hours|floatformat:"-2" }} · {{ day|date:"DATE_FORMAT" }}')
    context = Context({"hours": Decimal("2.50"), "day": datetime.date(2026, 12, 3)})
    with translation.override("es"):
        assert template.render(context) == "2.50 · 3 de diciembre de 2026"
    with translation.override("en"):
        assert template.render(context) == "2.50 · Dec. 3, 2026"


def test_the_accessibility_statement_in_both_languages(client):
    page = soup(client.get("/accessibility/"))
    assert [h.get_text() for h in page.find_all("h1")] == ["Accessibility statement"]
    assert "WCAG" in page.find("main").get_text()
    assert page.find("main").find("a", href="mailto:hello@trec-hub.org")
    footer_link = page.find("footer").find("a", href="/accessibility/")
    assert footer_link.get_text() == "Accessibility"
    client.cookies[COOKIE] = "es"
    spanish = soup(client.get("/accessibility/"))
    assert spanish.h1.get_text() == "Declaración de accesibilidad"
    assert spanish.find("footer").find("a", href="/accessibility/").get_text() == "Accesibilidad"


def test_a_spanish_educators_reminder_is_in_spanish(django_capture_on_commit_callbacks):
    from django.core import mail

    from tests.notifications.factories import confirmed, event_starting_in
    from trec.notifications import services as notifications

    event = event_starting_in(datetime.timedelta(hours=20), title="Family Engagement")
    spanish = confirmed(event, preferred_language="es")
    english = confirmed(event, preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        notifications.reminders_enqueue_due()
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects[spanish.user.email].startswith("Recordatorio: Family Engagement empieza ")
    assert subjects[english.user.email].startswith("Reminder: Family Engagement starts ")


def test_a_providers_message_to_registrants_is_framed_in_each_ones_language(
    django_capture_on_commit_callbacks,
):
    from django.core import mail

    from events import services as events

    event = factories.EventFactory(title="Family Engagement")
    spanish = factories.RegistrationFactory(
        event=event, user=factories.EducatorFactory(first_name="Lucía", preferred_language="es")
    )
    english = factories.RegistrationFactory(
        event=event, user=factories.EducatorFactory(first_name="Ann", preferred_language="en")
    )
    sender = factories.CoordinatorFactory(first_name="Rosa", last_name="Diaz")
    with django_capture_on_commit_callbacks(execute=True):
        events.registrants_email(event=event, subject="Room change", body="Room 12.", sender=sender)
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert bodies[spanish.user.email].startswith("Hola, Lucía")
    assert 'Un mensaje sobre "Family Engagement" de Rosa Diaz' in bodies[spanish.user.email]
    assert bodies[english.user.email].startswith("Hello Ann")


def test_spanish_titles_are_searchable(client):
    factories.EventFactory(title="Reading Aloud", title_es="Lectura en voz alta")
    factories.EventFactory(title="Math Talks")
    page = soup(client.get("/events/?q=lectura"))
    titles = [h.get_text(strip=True) for h in page.select(".event-card-title")]
    assert titles == ["Reading Aloud"]


def test_a_form_with_errors_sums_them_up_and_links_to_each_field(client, educator):
    client.force_login(educator)
    response = client.post(reverse("accounts:profile"), {"first_name": "", "last_name": ""})
    page = soup(response)
    summary = page.find(class_="form-errors", attrs={"role": "alert"})
    links = summary.select(".form-error-fields a")
    assert [link["href"] for link in links][:2] == ["#id_first_name", "#id_last_name"]
    field = page.find(id="id_first_name")
    assert field["aria-invalid"] == "true"
    assert "id_first_name_error" in field["aria-describedby"].split()
    assert page.find(id="id_first_name_error").get_text(strip=True)


@pytest.mark.django_db
def test_topics_read_in_spanish_in_the_catalog_and_on_the_event_page(client):
    """Coordinators give a topic its Spanish name; Spanish readers see it in the facet and
    on the event; English readers (and topics without one) keep the English name."""
    from events.models import Topic

    literacy = Topic.objects.create(
        name="Early literacy", slug="early-literacy", name_es="Lectoescritura temprana"
    )
    coaching = Topic.objects.create(name="Mentoring and coaching", slug="mentoring")
    event = factories.EventFactory(topics=[literacy, coaching])

    spanish = {"accept-language": "es"}
    facet = client.get("/events/", headers=spanish).content.decode()
    assert "Lectoescritura temprana" in facet and "Mentoring and coaching" in facet
    assert "Early literacy" not in facet
    detail = client.get(event.get_absolute_url(), headers=spanish).content.decode()
    assert "Lectoescritura temprana" in detail
    english = client.get(event.get_absolute_url()).content.decode()
    assert "Early literacy" in english and "Lectoescritura" not in english
