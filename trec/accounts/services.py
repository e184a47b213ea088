from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from communities.models import Community, Membership
from communities.services import membership_withdraw
from events.models import OutboundClick, Registration, SavedEvent
from events.services import ACTIVE as ACTIVE_REGISTRATIONS
from events.services import registration_cancel
from gratitude.models import Post as GratitudePost
from providers.models import ProviderMembership, SessionRequest, new_request_token
from surveys.models import Response as SurveyResponse
from trec.notifications.models import Notification
from trec.transcripts.models import Certificate

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

    - Purely personal rows are deleted: saved events, e-mail addresses (and their
      confirmations), social logins (and tokens), provider memberships, messages not
      yet sent, unfinished survey drafts.
    - The User row stays as a tombstone so registrations, attendance, PD-hour credits
      and community memberships (what the impact report counts) keep adding up:
      name, e-mail (``deleted-<id>@invalid``), school, experience, interests and
      preferences are scrubbed; the password becomes unusable (which also ends every
      session: Django checks a session against the password hash), the account
      inactive, the calendar feed token new. Role, grade bands, district and students
      served stay: coarse facts the impact report breaks its counts down by.
    - The places they hold in what is still to come are given up, through the same
      services as when they cancel themselves, so the next person waiting is promoted
      in this transaction: registrations for events not yet over (and, for programs,
      their session choices), applications and seats in communities not yet closed.
      Past registrations and closed cohorts stay (the report's history).
    - Submitted survey responses stay (the survey's counts), linked to the tombstone.
    - What they wrote for others: gratitude posts they signed become anonymous;
      discussion posts stay, shown as by "Former member"; the answers of their
      community applications are cleared; certificates lose the name and are revoked,
      so the public verification page names no one. School-visit requests they sent
      keep the school and the dates the provider works with; the contact's name,
      e-mail, phone and notes are scrubbed and the private status link stops working.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    now = timezone.now()
    _give_up_places(user)

    SavedEvent.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    ProviderMembership.objects.filter(user=user).delete()
    Notification.objects.filter(recipient=user).exclude(status=Notification.Status.SENT).delete()
    SurveyResponse.objects.filter(user=user, status=SurveyResponse.Status.DRAFT).delete()
    OutboundClick.objects.filter(user=user).update(user=None)

    GratitudePost.objects.filter(author=user).update(author=None, author_name="", is_anonymous=True)
    Membership.objects.filter(user=user).update(answers=[])
    former = gettext("Former member")
    Certificate.objects.filter(user=user).update(recipient_name=former)
    Certificate.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=now, revoked_reason="Account deleted"
    )
    for session_request in SessionRequest.objects.filter(submitted_by=user):
        session_request.contact_name = former
        session_request.contact_email = f"deleted-{user.pk}@invalid"
        session_request.contact_phone = ""
        session_request.notes = ""
        session_request.token = new_request_token()
        session_request.save(
            update_fields=[
                "contact_name",
                "contact_email",
                "contact_phone",
                "notes",
                "token",
                "updated_at",
            ]
        )

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
    return user


def _give_up_places(user: User) -> None:
    """Cancel the registrations and withdraw the memberships that still hold a place,
    promoting whoever waits (registration_cancel and membership_withdraw do both)."""
    registrations = Registration.objects.filter(
        user=user, status__in=ACTIVE_REGISTRATIONS, completed_at__isnull=True
    ).select_related("event")
    for registration in registrations:
        if not registration.event.is_past:
            registration_cancel(registration=registration)
    memberships = Membership.objects.filter(user=user).exclude(
        community__status=Community.Status.CLOSED
    )
    for membership in memberships:
        membership_withdraw(membership=membership)
