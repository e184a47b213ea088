"""Every page a person can reach has exactly one <h1>, a <main>, a skip link and a language."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

ANONYMOUS_PAGES = [
    "home",
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_email_verification_sent",
    "providers:directory",
    "events:catalog",
    "communities:list",
    "gratitude:walls",
]
SIGNED_IN_PAGES = [
    "accounts:me",
    "accounts:profile",
    "accounts:onboarding",
    "account_email",
    "account_change_password",
    "account_logout",
    "transcripts:transcript",
]


def assert_well_formed(response, url):
    assert response.status_code == 200, url
    page = BeautifulSoup(response.content.decode(), "html.parser")
    assert len(page.find_all("h1")) == 1, f"{url}: expected one <h1>"
    assert len(page.find_all("main")) == 1, f"{url}: expected one <main>"
    assert page.find("main")["id"] == "main-content"
    assert page.find("a", href="#main-content"), f"{url}: no skip link"
    assert page.html.get("lang") == "en"
    assert page.title and page.title.get_text(strip=True), f"{url}: no <title>"
    for field in page.select("input:not([type=hidden]):not([type=submit]), select, textarea"):
        assert field.get("id") and page.find("label", attrs={"for": field["id"]}), (
            f"{url}: {field.get('name')} has no label"
        )


@pytest.mark.django_db
@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
def test_public_pages(client, name):
    url = reverse(name)
    assert_well_formed(client.get(url), url)


@pytest.mark.django_db
@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_signed_in_pages(client, educator, name):
    client.force_login(educator)
    url = reverse(name)
    assert_well_formed(client.get(url), url)


@pytest.mark.django_db
def test_not_found_page_is_friendly(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = BeautifulSoup(response.content.decode(), "html.parser")
    assert page.h1.get_text(strip=True) == "We could not find that page"
    assert len(page.find_all("main")) == 1


@pytest.mark.django_db
def test_home_shows_honest_empty_states(client):
    page = BeautifulSoup(client.get("/").content.decode(), "html.parser")
    headings = [h.get_text(strip=True) for h in page.find_all("h2")]
    assert headings == [
        "What is on this month",
        "Communities of Practice",
        "Gratitude wall",
        "Our impact",
    ]
    assert len(page.select(".empty-state")) >= 3


@pytest.mark.django_db
def test_home_header_offers_sign_in_then_my_hub(client, educator):
    page = BeautifulSoup(client.get("/").content.decode(), "html.parser")
    account = page.find("nav", attrs={"aria-label": "Account"}).get_text(" ", strip=True)
    assert "Sign in" in account and "My hub" not in account
    client.force_login(educator)
    page = BeautifulSoup(client.get("/").content.decode(), "html.parser")
    account = page.find("nav", attrs={"aria-label": "Account"}).get_text(" ", strip=True)
    assert "My hub" in account and "Sign out" in account


def test_security_headers(client, db):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
