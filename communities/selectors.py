"""Reads the communities pages share (who may reach them: communities.access)."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from trec.formats import date_phrase
from trec.i18n import localized
from trec.rosters import PersonFacts, attended_by_row, grid_cells

from .models import Community, Meeting, MeetingAttendance, Membership, Post, Thread

Status = Membership.Status


def board_threads(community: Community) -> list[Thread]:
    """The board, most recent activity first, each thread with who started it and its
    number of posts that are not deleted (annotated: one query whatever the size)."""
    threads = list(
        Thread.objects.filter(community=community)
        .select_related("author")
        .annotate(post_count=Count("posts", filter=Q(posts__deleted_at__isnull=True)))
        .order_by("-last_post_at", "-pk")
    )
    for thread in threads:
        thread.community = community  # for get_absolute_url, without a query each
    return threads


def thread_posts(thread: Thread) -> list[Post]:
    return list(thread.posts.select_related("author").order_by("created_at", "pk"))


def open_communities(limit: int = 4) -> list[Community]:
    """For the home page: communities taking applications."""
    return list(Community.objects.open().order_by("-school_year", "title")[:limit])


def my_memberships(user) -> list[Membership]:
    """For /me/: the user's communities, active ones first."""
    return list(
        Membership.objects.filter(user=user)
        .exclude(status=Status.WITHDRAWN)
        .select_related("community")
        .order_by("-community__school_year", "community__title")
    )


# --- Roster and attendance grid --------------------------------------------------------


@dataclass
class RosterRow(PersonFacts):
    membership: Membership
    attended: set[int] = field(default_factory=set)
    cells: list[dict] = field(default_factory=list)

    @property
    def user(self):
        return self.membership.user


@dataclass
class Roster:
    community: Community
    meetings: list[Meeting]
    groups: dict[str, list[RosterRow]]

    @property
    def accepted(self) -> list[RosterRow]:
        return self.groups[Status.ACCEPTED]

    @property
    def sections(self) -> list[tuple[str, str, list[RosterRow]]]:
        """(status, heading, rows) in the order a coordinator works through them."""
        labels = dict(Status.choices)
        order = [Status.APPLIED, Status.WAITLISTED, Status.ACCEPTED, Status.DECLINED]
        order.append(Status.WITHDRAWN)
        return [(status, labels[status], self.groups[status]) for status in order]

    @property
    def seats_left(self) -> int | None:
        return self.community.seats_left(len(self.accepted))

    def rows(self):
        for _status, _label, rows in self.sections:
            yield from rows


def meeting_label(meeting: Meeting) -> str:
    """ "Planning session (Jan 28)": the title in the reader's language and the day."""
    day = date_phrase(timezone.localtime(meeting.starts_at), "short_month_day")
    return f"{localized(meeting, 'title')} ({day})"


def build_roster(community: Community) -> Roster:
    """Every application to `community` with the people's profile facts and their
    meeting attendance, in a fixed number of queries (memberships with people,
    grade bands, meetings, attendance) whatever the size of the cohort."""
    memberships = (
        Membership.objects.filter(community=community)
        .select_related("user", "user__district", "user__school")
        .prefetch_related(Prefetch("user__grade_bands"))
        .order_by("applied_at", "pk")
    )
    meetings = list(community.meetings.all())
    attended = attended_by_row(
        MeetingAttendance.objects.filter(meeting__community=community),
        person="membership",
        occasion="meeting",
    )
    groups: dict[str, list[RosterRow]] = {status: [] for status in Status.values}
    for membership in memberships:
        groups[membership.status].append(RosterRow(membership, attended[membership.pk]))
    for row in groups[Status.ACCEPTED]:
        row.cells = grid_cells(row.membership.pk, row.name, meetings, row.attended, meeting_label)
    groups[Status.ACCEPTED].sort(key=lambda r: (r.user.last_name, r.user.first_name))
    return Roster(community=community, meetings=meetings, groups=groups)
