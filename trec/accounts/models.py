import secrets

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .roles import is_coordinator


class GradeBand(models.Model):
    """Birth–pre-K, K–2, 3–5, 6–8, 9–12: shared by profiles, events and communities."""

    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=40)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("grade band")
        verbose_name_plural = _("grade bands")

    def __str__(self) -> str:
        # The names are reference data marked in reference.py: shown in the reader's language.
        return gettext(self.name)


class District(models.Model):
    class Kind(models.TextChoices):
        DISTRICT = "district", _("Public school district")
        CHARTER = "charter", _("Charter school")
        INDEPENDENT = "independent", _("Independent school")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DISTRICT)
    is_partner = models.BooleanField(_("partner district"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="schools", verbose_name=_("district")
    )
    name = models.CharField(_("name"), max_length=150)

    class Meta:
        ordering = ["name"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="school_unique_per_district")
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class User(AbstractUser):
    """An account on the hub; the e-mail address is the login.

    Educator profile facts live here, so every page that shows a person needs
    no extra join.
    """

    class Role(models.TextChoices):
        TEACHER = "teacher", _("Classroom teacher")
        COUNSELOR = "counselor", _("Counselor")
        AIDE = "aide", _("Aide / paraprofessional")
        SPECIALIST = "specialist", _("Specialist")
        ADMINISTRATOR = "administrator", _("Administrator")
        STAFF = "staff", _("Staff")
        COACH = "coach", _("Coach")
        OTHER = "other", _("Other")

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        SPANISH = "es", _("Spanish")

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    grade_bands = models.ManyToManyField(
        GradeBand, blank=True, related_name="educators", verbose_name=_("grade bands")
    )
    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="educators",
        verbose_name=_("district or school system"),
    )
    school = models.ForeignKey(
        School,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="educators",
        verbose_name=_("school"),
    )
    years_experience = models.PositiveSmallIntegerField(
        _("years of experience in education"), null=True, blank=True
    )
    students_served = models.PositiveIntegerField(
        _("students you serve each year"),
        null=True,
        blank=True,
        help_text=_("An estimate is fine. It helps us report how many students PD reaches."),
    )
    interests = models.ManyToManyField(
        "events.Topic",
        blank=True,
        related_name="interested_users",
        verbose_name=_("topics of interest"),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, default=Language.ENGLISH
    )
    notify_reminders = models.BooleanField(
        _("Reminders before events and meetings I registered for"), default=True
    )
    notify_updates = models.BooleanField(
        _("Updates: waiting-list offers, changes, cancellations and follow-ups"), default=True
    )
    notify_digest = models.BooleanField(
        _("A weekly digest of new events that match my profile"), default=False
    )
    # Coordinators (events.review): listings to review as one e-mail a day, not one each.
    review_digest = models.BooleanField(
        _("Listings to review: one daily digest instead of an e-mail for each"), default=False
    )
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    onboarded_at = models.DateTimeField(_("profile completed"), null=True, blank=True)
    # Set when the person deleted their account: the row stays, scrubbed, so the
    # impact report's counts (registrations, hours, members) still add up.
    deleted_at = models.DateTimeField(_("account deleted"), null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        if self.deleted_at:
            return str(_("Former member"))
        return self.get_full_name() or self.email

    @property
    def display_name(self) -> str:
        if self.deleted_at:
            return str(_("Former member"))
        return self.get_full_name() or self.email.split("@")[0]

    @property
    def is_coordinator(self) -> bool:
        """The role rule (trec.accounts.roles.is_coordinator), for templates and for the
        layers below accounts (the outbox, the back-office site, the audit log), which
        reach it through the user they are given. Code above them calls the function."""
        return is_coordinator(self)

    @property
    def needs_onboarding(self) -> bool:
        return self.onboarded_at is None


class LoginFailure(models.Model):
    """One failed sign-in: from which network address, for which account (trec.accounts.
    throttle).

    Kept in the database, not the cache, so throttling holds when Redis is down.
    Rows older than an hour are deleted as new failures come in. The account is a hash
    of the address typed, whether or not an account has it.
    """

    ip_address = models.GenericIPAddressField(_("address"))
    account = models.CharField(_("account (hashed)"), max_length=64, blank=True, default="")
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")
        indexes = [
            models.Index(fields=["ip_address", "at"], name="login_failure_ip_at"),
            models.Index(fields=["account", "at"], name="login_failure_account_at"),
        ]

    def __str__(self) -> str:
        return f"{self.ip_address} at {self.at:%Y-%m-%d %H:%M:%S}"
