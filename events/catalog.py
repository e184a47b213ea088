"""Catalog reads: the filtered, sorted, paginated list with its facet counts, the event
page (its permission-checked lookup is events.access), and what is on this month for the home page.

Each read runs a fixed number of SQL queries whatever the number of results:

catalog_page   1 for every facet count and the total (a narrow projection of the
                 matches from a covering partial index)
               + 1 for the page of events (its ids picked in a subquery; the next
                 session and seats taken are stored columns, so a card costs no
                 subquery)
               + 1 prefetch of their grade bands                                 = 3
               (+ 1 counting query when full-text search finds little and typo
                 tolerance joins in; no page query and no prefetch when nothing
                 matches). Pages stop at MAX_PAGES, so the deepest page reads at
                 most MAX_PAGES x PAGE_SIZE index entries before it. When the
                 matches fit in those pages, the counting query also returns their
                 ids and the page query ranks and sorts those alone.
event_page     1 event (provider, seats, saved) + 3 prefetches (sessions, topics,
               grade bands) + 1 for the viewer's registration when signed in
upcoming_this_month   1 + 1 prefetch

Facet counts are *disjunctive*: each group is counted with every other active filter
applied but not its own, so "Webinar (4)" always means "choose Webinar and you get 4",
even while "Event" is chosen. For a group with nothing chosen that is exactly the count
within the current results. Grade bands and topics take several values (an event with
any of them matches); their counts, too, leave out their own group's choice.

Dates are the next session's (Event.next_starts_at, the first session not yet over):
the card shows it, "Soonest first" sorts on it and the date filters test it, so a
series under way is placed by the session still to come.
"""

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from providers.models import Provider
from trec.accounts.models import GradeBand, User
from trec.cache import cache_seconds, versioned_key
from trec.formats import date_phrase
from trec.i18n import plural_number

from .access import access_event_for_viewer
from .filters import FREE, EventFilter, Sort, catalog_filter, start_of_day
from .models import Event, EventSession, Registration, SavedEvent, Topic
from .services import RegistrationClosed, check_open_for_registration

PAGE_SIZE = 20
MAX_PAGES = 50  # the first 1,000 matches can be paged through; filters narrow the rest
TOP_PROVIDERS = 12

ORDERINGS = {
    # By the next session (a series under way sorts by the session still to come).
    Sort.SOONEST: (F("next_starts_at").asc(nulls_last=True), "title", "pk"),
    Sort.NEWEST: (F("published_at").desc(nulls_last=True), "-pk"),
    Sort.RELEVANCE: ("-rank", F("next_starts_at").asc(nulls_last=True), "title", "pk"),
}

FACET_LABELS = {
    "kind": gettext_lazy("Kind"),
    "format": gettext_lazy("Format"),
    "grade": gettext_lazy("Grade band"),
    "topic": gettext_lazy("Topic"),
    "provider": gettext_lazy("Provider"),
    "cost": gettext_lazy("Cost"),
    "language": gettext_lazy("Language"),
}
MULTIPLE = ("grade", "topic")  # facets where several values may be chosen
CHOICE_FACETS = {
    "kind": Event.Kind.choices,
    "format": Event.Format.choices,
    "language": Event.Language.choices,
}


# --- The catalog ------------------------------------------------------------------


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    pk: int | None = None  # grade bands and topics: the row's id


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    options: list[FacetOption]

    @property
    def selected(self) -> FacetOption | None:
        return next((option for option in self.options if option.selected), None)


@dataclass(frozen=True)
class ActiveFilter:
    """One applied filter, as a removable chip: `remove_query` is the query string
    without it (and back on page 1)."""

    name: str
    label: str
    remove_query: str


@dataclass(frozen=True)
class SortLink:
    value: str
    label: str
    query: str
    current: bool


@dataclass
class Catalog:
    filterset: EventFilter
    page: Page
    facets: dict[str, Facet]
    active_filters: list[ActiveFilter]
    sort: str
    sort_links: list[SortLink]
    clear_query: str = ""
    page_range: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.page.paginator.count

    @property
    def search_text(self) -> str:
        return self.filterset.search_text

    @property
    def has_filters(self) -> bool:
        return self.filter_count > 0

    @property
    def filter_count(self) -> int:
        """How many filters narrow the results (the search text is not one)."""
        return sum(1 for chip in self.active_filters if chip.name != "q")


class CountedPaginator(Paginator):
    """A paginator told its count (computed with the facets) instead of asking again,
    and capped at MAX_PAGES: a page costs Postgres the rows before it, so the deepest
    page stays cheap (nobody reads page 300; the filters narrow faster)."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count

    @cached_property
    def num_pages(self) -> int:
        return min(super().num_pages, MAX_PAGES)

    @property
    def capped(self) -> bool:
        """More matches than the pages show."""
        return self.count > MAX_PAGES * self.per_page

    def _get_page(self, *args, **kwargs):
        return CappedPage(*args, **kwargs)


class CappedPage(Page):
    def end_index(self) -> int:
        return min(self.number * self.paginator.per_page, self.paginator.count)


# Long columns a card never shows (a deferred field read in the card would cost a query
# per card: keep this list to what events/_event_card.html does not use).
CARD_UNUSED = (
    "description",
    "description_es",
    "search_vector",
    "review_comment",
    "payment_instructions",
    "payment_instructions_es",
    "calendar_state",
    "provider__description",
)


def for_cards(queryset: QuerySet) -> QuerySet:
    """What events/_event_card.html reads, without a query per card: the next session
    and seats taken are stored columns of the event (events.services keeps them), so a
    card costs no subquery."""
    return (
        queryset.select_related("provider")
        .defer(*CARD_UNUSED)
        .with_stored_seats()
        .prefetch_related("grade_bands")
    )


NO_POSITION = "CAST(NULL AS INTEGER)"
NO_ID = "CAST(NULL AS BIGINT)"
FEW_MATCHES = 5  # fewer full-text matches than this: typo tolerance joins in


def _flag(name: str) -> str:
    return f"f_{name}"


def _all_but(conditions: dict[str, Q], name: str | None = None) -> str:
    """SQL: every active filter's flag but `name`'s, ANDed (TRUE when there is none)."""
    return " AND ".join(_flag(key) for key in conditions if key != name) or "1 = 1"


def _id_list() -> str:
    """SQL: the ids of `m`'s rows as comma-separated text (an aggregate)."""
    if connection.vendor == "postgresql":
        return "string_agg(CAST(id AS TEXT), ',')"
    return "group_concat(id)"


def _link_counts(column: str, where: str) -> str:
    """SQL: (link_id, n) for each id in the array column `column` of the rows of `m`
    passing `where` (Postgres: unnest in the select list, one pass without a function
    scan per row; SQLite, where the list is JSON text: json_each)."""
    if connection.vendor == "postgresql":
        return (
            f"SELECT link_id, COUNT(*) AS n FROM (SELECT unnest(m.{column}) AS link_id "  # noqa: S608
            f"FROM m WHERE {where}) u GROUP BY link_id"
        )
    return (
        f"SELECT l.value AS link_id, COUNT(*) AS n FROM m JOIN json_each(m.{column}) AS l "  # noqa: S608
        f"WHERE {where} GROUP BY l.value"
    )


def _facet_sql(base: QuerySet, conditions: dict[str, Q]) -> tuple[str, list]:
    """One query for every facet count and the total. The matching events (search
    applied, filters not) are read once into a narrow projection `m`: id, the choice
    columns, the stored topic and grade band ids and one boolean per active filter, all
    from the covering index `event_listed_facets` (the SQL put together here holds only
    names from the models and constants; every value is a parameter). Each facet group
    then counts the rows that pass every *other* filter (disjunctive counts), grade
    bands and topics by unnesting the rows' own ids (no join with the link tables).
    Result rows: (facet, value, label, label_es, position, count)."""
    flags = {
        _flag(k): ExpressionWrapper(q, output_field=BooleanField()) for k, q in conditions.items()
    }
    columns = ["id", "kind", "format", "language", "cost", "provider_id"]
    columns += ["topic_ids", "grade_band_ids"]
    projection = base.order_by().annotate(**flags).values(*columns, *flags)
    inner, params = projection.query.sql_with_params()
    parts = [
        f"SELECT '{name}', {name}, NULL, NULL, {NO_POSITION}, {NO_ID}, COUNT(*) FROM m "  # noqa: S608
        f"WHERE {_all_but(conditions, name)} GROUP BY {name}"
        for name in CHOICE_FACETS
    ]
    parts += [
        f"SELECT 'cost', '{FREE}', NULL, NULL, {NO_POSITION}, {NO_ID}, COUNT(*) FROM m "  # noqa: S608
        f"WHERE {_all_but(conditions, 'cost')} AND cost = 0",
        # The total, and the matches' ids when they are few enough to page through.
        f"SELECT 'total', '', CASE WHEN COUNT(*) <= {MAX_PAGES * PAGE_SIZE} "  # noqa: S608
        f"THEN {_id_list()} END, NULL, {NO_POSITION}, {NO_ID}, COUNT(*) FROM m "
        f"WHERE {_all_but(conditions)}",
        # Counted per id first, then joined to the names.
        "SELECT 'grade', g.code, g.name, NULL, CAST(g.position AS INTEGER), g.id, "  # noqa: S608
        f"COALESCE(c.n, 0) FROM {GradeBand._meta.db_table} g LEFT JOIN ("
        f"{_link_counts('grade_band_ids', _all_but(conditions, 'grade'))}) c "
        "ON c.link_id = g.id",
        f"SELECT 'topic', t.slug, t.name, t.name_es, {NO_POSITION}, t.id, COALESCE(c.n, 0) "  # noqa: S608
        f"FROM {Topic._meta.db_table} t LEFT JOIN ("
        f"{_link_counts('topic_ids', _all_but(conditions, 'topic'))}) c ON c.link_id = t.id",
        f"SELECT 'provider', p.slug, p.name, NULL, {NO_POSITION}, {NO_ID}, COALESCE(c.n, 0) "  # noqa: S608
        f"FROM {Provider._meta.db_table} p LEFT JOIN (SELECT provider_id, COUNT(*) AS n "
        f"FROM m WHERE {_all_but(conditions, 'provider')} GROUP BY provider_id) c "
        "ON c.provider_id = p.id",
    ]
    names = ", ".join([*columns, *flags])
    return f"WITH m ({names}) AS ({inner}) " + " UNION ALL ".join(parts), list(params)


def _facets(filterset: EventFilter, conditions: dict) -> tuple[dict, int]:
    """The facet counts and the total, from the cache when they were counted for the same
    filters and search less than CACHED_READS["catalog_facets"] seconds ago and no event,
    session, topic, grade band or provider changed since (trec/cache_signals.py). A hit
    saves the counting query. Also settles whether the search forgives typos
    (`filterset.typos`), so the page lists what was counted."""
    seconds = cache_seconds("catalog_facets")
    if not seconds:
        return _count_facets(filterset, conditions)
    params = {k: v for k, v in filterset.cleaned.items() if k not in ("sort", "q")}
    params["q"] = filterset.search_text
    key = versioned_key("catalog", params)
    cached = cache.get(key)
    if cached is None:
        facets, total = _count_facets(filterset, conditions)
        cached = (facets, total, filterset.typos, filterset.match_ids)
        cache.set(key, cached, seconds)
    facets, total, filterset.typos, filterset.match_ids = cached
    return facets, total


def _count_facets(filterset: EventFilter, conditions: dict) -> tuple[dict, int]:
    """Counted with full-text search alone first; when that finds fewer than FEW_MATCHES,
    again with typo tolerance (trigram similarity on titles) added."""
    filterset.typos = False
    rows = _facet_rows(filterset, conditions)
    if filterset.search_text and rows[("total", "")][-1] < FEW_MATCHES:
        filterset.typos = True
        rows = _facet_rows(filterset, conditions)
    ids, total = rows[("total", "")][0], rows[("total", "")][-1]
    # Up to MAX_PAGES pages of matches: their ids, so the page query need not find them
    # again (None: too many, the page query filters and sorts on the indexes).
    filterset.match_ids = [int(pk) for pk in ids.split(",")] if ids else None
    if total == 0:
        filterset.match_ids = []  # nothing to page through: no page query
    return _facets_from(filterset, rows), total


def _facet_rows(filterset: EventFilter, conditions: dict) -> dict:
    sql, params = _facet_sql(filterset.searched(filterset.queryset), conditions)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(row[0], row[1]): row[2:] for row in cursor.fetchall()}


def _facets_from(filterset: EventFilter, rows: dict) -> dict[str, Facet]:
    data = filterset.cleaned

    def count(name, value) -> int:
        row = rows.get((name, value))
        return row[-1] if row else 0

    facets = {}
    for name, choices in CHOICE_FACETS.items():
        facets[name] = Facet(
            name,
            FACET_LABELS[name],
            [
                FacetOption(value, str(label), count(name, value), data.get(name) == value)
                for value, label in choices
            ],
        )
    facets["cost"] = Facet(
        "cost",
        FACET_LABELS["cost"],
        [FacetOption(FREE, _("Free only"), count("cost", FREE), data.get("cost") == FREE)],
    )
    of = {name: [] for name in ("grade", "topic", "provider")}
    for (name, value), (label, label_es, position, pk, n) in rows.items():
        if name in of:
            of[name].append((value, label, label_es, position, pk, n))
    grades = data.get("grade", [])  # several may be chosen (any of them matches)
    bands = sorted(of["grade"], key=lambda row: row[3])
    facets["grade"] = Facet(
        "grade",
        FACET_LABELS["grade"],
        [
            FacetOption(code, str(GradeBand(code=code, name=label)), n, code in grades, pk)
            for code, label, _es, _position, pk, n in bands
        ],
    )
    chosen_topics = data.get("topic", [])
    # Values without a match are left out (chosen ones stay, for their chips).
    topics = [
        (str(Topic(slug=slug, name=label, name_es=label_es or "")), slug, pk, n)
        for slug, label, label_es, _position, pk, n in of["topic"]
        if n or slug in chosen_topics
    ]
    topics.sort(key=lambda t: t[0].casefold())  # by the name the reader sees
    facets["topic"] = Facet(
        "topic",
        FACET_LABELS["topic"],
        [FacetOption(slug, label, n, slug in chosen_topics, pk) for label, slug, pk, n in topics],
    )
    provider = data.get("provider")
    providers = [
        (slug, name, n)
        for slug, name, _es, _position, _pk, n in of["provider"]
        if n or slug == provider
    ]
    providers.sort(key=lambda p: (-p[2], p[1]))
    top = [p for p in providers if p[0] == provider]
    top += [p for p in providers if p[0] != provider][: TOP_PROVIDERS - len(top)]
    top.sort(key=lambda p: p[1].casefold())
    facets["provider"] = Facet(
        "provider",
        FACET_LABELS["provider"],
        [FacetOption(slug, name, n, slug == provider) for slug, name, n in top],
    )
    return facets


def _query_without(params: QueryDict, *names: str, value: str | None = None) -> str:
    """The query string without these parameters (or, with `value`, without that one
    value of a repeated parameter), back on page 1."""
    query = params.copy()
    for name in (*names, "page"):
        if value is not None and name in names:
            query.setlist(name, [v for v in query.getlist(name) if v != value])
        else:
            query.pop(name, None)
    return query.urlencode()


def _active_filters(filterset: EventFilter, params: QueryDict, facets: dict) -> list:
    data = filterset.cleaned
    chips = []
    if filterset.search_text:
        label = _("Search: ‘%(text)s’") % {"text": filterset.search_text}
        chips.append(ActiveFilter("q", label, _query_without(params, "q")))
    for name in ("kind", "format", "grade", "topic", "provider", "language"):
        if name not in data:
            continue
        if name in MULTIPLE:  # a chip per chosen value, each removing only itself
            labels = {option.value: option.label for option in facets[name].options}
            for value in data[name]:
                label = f"{facets[name].label}: {labels.get(value, value)}"
                remove = _query_without(params, name, value=value)
                chips.append(ActiveFilter(name, label, remove))
            continue
        selected = facets[name].selected
        value = selected.label if selected else data[name]
        label = f"{facets[name].label}: {value}"
        chips.append(ActiveFilter(name, label, _query_without(params, name)))
    if data.get("cost") == FREE:
        chips.append(ActiveFilter("cost", _("Free only"), _query_without(params, "cost")))
    if "start" in data:
        label = _("From %(date)s") % {"date": date_phrase(data["start"], "short_date")}
        chips.append(ActiveFilter("start", label, _query_without(params, "start")))
    if "end" in data:
        label = _("Until %(date)s") % {"date": date_phrase(data["end"], "short_date")}
        chips.append(ActiveFilter("end", label, _query_without(params, "end")))
    if "min_hours" in data:
        hours = f"{data['min_hours'].normalize():f}"
        label = ngettext(
            "At least %(hours)s PD hour", "At least %(hours)s PD hours", plural_number(hours)
        ) % {"hours": hours}
        chips.append(ActiveFilter("min_hours", label, _query_without(params, "min_hours")))
    return chips


def _sort_links(filterset: EventFilter, params: QueryDict, current: str) -> list[SortLink]:
    links = []
    for value, label in Sort.choices:
        if value == Sort.RELEVANCE and not filterset.search_text:
            continue
        query = params.copy()
        query.pop("page", None)
        query["sort"] = value
        links.append(SortLink(value, str(label), query.urlencode(), value == current))
    return links


def catalog_page(*, params: QueryDict, page_number=None) -> Catalog:
    """The catalog for these query parameters: one page of listed events, facet counts,
    the active filters and the sort, in a fixed number of queries (see the module)."""
    filterset = catalog_filter(params)
    conditions = filterset.conditions()
    facets, total = _facets(filterset, conditions)
    # The chosen grade bands and topics, by id as counted: the page query tests them as
    # constants, which Postgres estimates from the arrays' statistics (a subquery it
    # cannot, and it then misjudges how many events match).
    filterset.link_ids = {
        name: [option.pk for option in facets[name].options if option.selected] for name in MULTIPLE
    }
    sort = filterset.current_sort
    if filterset.match_ids is not None:
        # The matches are known (few): rank and sort them alone, by primary key, instead
        # of letting Postgres guess how many events pass the filters and the search.
        matches = Event.objects.filter(pk__in=filterset.match_ids)
        ordered = filterset.searched(matches).order_by(*ORDERINGS[sort])
    else:
        ordered = filterset.qs.order_by(*ORDERINGS[sort])
    paginator = CountedPaginator(ordered, PAGE_SIZE, count=total)
    page = paginator.get_page(page_number)
    # The page's ids are picked in a subquery (the only part that sorts the matches);
    # seats and next sessions are then read for these twenty events alone.
    first = (page.number - 1) * PAGE_SIZE
    page_ids = ordered.values("pk")[first : first + PAGE_SIZE]
    page.object_list = list(for_cards(ordered.filter(pk__in=page_ids)))
    clear = QueryDict(mutable=True)
    if filterset.search_text:
        clear["q"] = filterset.search_text
    return Catalog(
        filterset=filterset,
        page=page,
        facets=facets,
        active_filters=_active_filters(filterset, params, facets),
        sort=sort,
        sort_links=_sort_links(filterset, params, sort),
        clear_query=clear.urlencode(),
        page_range=list(paginator.get_elided_page_range(page.number, on_each_side=2)),
    )


# --- One event ------------------------------------------------------------------------


ROLE_LABELS = dict(User.Role.choices)


@dataclass
class EventPage:
    """Everything the event page shows, read in a fixed number of queries."""

    event: Event
    registration: Registration | None  # the viewer's, unless cancelled
    is_saved: bool

    @cached_property
    def sessions(self) -> list[EventSession]:
        return list(self.event.sessions.all())

    @property
    def first_session(self) -> EventSession | None:
        sessions = self.sessions
        return sessions[0] if sessions else None

    @property
    def seats_left(self) -> int | None:
        return self.event.seats_left()

    @property
    def is_full(self) -> bool:
        return self.seats_left == 0

    @property
    def roles(self) -> list[str]:
        return [str(ROLE_LABELS.get(code, code)) for code in self.event.audience_roles or []]

    @property
    def closed_reason(self) -> str:
        """Why the hub takes no registration now ("" when it does)."""
        try:
            check_open_for_registration(self.event)
        except RegistrationClosed as closed:
            return closed.messages[0]
        return ""

    @property
    def can_register(self) -> bool:
        """Offer "Register": the hub takes registrations now and the viewer has none.
        (Someone declined by the provider is not invited to ask again.)"""
        return not self.closed_reason and self.registration is None

    @property
    def remaining_sessions(self) -> int:
        """Sessions not yet over (for a series under way)."""
        now = timezone.now()
        return sum(1 for session in self.sessions if session.ends_at >= now)

    @property
    def register_label(self) -> str:
        if self.event.is_under_way:
            return _("Join the remaining sessions")
        if self.event.requires_approval:
            return _("Request a place")
        if self.is_full:
            return _("Join the waiting list")
        return _("Register")

    @property
    def shows_recording(self) -> bool:
        """Free recordings are for everyone; a paid one only for its confirmed registrants."""
        registered = (
            self.registration is not None
            and self.registration.status == Registration.Status.CONFIRMED
        )
        return bool(self.event.recording_url and (self.event.is_free or registered))

    @property
    def shows_join_link(self) -> bool:
        return bool(
            self.event.join_url
            and self.registration is not None
            and self.registration.status == Registration.Status.CONFIRMED
            and self.event.status == Event.Status.PUBLISHED
        )


def event_page(*, slug: str, user) -> EventPage:
    queryset = Event.objects.select_related("provider").with_seats()
    if user.is_authenticated:
        saved = SavedEvent.objects.filter(event=OuterRef("pk"), user=user)
        queryset = queryset.annotate(is_saved=Exists(saved))
    event = access_event_for_viewer(user=user, slug=slug, queryset=queryset)
    prefetch_related_objects([event], "sessions", "topics", "grade_bands")
    registration = None
    if user.is_authenticated:
        registration = (
            Registration.objects.with_waitlist_position()
            .filter(event=event, user=user)
            .exclude(status=Registration.Status.CANCELLED)
            .first()
        )
    return EventPage(
        event=event, registration=registration, is_saved=getattr(event, "is_saved", False)
    )


def active_registration(*, event: Event, user) -> Registration:
    """The user's confirmed, waitlisted or pending registration for `event`, else 404."""
    registration = (
        Registration.objects.filter(event=event, user=user)
        .filter(
            status__in=(
                Registration.Status.CONFIRMED,
                Registration.Status.WAITLISTED,
                Registration.Status.PENDING,
            )
        )
        .first()
    )
    if registration is None:
        raise Http404("No active registration")
    return registration


# --- Home page --------------------------------------------------------------------


def upcoming_this_month(*, limit: int = 6) -> list[Event]:
    """Published events with a session between now and the end of this month (hub
    time), soonest next session first: for the home page's "What is on this month"."""
    today = timezone.localdate()
    next_month = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    ordering = ("next_starts_at", "title", "pk")
    # The first session not yet over is this month's, for an event with one this month.
    upcoming = Event.objects.public().filter(
        next_starts_at__lt=start_of_day(next_month), next_ends_at__gte=timezone.now()
    )
    chosen = upcoming.order_by(*ordering).values("pk")[:limit]
    return list(for_cards(Event.objects.filter(pk__in=chosen)).order_by(*ordering))
