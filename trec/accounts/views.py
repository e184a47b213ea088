from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import services
from .forms import ProfileForm


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _profile_page(request, *, template: str, success_message: str, default_next: str):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.profile_save(form=form)
        messages.success(request, success_message)
        return redirect(_safe_next(request, default_next))
    return render(request, template, {"form": form, "next": _safe_next(request, "")})


@login_required
def onboarding(request):
    """Who: any signed-in user. The short profile an educator completes after first login."""
    return _profile_page(
        request,
        template="accounts/onboarding.html",
        success_message=_("Welcome to TREC Hub! Your profile is saved."),
        default_next="accounts:me",
    )


@login_required
def profile(request):
    """Who: any signed-in user, for their own profile only."""
    return _profile_page(
        request,
        template="accounts/profile.html",
        success_message=_("Your profile has been saved."),
        default_next="accounts:profile",
    )


@login_required
def me(request):
    """Who: any signed-in user. Their own dashboard."""
    return render(request, "accounts/me.html", {})
