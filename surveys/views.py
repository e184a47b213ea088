"""Taking a survey (one page per section, Next/Back on the server, save and resume),
the thank-you page, reports with crosstabs, the CSV export, the gap report, and
attaching feedback to an event. Who may see what is stated on each view; the lookups
that enforce it are in surveys.access."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from trec import visitors
from trec.accounts.decorators import signed_in
from trec.exports import csv_cell

from . import access, reports, selectors, services
from .forms import GapsForm, SurveyForm, initial_from_state
from .models import Invitation, Survey

ACTIONS = {"next", "back", "save", "submit"}
SESSION_STATE = "survey-state-{pk}"
SESSION_DONE = "surveys-done"
ANSWERS = "survey-answer"  # the tally's scope (trec.visitors)
# Anonymous answers from one address in a few minutes: a staff meeting on one school
# network fits, a script does not.
ANSWERS_PER_IP = 100


def _session_done(request) -> set[int]:
    return set(request.session.get(SESSION_DONE, []))


class _Store:
    """Answers so far: on the draft row for identified surveys, in the session for
    anonymous ones (never on a response row until the whole response is submitted)."""

    def __init__(self, request, survey: Survey):
        self.request, self.survey = request, survey
        self.identified = not survey.anonymous
        if self.identified:
            saved = selectors.draft_for(survey=survey, user=request.user)
        else:
            saved = request.session.get(SESSION_STATE.format(pk=survey.pk), {})
        self.state: dict[str, list[str]] = saved.get("state", {})
        self.page: int = saved.get("page", 1)

    def save(self, *, state, page) -> None:
        self.state, self.page = state, page
        if self.identified:
            services.draft_save(survey=self.survey, user=self.request.user, state=state, page=page)
        else:
            self.request.session[SESSION_STATE.format(pk=self.survey.pk)] = {
                "state": state,
                "page": page,
            }

    def clear(self) -> None:
        self.request.session.pop(SESSION_STATE.format(pk=self.survey.pk), None)


def _gate(request, plan, token: str):
    """A response (page) when this person may not answer now, else None."""
    survey = plan.survey
    state = survey.state()
    if state != "open":
        return render(
            request, "surveys/unavailable.html", {"survey": survey, "reason": state}, status=200
        )
    # Not a decorator: only identified surveys need an account (anonymous ones do not).
    if not survey.anonymous and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if (
        survey.event_id
        and not survey.anonymous
        and not access.may_answer_feedback(request.user, survey)
    ):
        return render(
            request,
            "surveys/unavailable.html",
            {"survey": survey, "reason": "not_invited"},
            status=403,
        )
    if survey.invitation_only:
        invitation = Invitation.objects.filter(survey=survey, token=token).first()
        if invitation is None:
            return render(
                request,
                "surveys/unavailable.html",
                {"survey": survey, "reason": "invitation"},
                status=403,
            )
        if invitation.used:
            return render(request, "surveys/already.html", {"survey": survey})
    if selectors.submitted_response_exists(survey=survey, user=request.user) or (
        survey.anonymous and not survey.invitation_only and survey.pk in _session_done(request)
    ):
        return render(request, "surveys/already.html", {"survey": survey})
    return None


def _page_url(survey: Survey, page: int, token: str) -> str:
    url = reverse("surveys:take", args=[survey.slug]) + f"?page={page}"
    return url + (f"&t={token}" if token else "")


def _next_page(plan, data, page: int, step: int) -> int:
    """The next page in `step` direction that shows at least one question."""
    number = page + step
    while 1 <= number <= len(plan.pages):
        if plan.shown_on(plan.pages[number - 1], data):
            return number
        number += step
    return page


def _render_page(request, plan, form, page_number: int, token: str, data=None, **extra):
    page = plan.pages[page_number - 1]
    data = form.data if form.is_bound else (data if data is not None else MultiValueDict())
    is_last = _next_page(plan, data, page_number, 1)
    context = {
        "survey": plan.survey,
        "plan": plan,
        "form": form,
        "page": page,
        "page_count": len(plan.pages),
        "is_first": page_number == 1,
        "is_last": is_last == page_number,
        "token": token,
        "questions": [(q, form.bound_fields_for(q)) for q in form.questions],
        "can_save": not plan.survey.anonymous,
        **extra,
    }
    return render(request, "surveys/take.html", context)


def _posted(request, plan, state: dict, number: int):
    """This page's posted answers over the answers so far: (merged state, form data)."""
    page = plan.pages[number - 1]
    page_keys = {name for q in page.questions for name in plan.field_names(q)}
    posted = {
        key: request.POST.getlist(key)
        for key in request.POST
        if key in page_keys or key.startswith("q")
    }
    merged = {k: v for k, v in state.items() if k not in page_keys} | posted
    return merged, MultiValueDict(merged)


def _first_bad_page(plan, whole, number: int) -> int:
    """The first page with an answer the whole response's form refused."""
    shown = whole.questions
    return min(
        (
            plan.page_of[q.pk]
            for q in shown
            if any(n in whole.errors for n in plan.form_field_names(q))
        ),
        default=number,
    )


@require_safe
def index(request):
    """Who: everyone. The surveys open to anyone right now, soonest to close first."""
    return render(request, "surveys/index.html", {"surveys": selectors.open_surveys()})


@require_http_methods(["GET", "HEAD", "POST"])
@visitors.with_device_cookie
def take(request, slug):
    """Who: everyone for open anonymous surveys (invitation-only ones: holders of an
    unused link); signed-in people for identified surveys (event feedback: the event's
    registrants). Closed or not-yet-open surveys say so. One page per section; POST
    "next"/"back"/"save"/"submit". Nothing is stored as a response until the whole
    response is valid; a second submission stores nothing (open anonymous surveys: one
    a day per person, device or address, and a limit per address: trec.visitors)."""
    plan = selectors.survey_plan(slug=slug)
    survey = plan.survey
    token = (request.POST.get("t") or request.GET.get("t") or "")[:64]
    blocked = _gate(request, plan, token)
    if blocked is not None:
        return blocked
    store = _Store(request, survey)
    if not plan.pages or not plan.questions:
        raise Http404("This survey has no questions yet.")

    if request.method != "POST":
        return _show_page(request, plan, store, token)

    action = request.POST.get("action", "submit")
    if action not in ACTIONS:
        action = "submit"
    number = _page_number(request.POST.get("page", "1"), plan)
    page = plan.pages[number - 1]
    merged, data = _posted(request, plan, store.state, number)
    form = SurveyForm(plan=plan, questions=plan.shown_on(page, data), data=data)

    if action == "back":
        clean_state = {k: v for k, v in merged.items() if not plan.unknown_keys([k])}
        previous = _next_page(plan, data, number, -1)
        store.save(state=clean_state, page=previous)
        return redirect(_page_url(survey, previous, token))
    if not form.is_valid():
        return _render_page(request, plan, form, number, token)
    if action == "save" and not survey.anonymous:
        store.save(state=merged, page=number)
        messages.success(
            request, _("Your answers are saved. Come back to this page any time to finish.")
        )
        return redirect(_page_url(survey, number, token))
    following = _next_page(plan, data, number, 1)
    if following != number:  # not the last page yet: on to the next one
        store.save(state=merged, page=following)
        return redirect(_page_url(survey, following, token))

    return _submit(request, plan, store, data, merged, number, token)


def _page_number(value, plan) -> int:
    """The page asked for, kept within the survey's pages (nonsense is page 1)."""
    try:
        return min(max(int(value), 1), len(plan.pages))
    except ValueError:
        return 1


def _show_page(request, plan, store, token: str):
    """GET: the page asked for (or the one they were on), with what they answered."""
    number = _page_number(request.GET.get("page") or store.page, plan)
    state = MultiValueDict(store.state)
    questions = plan.shown_on(plan.pages[number - 1], state)
    form = SurveyForm(
        plan=plan, questions=questions, initial=initial_from_state(plan, questions, store.state)
    )
    return _render_page(request, plan, form, number, token, data=state)


def _submit(request, plan, store, data, merged, number: int, token: str):
    """The last page was sent: check every page once more (answers on earlier pages may
    have changed since), then store the whole response in one transaction."""
    survey = plan.survey
    shown = [q for p in plan.pages for q in plan.shown_on(p, data)]
    whole = SurveyForm(plan=plan, questions=shown, data=data)
    if not whole.is_valid():
        first_bad = _first_bad_page(plan, whole, number)
        if first_bad != number:
            store.save(state=merged, page=first_bad)
            bad_questions = plan.shown_on(plan.pages[first_bad - 1], data)
            form = SurveyForm(plan=plan, questions=bad_questions, data=data)
            form.is_valid()
            return _render_page(request, plan, form, first_bad, token)
        return _render_page(request, plan, whole, number, token)
    if (
        survey.anonymous
        and not survey.invitation_only
        and visitors.over_limit(request, scope=ANSWERS, per_ip=ANSWERS_PER_IP)
    ):
        whole.add_error(
            None,
            _(
                "Many answers have come from your network in the last few minutes. Please "
                "send yours again in a few minutes: your answers are kept below."
            ),
        )
        response = _render_page(request, plan, whole, number, token)
        response.status_code = 429
        return response
    try:
        services.response_submit(
            survey=survey,
            user=request.user,
            answers=whole.answers(),
            crosstab_values=whole.crosstab_values(),
            invitation_token=token,
            visitor_key=visitors.visitor_key(request, scope=ANSWERS),
        )
    except services.SurveyClosed:
        return render(request, "surveys/unavailable.html", {"survey": survey, "reason": "closed"})
    except services.InvitationInvalid:
        return render(
            request,
            "surveys/unavailable.html",
            {"survey": survey, "reason": "invitation"},
            status=403,
        )
    except services.AlreadyAnswered:
        return render(request, "surveys/already.html", {"survey": survey})
    store.clear()
    if survey.anonymous:
        request.session[SESSION_DONE] = sorted(_session_done(request) | {survey.pk})
    return redirect("surveys:thanks", slug=survey.slug)


PREVIEW_STATE = "survey-preview-{pk}"


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def preview(request, slug):
    """Who: coordinators (anonymous → sign in; everyone else 404). The survey exactly as
    a respondent sees it, page by page with the same form and checks, whether or not
    it is open; answers live in the session only and nothing is ever stored as a
    response. Finishing it goes back to the builder."""
    survey = access.access_survey_for_builder(user=request.user, slug=slug)
    plan = selectors.plan_for(survey)
    builder = reverse("admin:surveys_survey_builder", args=[survey.pk])
    if not plan.pages or not plan.questions:
        messages.info(request, _("Add a question to preview the survey."))
        return redirect(builder)
    key = PREVIEW_STATE.format(pk=survey.pk)
    saved = request.session.get(key, {})
    state, page_url = saved.get("state", {}), reverse("surveys:preview", args=[survey.slug])
    extra = {"preview": True, "form_action": page_url, "can_save": False, "builder_url": builder}

    if request.method != "POST":
        try:
            number = int(request.GET.get("page") or 1)
        except ValueError:
            number = 1
        number = min(max(number, 1), len(plan.pages))
        if number == 1 and "page" not in request.GET:
            state = {}  # a fresh preview starts blank
            request.session.pop(key, None)
        data = MultiValueDict(state)
        questions = plan.shown_on(plan.pages[number - 1], data)
        form = SurveyForm(
            plan=plan, questions=questions, initial=initial_from_state(plan, questions, state)
        )
        return _render_page(request, plan, form, number, "", data=data, **extra)

    action = request.POST.get("action", "submit")
    try:
        number = min(max(int(request.POST.get("page", "1")), 1), len(plan.pages))
    except ValueError:
        number = 1
    merged, data = _posted(request, plan, state, number)
    form = SurveyForm(plan=plan, questions=plan.shown_on(plan.pages[number - 1], data), data=data)
    if action == "back":
        previous = _next_page(plan, data, number, -1)
        request.session[key] = {"state": merged}
        return redirect(f"{page_url}?page={previous}")
    if not form.is_valid():
        return _render_page(request, plan, form, number, "", **extra)
    following = _next_page(plan, data, number, 1)
    if following != number:
        request.session[key] = {"state": merged}
        return redirect(f"{page_url}?page={following}")
    shown = [q for p in plan.pages for q in plan.shown_on(p, data)]
    whole = SurveyForm(plan=plan, questions=shown, data=data)
    if not whole.is_valid():
        request.session[key] = {"state": merged}
        first_bad = _first_bad_page(plan, whole, number)
        bad = SurveyForm(
            plan=plan, questions=plan.shown_on(plan.pages[first_bad - 1], data), data=data
        )
        bad.is_valid()
        return _render_page(request, plan, bad, first_bad, "", **extra)
    request.session.pop(key, None)
    messages.success(
        request,
        _("Preview finished: these answers would be accepted. Nothing was saved."),
    )
    return redirect(builder)


@require_safe
def thanks(request, slug):
    """Who: everyone. The survey's thank-you message."""
    survey = get_object_or_404(Survey, slug=slug)
    return render(request, "surveys/thanks.html", {"survey": survey})


@require_safe
@signed_in
def report(request, slug):
    """Who: coordinators; provider staff for feedback surveys of their own providers'
    events; anonymous → sign in; everyone else 404. Counts, percentages, means, % agree,
    SVG charts with tables, free text; ``?by=role|grade_band|district`` adds crosstabs.
    Queries: fixed whatever the number of questions and responses."""
    survey = access.access_survey_for_report(user=request.user, slug=slug)
    plan = selectors.plan_for(survey)
    by = request.GET.get("by", "")
    if by not in reports.CROSSTAB_FIELDS:
        by = ""
    data = reports.survey_report(survey=survey, questions=plan.questions, by=by)
    crosstab_options = [
        ("", _("No crosstab")),
        ("role", _("Role")),
        ("grade_band", _("Grade band")),
        ("district", _("District")),
    ]
    return render(
        request,
        "surveys/report.html",
        {
            "survey": survey,
            "report": data,
            "by": by,
            "by_label": dict(crosstab_options)[by],
            "crosstab_options": crosstab_options,
        },
    )


class _Echo:
    def write(self, value):
        return value


@require_safe
@signed_in
def report_csv(request, slug):
    """Who: as the report. Every submitted response, one row each, UTF-8 CSV; text that
    a spreadsheet would run as a formula is neutralised."""
    survey = access.access_survey_for_report(user=request.user, slug=slug)
    plan = selectors.plan_for(survey)
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"
        for row in reports.csv_rows(survey=survey, questions=plan.questions):
            yield writer.writerow([csv_cell(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.slug}.csv"'
    return response


@require_safe
@signed_in
def gaps(request, slug):
    """Who: coordinators (anonymous → sign in; everyone else 404); needs surveys only.
    Demand per topic (by grade band) against the catalog's events and seats in the
    next ``months`` (default 6), ranked by gap score. Queries: fixed."""
    survey = access.access_needs_survey_for_coordinator(user=request.user, slug=slug)
    plan = selectors.plan_for(survey)
    form = GapsForm(request.GET or None)
    months = form.cleaned_data["months"] if form.is_bound and form.is_valid() else 6
    if not form.is_bound:
        form = GapsForm(initial={"months": 6})
    data = reports.gap_report(survey=survey, questions=plan.questions, months=months)
    return render(request, "surveys/gaps.html", {"survey": survey, "form": form, "gaps": data})


def _home(**_kwargs) -> str:
    """Where an anonymous visitor comes back to after signing in: the home page."""
    return reverse("home")


@require_POST
@signed_in(back_to=_home)
def attach_feedback(request, event_id):
    """Who: coordinators and staff of the event's provider (others 404; anonymous →
    sign in). Attaches the default feedback survey to the event, then back to the
    roster."""
    event = access.access_event_for_feedback_staff(user=request.user, event_id=event_id)
    survey = services.feedback_survey_for_event(event=event)
    messages.success(request, _("Feedback survey attached: %(title)s") % {"title": survey.title})
    return redirect(reverse("admin:events_event_roster", args=[event.pk]))
