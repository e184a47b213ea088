"""Saved searches and follows: saving from the catalog, matching a published listing,
one e-mail per educator per period, and unsubscribing from the e-mail's link."""

import datetime
import re
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events import services as event_services
from events.follows import services
from events.follows.models import ListingMatch, SavedSearch
from events.models import Event
from events.search import postgres
from tests import factories
from trec.accounts.models import GradeBand
from trec.notifications.models import Notification
from trec.notifications.registry import get_kind
from trec.notifications.services import notifications_dispatch
from trec.notifications.unsubscribe import scoped_token

ALERT = services.ALERT_KIND


def save(client, query, frequency="daily"):
    return client.post(reverse("follows:save"), {"query": query, "frequency": frequency})


def submitted(**kwargs):
    """A listing waiting for review (published by a coordinator in the test)."""
    kwargs.setdefault("status", Event.Status.SUBMITTED)
    kwargs.setdefault("published_at", None)
    return factories.EventFactory(**kwargs)


def publish(event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        event_services.event_approve(event=event)


def alerts_for(user):
    return Notification.objects.filter(kind=ALERT, recipient=user)


@pytest.fixture
def topic(db):
    return factories.TopicFactory(name="Early literacy", slug="early-literacy")


def test_saving_a_search_from_the_catalog(client, educator, topic):
    client.force_login(educator)
    page = client.get(reverse("events:catalog") + "?topic=early-literacy&kind=webinar&sort=newest")
    soup = BeautifulSoup(page.content, "html.parser")
    form = soup.find("form", action=reverse("follows:save"))
    query = form.find("input", attrs={"name": "query"})["value"]
    assert "sort" not in query

    response = save(client, query, "weekly")

    assert response.status_code == 302
    search = SavedSearch.objects.get(user=educator)
    assert (search.topic, search.kind, search.frequency) == (topic, "webinar", "weekly")
    assert search.query == "kind=webinar&topic=early-literacy"
    followed = client.get(response["Location"])
    assert "We will e-mail you about new events like these" in followed.content.decode()
    # Saving the same search again changes how often, not how many.
    save(client, "topic=early-literacy&kind=webinar", "instant")
    assert SavedSearch.objects.get(user=educator).frequency == "instant"


def test_a_search_without_filters_or_with_unknown_ones_is_refused(client, educator):
    client.force_login(educator)
    response = save(client, "sort=newest")
    assert (
        "Choose a filter or search for something first"
        in client.get(response["Location"]).content.decode()
    )
    save(client, "topic=no-such-topic")
    save(client, "topic=early-literacy", frequency="hourly")
    assert not SavedSearch.objects.exists()


def test_signed_out_visitors_are_asked_to_sign_in(client, db):
    page = client.get(reverse("events:catalog") + "?kind=webinar").content.decode()
    assert "Sign in to save this search" in page
    assert (
        "Tell me about new events like these"
        not in client.get(reverse("events:catalog")).content.decode()
    )


def test_publishing_a_matching_listing_sends_one_grouped_alert(
    client, educator, topic, django_capture_on_commit_callbacks
):
    client.force_login(educator)
    save(client, "topic=early-literacy", "instant")
    save(client, "kind=webinar", "instant")
    other = factories.EducatorFactory()
    SavedSearch.objects.create(user=other, query="kind=program", kind="program")
    listing = submitted(title="Read-alouds that work", kind="webinar", topics=[topic])
    draft = factories.EventFactory(
        title="Draft", kind="webinar", status=Event.Status.DRAFT, published_at=None
    )
    mail.outbox.clear()

    publish(listing, django_capture_on_commit_callbacks)

    # Two of the educator's searches matched: one e-mail, both groups in it.
    assert alerts_for(educator).count() == 1
    assert not alerts_for(other).exists()
    assert not ListingMatch.objects.filter(event=draft).exists()
    sent = [m for m in mail.outbox if m.to == [educator.email]]
    assert len(sent) == 1
    message = sent[0]
    assert "1 new listing for your saved searches" in message.subject
    assert message.body.count("Read-alouds that work") == 2
    assert "Topic: Early literacy" in message.body and "Webinar" in message.body
    html = message.alternatives[0][0]
    assert "Stop these alerts" in html


def sent_to(user):
    """The alert e-mails delivered to `user` so far (the outbox's delivery, in-process)."""
    notifications_dispatch(alerts_for(user).values_list("pk", flat=True))
    return [m for m in mail.outbox if m.to == [user.email]]


def test_at_most_one_alert_per_period_and_the_rest_in_the_next(
    educator, topic, django_capture_on_commit_callbacks
):
    SavedSearch.objects.create(
        user=educator, query="topic=early-literacy", topic=topic, frequency="instant"
    )
    first = submitted(title="First literacy circle", topics=[topic])
    second = submitted(title="Second literacy circle", topics=[topic])
    mail.outbox.clear()
    publish(first, django_capture_on_commit_callbacks)
    publish(second, django_capture_on_commit_callbacks)
    # Editing and saving a published listing again does not match it again.
    publish(first, django_capture_on_commit_callbacks)
    assert services.listing_match(event_id=first.pk) == 0

    assert alerts_for(educator).count() == 1
    (message,) = sent_to(educator)
    assert "First literacy circle" in message.body
    assert "Second literacy circle" not in message.body  # it waits for the next hour

    # The next hour's sweep sends what waited, once; nothing is sent twice.
    later = timezone.now() + datetime.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.alerts_enqueue_due(now=later) == 1
        assert services.alerts_enqueue_due(now=later) == 0
    assert alerts_for(educator).count() == 2
    assert alerts_for(educator).filter(window=services.period_window("instant", later)).exists()
    first_mail, second_mail = sent_to(educator)
    assert "Second literacy circle" in second_mail.body
    assert "First literacy circle" not in second_mail.body
    # Two hours on, nothing waits: no third e-mail.
    assert services.alerts_enqueue_due(now=later + datetime.timedelta(hours=1)) == 0


def test_daily_and_weekly_alerts_wait_for_their_morning(educator, topic):
    SavedSearch.objects.create(
        user=educator, query="topic=early-literacy", topic=topic, frequency="daily"
    )
    SavedSearch.objects.create(user=educator, query="kind=event", kind="event", frequency="weekly")
    listing = factories.EventFactory(topics=[topic])
    # A Monday at 5 a.m., hub time: too early for either.
    monday = timezone.make_aware(datetime.datetime(2026, 12, 7, 5, 0))  # noqa: DTZ001
    assert services.listing_match(event_id=listing.pk, now=monday) == 2
    assert services.alerts_enqueue_due(now=monday) == 0
    assert services.alerts_enqueue_due(now=monday + datetime.timedelta(hours=3)) == 2
    windows = set(alerts_for(educator).values_list("window", flat=True))
    assert windows == {"daily:2026-12-07", "weekly:2026-W50"}
    # Nothing else waits: the next sweep the same day sends nothing more.
    assert services.alerts_enqueue_due(now=monday + datetime.timedelta(hours=4)) == 0


def test_a_listing_withdrawn_or_an_account_closed_before_sending_sends_nothing(
    educator, topic, django_capture_on_commit_callbacks
):
    SavedSearch.objects.create(
        user=educator, query="topic=early-literacy", topic=topic, frequency="daily"
    )
    closed = factories.EducatorFactory(is_active=False)
    SavedSearch.objects.create(user=closed, query="topic=early-literacy", topic=topic)
    listing = factories.EventFactory(title="Soon cancelled", topics=[topic])
    assert services.listing_match(event_id=listing.pk) == 2
    event_services.event_cancel(event=listing, reason="Presenter ill.")
    mail.outbox.clear()
    morning = timezone.localtime() + datetime.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.alerts_enqueue_due(now=morning.replace(hour=services.SEND_HOUR, minute=5))

    # Each had an e-mail written for the period; both were skipped when sent.
    assert set(Notification.objects.filter(kind=ALERT).values_list("recipient_id", "status")) == {
        (educator.pk, "skipped"),
        (closed.pk, "skipped"),
    }
    assert not [m for m in mail.outbox if "Soon cancelled" in m.body]


def test_an_account_deleted_outright_after_matching_does_not_stop_the_others(educator, topic):
    """Account deletion in the hub keeps the row (anonymised); a row deleted by hand,
    whose id is still in a listing's match, is left out of the morning's e-mails."""
    gone = factories.EducatorFactory()
    for user in (educator, gone):
        SavedSearch.objects.create(
            user=user, query="topic=early-literacy", topic=topic, frequency="daily"
        )
    listing = factories.EventFactory(topics=[topic])
    assert services.listing_match(event_id=listing.pk) == 2
    gone.delete()

    morning = timezone.localtime() + datetime.timedelta(days=1)
    assert services.alerts_enqueue_due(now=morning.replace(hour=services.SEND_HOUR)) == 1
    assert alerts_for(educator).count() == 1


@pytest.mark.parametrize(
    "query, fields, matches",
    [
        ("grade=3-5", {"grade_band": "3-5"}, True),
        ("grade=9-12", {"grade_band": "9-12"}, False),
        ("cost=free", {"free_only": True}, False),
        ("min_hours=2", {"min_hours": Decimal("2")}, True),
        ("min_hours=3", {"min_hours": Decimal("3")}, False),
        ("format=in_person", {"format": "in_person"}, False),
        ("language=en", {"language": "en"}, True),
    ],
)
def test_each_filter_is_matched_in_sql(educator, query, fields, matches):
    if "grade_band" in fields:
        fields["grade_band"] = GradeBand.objects.get(code=fields["grade_band"])
    SavedSearch.objects.create(user=educator, query=query, **fields)
    listing = factories.EventFactory(
        cost=Decimal("25"),
        pd_hours=Decimal("2.5"),
        grade_bands=list(GradeBand.objects.filter(code="3-5")),
    )
    assert services.listing_match(event_id=listing.pk) == (1 if matches else 0)


def test_dates_use_the_catalogs_rule(educator):
    listing = factories.EventFactory(
        sessions=[(factories.in_days(10), factories.in_days(10, hour=18))]
    )
    day = factories.in_days(10).date()
    for start, end, expected in [
        (day, day, True),
        (day + datetime.timedelta(days=1), None, False),
        (None, day - datetime.timedelta(days=1), False),
        (day - datetime.timedelta(days=3), None, True),
    ]:
        SavedSearch.objects.all().delete()
        SavedSearch.objects.create(
            user=educator, query=f"{start}{end}", starts_on=start, ends_on=end
        )
        ListingMatch.objects.all().delete()
        assert services.listing_match(event_id=listing.pk) == int(expected), (start, end)


def test_private_and_unpublished_listings_match_nothing(educator):
    SavedSearch.objects.create(user=educator, query="kind=event", kind="event")
    private = factories.EventFactory(is_private=True)
    draft = factories.EventFactory(status=Event.Status.DRAFT, published_at=None)
    assert services.listing_match(event_id=private.pk) == 0
    assert services.listing_match(event_id=draft.pk) == 0


def test_search_text_matches_through_the_catalogs_search(educator):
    SavedSearch.objects.create(user=educator, query="q=phonics", text="phonics")
    services._store_terms(SavedSearch.objects.get())
    hit = factories.EventFactory(title="Phonics in kindergarten")
    miss = factories.EventFactory(title="Algebra tiles")
    assert services.listing_match(event_id=hit.pk) == 1
    assert services.listing_match(event_id=miss.pk) == 0


def test_searches_sharing_a_text_are_each_matched_once(educator):
    """The title's word-similarity test runs once per distinct text (services.
    RECORD_MATCH_SQL): every search with that text matches, on any frequency, and
    searches with another text do not."""
    others = [factories.EducatorFactory() for _index in range(3)]
    saved = [
        (educator, "phonics", "instant"),
        (others[0], "phonics", "daily"),
        (others[1], "phonics", "instant"),
        (others[2], "algebra", "instant"),
    ]
    for user, text, frequency in saved:
        SavedSearch.objects.create(user=user, query=f"q={text}", text=text, frequency=frequency)
    for search in SavedSearch.objects.all():
        services._store_terms(search)
    hit = factories.EventFactory(title="Phonics in kindergarten")
    assert services.listing_match(event_id=hit.pk) == 3
    rows = {row.frequency: row for row in ListingMatch.objects.filter(event=hit)}
    assert sorted(rows["instant"].users) == sorted([educator.pk, others[1].pk])
    assert rows["daily"].users == [others[0].pk]
    assert rows["weekly"].users == []
    assert set(alerts_for(educator).values_list("window", flat=True)) == {
        services.period_window("instant", timezone.now())
    }
    assert not alerts_for(others[2]).exists()


@pytest.mark.postgres
def test_matching_a_listing_takes_a_fixed_number_of_queries(
    educator, topic, django_assert_num_queries
):
    """Matching and the "right away" e-mails: the same queries for one saved search or
    forty, one e-mail or forty."""
    listing = factories.EventFactory(topics=[topic])
    services.listing_match(event_id=factories.EventFactory(topics=[topic]).pk)  # warm caches
    for index in range(40):
        user = educator if index == 0 else factories.EducatorFactory()
        SavedSearch.objects.create(
            user=user, query=f"topic=early-literacy&i={index}", topic=topic, frequency="instant"
        )
    with django_assert_num_queries(QUERIES_TO_MATCH):
        assert services.listing_match(event_id=listing.pk) == 40
    assert Notification.objects.filter(kind=ALERT).count() == 40


# A savepoint (the test's transaction), the alerts lock, the listing (in the catalog and
# not matched before, one query), its grade bands, topics and sessions, the match (one
# INSERT ... SELECT), the LOOKBACK floor, the e-mails (one INSERT ... SELECT in a
# savepoint: three), whom they reached (ListingMatch.told) and the release: 13 on
# PostgreSQL (the listing's three checks are one, the newest row is known without asking).
QUERIES_TO_MATCH = 13


def test_the_hours_later_listings_write_only_to_those_without_its_email(educator, topic):
    """A busy hour: each listing's "right away" e-mails go to the educators the hour's
    earlier listings have not written to (ListingMatch.told spares looking the others up);
    the rest wait for the next hour, and every listing is told exactly once."""
    SavedSearch.objects.create(
        user=educator, query="topic=early-literacy", topic=topic, frequency="instant"
    )
    other = factories.EducatorFactory()
    SavedSearch.objects.create(
        user=other, query="kind=webinar", kind="webinar", frequency="instant"
    )
    now = timezone.now()
    titles = ["Circle one", "Circle two", "Circle three"]
    kinds = ["event", "webinar", "webinar"]
    for title, kind in zip(titles, kinds, strict=True):
        listing = factories.EventFactory(title=title, kind=kind, topics=[topic])
        services.listing_match(event_id=listing.pk, now=now)
    assert alerts_for(educator).count() == alerts_for(other).count() == 1
    if postgres():  # elsewhere each listing looks every candidate up
        told = ListingMatch.objects.filter(frequency="instant").values_list("told", flat=True)
        assert list(told) == [[educator.pk], [other.pk], []]

    later = now + datetime.timedelta(hours=1)
    assert services.alerts_enqueue_due(now=later) == 2
    mine = [m.body for m in sent_to(educator)]
    theirs = [m.body for m in sent_to(other)]
    assert [[title in body for title in titles] for body in mine] == [
        [True, False, False],
        [False, True, True],
    ]
    assert [[title in body for title in titles] for body in theirs] == [
        [False, True, False],
        [False, False, True],
    ]


@pytest.mark.postgres
def test_search_text_matches_stemmed_words_in_the_summary(client, educator):
    client.force_login(educator)
    save(client, "q=fractions")
    hit = factories.EventFactory(title="Number sense", summary="Teaching fraction models.")
    assert services.listing_match(event_id=hit.pk) == 1


def test_the_alert_is_in_the_educators_language(educator, topic):
    educator.preferred_language = "es"
    educator.save(update_fields=["preferred_language"])
    SavedSearch.objects.create(
        user=educator, query="topic=early-literacy", topic=topic, frequency="instant"
    )
    listing = factories.EventFactory(topics=[topic])
    mail.outbox.clear()
    services.listing_match(event_id=listing.pk)
    notifications_dispatch(alerts_for(educator).values_list("pk", flat=True))
    message = mail.outbox[-1]
    assert message.subject == "1 nueva publicación para sus búsquedas guardadas"
    assert "Tema: Early literacy" in message.body and "Detener estas alertas" in message.body


def path_of(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def test_unsubscribe_from_the_email_link_without_signing_in(
    client, educator, topic, django_capture_on_commit_callbacks
):
    by_topic = SavedSearch.objects.create(
        user=educator, query="topic=early-literacy", topic=topic, frequency="instant"
    )
    by_kind = SavedSearch.objects.create(
        user=educator, query="kind=webinar", kind="webinar", frequency="instant"
    )
    mail.outbox.clear()
    publish(submitted(kind="webinar", topics=[topic]), django_capture_on_commit_callbacks)
    (message,) = sent_to(educator)
    # RFC 8058: the header stops the searches this e-mail is about, with one POST.
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http") and header.endswith(">")
    # Each group has its own link, for its search only.
    links = re.findall(r"https?://\S+/notifications/unsubscribe/\S+/", message.body)
    assert len(links) == 2 and header[1:-1] not in links

    page = client.get(path_of(links[0]))  # not signed in
    assert page.status_code == 200
    assert "Stop these e-mails: “New listings for Topic: Early literacy”?" in page.content.decode()
    assert SavedSearch.objects.filter(pk=by_topic.pk).exists()  # a link checker stops nothing

    done = client.post(path_of(links[0]), {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "you will no longer receive these e-mails" in done.content.decode()
    assert list(SavedSearch.objects.filter(user=educator)) == [by_kind]
    # Again (a mail client's one-click after the page): still a calm answer.
    assert client.post(path_of(links[0])).status_code == 200

    # The header's one-click POST, as a mail client sends it: no cookie, no CSRF token.
    mail_client = Client(enforce_csrf_checks=True)
    one_click = mail_client.post(path_of(header[1:-1]), {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert not SavedSearch.objects.filter(user=educator).exists()
    publish(submitted(kind="webinar", topics=[topic]), django_capture_on_commit_callbacks)
    assert alerts_for(educator).count() == 1  # no more alerts


def test_an_unsubscribe_link_stops_only_its_owners_searches(client, educator):
    theirs = SavedSearch.objects.create(
        user=factories.EducatorFactory(), query="kind=event", kind="event"
    )
    kind = get_kind(ALERT)
    # A genuine link of this educator naming another person's search stops nothing.
    token = scoped_token(kind, educator.pk, [theirs.pk])
    assert client.post(reverse("notifications:unsubscribe", args=[token])).status_code == 200
    assert SavedSearch.objects.filter(pk=theirs.pk).exists()
    # A tampered link is a 404.
    forged = scoped_token(kind, theirs.user_id, [theirs.pk])[:-2] + "xx"
    assert client.post(reverse("notifications:unsubscribe", args=[forged])).status_code == 404
    assert SavedSearch.objects.filter(pk=theirs.pk).exists()


def test_follow_a_provider_and_a_topic_feeds_my_page(client, educator, topic):
    provider = factories.ProviderFactory(name="Desert Readers")
    client.force_login(educator)
    page = client.get(provider.get_absolute_url())
    assert "Follow Desert Readers" in page.content.decode()
    client.post(
        reverse("follows:follow"), {"provider": provider.slug, "next": provider.get_absolute_url()}
    )
    client.post(reverse("follows:follow"), {"topic": topic.slug})
    assert "Following Desert Readers" in client.get(provider.get_absolute_url()).content.decode()
    factories.EventFactory(provider=provider, title="Desert story hour")
    factories.EventFactory(title="Literacy lab", topics=[topic])
    factories.EventFactory(title="Unrelated")

    me = client.get(reverse("accounts:me")).content.decode()
    section = me.split("New from people you follow", 1)[1].split("</section>", 1)[0]
    assert "Desert story hour" in section and "Literacy lab" in section
    assert "Unrelated" not in section

    # Pressing again stops following.
    client.post(reverse("follows:follow"), {"provider": provider.slug})
    assert not SavedSearch.objects.filter(provider=provider).exists()


def test_topic_chips_on_the_event_page_offer_follow(client, educator, topic):
    event = factories.EventFactory(topics=[topic])
    client.force_login(educator)
    soup = BeautifulSoup(client.get(event.get_absolute_url()).content, "html.parser")
    button = soup.find("input", attrs={"name": "topic", "value": "early-literacy"})
    assert button is not None


def test_manage_alerts_change_frequency_and_stop(client, educator, topic):
    mine = SavedSearch.objects.create(user=educator, query="topic=early-literacy", topic=topic)
    theirs = SavedSearch.objects.create(
        user=factories.EducatorFactory(), query="kind=event", kind="event"
    )
    client.force_login(educator)
    page = client.get(reverse("follows:list")).content.decode()
    assert "Topic: Early literacy" in page and "Follow" in page
    client.post(reverse("follows:update", args=[mine.pk]), {"frequency": "weekly"})
    mine.refresh_from_db()
    assert mine.frequency == "weekly"
    assert client.post(reverse("follows:delete", args=[theirs.pk])).status_code == 404
    client.post(reverse("follows:delete", args=[mine.pk]))
    assert not SavedSearch.objects.filter(pk=mine.pk).exists()
    empty = client.get(reverse("follows:list")).content.decode()
    assert "You have no alerts yet" in empty


def test_alerts_page_queries_do_not_grow_with_rows(
    client, educator, topic, django_assert_num_queries
):
    """Labels read the grade band, topic and provider: joined, not one query per row."""
    client.force_login(educator)
    for index in range(20):
        SavedSearch.objects.create(
            user=educator, query=f"topic=early-literacy&q={index}", topic=topic, text=str(index)
        )
    client.get(reverse("follows:list"))
    with django_assert_num_queries(4):
        client.get(reverse("follows:list"))
