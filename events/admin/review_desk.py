"""The coordinators' review desk in the back office: the listings waiting for review,
the longest-waiting first, each with its provider, when it was sent, how long it has
waited and what changed since it was last approved; approve or return it with a
comment from there. Also where a coordinator chooses how they hear of submissions.

Who: coordinators (``EventAdmin.has_review_permission``); anyone else gets a 404. Every
write is a POST with its CSRF token and goes through events.services (or
events.review_mail for the preference).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events import review_mail, services
from events.models import Event
from events.review import QUEUE_TITLE, listing_changes, review_queue, waiting_phrase
from trec.notifications.kinds import stamp

from .forms import ReturnForm


class QueueReturnForm(ReturnForm):
    """Return with a comment; when people are registered or waiting, the coordinator
    confirms having seen how many (the page shows the count)."""

    confirm = forms.BooleanField(required=False)

    def __init__(self, *args, registered: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.registered = registered

    def clean(self):
        cleaned = super().clean()
        if self.registered and not cleaned.get("confirm"):
            raise ValidationError(
                _("Tick the box to confirm: people are registered or waiting for this listing.")
            )
        return cleaned


class ReviewMailForm(forms.Form):
    review_digest = forms.TypedChoiceField(
        label=gettext_lazy("E-mail me about listings to review"),
        choices=[
            ("0", gettext_lazy("at each submission")),
            ("1", gettext_lazy("once a day, in a digest of the day's submissions")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )


def _check(model_admin, request) -> None:
    if not model_admin.has_review_permission(request):
        raise Http404


def _queue_url() -> str:
    return reverse("admin:events_event_review")


def queue_view(model_admin, request):
    """GET: the desk."""
    _check(model_admin, request)
    events = list(review_queue())
    rows = [
        {
            "event": event,
            "waiting": waiting_phrase(event.submitted_at or event.updated_at),
            "since": event.submitted_at or event.updated_at,
            "changes": listing_changes(event),
            "stamp": stamp(event.updated_at),
            "return_form": QueueReturnForm(
                registered=event.registered, auto_id=f"id_return_{event.pk}_%s"
            ),
        }
        for event in events
    ]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": QUEUE_TITLE,
        "rows": rows,
        "mail_form": ReviewMailForm(
            initial={"review_digest": "1" if request.user.review_digest else "0"}
        ),
        "changelist_url": reverse("admin:events_event_changelist"),
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/events/review/queue.html", context)


def _waiting_event(request, object_id) -> Event | None:
    """The listing, if it is still waiting and unchanged since the desk showed it;
    otherwise a message says why nothing happened."""
    event = Event.objects.select_related("provider").filter(pk=object_id).first()
    if event is None:
        raise Http404
    if event.status != Event.Status.SUBMITTED:
        messages.warning(
            request,
            _("“%(title)s” is no longer waiting for review (it is %(status)s now).")
            % {"title": event.title, "status": event.get_status_display().lower()},
        )
        return None
    if request.POST.get("stamp") != stamp(event.updated_at):
        messages.warning(
            request,
            _("“%(title)s” changed after you opened the desk: look at it again below.")
            % {"title": event.title},
        )
        return None
    return event


def approve_view(model_admin, request, object_id):
    """POST: publish the listing; a listing whose dates have all passed is refused."""
    _check(model_admin, request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    event = _waiting_event(request, object_id)
    if event is not None:
        try:
            services.event_approve(event=event, actor=request.user)
        except ValidationError as refused:
            messages.error(request, refused.messages[0])
        else:
            messages.success(
                request,
                _("“%(title)s” is published; the provider has been e-mailed.")
                % {"title": event.title},
            )
    return HttpResponseRedirect(_queue_url())


def return_view(model_admin, request, object_id):
    """POST: send the listing back to its provider with a comment."""
    _check(model_admin, request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    event = _waiting_event(request, object_id)
    if event is None:
        return HttpResponseRedirect(_queue_url())
    registered = event.registrations.filter(status__in=services.ACTIVE).count()
    form = QueueReturnForm(request.POST, registered=registered)
    if form.is_valid():
        services.event_return(event=event, comment=form.cleaned_data["comment"], actor=request.user)
        messages.success(
            request,
            _("“%(title)s” went back to its provider with your comment.") % {"title": event.title},
        )
    else:
        errors = [error for errors in form.errors.values() for error in errors]
        messages.error(
            request,
            _("“%(title)s” was not returned: %(problem)s")
            % {"title": event.title, "problem": " ".join(errors)},
        )
    return HttpResponseRedirect(_queue_url())


def mail_view(model_admin, request):
    """POST: how this coordinator hears of submissions."""
    _check(model_admin, request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ReviewMailForm(request.POST)
    if form.is_valid():
        digest = form.cleaned_data["review_digest"]
        review_mail.review_mail_choose(user=request.user, digest=digest)
        messages.success(
            request,
            _("You will get one digest a day of the listings sent for review.")
            if digest
            else _("You will get an e-mail each time a listing is sent for review."),
        )
    return HttpResponseRedirect(_queue_url())


def urls(page, info: str) -> list:
    """The desk's routes, for EventAdmin.get_urls (`page` wraps a view as an admin view
    bound to the EventAdmin)."""
    return [
        path("review/", page(queue_view), name=f"{info}_review"),
        path("review/mail/", page(mail_view), name=f"{info}_review_mail"),
        path("review/<int:object_id>/approve/", page(approve_view), name=f"{info}_review_approve"),
        path("review/<int:object_id>/return/", page(return_view), name=f"{info}_review_return"),
    ]


def index_shortcuts(model_admin, request) -> list[dict]:
    """The desk on the back office's home page, with how many listings wait."""
    if not model_admin.has_review_permission(request):
        return []
    waiting = Event.objects.filter(status=Event.Status.SUBMITTED).count()
    return [{"label": QUEUE_TITLE, "url": _queue_url(), "count": waiting}]
