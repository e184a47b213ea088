"""Spam defences without third-party services (the generic ones live in trec.spam and
are shared with the on-site request form; the word list is the wall's own).

- a honeypot field people never see (bots fill every input);
- a signed "form shown at" stamp: a post sent faster than a person can type is a bot;
- a cache-based rate limit per IP address and per browser session;
- links and a word list hold a post for a person to review, even on walls that trust
  verified accounts. Links are found by their domain against the Public Suffix List
  (any TLD, internationalised names and punycode, "example[.]com" written around a
  filter); words are compared after folding look-alike letters (Cyrillic "а" for
  Latin "a", full-width letters, accents), so "саsino" is "casino".
"""

import re
import unicodedata

import idna
from confusable_homoglyphs import confusables
from publicsuffixlist import PublicSuffixList

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
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# Known domains only (the bundled list, no download): "3.5" or "Mr.Smith" is no link.
_SUFFIXES = PublicSuffixList(accept_unknown=False)
_SCHEME = re.compile(r"\b[a-z][a-z0-9+.-]*://|\bmailto:|\bwww\d{0,3}\.", re.I)
# "example[.]com", "example (dot) com", and the ideographic and full-width stops
_WRITTEN_DOT = re.compile(r"\s*[\[({<]\s*(?:\.|dot|punto)\s*[\])}>]\s*|[。｡．]", re.I)
_HOST = re.compile(r"(?<![\w-])[\w-]++(?:\.[\w-]++)+", re.UNICODE)  # linear time
_IPV4 = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")


def fold_confusables(text: str) -> str:
    """`text` as the Latin letters it looks like, for comparing: compatibility forms
    (full-width, ligatures) unfolded, non-ASCII look-alikes (Cyrillic, Greek, ...)
    replaced by their Latin twin (Unicode's confusables data), accents dropped, any
    case. ASCII is left alone, so digits stay digits."""
    text = unicodedata.normalize("NFKC", text)
    found = confusables.is_confusable(text, greedy=True, preferred_aliases=["latin"]) or []
    table = {}
    for item in found:
        if item["character"].isascii():
            continue
        twins = [g["c"] for g in item["homoglyphs"] if g["c"].isascii() and g["c"].isalpha()]
        if twins:
            table[ord(item["character"])] = twins[0]
    text = unicodedata.normalize("NFKD", text.translate(table))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def _is_domain(host: str) -> bool:
    host = host.strip("-_.").lower()
    try:
        name = idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        try:
            name = host.encode("idna").decode("ascii")  # the laxer IDNA 2003
        except UnicodeError:
            return False
    return _SUFFIXES.privatesuffix(name) is not None


def contains_link(text: str) -> bool:
    """A URL, an e-mail address or a bare domain of any TLD, as written or after
    folding look-alike letters ("exаmple.cоm" with Cyrillic letters)."""
    for candidate in {text, fold_confusables(text)}:
        plain = _WRITTEN_DOT.sub(".", unicodedata.normalize("NFKC", candidate))
        if _SCHEME.search(plain) or _IPV4.search(plain):
            return True
        if any(_is_domain(host) for host in _HOST.findall(plain)):
            return True
    return False


def hold_reason(*texts: str) -> str:
    """Why the word list holds this text for review ("" when it does not)."""
    text = " ".join(texts)
    if contains_link(text):
        return "contains a link"
    found = sorted(set(_WORD.findall(fold_confusables(text))) & HOLD_WORDS)
    if found:
        return "word list: " + ", ".join(found)
    return ""


def rate_limited(*, ip: str, session_key: str) -> bool:
    """Count one thank-you attempt for this address and session; True once either is
    over its limit."""
    return _spam.rate_limited(scope="gratitude", ip=ip, session_key=session_key)
