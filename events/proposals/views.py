"""Pages of calls for proposals. Views sign in with ``signed_in``, get their objects
through ``access`` (which says who may see what), call one service or selector, and
render or redirect. Who may see each page is stated on it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from trec.accounts.decorators import signed_in

from . import access, selectors, services
from .forms import ConflictForm, DecideForm, PresenterForm, ProposalForm, ReviewForm, ScheduleForm
from .models import Presenter, Proposal

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def _refused(request, error: ValidationError) -> None:
    messages.error(request, error.messages[0])


# --- Public pages -----------------------------------------------------------------------


@require_safe
def calls(request):
    """Who: everyone. Calls taking proposals now or soon."""
    return render(request, "proposals/calls.html", {"calls": selectors.calls_open_or_coming()})


@require_safe
def call_detail(request, slug):
    """Who: everyone. What the call asks for, its dates, formats and how to propose."""
    call = access.access_call_for_viewer(user=request.user, slug=slug)
    return render(
        request,
        "proposals/call.html",
        {
            "call": call,
            "formats": list(call.formats.all()),
            "criteria": list(call.criteria.all()),
            "topics": list(call.topics.all()),
        },
    )


# --- Submitting ---------------------------------------------------------------------------


def _save(request, *, call, form, proposal=None):
    """Run the save service for a valid form; the proposal, or None (message shown)."""
    submit = "submit" in request.POST
    try:
        return services.proposal_save(
            call=call,
            user=request.user,
            proposal=proposal,
            fields={
                "title": form.cleaned_data["title"],
                "abstract": form.cleaned_data["abstract"],
                "session_format": form.cleaned_data["session_format"],
            },
            grade_bands=form.cleaned_data["grade_bands"],
            topics=form.cleaned_data.get("topics", []),
            answers=form.answers(),
            bio=form.cleaned_data["bio"],
            photo=form.cleaned_data.get("photo"),
            co_presenters=form.cleaned_data["co_presenters"],
            submit=submit,
        )
    except ValidationError as refused:
        _refused(request, refused)
        return None


def _saved_message(request, proposal):
    if proposal.status == Proposal.Status.DRAFT:
        messages.success(request, _("Draft saved. Submit it before the call closes."))
    else:
        messages.success(
            request,
            _("Your proposal “%(title)s” is submitted. You can edit it until the call closes.")
            % {"title": proposal.title},
        )


@GET_POST
@signed_in
def submit(request, slug):
    """Who: signed-in people (others are sent to sign in), while the call is open."""
    call = access.access_call_for_viewer(user=request.user, slug=slug)
    form = ProposalForm(request.POST or None, request.FILES or None, call=call)
    if request.method == "POST" and form.is_valid():
        proposal = _save(request, call=call, form=form)
        if proposal is not None:
            _saved_message(request, proposal)
            return redirect(proposal)
    return render(
        request,
        "proposals/proposal_form.html",
        {"call": call, "form": form, "is_open": call.is_open()},
    )


@GET_POST
@signed_in
def edit(request, pk):
    """Who: the proposal's lead presenter (everyone else 404), until the call closes."""
    proposal = access.access_proposal_for_lead(user=request.user, pk=pk)
    call = proposal.call
    lead = proposal.presenters.filter(is_lead=True).first()
    form = ProposalForm(
        request.POST or None, request.FILES or None, call=call, instance=proposal, lead=lead
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(request, call=call, form=form, proposal=proposal)
        if saved is not None:
            _saved_message(request, saved)
            return redirect(saved)
    return render(
        request,
        "proposals/proposal_form.html",
        {
            "call": call,
            "form": form,
            "proposal": proposal,
            "is_open": call.is_open() and proposal.status in services.EDITABLE,
        },
    )


@require_safe
@signed_in
def proposal_detail(request, pk):
    """Who: the proposal's presenters and coordinators (everyone else 404). Its status,
    presenters, and what to do next (edit, withdraw, confirm the session)."""
    proposal = access.access_proposal_for_presenter(user=request.user, pk=pk)
    selectors.presenters_of([proposal])
    presenting = any(
        p.user_id == request.user.pk and p.status == Presenter.Status.CONFIRMED
        for p in proposal.presenter_list
    )
    return render(
        request,
        "proposals/proposal.html",
        {
            "proposal": proposal,
            "call": proposal.call,
            "is_lead": proposal.submitted_by_id == request.user.pk,
            "presenting": presenting,
            "editable": proposal.call.is_open() and proposal.status in services.EDITABLE,
        },
    )


@require_POST
@signed_in
def withdraw(request, pk):
    """Who: the lead presenter (everyone else 404)."""
    proposal = access.access_proposal_for_lead(user=request.user, pk=pk)
    try:
        services.proposal_withdraw(proposal=proposal, user=request.user)
    except ValidationError as refused:
        _refused(request, refused)
    else:
        messages.success(request, _("Your proposal is withdrawn."))
    return redirect(proposal)


@require_POST
@signed_in
def confirm(request, pk):
    """Who: the proposal's presenters (others 404 or a message). Confirms the session."""
    proposal = access.access_proposal_for_presenter(user=request.user, pk=pk)
    try:
        services.presentation_confirm(proposal=proposal, user=request.user)
    except ValidationError as refused:
        _refused(request, refused)
    else:
        messages.success(request, _("Thank you: your session is confirmed."))
    return redirect(proposal)


@GET_POST
@signed_in
def invitation(request, token):
    """Who: the signed-in person the invitation was sent to (another account: 403;
    an unknown token: 404). Confirm with a bio and photo, or decline."""
    presenter = access.access_invitation_for_invitee(user=request.user, token=token)
    form = PresenterForm(
        request.POST or None, request.FILES or None, initial={"bio": presenter.bio}
    )
    if request.method == "POST":
        accept = "accept" in request.POST
        if not accept or form.is_valid():
            try:
                services.invitation_respond(
                    presenter=presenter,
                    user=request.user,
                    accept=accept,
                    bio=form.cleaned_data.get("bio", "") if accept else "",
                    photo=form.cleaned_data.get("photo") if accept else None,
                )
            except ValidationError as refused:
                _refused(request, refused)
            else:
                if accept:
                    messages.success(request, _("You are a co-presenter of this proposal."))
                    return redirect(presenter.proposal)
                messages.info(request, _("You declined the invitation."))
                return redirect("accounts:me")
    return render(
        request,
        "proposals/invitation.html",
        {"presenter": presenter, "proposal": presenter.proposal, "form": form},
    )


# --- Review ---------------------------------------------------------------------------------


@require_safe
@signed_in
def review_list(request, slug):
    """Who: the call's review committee only (everyone else 404). Proposals to score,
    without the ones they declared a conflict with."""
    call = access.access_call_for_reviewer(user=request.user, slug=slug)
    queue = selectors.review_queue(call=call, user=request.user)
    done = sum(1 for proposal in queue if proposal.my_reviews)
    return render(
        request, "proposals/review_list.html", {"call": call, "queue": queue, "done": done}
    )


@GET_POST
@signed_in
def review(request, slug, pk):
    """Who: the call's review committee (others 404; a proposal they declared a
    conflict with: 404). Score each criterion and comment; blind when the call says so."""
    call = access.access_call_for_reviewer(user=request.user, slug=slug)
    proposal = access.access_proposal_for_reviewer(user=request.user, call=call, pk=pk)
    mine = proposal.reviews.filter(reviewer=request.user).first()
    form = ReviewForm(request.POST or None, criteria=call.criteria.all(), review=mine)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_save(
                proposal=proposal,
                reviewer=request.user,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as refused:
            _refused(request, refused)
        else:
            messages.success(
                request, _("Your review of “%(title)s” is saved.") % {"title": proposal.title}
            )
            return redirect("proposals:review_list", slug=call.slug)
    if not call.blind_review:
        selectors.presenters_of([proposal])
    answers = [
        (question, proposal.answers.get(str(question.pk)))
        for question in call.questions.all()
        if proposal.answers.get(str(question.pk)) not in (None, "")
    ]
    return render(
        request,
        "proposals/review.html",
        {
            "call": call,
            "proposal": proposal,
            "form": form,
            "conflict_form": ConflictForm(),
            "answers": answers,
            "grade_bands": list(proposal.grade_bands.all()),
        },
    )


@require_POST
@signed_in
def conflict(request, slug, pk):
    """Who: the call's review committee (others 404). Declares a conflict of interest:
    the proposal leaves their list and any score they gave is removed."""
    call = access.access_call_for_reviewer(user=request.user, slug=slug)
    proposal = access.access_proposal_for_reviewer(user=request.user, call=call, pk=pk)
    form = ConflictForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.conflict_declare(proposal=proposal, reviewer=request.user, reason=reason)
    messages.success(request, _("Conflict declared: the proposal is hidden from you."))
    return redirect("proposals:review_list", slug=call.slug)


# --- Managing a call (coordinators) ------------------------------------------------------


def _manage_page(request, call, decide_form=None):
    proposals = selectors.ranked(call)
    return render(
        request,
        "proposals/manage.html",
        {
            "call": call,
            "proposals": proposals,
            "counts": selectors.call_counts(call),
            "decide_form": decide_form or DecideForm(proposals=proposals),
        },
        status=400 if decide_form is not None else 200,
    )


@require_safe
@signed_in
def manage(request, slug):
    """Who: coordinators (other signed-in people 403). The ranked table (mean score,
    spread, number of reviews), decisions in bulk, scheduling and presenter hours."""
    call = access.access_call_for_coordinator(user=request.user, slug=slug)
    return _manage_page(request, call)


@require_POST
@signed_in
def decide(request, slug):
    """Who: coordinators. Accept, wait-list or decline the ticked proposals; their
    presenters are told by e-mail, each in their own language."""
    call = access.access_call_for_coordinator(user=request.user, slug=slug)
    proposals = list(Proposal.objects.submitted().filter(call=call).only("pk", "title"))
    form = DecideForm(request.POST, proposals=proposals)
    if not form.is_valid():
        return _manage_page(request, call, decide_form=form)
    decided, left = services.proposals_decide(
        call=call,
        proposal_ids=form.cleaned_data["proposals"],
        status=form.cleaned_data["decision"],
        message=form.cleaned_data["message"],
        message_es=form.cleaned_data["message_es"],
    )
    messages.success(
        request,
        ngettext(
            "%(count)d proposal decided; its presenters are told by e-mail.",
            "%(count)d proposals decided; their presenters are told by e-mail.",
            decided,
        )
        % {"count": decided},
    )
    if left:
        messages.info(
            request,
            ngettext(
                "%(count)d proposal was left as it was (already decided so, or scheduled).",
                "%(count)d proposals were left as they were (already decided so, or scheduled).",
                left,
            )
            % {"count": left},
        )
    return redirect("proposals:manage", slug=call.slug)


@GET_POST
@signed_in
def schedule(request, slug, pk):
    """Who: coordinators. Place an accepted proposal into a room and a time slot; a
    taken room, a double-booked presenter or too many seats for the room are refused."""
    call = access.access_call_for_coordinator(user=request.user, slug=slug)
    proposal = access.access_proposal_for_presenter(user=request.user, pk=pk)
    if proposal.call_id != call.pk:
        raise Http404("No such proposal")
    initial = {"slot": proposal.slot_id, "room": proposal.room_id}
    form = ScheduleForm(request.POST or None, call=call, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.proposal_schedule(
                    proposal=proposal,
                    room=form.cleaned_data["room"],
                    slot=form.cleaned_data["slot"],
                    capacity=form.cleaned_data["capacity"],
                )
            except ValidationError as refused:
                form.add_error(None, refused.messages[0])
            else:
                messages.success(
                    request,
                    _("“%(title)s” is on the program; its presenters are asked to confirm.")
                    % {"title": proposal.title},
                )
                return redirect("proposals:manage", slug=call.slug)
        status = 400
    selectors.presenters_of([proposal])
    return render(
        request,
        "proposals/schedule.html",
        {"call": call, "proposal": proposal, "form": form},
        status=status,
    )


@require_POST
@signed_in
def credits(request, slug):
    """Who: coordinators. Give presenters of confirmed sessions that have ended their
    PD hours now (the hourly task does it too)."""
    call = access.access_call_for_coordinator(user=request.user, slug=slug)
    result = services.presenter_credits_sync(call=call)
    messages.success(
        request,
        _("Presenter hours updated: %(created)s added, %(updated)s changed, %(deleted)s removed.")
        % result,
    )
    return redirect("proposals:manage", slug=call.slug)
