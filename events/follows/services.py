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
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from events.filters import FREE, EventFilter
from events.models import Event, Topic
from events.search import postgres, search_events, search_query
from providers.models import Provider
from trec.accounts.models import GradeBand
from trec.notifications.models import Notification
from trec.notifications.services import notifications_enqueue_many, notifications_enqueue_select
from trec.queue import task_enqueue

from .models import ListingMatch, SavedSearch

logger = logging.getLogger(__name__)

ALERT_KIND = "saved_search_alert"
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
# How far back an e-mail of each frequency looks for listings its reader has not heard
# about (two periods and some): a listing still unsent after that is not announced.
LOOKBACK = {
    "instant": datetime.timedelta(days=2),
    "daily": datetime.timedelta(days=4),
    "weekly": datetime.timedelta(days=15),
}
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
    for name in ("grade", "topic"):  # several may be chosen in the catalog; one is saved
        if name in data:
            if len(data[name]) > 1:
                raise ValidationError(
                    _("An alert follows one grade band and one topic: choose one of each.")
                )
            data[name] = data[name][0]
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
    # New listings follow the new frequency; those it matched already go out with the
    # frequency they were matched under (ListingMatch keeps it per row).
    search.save(update_fields=["frequency"])
    return search


def saved_search_delete(*, search: SavedSearch) -> None:
    search.delete()


def saved_searches_stop(*, user_id: int, ids: list[int]) -> bool:
    """Stop these saved searches of that account (an alert e-mail's one-click
    unsubscribe: no sign-in, the signed link is the proof). True when any was stopped."""
    deleted, _rows = SavedSearch.objects.filter(user_id=user_id, pk__in=ids).delete()
    return bool(deleted)


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


def matching_searches(event: Event):
    """The saved searches whose structured filters `event` satisfies (their search text
    is tested next, by _record_match)."""
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
    )
    if event.cost > 0:
        conditions &= Q(free_only=False)
    # Inactive accounts' e-mails are skipped when sent: the match stays one scan of the
    # saved searches, with no join.
    return SavedSearch.objects.filter(conditions)


# A listing's rows, one per frequency, in one statement. The structured filters pick the
# candidates (materialized once); search text is tested only on those: the stored
# tsquery against the listing's search vector (per search), or the text word-similar to
# its title (the catalog's two tests). The trigram test is the costly one, and it
# depends on the text alone: it runs once per distinct text (a hashed set), not once per
# search. Each frequency's arrays are then aggregated from the searches that matched.
RECORD_MATCH_SQL = """
WITH candidates AS MATERIALIZED (
    SELECT * FROM ({structured}) AS s(id, user_id, frequency, text, terms)
), matched AS MATERIALIZED (
    SELECT c.id, c.user_id, c.frequency
    FROM candidates c
    WHERE c.text = ''
       OR (SELECT search_vector FROM events_event WHERE id = %s) @@ c.terms
       OR c.text IN (
           SELECT t.text
           FROM (SELECT DISTINCT text FROM candidates WHERE text <> '' OFFSET 0) AS t
           WHERE t.text <%% %s
       )
)
INSERT INTO follows_listingmatch (event_id, frequency, matched_at, searches, users, told)
SELECT %s, f.frequency, %s, COALESCE(m.searches, '{{}}'), COALESCE(m.users, '{{}}'), '{{}}'
FROM unnest(%s::varchar[]) AS f(frequency)
CROSS JOIN LATERAL (
    SELECT array_agg(matched.id ORDER BY matched.id) AS searches,
           array_agg(DISTINCT matched.user_id) AS users
    FROM matched WHERE matched.frequency = f.frequency
) AS m
RETURNING frequency, id, cardinality(searches)
"""


def _record_match(event: Event, now: datetime.datetime) -> dict[str, tuple[int, int]]:
    """Write the listing's rows, one per frequency: the ids of the saved searches of that
    frequency it satisfies and of their educators. Returns {frequency: (row id, number
    of searches)}. On PostgreSQL one INSERT ... SELECT with array_agg: the ids never
    leave the database. Elsewhere the search text is checked afterwards, once per text."""
    matching = matching_searches(event).order_by()
    if postgres():
        columns = ("pk", "user_id", "frequency", "text", "terms")
        select, params = matching.values(*columns).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                RECORD_MATCH_SQL.format(structured=select),
                [*params, event.pk, event.title, event.pk, now, Frequency.values],
            )
            return {frequency: (pk, count) for frequency, pk, count in cursor.fetchall()}
    rows = list(matching.values_list("pk", "user_id", "frequency", "text"))
    base = Event.objects.filter(pk=event.pk)
    texts = {row[3] for row in rows if row[3]}
    found = {text for text in texts if search_events(base, text).exists()}
    result = {}
    for frequency in Frequency.values:
        hits = [row for row in rows if row[2] == frequency and (not row[3] or row[3] in found)]
        match = ListingMatch.objects.create(
            event=event,
            frequency=frequency,
            matched_at=now,
            searches=[row[0] for row in hits],
            users=[row[1] for row in hits],
        )
        result[frequency] = (match.pk, len(hits))
    return result


def _lock_alerts() -> None:
    """One matcher or period enqueue at a time (Postgres; SQLite writes one at a time):
    a period's e-mail is created, and its matches attached, by exactly one of them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('follows.alerts'))")


@transaction.atomic
def listing_match(*, event_id: int, now: datetime.datetime | None = None) -> int:
    """Match a listing, once, against every saved search; record the result in one row
    and put the "right away" e-mails in the outbox. Returns the number of matching
    searches (0 for a listing that is not in the catalog or was matched before)."""
    now = now or timezone.now()
    _lock_alerts()
    # In the catalog and not matched before, in one query.
    event = (
        Event.objects.listed()
        .filter(pk=event_id)
        .exclude(Exists(ListingMatch.objects.filter(event_id=OuterRef("pk"))))
        .first()
    )
    if event is None:
        return 0
    rows = _record_match(event, now)
    row_id, instant = rows[Frequency.INSTANT]
    if instant:
        # Written under the lock, this row is the newest of its frequency.
        _enqueue_period(Frequency.INSTANT, now=now, newer_than=row_id - 1, newest=row_id)
    return sum(count for _row_id, count in rows.values())


def listing_published_receiver(sender, *, event: Event, **kwargs) -> None:
    """events.signals.listing_published: see listing_published."""
    listing_published(event=event)


def listing_published(*, event: Event) -> None:
    """Called when a listing is first published: match it once the publishing transaction
    commits (topics and grade bands are saved by then). A broker that is down loses
    nothing: the periodic sweep matches recently published listings it has not seen."""

    transaction.on_commit(lambda: task_enqueue("follows.match_listing", event.pk), robust=True)


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


def _enqueue_period(
    frequency: str,
    *,
    now: datetime.datetime,
    newer_than: int | None = None,
    newest: int | None = None,
) -> int:
    """One e-mail for this period to each educator whose saved searches of this frequency
    matched a listing since their previous such e-mail: among the listings matched after
    `newer_than` (the one just published), else within LOOKBACK. Someone who already
    has this period's e-mail waits for the next period: the outbox key (recipient, kind,
    window) never holds two. Each e-mail records the listing rows it covers, (from,
    upto]: from its predecessor's `upto` (or the LOOKBACK floor) to the newest row, and
    is composed from them when it is sent (selectors.alert_items), so nothing is written
    per match. Returns how many e-mails were put in the outbox."""
    rows = ListingMatch.objects.filter(frequency=frequency)
    if newest is None:
        newest = rows.aggregate(last=Max("pk"))["last"]
    if newest is None:
        return 0
    floor = (
        rows.filter(matched_at__lt=now - LOOKBACK[frequency]).aggregate(last=Max("pk"))["last"] or 0
    )
    since = floor if newer_than is None else max(floor, newer_than)
    window = period_window(frequency, now)
    if postgres():
        # A listing's own "right away" e-mails know who the hour's earlier ones reached.
        hour = _hour(now) if newer_than is not None and frequency == Frequency.INSTANT else None
        return _enqueue_in_sql(
            frequency, window, floor=floor, since=since, newest=newest, hour=hour
        )
    return _enqueue_in_python(frequency, window, floor=floor, since=since, newest=newest)


# Who gets this period's e-mail, in one statement: the educators in the arrays of this
# frequency's rows in (since, newest] whose previous e-mail of this frequency (the last
# window of its prefix: a backward scan of the outbox key) is not this period's and
# stopped before the newest of those rows. (An inactive account's e-mail is skipped
# when it is sent, as every kind's is.)
ENQUEUE_SQL = """
SELECT waiting.user_id, waiting.user_id, %s,
       jsonb_build_object('from', GREATEST(COALESCE(last.upto, 0), %s), 'upto', %s)
FROM (
    SELECT matched.user_id, max(lm.id) AS newest
    FROM follows_listingmatch lm
    CROSS JOIN LATERAL unnest(lm.users) AS matched(user_id)
    WHERE lm.id > %s AND lm.id <= %s AND lm.frequency = %s{skip_told}
    GROUP BY matched.user_id
) AS waiting
LEFT JOIN LATERAL (
    SELECT n."window", (n.data ->> 'upto')::bigint AS upto
    FROM notifications_notification n
    WHERE n.recipient_id = waiting.user_id AND n.kind = %s AND n.content_type_id = %s
      AND n.object_id = waiting.user_id AND n."window" > %s AND n."window" < %s
    ORDER BY n."window" DESC
    LIMIT 1
) AS last ON true
WHERE waiting.newest > COALESCE(last.upto, 0) AND last."window" IS DISTINCT FROM %s
  -- an account deleted outright since it matched gets nothing (and cannot fail the batch)
  AND EXISTS (SELECT 1 FROM {users} account WHERE account.id = waiting.user_id)
"""


# A listing's own "right away" e-mails (the row just matched, in the hour `now` is in):
# educators that an earlier listing's matching of the same hour already wrote to have
# this period's e-mail, so they are left out without looking up their previous e-mail
# in the outbox (most of a busy hour's candidates; the lookup is what costs). Leaving
# someone out here never changes what is sent: their e-mail of this period is there.
SKIP_TOLD_SQL = """
      AND matched.user_id NOT IN (
          SELECT unnest(earlier.told) FROM follows_listingmatch earlier
          WHERE earlier.frequency = %s AND earlier.matched_at >= %s
            AND earlier.matched_at < %s AND earlier.id < %s
      )"""
RECORD_TOLD_SQL = """
UPDATE follows_listingmatch SET told = ARRAY(
    SELECT recipient_id FROM notifications_notification WHERE id = ANY(%s) ORDER BY 1
) WHERE id = %s
"""


def _hour(now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """The hour `now` is in (an "instant" period; in the repeated hour of a change back
    from summer time, one of the two that share a window)."""
    start = timezone.localtime(now).replace(minute=0, second=0, microsecond=0)
    return start, start + datetime.timedelta(hours=1)


def _enqueue_in_sql(
    frequency: str,
    window: str,
    *,
    floor: int,
    since: int,
    newest: int,
    hour: tuple[datetime.datetime, datetime.datetime] | None = None,
) -> int:
    """ENQUEUE_SQL. With `hour` (a listing's own instant e-mails), the educators written
    to by earlier listings of that hour are skipped, and those written to now are
    recorded on the listing's row (ListingMatch.told) for the next ones."""
    user_model = get_user_model()
    content_type = ContentType.objects.get_for_model(user_model)
    params = [window, floor, newest, since, newest, frequency]
    if hour is not None:
        params += [frequency, *hour, newest]
    params += [ALERT_KIND, content_type.pk, f"{frequency}:", f"{frequency};", window]
    select = ENQUEUE_SQL.format(
        skip_told=SKIP_TOLD_SQL if hour is not None else "",
        users=connection.ops.quote_name(user_model._meta.db_table),
    )
    ids = notifications_enqueue_select(
        kind=ALERT_KIND, model=user_model, select=select, params=params
    )
    if hour is not None and ids:
        with connection.cursor() as cursor:
            cursor.execute(RECORD_TOLD_SQL, [ids, newest])
    return len(ids)


def _enqueue_in_python(frequency: str, window: str, *, floor: int, since: int, newest: int) -> int:
    """ENQUEUE_SQL for databases without arrays (SQLite, small data)."""
    newest_for_user: dict[int, int] = {}
    rows = ListingMatch.objects.filter(pk__gt=since, pk__lte=newest, frequency=frequency)
    for pk, users in rows.values_list("pk", "users"):
        for user_id in users:
            newest_for_user[user_id] = max(pk, newest_for_user.get(user_id, 0))
    # an account deleted outright since it matched gets nothing (as in ENQUEUE_SQL)
    existing = set(
        get_user_model().objects.filter(pk__in=newest_for_user).values_list("pk", flat=True)
    )
    newest_for_user = {u: row for u, row in newest_for_user.items() if u in existing}
    previous: dict[int, tuple[str, int]] = {}
    earlier = Notification.objects.filter(
        kind=ALERT_KIND, recipient_id__in=list(newest_for_user), window__startswith=f"{frequency}:"
    )
    for user_id, earlier_window, data in earlier.values_list("recipient_id", "window", "data"):
        if earlier_window > previous.get(user_id, ("", 0))[0]:
            previous[user_id] = (earlier_window, int(data.get("upto", 0)))
    by_start: dict[int, list[int]] = {}
    for user_id, last_row in newest_for_user.items():
        upto = previous.get(user_id, ("", 0))[1]
        if last_row > upto:
            by_start.setdefault(max(upto, floor), []).append(user_id)
    period = Notification.objects.filter(kind=ALERT_KIND, window=window)
    before = period.count()
    for start, user_ids in by_start.items():
        notifications_enqueue_many(
            kind=ALERT_KIND,
            model=get_user_model(),
            rows=[(user_id, user_id, window) for user_id in sorted(user_ids)],
            data={"from": start, "upto": newest},
        )
    return period.count() - before


@transaction.atomic
def alerts_enqueue_due(*, now: datetime.datetime | None = None) -> int:
    """The periodic sweep: match recently published listings whose own task never ran,
    then put every due period's e-mails in the outbox. Returns how many e-mails."""
    now = now or timezone.now()
    unmatched = (
        Event.objects.listed()
        .filter(published_at__gte=now - CATCH_UP)
        .exclude(pk__in=ListingMatch.objects.filter(frequency=Frequency.INSTANT).values("event_id"))
        .values_list("pk", flat=True)
    )
    for event_id in list(unmatched):
        listing_match(event_id=event_id, now=now)
    _lock_alerts()
    return sum(
        _enqueue_period(frequency, now=now)
        for frequency in Frequency.values
        if period_due(frequency, now)
    )
