"""Who may reach which wall and post: views get their walls and posts through these.

- A wall: anyone, once it has opened; before that only its moderators (404 otherwise).
- A post: anyone when approved; one that is not (yet) shown only the wall's moderators.
- Moderating a wall: coordinators every wall; staff of a wall's partner providers that
  wall only. Everyone else finds no moderation pages (404).

Lookups are ``access_<thing>_for_<role>(*, user, ...)``: they return the object or raise
Http404. Signing in is the view's decorator (trec.accounts.decorators.signed_in).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from providers.access import provider_ids_for
from trec.accounts.roles import is_coordinator

from .models import Post, Wall


def can_moderate(user, wall: Wall) -> bool:
    if not user.is_authenticated:
        return False
    if is_coordinator(user):
        return True
    if not user.is_staff:
        return False
    ids = provider_ids_for(user)
    # partners are prefetched by the wall selectors: no query per wall
    return any(partner.pk in ids for partner in wall.partners.all())


def access_wall_for_viewer(*, user, slug: str) -> Wall:
    """A wall the viewer may read: any wall that has opened; one that has not only for
    its moderators. Partners come prefetched."""
    wall = get_object_or_404(Wall.objects.prefetch_related("partners"), slug=slug)
    if wall.is_upcoming and not can_moderate(user, wall):
        raise Http404("No such wall")
    return wall


def access_post_for_viewer(*, user, wall: Wall, pk: int) -> Post:
    """An approved post; moderators may also open one that is not (yet) shown."""
    post = get_object_or_404(Post.objects.select_related("recipient_district"), wall=wall, pk=pk)
    if post.status != Post.Status.APPROVED and not can_moderate(user, wall):
        raise Http404("No such post")
    return post


def access_wall_for_moderator(*, user, slug: str) -> Wall:
    """The wall when `user` may moderate it; 404 otherwise."""
    wall = get_object_or_404(Wall.objects.prefetch_related("partners"), slug=slug)
    if not can_moderate(user, wall):
        raise Http404("No such wall")
    return wall
