"""The client's network address, the one way every part of the hub reads it: sign-in
throttling (trec.accounts.throttle), allauth's rate limits (AccountAdapter.get_client_ip)
and the public forms' rate limits (trec.spam).

``settings.TRUSTED_PROXY_COUNT`` (environment ``TREC_TRUSTED_PROXY_COUNT``) says how many
reverse proxies of ours stand in front of gunicorn, each appending the address it saw to
X-Forwarded-For:

- 0 (the default, gunicorn answering the internet directly as in docker-compose.yml):
  X-Forwarded-For is ignored, since anyone can write it; the address is the peer's.
- n > 0: the n-th entry from the right is the address our outermost proxy saw; entries
  left of it were written by the client and are ignored. A request with fewer entries
  did not come through the proxies, so its peer address is used (never the proxy's
  own address for everyone).

allauth reads the same count (ALLAUTH_TRUSTED_PROXY_COUNT is set from it in settings).
"""

import ipaddress

from django.conf import settings

UNKNOWN = "0.0.0.0"  # noqa: S104 - the bucket for a request without a usable address


def _clean(address: str) -> str | None:
    address = address.strip()
    if address.startswith("[") and "]" in address:  # "[2001:db8::1]:443"
        address = address[1 : address.index("]")]
    elif address.count(":") == 1:  # "203.0.113.7:51000"
        address = address.split(":")[0]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_ip(request) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop]
        if len(hops) >= count:
            address = hops[-count]
    return _clean(address) or UNKNOWN


def address_key(ip: str) -> str:
    """What per-address limits count by: the address, or for IPv6 its /64 network (one
    subscriber's share, which an attacker could otherwise walk through)."""
    parsed = ipaddress.ip_address(ip)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)
