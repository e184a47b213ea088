"""Sign-in throttling on the site and the back office (trec.accounts.throttle)."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests import factories
from trec.accounts.models import LoginFailure

SITE = "account_login"
ADMIN = "admin:login"
# allauth's own limits (in the cache) are a second layer; these tests measure ours alone
# unless they say otherwise.
ours_alone = override_settings(ACCOUNT_RATE_LIMITS=False)


WRONG = "wrong-password-123"


def attempt(client, where, email, password=WRONG, ip="203.0.113.7"):
    if where == SITE:
        data = {"login": email, "password": password}
    else:
        data = {"username": email, "password": password}
    return client.post(reverse(where), data, REMOTE_ADDR=ip)


def text_of(response) -> str:
    main = BeautifulSoup(response.content, "html.parser").find("main")
    return " ".join(main.get_text(" ").split())


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def person(db):
    return factories.EducatorFactory(email="real.person@example.org")


@pytest.fixture
def staff(db):
    return factories.CoordinatorFactory(email="coordinator@example.org")


@ours_alone
@pytest.mark.parametrize("where", [SITE, ADMIN])
def test_the_eleventh_failed_attempt_in_a_minute_is_refused(client, person, staff, where):
    for n in range(10):
        response = attempt(client, where, f"guess{n}@example.org")
        assert response.status_code == 200, n  # the form again, with its usual error
    account = person if where == SITE else staff
    refused = attempt(client, where, account.email, password=factories.PASSWORD)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "Too many sign-in attempts" in text_of(refused)
    assert not is_signed_in(client)


@ours_alone
@pytest.mark.parametrize("where", [SITE, ADMIN])
def test_the_lockout_says_the_same_for_a_real_and_an_unknown_account(client, person, staff, where):
    for n in range(10):
        attempt(client, where, f"guess{n}@example.org")
    account = person if where == SITE else staff
    real = attempt(client, where, account.email)
    unknown = attempt(client, where, "nobody-here@example.org")
    assert real.status_code == unknown.status_code == 429
    assert text_of(real) == text_of(unknown)
    assert account.email not in text_of(real)


@ours_alone
def test_a_failed_attempt_says_the_same_for_a_real_and_an_unknown_account(client, person):
    real = attempt(client, SITE, person.email)
    unknown = attempt(client, SITE, "nobody-here@example.org")
    errors = [
        BeautifulSoup(r.content, "html.parser").select_one(".form-errors").get_text(" ").split()
        for r in (real, unknown)
    ]
    assert errors[0] == errors[1]


@ours_alone
def test_a_successful_sign_in_clears_that_accounts_failures_only(client, person):
    for _ in range(3):
        attempt(client, SITE, person.email)
    for n in range(6):
        attempt(client, SITE, f"guess{n}@example.org")
    response = attempt(client, SITE, person.email, password=factories.PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)
    # The owner's typos are forgiven; the guesses at other accounts still count, so an
    # attacker cannot wipe their own address's record by signing in to their account.
    assert LoginFailure.objects.count() == 6
    client.logout()
    for n in range(4):
        assert attempt(client, SITE, f"again{n}@example.org").status_code == 200, n
    assert attempt(client, SITE, "again-11@example.org").status_code == 429


@ours_alone
def test_other_addresses_are_not_locked_out(client, person):
    for n in range(10):
        attempt(client, SITE, f"guess{n}@example.org", ip="203.0.113.7")
    assert attempt(client, SITE, "guess@example.org", ip="203.0.113.7").status_code == 429
    response = attempt(client, SITE, person.email, password=factories.PASSWORD, ip="198.51.100.2")
    assert response.status_code == 302
    assert is_signed_in(client)


@ours_alone
def test_the_lockout_ends_a_minute_after_the_failures(client, person):
    for n in range(10):
        attempt(client, SITE, f"guess{n}@example.org")
    assert attempt(client, SITE, person.email, password=factories.PASSWORD).status_code == 429
    LoginFailure.objects.update(at=timezone.now() - datetime.timedelta(seconds=61))
    response = attempt(client, SITE, person.email, password=factories.PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)


@ours_alone
def test_the_site_and_the_back_office_share_one_count(client, staff):
    for n in range(5):
        attempt(client, SITE, f"guess{n}@example.org")
    for n in range(5):
        attempt(client, ADMIN, f"admin-guess{n}@example.org")
    assert attempt(client, ADMIN, staff.email, password=factories.PASSWORD).status_code == 429
    assert attempt(client, SITE, staff.email, password=factories.PASSWORD).status_code == 429


@override_settings(
    ACCOUNT_RATE_LIMITS=False,
    CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}},
)
def test_throttling_needs_no_cache(client, person):
    """The counter is in the database: with no working cache (Redis down) the limit
    still holds and people can still sign in."""
    response = attempt(client, SITE, person.email, password=factories.PASSWORD)
    assert response.status_code == 302
    client.logout()
    for n in range(10):
        attempt(client, SITE, f"guess{n}@example.org")
    assert attempt(client, SITE, person.email, password=factories.PASSWORD).status_code == 429


def test_with_allauths_limits_on_the_eleventh_attempt_is_still_refused(client, person):
    """The production configuration: allauth's cache-based limits and ours together."""
    for n in range(10):
        assert attempt(client, SITE, f"guess{n}@example.org").status_code == 200, n
    assert attempt(client, SITE, person.email, password=factories.PASSWORD).status_code == 429
    assert not is_signed_in(client)


@ours_alone
def test_forwarded_for_is_trusted_only_when_configured(client, person):
    for n in range(10):
        client.post(
            reverse(SITE),
            {"login": f"guess{n}@example.org", "password": "nope-nope-nope"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    # No proxy configured (the default): the spoofable header is ignored, so all ten
    # came from 10.0.0.1.
    assert set(LoginFailure.objects.values_list("ip_address", flat=True)) == {"10.0.0.1"}
    with override_settings(TRUSTED_PROXY_COUNT=1):
        response = client.post(
            reverse(SITE),
            {"login": person.email, "password": factories.PASSWORD},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="spoofed, 198.51.100.9",
        )
    assert response.status_code == 302  # the proxy saw 198.51.100.9: not locked


def test_password_reset_answers_the_same_for_an_unknown_address(
    client, person, mailoutbox, django_capture_on_commit_callbacks
):
    # Both mails go through the outbox, sent once the request's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("account_reset_password"), {"email": person.email})
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("account_reset_password_done")
    # The real person gets a reset link; the unknown address a "no account here" note.
    by_address = {message.to[0]: message.body for message in mailoutbox}
    assert "/accounts/password/reset/key/" in by_address[person.email]
    assert "/accounts/password/reset/key/" not in by_address["nobody@example.org"]
