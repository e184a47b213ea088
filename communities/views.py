"""Communities of Practice: the list, a community's page (with the application form and,
for members, the meetings), applying and withdrawing, and the roster, attendance grid,
CSV and cohort e-mail for the people who run the community.

Views parse the request, call one selector or service, and render or redirect. Who may
see what is stated on each view; the lookups that enforce it are in communities.access.
"""

import csv
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from trec.accounts.decorators import signed_in, signed_in_to
from trec.exports import csv_cell
from trec.forms import parse_id
from trec.notifications.staff_messages import staff_message_page
from trec.rosters import grid_pairs

from . import access, selectors, services
from .forms import ApplicationForm, MeetingForm, PostForm, ThreadForm
from .models import Community, Membership, Post, Thread

Status = Membership.Status


@require_safe
def community_list(request):
    """Who: everyone. Every community that is not a draft, open ones first."""
    communities = list(
        Community.objects.visible()
        .with_counts()
        .select_related("partner")
        .order_by("status", "-school_year", "title")
    )
    # Open first, then running, then closed ("open" < "running" < "closed" is not
    # alphabetical, so sort in Python on the small list).
    order = {Community.Status.OPEN: 0, Community.Status.RUNNING: 1, Community.Status.CLOSED: 2}
    communities.sort(key=lambda c: order.get(c.status, 3))
    mine = {}
    if request.user.is_authenticated:
        mine = dict(
            Membership.objects.filter(user=request.user).values_list("community_id", "status")
        )
    labels = dict(Status.choices)
    for community in communities:
        status = mine.get(community.pk)
        community.my_status = labels[status] if status else ""
    return render(request, "communities/list.html", {"communities": communities})


def _detail_context(request, community: Community, form=None, refused=None) -> dict:
    user = request.user
    membership = None
    problems = []
    if user.is_authenticated:
        membership = Membership.objects.filter(community=community, user=user).first()
        problems = services.eligibility_problems(community=community, user=user)
    is_manager = access.can_manage(community, user)
    is_member = membership is not None and membership.status == Status.ACCEPTED
    can_apply = (
        community.is_open
        and not problems
        and (membership is None or membership.status == Status.WITHDRAWN)
    )
    if can_apply and form is None:
        form = ApplicationForm(questions=community.questions_shown())
    return {
        "community": community,
        "membership": membership,
        "problems": problems,
        "refused": refused or [],
        "can_apply": can_apply,
        "form": form if can_apply else None,
        "is_manager": is_manager,
        "is_member": is_member,
        "meetings": list(community.meetings.all()) if (is_member or is_manager) else [],
        "accepted_count": community.memberships.filter(status=Status.ACCEPTED).count(),
    }


@require_safe
def detail(request, slug):
    """Who: everyone (drafts: coordinators only). Members, facilitators and coordinators
    also see the meetings with their join links."""
    community = access.access_community_for_viewer(user=request.user, slug=slug)
    return render(request, "communities/detail.html", _detail_context(request, community))


def _community_url(slug) -> str:
    """Where an anonymous visitor comes back to after signing in: the community's page."""
    return reverse("communities:detail", kwargs={"slug": slug})


@require_POST
@signed_in(back_to=_community_url)
def apply(request, slug):
    """Who: signed-in users (others are sent to sign in). Applies with one answer per
    question; an ineligible or invalid application re-shows the page explaining why."""
    community = access.access_community_for_viewer(user=request.user, slug=slug)
    form = ApplicationForm(request.POST, questions=community.questions_shown())
    if not form.is_valid():
        context = _detail_context(request, community, form=form)
        return render(request, "communities/detail.html", context, status=400)
    try:
        result = services.membership_apply(
            community=community, user=request.user, answers=form.answers()
        )
    except services.ApplicationRefused as refused:
        context = _detail_context(request, community, form=form, refused=refused.messages)
        return render(request, "communities/detail.html", context, status=400)
    if result.created:
        messages.success(
            request,
            _("Your application to %(title)s is sent. You will hear from us by e-mail.")
            % {"title": community.title},
        )
    else:
        messages.info(
            request, _("You have already applied to %(title)s.") % {"title": community.title}
        )
    return redirect(community)


@require_POST
@signed_in(back_to=_community_url)
def withdraw(request, slug):
    """Who: signed-in users, for their own application only."""
    community = access.access_community_for_viewer(user=request.user, slug=slug)
    membership = Membership.objects.filter(community=community, user=request.user).first()
    if membership is not None and membership.is_active:
        services.membership_withdraw(membership=membership)
        messages.success(
            request, _("You have withdrawn from %(title)s.") % {"title": community.title}
        )
    return redirect(community)


# --- For coordinators and the community's facilitators --------------------------------


# Sign in, then the community for its managers (403 for anyone else).
manager_view = signed_in_to(access.access_community_for_manager)


@require_http_methods(["GET", "HEAD", "POST"])
@manager_view
def roster(request, community):
    """Who: coordinators and this community's facilitators (others 403, anonymous to
    sign in). GET: every application with answers and profile facts; POST: a bulk
    decision (accept, waitlist, decline) on the ticked applications."""
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        ids = [pk for pk in map(parse_id, request.POST.getlist("membership")) if pk is not None]
        if decision not in services.DECISIONS or not ids:
            messages.error(request, _("Tick at least one application and choose a decision."))
            return redirect("communities:roster", slug=community.slug)
        result = services.memberships_decide(
            community=community, membership_ids=ids, decision=decision, decided_by=request.user
        )
        messages.success(
            request,
            ngettext(
                "%(count)d application updated; the educator is e-mailed.",
                "%(count)d applications updated; each educator is e-mailed.",
                len(result.changed),
            )
            % {"count": len(result.changed)},
        )
        if result.waitlisted_for_capacity:
            messages.warning(
                request,
                ngettext(
                    "The cohort is full: %(count)d person went to the waiting list instead.",
                    "The cohort is full: %(count)d people went to the waiting list instead.",
                    len(result.waitlisted_for_capacity),
                )
                % {"count": len(result.waitlisted_for_capacity)},
            )
        return redirect("communities:roster", slug=community.slug)
    return render(
        request,
        "communities/roster.html",
        {"community": community, "roster": selectors.build_roster(community)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@manager_view
def attendance(request, community):
    """Who: as the roster. The attendance grid (accepted members × meetings); saving it
    updates the members' transcripts."""
    roster = selectors.build_roster(community)
    if request.method == "POST":
        allowed = {(row.membership.pk, m.pk) for row in roster.accepted for m in roster.meetings}
        try:
            added, removed = services.meeting_attendance_mark(
                community=community,
                allowed=allowed,
                shown=grid_pairs(request.POST.getlist("shown")),
                checked=grid_pairs(request.POST.getlist("attended")),
                marked_by=request.user,
                override=request.POST.get("override") == "1",
            )
        except ValidationError as refused:
            messages.error(request, refused.messages[0])
        else:
            messages.success(
                request,
                _("Attendance saved: %(added)d marked present, %(removed)d unmarked.")
                % {"added": added, "removed": removed},
            )
        return redirect("communities:attendance", slug=community.slug)
    return render(
        request,
        "communities/attendance.html",
        {
            "community": community,
            "roster": roster,
            "meeting_labels": [selectors.meeting_label(m) for m in roster.meetings],
        },
    )


@require_safe
@manager_view
def roster_csv(request, community):
    """Who: as the roster. Every application as UTF-8 CSV, one column per question."""
    roster = selectors.build_roster(community)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="roster-{community.slug}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            "name",
            "email",
            "status",
            "applied",
            "role",
            "district",
            "school",
            "grade bands",
            "years of experience",
            "meetings attended",
            *community.questions,
        ]
    )
    for row in roster.rows():
        membership, user = row.membership, row.user
        answers = {a.get("question"): a.get("answer", "") for a in membership.answers}
        writer.writerow(
            [
                csv_cell(row.name),
                csv_cell(user.email),
                membership.get_status_display(),
                membership.applied_at.date().isoformat(),
                user.get_role_display(),
                csv_cell(user.district.name if user.district else ""),
                csv_cell(user.school.name if user.school else ""),
                row.grade_bands,
                "" if user.years_experience is None else user.years_experience,
                len(row.attended),
                *[csv_cell(answers.get(question, "")) for question in community.questions],
            ]
        )
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@manager_view
def cohort_email(request, community):
    """Who: as the roster. Write to the members, the waiting list, those who attended a
    meeting or everyone: preview, a test to yourself, send; below, the log of what was
    sent to whom (trec.notifications.staff_messages)."""
    group = services.cohort_group(community=community, sender=request.user)
    page = staff_message_page(request, group=group)
    if page.sent:
        return redirect("communities:email", slug=community.slug)
    return render(
        request, "communities/cohort_email.html", {"community": community, **page.context}
    )


@require_http_methods(["GET", "HEAD", "POST"])
@manager_view
def meeting_new(request, community):
    """Who: as the roster. Schedule a meeting; it appears on the community page and the
    attendance grid, and members are reminded before it."""
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = services.meeting_schedule(community=community, form=form)
        messages.success(request, _("“%(title)s” is scheduled.") % {"title": meeting.title})
        return redirect("communities:roster", slug=community.slug)
    return render(request, "communities/meeting_form.html", {"community": community, "form": form})


# --- Discussion board: members, facilitators and coordinators --------------------------


def member_view(view):
    """Sign in, then look the community up for its members and managers (403), and
    call the view with (request, community, is_manager, ...)."""

    @signed_in
    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        community, is_manager = access.access_community_for_member(user=request.user, slug=slug)
        return view(request, community, is_manager, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "HEAD", "POST"])
@member_view
def board(request, community, is_manager):
    """Who: accepted members, this community's facilitators and coordinators (others
    403, anonymous to sign in). GET: the threads; POST: start a thread."""
    form = ThreadForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        thread = services.thread_start(
            community=community,
            author=request.user,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
        )
        messages.success(request, _("Your thread is posted."))
        return redirect("communities:thread", slug=community.slug, pk=thread.pk)
    return render(
        request,
        "communities/board.html",
        {
            "community": community,
            "threads": selectors.board_threads(community),
            "form": form,
            "is_manager": is_manager,
        },
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@member_view
def thread(request, community, is_manager, pk):
    """Who: as the board. GET: the thread's posts (hidden ones only for facilitators
    and coordinators); POST: reply."""
    thread = get_object_or_404(Thread.objects.select_related("author"), pk=pk, community=community)
    thread.community = community
    form = PostForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        post = services.post_reply(
            thread=thread, author=request.user, body=form.cleaned_data["body"]
        )
        messages.success(request, _("Your reply is posted."))
        return redirect(f"{thread.get_absolute_url()}#post-{post.pk}")
    return render(
        request,
        "communities/thread.html",
        {
            "community": community,
            "thread": thread,
            "posts": selectors.thread_posts(thread),
            "form": form,
            "is_manager": is_manager,
        },
        status=400 if form.is_bound else 200,
    )


def _community_post(community, pk) -> Post:
    post = get_object_or_404(
        Post.objects.select_related("thread"), pk=pk, thread__community=community
    )
    post.thread.community = community
    return post


@require_http_methods(["GET", "HEAD", "POST"])
@member_view
def post_edit(request, community, is_manager, pk):
    """Who: the post's author, while a member or manager (anyone else 403)."""
    post = _community_post(community, pk)
    if post.author_id != request.user.pk or post.is_deleted:
        raise PermissionDenied
    first_pk = post.thread.posts.order_by("created_at", "pk").values_list("pk", flat=True)[:1]
    is_first = list(first_pk) == [post.pk]
    form_class = ThreadForm if is_first else PostForm
    initial = {"body": post.body, "title": post.thread.title}
    form = form_class(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.post_edit(
            post=post,
            user=request.user,
            body=form.cleaned_data["body"],
            title=form.cleaned_data.get("title"),
        )
        messages.success(request, _("Your post is updated."))
        return redirect(f"{post.thread.get_absolute_url()}#post-{post.pk}")
    return render(
        request,
        "communities/post_edit.html",
        {"community": community, "thread": post.thread, "post": post, "form": form},
        status=400 if form.is_bound else 200,
    )


@require_POST
@member_view
def post_delete(request, community, is_manager, pk):
    """Who: the post's author, while a member or manager (anyone else 403)."""
    post = _community_post(community, pk)
    if post.author_id != request.user.pk:
        raise PermissionDenied
    services.post_delete(post=post, user=request.user)
    messages.success(request, _("Your post is deleted."))
    if Thread.objects.filter(pk=post.thread_id).exists():
        return redirect(post.thread)
    return redirect("communities:board", slug=community.slug)


@require_POST
@member_view
def post_hide(request, community, is_manager, pk):
    """Who: this community's facilitators and coordinators (members 403). Hides the
    post from members (hidden=1) or shows it again (hidden=0)."""
    if not is_manager:
        raise PermissionDenied
    post = _community_post(community, pk)
    hidden = request.POST.get("hidden", "1") == "1"
    services.post_set_hidden(post=post, moderator=request.user, hidden=hidden)
    messages.success(
        request,
        _("The post is hidden from members.") if hidden else _("The post is visible again."),
    )
    return redirect(f"{post.thread.get_absolute_url()}#post-{post.pk}")
