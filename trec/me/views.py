import csv
import json

from django.contrib import messages
from django.contrib.auth import logout
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from communities.selectors import my_memberships
from events import selectors as event_selectors
from events.follows.selectors import new_from_follows
from events.ical import build_calendar
from events.proposals.selectors import my_invitations, my_proposals
from trec.accounts import services
from trec.accounts.decorators import signed_in
from trec.accounts.forms import DeleteAccountForm, ProfileForm
from trec.accounts.models import User
from trec.accounts.selectors import personal_data, personal_data_rows
from trec.districts import selectors as district_selectors
from trec.districts.selectors import open_share
from trec.exports import csv_cell
from trec.mail import absolute_url


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


@signed_in
def onboarding(request):
    """Who: any signed-in user. The short profile an educator completes after first login."""
    return _profile_page(
        request,
        template="accounts/onboarding.html",
        success_message=_("Welcome to TREC Hub! Your profile is saved."),
        default_next="accounts:me",
    )


@signed_in
def profile(request):
    """Who: any signed-in user, for their own profile only."""
    return _profile_page(
        request,
        template="accounts/profile.html",
        success_message=_("Your profile has been saved."),
        default_next="accounts:profile",
    )


@signed_in
def me(request):
    """Who: any signed-in user. Their own registrations, waiting lists, saved events."""
    feed_path = reverse("accounts:calendar_feed", kwargs={"token": request.user.calendar_token})
    return render(
        request,
        "accounts/me.html",
        {
            "registrations": event_selectors.my_registrations(request.user),
            "saved": event_selectors.my_saved_events(request.user),
            "suggested": event_selectors.suggested_for(request.user),
            "memberships": my_memberships(request.user),
            "proposals": my_proposals(request.user),
            "invitations": my_invitations(request.user),
            "from_follows": new_from_follows(request.user),
            "transcript_share": open_share(request.user),
            "district_partner": district_selectors.partner_for(request.user),
            "feed_url": absolute_url(feed_path),
            "webcal_url": absolute_url(feed_path)
            .replace("https://", "webcal://", 1)
            .replace("http://", "webcal://", 1),
        },
    )


@require_GET
def calendar_feed(request, token: str):
    """Who: whoever holds the private token (calendar apps); 404 for any other token."""
    user = get_object_or_404(User, calendar_token=token, is_active=True)
    body = build_calendar(
        event_selectors.my_feed_sessions(user),
        name=_("My professional learning (TREC Hub)"),
        include_join_links=True,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


@signed_in
@require_POST
def calendar_reset(request):
    """Who: any signed-in user, for their own feed. The old feed URL stops working."""
    services.calendar_token_reset(user=request.user)
    messages.success(
        request,
        _(
            "Your calendar link has been reset. Subscribe again with the new link; the old one "
            "no longer works."
        ),
    )
    return redirect(reverse("accounts:me") + "#calendar")


@signed_in
@require_GET
def my_data(request):
    """Who: any signed-in user, for their own data. Download it; delete the account."""
    return render(
        request,
        "accounts/my_data.html",
        {
            "shares": district_selectors.shares_of(request.user),
            "accesses": district_selectors.accesses_of(request.user),
        },
    )


def _download_name(request, extension: str) -> str:
    return f"trec-hub-my-data-{timezone.localdate():%Y-%m-%d}.{extension}"


@signed_in
@require_GET
def my_data_json(request):
    """Who: any signed-in user, for their own data only. Everything the hub holds about
    them as JSON (trec.accounts.selectors.personal_data)."""
    data = personal_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_download_name(request, "json")}"'
    response["Cache-Control"] = "private, no-store"
    return response


@signed_in
@require_GET
def my_data_csv(request):
    """Who: any signed-in user, for their own data only. The same data as the JSON
    download, one value a row (section, record, field, value); UTF-8 with a BOM."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_download_name(request, "csv")}"'
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(["section", "record", "field", "value"])
    for section, number, field, value in personal_data_rows(personal_data(user=request.user)):
        writer.writerow([section, number, field, csv_cell(value)])
    return response


@signed_in
def delete_account(request):
    """Who: any signed-in educator, for their own account (back-office accounts are
    closed by a coordinator: the page says so and offers no form). POST deletes the
    account after the password is confirmed, signs them out and goes home."""
    if request.user.is_staff:
        return render(request, "accounts/delete_account.html", {"form": None})
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.account_delete(user=request.user)
        logout(request)
        messages.success(
            request,
            _("Your account has been deleted. Thank you for learning with us."),
        )
        return redirect("home")
    return render(request, "accounts/delete_account.html", {"form": form})
