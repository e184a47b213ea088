"""An educator's community memberships and discussion posts (trec.privacy)."""

from django.db.models import Prefetch

from trec import privacy

from .models import Community, MeetingAttendance, Membership
from .models import Post as DiscussionPost
from .services import membership_withdraw


@privacy.section("community_memberships", order=40)
def memberships(user) -> list[dict]:
    rows = (
        Membership.objects.filter(user=user)
        .select_related("community")
        .prefetch_related(
            Prefetch(
                "attendances",
                queryset=MeetingAttendance.objects.select_related("meeting").order_by(
                    "meeting__starts_at"
                ),
            )
        )
        .order_by("applied_at", "pk")
    )
    return [
        privacy.record(
            community=membership.community.title,
            school_year=membership.community.school_year,
            status=membership.get_status_display(),
            applied=membership.applied_at,
            answers=" | ".join(
                f"{item.get('question', '')}: {item.get('answer', '')}"
                for item in membership.answers or []
                if isinstance(item, dict)
            ),
            meetings_attended=", ".join(
                attendance.meeting.starts_at.isoformat()
                for attendance in membership.attendances.all()
            ),
        )
        for membership in rows
    ]


@privacy.section("discussion_posts", order=50)
def discussion_posts(user) -> list[dict]:
    posts = (
        DiscussionPost.objects.filter(author=user)
        .select_related("thread", "thread__community")
        .order_by("created_at", "pk")
    )
    return [
        privacy.record(
            community=post.thread.community.title,
            thread=post.thread.title,
            message="" if post.is_deleted else post.body,
            posted=post.created_at,
            edited=post.edited_at,
            deleted=post.deleted_at,
        )
        for post in posts
    ]


@privacy.eraser(order=privacy.GIVE_UP_PLACES)
def give_up_places(user, *, now) -> None:
    """Applications and seats in communities not yet closed are withdrawn (whoever waits
    is promoted); closed cohorts stay, as the report's history."""
    for membership in Membership.objects.filter(user=user).exclude(
        community__status=Community.Status.CLOSED
    ):
        membership_withdraw(membership=membership)


@privacy.eraser()
def clear_application_answers(user, *, now) -> None:
    # Discussion posts stay, shown as by "Former member" (User.display_name).
    Membership.objects.filter(user=user).update(answers=[])
