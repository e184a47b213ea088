"""Who may reach which community page: views get their communities through these.

- A community's page: everyone; a draft only coordinators (404 for everyone else).
- Its roster, attendance grid, CSV, cohort e-mail and meetings: its managers (its own
  facilitators and coordinators); other signed-in people 403.
- Its discussion board: its accepted members and its managers; others 403.

Lookups are ``access_<thing>_for_<role>(*, user, ...)``: they return the object or raise
Http404 / PermissionDenied. Signing in is the view's decorator
(trec.accounts.decorators.signed_in).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from trec.accounts.roles import is_coordinator

from .models import Community, Membership


def can_manage(community: Community, user) -> bool:
    """Coordinators, and this community's own facilitators (prefetched)."""
    if not user.is_authenticated:
        return False
    return is_coordinator(user) or any(f.pk == user.pk for f in community.facilitators.all())


def access_community_for_viewer(*, user, slug: str) -> Community:
    """A community anyone may see (drafts only for coordinators); otherwise 404."""
    community = (
        Community.objects.select_related("partner")
        .prefetch_related("grade_bands", "facilitators")
        .filter(slug=slug)
        .first()
    )
    if community is None:
        raise Http404("No such community")
    if community.status == Community.Status.DRAFT and not is_coordinator(user):
        raise Http404("No such community")
    return community


def access_community_for_manager(*, user, slug: str) -> Community:
    """The community, if the user runs it; anyone else 403."""
    community = access_community_for_viewer(user=user, slug=slug)
    if not can_manage(community, user):
        raise PermissionDenied
    return community


def access_community_for_member(*, user, slug: str) -> tuple[Community, bool]:
    """The community and whether the user runs it, for its accepted members, its
    facilitators and coordinators; anyone else 403."""
    community = access_community_for_viewer(user=user, slug=slug)
    if can_manage(community, user):
        return community, True
    if Membership.objects.filter(
        community=community, user=user, status=Membership.Status.ACCEPTED
    ).exists():
        return community, False
    raise PermissionDenied
