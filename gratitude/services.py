"""Every write on a gratitude wall: posting, moderating, editing, hearts, and telling a
recipient they were thanked. Plain functions with keyword-only arguments, one
transaction each; side effects are queued when the transaction commits."""

import io
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from trec.notifications.services import notification_enqueue

from . import spam
from .models import Post, Reaction, Wall
from .notifications import RecipientThanked

logger = logging.getLogger(__name__)

IMAGE_MAX_SIDE = 1200


class WallClosed(Exception):
    """The wall does not take posts now."""


# --- Posting -----------------------------------------------------------------------


def _is_verified(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and EmailAddress.objects.filter(user=user, verified=True).exists()
    )


def _outside_hub(email: str) -> bool:
    """An address that is not the verified e-mail of an active account of the hub."""
    return (
        bool(email)
        and not EmailAddress.objects.filter(
            email__iexact=email, verified=True, user__is_active=True
        ).exists()
    )


def image_normalise(upload) -> ContentFile:
    """Re-encode an uploaded image: upright, at most 1200 px a side, no metadata (a
    phone photo's EXIF can hold the school's GPS position). JPEG, or PNG when the
    image has transparency; an animated GIF keeps its first frame."""
    upload.seek(0)
    with Image.open(upload) as original:
        image = ImageOps.exif_transpose(original)
        image.thumbnail((IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
        has_alpha = image.mode in ("RGBA", "LA") or (
            image.mode == "P" and "transparency" in image.info
        )
        buffer = io.BytesIO()
        if has_alpha:
            image.convert("RGBA").save(buffer, format="PNG", optimize=True)
            extension = "png"
        else:
            image.convert("RGB").save(buffer, format="JPEG", quality=85, optimize=True)
            extension = "jpg"
    stem = os.path.splitext(os.path.basename(getattr(upload, "name", "") or "image"))[0][:40]
    return ContentFile(buffer.getvalue(), name=f"{stem or 'image'}.{extension}")


@transaction.atomic
def post_create(
    *,
    wall: Wall,
    message: str,
    recipient_name: str,
    recipient_school: str = "",
    recipient_district=None,
    recipient_email: str = "",
    author_name: str = "",
    is_anonymous: bool = False,
    author=None,
    image=None,
    image_alt: str = "",
) -> Post:
    """Add a thank-you to `wall`. It waits for review, unless the wall trusts verified
    accounts and this one is verified, the post has no link and no word of the list,
    and any recipient e-mail is a hub account's own (the hub never e-mails a stranger
    what a person wrote before a moderator has read it)."""
    if not wall.is_open:
        raise WallClosed(_("This wall is closed to new posts."))
    author = author if author is not None and author.is_authenticated else None
    post = Post(
        wall=wall,
        message=message.strip(),
        recipient_name=recipient_name.strip(),
        recipient_school=recipient_school.strip(),
        recipient_district=recipient_district,
        recipient_email=recipient_email.strip(),
        author_name="" if is_anonymous else author_name.strip(),
        is_anonymous=is_anonymous or not author_name.strip(),
        author=author,
        image_alt=image_alt.strip() if image else "",
        held_reason=spam.hold_reason(message, recipient_name, recipient_school, author_name)
        or ("recipient e-mail outside the hub" if _outside_hub(recipient_email.strip()) else ""),
    )
    if image:
        post.image = image_normalise(image)
    trusted = wall.moderation == Wall.Moderation.TRUST_VERIFIED and _is_verified(author)
    if trusted and not post.held_reason:
        post.status = Post.Status.APPROVED
        post.moderated_at = timezone.now()
    post.full_clean(exclude=["image"])  # the upload was checked by the form
    post.save()
    logger.info("gratitude post %s on %s: %s", post.pk, wall.slug, post.status)
    if post.status == Post.Status.APPROVED:
        _queue_recipient_notices([post])
    return post


# --- Moderation --------------------------------------------------------------------

ACTIONS = {
    "approve": Post.Status.APPROVED,
    "reject": Post.Status.REJECTED,
    "hide": Post.Status.HIDDEN,
}


@transaction.atomic
def posts_moderate(*, wall: Wall, post_ids: Iterable[int], action: str, moderator) -> int:
    """Approve, reject or hide posts of `wall` (ids of other walls are ignored).
    Returns how many changed. Approved recipients are told once the change commits."""
    status = ACTIONS[action]
    posts = list(
        Post.objects.select_for_update()
        .filter(wall=wall, pk__in=list(post_ids))
        .exclude(status=status)
        .order_by("pk")
    )
    now = timezone.now()
    for post in posts:
        post.status = status
        post.moderated_at = now
        post.moderated_by = moderator
    Post.objects.bulk_update(posts, ["status", "moderated_at", "moderated_by"])
    if status == Post.Status.APPROVED:
        _queue_recipient_notices(posts)
    logger.info("%s %s %d gratitude post(s) on %s", moderator, action, len(posts), wall.slug)
    return len(posts)


EDITABLE_FIELDS = (
    "message",
    "recipient_name",
    "recipient_school",
    "recipient_district",
    "author_name",
    "is_anonymous",
    "image_alt",
)


@transaction.atomic
def post_edit(*, post: Post, moderator, **changes) -> Post:
    """A moderator fixes a typo: only the visible text fields may change."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(post, name, value)
    post.moderated_at = timezone.now()
    post.moderated_by = moderator
    post.full_clean(exclude=["image"])
    post.save(update_fields=[*changes, "moderated_at", "moderated_by"])
    return post


# --- Hearts ------------------------------------------------------------------------


@dataclass(frozen=True)
class HeartResult:
    hearted: bool  # the viewer's heart is now on the post
    count: int


@transaction.atomic
def heart_toggle(*, post: Post, user=None, visitor_key: str = "") -> HeartResult:
    """Add the viewer's heart, or take it back. One per account, or without one per
    device (or address) a day (`visitor_key`, trec.visitors): the unique constraints
    decide, so a double click or a script cannot count twice."""
    if user is not None and user.is_authenticated:
        mine = Reaction.objects.filter(post=post, user=user)
        new = Reaction(post=post, user=user)
    elif visitor_key:
        mine = Reaction.objects.filter(post=post, user=None, visitor_key=visitor_key)
        new = Reaction(post=post, visitor_key=visitor_key)
    else:
        raise ValueError("a heart needs an account or a visitor key")
    removed, _details = mine.delete()
    if removed:
        Post.objects.filter(pk=post.pk, heart_count__gt=0).update(heart_count=F("heart_count") - 1)
        hearted = False
    else:
        try:
            with transaction.atomic():
                new.save()
        except IntegrityError:  # a simultaneous click from the same viewer won
            return HeartResult(True, Post.objects.get(pk=post.pk).heart_count)
        Post.objects.filter(pk=post.pk).update(heart_count=F("heart_count") + 1)
        hearted = True
    return HeartResult(hearted, Post.objects.values_list("heart_count", flat=True).get(pk=post.pk))


# --- Telling the recipient ---------------------------------------------------------


def _queue_recipient_notices(posts: Iterable[Post]) -> None:
    """The recipient of each newly approved post is told once, through the outbox (a
    row written in this transaction, sent by the workers after it commits)."""
    told = []
    for post in posts:
        if post.recipient_email and post.recipient_notified_at is None:
            notification_enqueue(
                kind=RecipientThanked.code, subject=post, email=post.recipient_email
            )
            told.append(post.pk)
    if told:
        Post.objects.filter(pk__in=told).update(recipient_notified_at=timezone.now())
