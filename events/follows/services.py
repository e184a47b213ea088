"""Saving searches and follows, matching a newly published listing against all of them
in SQL, and putting the alerts in the outbox: at most one e-mail per educator per
period (an hour for "right away", a day, an ISO week), whatever the number of listings.

Matching (listing_match) reads the listing once and asks the database which saved
searches it satisfies: every structured filter is a column compared with the listing's
values, and search text is a stored tsquery tested against the listing's search vector
(or a word-similar title, as the catalog does). One query for 50,000 searches.
"""

from __future__ import annotations

import datetime
import logging

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import BooleanField, Max, Q
from django.db.models.expressions import RawSQL
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from events.filters import FREE, EventFilter
from events.models import Event, Topic
from events.search import postgres, search_events, search_query
from providers.models import Provider
from trec.accounts.models import GradeBand
from trec.notifications.models import Notification
from trec.notifications.services import (
    BROKER_ERRORS,
    PUBLISH_OPTIONS,
    notifications_enqueue_many,
)

from .models import AlertMatch, MatchedListing, SavedSearch

logger = logging.getLogger(__name__)

ALERT_KIND = "saved_search_alert"
UNSUBSCRIBE_SALT = "follows.unsubscribe"
# Filters a saved search keeps; sort and page are how results are shown, not what.
SAVED_PARAMETERS = (
    "q",
    "kind",
    "format",
    "grade",
    "topic",
    "provider",
    "cost",
    "start",
    "end",
    "language",
    "min_hours",
)
# Daily and weekly alerts go out from this hour (hub time): a morning e-mail.
SEND_HOUR = 7
# Listings published this recently are matched by the sweep if their own task was lost.
CATCH_UP = datetime.timedelta(days=2)
Frequency = SavedSearch.Frequency


# --- Saving searches and follows --------------------------------------------------------


def _parse(params: QueryDict) -> tuple[str, dict]:
    """(normalised query string, model fields) for catalog parameters, through the
    catalog's own filter form: the same names and the same validation."""
    form = EventFilter(data=params, queryset=Event.objects.none()).form
    form.is_valid()
    data = {
        name: value
        for name, value in form.cleaned_data.items()
        if name in SAVED_PARAMETERS and value not in (None, "", [])
    }
    if isinstance(data.get("q"), str):
        data["q"] = " ".join(data["q"].split())
        if not data["q"]:
            del data["q"]
    if data.get("min_hours") == 0:
        del data["min_hours"]
    if not data:
        raise ValidationError(_("Choose a filter or search for something first."))
    fields = {
        "text": data.get("q", ""),
        "kind": data.get("kind", ""),
        "format": data.get("format", ""),
        "language": data.get("language", ""),
        "free_only": data.get("cost") == FREE,
        "starts_on": data.get("start"),
        "ends_on": data.get("end"),
        "min_hours": data.get("min_hours"),
        "grade_band": None,
        "topic": None,
        "provider": None,
    }
    lookups = (
        ("grade", "grade_band", GradeBand, "code"),
        ("topic", "topic", Topic, "slug"),
        ("provider", "provider", Provider, "slug"),
    )
    for param, field, model, key in lookups:
        if param in data:
            fields[field] = model.objects.filter(**{key: data[param]}).first()
            if fields[field] is None:
                raise ValidationError(_("That filter no longer exists in the catalog."))
    query = QueryDict(mutable=True)
    for name in sorted(data):
        value = data[name]
        if isinstance(value, datetime.date):
            value = value.isoformat()
        elif name == "min_hours":
            value = f"{value.normalize():f}"
        query[name] = str(value)
    return query.urlencode(), fields


def _store_terms(search: SavedSearch) -> None:
    if postgres():
        terms = search_query(search.text) if search.text else None
        SavedSearch.objects.filter(pk=search.pk).update(terms=terms)


@transaction.atomic
def saved_search_save(*, user, params: QueryDict, frequency: str) -> tuple[SavedSearch, bool]:
    """Save the catalog search in `params` for `user` (or change how often an existing
    one is sent). Raises ValidationError for a search without filters or an unknown
    frequency. Returns (search, created)."""
    if frequency not in Frequency.values:
        raise ValidationError(_("Choose how often to hear about new events."))
    query, fields = _parse(params)
    search, created = SavedSearch.objects.update_or_create(
        user=user, query=query, defaults={"frequency": frequency, **fields}
    )
    if created:
        _store_terms(search)
    return search, created


@transaction.atomic
def follow_toggle(*, user, provider: Provider | None = None, topic: Topic | None = None) -> bool:
    """Follow a provider or a topic, or stop following it. Returns True when followed."""
    params = QueryDict(mutable=True)
    if provider is not None:
        params["provider"] = provider.slug
    if topic is not None:
        params["topic"] = topic.slug
    query, fields = _parse(params)
    deleted, _rows = SavedSearch.objects.filter(user=user, query=query).delete()
    if deleted:
        return False
    SavedSearch.objects.create(user=user, query=query, frequency=Frequency.WEEKLY, **fields)
    return True


def saved_search_update(*, search: SavedSearch, frequency: str) -> SavedSearch:
    if frequency not in Frequency.values:
        raise ValidationError(_("Choose how often to hear about new events."))
    search.frequency = frequency
    search.save(update_fields=["frequency"])
    # Matches waiting for the old period's e-mail go out with the new one.
    AlertMatch.objects.filter(search=search, notification__isnull=True).update(frequency=frequency)
    return search


def saved_search_delete(*, search: SavedSearch) -> None:
    search.delete()


def unsubscribe_token(search: SavedSearch) -> str:
    """A signed token for the e-mail's unsubscribe link: no sign-in needed, not guessable."""
    return signing.dumps([search.pk, search.user_id], salt=UNSUBSCRIBE_SALT, compress=True)


def search_for_token(token: str) -> tuple[bool, SavedSearch | None]:
    """(token valid, the search it names if it still exists)."""
    try:
        pk, user_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return False, None
    return True, SavedSearch.objects.filter(pk=pk, user_id=user_id).first()


# --- Matching a newly published listing ---------------------------------------------------


def _local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def _dates_match(sessions: list[tuple[datetime.datetime, datetime.datetime]]) -> Q:
    """The catalog's date filter: one session overlapping [from, until] (whole days)."""
    if not sessions:
        return Q(starts_on__isnull=True, ends_on__isnull=True)
    condition = Q(pk__in=[])
    for starts_at, ends_at in sessions:
        last_day = _local_day(ends_at - datetime.timedelta(microseconds=1))
        condition |= (Q(starts_on__isnull=True) | Q(starts_on__lte=last_day)) & (
            Q(ends_on__isnull=True) | Q(ends_on__gte=_local_day(starts_at))
        )
    return condition


def _text_match(event: Event) -> Q:
    """Postgres: the stored tsquery against the listing's vector, or the text word-similar
    to its title (the catalog's two tests). Elsewhere the text is checked afterwards."""
    if not postgres():
        return Q()
    vector_or_title = RawSQL(
        "(SELECT search_vector FROM events_event WHERE id = %s) @@ follows_savedsearch.terms"
        " OR follows_savedsearch.text <%% %s",
        [event.pk, event.title],
        output_field=BooleanField(),
    )
    return Q(text="") | Q(vector_or_title)


def matching_searches(event: Event):
    """The saved searches `event` satisfies (without the non-Postgres text check)."""
    grade_ids = list(event.grade_bands.values_list("pk", flat=True))
    topic_ids = list(event.topics.values_list("pk", flat=True))
    sessions = list(event.sessions.values_list("starts_at", "ends_at"))
    conditions = (
        (Q(kind="") | Q(kind=event.kind))
        & (Q(format="") | Q(format=event.format))
        & (Q(language="") | Q(language=event.language))
        & (Q(grade_band__isnull=True) | Q(grade_band_id__in=grade_ids))
        & (Q(topic__isnull=True) | Q(topic_id__in=topic_ids))
        & (Q(provider__isnull=True) | Q(provider_id=event.provider_id))
        & (Q(min_hours__isnull=True) | Q(min_hours__lte=event.pd_hours))
        & _dates_match(sessions)
        & _text_match(event)
    )
    if event.cost > 0:
        conditions &= Q(free_only=False)
    return SavedSearch.objects.filter(conditions, user__is_active=True)


def _record_matches(event: Event) -> list[tuple[int, str]]:
    """Write an AlertMatch for every saved search `event` satisfies; returns their
    (user id, frequency). On Postgres one INSERT ... SELECT: the matches never leave
    the database. Elsewhere the search text is checked per distinct text afterwards."""
    matching = matching_searches(event)
    if postgres():
        select, params = matching.values_list("pk", "user_id", "frequency").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO follows_alertmatch (search_id, user_id, frequency, event_id, "  # noqa: S608
                f"created_at) SELECT matched.*, %s, now() FROM ({select}) AS matched "
                "ON CONFLICT DO NOTHING RETURNING user_id, frequency",
                [event.pk, *params],
            )
            return cursor.fetchall()
    rows = list(matching.values_list("pk", "user_id", "frequency", "text"))
    base = Event.objects.filter(pk=event.pk)
    found = {
        text for text in {row[3] for row in rows if row[3]} if search_events(base, text).exists()
    }
    rows = [row for row in rows if not row[3] or row[3] in found]
    AlertMatch.objects.bulk_create(
        [
            AlertMatch(search_id=pk, event_id=event.pk, user_id=user_id, frequency=frequency)
            for pk, user_id, frequency, _text in rows
        ],
        ignore_conflicts=True,
    )
    return [(user_id, frequency) for _pk, user_id, frequency, _text in rows]


def _is_listed(event: Event) -> bool:
    return Event.objects.listed().filter(pk=event.pk).exists()


def _lock_alerts() -> None:
    """One matcher or period enqueue at a time (Postgres; SQLite writes one at a time):
    a period's e-mail is created, and its matches attached, by exactly one of them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('follows.alerts'))")


@transaction.atomic
def listing_match(*, event_id: int, now: datetime.datetime | None = None) -> int:
    """Match a listing, once, against every saved search; record the matches and put
    the "right away" e-mails in the outbox. Returns the number of matches (0 for a
    listing that is not in the catalog or was matched before)."""
    now = now or timezone.now()
    _lock_alerts()
    event = Event.objects.filter(pk=event_id).first()
    if event is None or MatchedListing.objects.filter(event_id=event_id).exists():
        return 0
    if not _is_listed(event):
        return 0
    rows = _record_matches(event)
    MatchedListing.objects.create(event=event, matches=len(rows))
    if any(frequency == Frequency.INSTANT for _user_id, frequency in rows):
        _enqueue_period(Frequency.INSTANT, period_window(Frequency.INSTANT, now), event_id=event.pk)
    return len(rows)


def listing_published(*, event: Event) -> None:
    """Called when a listing is first published: match it once the publishing transaction
    commits (topics and grade bands are saved by then). A broker that is down loses
    nothing: the periodic sweep matches recently published listings it has not seen."""

    def match_after_commit() -> None:
        from .tasks import match_listing

        try:
            match_listing.apply_async((event.pk,), **PUBLISH_OPTIONS)
        except BROKER_ERRORS as error:
            logger.warning(
                "Broker unavailable (%r): listing %s waits for the sweep", error, event.pk
            )

    transaction.on_commit(match_after_commit, robust=True)


# --- Periods and the outbox ---------------------------------------------------------------


def period_window(frequency: str, now: datetime.datetime) -> str:
    local = timezone.localtime(now)
    if frequency == Frequency.INSTANT:
        return f"instant:{local:%Y-%m-%dT%H}"
    if frequency == Frequency.DAILY:
        return f"daily:{local:%Y-%m-%d}"
    year, week, _day = local.isocalendar()
    return f"weekly:{year}-W{week:02d}"


def period_due(frequency: str, now: datetime.datetime) -> bool:
    """Daily e-mails from SEND_HOUR each morning, weekly ones from Monday's."""
    local = timezone.localtime(now)
    if frequency == Frequency.INSTANT:
        return True
    if frequency == Frequency.DAILY:
        return local.hour >= SEND_HOUR
    return local.weekday() > 0 or local.hour >= SEND_HOUR


def _enqueue_period(frequency: str, window: str, *, event_id: int | None = None) -> int:
    """One e-mail for this period to each educator with matches waiting (of one listing,
    for "right away"), unless they already have this period's e-mail: their matches then
    wait for the next period. Matches are attached to the new e-mails in one UPDATE.
    Returns how many e-mails were put in the outbox."""
    waiting = AlertMatch.objects.filter(notification__isnull=True, frequency=frequency)
    if event_id is not None:
        waiting = waiting.filter(event_id=event_id)
    waiting_users = set(waiting.order_by().values_list("user_id", flat=True).distinct())
    served = Notification.objects.filter(
        kind=ALERT_KIND, window=window, recipient_id__in=sorted(waiting_users)
    ).values_list("recipient_id", flat=True)
    new = sorted(waiting_users - set(served))
    if not new:
        return 0
    before = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
    notifications_enqueue_many(
        kind=ALERT_KIND,
        model=get_user_model(),
        rows=[(user_id, user_id, window) for user_id in new],
    )
    # Attach the waiting matches to the e-mails just written (after `before`, under the
    # lock), as a join on the outbox key: the planner drives it from the few new e-mails
    # into the matches' partial index, however stale its row estimates are.
    sql = (
        "UPDATE follows_alertmatch SET notification_id = n.id "
        'FROM notifications_notification n WHERE n.id > %s AND n.kind = %s AND n."window" = %s '
        "AND n.content_type_id = %s AND n.recipient_id = follows_alertmatch.user_id "
        "AND follows_alertmatch.notification_id IS NULL AND follows_alertmatch.frequency = %s"
    )
    params = [before, ALERT_KIND, window, ContentType.objects.get_for_model(get_user_model()).pk]
    params.append(frequency)
    if event_id is not None:
        sql += " AND follows_alertmatch.event_id = %s"
        params.append(event_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    return len(new)


@transaction.atomic
def alerts_enqueue_due(*, now: datetime.datetime | None = None) -> int:
    """The periodic sweep: match recently published listings whose own task never ran,
    then put every due period's e-mails in the outbox. Returns how many e-mails."""
    now = now or timezone.now()
    unmatched = (
        Event.objects.listed()
        .filter(published_at__gte=now - CATCH_UP)
        .exclude(pk__in=MatchedListing.objects.values("event_id"))
        .values_list("pk", flat=True)
    )
    for event_id in list(unmatched):
        listing_match(event_id=event_id, now=now)
    _lock_alerts()
    return sum(
        _enqueue_period(frequency, period_window(frequency, now))
        for frequency in Frequency.values
        if period_due(frequency, now)
    )
