"""Staff write to a group: the one component behind "E-mail registrants" (an event's
back office) and "E-mail the cohort" (a community's roster).

An app describes its group once (`StaffMessageGroup`: who each audience is, where
replies go, how a send is reported); this module holds everything else: the form
(audience, subject, Markdown body), the steps of the page (preview, a test to
yourself, send) and the log of what was sent to whom. The writes are
`trec.notifications.services.staff_message_write`; the template is
``notifications/_staff_message.html`` (with ``_staff_message_log.html``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trec.i18n import localized

from .models import StaffMessage
from .selectors import staff_messages_for
from .services import staff_message_draft, staff_message_preview, staff_message_write

Audience = StaffMessage.Audience


@dataclass
class StaffMessageGroup:
    """The people staff may write to about `about` (an event, a community).

    `audiences` maps each audience code (StaffMessage.Audience, without TEST) to its
    label on this page and the queryset of the user ids it reaches, in display order.
    `sent` words the report of a send ("sent to 5 registrants")."""

    about: Model
    audiences: dict[str, tuple[str, QuerySet]]
    reply_to: str
    sent: Callable[[int], str]
    default: str = Audience.ALL
    counts: dict[str, int] = field(default_factory=dict)

    def count(self) -> dict[str, int]:
        """How many each audience reaches (one query per audience, computed once)."""
        if not self.counts:
            self.counts = {code: people.count() for code, (_l, people) in self.audiences.items()}
        return self.counts

    def recipient_ids(self, audience: str) -> list[int]:
        return list(self.audiences[audience][1])

    def label(self, audience: str) -> str:
        if audience == Audience.TEST:
            return Audience.TEST.label
        if audience in self.audiences:
            return self.audiences[audience][0]
        return Audience(audience).label

    @property
    def total(self) -> int:
        return max(self.count().values(), default=0)


class StaffMessageForm(forms.Form):
    audience = forms.ChoiceField(
        label=gettext_lazy("To"),
        required=False,  # the group's default, unless narrowed
        widget=forms.RadioSelect,
    )
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=150)
    body = forms.CharField(
        label=gettext_lazy("Message"),
        widget=forms.Textarea(attrs={"rows": 10, "cols": 80}),
        max_length=10000,
        help_text=gettext_lazy(
            "Markdown: **bold**, *italics*, lists and [links](https://example.org)."
        ),
    )

    def __init__(self, *args, group: StaffMessageGroup, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        counts = group.count()
        self.fields["audience"].choices = [
            (code, f"{group.label(code)} ({counts[code]})") for code in group.audiences
        ]
        self.fields["audience"].initial = group.default

    def clean_audience(self):
        return self.cleaned_data["audience"] or self.group.default

    def clean_subject(self):
        # A header, so one line: collapse whatever whitespace was pasted in.
        return " ".join(self.cleaned_data["subject"].split())


@dataclass
class StaffMessagePage:
    """What the page shows after a request: the form, a preview, the log; `sent` is
    the message just sent to its audience (the view then redirects)."""

    group: StaffMessageGroup
    form: StaffMessageForm
    preview: tuple[str, str] | None = None
    sent: StaffMessage | None = None

    @property
    def context(self) -> dict:
        return {
            "about_title": localized(self.group.about, "title"),
            "form": self.form,
            "preview": self.preview,
            "recipients": self.group.total,
            "reply_to": self.group.reply_to,
            "log": staff_message_log(self.group),
        }


def staff_message_log(group: StaffMessageGroup) -> list[StaffMessage]:
    """What was sent about the group's subject, to whom, newest first, each message
    with its audience as this group names it."""
    log = staff_messages_for(group.about)
    for message in log:
        message.audience_label = group.label(message.audience)
    return log


def staff_message_page(request, *, group: StaffMessageGroup) -> StaffMessagePage:
    """The steps of the page: "preview" renders the message as the sender would get it
    (nothing saved), "test" sends it to the sender only (the text stays in the form),
    anything else sends it to the chosen audience."""
    form = StaffMessageForm(request.POST or None, group=group)
    page = StaffMessagePage(group=group, form=form)
    if request.method != "POST" or not form.is_valid():
        return page
    data = form.cleaned_data
    typed = {"group": group, "subject": data["subject"], "body": data["body"]}
    step = request.POST.get("step", "send")
    if step == "preview":
        draft = staff_message_draft(**typed, sender=request.user, audience=data["audience"])
        page.preview = staff_message_preview(message=draft, user=request.user)
    elif step == "test":
        staff_message_write(**typed, sender=request.user, audience=Audience.TEST)
        messages.success(
            request,
            _("A test is on its way to %(email)s; your text is kept below.")
            % {"email": request.user.email},
        )
    else:
        page.sent = staff_message_write(**typed, sender=request.user, audience=data["audience"])
        messages.success(request, group.sent(page.sent.recipient_count))
    return page
