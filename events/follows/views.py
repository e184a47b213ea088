"""Saved searches and follows: saving from the catalog, following from provider pages
and topic chips, managing them under /me/alerts/. (An alert e-mail's unsubscribe links
go to the outbox's one-click endpoint, trec.notifications.unsubscribe.)"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from events.models import Topic
from providers.models import Provider
from trec.accounts.decorators import signed_in

from . import services
from .access import access_search_for_owner
from .forms import FrequencyForm
from .models import SavedSearch
from .selectors import my_searches

PAGE_SIZE = 25


def _back(request, default: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@signed_in
@require_safe
def alerts(request):
    """Who: any signed-in user. Their saved searches and follows, how often each is
    e-mailed, and a way to stop each one."""
    paginator = Paginator(my_searches(request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "follows/alerts.html",
        {
            "page": page,
            "page_range": list(paginator.get_elided_page_range(page.number)),
            "searches": page.object_list,
            "frequencies": SavedSearch.Frequency.choices,
        },
    )


@signed_in
@require_POST
def alert_save(request):
    """Who: any signed-in user. "Tell me about new events like these" from the catalog:
    `query` is the catalog's query string; back to the same catalog page."""
    query = request.POST.get("query", "")[:1000]
    catalog_url = reverse("events:catalog") + (f"?{query}" if query else "")
    try:
        search, created = services.saved_search_save(
            user=request.user,
            params=QueryDict(query),
            frequency=request.POST.get("frequency", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(catalog_url)
    if created:
        message = _("Saved. We will e-mail you about new events like these: %(when)s.")
    else:
        message = _("You already saved this search; it is now e-mailed: %(when)s.")
    messages.success(request, message % {"when": search.get_frequency_display().lower()})
    return redirect(catalog_url)


@signed_in
@require_POST
def follow(request):
    """Who: any signed-in user. Follow a provider (`provider`) or a topic (`topic`) by
    slug, or stop following it; back to the page it was pressed on."""
    provider = topic = None
    if request.POST.get("provider"):
        provider = get_object_or_404(Provider, slug=request.POST["provider"][:160])
    elif request.POST.get("topic"):
        topic = get_object_or_404(Topic, slug=request.POST["topic"][:110])
    else:
        return redirect("follows:list")
    name = str(provider or topic)
    if services.follow_toggle(user=request.user, provider=provider, topic=topic):
        messages.success(
            request,
            _("You follow %(name)s: new listings reach you once a week and on your page.")
            % {"name": name},
        )
    else:
        messages.success(request, _("You no longer follow %(name)s.") % {"name": name})
    default = provider.get_absolute_url() if provider else reverse("follows:list")
    return redirect(_back(request, default))


@signed_in
@require_POST
def alert_update(request, pk: int):
    """Who: the search's owner (others 404). Change how often it is e-mailed."""
    search = access_search_for_owner(user=request.user, pk=pk)
    form = FrequencyForm(request.POST)
    if form.is_valid():
        services.saved_search_update(search=search, frequency=form.cleaned_data["frequency"])
        messages.success(
            request,
            _("“%(search)s” is now e-mailed: %(when)s.")
            % {"search": search.label, "when": search.get_frequency_display().lower()},
        )
    else:
        messages.error(request, _("Choose how often to hear about new events."))
    return redirect("follows:list")


@signed_in
@require_POST
def alert_delete(request, pk: int):
    """Who: the search's owner (others 404). Stop it."""
    search = access_search_for_owner(user=request.user, pk=pk)
    label = search.label
    services.saved_search_delete(search=search)
    messages.success(request, _("You will no longer hear about “%(search)s”.") % {"search": label})
    return redirect("follows:list")
