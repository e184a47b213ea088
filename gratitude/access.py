"""Who may moderate which wall: coordinators every wall; staff of a wall's partner
providers that wall only. Everyone else finds no moderation pages (404)."""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404

from providers.access import provider_ids_for
from trec.accounts.roles import is_coordinator

from .models import Wall


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


def get_wall_for_moderator(*, slug: str, user) -> Wall:
    """The wall when `user` may moderate it; 404 otherwise (callers send anonymous
    visitors to sign in first)."""
    wall = get_object_or_404(Wall.objects.prefetch_related("partners"), slug=slug)
    if not can_moderate(user, wall):
        raise Http404("No such wall")
    return wall


def login_required_for_moderation(request):
    """A redirect to sign in for anonymous visitors, else None."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None
