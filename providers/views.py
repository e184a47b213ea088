import logging

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from trec import spam

from . import selectors, services
from .forms import SessionRequestForm

logger = logging.getLogger(__name__)

PAGE_SIZE = 24


@require_GET
def directory(request):
    """Who: everyone. The provider directory: search, kind and topic filters with
    counts, partners first; 24 a page. Queries: 4 (count, page, two facets)."""
    result = selectors.provider_directory(request.GET)
    page = Paginator(result.providers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "providers/directory.html",
        {
            "filterset": result.filterset,
            "kind_facets": result.kind_facets,
            "topic_facets": result.topic_facets,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        },
    )


@require_GET
def detail(request, slug):
    """Who: everyone. A provider's profile with its on-site offerings ("Request a visit"),
    upcoming events and on-demand resources. Queries: 5 (provider, service area,
    topics, two event lists), plus 4 when it has offerings (offerings, their lengths,
    grade bands and areas served)."""
    provider = selectors.provider_for_profile(slug=slug)
    return render(
        request,
        "providers/detail.html",
        {
            "provider": provider,
            "offerings": selectors.provider_offerings(provider=provider),
            "upcoming_events": selectors.provider_upcoming_events(provider=provider),
            "on_demand_resources": selectors.provider_on_demand_resources(provider=provider),
        },
    )


# --- On-site requests (anyone) ---------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def request_visit(request, slug):
    """Who: anyone, signed in or not (no account needed), for a provider with at least
    one active offering (404 otherwise). GET shows the form (`?offering=<slug>` picks
    one; a signed-in educator's name, e-mail and school are filled in); POST checks it,
    the spam defences and the rate limit, then files the request and redirects to the
    thank-you page. A failed form, or one sent a second time (its stamp files one
    request), answers 400 and keeps everything typed."""
    provider = selectors.provider_for_request(slug=slug)
    status = 200
    if request.method == "POST":
        form = SessionRequestForm(request.POST, provider=provider)
        valid = form.is_valid()
        if form.spam_verdict:
            # Bots get a page that looks like success, and nothing is stored.
            logger.info("on-site request dropped for %s: %s", provider.slug, form.spam_verdict)
            return render(request, "providers/request_thanks.html", {"provider": provider})
        if valid:
            if not request.session.session_key:
                request.session.save()
            if spam.rate_limited(
                scope="providers-request",
                ip=spam.client_ip(request),
                session_key=request.session.session_key,
            ):
                form.add_error(
                    None,
                    _(
                        "You have sent several requests in a short time. Please wait a few "
                        "minutes and send this one again: what you wrote is kept below."
                    ),
                )
                status = 429
            else:
                try:
                    session_request = services.request_submit(
                        provider=provider,
                        language=translation.get_language() or "en",
                        submitted_by=request.user,
                        **form.service_kwargs(),
                    )
                except services.FormAlreadySent:
                    form.add_error(
                        None,
                        _(
                            "This form has been sent already. To send another request, "
                            "check it below and send it again."
                        ),
                    )
                    status = 400
                else:
                    return redirect("providers:request_thanks", token=session_request.token)
        else:
            status = 400
    else:
        form = SessionRequestForm(initial=_initial(request), provider=provider)
    return render(
        request,
        "providers/request_form.html",
        {
            "provider": provider,
            "form": form,
            "honeypot_field": spam.HONEYPOT_FIELD,
            "stamp_field": spam.STAMP_FIELD,
            "stamp": spam.form_stamp(),
        },
        status=status,
    )


def _initial(request) -> dict:
    initial = {}
    chosen = request.GET.get("offering", "")
    if chosen:
        initial["offering_slug"] = chosen
    user = request.user
    if user.is_authenticated:
        initial.update(contact_name=user.get_full_name(), contact_email=user.email)
        if user.school_id:
            initial["school_name"] = user.school.name
        if user.district_id:
            initial["district"] = user.district_id
    return initial


@never_cache
@require_GET
def request_thanks(request, token):
    """Who: whoever holds the request's private link (no login): the thank-you page
    right after sending, with that link to keep. A wrong token is 404."""
    session_request = selectors.session_request_for_token(token=token)
    return render(
        request,
        "providers/request_thanks.html",
        {"provider": session_request.provider, "session_request": session_request},
    )


@never_cache
@require_GET
def request_status(request, token):
    """Who: whoever holds the request's private link (no login): its status, the chosen
    date and its history. A wrong token is 404. Queries: 2 (request, history)."""
    session_request = selectors.session_request_for_token(token=token)
    return render(request, "providers/request_status.html", {"session_request": session_request})
