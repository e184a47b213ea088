"""Event covers, date tiles and key facts on cards; the event page's hero, presenters,
materials, related events, past sessions and the phone action bar (issue 18)."""

import datetime
import io
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from events import covers
from events.models import Event, EventMaterial, Registration
from events.services import event_saved
from tests import factories
from tests.events.test_catalog import CATALOG_QUERIES  # covers add nothing per card
from tests.factories import in_days

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def jpeg(size=(2000, 1200), name="cover.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 90, 40)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def with_cover(event, *, alt="Teachers around a table with blocks", size=(2000, 1200)):
    event.cover = jpeg(size)
    event.cover_alt = alt
    event.full_clean(exclude=["slug"])
    event.save()
    event_saved(event=event)
    event.refresh_from_db()
    return event


def test_the_theme_follows_the_topic_words():
    assert covers.theme_for_slugs(["early-literacy"]) == "literacy"
    assert covers.theme_for_slugs(["mathematics-instruction"]) == "math"
    # "wellness" holds "ell" (English language learners) but is not about language
    assert covers.theme_for_slugs(["educator-wellness-and-resiliency"]) == "wellbeing"
    assert covers.theme_for_slugs(["english-language-learners"]) == "language"
    assert covers.theme_for_slugs(["underwater-basket-weaving"]) == "general"
    assert covers.theme_for_slugs([]) == "general"


def test_a_card_without_a_picture_draws_its_topics_cover_and_a_date_tile(client):
    start = in_days(9)
    event = factories.EventFactory(
        topics=[factories.TopicFactory(name="STEM and science", slug="stem-and-science")],
        sessions=[(start, start + datetime.timedelta(hours=2))],
        format=Event.Format.VIRTUAL,
        pd_hours=Decimal("1.5"),
        cost=Decimal("0"),
    )
    event_saved(event=event)
    card = soup(client.get(reverse("events:catalog"))).select_one(".event-card")
    cover = card.select_one(".cover-generated")
    assert "cover-theme-science" in cover["class"]
    assert cover.select_one("svg path")["d"] == covers.theme("science").icon
    local = timezone.localtime(start)
    tile = card.select_one(".date-tile")
    assert tile["aria-hidden"] == "true"  # the facts row says the date in words
    assert tile.select_one(".date-tile-day").get_text() == str(local.day)
    assert tile.select_one(".date-tile-month").get_text() == f"{local:%b}"
    facts = [div.get_text(" ", strip=True) for div in card.select(".event-card-facts > div")]
    assert facts[0].startswith("When ")
    assert facts[1:] == ["Where Online", "PD hours 1.5 h", "Cost Free"]


def test_an_uploaded_cover_is_cropped_into_webp_widths_with_a_srcset(client):
    event = with_cover(factories.EventFactory())
    widths = event.cover_renditions["widths"]
    assert widths == [480, 960, 1440]
    for width in widths:
        name = covers.rendition_name(event.cover.name, width)
        with default_storage.open(name) as stored, Image.open(stored) as picture:
            assert picture.format == "WEBP"
            assert picture.size == (width, width * 9 // 16)
    img = soup(client.get(reverse("events:catalog"))).select_one(".event-card img.cover")
    assert [part.split()[1] for part in img["srcset"].split(", ")] == ["480w", "960w", "1440w"]
    assert (img["width"], img["height"]) == ("1440", "810")  # no layout shift
    assert img["alt"] == ""  # on a card the title says it all
    hero = soup(client.get(event.get_absolute_url())).select_one(".event-hero img.cover")
    assert hero["alt"] == "Teachers around a table with blocks"
    assert "loading" not in hero.attrs  # the hero is above the fold


def test_a_small_upload_keeps_its_own_width_and_a_replaced_one_is_redone():
    event = with_cover(factories.EventFactory(), size=(640, 400))
    assert event.cover_renditions["widths"] == [480]
    with_cover(event, size=(1000, 600))
    assert event.cover_renditions["widths"] == [480, 960]
    event.cover = ""
    event.save()
    event_saved(event=event)
    assert event.cover_renditions == {"source": "", "widths": []}


def test_cards_below_the_first_load_lazily_and_covers_cost_no_query(
    client, django_assert_num_queries
):
    for _ in range(3):
        with_cover(factories.EventFactory(capacity=10, topics=[factories.TopicFactory()]))
    factories.EventFactory(capacity=10)
    with django_assert_num_queries(CATALOG_QUERIES):
        page = soup(client.get(reverse("events:catalog")))
    images = page.select(".event-card img.cover")
    assert len(images) == 3
    assert [img.get("loading") for img in images][1:] == ["lazy", "lazy"]
    assert len(page.select(".event-card .cover")) == 4  # never a blank card


def test_the_event_page_hero_has_cover_title_provider_and_key_facts(client):
    event = factories.EventFactory(title="Phonics Lab", capacity=20)
    hero = soup(client.get(event.get_absolute_url())).select_one("header.event-hero")
    assert hero.select_one(".cover")
    assert hero.h1.get_text(strip=True) == "Phonics Lab"
    assert event.provider.name in hero.select_one(".event-provider").get_text()
    labels = [dt.get_text(strip=True) for dt in hero.select(".event-key-facts dt")]
    assert labels == ["When", "Where", "PD hours", "Cost"]


def test_the_phone_action_bar_points_to_registration(client, educator):
    event = factories.EventFactory(capacity=20)
    bar = soup(client.get(event.get_absolute_url())).select_one(".event-action-bar")
    link = bar.select_one("a.button")
    assert link.get_text(strip=True) == "Register" and link["href"] == "#registration"
    factories.RegistrationFactory(event=event, user=educator)
    client.force_login(educator)
    bar = soup(client.get(event.get_absolute_url())).select_one(".event-action-bar")
    assert "You're registered." in bar.get_text() and not bar.select("a")
    past = factories.EventFactory(sessions=[(in_days(-3), in_days(-3, 18))])
    assert not soup(client.get(past.get_absolute_url())).select(".event-action-bar")


def test_presenters_come_from_the_events_presenters_field(client):
    event = factories.EventFactory(
        presenters_text="Dr. Ana Moreno — literacy coach\n\nJames Okafor",
    )
    section = soup(client.get(event.get_absolute_url())).find(
        "section", attrs={"aria-labelledby": "presenters-heading"}
    )
    people = section.select(".presenter")
    assert [p.select_one(".presenter-name").get_text() for p in people] == [
        "Dr. Ana Moreno",
        "James Okafor",
    ]
    assert people[0].select_one(".presenter-bio").get_text() == "literacy coach"
    assert [p.select_one(".presenter-avatar").get_text() for p in people] == ["AM", "JO"]


def test_materials_for_registrants_show_only_once_confirmed(client, educator):
    event = factories.EventFactory(capacity=20)
    EventMaterial.objects.create(event=event, title="Agenda", url="https://example.org/a.pdf")
    EventMaterial.objects.create(
        event=event, title="Slides", url="https://example.org/s.pdf", registrants_only=True
    )

    def shown():
        page = soup(client.get(event.get_absolute_url()))
        section = page.find("section", attrs={"aria-labelledby": "materials-heading"})
        return [a.get_text() for a in section.select("li a")], section.get_text(" ", strip=True)

    links, text = shown()
    assert links == ["Agenda"]
    assert "1 more item is shared with confirmed registrants." in text
    registration = factories.RegistrationFactory(
        event=event, user=educator, status=Registration.Status.WAITLISTED, queue_number=1
    )
    client.force_login(educator)
    assert shown()[0] == ["Agenda"]
    registration.status = Registration.Status.CONFIRMED
    registration.save()
    assert shown()[0] == ["Agenda", "Slides"]


def test_related_events_share_a_topic_or_grade_band_are_upcoming_and_three(client):
    topic = factories.TopicFactory()
    event = factories.EventFactory(topics=[topic])
    soonest = [
        factories.EventFactory(
            title=f"Same topic {n}", topics=[topic], sessions=[(in_days(n + 2), in_days(n + 2, 18))]
        )
        for n in (1, 2, 3, 4)
    ]
    factories.EventFactory(title="Past", topics=[topic], sessions=[(in_days(-5), in_days(-5, 18))])
    factories.EventFactory(title="Other topic", topics=[factories.TopicFactory()])
    factories.EventFactory(title="Draft", topics=[topic], status=Event.Status.DRAFT)
    section = soup(client.get(event.get_absolute_url())).select_one(".related-events")
    titles = [a.get_text(strip=True) for a in section.select(".event-card-title a")]
    assert titles == [e.title for e in soonest[:3]]
    assert not section.select(".event-card-summary")  # compact cards


def test_past_sessions_of_a_series_are_marked(client):
    series = factories.EventFactory(
        kind=Event.Kind.PROGRAM,
        sessions=[(in_days(-7), in_days(-7, 18)), (in_days(7), in_days(7, 18))],
    )
    items = soup(client.get(series.get_absolute_url())).select(".session-list > li")
    assert ["session-past" in (li.get("class") or []) for li in items] == [True, False]
    assert "Already took place" in items[0].get_text()
    when = soup(client.get(series.get_absolute_url())).select_one(".key-fact-when time")
    assert when["datetime"].startswith(timezone.localtime(in_days(7)).date().isoformat())
