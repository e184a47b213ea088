"""An educator's e-mail addresses and social sign-ins (trec.privacy); the profile itself
is the first part of the download (trec.accounts.selectors.personal_data)."""

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

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
