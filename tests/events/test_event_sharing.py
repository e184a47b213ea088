"""What an event page gives people who share it and machines that read it: link
previews (Open Graph, Twitter card), schema.org Event JSON-LD, a map link for the venue,
copy-link and e-mail share links. No third-party script, no extra query."""

import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile

from events.models import Event
from tests import factories
from tests.factories import in_days

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def meta(page, key: str) -> str | None:
    tag = page.find("meta", attrs={"property": key}) or page.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


def json_ld(page) -> dict:
    scripts = page.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


@pytest.fixture
def workshop():
    return factories.EventFactory(
        title="Phonics in practice",
        summary="Hands-on routines for K–2 reading.",
        provider=factories.ProviderFactory(name="Literacy Connects"),
        format=Event.Format.IN_PERSON,
        venue_name="TREC Learning Center",
        address="1430 E. Second St., Tucson, AZ 85721",
        cost=Decimal("25"),
        capacity=30,
        sessions=[(in_days(5, 15), in_days(5, 17)), (in_days(12, 15), in_days(12, 18))],
    )


def test_link_previews_name_the_event(client, workshop):
    page = soup(client.get(workshop.get_absolute_url()))
    url = f"{SITE}{workshop.get_absolute_url()}"
    assert meta(page, "og:title") == "Phonics in practice"
    assert meta(page, "og:description") == "Hands-on routines for K–2 reading."
    assert meta(page, "og:url") == url
    assert page.find("link", rel="canonical")["href"] == url
    assert meta(page, "twitter:card") == "summary"
    assert meta(page, "twitter:title") == "Phonics in practice"
    assert meta(page, "og:image") is None  # no logo: no image rather than a broken one


def test_the_providers_logo_is_the_preview_image(client, workshop, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    gif = (
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01"
        b"\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    )
    workshop.provider.logo.save("logo.gif", SimpleUploadedFile("logo.gif", gif))
    page = soup(client.get(workshop.get_absolute_url()))
    image = meta(page, "og:image")
    assert image.startswith(f"{SITE}/") and image.endswith(".gif")
    assert meta(page, "twitter:image") == image
    assert json_ld(page)["image"] == [image]


def test_in_person_event_json_ld(client, workshop):
    data = json_ld(soup(client.get(workshop.get_absolute_url())))
    first, second = workshop.sessions.order_by("starts_at")
    assert data["@type"] == "Event"
    assert data["name"] == "Phonics in practice"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"] == [
        {
            "@type": "Place",
            "name": "TREC Learning Center",
            "address": {
                "@type": "PostalAddress",
                "streetAddress": "1430 E. Second St., Tucson, AZ 85721",
            },
        }
    ]
    assert data["offers"]["price"] == "25.00"
    assert data["offers"]["priceCurrency"] == "USD"
    assert data["offers"]["availability"] == "https://schema.org/InStock"
    assert data["organizer"]["name"] == "Literacy Connects"
    assert data["startDate"].startswith(first.starts_at.isoformat()[:19])
    assert data["endDate"].startswith(second.ends_at.isoformat()[:19])


def test_virtual_cancelled_full_event_json_ld_never_shows_the_join_link(client):
    webinar = factories.EventFactory(
        format=Event.Format.VIRTUAL,
        cost=0,
        capacity=1,
        join_url="https://zoom.example.org/j/secret",
        sessions=[(in_days(3, 15), in_days(3, 16))],
    )
    factories.RegistrationFactory(event=webinar)
    webinar.status = Event.Status.CANCELLED
    webinar.save()
    response = client.get(webinar.get_absolute_url())
    data = json_ld(soup(response))
    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"] == [
        {"@type": "VirtualLocation", "url": f"{SITE}{webinar.get_absolute_url()}"}
    ]
    assert data["offers"]["price"] == "0.00"
    assert data["offers"]["availability"] == "https://schema.org/SoldOut"
    assert "zoom.example.org" not in response.content.decode()


def test_a_title_cannot_break_out_of_the_json_ld(client):
    title = 'Evil </script><script>alert("x")</script> & <!-- co'
    event = factories.EventFactory(title=title)
    html = client.get(event.get_absolute_url()).content.decode()
    head = html.split("</head>")[0]
    assert "<script>alert" not in head
    assert head.count("</script>") == 1  # only the JSON-LD's own end tag
    assert json_ld(BeautifulSoup(html, "html.parser"))["name"] == title


def test_map_link_for_a_venue_with_an_address(client, workshop):
    page = soup(client.get(workshop.get_absolute_url()))
    link = page.select_one("a.map-link")
    assert link.get_text(" ", strip=True).startswith("Map and directions")
    parts = urlsplit(link["href"])
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "www.openstreetmap.org",
        "/search",
    )
    assert parse_qs(parts.query)["query"] == ["1430 E. Second St., Tucson, AZ 85721"]


def test_no_map_link_without_an_address_or_online(client):
    no_address = factories.EventFactory(format=Event.Format.IN_PERSON, address="")
    online = factories.EventFactory(format=Event.Format.VIRTUAL, address="Somewhere 1")
    for event in (no_address, online):
        assert soup(client.get(event.get_absolute_url())).select_one("a.map-link") is None


def test_share_by_e_mail_and_copy_link(client, workshop):
    page = soup(client.get(workshop.get_absolute_url()))
    url = f"{SITE}{workshop.get_absolute_url()}"
    share = page.select_one("section.event-share")
    assert share.h2.get_text(strip=True) == "Share"
    mail = urlsplit(share.find("a", string="Share by e-mail")["href"])
    assert mail.scheme == "mailto"
    query = parse_qs(mail.query)
    assert query["subject"] == ["Phonics in practice"]
    assert url in query["body"][0]
    # The copy button needs JavaScript (js/hub.js unhides it), so it starts hidden.
    copy = share.find("button", string="Copy link")
    assert copy.has_attr("hidden") and copy["data-copy-link"] == url
    assert share.select_one("[role='status']") is not None


def test_no_third_party_script(client, workshop):
    page = soup(client.get(workshop.get_absolute_url()))
    for script in page.find_all("script", src=True):
        assert script["src"].startswith("/static/")


def test_spanish_readers_get_spanish_share_labels(client, workshop):
    client.cookies["django_language"] = "es"
    page = soup(client.get(workshop.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es"))
    assert page.select_one("a.map-link").get_text(" ", strip=True).startswith("Mapa e indicaciones")
    assert page.select_one("#share-heading").get_text(strip=True) == "Compartir"
