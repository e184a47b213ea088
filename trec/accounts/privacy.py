"""An educator's e-mail addresses and social sign-ins (trec.privacy); the profile itself
is the first part of the download (trec.accounts.selectors.personal_data)."""

import json

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from auditlog.models import LogEntry
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from trec import privacy


@privacy.section("email_addresses", order=100)
def emails(user) -> list[dict]:
    return [
        privacy.record(email=address.email, verified=address.verified, primary=address.primary)
        for address in EmailAddress.objects.filter(user=user).order_by("pk")
    ]


@privacy.section("social_accounts", order=110)
def social_accounts(user) -> list[dict]:
    return [
        privacy.record(provider=account.provider, uid=account.uid, last_login=account.last_login)
        for account in SocialAccount.objects.filter(user=user).order_by("pk")
    ]


@privacy.eraser()
def forget_sign_ins(user, *, now) -> None:
    # The e-mail confirmations and social tokens go with them (cascades).
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()


@privacy.eraser(order=privacy.SCRUB + 40)
def forget_in_the_audit_trail(user, *, now) -> None:
    """The audit trail (trec.audit) keeps what was done, without the person: the
    entries they made lose their address (the actor link stays, to the unnamed
    account), and their name and address are taken out of what the entries say about
    them (an account, a registration, a roster check-in)."""
    LogEntry.objects.filter(actor=user).update(actor_email=None)
    former = str(_("Former member"))
    names = [text for text in {user.email, user.get_full_name()} if text]
    if not names:
        return
    mentions = Q()
    for text in names:
        # The changes are JSON: as text, a name may be written as is (PostgreSQL) or
        # with its accents escaped (SQLite stores json.dumps' ASCII form).
        mentions |= Q(object_repr__contains=text) | Q(changes_as_text__contains=text)
        mentions |= Q(changes_as_text__contains=_json(text))
    entries = LogEntry.objects.annotate(changes_as_text=Cast("changes", TextField())).filter(
        mentions
    )
    for entry in entries:
        for text in names:
            entry.object_repr = entry.object_repr.replace(text, former)
            entry.changes = json.loads(
                json.dumps(entry.changes).replace(_json(text), _json(former))
            )
        entry.save(update_fields=["object_repr", "changes"])


def _json(text: str) -> str:
    return json.dumps(text)[1:-1]  # as it appears inside a JSON string
