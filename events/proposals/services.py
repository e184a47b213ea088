"""Writes for calls for proposals: submitting, co-presenters, review, decisions,
scheduling, the presenter's confirmation and presenter PD hours.

Each function is one transaction; messages go through the notifications outbox (rows
written in the same transaction, sent after commit). Scheduling takes the call's row
lock, so two coordinators placing sessions at once are served one after the other and
the second sees the first one's placement; a unique constraint on (room, slot) backs it.
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import EventSession
from events.services import event_saved
from trec.notifications.services import notification_enqueue
from trec.transcripts.models import Credit
from trec.transcripts.services import credits_replace, quarter_hours

from .models import Call, Conflict, Presenter, Proposal, Review, Reviewer, Room, Slot
from .notifications import CoPresenterInvited, ProposalDecided, ProposalScheduled

User = get_user_model()


class ProposalError(ValidationError):
    """The action cannot be done now (closed call, taken room, double-booked presenter)."""


EDITABLE = (Proposal.Status.DRAFT, Proposal.Status.SUBMITTED)


def _lock_call(call_id: int) -> Call:
    return Call.objects.select_for_update().get(pk=call_id)


def _lock_proposal(proposal_id: int) -> Proposal:
    """The proposal's row only (the call is locked on purpose, by _lock_call)."""
    return (
        Proposal.objects.select_for_update(of=("self",)).select_related("call").get(pk=proposal_id)
    )


def _notify(*, user_id: int, kind: str, subject, window: str = "", data=None) -> None:
    notification_enqueue(recipient=user_id, kind=kind, subject=subject, window=window, data=data)


def _presenting_user_ids(proposal: Proposal) -> list[int]:
    """The lead and the co-presenters who confirmed."""
    return list(
        proposal.presenters.filter(status=Presenter.Status.CONFIRMED, user__isnull=False)
        .order_by("pk")
        .values_list("user_id", flat=True)
    )


# --- Submitting -------------------------------------------------------------------------


def _invite(presenter: Presenter) -> None:
    """E-mail the invitation: to the account with that address, or to the bare address
    (in the lead's language) when nobody has an account yet; the invitation also waits on
    "My hub" for whoever signs up with the address."""
    user_id = (
        User.objects.filter(email__iexact=presenter.email, is_active=True)
        .values_list("pk", flat=True)
        .first()
    )
    if user_id is not None:
        _notify(user_id=user_id, kind=CoPresenterInvited.code, subject=presenter)
    else:
        notification_enqueue(
            kind=CoPresenterInvited.code,
            subject=presenter,
            email=presenter.email,
            language=presenter.proposal.submitted_by.preferred_language,
        )


def _sync_co_presenters(proposal: Proposal, emails: Iterable[str]) -> None:
    wanted = {email.strip().lower() for email in emails if email.strip()}
    wanted.discard(proposal.submitted_by.email.lower())
    current = {p.email.lower(): p for p in proposal.presenters.filter(is_lead=False)}
    for email, presenter in current.items():
        if email not in wanted:
            presenter.delete()
    for email in sorted(wanted - set(current)):
        _invite(Presenter.objects.create(proposal=proposal, email=email))


@transaction.atomic
def proposal_save(
    *,
    call: Call,
    user,
    fields: dict,
    grade_bands,
    topics,
    answers: dict,
    bio: str,
    photo=None,
    co_presenters: Iterable[str] = (),
    submit: bool,
    proposal: Proposal | None = None,
) -> Proposal:
    """Create or change a proposal (a draft, or submitted when `submit`) with the lead
    presenter's bio and photo and the co-presenters to invite. Refused once the call
    has closed, and for proposals withdrawn or already decided. `fields` holds the
    proposal's own fields (title, abstract, session_format)."""
    call = _lock_call(call.pk)
    if not call.is_open():
        raise ProposalError(_("This call for proposals is closed."))
    if proposal is None:
        proposal = Proposal(call=call, submitted_by=user)
    else:
        proposal = _lock_proposal(proposal.pk)
        if proposal.submitted_by_id != user.pk or proposal.call_id != call.pk:
            raise ProposalError(_("Only the lead presenter can change this proposal."))
        if proposal.status not in EDITABLE:
            raise ProposalError(_("This proposal can no longer be changed."))
    for name, value in fields.items():
        setattr(proposal, name, value)
    proposal.answers = answers
    if submit and proposal.status == Proposal.Status.DRAFT:
        proposal.status = Proposal.Status.SUBMITTED
        proposal.submitted_at = timezone.now()
    proposal.full_clean(exclude=["grade_bands", "topics"])
    proposal.save()
    proposal.grade_bands.set(grade_bands)
    proposal.topics.set(topics)
    lead, _created = Presenter.objects.get_or_create(
        proposal=proposal,
        is_lead=True,
        defaults={
            "user": user,
            "email": user.email.lower(),
            "status": Presenter.Status.CONFIRMED,
            "responded_at": timezone.now(),
        },
    )
    lead.bio = bio
    if photo:
        lead.photo = photo
    lead.save()
    _sync_co_presenters(proposal, co_presenters)
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, user) -> Proposal:
    """The lead presenter takes a proposal back (a draft, submitted or wait-listed one;
    an accepted one too while it is not scheduled)."""
    proposal = _lock_proposal(proposal.pk)
    if proposal.submitted_by_id != user.pk:
        raise ProposalError(_("Only the lead presenter can withdraw this proposal."))
    if proposal.status in (Proposal.Status.WITHDRAWN, Proposal.Status.DECLINED):
        raise ProposalError(_("This proposal is no longer under consideration."))
    if proposal.is_scheduled:
        raise ProposalError(
            _("This session is on the program already: please write to the coordinators.")
        )
    proposal.status = Proposal.Status.WITHDRAWN
    proposal.save(update_fields=["status", "updated_at"])
    return proposal


@transaction.atomic
def invitation_respond(*, presenter: Presenter, user, accept: bool, bio: str = "", photo=None):
    """A co-presenter confirms (with their bio and photo) or declines. Only the account
    with the invited address may answer."""
    presenter = Presenter.objects.select_for_update().get(pk=presenter.pk)
    if presenter.is_lead or presenter.email.lower() != user.email.lower():
        raise ProposalError(_("This invitation was sent to another e-mail address."))
    if presenter.proposal.status == Proposal.Status.WITHDRAWN:
        raise ProposalError(_("This proposal was withdrawn."))
    presenter.user = user
    presenter.status = Presenter.Status.CONFIRMED if accept else Presenter.Status.DECLINED
    presenter.responded_at = timezone.now()
    if accept:
        presenter.bio = bio
        if photo:
            presenter.photo = photo
    presenter.full_clean()
    presenter.save()
    return presenter


# --- Review ---------------------------------------------------------------------------------


def _check_reviewer(proposal: Proposal, user) -> None:
    if not Reviewer.objects.filter(call_id=proposal.call_id, user=user).exists():
        raise ProposalError(_("You are not on this call's review committee."))
    if Conflict.objects.filter(proposal=proposal, reviewer=user).exists():
        raise ProposalError(_("You declared a conflict of interest with this proposal."))
    if proposal.status in (Proposal.Status.DRAFT, Proposal.Status.WITHDRAWN):
        raise ProposalError(_("This proposal is not under review."))


@transaction.atomic
def review_save(*, proposal: Proposal, reviewer, scores: dict[int, int], comment: str) -> Review:
    """A committee member scores a proposal on every criterion of the call (1–5) and
    comments; scoring again replaces their review."""
    proposal = _lock_proposal(proposal.pk)
    _check_reviewer(proposal, reviewer)
    criteria = set(proposal.call.criteria.values_list("pk", flat=True))
    if set(scores) != criteria or any(not 1 <= value <= 5 for value in scores.values()):
        raise ProposalError(_("Score every criterion from 1 to 5."))
    mean = (Decimal(sum(scores.values())) / len(scores)).quantize(Decimal("0.01"))
    review, _created = Review.objects.update_or_create(
        proposal=proposal,
        reviewer=reviewer,
        defaults={
            "scores": {str(pk): value for pk, value in sorted(scores.items())},
            "score": mean,
            "comment": comment.strip(),
        },
    )
    return review


@transaction.atomic
def conflict_declare(*, proposal: Proposal, reviewer, reason: str = "") -> Conflict:
    """A committee member declares a conflict of interest (same district or provider as
    a presenter, a colleague, a friend): the proposal disappears from their list and any
    score they gave is removed."""
    if not Reviewer.objects.filter(call_id=proposal.call_id, user=reviewer).exists():
        raise ProposalError(_("You are not on this call's review committee."))
    conflict, _created = Conflict.objects.get_or_create(
        proposal=proposal, reviewer=reviewer, defaults={"reason": reason.strip()[:300]}
    )
    Review.objects.filter(proposal=proposal, reviewer=reviewer).delete()
    return conflict


# --- Decisions ----------------------------------------------------------------------------


@transaction.atomic
def proposals_decide(
    *, call: Call, proposal_ids: Iterable[int], status: str, message: str, message_es: str
) -> tuple[int, int]:
    """Accept, wait-list or decline submitted proposals of the call in bulk; their
    presenters hear it (in their own language, with the coordinator's message in it).
    Scheduled proposals keep their place (unchanged). Returns (decided, left_alone)."""
    if status not in Proposal.DECISIONS:
        raise ProposalError(_("Choose accept, wait-list or decline."))
    rows = list(
        Proposal.objects.select_for_update()
        .filter(call=call, pk__in=list(proposal_ids))
        .submitted()
        .order_by("pk")
    )
    now = timezone.now()
    decided = []
    for proposal in rows:
        if proposal.is_scheduled or proposal.status == Proposal.Status.WITHDRAWN:
            continue
        if proposal.status == status:
            continue
        proposal.status = status
        proposal.decided_at = now
        proposal.save(update_fields=["status", "decided_at", "updated_at"])
        decided.append(proposal)
    data = {"message": message.strip(), "message_es": message_es.strip()}
    for proposal in decided:
        for user_id in _presenting_user_ids(proposal):
            _notify(
                user_id=user_id,
                kind=ProposalDecided.code,
                subject=proposal,
                window=f"{status}@{now:%Y%m%dT%H%M%S}",
                data=data,
            )
    return len(decided), len(rows) - len(decided)


# --- Scheduling --------------------------------------------------------------------------


def _overlapping(slot: Slot) -> Q:
    return Q(slot__starts_at__lt=slot.ends_at, slot__ends_at__gt=slot.starts_at)


def _check_room(proposal: Proposal, room: Room, slot: Slot) -> None:
    taken = (
        Proposal.objects.filter(room=room, slot__in=Slot.objects.filter(call=slot.call_id))
        .filter(_overlapping(slot))
        .exclude(pk=proposal.pk)
        .first()
    )
    if taken is not None:
        raise ProposalError(
            _("%(room)s is taken at that time by “%(title)s”.")
            % {"room": room.name, "title": taken.title}
        )
    other_session = (
        EventSession.objects.filter(
            event_id=proposal.call.event_id,
            location=room.name,
            starts_at__lt=slot.ends_at,
            ends_at__gt=slot.starts_at,
        )
        .exclude(pk=proposal.session_id)
        .first()
    )
    if other_session is not None:
        raise ProposalError(
            _("%(room)s is taken at that time by “%(title)s”.")
            % {"room": room.name, "title": other_session.title}
        )


def _check_presenters(proposal: Proposal, slot: Slot) -> None:
    user_ids = _presenting_user_ids(proposal)
    clash = (
        Presenter.objects.filter(
            user_id__in=user_ids,
            status=Presenter.Status.CONFIRMED,
            proposal__slot__starts_at__lt=slot.ends_at,
            proposal__slot__ends_at__gt=slot.starts_at,
        )
        .exclude(proposal=proposal)
        .select_related("user", "proposal")
        .first()
    )
    if clash is not None:
        raise ProposalError(
            _("%(name)s already presents “%(title)s” at that time.")
            % {"name": clash.user.display_name, "title": clash.proposal.title}
        )


@transaction.atomic
def proposal_schedule(
    *, proposal: Proposal, room: Room, slot: Slot, capacity: int | None = None
) -> Proposal:
    """Place an accepted proposal into one of the call's rooms in one of its slots: it
    becomes (or moves) a session of the program, with its presenters, abstract and PD
    hours, and its presenters are asked to confirm. Refused when the room is taken then,
    when a presenter already presents at that time, or when `capacity` (seats offered;
    the room's by default) is more than the room holds."""
    call = _lock_call(proposal.call_id)
    proposal = _lock_proposal(proposal.pk)
    if proposal.status != Proposal.Status.ACCEPTED:
        raise ProposalError(_("Only accepted proposals can be scheduled."))
    if room.call_id != call.pk or slot.call_id != call.pk:
        raise ProposalError(_("Choose a room and a time slot of this call."))
    capacity = room.capacity if capacity is None else capacity
    if capacity > room.capacity:
        raise ProposalError(
            _("%(room)s holds %(seats)s people: offer at most that many seats.")
            % {"room": room.name, "seats": room.capacity}
        )
    _check_room(proposal, room, slot)
    _check_presenters(proposal, slot)
    names = ", ".join(
        p.user.display_name
        for p in proposal.presenters.filter(status=Presenter.Status.CONFIRMED).select_related(
            "user"
        )
    )
    session = proposal.session or EventSession(event=call.event)
    session.title = proposal.title
    session.description = proposal.abstract
    session.starts_at, session.ends_at = slot.starts_at, slot.ends_at
    session.location, session.location_es = room.name, room.name_es
    session.capacity = capacity
    session.presenters = names[:300]
    session.pd_hours = quarter_hours(slot.minutes)
    session_format = proposal.session_format
    session.track = session_format.name if session_format else ""
    session.track_es = session_format.name_es if session_format else ""
    session.save()
    moved = (proposal.room_id, proposal.slot_id) != (room.pk, slot.pk)
    proposal.room, proposal.slot, proposal.session = room, slot, session
    if moved:
        proposal.presenter_confirmed_at = None
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError as exc:  # the (room, slot) constraint: never reached under the lock
        raise ProposalError(_("%(room)s is taken at that time.") % {"room": room.name}) from exc
    event_saved(event=call.event)
    if moved:
        for user_id in _presenting_user_ids(proposal):
            _notify(
                user_id=user_id,
                kind=ProposalScheduled.code,
                subject=proposal,
                window=f"{room.pk}@{slot.pk}",
            )
    return proposal


@transaction.atomic
def presentation_confirm(*, proposal: Proposal, user) -> Proposal:
    """A presenter confirms they will give the session at the time and place set."""
    proposal = _lock_proposal(proposal.pk)
    if user.pk not in _presenting_user_ids(proposal):
        raise ProposalError(_("Only this session's presenters can confirm it."))
    if not proposal.is_scheduled:
        raise ProposalError(_("This proposal is not on the program yet."))
    if proposal.presenter_confirmed_at is None:
        proposal.presenter_confirmed_at = timezone.now()
        proposal.save(update_fields=["presenter_confirmed_at", "updated_at"])
    return proposal


# --- Presenter PD hours ------------------------------------------------------------------


def _presenter_hours(call: Call, slot: Slot) -> Decimal:
    if call.credit_rule == Call.CreditRule.FIXED:
        return call.credit_hours or Decimal(0)
    if call.credit_rule == Call.CreditRule.SESSION:
        return quarter_hours(slot.minutes)
    return Decimal(0)


@transaction.atomic
def presenter_credits_sync(*, call: Call, now: datetime.datetime | None = None) -> dict:
    """The "presenter" rows of the transcript for this call, by the call's rule: every
    presenter of a confirmed session that has ended earns the hours. Idempotent (a
    cancelled or moved session takes its rows back)."""
    now = now or timezone.now()
    call = Call.objects.select_related("event__provider").get(pk=call.pk)
    proposals = list(Proposal.objects.filter(call=call).select_related("slot"))
    desired = {}
    for proposal in proposals:
        slot = proposal.slot
        if slot is None or proposal.presenter_confirmed_at is None or slot.ends_at > now:
            continue
        hours = _presenter_hours(call, slot)
        if hours <= 0:
            continue
        for user_id in _presenting_user_ids(proposal):
            desired[(user_id, proposal.pk)] = {
                "hours": hours,
                "earned_on": timezone.localdate(slot.starts_at),
                "title": proposal.title,
                "provider_name": call.event.title,
                "event_id": call.event_id,
            }
    return credits_replace(
        source=Credit.Source.PRESENTER,
        source_ids=[proposal.pk for proposal in proposals],
        desired=desired,
    )


def presenter_credits_sync_due(*, now: datetime.datetime | None = None) -> int:
    """Every call with a session that ended in the last two weeks (beat, hourly)."""
    now = now or timezone.now()
    calls = Call.objects.filter(
        slots__ends_at__lte=now, slots__ends_at__gte=now - datetime.timedelta(days=14)
    ).distinct()
    for call in calls:
        presenter_credits_sync(call=call, now=now)
    return len(calls)
