"""Crafted input never makes a server error (issue 15, item 12).

Every GET route the resolver knows (the table of tests/test_permissions.py, so a new
route is walked the moment it has its expectation) is requested with hostile values:
a NUL byte, a 31-digit number, the years 9999 and 0001, 5,000 Arabic-Indic digits
(Python parses no more than 4,300), a superscript two (a digit to str.isdigit(), not to int()) and
right-to-left marks, each sent with repeated and array-style keys. Values go into every
path token of the route and into every query parameter the page offers (its GET forms
and links) plus the common ones, as an anonymous visitor and signed in. The answer may
be any 2xx, 3xx or 4xx, never a 5xx.

Hypothesis draws the values (derandomized, as many examples as values), so the walk is
the same on every run. It runs on PostgreSQL in CI, where a NUL byte is an error of the
database, not just an odd character as on SQLite.
"""

from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from tests.test_permissions import NoObject, all_route_keys, expectations, world  # noqa: F401

HOSTILE = [
    "\x00",
    str(10**30),
    "9999-12-31",
    "0001-01-01",
    "\u0669" * 5000,  # ٩, an Arabic-Indic nine: int() reads it, up to 4,300 of them
    "\u00b2",
    "\u202e\u200f\u0645\u0631\u062d\u0628\u0627\u200e",
]
# One value for a view already walked, or for a person the route sends to sign in.
ONE_VALUE = [str(10**30)]
# Query parameters the hub's views read that no page links to with a value.
COMMON_PARAMS = ["q", "page", "next", "year", "start", "end", "school", "status", "t", "by"]


def sends_to_sign_in(response) -> bool:
    location = response.get("Location", "") if response.status_code == 302 else ""
    return location.startswith((reverse("account_login"), reverse("admin:login")))


def page_params(response, path: str) -> set[str]:
    """The query parameters a page offers for itself: its GET forms' fields and the keys
    in its links back to the same path."""
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return set()
    page = BeautifulSoup(response.content, "html.parser")
    names = set()
    for form in page.find_all("form"):
        if form.get("method", "get").lower() == "get":
            names.update(field["name"] for field in form.select("[name]"))
    for link in page.find_all("a", href=True):
        parts = urlsplit(link["href"])
        if parts.path in ("", path):
            names.update(key for key, _value in parse_qsl(parts.query, keep_blank_values=True))
    return names


def path_variants(path: str, value: str) -> list[str]:
    """`path` with each of its route's path tokens replaced by `value` in turn, where the
    resolver still sends the result to the same view (elsewhere it is a plain 404)."""
    try:
        match = resolve(path)
    except Resolver404:
        return []
    segments = path.split("/")
    variants = []
    for token in list(match.args) + list(match.kwargs.values()):
        token = quote(str(token), safe="")
        positions = [i for i, segment in enumerate(segments) if segment == token]
        if positions:
            changed = list(segments)
            changed[positions[-1]] = quote(value, safe="")
            variants.append("/".join(changed))
        elif path.endswith(f"/{token}.ics"):  # the private calendar feed's token
            variants.append(path.removesuffix(f"{token}.ics") + quote(value, safe="") + ".ics")
    return [variant for variant in variants if same_view(unquote(variant), match)]


def same_view(path: str, match) -> bool:
    try:
        return resolve(path).func == match.func
    except Resolver404:
        return False


def hostile_query(params: set[str], value: str) -> str:
    """Each parameter twice (an ordinary value, then the hostile one), array-style once,
    and the hostile value as a key."""
    pairs = []
    for name in sorted(params):
        pairs += [(name, "1"), (name, value), (f"{name}[]", value)]
    pairs.append((value, "1"))
    return urlencode(pairs)


def routes(w) -> list[tuple[str, str]]:
    """(label, path) for every route the permission walk knows how to build."""
    table = expectations()
    found = []
    for key in all_route_keys():
        for case, build, _answers in table.get(key, []):
            try:
                found.append((f"{key} [{case}]" if case else key, build(w)))
            except NoObject:
                continue
    return found


def walk(client: Client, w, *, walked: set[str]) -> dict[str, str]:
    """Every route with hostile values: {request: error} for each 5xx.

    A route's view gets every hostile value, in its query and in each path token, from
    the first person it answers (`walked` remembers which routes had them); a later
    person's view, and a route that only sends this person to sign in, get one value:
    the door holds, and the walk stays short."""
    errors = {}

    def get(label, path):
        response = client.get(path)
        if response.status_code >= 500:
            error = response.exc_info[1] if response.exc_info else response.status_code
            errors[f"{label}: GET {path[:200]}"] = repr(error)[:300]
        return response

    def probe_route(label, path, params, values, *, tokens: bool):
        @settings(
            max_examples=len(values),
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
        )
        @given(value=st.sampled_from(values))
        def probe(value):
            get(label, f"{path}?{hostile_query(params, value)}")
            for variant in path_variants(path, value) if tokens else []:
                get(label, variant)

        probe()

    for label, path in routes(w):
        path, _sep, query = path.partition("?")
        baseline = get(label, f"{path}?{query}" if query else path)
        params = page_params(baseline, path) | set(COMMON_PARAMS)
        params |= {key for key, _value in parse_qsl(query)}
        if sends_to_sign_in(baseline):
            probe_route(label, path, params, ONE_VALUE, tokens=False)
        elif label in walked:
            probe_route(label, path, params, ONE_VALUE, tokens=True)
        else:
            probe_route(label, path, params, HOSTILE, tokens=True)
            walked.add(label)
    return errors


@pytest.mark.django_db
def test_no_route_answers_hostile_input_with_a_server_error(world):  # noqa: F811
    walked, errors = set(), {}
    for role in ("anonymous", "educator"):
        client = Client(raise_request_exception=False)
        if world["people"][role] is not None:
            client.force_login(world["people"][role])
        found = walk(client, world, walked=walked)
        errors.update({f"{role} · {request}": error for request, error in found.items()})
    assert not errors, f"{len(errors)} server errors: {errors}"


# --- The reproduced cases, one by one --------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/certificates/%00/",
        "/certificates/%00/certificate.pdf",
        "/providers/requests/%00/",
        "/me/calendar/%00.ics",
        "/gratitude/?q=%00",
        "/events/?q=a%00b",
    ],
)
def test_a_nul_byte_is_a_clear_400(client, path):
    response = client.get(path)
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text(strip=True) == "We could not understand that request"


@pytest.mark.django_db
def test_a_huge_number_in_the_query_string_is_a_400(client, coordinator):
    """The back office's date drill-down turns the year into a C integer: OverflowError."""
    client.force_login(coordinator)
    response = client.get("/admin/transcripts/credit/", {"earned_on__year": str(10**30)})
    assert response.status_code == 400
    assert client.get("/admin/transcripts/credit/", {"earned_on__year": "2026"}).status_code == 200


@pytest.mark.django_db
def test_an_id_that_is_no_number_is_a_404_in_the_back_office(client, coordinator):
    client.force_login(coordinator)
    for token in ["\u00b2", "2026-01-01", "\u202eabc"]:
        assert client.get(f"/admin/events/event/{token}/change/").status_code == 404


@pytest.mark.django_db
def test_a_tab_in_a_search_is_fine_a_line_break_is_not(client):
    assert client.get("/events/", {"q": "reading\tgroups"}).status_code == 200
    assert client.get("/events/", {"q": "reading\r\nSet-Cookie: x"}).status_code == 400


@pytest.mark.django_db
def test_a_nul_byte_in_a_form_field_is_a_400_but_line_breaks_are_fine(client, educator):
    client.force_login(educator)
    url = "/me/transcript/certificates/"
    assert client.post(url, {"kind": "year", "key": "2026\x00"}).status_code == 400
    assert client.post(url, {"kind": "year", "key": "2026\r\n"}).status_code < 500


@pytest.mark.django_db
@pytest.mark.parametrize("kind, key", [("event", "abc"), ("community", "²"), ("event", "9" * 40)])
def test_a_certificate_for_a_key_that_is_no_id_is_refused_politely(client, educator, kind, key):
    client.force_login(educator)
    response = client.post("/me/transcript/certificates/", {"kind": kind, "key": key}, follow=True)
    assert response.status_code == 200
    assert "There are no hours on your transcript for this yet." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_a_catalog_date_out_of_range_is_a_form_error(client, day):
    response = client.get("/events/", {"end": day})
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert "Enter a date between the years 1900 and 2200." in page.get_text(" ")
