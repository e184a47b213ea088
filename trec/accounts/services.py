from auditlog.context import disable_auditlog
from django.db import transaction
from django.utils import timezone

from trec import privacy

from .models import User, new_calendar_token


@transaction.atomic
def profile_save(*, form) -> User:
    """Save an educator's profile form; the first save completes onboarding."""
    user: User = form.save(commit=False)
    if user.onboarded_at is None:
        user.onboarded_at = timezone.now()
    user.save()
    form.save_m2m()
    return user


@transaction.atomic
def calendar_token_reset(*, user: User) -> str:
    """Give the user a new private calendar-feed token; the old feed URL stops working."""
    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    return user.calendar_token


@transaction.atomic
def account_delete(*, user: User) -> User:
    """Delete a person's account: their personal data goes, the anonymous counts stay.

    The User row stays as a tombstone so registrations, attendance, PD-hour credits
    and community memberships (what the impact report counts) keep adding up: name,
    e-mail (``deleted-<id>@invalid``), school, experience, interests and preferences
    are scrubbed; the password becomes unusable (which also ends every session: Django
    checks a session against the password hash), the account inactive, the calendar
    feed token new. Role, grade bands, district and students served stay: coarse facts
    the impact report breaks its counts down by.

    What each app holds is its own to hand back or scrub, in its ``privacy.py``
    (trec.privacy), all in this transaction: first the places they hold in what is
    still to come are given up through the app's own services, so the next person
    waiting is promoted (seats, session choices, community places, open proposals);
    then personal rows are deleted or scrubbed (saved events, e-mail addresses, social
    logins, unsent messages, survey drafts, saved searches, district shares, presenter
    bios and photos, the contact details of school-visit requests), and what they wrote
    for others stays without their name (gratitude posts unsigned, discussion posts by
    "Former member", certificates revoked and unnamed).
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    now = timezone.now()
    privacy.erase_person(user, now=now)
    with disable_auditlog():  # the scrub below is no one's edit to keep (trec.audit)
        _scrub(user, now)
    return user


def _scrub(user: User, now) -> None:

    user.email = f"deleted-{user.pk}@invalid"
    user.first_name = ""
    user.last_name = ""
    user.school = None
    user.years_experience = None
    user.interests.clear()
    user.groups.clear()
    user.user_permissions.clear()
    user.preferred_language = User.Language.ENGLISH
    user.notify_reminders = user.notify_updates = user.notify_digest = False
    user.calendar_token = new_calendar_token()
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.deleted_at = now
    user.save()
