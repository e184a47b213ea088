"""Bulk import of events from CSV or XLSX (django-import-export).

One row is one event with at most one dated session; a row naming the same provider
and title as an earlier row adds another session to that event. Every text people read has a
Spanish column beside it (title_es, summary_es, description_es, session_title_es,
session_location_es); blank ones show the English. Every imported event is
"submitted": coordinators review imported listings like any other. Provider staff
import only for their own providers; coordinators name the provider in each row.
The import runs in one transaction: a batch with any bad row saves nothing.
"""

import datetime
import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, results, widgets

from events.models import Event, EventSession, Topic
from events.review_mail import submission_notify
from events.services import event_saved, unique_slug
from providers.access import provider_ids_for
from providers.models import Provider
from trec.accounts.models import GradeBand

logger = logging.getLogger(__name__)

SEPARATOR = ";"

# The columns of an import file, in the order the example template uses.
COLUMNS = [
    "provider",
    "title",
    "title_es",
    "summary",
    "summary_es",
    "description",
    "description_es",
    "kind",
    "format",
    "language",
    "cost",
    "pd_hours",
    "capacity",
    "registration_mode",
    "external_registration_url",
    "venue_name",
    "address",
    "topics",
    "grade_bands",
    "session_start",
    "session_end",
    "session_title",
    "session_title_es",
    "session_location",
    "session_location_es",
]
# The session's texts: kept on the event instance until the session is created.
SESSION_TEXTS = {
    "session_title": "title",
    "session_title_es": "title_es",
    "session_location": "location",
    "session_location_es": "location_es",
}

REQUIRED = gettext_lazy("Required: this cell is blank.")
SESSION_COLUMNS = ["session_start", "session_end", *SESSION_TEXTS]

# Model fields the import never sets: left out of model validation.
NOT_IMPORTED = [
    "slug",
    "grade_bands",
    "topics",
    "audience_roles",
    "search_vector",
    "starts_at",
    "ends_at",
    "created_by",
    "published_at",
    "review_comment",
]


class ChoiceWidget(widgets.Widget):
    """A choice by its value ("in_person") or its label ("In person"), any case."""

    def __init__(self, choices, **kwargs):
        self.choices = list(choices)
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        wanted = text.casefold().replace("-", "_").replace(" ", "_")
        for key, label in self.choices:
            if wanted in (key.casefold(), str(label).casefold().replace(" ", "_")):
                return key
        raise ValueError(
            _("“%(value)s” is not one of: %(allowed)s.")
            % {"value": text, "allowed": ", ".join(key for key, _label in self.choices)}
        )

    def render(self, value, obj=None, **kwargs):
        return value or ""


class NamedManyWidget(widgets.ManyToManyWidget):
    """Several related objects named in one cell ("Early literacy; STEM"). Every name
    must exist: an unknown one is an error for the row, never silently dropped."""

    def __init__(self, model, field, what, **kwargs):
        super().__init__(model, separator=SEPARATOR, field=field, **kwargs)
        self.what = what

    def clean(self, value, row=None, **kwargs):
        if value is None or not str(value).strip():
            return []
        names = [name.strip() for name in str(value).split(self.separator) if name.strip()]
        found = {str(getattr(obj, self.field)).casefold(): obj for obj in self.model.objects.all()}
        unknown = [name for name in names if name.casefold() not in found]
        if unknown:
            raise ValueError(
                _("Unknown %(what)s: %(names)s.") % {"what": self.what, "names": ", ".join(unknown)}
            )
        return list({found[name.casefold()].pk: found[name.casefold()] for name in names}.values())

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        items = value.all() if hasattr(value, "all") else value
        return f"{SEPARATOR} ".join(str(getattr(item, self.field)) for item in items)


class ProviderWidget(widgets.Widget):
    """A provider by its name or its slug, among the providers the importer may manage."""

    def __init__(self, provider_ids=None, **kwargs):
        self.provider_ids = provider_ids  # None: any provider (coordinators)
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        providers = Provider.objects.all()
        if self.provider_ids is not None:
            providers = providers.filter(pk__in=self.provider_ids)
        provider = (
            providers.filter(slug=text).first() or providers.filter(name__iexact=text).first()
        )
        if provider is None:
            if self.provider_ids is None:
                raise ValueError(_("No provider is called “%(name)s”.") % {"name": text})
            raise ValueError(
                _("“%(name)s” is not one of your organisations; you can import for: %(own)s.")
                % {
                    "name": text,
                    "own": ", ".join(
                        Provider.objects.filter(pk__in=self.provider_ids).values_list(
                            "name", flat=True
                        )
                    ),
                }
            )
        return provider

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class LocalDateTimeWidget(widgets.Widget):
    """An ISO date and time ("2026-12-03 15:30"), read in the hub's time zone unless it
    carries its own offset. XLSX date cells arrive as datetimes and are read the same way."""

    def clean(self, value, row=None, **kwargs):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, datetime.datetime):
            moment = value
        else:
            try:
                moment = datetime.datetime.fromisoformat(str(value).strip())
            except ValueError:
                raise ValueError(
                    _("“%(value)s” is not a date and time like 2026-12-03 15:30.")
                    % {"value": value}
                ) from None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_default_timezone())
        return moment

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        return timezone.localtime(value, timezone.get_default_timezone()).strftime("%Y-%m-%d %H:%M")


class PlainError(results.Error):
    """A failure no check foresaw (a database refusal, a bug), told in words people can
    act on; the original goes to the log, never to the page."""

    def __init__(self, error, row=None, number=None):
        logger.error("event import row failed: %r", error, exc_info=error)
        super().__init__(
            ValueError(
                _(
                    "This row could not be saved. Check each of its cells against the "
                    "example file, or ask a coordinator for help."
                )
            ),
            row=row,
            number=number,
        )


def _choice_field(name: str) -> fields.Field:
    model_field = Event._meta.get_field(name)
    return fields.Field(
        attribute=name,
        column_name=name,
        widget=ChoiceWidget(model_field.choices),
        default=model_field.default,
    )


class EventResource(resources.ModelResource):
    """Imports events. Construct with user=request.user: it decides which providers
    the rows may name (see the module docstring)."""

    # A blank cell keeps the default (provider staff: their organisation).
    provider = fields.Field(
        attribute="provider",
        column_name="provider",
        widget=ProviderWidget(),
        saves_null_values=False,
    )
    kind = _choice_field("kind")
    format = _choice_field("format")
    language = _choice_field("language")
    registration_mode = _choice_field("registration_mode")
    topics = fields.Field(
        attribute="topics",
        column_name="topics",
        widget=NamedManyWidget(Topic, "name", what=gettext_lazy("topic")),
    )
    grade_bands = fields.Field(
        attribute="grade_bands",
        column_name="grade_bands",
        widget=NamedManyWidget(GradeBand, "code", what=gettext_lazy("grade band")),
    )
    # Not model fields: kept on the instance until the event is saved, then one session.
    session_start = fields.Field(
        attribute="session_start", column_name="session_start", widget=LocalDateTimeWidget()
    )
    session_end = fields.Field(
        attribute="session_end", column_name="session_end", widget=LocalDateTimeWidget()
    )
    session_title = fields.Field(attribute="session_title", column_name="session_title")
    session_title_es = fields.Field(attribute="session_title_es", column_name="session_title_es")
    session_location = fields.Field(attribute="session_location", column_name="session_location")
    session_location_es = fields.Field(
        attribute="session_location_es", column_name="session_location_es"
    )

    class Meta:
        model = Event
        fields = COLUMNS
        import_order = COLUMNS
        use_transactions = True
        force_init_instance = True  # an import only ever adds events, never updates one
        clean_model_instances = True
        skip_unchanged = False
        name = gettext_lazy("Events")

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.provider_ids = provider_ids_for(user) if user is not None else None
        self.fields["provider"].widget = ProviderWidget(provider_ids=self.provider_ids)
        self.default_provider = None
        if self.provider_ids is not None:
            self.default_provider = (
                Provider.objects.filter(pk__in=self.provider_ids).order_by("name").first()
            )
        self.created: list[Event] = []
        self.first_rows: dict[tuple[str, str], int] = {}  # event key -> its first row
        self.events_by_row: dict[int, Event] = {}  # first row -> the event it created
        self.row_added_session = False

    # --- Rows -------------------------------------------------------------------

    def get_error_result_class(self):
        return PlainError

    def after_init_instance(self, instance, new, row, **kwargs):
        instance.status = Event.Status.SUBMITTED
        instance.submitted_at = timezone.now()  # the review desk's waiting time
        instance.created_by = self.user if self.user and self.user.is_authenticated else None
        instance.session_start = instance.session_end = None
        for column in SESSION_TEXTS:
            setattr(instance, column, "")
        if self.default_provider is not None:
            instance.provider = self.default_provider
        # A row repeating an earlier row's provider and title adds a session to its event.
        key = event_key(row)
        instance.first_row = self.first_rows.setdefault(key, kwargs["row_number"]) if key else None
        instance.adds_session = instance.first_row not in (None, kwargs["row_number"])

    def import_row(self, row, instance_loader, **kwargs):
        result = super().import_row(row, instance_loader, **kwargs)
        if self.row_added_session:
            result.import_type = results.RowResult.IMPORT_TYPE_SKIP  # no new event
        self.row_added_session = False
        return result

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        try:
            super().import_field(field, instance, row, is_m2m, **kwargs)
        except (ArithmeticError, TypeError):  # the number widgets' Decimal() on "many"
            raise ValueError(
                _("“%(value)s” is not a number.") % {"value": row[field.column_name]}
            ) from None

    def import_instance(self, instance, row, **kwargs):
        if instance.adds_session:
            self.import_session(instance, row, **kwargs)
            return
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for name in ("topics", "grade_bands"):
            field = self.fields[name]
            if field.column_name in row:
                try:
                    field.clean(row, **kwargs)
                except ValueError as error:
                    errors[name] = [str(error)]
        if instance.provider_id is None and "provider" not in errors:
            errors["provider"] = [_("Name the provider (its name or its slug).")]
        errors.update(session_errors(instance, errors))
        if (
            instance.registration_mode == Event.RegistrationMode.EXTERNAL
            and not instance.external_registration_url
        ):
            errors.setdefault("external_registration_url", []).append(
                _("Add the address of the page where educators register.")
            )
        if instance.cost is None:
            instance.cost = Decimal("0")
        if instance.pd_hours is None:
            instance.pd_hours = Decimal("0")
        if errors:
            raise ValidationError(errors)

    def import_session(self, instance, row, **kwargs):
        """A repeated row: only its session columns are read (the event's other cells
        come from its first row)."""
        errors = {}
        for column in SESSION_COLUMNS:
            if column in row:
                try:
                    self.import_field(self.fields[column], instance, row, **kwargs)
                except ValueError as error:
                    errors[column] = [str(error)]
        errors.update(session_errors(instance, errors))
        if instance.first_row not in self.events_by_row:
            errors.setdefault("title", []).append(
                _("This row adds a session to the event in row %(number)d: fix that row first.")
                % {"number": instance.first_row}
            )
        elif not errors and not instance.session_start:
            errors["session_start"] = [
                _(
                    "The event in row %(number)d is named again: a repeated row adds a "
                    "session, so give its start and end."
                )
                % {"number": instance.first_row}
            ]
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if not instance.adds_session:
            try:
                instance.full_clean(
                    exclude=[*errors, *NOT_IMPORTED], validate_unique=validate_unique
                )
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(
                {
                    column: [
                        REQUIRED if getattr(error, "code", None) in ("blank", "null") else error
                        for error in column_errors
                    ]
                    for column, column_errors in errors.items()
                }
            )

    def save_instance(self, instance, is_create, row, **kwargs):
        # In a savepoint: a row the database refuses is reported (PlainError) and the
        # rows after it are still checked, instead of failing as "transaction aborted".
        with transaction.atomic():
            if instance.adds_session:
                create_session(self.events_by_row[instance.first_row], instance)
                self.row_added_session = True
                return
            super().save_instance(instance, is_create, row, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        if not instance.adds_session:
            super().save_m2m(instance, row, **kwargs)

    def before_save_instance(self, instance, row, **kwargs):
        instance.slug = unique_slug(instance.title)

    def after_save_instance(self, instance, row, **kwargs):
        if instance.session_start:
            create_session(instance, instance)
        self.created.append(instance)
        self.events_by_row[instance.first_row] = instance

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return  # rolled back anyway
        for event in self.created:
            event_saved(event=event)
            submission_notify(event=event)  # the coordinators hear of each, as for a save


def event_key(row) -> tuple[str, str] | None:
    """Rows naming the same provider and title (any case) are one event."""
    title = str(row.get("title") or "").strip().casefold()
    return (str(row.get("provider") or "").strip().casefold(), title) if title else None


def session_errors(instance, errors: dict) -> dict:
    """The session columns' errors (cleaned values are on the instance); `errors` are
    the row's errors so far."""
    found = {}
    start, end = instance.session_start, instance.session_end
    if "session_start" not in errors and "session_end" not in errors:
        if bool(start) != bool(end):
            missing = "session_end" if start else "session_start"
            found[missing] = [_("Give both the start and the end of the session.")]
        elif start and end <= start:
            found["session_end"] = [_("The session must end after it starts.")]
    for column, field_name in SESSION_TEXTS.items():
        value = str(getattr(instance, column) or "").strip()
        setattr(instance, column, value)
        limit = EventSession._meta.get_field(field_name).max_length
        if value and not start:
            found[column] = [_("Give the session's start and end too.")]
        elif len(value) > limit:
            found[column] = [
                _("At most %(limit)d characters (it has %(count)d).")
                % {"limit": limit, "count": len(value)}
            ]
    return found


def create_session(event: Event, row_values) -> EventSession:
    """`event`'s session from the session columns cleaned onto `row_values`."""
    return EventSession.objects.create(
        event=event,
        starts_at=row_values.session_start,
        ends_at=row_values.session_end,
        **{field: getattr(row_values, column) for column, field in SESSION_TEXTS.items()},
    )


def example_rows(*, with_provider: str | None) -> list[list[str]]:
    """A header and rows that import cleanly here (real topic and grade band names): two
    events, the first with a second session on a repeated row."""
    topics = list(Topic.objects.values_list("name", flat=True)[:2]) or [""]
    bands = list(GradeBand.objects.values_list("code", flat=True)[:2])
    today = timezone.localdate()
    first = today + datetime.timedelta(days=30)
    repeat = first + datetime.timedelta(days=7)
    second = today + datetime.timedelta(days=45)
    header = COLUMNS if with_provider is not None else COLUMNS[1:]
    rows = [
        [
            with_provider,
            "Restorative circles in the K–5 classroom",
            "Círculos restaurativos en el aula de K–5",
            "Run your first community-building circle with confidence.",
            "Dirija su primer círculo de construcción de comunidad con confianza.",
            "## What you will practise\n\n- Opening and closing a circle\n- Talking pieces",
            "## Lo que practicará\n\n- Abrir y cerrar un círculo\n- Objetos de la palabra",
            "event",
            "in_person",
            "en",
            "0",
            "3",
            "30",
            "hub",
            "",
            "Community Room, Main Library",
            "101 N Stone Ave, Tucson, AZ 85701",
            SEPARATOR.join(topics),
            SEPARATOR.join(bands),
            f"{first:%Y-%m-%d} 16:00",
            f"{first:%Y-%m-%d} 19:00",
            "Circle practice",
            "Práctica de círculos",
            "Community Room",
            "Sala comunitaria",
        ],
        [
            with_provider,
            "Restorative circles in the K–5 classroom",
            *[""] * 17,
            f"{repeat:%Y-%m-%d} 16:00",
            f"{repeat:%Y-%m-%d} 19:00",
            "Circle practice, part 2",
            "Práctica de círculos, parte 2",
            "Community Room",
            "Sala comunitaria",
        ],
        [
            with_provider,
            "Math talks for early learners (webinar)",
            "",
            "Short number-sense routines for any classroom.",
            "",
            "",
            "",
            "webinar",
            "virtual",
            "bilingual",
            "15",
            "1.5",
            "",
            "external",
            "https://example.org/register",
            "",
            "",
            topics[0],
            bands[0] if bands else "",
            f"{second:%Y-%m-%d} 15:30",
            f"{second:%Y-%m-%d} 17:00",
            "",
            "",
            "",
            "",
        ],
    ]
    if with_provider is None:
        rows = [row[1:] for row in rows]
    return [header, *rows]
