"""Gratitude walls: the archive, a wall, posting a thank-you, hearts, print and PDF,
and the moderation queue. Views parse the request, call one selector or service, and
render or redirect. Who may see what is stated on each view; the lookups that enforce
it are in gratitude.access."""

import logging

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from trec import visitors
from trec.accounts.decorators import signed_in
from trec.forms import parse_id

from . import access, selectors, services, spam
from .forms import HONEYPOT_FIELD, STAMP_FIELD, PostEditForm, PostForm
from .models import Post
from .pdf import wall_pdf

logger = logging.getLogger(__name__)


# --- Reading -----------------------------------------------------------------------


@require_safe
def walls(request):
    """Who: everyone. Open walls, the archive of past walls; moderators also see their
    walls that have not opened yet."""
    return render(request, "gratitude/walls.html", selectors.walls_overview(user=request.user))


HEARTS = "heart"  # the tally's scope (trec.visitors)


def _hearts_key(request) -> str:
    """The viewer's key for showing their hearts: "" for a browser new to the hub."""
    if request.user.is_authenticated or visitors.device_id(request):
        return visitors.visitor_key(request, scope=HEARTS)
    return ""


@require_safe
@visitors.with_device_cookie
def wall(request, slug):
    """Who: everyone, once the wall has opened (before that, its moderators only; 404
    for others). Approved posts, 24 a page, with search, filters and sorting.
    Queries: wall, partners, count, posts, districts, schools, the viewer's hearts
    (+ the pending count for moderators) — the same for 1 post or 2,000."""
    wall = access.access_wall_for_viewer(user=request.user, slug=slug)
    page = selectors.wall_page(
        wall=wall,
        params=request.GET,
        user=request.user,
        visitor_key=_hearts_key(request),
    )
    return render(
        request,
        "gratitude/wall.html",
        {"wall": wall, "view": page, "page": page.page, "page_range": page.page_range},
    )


@require_safe
@visitors.with_device_cookie
def post_detail(request, slug, pk):
    """Who: everyone, for approved posts (the share link); moderators for any post."""
    wall = access.access_wall_for_viewer(user=request.user, slug=slug)
    post = access.access_post_for_viewer(user=request.user, wall=wall, pk=pk)
    hearted = selectors.hearted_ids(
        posts=[post], user=request.user, visitor_key=_hearts_key(request)
    )
    return render(
        request,
        "gratitude/post_detail.html",
        {
            "wall": wall,
            "post": post,
            "hearted": hearted,
            "share_url": request.build_absolute_uri(post.get_absolute_url()),
        },
    )


@require_safe
def print_wall(request, slug):
    """Who: everyone who may read the wall. Every approved post (optionally one school
    or district's), laid out for paper: a gift for a school. Queries: fixed."""
    wall = access.access_wall_for_viewer(user=request.user, slug=slug)
    filters = selectors.WallFilters.from_params(request.GET)
    return render(
        request,
        "gratitude/print.html",
        {
            "wall": wall,
            "filters": filters,
            "posts": selectors.printable_posts(wall=wall, filters=filters),
            "pdf_query": request.GET.urlencode(),
        },
    )


@require_safe
def pdf(request, slug):
    """Who: as the print view. The same posts as a PDF file to download."""
    wall = access.access_wall_for_viewer(user=request.user, slug=slug)
    filters = selectors.WallFilters.from_params(request.GET)
    posts = selectors.printable_posts(wall=wall, filters=filters)
    response = HttpResponse(wall_pdf(wall=wall, posts=posts), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{wall.slug}.pdf"'
    return response


# --- Posting and hearts (anyone) ----------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def post(request, slug):
    """Who: anyone, signed in or not, while the wall is open (a closed wall shows why).
    GET shows the form; POST checks it, the spam defences and the rate limit, then adds
    the post (usually for review). A failed form keeps everything typed."""
    wall = access.access_wall_for_viewer(user=request.user, slug=slug)
    status = 200
    if request.method == "POST" and wall.is_open:
        form = PostForm(request.POST, request.FILES)
        valid = form.is_valid()
        if form.spam_verdict:
            # Bots get the same answer as people, and nothing is stored.
            logger.info("gratitude post dropped on %s: %s", wall.slug, form.spam_verdict)
            messages.success(request, _("Thank you! Your message will appear after review."))
            return redirect(wall)
        if valid:
            if not request.session.session_key:
                request.session.save()
            if spam.rate_limited(
                ip=spam.client_ip(request), session_key=request.session.session_key
            ):
                form.add_error(
                    None,
                    _(
                        "You have sent several thank-yous in a short time. Please wait a few "
                        "minutes and send this one again: what you wrote is kept below."
                    ),
                )
                status = 429
            else:
                created = services.post_create(
                    wall=wall, author=request.user, **_post_fields(form.cleaned_data)
                )
                if created.status == Post.Status.APPROVED:
                    messages.success(request, _("Thank you! Your message is on the wall."))
                    return redirect(created)
                messages.success(request, _("Thank you! Your message will appear after review."))
                return redirect(wall)
        else:
            status = 400
    else:
        initial = {}
        if request.user.is_authenticated:
            initial["author_name"] = request.user.get_full_name()
        form = PostForm(initial=initial)
    return render(
        request,
        "gratitude/post_form.html",
        {
            "wall": wall,
            "form": form,
            "honeypot_field": HONEYPOT_FIELD,
            "stamp_field": STAMP_FIELD,
            "stamp": spam.form_stamp(),
        },
        status=status,
    )


def _post_fields(cleaned: dict) -> dict:
    """The form's cleaned data as post_create's keyword arguments."""
    return {
        "message": cleaned["message"],
        "recipient_name": cleaned["recipient_name"],
        "recipient_school": cleaned.get("recipient_school", ""),
        "recipient_district": cleaned.get("recipient_district"),
        "recipient_email": cleaned.get("recipient_email", ""),
        "author_name": cleaned.get("author_name", ""),
        "is_anonymous": bool(cleaned.get("is_anonymous")),
        "image": cleaned.get("image"),
        "image_alt": cleaned.get("image_alt", ""),
    }


@require_POST
def heart(request, slug, pk):
    """Who: anyone. Adds the viewer's heart to an approved post, or takes it back: one
    per account, or without one per device (or address) a day, and only so many from
    one address in a few minutes (trec.visitors). Back to where they clicked."""
    wall = access.access_wall_for_viewer(user=request.user, slug=slug)
    post = get_object_or_404(Post.objects.approved(), wall=wall, pk=pk)
    if visitors.over_limit(request, scope=HEARTS):
        messages.error(
            request,
            _("Many hearts have come from your network just now. Please try again later."),
        )
    else:
        result = services.heart_toggle(
            post=post,
            user=request.user,
            visitor_key=visitors.visitor_key(request, scope=HEARTS),
        )
        messages.success(
            request,
            (_("You sent a heart to %(name)s.") if result.hearted else _("Heart taken back."))
            % {"name": post.recipient_name},
        )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = wall.get_absolute_url()
    return redirect(f"{target.split('#')[0]}#post-{post.pk}")


# --- Moderation (coordinators, partner staff) ---------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def moderate(request, slug):
    """Who: coordinators, and staff of the wall's partner providers; anonymous visitors
    are sent to sign in, anyone else gets 404. The queue by status (pending first),
    50 a page, with approve / reject / hide per post or in bulk. Queries: fixed."""
    wall = access.access_wall_for_moderator(user=request.user, slug=slug)
    status = request.GET.get("status", Post.Status.PENDING)
    if status not in Post.Status.values:
        status = Post.Status.PENDING
    if request.method == "POST":
        action, ids = _moderation_request(request.POST)
        if action not in services.ACTIONS:
            messages.error(request, _("Choose what to do with the selected posts."))
        elif not ids:
            messages.error(request, _("Select at least one post first."))
        else:
            changed = services.posts_moderate(
                wall=wall, post_ids=ids, action=action, moderator=request.user
            )
            messages.success(request, _moderation_message(action, changed))
        return redirect(f"{request.path}?{request.GET.urlencode()}")
    page, page_range = selectors.moderation_queue(
        wall=wall, status=status, page_number=request.GET.get("page")
    )
    return render(
        request,
        "gratitude/moderate.html",
        {
            "wall": wall,
            "status": status,
            "statuses": Post.Status.choices,
            "counts": selectors.status_counts(wall=wall),
            "page": page,
            "page_range": page_range,
        },
    )


def _moderation_request(data) -> tuple[str, list[int]]:
    """A per-post button sends one="approve:12"; the bulk bar sends action + ids."""
    one = data.get("one", "")
    if ":" in one:
        action, _sep, pk = one.partition(":")
        return action, [pk for pk in [parse_id(pk)] if pk is not None]
    ids = [pk for pk in map(parse_id, data.getlist("ids")) if pk is not None]
    return data.get("action", ""), ids


def _moderation_message(action: str, count: int) -> str:
    texts = {
        "approve": _("%(count)s post(s) approved: they are on the wall."),
        "reject": _("%(count)s post(s) rejected."),
        "hide": _("%(count)s post(s) hidden from the wall."),
    }
    return texts[action] % {"count": count}


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def moderate_edit(request, slug, pk):
    """Who: as the queue. Fix a typo in a post (its text, names, school and picture
    description; never the e-mail or the picture itself)."""
    wall = access.access_wall_for_moderator(user=request.user, slug=slug)
    post = get_object_or_404(Post.objects.select_related("recipient_district"), wall=wall, pk=pk)
    form = PostEditForm(request.POST or None, instance=post)
    if request.method == "POST" and form.is_valid():
        services.post_edit(
            post=post,
            moderator=request.user,
            **{name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS},
        )
        messages.success(request, _("The post is saved."))
        return redirect(reverse("gratitude:moderate", args=[wall.slug]) + f"?status={post.status}")
    return render(
        request,
        "gratitude/moderate_edit.html",
        {"wall": wall, "post": post, "form": form},
        status=400 if form.is_bound else 200,
    )
