"""The sign-in policy of issue 15, item 3 (trec.net, trec.accounts.throttle):

- one client address everywhere, X-Forwarded-For trusted only as far as
  TRUSTED_PROXY_COUNT says: a forged header can neither lock others out nor buy
  unlimited tries;
- per-account limits slow a guesser down but never lock the owner out on a browser
  they signed in with before.
"""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import authenticate
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from gratitude.views import spam as gratitude_spam
from tests import factories
from trec import spam
from trec.accounts.adapters import AccountAdapter
from trec.accounts.models import LoginFailure
from trec.accounts.throttle import DEVICE_COOKIE
from trec.net import UNKNOWN, client_ip

SITE, ADMIN = "account_login", "admin:login"
WRONG = "wrong-password-123"


def attempt(client, where, email, password=WRONG, ip="203.0.113.7", forwarded=None):
    field = "login" if where == SITE else "username"
    extra = {"REMOTE_ADDR": ip}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse(where), {field: email, "password": password}, **extra)


@pytest.fixture
def owner(db):
    return factories.EducatorFactory(email="owner@example.org")


@pytest.fixture
def staff(db):
    return factories.CoordinatorFactory(email="coordinator@example.org")


def age_failures(seconds: int) -> None:
    LoginFailure.objects.update(at=timezone.now() - datetime.timedelta(seconds=seconds))


# --- One client address ------------------------------------------------------------------


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    "count, remote, forwarded, expected",
    [
        (0, "198.51.100.1", "203.0.113.9", "198.51.100.1"),  # direct: the header is ignored
        (1, "10.0.0.2", "forged, 203.0.113.9", "203.0.113.9"),  # what our proxy saw
        (2, "10.0.0.3", "forged, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (1, "198.51.100.1", None, "198.51.100.1"),  # not through the proxy
        (2, "10.0.0.3", "203.0.113.9", "10.0.0.3"),  # fewer hops than proxies
        (1, "10.0.0.2", "[2001:db8::7]:443", "2001:db8::7"),
        (1, "10.0.0.2", "203.0.113.9:51000", "203.0.113.9"),
        (0, "not-an-address", None, UNKNOWN),
    ],
)
def test_client_ip(count, remote, forwarded, expected):
    with override_settings(TRUSTED_PROXY_COUNT=count):
        assert client_ip(request_from(remote, forwarded)) == expected


@pytest.mark.parametrize("count", [0, 1, 2])
def test_allauth_and_the_spam_limits_use_the_same_address(settings, count):
    settings.TRUSTED_PROXY_COUNT = count
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = count
    request = request_from("10.0.0.3", "forged, 203.0.113.9, 10.0.0.2")
    expected = client_ip(request)
    assert AccountAdapter(request).get_client_ip(request) == expected
    assert spam.client_ip(request) == gratitude_spam.client_ip(request) == expected


def test_allauths_proxy_count_is_the_hubs(settings):
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == settings.TRUSTED_PROXY_COUNT == 0


@pytest.mark.parametrize("where", [SITE, ADMIN])
def test_forged_forwarded_for_buys_no_extra_tries(client, owner, staff, where):
    """Direct exposure: rotating X-Forwarded-For does not make new addresses."""
    for n in range(10):
        attempt(client, where, f"guess{n}@example.org", forwarded=f"192.0.2.{n}")
    account = owner if where == SITE else staff
    refused = attempt(client, where, account.email, factories.PASSWORD, forwarded="192.0.2.99")
    assert refused.status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=1)
@pytest.mark.parametrize("where", [SITE, ADMIN])
def test_behind_a_proxy_a_forged_first_entry_buys_no_extra_tries(client, owner, staff, where):
    for n in range(10):
        attempt(
            client,
            where,
            f"guess{n}@example.org",
            ip="10.0.0.2",
            forwarded=f"192.0.2.{n}, 203.0.113.7",
        )
    account = owner if where == SITE else staff
    refused = attempt(
        client,
        where,
        account.email,
        factories.PASSWORD,
        ip="10.0.0.2",
        forwarded="1.2.3.4, 203.0.113.7",
    )
    assert refused.status_code == 429


def test_a_forged_forwarded_for_cannot_lock_out_someone_elses_address(client, owner):
    for n in range(12):
        attempt(client, SITE, f"guess{n}@example.org", ip="203.0.113.66", forwarded="198.51.100.2")
    response = attempt(client, SITE, owner.email, factories.PASSWORD, ip="198.51.100.2")
    assert response.status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_proxys_address_is_not_everyones(client, owner):
    for n in range(12):
        attempt(client, SITE, f"guess{n}@example.org", ip="10.0.0.2", forwarded="203.0.113.66")
    response = attempt(
        client, SITE, owner.email, factories.PASSWORD, ip="10.0.0.2", forwarded="198.51.100.2"
    )
    assert response.status_code == 302


# --- Per account: slow the guesser, never lock out the owner ---------------------------


def sign_in_once(client, user, ip="198.51.100.2"):
    assert attempt(client, SITE, user.email, factories.PASSWORD, ip=ip).status_code == 302
    device = client.cookies[DEVICE_COOKIE].value
    assert device
    client.logout()  # the test client forgets every cookie; the browser keeps this one
    client.cookies[DEVICE_COOKIE] = device


def test_five_failures_from_five_addresses_do_not_lock_out_the_owner(client, owner):
    sign_in_once(client, owner)
    attacker = client_class_like(client)
    for n in range(5):
        attempt(attacker, SITE, owner.email, ip=f"192.0.2.{n}")
    response = attempt(client, SITE, owner.email, factories.PASSWORD, ip="198.51.100.2")
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_a_guesser_is_slowed_down_not_the_owners_known_browser(client, owner):
    sign_in_once(client, owner)
    attacker = client_class_like(client)
    for n in range(25):  # from many addresses, none of them over its own limit
        attempt(attacker, SITE, owner.email, ip=f"192.0.2.{n}")
    # Only the first five (plus nothing while waiting) were checked against the password.
    assert LoginFailure.objects.count() == 5
    waited = attempt(attacker, SITE, owner.email, factories.PASSWORD, ip="192.0.2.200")
    assert waited.status_code == 429
    assert 0 < int(waited["Retry-After"]) <= 60
    assert "for this e-mail address" in waited.content.decode()
    # The owner on their own browser, from anywhere, is let in.
    assert (
        attempt(client, SITE, owner.email, factories.PASSWORD, ip="203.0.113.1").status_code == 302
    )


def test_the_wait_doubles_and_ends(client, owner):
    for n in range(5):
        attempt(client, SITE, owner.email, ip=f"192.0.2.{n}")
    assert attempt(client, SITE, owner.email).status_code == 429
    age_failures(61)
    assert attempt(client, SITE, owner.email).status_code == 200  # the 6th failure
    age_failures(61)
    refused = attempt(client, SITE, owner.email)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 120 - 61
    age_failures(121)
    response = attempt(client, SITE, owner.email, factories.PASSWORD)  # a new device
    assert response.status_code == 302


def test_the_wait_says_the_same_for_an_unknown_address(client, owner):
    for email in (owner.email, "nobody-here@example.org"):
        for n in range(5):
            attempt(client, SITE, email, ip=f"192.0.2.{n}")
    real = attempt(client, SITE, owner.email, ip="198.51.100.7")
    unknown = attempt(client, SITE, "nobody-here@example.org", ip="198.51.100.7")
    assert real.status_code == unknown.status_code == 429
    assert main_text(real) == main_text(unknown)


def test_a_new_password_makes_old_device_cookies_worthless(client, owner):
    sign_in_once(client, owner)
    owner.set_password("another-Password-456")
    owner.save()
    for n in range(5):
        attempt(client, SITE, owner.email, ip=f"192.0.2.{n}")
    assert attempt(client, SITE, owner.email, "another-Password-456").status_code == 429


def test_a_device_cookie_is_for_its_own_account_only(client, owner):
    other = factories.EducatorFactory(email="other@example.org")
    sign_in_once(client, other)
    for n in range(5):
        attempt(client, SITE, owner.email, ip=f"192.0.2.{n}")
    assert attempt(client, SITE, owner.email, factories.PASSWORD).status_code == 429


def test_a_forged_device_cookie_counts_for_nothing(client, owner):
    client.cookies[DEVICE_COOKIE] = "0123456789abcdef0123456789abcdef"
    for n in range(5):
        attempt(client, SITE, owner.email, ip=f"192.0.2.{n}")
    assert attempt(client, SITE, owner.email, factories.PASSWORD).status_code == 429


def main_text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").find("main").get_text().split())


def client_class_like(client):
    """A second browser (no cookies)."""
    return client.__class__()


@pytest.mark.parametrize("where", [SITE, ADMIN])
def test_a_hostile_login_with_a_device_cookie_is_an_ordinary_failure(client, owner, where):
    client.cookies[DEVICE_COOKIE] = "0123456789abcdef0123456789abcdef"
    response = attempt(client, where, "owner\x00@example.org")
    assert response.status_code in (200, 400)  # the form again, or the hub's NUL refusal


def test_other_password_checks_are_held_to_the_same_limits(client, owner):
    """authenticate() outside the sign-in forms (e.g. confirming a password) is refused
    too while a limit holds, and the refusal is not counted as one more failure."""
    for n in range(5):
        attempt(client, SITE, owner.email, ip=f"192.0.2.{n}")
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.20")
    assert authenticate(request, email=owner.email, password=factories.PASSWORD) is None
    assert LoginFailure.objects.count() == 5
    age_failures(61)
    assert authenticate(request, email=owner.email, password=factories.PASSWORD) == owner
