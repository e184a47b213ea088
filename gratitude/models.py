"""Gratitude walls: seasonal walls where anyone can thank an educator.

A `Wall` is one season ("December 2022") run with partner organisations; a `Post` is
one thank-you on it, shown only once a moderator approves it (or at once, for verified
accounts, on walls that trust them); a `Reaction` is one heart, one per person or
browser session, with the running total kept on the post so a page of cards never
counts hearts card by card.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trec.validators import validate_image

MESSAGE_MAX_LENGTH = 1000


class WallQuerySet(models.QuerySet):
    def public(self):
        """Walls the public may read: open now, or closed and kept as an archive."""
        return self.filter(opens_on__lte=timezone.localdate())

    def open_now(self):
        today = timezone.localdate()
        return self.filter(opens_on__lte=today, closes_on__gte=today)


class Wall(models.Model):
    class Moderation(models.TextChoices):
        REVIEW_ALL = "review_all", _("Every post is reviewed before it appears")
        TRUST_VERIFIED = (
            "trust_verified",
            _("Posts from verified accounts appear at once; others are reviewed"),
        )

    class Theme(models.TextChoices):
        # A fixed palette (CSS classes in gratitude.css): the CSP forbids inline styles,
        # and every pair is checked for AA contrast once, not per wall.
        TEAL = "teal", _("Teal")
        SUNRISE = "sunrise", _("Sunrise")
        DESERT = "desert", _("Desert rose")
        SKY = "sky", _("Sky")
        SAGUARO = "saguaro", _("Saguaro green")
        PLUM = "plum", _("Plum")

    title = models.CharField(_("title"), max_length=120)
    title_es = models.CharField(_("title in Spanish"), max_length=120, blank=True)
    slug = models.SlugField(max_length=140, unique=True)
    season = models.CharField(
        _("season"), max_length=60, help_text=_('For example "December 2022" or "Spring 2021".')
    )
    season_es = models.CharField(_("season in Spanish"), max_length=60, blank=True)
    intro = models.TextField(_("introduction"), blank=True)
    intro_es = models.TextField(
        _("introduction in Spanish"),
        blank=True,
        help_text=_("Shown to Spanish readers when filled in; English otherwise."),
    )
    partners = models.ManyToManyField(
        "providers.Provider",
        blank=True,
        related_name="gratitude_walls",
        verbose_name=_("partner organisations"),
        help_text=_("Staff of these providers may moderate the wall."),
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    moderation = models.CharField(
        _("moderation"),
        max_length=20,
        choices=Moderation.choices,
        default=Moderation.REVIEW_ALL,
    )
    theme = models.CharField(
        _("theme colour"), max_length=12, choices=Theme.choices, default="teal"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WallQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "title"]
        verbose_name = _("gratitude wall")
        verbose_name_plural = _("gratitude walls")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="wall_closes_after_it_opens",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("gratitude:wall", kwargs={"slug": self.slug})

    @property
    def is_open(self) -> bool:
        return self.opens_on <= timezone.localdate() <= self.closes_on

    @property
    def is_upcoming(self) -> bool:
        return timezone.localdate() < self.opens_on


class PostQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Post.Status.APPROVED)

    def pending(self):
        return self.filter(status=Post.Status.PENDING)


class Post(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        HIDDEN = "hidden", _("Hidden")

    wall = models.ForeignKey(
        Wall, on_delete=models.CASCADE, related_name="posts", verbose_name=_("wall")
    )
    message = models.TextField(_("message"), max_length=MESSAGE_MAX_LENGTH)
    recipient_name = models.CharField(_("to"), max_length=120)
    recipient_school = models.CharField(_("school"), max_length=150, blank=True)
    recipient_district = models.ForeignKey(
        "accounts.District",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district or school system"),
    )
    recipient_email = models.EmailField(
        _("recipient's e-mail"),
        blank=True,
        help_text=_("Private: used once to tell them about the post, never shown."),
    )
    author_name = models.CharField(_("from"), max_length=120, blank=True)
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gratitude_posts",
        verbose_name=_("account"),
    )
    image = models.ImageField(
        _("image"), upload_to="gratitude/%Y/%m/", blank=True, validators=[validate_image]
    )
    image_alt = models.CharField(_("image description"), max_length=250, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    held_reason = models.CharField(
        _("held because"),
        max_length=200,
        blank=True,
        help_text=_("Why the spam filter held this post for a person to look at."),
    )
    heart_count = models.PositiveIntegerField(_("hearts"), default=0)
    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    recipient_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("gratitude post")
        verbose_name_plural = _("gratitude posts")
        indexes = [
            models.Index(fields=["wall", "status", "-created_at"], name="post_wall_status_new"),
            models.Index(fields=["wall", "status", "-heart_count"], name="post_wall_status_loved"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(image="") | ~Q(image_alt=""), name="post_image_needs_alt_text"
            )
        ]

    def __str__(self) -> str:
        return _("To %(name)s") % {"name": self.recipient_name}

    def get_absolute_url(self) -> str:
        return reverse("gratitude:post_detail", kwargs={"slug": self.wall.slug, "pk": self.pk})

    @property
    def signature(self) -> str:
        if self.is_anonymous or not self.author_name:
            return str(_("Anonymous"))
        return self.author_name

    @property
    def recipient_place(self) -> str:
        parts = [
            self.recipient_school,
            self.recipient_district.name if self.recipient_district else "",
        ]
        return ", ".join(part for part in parts if part)


class Reaction(models.Model):
    """One heart on a post: from an account (one for good), or without one from a
    device or address, one a day (`visitor_key`, a keyed hash: trec.visitors)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="gratitude_reactions",
    )
    visitor_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("heart")
        verbose_name_plural = _("hearts")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user"],
                condition=Q(user__isnull=False),
                name="reaction_one_per_user",
            ),
            models.UniqueConstraint(
                fields=["post", "visitor_key"],
                condition=Q(user__isnull=True),
                name="reaction_one_per_visitor_day",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(visitor_key=""),
                name="reaction_has_a_reactor",
            ),
        ]

    def __str__(self) -> str:
        return f"♥ {self.post_id}"
