"""Phone-first header and catalog: the menu and the filters are <details> disclosures
that work without JavaScript, and the results come before the filter panel's contents."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from events.models import Event
from tests import factories

pytestmark = pytest.mark.django_db

CATALOG = reverse("events:catalog")


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def test_header_folds_navigation_account_and_language_into_one_menu(client):
    page = soup(client.get(reverse("home")))
    header = page.select_one("header.site-header")
    menu = header.select_one("details.header-menu")
    # Closed when served: phones see brand + "Menu"; wide screens open it (CSS and js/hub.js).
    assert not menu.has_attr("open")
    assert menu["data-open-from"] == "48rem"
    assert menu.summary.get_text(strip=True) == "Menu"
    # Everything a visitor needs is inside the disclosure, after its summary.
    body = menu.select_one(".header-menu-body")
    assert body.select_one("nav[aria-label='Main'] a[href='/events/']")
    assert body.select_one("nav[aria-label='Account'] a[href='/accounts/login/']")
    assert body.select_one("form.language-switcher button[value='es']")
    # The brand stays outside the menu.
    assert header.select_one("a.brand").find_parent("details") is None


def test_header_menu_is_translated(client):
    client.cookies["django_language"] = "es"
    page = soup(client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="es"))
    assert page.select_one("details.header-menu summary").get_text(strip=True) == "Menú"


@pytest.fixture
def listings():
    factories.EventFactory(title="Phonics", format=Event.Format.VIRTUAL, cost=0)
    factories.EventFactory(title="Kindness", format=Event.Format.IN_PERSON, cost=20)


def test_catalog_filters_are_a_closed_drawer_after_the_search(client, listings):
    page = soup(client.get(CATALOG))
    drawer = page.select_one(".catalog-filters details.filters-drawer")
    assert not drawer.has_attr("open")
    assert drawer.summary.get_text(strip=True) == "Filters"
    # The filters and their "Apply filters" button (for browsers without JavaScript) are in it.
    assert drawer.select_one("input[name='format']")
    assert drawer.find("button", string="Apply filters")
    # JavaScript applies a change at once; the form says so with data-autosubmit.
    assert page.select_one("form#catalog-form").has_attr("data-autosubmit")
    # The results count is the first heading after the drawer's summary.
    assert page.select_one("#results-heading").get_text(strip=True) == "2 results"


def test_drawer_summary_counts_active_filters_not_the_search(client, listings):
    page = soup(client.get(CATALOG, {"q": "phonics", "format": "virtual", "cost": "free"}))
    drawer = page.select_one("details.filters-drawer")
    assert drawer.summary.get_text(strip=True) == "Filters (2 active)"
    assert not drawer.has_attr("open")


def test_drawer_opens_when_a_filter_has_an_error(client, listings):
    page = soup(client.get(CATALOG, {"min_hours": "-3"}))
    drawer = page.select_one("details.filters-drawer")
    assert drawer.has_attr("open")
    assert drawer.select_one("#id_min_hours[aria-invalid='true']")
