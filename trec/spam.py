"""Spam defences for the hub's public forms, without third-party services.

- a honeypot field people never see (bots fill every input): HONEYPOT_FIELD;
- a signed "form shown at" stamp: a form sent faster than a person can type is a bot,
  one older than a day is refused (reload the page); each stamp carries a random
  token, so a form that stores what it is sent can bind the stamp to that row and
  take it only once (the on-site request form does);
- a cache-based rate limit per IP address and per browser session, counted per form
  (`scope`), so thanking colleagues never uses up a school's visit requests.

Used by the gratitude wall (gratitude.spam adds its word list) and the on-site
request form (providers).
"""

import hashlib
import secrets
import time
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache

from trec.net import client_ip  # noqa: F401 - the forms count by spam.client_ip(request)

HONEYPOT_FIELD = "website"  # rendered off-screen by the template; people leave it empty
STAMP_FIELD = "started"

MIN_FILL_SECONDS = 3
MAX_FORM_AGE_SECONDS = 60 * 60 * 24

RATE_WINDOW_SECONDS = 10 * 60
RATE_LIMIT_PER_SESSION = 5
RATE_LIMIT_PER_IP = 20  # a whole school shares one address: more room than a session

_SIGNER_SALT = "gratitude.form-started"  # kept: stamps in open gratitude forms stay valid


@dataclass(frozen=True)
class Stamp:
    elapsed: float  # seconds since the form was shown
    token: str  # random, one per form shown ("" on stamps made before tokens)


def form_stamp(*, shown_at: float | None = None) -> str:
    """A signed timestamp and one-off token put in the form when it is shown (tests
    may pass `shown_at`)."""
    shown = time.time() if shown_at is None else shown_at
    value = f"{int(shown)}.{secrets.token_urlsafe(12)}"
    return signing.TimestampSigner(salt=_SIGNER_SALT).sign(value)


def read_stamp(stamp: str) -> Stamp | None:
    """The stamp's age and token; None for a missing, forged or stale stamp."""
    try:
        value = signing.TimestampSigner(salt=_SIGNER_SALT).unsign(
            stamp or "", max_age=MAX_FORM_AGE_SECONDS
        )
    except signing.BadSignature:
        return None
    shown, _dot, token = value.partition(".")
    return Stamp(elapsed=time.time() - int(shown), token=token)


def seconds_since_stamp(stamp: str) -> float | None:
    """How long ago the form was shown; None for a missing, forged or stale stamp."""
    read = read_stamp(stamp)
    return None if read is None else read.elapsed


def _key(scope: str, kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]  # no raw IPs in the cache
    return f"{scope}:rate:{kind}:{digest}"


def _hits(key: str) -> int:
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS)
        return 1


def rate_limited(
    *,
    scope: str,
    ip: str,
    session_key: str,
    per_ip: int = RATE_LIMIT_PER_IP,
    per_session: int = RATE_LIMIT_PER_SESSION,
) -> bool:
    """Count one attempt for this address and session on the form `scope`; True once
    either is over its limit."""
    over = False
    if ip:
        over |= _hits(_key(scope, "ip", ip)) > per_ip
    if session_key:
        over |= _hits(_key(scope, "session", session_key)) > per_session
    return over
