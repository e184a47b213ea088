"""The one sign-in decorator for views: who must be signed in, and which role they need.

    @signed_in                          # anonymous visitors sign in first
    @signed_in(role=is_coordinator)     # ...and signed-in people without the role get 403
    @signed_in(back_to=lambda slug: …)  # a POST-only action: come back to its page instead
    @signed_in_to(access_thing_for_role)  # ...then the `slug` becomes the object looked up

Anything finer (this community's facilitators, this provider's staff, the lead presenter)
is a lookup in the app's ``access.py``: ``access_<thing>_for_<role>(*, user, ...)`` returns
the object or raises Http404 / PermissionDenied (docs/architecture.md, "Where a rule lives").
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def signed_in(
    view=None,
    *,
    role: Callable[[object], bool] | None = None,
    back_to: Callable[..., str] | None = None,
):
    """Anonymous visitors are sent to sign in, coming back to this page (or to
    ``back_to(**url_kwargs)``, for actions a GET cannot repeat); a signed-in person for
    whom ``role(user)`` is false gets 403."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                here = back_to(**kwargs) if back_to else request.get_full_path()
                return redirect_to_login(here)
            if role is not None and not role(user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorate if view is None else decorate(view)


def signed_in_to(lookup: Callable[..., object]):
    """``@signed_in``, then the view's ``slug`` goes through ``lookup(user=..., slug=...)``
    (an ``access_<thing>_for_<role>``, which answers 404 or 403 itself): the view is called
    with what the lookup returns in the slug's place."""

    def decorate(view):
        @signed_in
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            return view(request, lookup(user=request.user, slug=slug), *args, **kwargs)

        return wrapper

    return decorate
