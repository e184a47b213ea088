"""The pages a Spanish-speaking educator sees, walked on the demo region with Spanish
active: no English mid-page. What is English on purpose (a listing with no Spanish text
yet, an organisation's or a person's name, what someone wrote) is either marked
lang="en" or is a proper name; interface text, model choices and Spanish content are
Spanish."""

import re

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count

from communities.models import Community, Membership
from events.models import Event
from gratitude.models import Wall
from providers.models import Provider
from trec.accounts.models import District, School, User

# Interface text that once showed up in English on Spanish pages, and demo content that
# has a Spanish version.
KNOWN_ENGLISH = [
    "What you will learn",
    "Who should attend",
    "Programar",
    "PD hours",
    "clock hour",
    "Kick-off and norms",
    "Room 201",
    "Mathpacks for families",
    "Educator wellness and resiliency",
    "Early literacy",
    "Register",
    "Waiting list",
    "seats left",
    "Add to calendar",
    "Copy link",
    "Map and directions",
    "Sign out",
    "My hub",
]
# Words that only English text has (no Spanish word is spelled like them).
ENGLISH_WORDS = re.compile(
    r"\b(the|and|with|your|you|will|who|what|this|that|hours?|minutes?|seats?|schedule|"
    r"meetings?|attend|learn|more|sign|share|free)\b",
    re.I,
)


def visible_spanish_text(html: str, proper_names: list[str]) -> list[str]:
    """Text nodes a reader sees that are not inside a lang="en" element (the page's own
    lang="es" aside) and not what a person wrote, with proper names taken out."""
    soup = BeautifulSoup(html, "html.parser")
    for element in soup(["script", "style", "title", "template"]):
        element.decompose()
    # What people wrote, in the language they wrote it: thank-you posts, board posts, the
    # titles of session proposals.
    for element in soup.select('[lang^="en"], .post-card, .board-post, .me-proposals li > a'):
        element.decompose()
    texts = []
    for node in soup.body.find_all(string=True):
        text = " ".join(node.split())
        for name in proper_names:
            text = text.replace(name, "")
        if text.strip():
            texts.append(text)
    for element in soup.body.find_all(attrs={"aria-label": True}):
        texts.append(element["aria-label"])
    for element in soup.body.find_all("img", alt=True):
        texts.append(element["alt"])
    return texts


@pytest.fixture
def region(db):
    call_command("seed_demo", educators=30, providers=10, events=80, registrations=150, verbosity=0)


def _pages(user) -> list[str]:
    listed = Event.objects.listed().filter(status=Event.Status.PUBLISHED)
    in_person = listed.filter(format=Event.Format.IN_PERSON, kind=Event.Kind.EVENT).exclude(
        title_es=""
    )
    virtual = listed.filter(format=Event.Format.VIRTUAL, kind=Event.Kind.WEBINAR)
    series = (  # a series of dated sessions: a program that is not the summit
        Event.objects.filter(status=Event.Status.PUBLISHED, kind=Event.Kind.PROGRAM)
        .exclude(slug__startswith="trec-educator-summit")
        .annotate(n=Count("sessions"))
        .filter(n__gt=1)
        .order_by("-title_es", "-starts_at")
    )
    summit = Event.objects.filter(slug__startswith="trec-educator-summit").order_by("-starts_at")
    membership = Membership.objects.filter(user=user).select_related("community").first()
    community = membership.community if membership else Community.objects.first()
    wall = Wall.objects.exclude(title_es="").filter(posts__status="approved").first()
    return [
        "/",
        "/events/",
        "/events/?q=matem%C3%A1ticas",
        in_person.first().get_absolute_url(),
        virtual.first().get_absolute_url(),
        series.first().get_absolute_url(),
        summit.first().get_absolute_url(),
        f"/events/{summit.first().slug}/schedule/",
        "/providers/",
        "/communities/",
        community.get_absolute_url(),
        "/gratitude/",
        wall.get_absolute_url(),
        "/me/",
        "/me/transcript/",
        "/impact/",
    ]


def test_a_spanish_speaking_educator_reads_spanish_on_every_page(region, client):
    user = (
        User.objects.filter(
            preferred_language="es",
            community_memberships__status=Membership.Status.ACCEPTED,
        ).first()
        or User.objects.filter(preferred_language="es").first()
    )
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    proper_names = sorted(
        [
            *Provider.objects.values_list("name", flat=True),
            *Event.objects.exclude(venue_name="").values_list("venue_name", flat=True),
            *District.objects.values_list("name", flat=True),
            *School.objects.values_list("name", flat=True),
            *(u.get_full_name() for u in User.objects.all()),
            "TREC Hub",
            "TREC",
        ],
        key=len,
        reverse=True,
    )
    english = {}
    for url in _pages(user):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert '<html lang="es"' in html, url
        texts = visible_spanish_text(html, proper_names)
        found = [phrase for phrase in KNOWN_ENGLISH if any(phrase in t for t in texts)]
        found += [t for t in texts if ENGLISH_WORDS.search(t)]
        if found:
            english[url] = found
    assert english == {}
