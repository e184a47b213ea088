"""Every page people see is valid HTML: the W3C Nu HTML checker (vnu.jar, from npm's
`vnu-jar`, run on Java) finds no error on the pages the browser suite visits, for a
visitor, an educator and a coordinator, over a small demo region (`seed_demo`).

`make test` installs the checker (`make checkers`); the test fails, never skips, when it
is missing. TREC_VNU_JAR points at another copy.
"""

import datetime
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.template import Context, Template
from django.test import Client

from communities.models import Community, Thread
from events.models import Event
from gratitude.models import Wall
from providers.models import Provider
from surveys.models import Survey
from tests import factories
from trec.accounts.models import User
from trec.accounts.roles import COORDINATORS_GROUP
from trec.transcripts.models import Certificate

ROOT = Path(__file__).resolve().parents[1]
VNU_JAR = Path(
    os.environ.get("TREC_VNU_JAR", ROOT / ".tools/node_modules/vnu-jar/build/dist/vnu.jar")
)


def vnu_errors(files: list[Path]) -> list[str]:
    """Run the checker once over every file; its errors as "file:line: message"."""
    java = shutil.which("java")
    assert java and VNU_JAR.is_file(), (
        f"The Nu HTML checker needs Java and {VNU_JAR}: run `make checkers` "
        "(make test does it) or set TREC_VNU_JAR."
    )
    result = subprocess.run(
        [
            java,
            "-Xss2m",
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            "--exit-zero-always",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{Path(m['url']).name}:{m.get('lastLine', '?')}: {m['message']}"
        f" — {m.get('extract', '').strip()[:120]!r}"
        for m in messages
        if m["type"] == "error"
    ]


def first(queryset):
    found = queryset.first()
    assert found is not None, f"the demo region has no {queryset.model.__name__} like that"
    return found


def pages_of_the_demo_region() -> dict[str, list[str]]:
    """Who sees which pages: the browser suite's pages and the ones issue 18 names."""
    listed = Event.objects.filter(status="published", is_private=False)
    in_person = first(listed.filter(format="in_person", kind="event"))
    virtual = first(listed.filter(format="virtual").exclude(kind__in=["program", "on_demand"]))
    series = listed.annotate(n=Count("sessions")).filter(n__gt=1).exclude(kind="program").first()
    if series is None:  # small demo regions may have none
        spans = [(factories.in_days(d), factories.in_days(d, hour=18)) for d in (-7, 7, 14)]
        series = factories.EventFactory(title="Coaching cycles, three sessions", sessions=spans)
    on_demand = first(listed.filter(kind="on_demand"))
    paid = first(listed.filter(cost__gt=0).exclude(kind="program"))
    summit = first(listed.filter(kind="program"))
    provider = first(Provider.objects.all())
    community = first(Community.objects.all())
    wall = first(Wall.objects.all())
    survey = first(Survey.objects.filter(kind="needs"))
    public = [
        "/",
        "/events/",
        "/events/?q=reading&sort=soonest",
        *(e.get_absolute_url() for e in (in_person, virtual, series, on_demand, paid, summit)),
        f"/events/{summit.slug}/schedule/",
        "/providers/",
        provider.get_absolute_url(),
        "/communities/",
        community.get_absolute_url(),
        "/gratitude/",
        wall.get_absolute_url(),
        f"/gratitude/{wall.slug}/post/",
        f"/gratitude/{wall.slug}/print/",
        "/surveys/",
        survey.get_absolute_url(),
        "/impact/",
        "/accessibility/",
        "/status/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/no-such-page/",
    ]
    certificate = Certificate.objects.first()
    if certificate:
        public.append(certificate.get_absolute_url())
    educator = [
        "/me/",
        "/me/transcript/",
        "/me/profile/",
        "/me/data/",
        f"/events/{summit.slug}/my-schedule/",
    ]
    thread = Thread.objects.select_related("community").first()
    coordinator = [
        f"/gratitude/{wall.slug}/moderate/",
        f"/communities/{community.slug}/roster/",
        f"/communities/{community.slug}/attendance/",
        f"/surveys/{survey.slug}/report/",
        f"/surveys/{survey.slug}/preview/",
        f"/admin/surveys/survey/{survey.pk}/builder/",
        "/admin/",
        "/admin/events/event/review/",
        "/admin/audit/",
        f"/admin/events/event/{summit.pk}/history/",
        "/impact/dashboard/",
    ]
    if thread:
        coordinator += [
            f"/communities/{thread.community.slug}/board/",
            f"/communities/{thread.community.slug}/board/{thread.pk}/",
        ]
    return {"anonymous": public, "educator": educator, "coordinator": coordinator}


@pytest.mark.django_db
def test_the_pages_people_see_have_no_html_errors(tmp_path):
    call_command("seed_demo", educators=30, providers=12, events=40, registrations=150, verbosity=0)
    clients = {"anonymous": Client()}
    educator = User.objects.filter(role="teacher", registrations__isnull=False).first()
    coordinator = User.objects.filter(groups__name=COORDINATORS_GROUP).first()
    for role, user in (("educator", educator), ("coordinator", coordinator)):
        clients[role] = Client()
        clients[role].force_login(user)

    files = []
    for role, paths in pages_of_the_demo_region().items():
        for number, path in enumerate(paths):
            response = clients[role].get(path)
            assert response.status_code in (200, 404), f"{role} {path}: {response.status_code}"
            assert response["Content-Type"].startswith("text/html"), path
            name = f"{role}-{number:02d}-{path.strip('/').replace('/', '_')[:60] or 'home'}.html"
            (tmp_path / name).write_bytes(response.content)
            files.append(tmp_path / name)

    errors = vnu_errors(files)
    assert not errors, f"{len(errors)} HTML error(s):\n" + "\n".join(errors)


def test_time_elements_get_a_datetime_the_checker_accepts():
    moment = datetime.datetime(2026, 11, 24, 19, 9, 49, 599657, tzinfo=datetime.UTC)
    html = Template('{% load hub %}<time datetime="{{ moment|iso }}">').render(
        Context({"moment": moment})
    )
    assert html == '<time datetime="2026-11-24T12:09:49-07:00">'  # Arizona, to the second
