"""Reads the gratitude pages share. Every page runs a fixed number of queries, whatever
the number of posts: hearts are a stored count on each post, and the viewer's own
hearts on a page are one query. Who may reach which wall and post: gratitude.access."""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q

from trec.accounts.models import District
from trec.forms import parse_id

from .access import can_moderate
from .models import Post, Reaction, Wall

PAGE_SIZE = 24
QUEUE_PAGE_SIZE = 50
SORTS = {"new": ("-created_at", "-pk"), "loved": ("-heart_count", "-created_at", "-pk")}


def walls_overview(*, user) -> dict:
    """The /gratitude/ page: open walls, the archive with post counts, and (for their
    moderators) walls that have not opened yet. Queries: 2."""
    walls = list(
        Wall.objects.prefetch_related("partners")
        .annotate(approved_count=Count("posts", filter=Q(posts__status=Post.Status.APPROVED)))
        .order_by("-opens_on", "title")  # Meta.ordering is not applied to GROUP BY queries
    )
    return {
        "open_walls": [wall for wall in walls if wall.is_open],
        "past_walls": [wall for wall in walls if not wall.is_open and not wall.is_upcoming],
        "upcoming_walls": [wall for wall in walls if wall.is_upcoming and can_moderate(user, wall)],
    }


def current_wall() -> Wall | None:
    """The wall open today (the most recently opened when several are), or None."""
    return Wall.objects.open_now().order_by("-opens_on").first()


@dataclass
class WallFilters:
    q: str = ""
    district: int | None = None
    school: str = ""
    sort: str = "new"

    @classmethod
    def from_params(cls, params) -> "WallFilters":
        district = params.get("district", "")
        sort = params.get("sort", "new")
        return cls(
            q=" ".join(params.get("q", "").split())[:100],
            district=parse_id(district),
            school=params.get("school", "").strip()[:150],
            sort=sort if sort in SORTS else "new",
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.district or self.school)


def approved_posts(*, wall: Wall, filters: WallFilters):
    posts = wall.posts.approved().select_related("recipient_district")
    if filters.district:
        posts = posts.filter(recipient_district_id=filters.district)
    if filters.school:
        posts = posts.filter(recipient_school__iexact=filters.school)
    for word in filters.q.split()[:8]:
        posts = posts.filter(
            Q(message__icontains=word)
            | Q(recipient_name__icontains=word)
            | Q(recipient_school__icontains=word)
            | Q(recipient_district__name__icontains=word)
            | Q(author_name__icontains=word, is_anonymous=False)
        )
    return posts.order_by(*SORTS[filters.sort])


def filter_choices(*, wall: Wall) -> tuple[list[District], list[str]]:
    """Districts and schools that approved posts on this wall name. Queries: 2."""
    approved = wall.posts.approved()
    districts = list(
        District.objects.filter(
            pk__in=approved.exclude(recipient_district=None).values("recipient_district")
        ).order_by("name")
    )
    schools = sorted(
        {
            name.strip()
            for name in approved.exclude(recipient_school="").values_list(
                "recipient_school", flat=True
            )
        },
        key=str.casefold,
    )
    return districts, schools


def hearted_ids(*, posts, user, visitor_key: str) -> set[int]:
    """Which of these posts the viewer has hearted (today, without an account).
    Queries: 1 (0 for a new visitor)."""
    ids = [post.pk for post in posts]
    if not ids:
        return set()
    if user.is_authenticated:
        mine = Reaction.objects.filter(user=user)
    elif visitor_key:
        mine = Reaction.objects.filter(user=None, visitor_key=visitor_key)
    else:
        return set()
    return set(mine.filter(post_id__in=ids).values_list("post_id", flat=True))


@dataclass
class WallPage:
    wall: Wall
    filters: WallFilters
    page: Page
    page_range: list
    districts: list
    schools: list
    hearted: set = field(default_factory=set)
    is_moderator: bool = False
    pending_count: int = 0


def wall_page(*, wall: Wall, params, user, visitor_key: str) -> WallPage:
    """One page of a wall's approved posts with filters. Queries: 5 (count, posts,
    districts, schools, the viewer's hearts) + 1 pending count for moderators."""
    filters = WallFilters.from_params(params)
    paginator = Paginator(approved_posts(wall=wall, filters=filters), PAGE_SIZE)
    page = paginator.get_page(params.get("page"))
    page.object_list = list(page.object_list)
    districts, schools = filter_choices(wall=wall)
    is_moderator = can_moderate(user, wall)
    return WallPage(
        wall=wall,
        filters=filters,
        page=page,
        page_range=list(paginator.get_elided_page_range(page.number, on_each_side=2)),
        districts=districts,
        schools=schools,
        hearted=hearted_ids(posts=page.object_list, user=user, visitor_key=visitor_key),
        is_moderator=is_moderator,
        pending_count=wall.posts.pending().count() if is_moderator else 0,
    )


def printable_posts(*, wall: Wall, filters: WallFilters) -> list[Post]:
    """Every approved post (for the print view and the PDF), oldest first. Queries: 1."""
    return list(approved_posts(wall=wall, filters=filters).order_by("created_at", "pk"))


def status_counts(*, wall: Wall) -> dict[str, int]:
    """Posts per status on a wall, for the queue's tabs. Queries: 1."""
    counts = dict.fromkeys(Post.Status.values, 0)
    for row in wall.posts.values("status").annotate(n=Count("pk")).order_by():
        counts[row["status"]] = row["n"]
    return counts


def moderation_queue(*, wall: Wall, status: str, page_number) -> tuple[Page, list]:
    """Posts of one status, oldest waiting first for the pending tab. Queries: 2."""
    order = ("created_at", "pk") if status == Post.Status.PENDING else ("-moderated_at", "-pk")
    posts = (
        wall.posts.filter(status=status)
        .select_related("recipient_district", "moderated_by")
        .order_by(*order)
    )
    paginator = Paginator(posts, QUEUE_PAGE_SIZE)
    page = paginator.get_page(page_number)
    page.object_list = list(page.object_list)
    return page, list(paginator.get_elided_page_range(page.number, on_each_side=2))
