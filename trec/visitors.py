"""Public tallies count one per person or device per day: hearts on gratitude posts,
answers to open anonymous surveys, clicks through to a provider's registration page.

`visitor_key` names who is acting without storing who: a keyed hash (HMAC with the
SECRET_KEY) of the account, else the browser's device cookie, else the client's
address, together with the tally's scope and the day. Tables keep it under a unique
constraint, so a second attempt the same day adds nothing, however the requests race.

- A request without the device cookie falls back to its address: a script that drops
  cookies counts once a day.
- A script that collects a fresh device cookie for every attempt is held back by a rate
  limit per address (`over_limit`).
- The device cookie is a random id, signed, set only by the pages that offer such an
  action (`with_device_cookie`); it is never stored or linked to anything else.
"""

from __future__ import annotations

import datetime
import functools
import secrets

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from trec import spam

DEVICE_COOKIE = "trec_device"
DEVICE_COOKIE_MAX_AGE = 60 * 60 * 24 * 365
_DEVICE_SALT = "trec.visitors.device"
_KEY_SALT = "trec.visitors.key"

# Attempts per address in spam.RATE_WINDOW_SECONDS before an anonymous one no longer
# counts: room for a school's shared network, not for a script.
LIMIT_PER_IP = 30


def device_id(request) -> str:
    """The browser's device id from its signed cookie ("" without a valid one)."""
    return request.get_signed_cookie(
        DEVICE_COOKIE, default="", salt=_DEVICE_SALT, max_age=DEVICE_COOKIE_MAX_AGE
    )


def with_device_cookie(view):
    """Give an anonymous browser a device cookie with the page, once."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if not request.user.is_authenticated and not device_id(request):
            response.set_signed_cookie(
                DEVICE_COOKIE,
                secrets.token_urlsafe(16),
                salt=_DEVICE_SALT,
                max_age=DEVICE_COOKIE_MAX_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    return wrapped


def visitor_key(request, *, scope: str, day: datetime.date | None = None) -> str:
    """Who is acting on the tally `scope` today, as a 64-character keyed hash."""
    if request.user.is_authenticated:
        who = f"user:{request.user.pk}"
    elif device := device_id(request):
        who = f"device:{device}"
    else:
        who = f"ip:{spam.client_ip(request)}"
    day = day or timezone.localdate()
    value = f"{scope}|{who}|{day.isoformat()}"
    return salted_hmac(_KEY_SALT, value, algorithm="sha256").hexdigest()


def over_limit(request, *, scope: str, per_ip: int = LIMIT_PER_IP) -> bool:
    """Count one anonymous attempt on `scope` from this address; True once there have
    been more than `per_ip` in the window. Signed-in people are never held back here
    (their key is their account)."""
    if request.user.is_authenticated:
        return False
    return spam.rate_limited(
        scope=f"tally-{scope}", ip=spam.client_ip(request), session_key="", per_ip=per_ip
    )
