"""Listing fast in the back office: duplicate a listing (dates kept or moved), a recurring
series of sessions in one step, saved templates per provider, bulk actions for provider
staff on their own events only, and a list that opens on upcoming events."""

import csv
import datetime
import io

import pytest
from django.contrib.admin import helpers
from django.urls import reverse
from django.utils import timezone

from events import listing
from events.models import Event, EventSession, ExpoBooth, ListingTemplate, Registration
from tests import factories
from tests.events.test_admin_scoping import soup
from tests.events.test_admin_workflow import messages_on
from trec.accounts.models import GradeBand

CHANGELIST = "admin:events_event_changelist"


def local(moment):
    return timezone.localtime(moment)


@pytest.fixture
def provider(db):
    return factories.ProviderFactory(name="Sonoran Early Learning")


@pytest.fixture
def other_provider(db):
    return factories.ProviderFactory(name="Saguaro STEM Alliance")


@pytest.fixture
def staff(provider):
    return factories.ProviderStaffFactory(provider=provider)


@pytest.fixture
def series_event(provider):
    """A bilingual three-session series with topics and grade bands, published."""
    start = factories.in_days(10)
    event = factories.EventFactory(
        provider=provider,
        title="Family Literacy Nights",
        title_es="Noches de lectura en familia",
        summary="Three evenings of read-alouds.",
        summary_es="Tres noches de lectura en voz alta.",
        description_es="## Qué aprenderá",
        capacity=25,
        topics=[factories.TopicFactory(name="Early literacy")],
        grade_bands=GradeBand.objects.filter(code__in=["k-2", "3-5"]),
        sessions=[
            (start + datetime.timedelta(weeks=w), start + datetime.timedelta(weeks=w, hours=2))
            for w in range(3)
        ],
    )
    first = event.sessions.order_by("starts_at").first()
    first.title, first.title_es, first.location = "Opening night", "Noche inicial", "Room 4"
    first.save()
    factories.RegistrationFactory(event=event)
    return event


# --- Duplicate ---------------------------------------------------------------------


@pytest.mark.django_db
def test_duplicate_copies_texts_topics_bands_and_sessions_as_a_draft(series_event, staff):
    copy = listing.event_duplicate(event=series_event, by=staff)

    assert copy.pk != series_event.pk
    assert copy.status == Event.Status.DRAFT
    assert copy.provider == series_event.provider
    assert copy.slug != series_event.slug
    assert (copy.title, copy.title_es, copy.summary_es, copy.description_es) == (
        "Family Literacy Nights",
        "Noches de lectura en familia",
        "Tres noches de lectura en voz alta.",
        "## Qué aprenderá",
    )
    assert copy.capacity == 25 and copy.published_at is None and copy.created_by == staff
    assert list(copy.topics.values_list("name", flat=True)) == ["Early literacy"]
    assert sorted(copy.grade_bands.values_list("code", flat=True)) == ["3-5", "k-2"]
    old = list(series_event.sessions.values_list("starts_at", "ends_at"))
    new = list(copy.sessions.values_list("starts_at", "ends_at"))
    assert new == old, "dates kept"
    first = copy.sessions.first()
    assert (first.title, first.title_es, first.location) == (
        "Opening night",
        "Noche inicial",
        "Room 4",
    )
    assert (copy.starts_at, copy.ends_at) == (old[0][0], old[-1][1])
    assert not Registration.objects.filter(event=copy).exists()


@pytest.mark.django_db
def test_a_duplicated_program_keeps_its_resource_expo(staff):
    program = factories.ProgramFactory(provider=staff.provider_memberships.get().provider)
    exhibitor = factories.ProviderFactory(name="Desert Reading Project")
    ExpoBooth.objects.create(
        event=program, provider=exhibitor, booth="B12", note="Free books", note_es="Libros"
    )

    copy = listing.event_duplicate(event=program, by=staff)

    assert list(copy.expo_booths.values_list("provider__name", "booth", "note", "note_es")) == [
        ("Desert Reading Project", "B12", "Free books", "Libros")
    ]
    assert program.expo_booths.count() == 1


@pytest.mark.django_db
def test_duplicate_with_a_new_first_date_shifts_every_session(series_event, staff):
    new_first = timezone.localdate() + datetime.timedelta(days=60)
    copy = listing.event_duplicate(event=series_event, by=staff, first_day=new_first)
    starts = [local(s) for s in copy.sessions.values_list("starts_at", flat=True)]
    assert [s.date() for s in starts] == [
        new_first,
        new_first + datetime.timedelta(weeks=1),
        new_first + datetime.timedelta(weeks=2),
    ]
    assert {(s.hour, s.minute) for s in starts} == {(16, 0)}


@pytest.mark.django_db
def test_the_duplicate_page_refuses_a_past_date_and_keeps_the_input(client, series_event, staff):
    client.force_login(staff)
    url = reverse("admin:events_event_duplicate", args=[series_event.pk])
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client.post(url, {"first_day": yesterday})
    assert response.status_code == 200
    page = soup(response)
    assert "has passed: choose today or a later date." in page.select_one(".errorlist").text
    assert page.find("input", {"name": "first_day"})["value"] == yesterday
    assert Event.objects.count() == 1


@pytest.mark.django_db
def test_the_duplicate_button_makes_a_draft_and_opens_it(client, series_event, staff):
    client.force_login(staff)
    change = client.get(reverse("admin:events_event_change", args=[series_event.pk]))
    url = reverse("admin:events_event_duplicate", args=[series_event.pk])
    assert soup(change).find("a", href=url).get_text(strip=True) == "Duplicate"
    new_first = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(url, {"first_day": new_first.isoformat()}, follow=True)
    copy = Event.objects.exclude(pk=series_event.pk).get()
    assert response.redirect_chain[-1][0] == reverse("admin:events_event_change", args=[copy.pk])
    assert "was copied as a draft with its sessions" in messages_on(response)
    assert local(copy.starts_at).date() == new_first


# --- Recurring series --------------------------------------------------------------


def test_series_days_weekly_biweekly_monthly_with_skips():
    first = datetime.date(2027, 1, 31)
    assert listing.series_days(first=first, frequency="monthly", count=3) == [
        datetime.date(2027, 1, 31),
        datetime.date(2027, 2, 28),
        datetime.date(2027, 3, 31),
    ]
    assert listing.series_days(
        first=datetime.date(2027, 3, 2),
        frequency="weekly",
        count=3,
        skip={datetime.date(2027, 3, 16)},
    ) == [datetime.date(2027, 3, 2), datetime.date(2027, 3, 9), datetime.date(2027, 3, 23)]
    assert listing.series_days(first=datetime.date(2027, 3, 2), frequency="biweekly", count=2) == [
        datetime.date(2027, 3, 2),
        datetime.date(2027, 3, 16),
    ]


def series_data(first: datetime.date, **changes) -> dict:
    return {
        "first": first.isoformat(),
        "starts": "16:30",
        "minutes": "90",
        "frequency": "weekly",
        "count": "6",
        "skip": "",
        "title": "",
        "location": "",
        **changes,
    }


@pytest.mark.django_db
def test_the_series_page_adds_six_weekly_sessions_skipping_a_holiday(client, provider, staff):
    event = factories.EventFactory(provider=provider, status=Event.Status.DRAFT, sessions=[])
    first = timezone.localdate() + datetime.timedelta(days=14)
    holiday = first + datetime.timedelta(weeks=2)
    client.force_login(staff)
    url = reverse("admin:events_event_series", args=[event.pk])
    response = client.post(
        url, series_data(first, skip=holiday.isoformat(), location="Library"), follow=True
    )
    assert "6 sessions were added" in messages_on(response)
    sessions = list(event.sessions.order_by("starts_at"))
    days = [local(s.starts_at).date() for s in sessions]
    assert holiday not in days
    assert days == [first + datetime.timedelta(weeks=w) for w in (0, 1, 3, 4, 5, 6)]
    assert {(local(s.starts_at).time(), s.ends_at - s.starts_at) for s in sessions} == {
        (datetime.time(16, 30), datetime.timedelta(minutes=90))
    }
    assert {s.location for s in sessions} == {"Library"}
    event.refresh_from_db()
    assert (event.starts_at, event.ends_at) == (sessions[0].starts_at, sessions[-1].ends_at)


@pytest.mark.django_db
def test_the_series_page_shows_every_error_and_keeps_the_input(client, provider, staff):
    event = factories.EventFactory(provider=provider, status=Event.Status.DRAFT, sessions=[])
    client.force_login(staff)
    url = reverse("admin:events_event_series", args=[event.pk])
    response = client.post(
        url,
        series_data(
            timezone.localdate() + datetime.timedelta(days=7),
            count="80",
            skip="2027-02-30, next tuesday",
        ),
    )
    assert response.status_code == 200
    errors = [e.get_text(" ", strip=True) for e in soup(response).select(".errorlist")]
    assert "Choose between 1 and 52 sessions." in errors
    assert "“2027-02-30”, “next tuesday” are not dates like 2027-03-16." in errors
    page = soup(response)
    assert page.find("input", {"name": "count"})["value"] == "80"
    assert page.find("textarea", {"name": "skip"}).text.strip() == "2027-02-30, next tuesday"
    assert not EventSession.objects.exists()

    past = client.post(url, series_data(timezone.localdate() - datetime.timedelta(days=3)))
    text = soup(past).select_one(".errorlist").get_text(" ", strip=True)
    assert text.startswith("The first session (") and "would already have started" in text

    first = timezone.localdate() + datetime.timedelta(days=7)
    stray = first + datetime.timedelta(days=3)
    off = client.post(url, series_data(first, skip=stray.isoformat()))
    assert "is not one of the series' dates." in soup(off).select_one(".errorlist").text
    assert not EventSession.objects.exists()


# --- Templates -----------------------------------------------------------------------


@pytest.mark.django_db
def test_save_as_template_then_new_from_template(client, series_event, staff):
    client.force_login(staff)
    save_url = reverse("admin:events_event_save_template", args=[series_event.pk])
    response = client.post(save_url, {"name": "Literacy night"}, follow=True)
    assert "Saved as the template “Literacy night”." in messages_on(response)
    template = ListingTemplate.objects.get()
    assert template.provider == series_event.provider

    templates_url = reverse("admin:events_event_templates")
    changelist = client.get(reverse(CHANGELIST))
    assert soup(changelist).find("a", href=templates_url).get_text(strip=True) == (
        "New from template"
    )
    listed = client.get(templates_url)
    assert "Literacy night" in soup(listed).select_one("table.listing-templates").text
    response = client.post(templates_url, {"template": template.pk, "do": "use"}, follow=True)
    new = Event.objects.exclude(pk=series_event.pk).get()
    assert response.redirect_chain[-1][0] == reverse("admin:events_event_change", args=[new.pk])
    assert new.status == Event.Status.DRAFT and new.provider == series_event.provider
    assert (new.title_es, new.summary_es, new.capacity) == (
        "Noches de lectura en familia",
        "Tres noches de lectura en voz alta.",
        25,
    )
    assert list(new.topics.values_list("name", flat=True)) == ["Early literacy"]
    assert sorted(new.grade_bands.values_list("code", flat=True)) == ["3-5", "k-2"]
    assert not new.sessions.exists()


@pytest.mark.django_db
def test_another_providers_template_is_not_found(client, staff, other_provider):
    theirs = factories.EventFactory(provider=other_provider)
    template, _created = listing.template_save(event=theirs, name="Theirs", by=None)
    client.force_login(staff)
    url = reverse("admin:events_event_templates")
    assert "Theirs" not in client.get(url).content.decode()
    for do in ("use", "delete"):
        assert client.post(url, {"template": template.pk, "do": do}).status_code == 404
    assert ListingTemplate.objects.filter(pk=template.pk).exists()
    assert Event.objects.count() == 1


# --- Bulk actions --------------------------------------------------------------------


def act(client, action: str, events, **extra):
    return client.post(
        reverse(CHANGELIST),
        {
            "action": action,
            helpers.ACTION_CHECKBOX_NAME: [e.pk for e in events],
            "index": 0,
            **extra,
        },
        follow=True,
    )


@pytest.mark.django_db
def test_provider_staff_bulk_submit_their_drafts(client, provider, staff):
    drafts = [
        factories.EventFactory(provider=provider, status=Event.Status.DRAFT) for _ in range(2)
    ]
    empty = factories.EventFactory(
        provider=provider, status=Event.Status.DRAFT, title="No dates yet", sessions=[]
    )
    waiting = factories.EventFactory(
        provider=provider, status=Event.Status.SUBMITTED, title="Already sent"
    )
    client.force_login(staff)
    response = act(client, "submit_for_review", [*drafts, empty, waiting])
    text = messages_on(response)
    assert "“Already sent” is already waiting for a coordinator's review." in text
    assert "2 listings were sent to the hub's coordinators for review." in text
    assert "“No dates yet” was not sent: it has no session yet." in text
    assert {e.status for e in Event.objects.filter(pk__in=[d.pk for d in drafts])} == {
        Event.Status.SUBMITTED
    }
    empty.refresh_from_db()
    assert empty.status == Event.Status.DRAFT


@pytest.mark.django_db
@pytest.mark.parametrize(
    "action", ["submit_for_review", "close_registration", "duplicate_listings", "export_csv"]
)
def test_bulk_actions_never_touch_another_providers_events(
    client, provider, staff, other_provider, action
):
    theirs = factories.EventFactory(
        provider=other_provider, status=Event.Status.DRAFT, title="Robotics Club Launch"
    )
    client.force_login(staff)
    response = act(client, action, [theirs])
    theirs.refresh_from_db()
    assert theirs.status == Event.Status.DRAFT
    assert not theirs.registration_closed
    assert Event.objects.count() == 1, "nothing duplicated"
    assert "Robotics Club Launch" not in response.content.decode()


@pytest.mark.django_db
def test_close_registration_keeps_the_registered_and_refuses_new_ones(
    client, provider, staff, series_event
):
    client.force_login(staff)
    response = act(client, "close_registration", [series_event])
    assert "Registration is now closed for 1 listing" in messages_on(response)
    series_event.refresh_from_db()
    assert series_event.registration_closed
    assert series_event.registrations.filter(status=Registration.Status.CONFIRMED).count() == 1
    educator = factories.EducatorFactory()
    client.force_login(educator)
    detail = client.get(series_event.get_absolute_url())
    assert "Registration for this event is closed." in detail.content.decode()


@pytest.mark.django_db
def test_bulk_duplicate_copies_each_as_a_draft(client, provider, staff, series_event):
    other = factories.EventFactory(provider=provider, title="Math Circles")
    client.force_login(staff)
    response = act(client, "duplicate_listings", [series_event, other])
    assert "2 listings were copied as drafts, dates kept" in messages_on(response)
    copies = Event.objects.filter(status=Event.Status.DRAFT)
    assert sorted(copies.values_list("title", flat=True)) == [
        "Family Literacy Nights",
        "Math Circles",
    ]
    assert copies.get(title="Family Literacy Nights").sessions.count() == 3


@pytest.mark.django_db
def test_export_csv_lists_the_chosen_listings(client, provider, staff, series_event):
    client.force_login(staff)
    response = client.post(
        reverse(CHANGELIST),
        {"action": "export_csv", helpers.ACTION_CHECKBOX_NAME: [series_event.pk], "index": 0},
    )
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 1
    row = rows[0]
    assert (row["title"], row["title_es"], row["sessions"], row["confirmed"]) == (
        "Family Literacy Nights",
        "Noches de lectura en familia",
        "3",
        "1",
    )
    assert row["provider"] == "Sonoran Early Learning"


# --- The list --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_list_opens_on_upcoming_events_with_past_draft_and_review_filters(
    client, provider, staff
):
    factories.EventFactory(provider=provider, title="Next week's webinar")
    factories.EventFactory(
        provider=provider,
        title="Last month's webinar",
        sessions=[(factories.in_days(-30), factories.in_days(-30, hour=18))],
    )
    factories.EventFactory(provider=provider, title="A draft", status=Event.Status.DRAFT)
    factories.EventFactory(provider=provider, title="Waiting", status=Event.Status.SUBMITTED)
    client.force_login(staff)

    def titles(**query):
        response = client.get(reverse(CHANGELIST), query)
        return sorted(
            a.get_text(strip=True) for a in soup(response).select("#result_list tbody th a")
        )

    assert titles() == ["A draft", "Next week's webinar", "Waiting"]
    assert titles(when="past") == ["Last month's webinar"]
    assert titles(when="draft") == ["A draft"]
    assert titles(when="review") == ["Waiting"]
    assert len(titles(when="all")) == 4
    response = client.get(reverse(CHANGELIST))
    selected = soup(response).select_one("#changelist-filter li.selected a")
    assert selected.get_text(strip=True) == "Upcoming"
    headers = [th.get_text(" ", strip=True) for th in soup(response).select("#result_list th")]
    assert "Provider" not in " ".join(headers), "one provider: no provider column"
