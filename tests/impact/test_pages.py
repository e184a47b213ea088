"""The public report, the home highlights, the coordinator dashboard and the exports,
as a person sees them."""

import csv
import io
import itertools

import pypdf
import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.urls import reverse

from events.models import Registration
from tests.factories import DistrictFactory, EducatorFactory, RegistrationFactory
from tests.pdfs import pdf_language, pdf_structure, pdf_text, untagged_words, word_boxes
from trec.impact import selectors, services
from trec.impact.metrics import METRICS
from trec.impact.models import ImpactSnapshot
from trec.impact.pdf import report_pdf
from trec.impact.periods import Period

from .conftest import attend

pytestmark = pytest.mark.django_db


def html(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def compute(period):
    snapshot = services.snapshot_get_or_create(period=period)
    return services.snapshot_compute(snapshot_id=snapshot.pk)


@pytest.fixture
def report(region):
    """The region, plus five educators from East Mesa at the webinar; 2024 and 2025
    computed."""
    east = DistrictFactory(name="East Mesa")
    webinar = region["events"]["webinar"]
    for _ in range(5):
        registration = RegistrationFactory(
            event=webinar, user=EducatorFactory(district=east, students_served=20)
        )
        attend(registration)
    Registration.objects.update(created_at=webinar.published_at)
    compute(Period.year(2024))
    return compute(Period.year(2025))


def test_public_page_shows_figures_trend_charts_and_how_we_count(report, client):
    page = html(client.get(reverse("impact:report")))
    assert page.h1.get_text() == "Impact report 2025"
    headline = [li.get_text(" ", strip=True) for li in page.select(".impact-headline li")]
    assert headline[0].startswith("8 Educators served")
    assert "↑ up from none in 2024" in headline[0]
    assert "Students indirectly impacted" in headline[3] and headline[3].startswith("155")
    # Three charts, each an image with a title, each followed by its table (folded
    # under "Show the figures" on phones; the style sheet shows it open from 48rem).
    figures = page.select("figure.impact-chart")
    assert [f.h3.get_text() for f in figures] == [
        "Event attendance by month",
        "PD hours by topic",
        "Reach by district",
    ]
    for figure in figures:
        svg = figure.find("svg")
        assert svg["role"] == "img" and svg.find("title").get_text()
        folded = figure.select_one("details.chart-figures")
        assert folded.summary.get_text(strip=True) == "Show the figures"
        assert folded.find("table") and not folded.has_attr("open")
    how = page.find(id="how-heading").parent.get_text(" ", strip=True)
    assert "Someone who attended twice, or ten times, counts once." in how
    assert "fewer than 5 people is “withheld”" in how


def test_the_public_page_summarises_first_and_opens_details_on_demand(report, client, coordinator):
    """At a glance and the charts come first; every figure, the programs and each
    breakdown are there in full but folded (a phone reader is not sent through every
    table), while the coordinators' dashboard shows them open."""
    page = html(client.get(reverse("impact:report")))
    headings = [h2.get_text(strip=True) for h2 in page.select("main h2")]
    assert headings.index("At a glance") < headings.index("Charts") < headings.index("Every figure")
    folded = page.select("details.impact-details")
    assert len(folded) >= 3 and not any(d.has_attr("open") for d in folded)
    assert page.select_one("details.impact-details #figure-educators_served")
    client.force_login(coordinator)
    dashboard = html(client.get(reverse("impact:dashboard") + "?kind=year&year=2025"))
    opened = dashboard.select("details.impact-details")
    assert opened and all(d.has_attr("open") for d in opened)


def test_trend_says_up_or_down_in_words(report, client, region):
    # 2026 has fewer people than 2025: "down", with an arrow and a percentage.
    compute(Period.year(2026))
    ImpactSnapshot.objects.filter(period_start__year=2026).update(
        data={
            **report.data,
            "metrics": {**report.data["metrics"], "educators_served": 6, "pd_hours": "0"},
        }
    )
    page = html(client.get(reverse("impact:year", args=[2026])))
    row = page.find(id="figure-educators_served").get_text(" ", strip=True)
    assert "↓ down 25% from 8 in 2025" in row


def test_public_breakdowns_hide_cells_about_fewer_than_five_people(report, client):
    page = html(client.get(reverse("impact:report")))
    reach = page.find("figure", attrs={"aria-labelledby": "chart-districts-caption"})
    rows = {
        tr.th.get_text(): [td.get_text() for td in tr.find_all("td")]
        for tr in reach.select("tbody tr")
    }
    assert rows["North Unified"] == ["withheld", "withheld"]
    assert rows["South Valley"] == ["withheld", "withheld"]
    # North and South are 3 people together: East Mesa goes too, or the total minus it
    # would publish a figure about those 3
    assert rows["East Mesa"] == ["withheld", "withheld"]
    assert "North Unified" not in reach.find("svg").get_text()  # no bar for a withheld cell


def test_the_dashboard_shows_every_cell(report, client, coordinator):
    client.force_login(coordinator)
    page = html(client.get(reverse("impact:dashboard") + "?kind=year&year=2025"))
    reach = page.find("figure", attrs={"aria-labelledby": "chart-districts-caption"})
    rows = {
        tr.th.get_text(): [td.get_text() for td in tr.find_all("td")]
        for tr in reach.select("tbody tr")
    }
    assert rows["North Unified"] == ["2", "55"]
    assert not page.select("td.suppressed")
    providers = page.find(id="by-provider").find_parent("section").get_text(" ", strip=True)
    assert "Reading Partners" in providers


def test_public_page_reads_one_stored_snapshot_query(report, client, django_assert_num_queries):
    """Guards against the page computing anything: one query, however many years."""
    with django_assert_num_queries(1):
        client.get(reverse("impact:report"))
    for year in range(2018, 2024):
        ImpactSnapshot.objects.create(
            period_kind="year",
            period_start=Period.year(year).start,
            period_end=Period.year(year).end,
            label=str(year),
            computed_at=report.computed_at,
            definitions_version=report.definitions_version,
            data=report.data,
        )
    with django_assert_num_queries(1):
        page = html(client.get(reverse("impact:year", args=[2025])))
    assert len(page.select(".impact-years li")) == 8


def test_no_report_yet_and_unknown_years(client, db):
    page = html(client.get(reverse("impact:report")))
    assert "will appear here" in page.select_one(".empty-state").get_text()
    assert client.get(reverse("impact:year", args=[1999])).status_code == 404


def test_home_page_shows_headline_figures(report, client):
    page = html(client.get("/"))
    section = page.find(id="impact").parent
    stats = {
        dt.get_text(): dd.get_text()
        for dt, dd in zip(section.select("dt"), section.select("dd"), strict=True)
    }
    assert stats["Educators served (2025)"] == "8"
    assert stats["PD hours earned (2025)"] == "0"
    assert len(stats) == 4
    assert section.find("a", href=reverse("impact:report"))


def test_dashboard_validates_the_period(client, coordinator):
    client.force_login(coordinator)
    response = client.get(
        reverse("impact:dashboard") + "?kind=range&start=2025-03-01&end=2025-02-01"
    )
    assert response.status_code == 400
    page = BeautifulSoup(response.content.decode(), "html.parser")
    assert "The last day must be on or after the first day." in page.get_text()
    response = client.get(reverse("impact:dashboard") + "?kind=school_year&year=")
    assert response.status_code == 400
    assert "Enter a year" in response.content.decode()
    page = html(client.get(reverse("impact:dashboard") + "?kind=school_year&year=2025"))
    assert page.find(id="status-heading").get_text() == "School year 2025–26 (July to June)"
    assert "No figures for this period yet." in page.get_text()
    assert page.find("input", attrs={"name": "period"})["value"] == "2025-26"


@pytest.mark.parametrize("snapshots", [1, 12])
def test_dashboard_queries_are_fixed(
    report, client, coordinator, django_assert_num_queries, snapshots
):
    for n in range(snapshots - 1):
        compute(Period.school_year(2000 + n)) if n < 2 else ImpactSnapshot.objects.create(
            period_kind="range",
            period_start=Period.year(2000 + n).start,
            period_end=Period.year(2000 + n).end,
            label="x",
        )
    client.force_login(coordinator)
    url = reverse("impact:dashboard") + "?kind=year&year=2025"
    client.get(url)
    # session, user, coordinator group, this period and the one before, recent snapshots
    with django_assert_num_queries(5):
        client.get(url)


def test_csv_holds_every_figure_and_breakdown(report, client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("impact:csv", args=["2025"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="impact-2025.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["section", "item", "measure", "value"]
    figures = {row[1]: row[3] for row in rows if row[0] == "figure"}
    assert figures["educators_served"] == "8"
    assert figures["students_impacted"] == "155"
    assert set(figures) == {metric.key for metric in METRICS}
    assert ["by district", "North Unified", "people", "2"] in rows  # not suppressed
    assert ["by month", "2025-04", "people", "7"] in rows


def test_csv_cells_cannot_become_formulas(region, client, coordinator):
    region["districts"]["north"].name = "=HYPERLINK(1)"
    region["districts"]["north"].save()
    compute(Period.year(2025))
    client.force_login(coordinator)
    text = client.get(reverse("impact:csv", args=["2025"])).content.decode("utf-8-sig")
    assert "by district,'=HYPERLINK(1),people,2" in text


def test_pdf_for_funders(report, client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("impact:pdf", args=["2025"]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Impact report 2025" in text and "calendar year 2025" in text
    assert "How we count" in text and "Educators served" in text
    structure = pdf_structure(response.content)
    assert structure.tagged and structure.has_root and pdf_language(response.content) == "en"
    assert structure.elements[0] == ("H1", "Impact report 2025")
    assert ("H2", "How we count") in structure.elements
    assert ("Table", "") not in structure.elements and "Table" in dict(structure.elements)
    assert untagged_words(response.content) == []
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    spanish = client.get(reverse("impact:pdf", args=["2025"]))
    assert pdf_language(spanish.content) == "es"
    assert ("H2", "Cómo contamos") in pdf_structure(spanish.content).elements


LONG_TITLE = (
    "Southern Arizona Early Childhood and Elementary Literacy, Numeracy and Family "
    "Engagement Summit with Community Partners, Tribal Education Departments and "
    "Regional Libraries (Spring Convening)"
)
LONG_DEFINITION = " ".join(
    ["Every educator who attended at least one session, counted once however many"] * 12
)


# The PDF a funder receives: every heading and the period line are there, text wraps
# inside the margins and nothing is printed over anything else, however long a program
# title or a definition is (read back with pdftotext's word boxes).
def test_long_titles_and_definitions_stay_inside_the_page(report):
    built = selectors.build_report(report, selectors.previous_of(report), public=True)
    built.figures[0]["how"] = LONG_DEFINITION
    built.headline[1]["text"] = "not enough answers yet"
    built.programs.append(
        {
            "title": LONG_TITLE,
            "attendees_text": "1,204",
            "hours_text": "8,431.5",
            "students_text": "not enough answers yet",
            "satisfaction_text": "94%",
        }
    )
    content = report_pdf(report=built)
    text = pdf_text(content)
    assert "calendar year 2025" in text  # the period line
    for heading in ("Figure", "Value", "Compared with the year before", "Program", "Attendees"):
        assert heading in text
    assert "Regional Libraries (Spring Convening)" in text  # wrapped, not cut
    assert text.count("counted once however many") == 12
    assert pdf_language(content) == "en"
    outline = [item.title for item in pypdf.PdfReader(io.BytesIO(content)).outline]
    assert outline[:2] == ["All figures", "Programs and summits"] and "How we count" in outline

    pages = word_boxes(content)
    assert len(pages) >= 2
    for width, height, words in pages:
        for word in words:
            assert word.x0 >= 36 and word.x1 <= width - 36, word
            assert word.y0 >= 18 and word.y1 <= height - 18, word
        for a, b in itertools.combinations(words, 2):
            overlap_x = min(a.x1, b.x1) - max(a.x0, b.x0)
            overlap_y = min(a.y1, b.y1) - max(a.y0, b.y0)
            assert overlap_x < 1 or overlap_y < 2, f"{a} is printed over {b}"


def test_exports_need_current_figures(client, coordinator, db):
    client.force_login(coordinator)
    assert client.get(reverse("impact:csv", args=["2025"])).status_code == 404
    assert client.get(reverse("impact:pdf", args=["2025-26"])).status_code == 404
    assert client.get("/impact/2025-27.csv").status_code == 404


def test_dashboard_shows_progress_while_a_computation_runs(report, client, coordinator):
    ImpactSnapshot.objects.filter(pk=report.pk).update(status="running", progress=40)
    client.force_login(coordinator)
    page = html(client.get(reverse("impact:dashboard") + "?kind=year&year=2025"))
    assert page.find("progress")["value"] == "40"
    assert page.select_one(".impact-status-text").get_text() == "Computing"
    assert "Reload this page to see progress" in page.select_one(".impact-reload").get_text()
    # the previous figures stay readable meanwhile
    assert page.find(id="figure-educators_served").td.get_text() == "8"
    status = client.get(reverse("impact:status", args=[report.pk])).json()
    assert status == {"status": "running", "status_text": "Computing", "progress": 40, "busy": True}
