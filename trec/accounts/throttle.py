"""Sign-in throttling for the site (allauth) and the back office (/admin/).

From one network address, ten failed sign-ins within a minute are answered as usual;
every attempt after that, while ten failures lie within the last minute, is refused
with a 429 page that says the same whoever the account is (so it reveals nothing about
whether an address has an account). A successful sign-in from the address clears its
failures.

The failures live in the database (``LoginFailure``), not in the cache: when Redis is
down, people can still sign in and the limit still holds. allauth's own rate limits
(per address and per account, in the cache) stay on as a second layer.

Three pieces, wired in settings:
- ``LoginThrottleMiddleware`` refuses a POST to a sign-in view from a locked address;
- ``LoginThrottleBackend`` (first in AUTHENTICATION_BACKENDS) refuses any other
  ``authenticate()`` call from a locked address;
- the signal receivers below count failures and clear them on success.
"""

import datetime
import ipaddress

from django.conf import settings
from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import timezone

from .models import LoginFailure

# The views whose POST signs someone in.
LOGIN_VIEWS = {"account_login", "admin:login"}
KEEP_ROWS = datetime.timedelta(hours=1)


def failure_limit() -> int:
    return getattr(settings, "LOGIN_THROTTLE_FAILURES", 10)


def window() -> datetime.timedelta:
    return datetime.timedelta(seconds=getattr(settings, "LOGIN_THROTTLE_WINDOW_SECONDS", 60))


def client_ip(request) -> str:
    """The address the request came from. Behind a reverse proxy that appends the
    client's address to X-Forwarded-For (LOGIN_THROTTLE_TRUST_FORWARDED_FOR), the last
    entry is the one our proxy saw; anything before it is client-supplied."""
    address = request.META.get("REMOTE_ADDR") or ""
    if getattr(settings, "LOGIN_THROTTLE_TRUST_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            address = forwarded.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return "0.0.0.0"  # noqa: S104 - a bucket for requests without a usable address


def is_locked(ip: str) -> bool:
    since = timezone.now() - window()
    recent = LoginFailure.objects.filter(ip_address=ip, at__gte=since)
    return recent.count() >= failure_limit()


def record_failure(ip: str) -> None:
    LoginFailure.objects.filter(at__lt=timezone.now() - KEEP_ROWS).delete()
    LoginFailure.objects.create(ip_address=ip)


def reset(ip: str) -> None:
    LoginFailure.objects.filter(ip_address=ip).delete()


def locked_out_response(request):
    response = render(
        request,
        "accounts/locked_out.html",
        {"minutes": max(1, round(window().total_seconds() / 60))},
        status=429,
    )
    response["Retry-After"] = str(int(window().total_seconds()))
    return response


class LoginThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and self._is_login(request) and is_locked(client_ip(request)):
            return locked_out_response(request)
        return self.get_response(request)

    @staticmethod
    def _is_login(request) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in LOGIN_VIEWS


class LoginThrottleBackend(BaseBackend):
    """Authenticates nobody; refuses every attempt from a locked address. Being first in
    AUTHENTICATION_BACKENDS, it is the backend ``Client.force_login`` records in the
    session, so it loads users like ModelBackend does."""

    def authenticate(self, request, **credentials):
        if request is not None and is_locked(client_ip(request)):
            raise PermissionDenied
        return None

    def get_user(self, user_id):
        return ModelBackend().get_user(user_id)


@receiver(user_login_failed, dispatch_uid="trec_login_throttle_failed")
def _count_failure(sender, credentials, request=None, **kwargs):
    if request is not None:
        record_failure(client_ip(request))


@receiver(user_logged_in, dispatch_uid="trec_login_throttle_success")
def _clear_failures(sender, request, user, **kwargs):
    if request is not None:
        reset(client_ip(request))
