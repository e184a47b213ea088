"""An XSS corpus through every field that shows user text: event titles, summaries and
Markdown descriptions, community discussion threads and posts, gratitude posts, and
people's profile names (on rosters, boards and their own page), and text answers to
surveys (the report's verbatim answers). Each payload is stored as-is (as if a form had
let it through) and every page that shows it is parsed: no script from the payload, no
``on*`` attribute, no ``javascript:`` URL survives.
"""

import datetime
import html
import json
import re

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from communities.models import Post as DiscussionPost
from communities.models import Thread
from gratitude.models import Post as GratitudePost
from gratitude.models import Wall
from tests import factories
from tests.communities.factories import CommunityFactory, MembershipFactory

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)" x="',
    "' onfocus='alert(1)' autofocus='",
    "</textarea></title><script>alert(1)</script>",
    "[click me](javascript:alert(1))",
    "[click me](JaVaScRiPt:alert(1))",
    "[click me](  javascript:alert(1) )",
    "[click me](&#106;avascript:alert(1))",
    "![picture](javascript:alert(1))",
    "[click me](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">click me</a>',
    '<a href="&#106;avascript:alert(1)">click me</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    "<details open ontoggle=alert(1)>x</details>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<base href="javascript:alert(1)//">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    "{{ request }} {% debug %}",
]
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "xlink:href",
    "poster",
    "background",
}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html")


def marker(number: int) -> str:
    return f"Xss{number:02d}"


# The classes of the <svg> drawings our own templates put in page content, and the
# only elements those drawings are made of.
HUB_DRAWINGS = {"cover-icon"}
SVG_SHAPES = {"path", "g", "rect", "circle", "line", "title", "desc"}


def assert_inert(content: bytes, page: str) -> BeautifulSoup:
    soup = BeautifulSoup(content, "html.parser")
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.lower().startswith("on"), f"{page}: <{tag.name} {name}=…>"
            if name.lower() in URL_ATTRIBUTES:
                values = value if isinstance(value, list) else [value]
                for item in values:
                    plain = re.sub(r"[\s\x00-\x1f]", "", html.unescape(item)).lower()
                    assert not plain.startswith(BAD_SCHEMES), f"{page}: {name}={item!r}"
    for script in soup.find_all("script"):
        if script.get("type") in ("application/json", "application/ld+json"):
            # Data, not code (escaped like json_script): it parses, and nothing in it
            # can close the script element.
            json.loads(script.string or "null")
            assert "<" not in (script.string or ""), f"{page}: {script}"
            continue
        assert script.get("src", "").startswith("/static/"), f"{page}: {script}"
        assert not (script.string or "").strip(), f"{page}: inline script {script}"
    # Elements user text must never bring in (the pages' own icons live outside the
    # content area: the site's <main>, the back office's #content).
    content = soup.find("main") or soup.find(id="content") or soup
    for name in ("iframe", "object", "embed", "base", "style", "math"):
        assert content.find(name) is None, f"{page}: <{name}> from user text"
    # The hub draws its own pictures in the content too (a listing's generated cover):
    # those are our templates' drawings, plain shapes only; any other <svg> came from
    # user text.
    for svg in content.find_all("svg"):
        assert set(svg.get("class", [])) & HUB_DRAWINGS, f"{page}: <svg> from user text"
        for part in svg.find_all(True):
            assert part.name in SVG_SHAPES, f"{page}: <{part.name}> inside an <svg>"
    return soup


def assert_shows_markers(soup: BeautifulSoup, numbers, page: str) -> None:
    """The payloads did reach the page (as text), so the checks above mean something."""
    text = soup.get_text(" ")
    missing = [marker(n) for n in numbers if marker(n) not in text]
    assert not missing, f"{page}: payloads not shown: {missing}"


@pytest.fixture
def world(db):
    provider = factories.ProviderFactory(name="Provider A")
    staff = factories.ProviderStaffFactory(provider=provider)
    coordinator = factories.CoordinatorFactory()
    facilitator = factories.EducatorFactory(first_name="Fran", last_name="Facilitator")
    community = CommunityFactory(title="Reading Circle", facilitators=[facilitator])
    thread = Thread.objects.create(
        community=community, title=f"{marker(0)} {PAYLOADS[0]}", author=facilitator
    )
    roster_event = factories.EventFactory(provider=provider, title="Roster event")
    events, people = [], []
    today = timezone.localdate()
    wall = Wall.objects.create(
        title="December 2026",
        slug="december-2026",
        season="December 2026",
        intro="Thank an educator.",
        opens_on=today - datetime.timedelta(days=5),
        closes_on=today + datetime.timedelta(days=25),
    )
    for number, payload in enumerate(PAYLOADS):
        text = f"{marker(number)} {payload}"
        events.append(
            factories.EventFactory(
                provider=provider,
                title=text[:200],
                slug=f"xss-event-{number}",
                summary=text[:300],
                description=f"{marker(number)}\n\n{payload}\n\n- {payload}\n\n> {payload}",
            )
        )
        person = factories.EducatorFactory(
            first_name=text[:150], last_name=payload[:150], email=f"xss{number}@example.org"
        )
        people.append(person)
        MembershipFactory(community=community, user=person)
        factories.RegistrationFactory(event=roster_event, user=person)
        DiscussionPost.objects.create(thread=thread, author=person, body=text)
        GratitudePost.objects.create(
            wall=wall,
            message=text,
            recipient_name=text[:120],
            recipient_school=payload[:150],
            author_name=payload[:120],
            status=GratitudePost.Status.APPROVED if number % 2 else GratitudePost.Status.PENDING,
        )
    return {
        "events": events,
        "people": people,
        "staff": staff,
        "coordinator": coordinator,
        "facilitator": facilitator,
        "community": community,
        "thread": thread,
        "roster_event": roster_event,
        "wall": wall,
    }


ALL = range(len(PAYLOADS))


def test_event_pages(client, world):
    for number, event in enumerate(world["events"]):
        response = client.get(event.get_absolute_url())
        assert response.status_code == 200
        soup = assert_inert(response.content, f"event {number}")
        assert_shows_markers(soup, [number], f"event {number}")
        # The Markdown description is rendered, not shown as source.
        assert "\n- " not in soup.get_text()


def test_catalog_and_provider_pages(client, world):
    provider = world["events"][0].provider
    for page in (
        reverse("events:catalog") + "?q=Xss",
        reverse("events:catalog") + "?page=2",
        provider.get_absolute_url(),
        reverse("home"),
    ):
        response = client.get(page)
        assert response.status_code == 200
        assert_inert(response.content, page)
    soup = assert_inert(client.get(reverse("events:catalog")).content, "catalog")
    assert_shows_markers(soup, range(5), "catalog")  # the first page, soonest first


def test_discussion_pages(client, world):
    client.force_login(world["facilitator"])
    community = world["community"]
    board = client.get(reverse("communities:board", args=[community.slug]))
    assert_shows_markers(assert_inert(board.content, "board"), [0], "board")
    page = client.get(reverse("communities:thread", args=[community.slug, world["thread"].pk]))
    assert page.status_code == 200
    assert_shows_markers(assert_inert(page.content, "thread"), ALL, "thread")


def test_gratitude_pages(client, world):
    wall = world["wall"]
    approved = [n for n in ALL if n % 2]
    soup = assert_inert(client.get(reverse("gratitude:wall", args=[wall.slug])).content, "wall")
    assert_shows_markers(soup, approved[:10], "wall")
    soup = assert_inert(client.get(reverse("gratitude:print", args=[wall.slug])).content, "print")
    assert_shows_markers(soup, approved, "print")
    for post in wall.posts.approved():
        response = client.get(post.get_absolute_url())
        assert_inert(response.content, f"post {post.pk}")
    client.force_login(world["coordinator"])
    queue = client.get(reverse("gratitude:moderate", args=[wall.slug]))
    assert queue.status_code == 200
    assert_shows_markers(assert_inert(queue.content, "moderation"), [0, 2, 4], "moderation")


def test_profile_names_on_rosters_and_pages(client, world):
    client.force_login(world["facilitator"])
    roster = client.get(reverse("communities:roster", args=[world["community"].slug]))
    assert roster.status_code == 200
    assert_shows_markers(assert_inert(roster.content, "community roster"), ALL, "roster")
    client.force_login(world["staff"])
    admin_roster = client.get(reverse("admin:events_event_roster", args=[world["roster_event"].pk]))
    assert admin_roster.status_code == 200
    assert_shows_markers(assert_inert(admin_roster.content, "event roster"), ALL, "roster")
    client.force_login(world["coordinator"])
    users = client.get(reverse("admin:accounts_user_changelist") + "?q=xss")
    assert users.status_code == 200
    assert_shows_markers(assert_inert(users.content, "users"), ALL, "admin users")
    for number, person in enumerate(world["people"][:8]):
        client.force_login(person)
        me = client.get(reverse("accounts:me"))
        assert_shows_markers(assert_inert(me.content, f"me {number}"), [number], "me")


def test_survey_answers_on_the_report(client, world):
    from surveys.models import Answer, Response

    question = factories.QuestionFactory(
        survey=factories.SurveyFactory(title="Needs survey"), kind="long_text", text="Ideas?"
    )
    for number, payload in enumerate(PAYLOADS):
        response = Response.objects.create(
            survey=question.survey,
            user=world["people"][number],
            status=Response.Status.SUBMITTED,
            submitted_on=timezone.localdate(),
        )
        Answer.objects.create(
            response=response, question=question, text=f"{marker(number)} {payload}"
        )
    client.force_login(world["coordinator"])
    page = client.get(reverse("surveys:report", args=[question.survey.slug]))
    assert page.status_code == 200
    soup = assert_inert(page.content, "survey report")
    assert_shows_markers(soup, range(5), "survey report")
