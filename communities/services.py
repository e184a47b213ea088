"""Every write that matters in a Community of Practice: applying, withdrawing, the
coordinators' and facilitators' decisions, e-mail to the cohort and meeting attendance.

Plain functions with keyword-only arguments, one transaction each. Decisions that fill
seats are taken under a row lock on the community, so two coordinators accepting at
the same time can never put more people in a cohort than it has seats.

E-mail: each decision goes into the notifications outbox (communities/notifications.py)
and is sent once by the workers after commit. The cohort e-mail a facilitator writes
is sent directly, after commit, over one connection.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trec.attendance import attendance_grid_save
from trec.audit import Step, audit_record
from trec.notifications.models import StaffMessage
from trec.notifications.services import notifications_enqueue_many, staff_message_write
from trec.notifications.staff_messages import StaffMessageGroup
from trec.transcripts.models import Credit
from trec.transcripts.services import credits_replace, quarter_hours

from .access import can_manage
from .models import Community, Meeting, MeetingAttendance, Membership, Post, Thread
from .notifications import MembershipDecision, decision_window

Status = Membership.Status


class ApplicationRefused(ValidationError):
    """The community does not take this application (closed, not eligible, decided)."""


@dataclass(frozen=True)
class ApplyResult:
    membership: Membership
    created: bool  # False: an application was already active; nothing changed


@dataclass
class DecisionResult:
    changed: list[Membership] = field(default_factory=list)
    # Asked to accept, but the cohort was full: they went to the waiting list instead.
    waitlisted_for_capacity: list[Membership] = field(default_factory=list)


# --- Eligibility ---------------------------------------------------------------------


def eligibility_problems(*, community: Community, user) -> list[str]:
    """Why `user` may not apply to `community`, in words an educator understands
    (empty when they may). Checked against the profile they keep on the hub."""
    problems = []
    if community.min_years_experience:
        years = user.years_experience
        if years is None:
            problems.append(
                _(
                    "This community is for educators with %(min)d or more years of experience. "
                    "Add your years of experience to your profile to apply."
                )
                % {"min": community.min_years_experience}
            )
        elif years < community.min_years_experience:
            problems.append(
                ngettext(
                    "This community is for educators with %(min)d or more years of experience; "
                    "your profile says %(years)d year.",
                    "This community is for educators with %(min)d or more years of experience; "
                    "your profile says %(years)d years.",
                    years,
                )
                % {"min": community.min_years_experience, "years": years}
            )
    if community.audience_roles and user.role not in community.audience_roles:
        labels = dict(type(user).Role.choices)
        roles = ", ".join(str(labels.get(role, role)) for role in community.audience_roles)
        problems.append(
            _("This community is for these roles: %(roles)s. Your profile says: %(role)s.")
            % {"roles": roles, "role": user.get_role_display() or _("no role yet")}
        )
    return problems


# --- Applying -------------------------------------------------------------------------


def _lock_community(community_id: int) -> Community:
    """The community's row lock for the rest of the transaction (SQLite serialises
    writers itself)."""
    return Community.objects.select_for_update().get(pk=community_id)


def _answers(community: Community, answers: list[str]) -> list[dict]:
    if len(answers) != len(community.questions) or any(not a.strip() for a in answers):
        raise ApplicationRefused(_("Please answer every question."))
    return [
        {"question": question, "answer": answer.strip()}
        for question, answer in zip(community.questions, answers, strict=True)
    ]


@transaction.atomic
def membership_apply(*, community: Community, user, answers: list[str]) -> ApplyResult:
    """`user` applies to `community` with one answer per application question.

    Applying again while an application is active changes nothing (created=False);
    after withdrawing, the same row is reused.
    """
    community = _lock_community(community.pk)
    membership = Membership.objects.filter(community=community, user=user).first()
    if membership is not None and membership.is_active:
        return ApplyResult(membership, created=False)
    if community.status != Community.Status.OPEN:
        raise ApplicationRefused(_("This community is not taking applications."))
    if membership is not None and membership.status == Status.DECLINED:
        raise ApplicationRefused(
            _("Your application was already considered for this cohort. Write to the hub team.")
        )
    problems = eligibility_problems(community=community, user=user)
    if problems:
        raise ApplicationRefused(problems)
    if membership is None:
        membership = Membership(community=community, user=user)
    membership.status = Status.APPLIED
    membership.answers = _answers(community, answers)
    membership.applied_at = timezone.now()
    membership.decided_at = None
    membership.decided_by = None
    membership.save()
    return ApplyResult(membership, created=True)


@transaction.atomic
def membership_withdraw(*, membership: Membership) -> Membership:
    """The educator withdraws an application or leaves the cohort."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        return membership
    membership.status = Status.WITHDRAWN
    membership.save(update_fields=["status", "updated_at"])
    return membership


# --- Decisions ------------------------------------------------------------------------

DECISIONS = {
    "accept": Status.ACCEPTED,
    "waitlist": Status.WAITLISTED,
    "decline": Status.DECLINED,
}
# Who a decision can apply to: never to someone who withdrew.
DECIDABLE = (Status.APPLIED, Status.WAITLISTED, Status.ACCEPTED, Status.DECLINED)
# Each decision is a step in the audit trail, in the membership's and the community's History.
DECISION_STEPS = {
    Status.ACCEPTED: Step.COP_ACCEPT,
    Status.WAITLISTED: Step.COP_WAITLIST,
    Status.DECLINED: Step.COP_DECLINE,
}


@transaction.atomic
def memberships_decide(
    *, community: Community, membership_ids, decision: str, decided_by
) -> DecisionResult:
    """Accept, waitlist or decline several applications at once.

    Accepting beyond capacity puts the rest on the waiting list (oldest applications
    first get the seats). Rows already in the asked-for status are left alone, and
    each educator whose status changed is e-mailed after commit.
    """
    target = DECISIONS[decision]
    community = _lock_community(community.pk)
    memberships = list(
        Membership.objects.select_for_update(of=("self",))  # not the users' rows
        .filter(community=community, pk__in=membership_ids, status__in=DECIDABLE)
        .exclude(status=target)
        .select_related("user")
        .order_by("applied_at", "pk")
    )
    result = DecisionResult()
    seats = None
    if target == Status.ACCEPTED and community.capacity is not None:
        accepted = Membership.objects.filter(community=community, status=Status.ACCEPTED).count()
        seats = max(community.capacity - accepted, 0)
    now = timezone.now()
    for membership in memberships:
        status = target
        if seats is not None:
            if seats > 0:
                seats -= 1
            else:
                status = Status.WAITLISTED
                result.waitlisted_for_capacity.append(membership)
                if membership.status == Status.WAITLISTED:
                    continue
        before = membership.status
        membership.status = status
        membership.decided_at = now
        membership.decided_by = decided_by
        membership.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
        audit_record(
            obj=membership,
            step=DECISION_STEPS[status],
            actor=decided_by,
            changes={"status": (before, status)},
            related=community,
        )
        result.changed.append(membership)
    _queue_decision_emails(community, result.changed)
    return result


def _queue_decision_emails(community: Community, memberships: list[Membership]) -> None:
    """One outbox message per changed decision, handed to the workers on commit."""
    notifications_enqueue_many(
        kind=MembershipDecision.code,
        model=Membership,
        rows=[(m.user_id, m.pk, decision_window(m)) for m in memberships if m.user.is_active],
    )


@transaction.atomic
def meeting_schedule(*, community: Community, form) -> Meeting:
    """A facilitator or coordinator adds a meeting to the community's calendar; members
    get their reminders through the outbox like every other meeting."""
    meeting = form.save(commit=False)
    meeting.community = community
    meeting.full_clean()
    meeting.save()
    return meeting


def cohort_group(*, community: Community, sender) -> StaffMessageGroup:
    """A community's people as a facilitator or coordinator writes to them: the
    members (the default), the waiting list and applicants awaiting a decision, those
    who attended a meeting, or all of them; replies go to the sender."""
    people = community.memberships.filter(user__is_active=True)
    Audience = StaffMessage.Audience
    audiences = {
        Audience.CONFIRMED: (_("Members"), people.filter(status=Status.ACCEPTED)),
        Audience.WAITING: (
            _("On the waiting list or awaiting a decision"),
            people.filter(status__in=(Status.WAITLISTED, Status.APPLIED)),
        ),
        Audience.ATTENDED: (
            _("People who attended a meeting"),
            people.filter(
                pk__in=MeetingAttendance.objects.filter(meeting__community=community).values(
                    "membership_id"
                ),
            ),
        ),
        Audience.ALL: (
            _("Everyone: members, waiting and applicants"),
            people.filter(status__in=(Status.ACCEPTED, Status.WAITLISTED, Status.APPLIED)),
        ),
    }
    return StaffMessageGroup(
        about=community,
        audiences={
            code: (label, queryset.values_list("user_id", flat=True))
            for code, (label, queryset) in audiences.items()
        },
        reply_to=sender.email,
        default=Audience.CONFIRMED,
        sent=lambda count: (
            ngettext(
                "Your message is on its way to %(count)d person.",
                "Your message is on its way to %(count)d people.",
                count,
            )
            % {"count": count}
        ),
    )


def cohort_email(
    *,
    community: Community,
    subject: str,
    body: str,
    sender,
    audience: str = StaffMessage.Audience.CONFIRMED,
) -> StaffMessage:
    """A facilitator or coordinator writes to the community's members (or another
    audience, or only themselves for a test); the message joins the community's log."""
    return staff_message_write(
        group=cohort_group(community=community, sender=sender),
        subject=subject,
        body=body,
        sender=sender,
        audience=audience,
    )


# --- Meetings and attendance ------------------------------------------------------------


@transaction.atomic
def meeting_attendance_mark(
    *, community: Community, allowed, shown, checked, marked_by, override: bool = False
) -> tuple[int, int]:
    """Record the attendance grid: `allowed` are the (membership id, meeting id) cells
    the grid may set, `shown` those on the submitted page, `checked` the ticked ones.
    Only shown cells change, so someone else's save meanwhile is kept. Meetings that
    have not started take no attendance unless a coordinator overrides
    (trec.attendance). The transcript
    ledger follows in the same transaction. Returns (added, removed)."""
    added, removed = attendance_grid_save(
        rows=MeetingAttendance.objects.filter(meeting__community=community),
        person="membership",
        occasion="meeting",
        occasions=Meeting.objects.all(),
        logged_on="community",
        allowed=allowed,
        shown=shown,
        checked=checked,
        marked_by=marked_by,
        override=override,
    )
    if added or removed:
        touched = {meeting for _m, meeting in set(shown) & set(allowed)}
        meeting_credits_sync(
            meetings=Meeting.objects.filter(pk__in=touched).select_related("community__partner")
        )
    return added, removed


@transaction.atomic
def meeting_credits_sync(*, meetings) -> dict:
    """The transcript rows of these meetings, from their attendance: one row per attended
    meeting, its duration in quarter hours, handed to the ledger (trec.transcripts).
    Idempotent: calling again changes nothing; unmarking attendance removes the credit."""
    meetings = {meeting.pk: meeting for meeting in meetings}
    desired = {}
    for user_id, meeting_id in MeetingAttendance.objects.filter(
        meeting_id__in=list(meetings)
    ).values_list("membership__user_id", "meeting_id"):
        meeting = meetings[meeting_id]
        community = meeting.community
        desired[(user_id, meeting_id)] = {
            "hours": quarter_hours(meeting.duration_minutes),
            "earned_on": timezone.localdate(meeting.starts_at),
            "title": f"{community.title}: {meeting.title}",
            "provider_name": community.partner.name if community.partner else settings.HUB_NAME,
            "community_id": community.pk,
        }
    return credits_replace(
        source=Credit.Source.MEETING, source_ids=meetings.keys(), desired=desired
    )


# --- Discussion board -----------------------------------------------------------------
# Who may write is checked by the views (members, facilitators, coordinators); the
# rules that tie a write to one person are checked here as well.


@transaction.atomic
def thread_start(*, community: Community, author, title: str, body: str) -> Thread:
    """`author` opens a thread on `community`'s board with its first post."""
    now = timezone.now()
    thread = Thread.objects.create(
        community=community, author=author, title=title.strip(), created_at=now, last_post_at=now
    )
    Post.objects.create(thread=thread, author=author, body=body, created_at=now)
    return thread


@transaction.atomic
def post_reply(*, thread: Thread, author, body: str) -> Post:
    """`author` replies to `thread`; the thread moves to the top of the board."""
    now = timezone.now()
    post = Post.objects.create(thread=thread, author=author, body=body, created_at=now)
    Thread.objects.filter(pk=thread.pk).update(last_post_at=now)
    return post


def _own(post: Post, user) -> Post:
    post = Post.objects.select_for_update().select_related("thread").get(pk=post.pk)
    if post.author_id is None or post.author_id != user.pk:
        raise PermissionDenied("Only the author may change a post.")
    return post


@transaction.atomic
def post_edit(*, post: Post, user, body: str, title: str | None = None) -> Post:
    """The author edits their post (and, for a thread's first post, its title)."""
    post = _own(post, user)
    if post.is_deleted:
        raise PermissionDenied("A deleted post cannot be edited.")
    post.body = body
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "edited_at"])
    if title is not None and title.strip():
        Thread.objects.filter(pk=post.thread_id).update(title=title.strip())
    return post


@transaction.atomic
def post_delete(*, post: Post, user) -> Post:
    """The author deletes their post: it keeps its place in the thread, without its
    words. When a thread has nothing left but deleted posts, it goes too."""
    post = _own(post, user)
    post.deleted_at = timezone.now()
    post.body = ""
    post.save(update_fields=["deleted_at", "body"])
    if not Post.objects.filter(thread_id=post.thread_id, deleted_at__isnull=True).exists():
        Thread.objects.filter(pk=post.thread_id).delete()
    return post


@transaction.atomic
def post_set_hidden(*, post: Post, moderator, hidden: bool) -> Post:
    """A facilitator of the community (or a coordinator) hides a post from members,
    or shows it again."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    community = Community.objects.prefetch_related("facilitators").get(threads__posts__pk=post.pk)
    if not can_manage(community, moderator):
        raise PermissionDenied("Only facilitators and coordinators may hide posts.")
    if hidden and not post.is_hidden:
        post.hidden_at, post.hidden_by = timezone.now(), moderator
    elif not hidden:
        post.hidden_at, post.hidden_by = None, None
    post.save(update_fields=["hidden_at", "hidden_by"])
    return post
