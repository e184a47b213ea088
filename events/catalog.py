"""Catalog reads: the filtered, sorted, paginated list with its facet counts, the event
page's permission-checked lookup, and what is on this month for the home page.

Each read runs a fixed number of SQL queries whatever the number of results:

catalog_page   1 aggregate (kind, format, language and free counts, plus the total)
               + 1 GROUP BY each for grade bands, topics and providers
               + 1 for the page of events (its ids picked in a subquery, so seats are
                 counted for twenty events, not every match)
               + 1 prefetch of their grade bands                                 = 6
event_page     1 event (provider, seats, saved) + 3 prefetches (sessions, topics,
               grade bands) + 1 for the viewer's registration when signed in
upcoming_this_month   1 + 1 prefetch

Facet counts are *disjunctive*: each group is counted with every other active filter
applied but not its own, so "Webinar (4)" always means "choose Webinar and you get 4",
even while "Event" is chosen. For a group with nothing chosen that is exactly the count
within the current results.
"""

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from providers.access import provider_ids_for
from providers.models import Provider
from trec.accounts.models import GradeBand, User

from .filters import FREE, EventFilter, Sort, start_of_day
from .models import Event, EventSession, Registration, SavedEvent, Topic
from .services import RegistrationClosed, check_open_for_registration

PAGE_SIZE = 20
TOP_PROVIDERS = 12

ORDERINGS = {
    Sort.SOONEST: (F("starts_at").asc(nulls_last=True), "title", "pk"),
    Sort.NEWEST: (F("published_at").desc(nulls_last=True), "-pk"),
    Sort.RELEVANCE: ("-rank", F("starts_at").asc(nulls_last=True), "title", "pk"),
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
        return any(chip.name != "q" for chip in self.active_filters)


class CountedPaginator(Paginator):
    """A paginator told its count (computed with the facets) instead of asking again."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def with_next_session(queryset: QuerySet) -> QuerySet:
    """Annotate `next_starts_at`: the start of the first session not yet over."""
    upcoming = (
        EventSession.objects.filter(event_id=OuterRef("pk"), ends_at__gte=timezone.now())
        .order_by("starts_at")
        .values("starts_at")[:1]
    )
    return queryset.annotate(next_starts_at=Subquery(upcoming))


# Long columns a card never shows (a deferred field read in the card would cost a query
# per card: keep this list to what events/_event_card.html does not use).
CARD_UNUSED = ("description", "search_vector", "review_comment", "provider__description")


def for_cards(queryset: QuerySet) -> QuerySet:
    """What events/_event_card.html reads, without a query per card."""
    return with_next_session(
        queryset.select_related("provider")
        .defer(*CARD_UNUSED)
        .with_seats()
        .prefetch_related("grade_bands")
    )


def _all_but(conditions: dict[str, Q], name: str) -> Q:
    return Q(*(condition for key, condition in conditions.items() if key != name))


def _choice_counts(base: QuerySet, conditions: dict[str, Q]) -> dict[str, int]:
    """The total and every kind/format/language/free count, in one aggregate query."""
    everything = Q(*conditions.values())
    aggregates = {"total": Count("pk", filter=everything or None)}
    for name, choices in CHOICE_FACETS.items():
        others = _all_but(conditions, name)
        for index, (value, _label) in enumerate(choices):
            aggregates[f"{name}_{index}"] = Count("pk", filter=others & Q(**{name: value}))
    aggregates["cost_free"] = Count("pk", filter=_all_but(conditions, "cost") & Q(cost=0))
    return base.aggregate(**aggregates)


def _related_counts(model, base: QuerySet, conditions: dict, name: str, *fields) -> QuerySet:
    """`model` rows (grade bands, topics, providers) annotated with `n`: how many events
    of theirs match every active filter but `name`. One GROUP BY query."""
    matching = base.filter(_all_but(conditions, name)).values("pk")
    return model.objects.only(*fields).annotate(n=Count("events", filter=Q(events__in=matching)))


def _facets(filterset: EventFilter, base: QuerySet, conditions: dict) -> tuple[dict, int]:
    """The facet counts and the total, from the cache when they were counted for the same
    filters and search less than CACHED_READS["catalog_facets"] seconds ago and no event,
    session, topic, grade band or provider changed since (trec/cache_signals.py). A hit
    saves the 4 counting queries: the catalog is then 2 queries."""
    from trec.cache import cache_seconds, versioned_key

    seconds = cache_seconds("catalog_facets")
    if not seconds:
        return _count_facets(filterset, base, conditions)
    params = {k: v for k, v in filterset.cleaned.items() if k not in ("sort", "q")}
    params["q"] = filterset.search_text
    key = versioned_key("catalog", params)
    cached = cache.get(key)
    if cached is None:
        cached = _count_facets(filterset, base, conditions)
        cache.set(key, cached, seconds)
    return cached


def _count_facets(filterset: EventFilter, base: QuerySet, conditions: dict) -> tuple[dict, int]:
    data = filterset.cleaned
    counts = _choice_counts(base, conditions)
    facets = {}
    for name, choices in CHOICE_FACETS.items():
        facets[name] = Facet(
            name,
            FACET_LABELS[name],
            [
                FacetOption(value, str(label), counts[f"{name}_{index}"], data.get(name) == value)
                for index, (value, label) in enumerate(choices)
            ],
        )
    facets["cost"] = Facet(
        "cost",
        FACET_LABELS["cost"],
        [FacetOption(FREE, _("Free only"), counts["cost_free"], data.get("cost") == FREE)],
    )
    grade = data.get("grade")
    facets["grade"] = Facet(
        "grade",
        FACET_LABELS["grade"],
        [
            FacetOption(band.code, str(band), band.n, band.code == grade)
            for band in _related_counts(
                GradeBand, base, conditions, "grade", "code", "name"
            ).order_by("position")
        ],
    )
    topic = data.get("topic")
    # Values without a match are left out (the chosen one stays, for its chip). That is
    # done here rather than in HAVING, which would make Postgres count twice.
    topics = _related_counts(Topic, base, conditions, "topic", "slug", "name", "name_es")
    topics = sorted(topics, key=lambda t: str(t).casefold())  # by the name the reader sees
    facets["topic"] = Facet(
        "topic",
        FACET_LABELS["topic"],
        [
            FacetOption(t.slug, str(t), t.n, t.slug == topic)
            for t in topics
            if t.n or t.slug == topic
        ],
    )
    provider = data.get("provider")
    providers = [
        p
        for p in _related_counts(Provider, base, conditions, "provider", "slug", "name")
        if p.n or p.slug == provider
    ]
    providers.sort(key=lambda p: (-p.n, p.name))
    top = [p for p in providers if p.slug == provider]
    top += [p for p in providers if p.slug != provider][: TOP_PROVIDERS - len(top)]
    top.sort(key=lambda p: p.name.casefold())
    facets["provider"] = Facet(
        "provider",
        FACET_LABELS["provider"],
        [FacetOption(p.slug, p.name, p.n, p.slug == provider) for p in top],
    )
    return facets, counts["total"]


def _query_without(params: QueryDict, *names: str) -> str:
    query = params.copy()
    for name in (*names, "page"):
        query.pop(name, None)
    return query.urlencode()


def _active_filters(filterset: EventFilter, params: QueryDict, facets: dict) -> list:
    data = filterset.cleaned
    chips = []
    if filterset.search_text:
        label = _("Search: ‘%(text)s’") % {"text": filterset.search_text}
        chips.append(ActiveFilter("q", label, _query_without(params, "q")))
    for name in ("kind", "format", "grade", "topic", "provider", "language"):
        if name in data:
            selected = facets[name].selected
            value = selected.label if selected else data[name]
            label = f"{facets[name].label}: {value}"
            chips.append(ActiveFilter(name, label, _query_without(params, name)))
    if data.get("cost") == FREE:
        chips.append(ActiveFilter("cost", _("Free only"), _query_without(params, "cost")))
    if "start" in data:
        label = _("From %(date)s") % {"date": date_format(data["start"], "M j, Y")}
        chips.append(ActiveFilter("start", label, _query_without(params, "start")))
    if "end" in data:
        label = _("Until %(date)s") % {"date": date_format(data["end"], "M j, Y")}
        chips.append(ActiveFilter("end", label, _query_without(params, "end")))
    if "min_hours" in data:
        hours = f"{data['min_hours'].normalize():f}"
        label = _("At least %(hours)s PD hours") % {"hours": hours}
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
    filterset = EventFilter(data=params, queryset=Event.objects.listed())
    conditions = filterset.conditions()
    base = filterset.searched(filterset.queryset)
    facets, total = _facets(filterset, base, conditions)
    sort = filterset.current_sort
    ordered = filterset.qs.order_by(*ORDERINGS[sort])
    paginator = CountedPaginator(ordered, PAGE_SIZE, count=total)
    page = paginator.get_page(page_number)
    # The page's ids are picked in a subquery, so the seat counts (a GROUP BY over
    # registrations) are computed for these twenty events, not for every match.
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


def event_is_public(event: Event) -> bool:
    """Published events are public. So are events that were published and later
    cancelled or archived: registrants, calendar files and shared links still point at
    them, and the page says what happened. Drafts and listings under review are not,
    nor are private events (a school visit on the provider's calendar)."""
    if event.is_private:
        return False
    if event.status == Event.Status.PUBLISHED:
        return True
    return (
        event.status in (Event.Status.CANCELLED, Event.Status.ARCHIVED)
        and event.published_at is not None
    )


def can_view_event(*, event: Event, user) -> bool:
    """Everyone sees public events; the event's own provider staff and coordinators
    see the rest (to preview a draft or check a listing under review)."""
    if event_is_public(event):
        return True
    if not user.is_authenticated:
        return False
    ids = provider_ids_for(user)
    return ids is None or event.provider_id in ids


def get_event_for_viewer(*, slug: str, user, queryset: QuerySet | None = None) -> Event:
    """The event at `slug` if `user` may see it, else 404 (not 403: another provider's
    draft is simply not there)."""
    if queryset is None:
        queryset = Event.objects.select_related("provider")
    event = queryset.filter(slug=slug).first()
    if event is None or not can_view_event(event=event, user=user):
        raise Http404("No such event")
    return event


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
    def register_label(self) -> str:
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
    event = get_event_for_viewer(slug=slug, user=user, queryset=queryset)
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
    this_month = EventSession.objects.filter(
        ends_at__gte=timezone.now(), starts_at__lt=start_of_day(next_month)
    )
    ordering = ("next_starts_at", "title", "pk")
    # The first session not yet over is this month's, for an event with one this month.
    upcoming = with_next_session(
        Event.objects.public().filter(pk__in=this_month.values("event_id"))
    ).order_by(*ordering)
    chosen = upcoming.values("pk")[:limit]
    return list(for_cards(Event.objects.filter(pk__in=chosen)).order_by(*ordering))
