"""The gallery for design review (issue 18): every main page at 375 px (a phone) and
1280 px (a laptop), saved as full-page PNGs under test-artifacts/screens/
(TREC_TEST_ARTIFACTS moves it), each checked with axe on the way. The events cover
every kind a visitor meets: in person, virtual, a series with a past session,
on-demand and paid, some with an uploaded cover and some with the drawn one.

The test fails when a page is missing, errors, scrolls sideways on the phone, has an
axe violation, or shifts its layout after loading (cumulative layout shift > 0.1)."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.text import slugify
from PIL import Image, ImageDraw

from events.models import Event, EventMaterial, SessionChoice, Topic
from events.services import event_saved
from tests import factories
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_accessibility_walk import assert_no_violations, hub  # noqa: F401
from tests.e2e.test_catalog_journey import sign_in
from tests.e2e.test_impact_journey import _a_year_of_activity
from tests.e2e.test_summit_journey import session
from tests.factories import in_days
from trec.impact.periods import Period
from trec.impact.services import snapshot_compute, snapshot_get_or_create

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (375, 1280)
SCREENS = ARTIFACTS / "screens"


def picture(colours, name="cover.jpg") -> SimpleUploadedFile:
    """A 1600 × 900 photo-like cover: a sky, a horizon and a sun, drawn with Pillow."""
    image = Image.new("RGB", (1600, 900), colours[0])
    draw = ImageDraw.Draw(image)
    for row in range(900):
        shade = tuple(int(a + (b - a) * row / 900) for a, b in zip(*colours, strict=True))
        draw.line([(0, row), (1600, row)], fill=shade)
    draw.ellipse((1100, 160, 1380, 440), fill=(255, 214, 120))
    draw.polygon(
        [(0, 900), (0, 620), (420, 480), (900, 640), (1600, 520), (1600, 900)], (40, 70, 60)
    )
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def with_cover(event, colours, alt):
    event.cover = picture(colours)
    event.cover_alt = alt
    event.full_clean(exclude=["slug"])
    event.save()
    return event


def topic(name: str) -> Topic:
    return Topic.objects.get_or_create(name=name, defaults={"slug": slugify(name)})[0]


def gallery_events():
    literacy = topic("Early literacy")
    math = topic("Mathematics instruction")
    sel = topic("Social-emotional learning")
    in_person = factories.EventFactory(
        title="Phonics Lab for K–2 Teachers",
        format=Event.Format.IN_PERSON,
        topics=[literacy],
        venue_name="TREC Learning Center",
        address="1430 E. Second St., Tucson, AZ 85721",
        capacity=25,
        presenters_text="Dr. Ana Lucía Moreno — early literacy specialist\nMarcus Whitfield",
    )
    with_cover(in_person, [(250, 190, 120), (120, 170, 200)], "A reading corner with picture books")
    EventMaterial.objects.create(event=in_person, title="Agenda", url="https://example.org/a")
    virtual = factories.EventFactory(
        title="Math Talks That Work",
        kind=Event.Kind.WEBINAR,
        format=Event.Format.VIRTUAL,
        venue_name="",
        address="",
        topics=[math],
        join_url="https://meet.example.org/1",
    )
    series = factories.EventFactory(
        title="Restorative Circles: a Four-Part Series",
        kind=Event.Kind.PROGRAM,
        topics=[sel],
        sessions=[
            (in_days(-7), in_days(-7, 18)),
            (in_days(7), in_days(7, 18)),
            (in_days(14), in_days(14, 18)),
            (in_days(21), in_days(21, 18)),
        ],
    )
    on_demand = factories.EventFactory(
        title="Read-aloud Toolkit",
        kind=Event.Kind.ON_DEMAND,
        format=Event.Format.VIRTUAL,
        topics=[literacy],
        sessions=[],
        recording_url="https://video.example.org/1",
        cost=Decimal("0"),
    )
    paid = factories.EventFactory(
        title="Classroom Management Institute",
        topics=[sel],
        cost=Decimal("150"),
        payment_method=Event.PaymentMethod.DISTRICT_PO,
        capacity=40,
    )
    with_cover(paid, [(30, 60, 120), (200, 120, 160)], "Teachers in a workshop")
    for event in (in_person, virtual, series, on_demand, paid):
        event_saved(event=event)
    return {
        "event-in-person": in_person,
        "event-virtual": virtual,
        "event-series": series,
        "event-on-demand": on_demand,
        "event-paid": paid,
    }


def a_summit():
    summit = factories.ProgramFactory(title="TREC Educator Summit 2027")
    session(summit, "Opening keynote", 8, minutes=45, room="Ballroom", track="Plenary")
    session(summit, "Phonics that sticks", 9, capacity=30, presenters="Ana Ruiz")
    session(summit, "Math talks", 11, room="Room 103", capacity=10, track="STEM")
    event_saved(event=summit)
    return summit


CLS_OBSERVER = """() => new Promise((resolve) => {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) { if (!entry.hadRecentInput) total += entry.value; }
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 300);
})"""


def serve_media(context, root):
    """The test server does not serve uploads (trec/urls.py): the browser gets them from
    MEDIA_ROOT here, as the web server would in production."""

    def fulfil(route):
        name = route.request.url.split("/media/", 1)[1].split("?")[0]
        route.fulfill(path=str(root / name))

    context.route("**/media/**", fulfil)


def test_every_main_page_at_phone_and_laptop_width(
    live_server,
    browser,
    settings,
    tmp_path,
    hub,  # noqa: F811
    assert_no_violations,  # noqa: F811
):
    settings.MEDIA_ROOT = tmp_path / "media"
    year = _a_year_of_activity()
    events = gallery_events()
    summit = a_summit()
    snapshot_compute(snapshot_id=snapshot_get_or_create(period=Period.year(year)).pk)
    educator = hub["educator"]
    factories.RegistrationFactory(event=events["event-in-person"], user=educator)
    registration = factories.RegistrationFactory(event=summit, user=educator)
    SessionChoice.objects.create(
        registration=registration,
        session=summit.sessions.get(title="Phonics that sticks"),
        status=SessionChoice.Status.CONFIRMED,
    )
    pages = {
        "home": "/",
        "catalog": reverse("events:catalog"),
        **{name: event.get_absolute_url() for name, event in events.items()},
        "community": hub["community"].get_absolute_url(),
        "wall": hub["wall"].get_absolute_url(),
        "impact": reverse("impact:report"),
        "summit": summit.get_absolute_url(),
        "summit-schedule": reverse("events:schedule", kwargs={"slug": summit.slug}),
    }
    SCREENS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-US")
        serve_media(context, settings.MEDIA_ROOT)
        page = context.new_page()
        page.set_default_timeout(10_000)
        try:
            shots = {**pages, "me": "/me/"}
            for name, path in shots.items():
                if name == "me":
                    sign_in(page, live_server, educator)
                response = page.goto(live_server.url + path)
                assert response.status == 200, f"{path}: {response.status}"
                page.wait_for_load_state("load")
                if width < 400:
                    sideways = page.evaluate(
                        "document.documentElement.scrollWidth > window.innerWidth + 1"
                    )
                    assert not sideways, f"{path} scrolls sideways at {width}px"
                broken = page.evaluate(
                    "[...document.images].filter(i => i.loading !== 'lazy'"
                    " && !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
                )
                assert not broken, f"{path}: pictures that did not load: {broken}"
                shift = page.evaluate(CLS_OBSERVER)
                assert shift <= 0.1, f"{path} shifts its layout ({shift:.3f}) at {width}px"
                assert_no_violations(page)
                page.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)
        finally:
            context.close()
    saved = sorted(p.name for p in SCREENS.glob("*.png"))
    for name in [*pages, "me"]:
        for width in WIDTHS:
            assert f"{name}-{width}.png" in saved


def test_an_event_page_on_a_phone_keeps_its_action_in_reach(live_server, browser):
    event = factories.EventFactory(title="Phonics Lab", capacity=20)
    context = browser.new_context(viewport={"width": 375, "height": 700}, locale="en-US")
    page = context.new_page()
    try:
        page.goto(live_server.url + event.get_absolute_url())
        bar = page.locator(".event-action-bar")
        for scroll in (0, 600, 1200):
            page.evaluate(f"window.scrollTo(0, {scroll})")
            box = bar.bounding_box()
            assert box is not None and box["y"] + box["height"] <= 700 + 1, scroll
            assert box["y"] >= 700 - box["height"] - 1 or scroll == 0, scroll
        page.locator(".event-action-bar").get_by_role("link", name="Register", exact=True).click()
        assert page.evaluate("location.hash") == "#registration"
        page.set_viewport_size({"width": 1280, "height": 800})
        assert not bar.is_visible()  # beside the page, the registration box does it
    finally:
        context.close()
