"""Every write that matters in the catalog: registering, cancelling, promoting from the
waiting list, approving listings. Plain functions with keyword-only arguments, one
transaction each. Seat counts are decided under a row lock on the event, so two
educators racing for the last seat can never both get it."""

import logging
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, Max, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trec.accounts.roles import is_coordinator
from trec.audit import Step, audit_record
from trec.notifications import services as notifications
from trec.notifications.kinds import stamp
from trec.notifications.models import StaffMessage
from trec.notifications.services import staff_message_write
from trec.notifications.staff_messages import StaffMessageGroup

from . import review_mail, signals
from .covers import cover_renditions_write, cover_theme_sync
from .ical import calendar_changes, calendar_state
from .models import (
    ACTIVE,
    Attendance,
    Event,
    EventSession,
    ListedTitle,
    OutboundClick,
    Registration,
    SavedEvent,
    Topic,
    confirmed_registrations,
)
from .notifications import (
    ListingApproved,
    ListingCancelled,
    ListingReturned,
    event_cancelled_notify,
    event_changed_notify,
    event_withdrawn_notify,
    registration_notify,
    registrations_promoted_notify,
)
from .programs.services import choices_drop_all
from .review import listing_snapshot
from .search import fold_accents, refresh_search_vectors

logger = logging.getLogger(__name__)


class RegistrationClosed(ValidationError):
    """The event does not take registrations on the hub (now)."""


@dataclass(frozen=True)
class RegistrationResult:
    registration: Registration
    created: bool  # False: the educator was already registered; nothing changed


# --- Seats and the waiting list ----------------------------------------------


def _lock_event(event_id: int) -> Event:
    """Take the event's row lock for the rest of the transaction (no-op on SQLite,
    which serialises writers itself)."""
    return Event.objects.select_for_update().get(pk=event_id)


def _confirmed_count(event: Event) -> int:
    return event.registrations.filter(status=Registration.Status.CONFIRMED).count()


def _has_seat(event: Event) -> bool:
    return event.capacity is None or _confirmed_count(event) < event.capacity


def _next_ticket(event: Event) -> int:
    last = event.registrations.aggregate(last=Max("queue_number"))["last"]
    return (last or 0) + 1


def event_seats_sync(*, event: Event) -> None:
    """Recount the event's confirmed registrations into Event.seats_taken (what the
    catalog's cards show). Every service that changes a registration's status calls it
    last, under the event's row lock, so the stored count never misses a change."""
    taken = _confirmed_count(event)
    Event.objects.filter(pk=event.pk).update(seats_taken=taken)
    event.seats_taken = taken


def _confirm(registration: Registration, now) -> None:
    registration.status = Registration.Status.CONFIRMED
    registration.queue_number = None
    registration.confirmed_at = now
    registration.cancelled_at = None


def _waitlist(registration: Registration, event: Event) -> None:
    registration.status = Registration.Status.WAITLISTED
    registration.queue_number = _next_ticket(event)
    registration.cancelled_at = None


def _promote_waiting(event: Event) -> list[Registration]:
    """Fill free seats from the head of the waiting list. Caller holds the event lock."""
    promoted = []
    now = timezone.now()
    while _has_seat(event):
        head = (
            event.registrations.filter(status=Registration.Status.WAITLISTED)
            .order_by("queue_number")
            .first()
        )
        if head is None:
            break
        _confirm(head, now)
        head.save(
            update_fields=["status", "queue_number", "confirmed_at", "cancelled_at", "updated_at"]
        )
        promoted.append(head)
    return promoted


@transaction.atomic
def check_capacity(*, event: Event, capacity: int | None) -> None:
    """Capacity can never drop below the people already confirmed. Counted under the
    event's row lock, held to the end of the caller's transaction (the admin's save),
    so nobody is confirmed between the check and the save."""
    if capacity is None or event.pk is None:
        return
    confirmed = _confirmed_count(_lock_event(event.pk))
    if capacity < confirmed:
        raise ValidationError(
            ngettext(
                "%(count)d person is confirmed: capacity must be at least %(count)d.",
                "%(count)d people are confirmed: capacity must be at least %(count)d.",
                confirmed,
            )
            % {"count": confirmed},
            code="below_confirmed",
        )


def check_open_for_registration(event: Event) -> None:
    if event.status != Event.Status.PUBLISHED:
        raise RegistrationClosed(_("This event is not open for registration."))
    if not event.registers_on_hub:
        raise RegistrationClosed(_("Registration for this event is not on TREC Hub."))
    if event.registration_closed:
        raise RegistrationClosed(_("Registration for this event is closed."))
    if event.is_past:
        raise RegistrationClosed(_("This event has already taken place."))
    if event.is_under_way and not event.joins_after_start:
        raise RegistrationClosed(
            _("This series has already started, and its provider takes no new registrations.")
        )


@transaction.atomic
def registration_create(*, event: Event, user) -> RegistrationResult:
    """Register `user` for `event`: confirmed while seats remain, else waitlisted.

    Registering again while already registered changes nothing (created=False).
    Events that need the provider's approval hold the registration as pending.
    """
    event = _lock_event(event.pk)
    check_open_for_registration(event)
    registration = Registration.objects.filter(event=event, user=user).first()
    if registration is not None and registration.status in ACTIVE:
        return RegistrationResult(registration, created=False)
    if registration is not None and registration.status == Registration.Status.DECLINED:
        # Only the provider reverses a decline (registration_decide).
        raise RegistrationClosed(_("The provider declined your request for a place at this event."))
    if registration is None:
        registration = Registration(event=event, user=user)
    if event.requires_approval:
        registration.status = Registration.Status.PENDING
        registration.queue_number = None
        registration.cancelled_at = None
    elif _has_seat(event):
        _confirm(registration, timezone.now())
    else:
        _waitlist(registration, event)
    registration.save()
    event_seats_sync(event=event)
    registration_notify(registration=registration)
    return RegistrationResult(registration, created=True)


@transaction.atomic
def registration_cancel(*, registration: Registration) -> list[Registration]:
    """Cancel a registration; a freed seat goes to the first person waiting, in the same
    transaction. Returns the registrations promoted."""
    event = _lock_event(registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        return []
    registration.status = Registration.Status.CANCELLED
    registration.queue_number = None
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "queue_number", "cancelled_at", "updated_at"])
    registration_notify(registration=registration)
    if event.kind == Event.Kind.PROGRAM:  # free the session seats it held
        choices_drop_all(registration=registration)
    promoted = _promote_waiting(event)
    event_seats_sync(event=event)
    registrations_promoted_notify(registrations=promoted)
    return promoted


@transaction.atomic
def registration_decide(*, registration: Registration, approve: bool) -> Registration:
    """The provider approves (confirmed, or waitlisted when full) or declines a pending one,
    or reverses a decline by approving it. Anything else is left as it is."""
    event = _lock_event(registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    decidable = [Registration.Status.PENDING]
    if approve:
        decidable.append(Registration.Status.DECLINED)
    if registration.status not in decidable:
        return registration
    if not approve:
        registration.status = Registration.Status.DECLINED
    elif _has_seat(event):
        _confirm(registration, timezone.now())
    else:
        _waitlist(registration, event)
    registration.save()
    event_seats_sync(event=event)
    registration_notify(registration=registration)
    return registration


@transaction.atomic
def waitlist_fill(*, event: Event) -> list[Registration]:
    """After capacity grows, promote people waiting into the new seats."""
    locked = _lock_event(event.pk)
    promoted = _promote_waiting(locked)
    event_seats_sync(event=locked)
    registrations_promoted_notify(registrations=promoted)
    return promoted


# --- Listings -----------------------------------------------------------------


def _next_session(event_ref, now):
    return (
        EventSession.objects.filter(event_id=event_ref, ends_at__gte=now)
        .order_by("starts_at", "pk")
        .values("starts_at", "ends_at")
    )


def event_sync_schedule(*, event: Event) -> None:
    """Copy the first session's start, the last session's end and the next session (the
    first not yet over) onto the event."""
    span = event.sessions.aggregate(first=Min("starts_at"), last=Max("ends_at"))
    upcoming = _next_session(event.pk, timezone.now()).first() or {}
    schedule = {
        "starts_at": span["first"],
        "ends_at": span["last"],
        "next_starts_at": upcoming.get("starts_at"),
        "next_ends_at": upcoming.get("ends_at"),
    }
    Event.objects.filter(pk=event.pk).update(**schedule)
    for name, value in schedule.items():
        setattr(event, name, value)


def seats_refresh(*, event_ids=None) -> int:
    """Recount Event.seats_taken for many events in one statement (the data migration,
    demo and bench seeds, which write registrations in bulk, outside the services)."""
    events = Event.objects.all() if event_ids is None else Event.objects.filter(pk__in=event_ids)
    return events.update(seats_taken=confirmed_registrations())


LINKS = {"topic_ids": ("topics", "topic_id"), "grade_band_ids": ("grade_bands", "gradeband_id")}


def event_links_sync(*, event_ids=None, fields=tuple(LINKS)) -> None:
    """Store each event's topic and grade band ids, sorted, on the event (Event.topic_ids,
    Event.grade_band_ids) from its links, for `event_ids` (all events when None). Run on
    every change to the links (event_links_changed) and after links written in bulk (the
    demo seeds). On Postgres one UPDATE; on SQLite the lists are read and written back."""
    events = Event.objects.all() if event_ids is None else Event.objects.filter(pk__in=event_ids)
    links = {name: getattr(Event, LINKS[name][0]).through.objects for name in fields}
    if connection.vendor == "postgresql":
        events.update(
            **{
                name: Coalesce(
                    ArraySubquery(
                        links[name]
                        .filter(event_id=OuterRef("pk"))
                        .order_by(LINKS[name][1])
                        .values(LINKS[name][1])
                    ),
                    Value([], output_field=Event._meta.get_field(name)),
                )
                for name in fields
            }
        )
        return
    ids = list(events.values_list("pk", flat=True))
    found = {name: {pk: [] for pk in ids} for name in fields}
    for name in fields:
        column = LINKS[name][1]
        rows = links[name].filter(event_id__in=ids).order_by(column).values_list("event_id", column)
        for event_id, linked in rows:
            found[name][event_id].append(linked)
    rows = [Event(pk=pk, **{name: found[name][pk] for name in fields}) for pk in ids]
    Event.objects.bulk_update(rows, list(fields), batch_size=500)


def event_links_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """m2m_changed receiver for Event.topics and Event.grade_bands (connected in
    events.apps): whichever side changed them, the events' stored ids follow."""
    name = next(name for name, link in LINKS.items() if getattr(Event, link[0]).through is sender)
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            event_links_sync(event_ids=[instance.pk], fields=(name,))
        return
    if action == "pre_clear":  # the events are not known after the clear
        column = "topic" if name == "topic_ids" else "gradeband"
        through = sender.objects.filter(**{f"{column}_id": instance.pk})
        instance._links_clearing = list(through.values_list("event_id", flat=True))
    elif action == "post_clear":
        event_links_sync(event_ids=getattr(instance, "_links_clearing", []), fields=(name,))
    elif action in ("post_add", "post_remove"):
        event_links_sync(event_ids=pk_set or [], fields=(name,))


def links_target_deleting(sender, instance, **kwargs) -> None:
    """pre_delete receiver for Topic and GradeBand: their links go with them (a cascade,
    which sends no m2m_changed), so note whose stored ids to recompute once they are."""
    field = "topics" if sender is Topic else "grade_bands"
    through = getattr(Event, field).through.objects
    column = "topic_id" if sender is Topic else "gradeband_id"
    instance._links_clearing = list(
        through.filter(**{column: instance.pk}).values_list("event_id", flat=True)
    )


def links_target_deleted(sender, instance, **kwargs) -> None:
    """post_delete receiver for Topic and GradeBand (see links_target_deleting)."""
    name = "topic_ids" if sender is Topic else "grade_band_ids"
    event_links_sync(event_ids=getattr(instance, "_links_clearing", []), fields=(name,))


def _listed_title(title: str, title_es: str) -> ListedTitle:
    return ListedTitle(
        title=title, title_es=title_es, folded=fold_accents(f"{title} {title_es}").lower()
    )


def listed_title_note(event: Event) -> None:
    """Add the event's title to the suggestions' titles once it is listed (its edits
    too; titles no longer listed leave at the next listed_titles_refresh)."""
    if Event.objects.listed().filter(pk=event.pk).exists():
        ListedTitle.objects.bulk_create(
            [_listed_title(event.title, event.title_es)], ignore_conflicts=True
        )


def listed_titles_refresh() -> int:
    """Rebuild ListedTitle from the listed events (Celery beat, every minute, with the
    next sessions): titles listed since are added, titles no longer listed dropped.
    Returns how many rows changed."""
    listed = set(Event.objects.listed().order_by().values_list("title", "title_es").distinct())
    stored = {(row.title, row.title_es): row.pk for row in ListedTitle.objects.all()}
    gone = [pk for key, pk in stored.items() if key not in listed]
    ListedTitle.objects.filter(pk__in=gone).delete()
    new = [_listed_title(*key) for key in listed if key not in stored]
    ListedTitle.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    return len(gone) + len(new)


def next_sessions_refresh(*, event_ids=None) -> int:
    """Move each event's stored next session on once it is over (Celery beat, every
    minute), or recompute it for `event_ids`. Only events whose stored next session has
    ended are touched (an index finds them). Returns how many were updated."""
    now = timezone.now()
    events = Event.objects.all()
    if event_ids is None:
        events = events.filter(next_ends_at__lt=now)
    else:
        events = events.filter(pk__in=event_ids)
    upcoming = _next_session(OuterRef("pk"), now)
    return events.update(
        next_starts_at=Subquery(upcoming.values("starts_at")[:1]),
        next_ends_at=Subquery(upcoming.values("ends_at")[:1]),
    )


@transaction.atomic
def event_calendar_follow(*, event: Event) -> list[dict]:
    """Compare what calendars show of the event with what they showed last; on a change,
    bump its SEQUENCE and tell everyone registered or waiting what changed (which
    session was added, moved or removed; the venue; the join link), with an updated
    calendar file. Returns the changes."""
    locked = _lock_event(event.pk)
    state = calendar_state(locked, locked.sessions.order_by("starts_at", "pk"))
    if state == locked.calendar_state:
        return []
    known = bool(locked.calendar_state)
    changes = calendar_changes(locked.calendar_state, state) if known else []
    locked.calendar_sequence += 1 if known else 0
    locked.calendar_state = state
    Event.objects.filter(pk=event.pk).update(
        calendar_state=state, calendar_sequence=locked.calendar_sequence
    )
    event.calendar_sequence, event.calendar_state = locked.calendar_sequence, state
    if changes:
        event_changed_notify(event=locked, changes=changes)
    return changes


def event_saved(*, event: Event) -> None:
    """Everything derived from an event after it (or its sessions) changed."""
    event_sync_schedule(event=event)
    cover_theme_sync(event)
    cover_renditions_write(event)
    refresh_search_vectors(event_ids=[event.pk])
    listed_title_note(event)
    event_calendar_follow(event=event)


@dataclass(frozen=True)
class EventSaved:
    """What a back-office save did besides writing the fields (for the page's messages)."""

    submitted: bool = False  # newly sent to the coordinators for review
    published: bool = False
    refused: str = ""  # why publishing was refused (the listing stays as it was)
    unlisted: bool = False  # taken off the catalog
    told: int = 0  # registrants e-mailed because it left the catalog
    promoted: int = 0  # people moved from the waiting list into new seats


def _capacity_grew(old: int | None, new: int | None) -> bool:
    if old is None:
        return False  # it was unlimited: nobody can be waiting for a seat
    return new is None or new > old


@transaction.atomic
def event_save(*, event: Event, by, status: str, capacity_before: int | None = None) -> EventSaved:
    """A listing saved in the back office, its sessions included. What derives from it is
    recomputed (``event_saved``), then its status moves only the ways the rules allow:
    provider staff's saves go to review (``event_submit``); a coordinator's choice of
    `status` publishes through ``event_approve``, takes a published listing off the
    catalog through ``event_unpublish`` (registrants told), and is written as it is
    otherwise. Capacity that grew from `capacity_before` (None: a new listing) fills
    seats from the waiting list."""
    event_saved(event=event)
    outcome = {}
    if not is_coordinator(by):
        newly = event.status == Event.Status.DRAFT
        event_submit(event=event, actor=by)
        outcome["submitted"] = newly and event.status == Event.Status.SUBMITTED
    elif status != event.status:
        if status == Event.Status.PUBLISHED:
            try:
                event_approve(event=event, actor=by)
            except ValidationError as refused:
                outcome["refused"] = refused.messages[0]
            else:
                outcome["published"] = True
        elif event.status == Event.Status.PUBLISHED:
            outcome["told"] = event_unpublish(event=event, status=status, actor=by)
            outcome["unlisted"] = True
        else:
            event.status = status
            event.save(update_fields=["status", "updated_at"])
    if _capacity_grew(capacity_before, event.capacity):
        outcome["promoted"] = len(waitlist_fill(event=event))
    return EventSaved(**outcome)


def _tell_provider(event: Event, *, kind: str) -> None:
    """The provider's staff (each in their language) and its contact address (in the hub's
    default language) hear about their listing through the outbox."""
    window = stamp(event.updated_at)
    told = set()
    staff = event.provider.memberships.filter(user__is_active=True)
    for user_id, email in staff.values_list("user_id", "user__email"):
        notifications.notification_enqueue(
            kind=kind, subject=event, recipient=user_id, window=window
        )
        told.add(email.lower())
    contact = event.provider.contact_email
    if contact and contact.lower() not in told:
        notifications.notification_enqueue(kind=kind, subject=event, email=contact, window=window)


@transaction.atomic
def event_submit(*, event: Event, actor=None) -> Event:
    """A provider's save sends a draft or returned listing to coordinators for review;
    the coordinators hear of it when it newly awaits them (at once, or in their daily
    digest: events.review_mail)."""
    if event.status in (Event.Status.DRAFT, Event.Status.SUBMITTED):
        newly = event.status == Event.Status.DRAFT
        event.status = Event.Status.SUBMITTED
        fields = ["status", "updated_at"]
        if newly or event.submitted_at is None:
            event.submitted_at = timezone.now()
            fields.append("submitted_at")
        event.save(update_fields=fields)
        if newly:
            audit_record(
                obj=event,
                step=Step.SUBMIT,
                actor=actor,
                changes={"status": (Event.Status.DRAFT, Event.Status.SUBMITTED)},
            )
            review_mail.submission_notify(event=event)
    return event


@transaction.atomic
def event_approve(*, event: Event, actor=None) -> Event:
    """A coordinator publishes a submitted listing; the provider is told. A listing whose
    sessions have all ended is refused (it stays as it was). What was approved is kept
    (``approved_snapshot``): a later resubmission shows what changed since."""
    if event.status == Event.Status.PUBLISHED:
        return event
    if event.is_past:
        raise ValidationError(
            _(
                "“%(title)s” cannot be published: all its sessions have ended. Return it to "
                "the provider to add upcoming dates."
            )
            % {"title": event.title}
        )
    before = event.status
    event.status = Event.Status.PUBLISHED
    event.review_comment = ""
    event.published_at = event.published_at or timezone.now()
    event.approved_snapshot = listing_snapshot(event)
    event.save(
        update_fields=[
            "status",
            "review_comment",
            "published_at",
            "approved_snapshot",
            "updated_at",
        ]
    )
    audit_record(
        obj=event,
        step=Step.APPROVE if before == Event.Status.SUBMITTED else Step.PUBLISH,
        actor=actor,
        changes={"status": (before, Event.Status.PUBLISHED)},
    )
    # Educators whose saved searches and follows it matches hear about it (once).
    signals.listing_published.send(sender=Event, event=event)
    _tell_provider(event, kind=ListingApproved.code)
    return event


UNLISTED = (Event.Status.DRAFT, Event.Status.SUBMITTED, Event.Status.ARCHIVED)


def _unpublish_tells(event: Event, status: str) -> bool:
    # An event that has ended is simply archived: nobody is counting on it any more.
    return event.status == Event.Status.PUBLISHED and not (
        status == Event.Status.ARCHIVED and event.is_past
    )


def event_unpublish_audience(*, event: Event, status: str) -> int:
    """How many people taking this listing to `status` would e-mail (the number a
    coordinator confirms first); 0 when it is not published."""
    if not _unpublish_tells(event, status):
        return 0
    return event.registrations.filter(status__in=ACTIVE).count()


@transaction.atomic
def event_unpublish(*, event: Event, status: str, comment: str = "", actor=None) -> int:
    """A listing goes to `status` (draft, submitted for review, archived); if it was
    published it leaves the catalog and everyone registered or waiting is told. The one
    road for a return and for a coordinator's change of the status field. Returns how
    many were told."""
    if status not in UNLISTED:
        raise ValueError(f"{status} is not an unlisted status")
    locked = _lock_event(event.pk)
    tell = _unpublish_tells(locked, status)
    before = locked.status
    locked.status = status
    fields = ["status", "updated_at"]
    if comment:
        locked.review_comment = comment
        fields.append("review_comment")
    locked.save(update_fields=fields)
    audit_record(
        obj=locked,
        step=Step.RETURN if comment and status == Event.Status.DRAFT else Step.STATUS,
        actor=actor,
        changes={"status": (before, status)},
        note=comment,
    )
    event.status, event.review_comment = locked.status, locked.review_comment
    event.updated_at = locked.updated_at
    return event_withdrawn_notify(event=locked) if tell else 0


@transaction.atomic
def event_return(*, event: Event, comment: str, actor=None) -> Event:
    """A coordinator sends a listing back to its provider with a comment (the provider
    is told). A published listing leaves the catalog: everyone registered or waiting
    hears it is on hold."""
    if not comment.strip():
        raise ValidationError(_("Say what the provider should change."))
    event_unpublish(event=event, status=Event.Status.DRAFT, comment=comment.strip(), actor=actor)
    _tell_provider(event, kind=ListingReturned.code)
    return event


@transaction.atomic
def event_cancel(*, event: Event, reason: str = "", actor=None) -> int:
    """Cancel an event: everyone registered or waiting, and the provider, are told.
    Returns how many registrants."""
    event = _lock_event(event.pk)
    if event.status == Event.Status.CANCELLED:
        return 0
    before = event.status
    event.status = Event.Status.CANCELLED
    event.calendar_sequence += 1  # the cancellation's METHOD:CANCEL outranks every request
    event.save(update_fields=["status", "calendar_sequence", "updated_at"])
    audit_record(
        obj=event,
        step=Step.CANCEL,
        actor=actor,
        changes={"status": (before, Event.Status.CANCELLED)},
        note=reason,
    )
    _tell_provider(event, kind=ListingCancelled.code)
    # Through the outbox: once per registrant, in their language, sent by the workers.
    return event_cancelled_notify(event=event, reason=reason)


AUDIENCES = {
    StaffMessage.Audience.CONFIRMED: Q(status=Registration.Status.CONFIRMED),
    StaffMessage.Audience.WAITING: Q(
        status__in=(Registration.Status.WAITLISTED, Registration.Status.PENDING)
    ),
    StaffMessage.Audience.ATTENDED: Q(
        Exists(Attendance.objects.filter(registration=OuterRef("pk")))
    ),
    StaffMessage.Audience.ALL: Q(status__in=ACTIVE),
}


def registrants_for(*, event: Event, audience: str):
    """The registrations a staff message to `audience` reaches (active accounts only)."""
    return event.registrations.filter(AUDIENCES[audience], user__is_active=True)


def registrants_group(*, event: Event, sender) -> StaffMessageGroup:
    """An event's registrants as `sender` writes to them: everyone, confirmed, waiting
    or attended; replies go to the provider's contact address, else to the sender."""
    labels = dict(StaffMessage.Audience.choices)
    return StaffMessageGroup(
        about=event,
        audiences={
            audience: (
                labels[audience],
                registrants_for(event=event, audience=audience).values_list("user_id", flat=True),
            )
            for audience in (
                StaffMessage.Audience.ALL,
                StaffMessage.Audience.CONFIRMED,
                StaffMessage.Audience.WAITING,
                StaffMessage.Audience.ATTENDED,
            )
        },
        reply_to=event.provider.contact_email or sender.email,
        sent=lambda count: (
            ngettext(
                "Your message was sent to %(count)d registrant.",
                "Your message was sent to %(count)d registrants.",
                count,
            )
            % {"count": count}
        ),
    )


def registrants_email(
    *, event: Event, subject: str, body: str, sender, audience: str = StaffMessage.Audience.ALL
) -> StaffMessage:
    """A provider or coordinator writes to the event's registrants (the chosen audience,
    or only themselves for a test); the message joins the event's log."""
    return staff_message_write(
        group=registrants_group(event=event, sender=sender),
        subject=subject,
        body=body,
        sender=sender,
        audience=audience,
    )


# --- Small educator actions ------------------------------------------------------


def outbound_click_record(*, event: Event, user, visitor_key: str) -> bool:
    """Count a click through to the provider's site: one per person or device a day
    (the unique `visitor_key` decides, also for clicks at the same moment). Returns
    whether this one counted."""
    try:
        with transaction.atomic():
            OutboundClick.objects.create(
                event=event,
                user=user if user.is_authenticated else None,
                visitor_key=visitor_key,
            )
    except IntegrityError:
        return False
    return True


def saved_event_toggle(*, event: Event, user) -> bool:
    """Save or unsave an event for later; returns True when it is now saved."""
    deleted, _ = SavedEvent.objects.filter(event=event, user=user).delete()
    if deleted:
        return False
    SavedEvent.objects.get_or_create(event=event, user=user)
    return True


def unique_slug(title: str) -> str:
    """A slug made from `title` that no event has yet ("-2", "-3"… when taken)."""
    base = slugify(title)[:200].strip("-") or "event"
    slug, n = base, 1
    while Event.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
