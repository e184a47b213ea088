import json
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import Count, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trec.accounts.roles import is_coordinator
from trec.i18n import localized
from trec.validators import validate_image


class Topic(models.Model):
    """A subject of professional learning (coordinator-managed), e.g. "Trauma-informed practice"."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_es = models.CharField(_("name in Spanish"), max_length=100, blank=True)
    slug = models.SlugField(max_length=110, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        """In the reader's language: form choices and labels show the Spanish name to
        Spanish readers when there is one."""
        return localized(self, "name")


class IdArrayField(ArrayField):
    """A list of ids: `bigint[]` on Postgres (the catalog counts and filters on
    it); on SQLite, where there are no arrays, the same list as JSON text."""

    def __init__(self, base_field=None, size=None, **kwargs):
        super().__init__(base_field or models.BigIntegerField(), size, **kwargs)

    def get_placeholder(self, value, compiler, connection):
        if connection.vendor == "postgresql":
            return super().get_placeholder(value, compiler, connection)
        return "%s"

    def get_db_prep_value(self, value, connection, prepared=False):
        if connection.vendor == "postgresql" or value is None:
            return super().get_db_prep_value(value, connection, prepared)
        return json.dumps([int(item) for item in value])

    def from_db_value(self, value, expression, connection):
        return json.loads(value) if isinstance(value, str) else value


# What the catalog filters and counts on (events.catalog): included in its two partial
# indexes on public listings, so counting and picking a page are index-only scans.
LISTED_FILTERS = (
    "kind",
    "format",
    "language",
    "cost",
    "pd_hours",
    "provider",
    "ends_at",
    "next_starts_at",
    "next_ends_at",
    "topic_ids",
    "grade_band_ids",
)


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Event.Status.PUBLISHED)

    def public(self):
        """Published and meant for everyone: private events (a school visit booked with
        a provider) are published on the provider's calendar but never listed."""
        return self.published().filter(is_private=False)

    def listed(self):
        """What the public catalog shows: public, not yet over (on-demand never ends)."""
        now = timezone.now()
        return self.public().filter(
            Q(kind=Event.Kind.ON_DEMAND) | Q(ends_at__gte=now) | Q(ends_at__isnull=True)
        )

    def for_user(self, user):
        """Events a back-office user may manage: their providers' (coordinators: all)."""
        if is_coordinator(user):
            return self
        return self.filter(provider__memberships__user=user)

    def with_stored_seats(self):
        """Annotate confirmed_count from the stored count (Event.seats_taken): no
        subquery, for lists (the catalog's cards). Pages where one registration more or
        less matters at once (the event page) count live with with_seats()."""
        return self.annotate(confirmed_count=models.F("seats_taken"))

    def with_seats(self):
        """Annotate confirmed_count, counted live, so a page can show seats left without
        a query per event: a correlated subquery (one index lookup per event)."""
        return self.annotate(confirmed_count=confirmed_registrations())


def confirmed_registrations():
    """SQL: the outer event's confirmed registrations, counted (0 when none)."""
    confirmed = (
        Registration.objects.filter(event=OuterRef("pk"), status=Registration.Status.CONFIRMED)
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return models.functions.Coalesce(
        models.Subquery(confirmed, output_field=models.IntegerField()), 0
    )


class Event(models.Model):
    """One listing in the catalog: an event, webinar, program or on-demand resource."""

    class Kind(models.TextChoices):
        EVENT = "event", _("Event")
        WEBINAR = "webinar", _("Webinar")
        PROGRAM = "program", _("Program")
        ON_DEMAND = "on_demand", _("On-demand resource")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIRTUAL = "virtual", _("Virtual")
        HYBRID = "hybrid", _("Hybrid")

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        SPANISH = "es", _("Spanish")
        BILINGUAL = "bilingual", _("English and Spanish")

    class RegistrationMode(models.TextChoices):
        HUB = "hub", _("On TREC Hub")
        EXTERNAL = "external", _("On the provider's website")
        NONE = "none", _("No registration needed")

    class PaymentMethod(models.TextChoices):
        DISTRICT_PO = "district_po", _("A purchase order from your school or district")
        AT_THE_DOOR = "at_the_door", _("Pay at the door")
        PROVIDER_SITE = "provider_site", _("Pay on the provider's website")
        INVOICE = "invoice", _("The provider sends an invoice")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")
        ARCHIVED = "archived", _("Archived")

    provider = models.ForeignKey(
        "providers.Provider",
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("provider"),
    )
    title = models.CharField(_("title"), max_length=200)
    title_es = models.CharField(_("title in Spanish"), max_length=200, blank=True)
    slug = models.SlugField(max_length=220, unique=True)
    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One or two sentences for the catalog.")
    )
    summary_es = models.CharField(_("summary in Spanish"), max_length=300, blank=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("Markdown: headings, lists, links, emphasis.")
    )
    description_es = models.TextField(
        _("description in Spanish"),
        blank=True,
        help_text=_("Shown to Spanish readers when filled in; English otherwise."),
    )
    is_private = models.BooleanField(
        _("private"),
        default=False,
        help_text=_(
            "Private events (such as a booked school visit) are never listed in the catalog; "
            "only the provider's staff and coordinators can open them."
        ),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.EVENT)
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.VIRTUAL
    )
    grade_bands = models.ManyToManyField(
        "accounts.GradeBand", blank=True, related_name="events", verbose_name=_("grade bands")
    )
    audience_roles = models.JSONField(
        _("audience roles"),
        default=list,
        blank=True,
        help_text=_("Leave empty when the event is for every role."),
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="events", verbose_name=_("topics")
    )
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.ENGLISH
    )
    cost = models.DecimalField(
        _("cost (USD)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("0 for free."),
    )
    payment_method = models.CharField(
        _("how people pay"),
        max_length=20,
        choices=PaymentMethod.choices,
        blank=True,
        help_text=_("For paid listings: shown beside the price, before anyone registers."),
    )
    payment_instructions = models.TextField(
        _("payment instructions"),
        blank=True,
        help_text=_("For example: the PO number to quote, what the fee covers, refunds."),
    )
    payment_instructions_es = models.TextField(_("payment instructions in Spanish"), blank=True)
    pd_hours = models.DecimalField(
        _("PD hours"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave blank for unlimited seats.")
    )
    registration_mode = models.CharField(
        _("registration"),
        max_length=10,
        choices=RegistrationMode.choices,
        default=RegistrationMode.HUB,
    )
    external_registration_url = models.URLField(_("registration page"), blank=True)
    requires_approval = models.BooleanField(_("provider approves each registration"), default=False)
    registration_closed = models.BooleanField(
        _("registration closed"),
        default=False,
        help_text=_("Closed: the listing stays in the catalog but takes no new registrations."),
    )
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    join_url = models.URLField(
        _("virtual join link"), blank=True, help_text=_("Shown only to confirmed registrants.")
    )
    recording_url = models.URLField(_("recording link"), blank=True)
    # The cover (events.covers): an upload, cropped to 16:9 and kept in a few WebP widths
    # (cover_renditions); without one, a cover drawn from the main topic's theme.
    cover = models.ImageField(
        _("cover picture"),
        upload_to="events/covers/",
        blank=True,
        validators=[validate_image],
        help_text=_(
            "Landscape, at least 1440 × 810 pixels; JPEG, PNG, WebP or GIF up to 2 MB. "
            "Without one, the listing shows a cover in its topic's colours."
        ),
    )
    cover_alt = models.CharField(
        _("cover description"),
        max_length=200,
        blank=True,
        help_text=_("What the picture shows, for people who cannot see it."),
    )
    cover_alt_es = models.CharField(_("cover description in Spanish"), max_length=200, blank=True)
    cover_renditions = models.JSONField(default=dict, blank=True, editable=False)
    cover_theme = models.CharField(max_length=20, default="general", editable=False)
    presenters_text = models.TextField(
        _("presenters"),
        blank=True,
        help_text=_(
            "One presenter per line: name, then a dash and a short bio. Presenters of "
            "accepted proposals are shown with their own bios and photos."
        ),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    review_comment = models.TextField(
        _("reviewer's comment"),
        blank=True,
        help_text=_("Why a coordinator returned the listing; e-mailed to the provider."),
    )
    # The first session's start and the last session's end, kept in step with the
    # sessions by events.services.event_sync_schedule: the catalog sorts and filters
    # on them without touching the sessions table.
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True, editable=False)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True, editable=False)
    # The first session not yet over (NULL once every session is over, and for on-demand
    # resources): what the catalog's cards show, "Soonest first" sorts on and the date
    # filters test. Kept by events.services.event_sync_schedule when sessions change and
    # moved on as time passes by events.services.next_sessions_refresh (Celery beat).
    next_starts_at = models.DateTimeField(_("next session starts"), null=True, editable=False)
    next_ends_at = models.DateTimeField(_("next session ends"), null=True, editable=False)
    # Confirmed registrations, recounted under the event's row lock by every service
    # that changes a registration (events.services.event_seats_sync), so a card shows
    # seats left without counting registrations.
    seats_taken = models.PositiveIntegerField(_("seats taken"), default=0, editable=False)
    # The ids of its topics and grade bands, sorted (events.services.event_links_sync,
    # run whenever the links change): the catalog counts and filters on these columns of
    # its covering index instead of joining the link tables.
    topic_ids = IdArrayField(default=list, blank=True, editable=False)
    grade_band_ids = IdArrayField(default=list, blank=True, editable=False)
    joins_after_start = models.BooleanField(
        _("people may join a series under way"),
        default=False,
        help_text=_(
            "For series of several sessions: once the first session has taken place, "
            "keep registration open for the remaining sessions. Otherwise registration "
            "closes when the series starts."
        ),
    )
    # Maintained by events.search (Postgres only): title (A) > summary (B) > description
    # and provider (C). Always NULL on SQLite, where search falls back to icontains.
    search_vector = SearchVectorField(null=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Calendars (events.ical): what the calendars last showed, and a SEQUENCE that grows
    # with every change to it, so Outlook, Google and Apple update the entry people have.
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)
    calendar_state = models.JSONField(default=dict, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The review desk (events.review): when the listing last went to the coordinators,
    # and what its reviewed fields said when they last approved it (the resubmission's
    # "what changed" compares against this).
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    approved_snapshot = models.JSONField(default=dict, blank=True, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "title"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["status", "starts_at"], name="event_status_starts"),
            models.Index(fields=["status", "published_at"], name="event_status_published"),
            # The catalog (events.catalog): public listings only. The first is narrow
            # and covering, so the facet counts read the filterable columns without
            # visiting the (wide) rows; the second walks them soonest first for a page.
            models.Index(
                fields=["id"],
                include=LISTED_FILTERS,
                condition=Q(status="published", is_private=False),
                name="event_listed_facets",
            ),
            models.Index(
                fields=["next_starts_at", "title", "id"],
                include=[name for name in LISTED_FILTERS if name != "next_starts_at"],
                condition=Q(status="published", is_private=False),
                name="event_listed_soonest",
            ),
            # "Newest listings" pages walk event_listed_newest (Postgres only, as SQLite
            # has no NULLS LAST in an index: migration 0023), index-only like these.
            # The beat's refresh finds the events whose next session just ended.
            models.Index(
                fields=["next_ends_at"],
                condition=Q(next_ends_at__isnull=False),
                name="event_next_session_ends",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(registration_mode="external") | ~Q(external_registration_url=""),
                name="event_external_has_url",
            ),
        ]

    # Columns the services keep (events.services): a plain save() of an event read a
    # moment ago (the back office's form) must not write back what it read of them.
    MAINTAINED = ("seats_taken", "next_starts_at", "next_ends_at", "topic_ids", "grade_band_ids")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if (
            not (self._state.adding or args or kwargs.get("force_insert"))
            and kwargs.get("update_fields") is None
        ):
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key
                and field.name not in self.MAINTAINED
                and field.attname not in deferred
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"slug": self.slug})

    @property
    def is_free(self) -> bool:
        return self.cost == 0

    @property
    def is_past(self) -> bool:
        return (
            self.kind != self.Kind.ON_DEMAND
            and bool(self.ends_at)
            and self.ends_at < timezone.now()
        )

    @property
    def is_under_way(self) -> bool:
        """A series whose first session has taken place and which still has sessions to
        come (a single session in progress is not "under way")."""
        return bool(self.next_starts_at and self.starts_at and self.next_starts_at > self.starts_at)

    @property
    def registers_on_hub(self) -> bool:
        return self.registration_mode == self.RegistrationMode.HUB

    def seats_left(self, confirmed_count: int | None = None) -> int | None:
        """None means unlimited. Pass an annotated count to avoid a query."""
        if self.capacity is None:
            return None
        if confirmed_count is None:
            confirmed_count = getattr(self, "confirmed_count", None)
        if confirmed_count is None:
            confirmed_count = self.registrations.filter(
                status=Registration.Status.CONFIRMED
            ).count()
        return max(self.capacity - confirmed_count, 0)


class EventSession(models.Model):
    """One dated session of an event (a program has several; on-demand resources none)."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("event")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    location = models.CharField(_("room or location"), max_length=200, blank=True)
    location_es = models.CharField(_("room or location in Spanish"), max_length=200, blank=True)
    # Programs (summits, conferences, series): sessions in tracks and rooms, each with
    # its own seats, presenters and PD hours. Ordinary events leave these empty.
    title_es = models.CharField(_("title in Spanish"), max_length=200, blank=True)
    track = models.CharField(
        _("track"), max_length=100, blank=True, help_text=_("Programs: e.g. “Early literacy”.")
    )
    track_es = models.CharField(_("track in Spanish"), max_length=100, blank=True)
    capacity = models.PositiveIntegerField(
        _("seats"),
        null=True,
        blank=True,
        help_text=_("Programs: seats in this session. Leave blank for unlimited."),
    )
    presenters = models.CharField(_("presenters"), max_length=300, blank=True)
    pd_hours = models.DecimalField(
        _("PD hours"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Programs: hours on the transcript of everyone who attends this session."),
    )
    description = models.TextField(_("description"), blank=True)
    description_es = models.TextField(_("description in Spanish"), blank=True)
    featured_provider = models.ForeignKey(
        "providers.Provider",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="spotlight_sessions",
        verbose_name=_("featured provider"),
        help_text=_("Spotlight segments: the provider presenting in this session."),
    )
    recording_url = models.URLField(_("recording link"), blank=True)
    provider_link = models.URLField(
        _("provider's link"),
        blank=True,
        help_text=_("Spotlight: where educators follow up with the featured provider afterwards."),
    )

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        label = self.title or self.event.title
        return f"{label} — {timezone.localtime(self.starts_at):%b %-d, %Y %-I:%M %p}"

    def get_additional_data(self) -> dict:
        """The audit trail (trec.audit) shows a session's edits in its event's History."""
        return {"related": f"events.event:{self.event_id}"}

    def seats_left(self) -> int | None:
        """None means unlimited; needs the `confirmed_count` annotation (programs.py)."""
        if self.capacity is None:
            return None
        return max(self.capacity - getattr(self, "confirmed_count", 0), 0)

    @property
    def is_over(self) -> bool:
        return self.ends_at < timezone.now()

    def overlaps(self, other: "EventSession") -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


MATERIAL_EXTENSIONS = ["pdf", "docx", "pptx", "xlsx", "odt", "odp", "ods", "txt", "csv", "zip"]


class EventMaterial(models.Model):
    """A handout, slide deck or link on the event page: for everyone, or only for the
    people registered (confirmed)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=200)
    title_es = models.CharField(_("title in Spanish"), max_length=200, blank=True)
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(
        _("file"),
        upload_to="events/materials/",
        blank=True,
        # Documents only: nothing a browser would run if it were opened from /media/.
        validators=[FileExtensionValidator(MATERIAL_EXTENSIONS)],
        help_text=_("A PDF, slide deck or document; or give a link instead."),
    )
    registrants_only = models.BooleanField(
        _("only for registrants"),
        default=False,
        help_text=_("Shown only to people with a confirmed registration."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(file=""), name="event_material_link_or_file"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def href(self) -> str:
        return self.file.url if self.file else self.url


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Registration.Status.CANCELLED)

    def with_waitlist_position(self):
        """Annotate each waitlisted row with its 1-based place in line, in one query."""
        ahead = (
            Registration.objects.filter(
                event=OuterRef("event"),
                status=Registration.Status.WAITLISTED,
                queue_number__lt=OuterRef("queue_number"),
            )
            .order_by()
            .values("event")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            people_ahead=models.functions.Coalesce(
                models.Subquery(ahead, output_field=models.IntegerField()), 0
            )
        )


class Registration(models.Model):
    """An educator's place at an event: confirmed, waiting, pending approval or cancelled.

    One row per (event, user): cancelling and registering again reuses it. Waiting-list
    order is ``queue_number``, handed out under the event's row lock; the displayed
    position is the number of people still waiting ahead, plus one.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("educator"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    queue_number = models.PositiveIntegerField(_("waiting-list ticket"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # On-demand resources: the provider verifies that the educator completed it.
    completed_at = models.DateTimeField(_("completion verified"), null=True, blank=True)
    completion_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    # Programs: arrival on the day, at the check-in desk (hours come from sessions).
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="registration_once_per_event"),
            models.UniqueConstraint(
                fields=["event", "queue_number"],
                condition=Q(queue_number__isnull=False),
                name="registration_unique_ticket",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status"], name="registration_event_status"),
            models.Index(fields=["user", "status"], name="registration_user_status"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.event} ({self.get_status_display()})"

    @property
    def waitlist_position(self) -> int | None:
        if self.status != self.Status.WAITLISTED:
            return None
        ahead = getattr(self, "people_ahead", None)
        if ahead is None:
            ahead = Registration.objects.filter(
                event_id=self.event_id,
                status=self.Status.WAITLISTED,
                queue_number__lt=self.queue_number,
            ).count()
        return ahead + 1


# The registrations that hold or wait for a place (not cancelled, not declined): the
# people a change to the event concerns.
ACTIVE = (
    Registration.Status.CONFIRMED,
    Registration.Status.WAITLISTED,
    Registration.Status.PENDING,
)


class Attendance(models.Model):
    """A registrant checked in at one session (programs record each session)."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="attendances"
    )
    session = models.ForeignKey(EventSession, on_delete=models.CASCADE, related_name="attendances")
    checked_in_at = models.DateTimeField(default=timezone.now)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"], name="attendance_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration.user} at {self.session}"


class ListedTitle(models.Model):
    """The distinct titles of listed events, for the search box's as-you-type suggestions
    (events.search.suggest): a few hundred rows where the catalog lists thousands of
    events (listings share titles). events.services.event_saved adds an event's title
    once it is listed; events.services.listed_titles_refresh (Celery beat, every minute)
    rebuilds the table, dropping titles no longer listed."""

    title = models.CharField(max_length=200)
    title_es = models.CharField(max_length=200, blank=True)
    folded = models.TextField()  # both titles, lower case, accents removed

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["title", "title_es"], name="listed_title_once")
        ]

    def __str__(self) -> str:
        return localized(self, "title")


class SavedEvent(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_events"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="saves")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="saved_event_once")]

    def __str__(self) -> str:
        return f"{self.user} saved {self.event}"


class OutboundClick(models.Model):
    """A click on "Register on the provider's site" (counted in the impact report): one
    per person or device a day (`visitor_key`, a keyed hash: trec.visitors)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="outbound_clicks")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    visitor_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "visitor_key"], name="outbound_click_one_per_visitor_day"
            )
        ]

    def __str__(self) -> str:
        return f"Click to {self.event} at {self.created_at:%Y-%m-%d %H:%M}"


class SessionChoice(models.Model):
    """A session in an educator's personal schedule for a program: confirmed, or waiting
    for a seat. Only a confirmed program registration holds choices; seats and the
    waiting-list order are decided under the session's row lock
    (events.programs.services)."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("In my schedule")
        WAITLISTED = "waitlisted", _("On the waiting list")

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="session_choices",
        verbose_name=_("registration"),
    )
    session = models.ForeignKey(
        EventSession, on_delete=models.CASCADE, related_name="choices", verbose_name=_("session")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    queue_number = models.PositiveIntegerField(_("waiting-list ticket"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["session__starts_at", "session__location"]
        verbose_name = _("session choice")
        verbose_name_plural = _("session choices")
        constraints = [
            models.UniqueConstraint(fields=["registration", "session"], name="session_choice_once"),
            models.UniqueConstraint(
                fields=["session", "queue_number"],
                condition=Q(queue_number__isnull=False),
                name="session_choice_unique_ticket",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status"], name="session_choice_status"),
        ]

    def __str__(self) -> str:
        return f"{self.registration.user} → {self.session} ({self.get_status_display()})"


class ExpoBooth(models.Model):
    """A provider exhibiting at a program's resource expo, at a table or booth."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="expo_booths", verbose_name=_("event")
    )
    provider = models.ForeignKey(
        "providers.Provider",
        on_delete=models.CASCADE,
        related_name="expo_booths",
        verbose_name=_("provider"),
    )
    booth = models.CharField(_("table or booth"), max_length=50, blank=True)
    note = models.CharField(
        _("note"), max_length=300, blank=True, help_text=_("What visitors will find there.")
    )
    note_es = models.CharField(_("note in Spanish"), max_length=300, blank=True)

    class Meta:
        ordering = ["booth", "provider__name"]
        verbose_name = _("expo booth")
        verbose_name_plural = _("resource expo")
        constraints = [
            models.UniqueConstraint(fields=["event", "provider"], name="expo_booth_once")
        ]

    def __str__(self) -> str:
        return f"{self.provider} at {self.event} ({self.booth})"


class ListingTemplate(models.Model):
    """A provider's saved starting point for new listings ("Save as template" on an
    event, "New from template" in the back office): the event's texts in both languages,
    its settings, topics and grade bands, never its dates or registrations. Written and
    read by events.listing."""

    provider = models.ForeignKey(
        "providers.Provider",
        on_delete=models.CASCADE,
        related_name="listing_templates",
        verbose_name=_("provider"),
    )
    name = models.CharField(_("name"), max_length=200)
    # The event's own field values (events.listing.TEMPLATE_FIELDS), as JSON.
    fields = models.JSONField(default=dict)
    topics = models.ManyToManyField(Topic, blank=True, related_name="+")
    grade_bands = models.ManyToManyField("accounts.GradeBand", blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["provider", "name"]
        verbose_name = _("listing template")
        verbose_name_plural = _("listing templates")
        constraints = [
            models.UniqueConstraint(fields=["provider", "name"], name="listing_template_name"),
        ]

    def __str__(self) -> str:
        return self.name
