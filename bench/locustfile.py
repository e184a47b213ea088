"""The `make bench` traffic mix, for locust (headless; bench/run.py drives it).

Anonymous visitors browse the catalog (plain, filtered, searched, with a typo, sorted and
paged), open events and provider pages; signed-in educators (sessions from
bench/prepare.py, in BENCH_FIXTURE) open /me/ and register for events. /ping, the
cheapest Django view, runs in the same mix: its figures are the baseline the report
divides by. Every request is named by what it is, so the report has one row per route.

    BENCH_FIXTURE=bench/results/fixture.json locust -f bench/locustfile.py --headless \
        -u 20 -r 20 -t 60s --host http://127.0.0.1:8765 --csv bench/results/mix
"""

import json
import os
import random
import string

from locust import between, constant, events, task
from locust.contrib.fasthttp import FastHttpUser

from bench.routes import routes

FIXTURE = json.loads(open(os.environ["BENCH_FIXTURE"]).read())  # noqa: PTH123, SIM115
# The pages each app lists in bench/routes.py, at a low weight, named by their path.
OTHER_PAGES = routes(
    {"event_slug": FIXTURE["detail_slugs"][0], "provider_slug": FIXTURE["provider_slug"]}
)
THINK = float(os.environ.get("BENCH_THINK_SECONDS", "1"))

CATALOG = [
    ("catalog", "/events/"),
    ("catalog: search", "/events/?q=literacy"),
    ("catalog: search with a typo", "/events/?q=trauma+infromed"),
    ("catalog: filters", "/events/?kind=webinar&grade=k-2&cost=free"),
    (
        "catalog: filters, sort, page 3",
        "/events/?topic=social-emotional-learning&format=in_person&sort=newest&page=3",
    ),
    ("catalog: search and filters", "/events/?q=classroom&grade=6-8&language=en&min_hours=2"),
]


def _wait():
    return between(THINK * 0.5, THINK * 1.5) if THINK else constant(0)


class Visitor(FastHttpUser):
    """Someone browsing without an account."""

    weight = 3
    wait_time = _wait()

    @task(10)
    def catalog(self):
        name, path = random.choice(CATALOG)  # noqa: S311
        self.client.get(path, name=name)

    @task(4)
    def event_detail(self):
        slug = random.choice(FIXTURE["detail_slugs"])  # noqa: S311
        self.client.get(f"/events/{slug}/", name="event detail")

    @task(1)
    def home(self):
        self.client.get("/", name="home")

    @task(1)
    def providers(self):
        self.client.get("/providers/", name="provider directory")

    @task(1)
    def provider(self):
        self.client.get(f"/providers/{FIXTURE['provider_slug']}/", name="provider profile")

    @task(3)
    def ping(self):
        self.client.get("/ping", name="/ping (baseline)")

    @task(2)
    def other_page(self):
        path = random.choice(OTHER_PAGES)  # noqa: S311
        self.client.get(path, name=f"page {path}")


class Educator(FastHttpUser):
    """A signed-in educator: looks at their page, browses, registers."""

    weight = 1
    wait_time = _wait()

    def on_start(self):
        self.csrf = "".join(random.choices(string.ascii_letters + string.digits, k=32))  # noqa: S311
        session = random.choice(FIXTURE["sessions"])  # noqa: S311
        # The cookies go in a header on every request (locust's cookie jar drops some).
        self.client.client.cookiejar = None
        self.headers = {"Cookie": f"sessionid={session}; csrftoken={self.csrf}"}

    @task(3)
    def me(self):
        with self.client.get(
            "/me/", name="/me/", headers=self.headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"/me/ answered {response.status_code}")

    @task(3)
    def catalog(self):
        name, path = random.choice(CATALOG)  # noqa: S311
        self.client.get(path, name=name, headers=self.headers)

    @task(2)
    def event_detail(self):
        slug = random.choice(FIXTURE["detail_slugs"])  # noqa: S311
        self.client.get(f"/events/{slug}/", name="event detail", headers=self.headers)

    @task(2)
    def register(self):
        slug = random.choice(FIXTURE["register_slugs"])  # noqa: S311
        with self.client.post(
            f"/events/{slug}/register/",
            name="register (POST)",
            headers={**self.headers, "X-CSRFToken": self.csrf},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or "/accounts/login" in location:
                response.failure(f"register answered {response.status_code} {location}")

    @task(1)
    def ping(self):
        self.client.get("/ping", name="/ping (baseline)", headers=self.headers)


@events.quitting.add_listener
def _zero_errors(environment, **kwargs):
    """Exit non-zero when any request failed: the target is an error rate of 0."""
    if environment.stats.total.fail_ratio > 0:
        environment.process_exit_code = 1
