"""Spam defences without third-party services (the generic ones live in trec.spam and
are shared with the on-site request form; the word list is the wall's own).

- a honeypot field people never see (bots fill every input);
- a signed "form shown at" stamp: a post sent faster than a person can type is a bot;
- a cache-based rate limit per IP address and per browser session;
- a word list (and links) that holds a post for a person to review, even on walls
  that trust verified accounts.
"""

import re

from trec import spam as _spam
from trec.spam import (  # noqa: F401 - the gratitude wall's defences, re-exported
    MAX_FORM_AGE_SECONDS,
    MIN_FILL_SECONDS,
    RATE_LIMIT_PER_IP,
    RATE_LIMIT_PER_SESSION,
    RATE_WINDOW_SECONDS,
    client_ip,
    form_stamp,
    seconds_since_stamp,
)

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


def hold_reason(*texts: str) -> str:
    """Why the word list holds this text for review ("" when it does not)."""
    text = " ".join(texts)
    if _LINK.search(text):
        return "contains a link"
    found = sorted({word.lower() for word in _WORD.findall(text)} & HOLD_WORDS)
    if found:
        return "word list: " + ", ".join(found)
    return ""


def rate_limited(*, ip: str, session_key: str) -> bool:
    """Count one thank-you attempt for this address and session; True once either is
    over its limit."""
    return _spam.rate_limited(scope="gratitude", ip=ip, session_key=session_key)
