"""Sign-in throttling for the site (allauth) and the back office (/admin/).

The policy (README "Security"):

- Per address: from one client address (trec.net.client_ip; IPv6 by /64), the 11th
  failed sign-in within a minute, and every attempt after it while ten failures lie
  within the last minute, is refused with a 429.
- Per account: after five failed sign-ins for one e-mail address within an hour, from
  any addresses, each further attempt must wait after the latest failure: 1 minute,
  then 2, 4, 8, at most 15. That slows a password guesser to a handful of tries an
  hour; it is a wait, never a lockout, and it never holds back the owner on a browser
  they have signed in with before.
- Known devices: a successful sign-in leaves a cookie holding a keyed hash of the
  account and its password (``DEVICE_COOKIE``). A browser that shows one for the account
  it signs in to skips both limits: attackers elsewhere cannot keep the owner out. A
  new password makes old device cookies worthless.
- A successful sign-in (or a password reset) clears the failures typed for that
  account; a failure on another account is not the owner's to clear. The refusal page
  says the same for a real and an unknown account (the hash is of whatever was typed).

The failures live in the database (``LoginFailure``), not in the cache: when Redis is
down, people can still sign in and the limits still hold. allauth's per-address rate
limits stay on as a second layer (its per-account one is replaced by the above).

Three pieces, wired in settings:
- ``LoginThrottleMiddleware`` refuses a POST to a sign-in view while a limit holds, and
  sets the device cookie after a successful sign-in;
- ``LoginThrottleBackend`` (first in AUTHENTICATION_BACKENDS) refuses any other
  ``authenticate()`` call while a limit holds;
- the signal receivers below count failures and clear them on success.
"""

import datetime
import hashlib
import math

from allauth.account.signals import password_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.dispatch import receiver
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.crypto import salted_hmac

from trec.net import address_key, client_ip

from .models import LoginFailure

# The views whose POST signs someone in, and the field that names the account.
LOGIN_VIEWS = {"account_login": "login", "admin:login": "username"}
KEEP_ROWS = datetime.timedelta(hours=1)
ACCOUNT_WINDOW = KEEP_ROWS
DEVICE_COOKIE = "trec_device"
DEVICE_COOKIE_AGE = 60 * 60 * 24 * 365
DEVICE_COOKIE_ENTRIES = 5  # a shared classroom computer remembers a few people


def failure_limit() -> int:
    return settings.LOGIN_THROTTLE_FAILURES


def window() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.LOGIN_THROTTLE_WINDOW_SECONDS)


def account_key(login: str) -> str:
    """The hash failures are counted by: of whatever was typed, account or not."""
    return hashlib.sha256((login or "").strip().lower().encode()).hexdigest() if login else ""


# --- The limits ------------------------------------------------------------------------


def address_wait(ip: str) -> int:
    """Seconds until `ip` may try again (0: it may now)."""
    since = timezone.now() - window()
    recent = LoginFailure.objects.filter(ip_address=address_key(ip), at__gte=since)
    return int(window().total_seconds()) if recent.count() >= failure_limit() else 0


def account_wait(account: str) -> int:
    """Seconds until the account may be tried again from an unknown device (0: now)."""
    if not account:
        return 0
    now = timezone.now()
    stats = LoginFailure.objects.filter(account=account, at__gte=now - ACCOUNT_WINDOW).aggregate(
        failures=Count("pk"), latest=Max("at")
    )
    over = stats["failures"] - settings.LOGIN_ACCOUNT_FREE_FAILURES
    if over < 0:
        return 0
    first, cap = settings.LOGIN_ACCOUNT_BACKOFF_SECONDS
    delay = datetime.timedelta(seconds=min(first * 2**over, cap))
    return max(0, math.ceil((stats["latest"] + delay - now).total_seconds()))


def record_failure(ip: str, account: str) -> None:
    LoginFailure.objects.filter(at__lt=timezone.now() - KEEP_ROWS).delete()
    LoginFailure.objects.create(ip_address=address_key(ip), account=account)


# --- Known devices ---------------------------------------------------------------------


def device_tag(user) -> str:
    return salted_hmac(
        "trec.accounts.throttle.device", f"{user.email.lower()}|{user.password}"
    ).hexdigest()[:32]


def _device_tags(request) -> list[str]:
    return [tag for tag in request.COOKIES.get(DEVICE_COOKIE, "").split(".") if tag][
        :DEVICE_COOKIE_ENTRIES
    ]


def is_known_device(request, login: str) -> bool:
    """Whether this browser signed in to `login`'s account before (with its password)."""
    tags = _device_tags(request)
    if not tags or not login or "\x00" in login:
        return False  # (a NUL byte is no address, and Postgres refuses it in a query)
    user = get_user_model().objects.filter(email__iexact=login.strip()).first()
    return user is not None and device_tag(user) in tags


def remember_device(request, response, user) -> None:
    tag = device_tag(user)
    tags = [tag, *(t for t in _device_tags(request) if t != tag)][:DEVICE_COOKIE_ENTRIES]
    response.set_cookie(
        DEVICE_COOKIE,
        ".".join(tags),
        max_age=DEVICE_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


# --- Wiring ----------------------------------------------------------------------------


def wait_for(request, login: str) -> tuple[int, str]:
    """(seconds to wait, "network" or "account"); (0, "") when the attempt may go on."""
    if is_known_device(request, login):
        return 0, ""
    seconds = address_wait(client_ip(request))
    if seconds:
        return seconds, "network"
    seconds = account_wait(account_key(login))
    return (seconds, "account") if seconds else (0, "")


def locked_out_response(request, seconds: int, reason: str):
    response = render(
        request,
        "accounts/locked_out.html",
        {"minutes": max(1, math.ceil(seconds / 60)), "reason": reason},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


class LoginThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = self._login_field(request) if request.method == "POST" else None
        if field:
            seconds, reason = wait_for(request, request.POST.get(field, ""))
            if seconds:
                return locked_out_response(request, seconds, reason)
            request._trec_throttle_checked = True  # the backend need not ask again
        response = self.get_response(request)
        user = getattr(request, "_trec_signed_in", None)
        if user is not None:
            remember_device(request, response, user)
        return response

    @staticmethod
    def _login_field(request) -> str | None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        return LOGIN_VIEWS.get(match.view_name)


def _login_of(credentials: dict) -> str:
    return credentials.get("email") or credentials.get("username") or ""


class LoginThrottleBackend(BaseBackend):
    """Authenticates nobody; refuses every attempt while a limit holds. Being first in
    AUTHENTICATION_BACKENDS, it is the backend ``Client.force_login`` records in the
    session, so it loads users like ModelBackend does."""

    def authenticate(self, request, **credentials):
        if request is None or getattr(request, "_trec_throttle_checked", False):
            return None
        if wait_for(request, _login_of(credentials))[0]:
            request._trec_refused = True  # not a failure of its own
            raise PermissionDenied
        return None

    def get_user(self, user_id):
        return ModelBackend().get_user(user_id)


@receiver(user_login_failed, dispatch_uid="trec_login_throttle_failed")
def _count_failure(sender, credentials, request=None, **kwargs):
    if request is not None and not getattr(request, "_trec_refused", False):
        record_failure(client_ip(request), account_key(_login_of(credentials)))


@receiver(user_logged_in, dispatch_uid="trec_login_throttle_success")
def _clear_failures(sender, request, user, **kwargs):
    if request is not None:
        LoginFailure.objects.filter(account=account_key(user.email)).delete()
        request._trec_signed_in = user


@receiver(password_reset, dispatch_uid="trec_login_throttle_reset")
def _clear_failures_on_reset(sender, request, user, **kwargs):
    """Whoever reset the password through the e-mailed link owns the account."""
    LoginFailure.objects.filter(account=account_key(user.email)).delete()
