from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from trec.validators import validate_image


class ProviderQuerySet(models.QuerySet):
    def for_user(self, user):
        """The providers a staff user belongs to (coordinators: all of them)."""
        if user.is_coordinator:
            return self
        return self.filter(memberships__user=user)


class Provider(models.Model):
    """An organisation that offers professional learning to the region's educators."""

    class Kind(models.TextChoices):
        NONPROFIT = "nonprofit", _("Nonprofit")
        UNIVERSITY = "university", _("University or college")
        DISTRICT = "district", _("School district")
        GOVERNMENT = "government", _("Government agency")
        COMPANY = "company", _("Company")
        COMMUNITY = "community", _("Community organisation")

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    summary = models.CharField(_("summary"), max_length=280, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    logo = models.ImageField(
        _("logo"),
        upload_to="providers/logos/",
        blank=True,
        validators=[validate_image],
        help_text=_("JPEG, PNG, WebP or GIF, up to 2 MB."),
    )
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    service_area = models.ManyToManyField(
        "accounts.District", blank=True, related_name="providers", verbose_name=_("service area")
    )
    topics = models.ManyToManyField(
        "events.Topic", blank=True, related_name="providers", verbose_name=_("topics")
    )
    is_partner = models.BooleanField(_("partner"), default=False)
    is_verified = models.BooleanField(_("verified"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("providers:detail", kwargs={"slug": self.slug})


class ProviderMembership(models.Model):
    """A user who works for a provider and may manage its listings in the back office."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        EDITOR = "editor", _("Editor")

    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("provider")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="provider_memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("provider membership")
        verbose_name_plural = _("provider memberships")
        constraints = [
            models.UniqueConstraint(fields=["provider", "user"], name="membership_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.provider} ({self.get_role_display()})"
