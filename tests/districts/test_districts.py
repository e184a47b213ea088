"""A partner district's view: aggregates with small-cell and complementary suppression,
named transcripts only with the educator's consent, revocation, and one district's
lead never seeing another's educators."""

import datetime
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from tests import factories
from trec.districts.models import DistrictAccess, DistrictPartner, TranscriptShare
from trec.formats import date_phrase
from trec.transcripts.models import Credit


@pytest.fixture
def district(db):
    return factories.DistrictFactory(name="Saguaro Unified")


@pytest.fixture
def lead(district):
    person = factories.EducatorFactory(district=district)
    DistrictPartner.objects.create(user=person, district=district)
    return person


def credit(user, hours, title="Workshop", provider="Desert Readers"):
    return Credit.objects.create(
        user=user,
        source_kind=Credit.Source.MANUAL,
        title=title,
        provider_name=provider,
        hours=Decimal(hours),
        earned_on=timezone.localdate() - datetime.timedelta(days=3),
        reason="Attended.",
    )


def table(client, table_id):
    soup = BeautifulSoup(client.get(reverse("districts:dashboard")).content, "html.parser")
    section = soup.find("section", attrs={"aria-labelledby": table_id})
    return {
        row.th.get_text(strip=True): [td.get_text(strip=True) for td in row.find_all("td")]
        for row in section.tbody.find_all("tr")
    }


def test_dashboard_suppresses_small_cells_and_their_complement(client, district, lead):
    big = factories.SchoolFactory(district=district, name="Big Elementary")
    small = factories.SchoolFactory(district=district, name="Small Elementary")
    tiny = factories.SchoolFactory(district=district, name="Tiny Elementary")
    for _ in range(8):
        credit(factories.EducatorFactory(district=district, school=big), "2")
    for _ in range(6):
        credit(factories.EducatorFactory(district=district, school=small), "3")
    credit(factories.EducatorFactory(district=district, school=tiny), "4")
    # Someone of another district never counts.
    credit(factories.EducatorFactory(), "50")
    client.force_login(lead)

    rows = table(client, "by-school")

    # Tiny (1 person) is withheld, and so is the next smallest (Small), or the total
    # minus Big would give Tiny away.
    assert rows["Big Elementary"] == ["8", "16"]
    assert rows["Tiny Elementary"] == ["fewer than 5", "fewer than 5"]
    assert rows["Small Elementary"] == ["fewer than 5", "fewer than 5"]
    page = client.get(reverse("districts:dashboard")).content.decode()
    assert "38" in page  # the district's total hours: 16 + 18 + 4, not the 50 elsewhere


def test_consent_controls_named_transcripts(client, district, lead):
    educator = factories.EducatorFactory(district=district, first_name="Ana", last_name="Ruiz")
    credit(educator, "2.5", title="Phonics lab")
    educator_url = reverse("districts:educator", args=[educator.pk])

    client.force_login(lead)
    assert client.get(educator_url).status_code == 404  # off by default
    assert "Ana Ruiz" not in client.get(reverse("districts:educators")).content.decode()

    # The educator shares from /me/.
    client.force_login(educator)
    me = client.get(reverse("accounts:me")).content.decode()
    assert "Share with Saguaro Unified" in me
    client.post(reverse("districts:share"), {"share": "1"})
    assert TranscriptShare.objects.filter(user=educator, revoked_at__isnull=True).exists()

    client.force_login(lead)
    assert "Ana Ruiz" in client.get(reverse("districts:educators")).content.decode()
    page = client.get(educator_url)
    assert page.status_code == 200 and "Phonics lab" in page.content.decode()
    csv = client.get(reverse("districts:educator_export", args=[educator.pk, "csv"]))
    assert "Phonics lab" in csv.content.decode("utf-8-sig")
    pdf = client.get(reverse("districts:educator_export", args=[educator.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    xlsx = client.get(reverse("districts:educator_export", args=[educator.pk, "xlsx"]))
    assert xlsx.content[:2] == b"PK"
    assert (
        client.get(reverse("districts:educator_export", args=[educator.pk, "exe"])).status_code
        == 404
    )

    # Every view and export is on the educator's /me/data/.
    assert list(
        DistrictAccess.objects.filter(educator=educator).values_list("action", flat=True)
    ) == ["xlsx", "pdf", "csv", "viewed"]
    client.force_login(educator)
    data = client.get(reverse("accounts:my_data")).content.decode()
    assert "Shared with Saguaro Unified" in data
    assert "Exported as PDF" in data and "Viewed" in data

    # Revoking ends it at once, and stays in the log.
    client.post(reverse("districts:share"), {"share": "0"})
    client.force_login(lead)
    assert client.get(educator_url).status_code == 404
    assert (
        client.get(reverse("districts:educator_export", args=[educator.pk, "csv"])).status_code
        == 404
    )
    client.force_login(educator)
    assert "stopped on" in client.get(reverse("accounts:my_data")).content.decode()


def test_another_districts_lead_gets_404(client, district, lead):
    educator = factories.EducatorFactory(district=district)
    TranscriptShare.objects.create(user=educator, district=district)
    other = factories.EducatorFactory()
    DistrictPartner.objects.create(user=other, district=other.district)
    client.force_login(other)
    assert client.get(reverse("districts:educator", args=[educator.pk])).status_code == 404
    assert (
        client.get(reverse("districts:educator_export", args=[educator.pk, "pdf"])).status_code
        == 404
    )
    assert not DistrictAccess.objects.exists()
    # Their dashboard is their own district's.
    assert (
        educator.get_full_name() not in client.get(reverse("districts:educators")).content.decode()
    )


def test_moving_district_ends_the_old_share(client, district, lead):
    educator = factories.EducatorFactory(district=district)
    TranscriptShare.objects.create(user=educator, district=district)
    educator.district = factories.DistrictFactory()
    educator.save(update_fields=["district"])
    client.force_login(lead)
    assert client.get(reverse("districts:educator", args=[educator.pk])).status_code == 404


def test_not_a_partner_gets_403(client, educator):
    client.force_login(educator)
    assert client.get(reverse("districts:dashboard")).status_code == 403


def test_sharing_needs_a_district(client, db):
    person = factories.UserFactory()
    client.force_login(person)
    response = client.post(reverse("districts:share"), {"share": "1"})
    assert (
        "Add your district to your profile first"
        in client.get(response["Location"]).content.decode()
    )
    assert not TranscriptShare.objects.exists()


def test_shared_list_queries_do_not_grow(client, district, lead, django_assert_num_queries):
    """The list reads schools and hours in its one query, not one per educator."""
    for _ in range(3):
        TranscriptShare.objects.create(
            user=factories.EducatorFactory(district=district), district=district
        )
    client.force_login(lead)
    client.get(reverse("districts:educators"))
    with django_assert_num_queries(5):
        client.get(reverse("districts:educators"))
    for _ in range(10):
        TranscriptShare.objects.create(
            user=factories.EducatorFactory(district=district), district=district
        )
    with django_assert_num_queries(5):
        client.get(reverse("districts:educators"))


def test_the_dashboard_in_spanish_names_topics_in_spanish(client, district, lead):
    """Topic, community and grade band names in the reader's language; a topic with no
    Spanish name yet is shown in English and marked lang="en"; months in Spanish."""
    literacy = factories.TopicFactory(
        name="Early literacy", slug="early-literacy", name_es="Alfabetización temprana"
    )
    robotics = factories.TopicFactory(name="Robotics", slug="robotics")
    event = factories.EventFactory(topics=[literacy, robotics])
    for _ in range(6):
        Credit.objects.create(
            user=factories.EducatorFactory(district=district),
            source_kind=Credit.Source.MANUAL,
            event=event,
            title="Workshop",
            hours=Decimal("2"),
            earned_on=timezone.localdate(),
            reason="Attended.",
        )
    lead.preferred_language = "es"
    lead.save(update_fields=["preferred_language"])
    client.force_login(lead)

    page = client.get(reverse("districts:dashboard"), HTTP_ACCEPT_LANGUAGE="es")
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.html["lang"] == "es"
    topics = soup.find("section", attrs={"aria-labelledby": "by-topic"})
    assert topics.h2.get_text(strip=True) == "Horas de DP por tema"
    labels = {th.get_text(strip=True): th.get("lang") for th in topics.tbody.find_all("th")}
    assert labels == {"Alfabetización temprana": None, "Robotics": "en"}
    months = soup.find("section", attrs={"aria-labelledby": "by-month"})
    month = timezone.localdate().strftime("%Y")
    assert any(f"de {month}" in th.get_text() for th in months.tbody.find_all("th"))
    assert "Early literacy" not in page.content.decode()


def test_consent_pages_in_spanish(client, district, lead):
    educator = factories.EducatorFactory(district=district, preferred_language="es")
    client.force_login(educator)
    me = client.get(reverse("accounts:me"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Compartir con Saguaro Unified" in me
    client.post(reverse("districts:share"), {"share": "1"})
    client.post(reverse("districts:share"), {"share": "0"})
    data = client.get(reverse("accounts:my_data"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    soup = BeautifulSoup(data, "html.parser")
    section = soup.find("section", attrs={"aria-labelledby": "district-sharing"})
    text = " ".join(section.get_text(" ").split())
    assert "Compartido con Saguaro Unified el" in text and "se dejó de compartir el" in text
    # Dates as Spanish writes them (trec.formats), not the English pattern.
    assert date_phrase(timezone.now(), "short_date", language="es") in text
