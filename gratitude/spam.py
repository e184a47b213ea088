"""Spam defences without third-party services.

- a honeypot field people never see (bots fill every input);
- a signed "form shown at" stamp: a post sent faster than a person can type is a bot;
- a cache-based rate limit per IP address and per browser session;
- a word list (and links) that holds a post for a person to review, even on walls
  that trust verified accounts.
"""

import hashlib
import re
import time

from django.core import signing
from django.core.cache import cache

MIN_FILL_SECONDS = 3
MAX_FORM_AGE_SECONDS = 60 * 60 * 24  # an older form is refused: reload the page

RATE_WINDOW_SECONDS = 10 * 60
RATE_LIMIT_PER_SESSION = 5
RATE_LIMIT_PER_IP = 20  # a whole school shares one address: more room than a session

_SIGNER_SALT = "gratitude.form-started"

# Words that hold a post for review: spam and abuse. Matched as whole words, any case.
HOLD_WORDS = frozenset(
    [
        "viagra",
        "cialis",
        "casino",
        "crypto",
        "bitcoin",
        "forex",
        "loan",
        "loans",
        "payday",
        "porn",
        "xxx",
        "sex",
        "escort",
        "nude",
        "nudes",
        "dating",
        "hookup",
        "subscribe",
        "promo",
        "discount",
        "cheap",
        "seo",
        "followers",
        "idiot",
        "stupid",
        "dumb",
        "hate",
        "kill",
        "loser",
        "ugly",
        "fat",
        "damn",
        "hell",
        "crap",
    ]
)
_LINK = re.compile(r"(https?://|www\.|\b[a-z0-9-]+\.(com|net|org|ru|xyz|info|biz)\b)", re.I)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def form_stamp(*, shown_at: float | None = None) -> str:
    """A signed timestamp put in the form when it is shown (tests may pass `shown_at`)."""
    shown = time.time() if shown_at is None else shown_at
    return signing.TimestampSigner(salt=_SIGNER_SALT).sign(str(int(shown)))


def seconds_since_stamp(stamp: str) -> float | None:
    """How long ago the form was shown; None for a missing, forged or stale stamp."""
    try:
        shown = signing.TimestampSigner(salt=_SIGNER_SALT).unsign(
            stamp or "", max_age=MAX_FORM_AGE_SECONDS
        )
    except signing.BadSignature:
        return None
    return time.time() - int(shown)


def hold_reason(*texts: str) -> str:
    """Why the word list holds this text for review ("" when it does not)."""
    text = " ".join(texts)
    if _LINK.search(text):
        return "contains a link"
    found = sorted({word.lower() for word in _WORD.findall(text)} & HOLD_WORDS)
    if found:
        return "word list: " + ", ".join(found)
    return ""


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]  # no raw IPs in the cache
    return f"gratitude:rate:{kind}:{digest}"


def _hits(key: str) -> int:
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS)
        return 1


def rate_limited(*, ip: str, session_key: str) -> bool:
    """Count one attempt for this address and session; True once either is over its limit."""
    over = False
    if ip:
        over |= _hits(_key("ip", ip)) > RATE_LIMIT_PER_IP
    if session_key:
        over |= _hits(_key("session", session_key)) > RATE_LIMIT_PER_SESSION
    return over


def client_ip(request) -> str:
    """The address the request came from. Behind the hub's proxy REMOTE_ADDR is the
    client (gunicorn is configured with the proxy's forwarded-allow-ips)."""
    return request.META.get("REMOTE_ADDR", "")
