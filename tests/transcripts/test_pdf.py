"""PDF certificates (with their code and a QR code for the verification page) and the
PDF transcript."""

import re
import zlib

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from communities.models import MeetingAttendance
from communities.services import meeting_credits_sync
from tests.communities.factories import CommunityFactory, MeetingFactory, MembershipFactory
from tests.factories import EducatorFactory
from tests.pdfs import figure_alts, pdf_language, pdf_structure, pdf_text, untagged_words
from trec.transcripts import pdf
from trec.transcripts.services import (
    certificate_issue,
    certificate_revoke,
)

pytestmark = pytest.mark.django_db


def drawing(content: bytes) -> str:
    """Every (compressed) content stream, decompressed: the drawing operators."""
    chunks = [content.decode("latin-1")]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            chunks.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(chunks)


def text_of(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def earn(user, *, title="Equitable Grading", meetings=2):
    community = CommunityFactory(title=title)
    member = MembershipFactory(community=community, user=user)
    attended = [MeetingFactory(community=community) for _ in range(meetings)]
    for meeting in attended:
        MeetingAttendance.objects.create(meeting=meeting, membership=member)
    meeting_credits_sync(meetings=attended)
    return community


def test_certificate_pdf_is_public_and_carries_its_code(client, educator):
    community = earn(educator)
    certificate = certificate_issue(user=educator, kind="community", key=str(community.pk))
    response = client.get(reverse("certificates:pdf", args=[certificate.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert certificate.code in response["Content-Disposition"]
    drawn = pdf_text(response.content)
    assert certificate.code in drawn
    assert educator.get_full_name() in drawn
    assert "3 clock hours" in drawn
    assert educator.email not in drawn  # nothing beyond name, hours, title and dates
    # The QR code is drawn as filled rectangles ("re" … "f" operators).
    assert drawing(response.content).count(" re f") > 20


NAME = ("Łichíí Nguyễn", "Ñúñez 李 🙏")


def test_certificate_and_transcript_print_every_name_as_spelled(client, educator):
    educator.first_name, educator.last_name = NAME
    educator.save()
    community = earn(educator, title="Diné bizaad: ąą́ łééchąą'í ✓ 谢谢")
    certificate = certificate_issue(user=educator, kind="community", key=str(community.pk))
    certificate_pdf = client.get(reverse("certificates:pdf", args=[certificate.code])).content
    client.force_login(educator)
    transcript_pdf = client.get(reverse("transcripts:pdf")).content
    for content in (certificate_pdf, transcript_pdf):
        drawn = pdf_text(content)
        # The emoji no font draws becomes a visible box, never a silent gap.
        assert "Łichíí Nguyễn Ñúñez 李 \u25a1" in drawn
        assert "Diné bizaad: ąą́ łééchąą'í ✓ 谢谢" in drawn
        assert pdf_language(content) == "en"


def test_certificate_in_spanish_is_tagged_and_counts_one_hour_right(client, educator):
    community = earn(educator, meetings=1)
    certificate = certificate_issue(user=educator, kind="community", key=str(community.pk))
    type(certificate).objects.filter(pk=certificate.pk).update(hours=1)
    url = reverse("certificates:pdf", args=[certificate.code])
    assert "earned 1 clock hour of professional" in pdf_text(client.get(url).content)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    assert pdf_language(response.content) == "es"
    assert "obtuvo 1 hora reloj" in pdf_text(response.content)


def test_certificate_and_transcript_are_tagged_in_the_readers_language(client, educator):
    educator.first_name, educator.last_name = NAME
    educator.save()
    community = earn(educator)
    certificate = certificate_issue(user=educator, kind="community", key=str(community.pk))
    client.force_login(educator)
    for language, heading in (("en", "CERTIFICATE"), ("es", "CERTIFICADO")):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # the reader's choice
        educator.preferred_language = language  # a signed-in educator's documents follow it
        educator.save(update_fields=["preferred_language"])
        url = reverse("certificates:pdf", args=[certificate.code])
        content = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content
        structure = pdf_structure(content)
        assert structure.tagged and structure.has_root
        assert pdf_language(content) == language
        assert structure.elements[0][0] == "H1" and heading in structure.elements[0][1]
        assert ("H2", "Łichíí Nguyễn Ñúñez 李 \u25a1") in structure.elements
        [alt] = figure_alts(content)
        assert certificate.code in alt  # the QR code is described, not skipped
        assert untagged_words(content) == []

        content = client.get(reverse("transcripts:pdf"), HTTP_ACCEPT_LANGUAGE=language).content
        structure = pdf_structure(content)
        assert structure.tagged and pdf_language(content) == language
        kinds = [kind for kind, _ in structure.elements]
        assert kinds[0] == "H1" and "H2" in kinds and "Table" in kinds
        assert untagged_words(content) == []


def test_revoked_certificate_pdf_says_so_and_unknown_code_is_404(client, educator):
    community = earn(educator)
    certificate = certificate_issue(user=educator, kind="community", key=str(community.pk))
    certificate_revoke(certificate=certificate, reason="Entered in error", revoked_by=None)
    drawn = pdf_text(client.get(reverse("certificates:pdf", args=[certificate.code])).content)
    assert "REVOKED" in drawn
    assert client.get(reverse("certificates:pdf", args=["ABCD-EFGH-JKLM"])).status_code == 404


def test_certificate_page_links_to_its_pdf(client, educator):
    community = earn(educator)
    certificate = certificate_issue(user=educator, kind="community", key=str(community.pk))
    soup = BeautifulSoup(client.get(certificate.get_absolute_url()).content, "html.parser")
    assert soup.find("a", href=reverse("certificates:pdf", args=[certificate.code]))


def test_transcript_pdf(client, educator):
    earn(educator, title="Early Childhood Math Literacy “Mathpacks” ☺")
    client.force_login(educator)
    response = client.get(reverse("transcripts:pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    drawn = pdf_text(response.content)
    assert "Total: 3 hours" in drawn
    assert educator.get_full_name() in drawn
    assert "Early Childhood Math Literacy" in drawn


def test_transcript_pdf_is_filtered_and_own_only(client, educator):
    earn(educator)
    other = EducatorFactory()
    earn(other, title="Someone else's community")
    client.force_login(educator)
    drawn = pdf_text(client.get(reverse("transcripts:pdf") + "?source=event").content)
    assert "No hours yet." in drawn and "Source: Event" in drawn
    assert "Someone else" not in pdf_text(client.get(reverse("transcripts:pdf")).content)
    client.logout()
    response = client.get(reverse("transcripts:pdf"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_transcript_page_links_to_the_pdfs(client, educator):
    community = earn(educator)
    certificate = certificate_issue(user=educator, kind="community", key=str(community.pk))
    client.force_login(educator)
    html = client.get(reverse("transcripts:transcript") + "?year=2026–2027").content.decode()
    soup = BeautifulSoup(html, "html.parser")
    pdf_link = soup.find("a", string=re.compile("Download PDF"))
    assert pdf_link["href"].startswith(reverse("transcripts:pdf") + "?year=")
    assert soup.find("a", href=reverse("certificates:pdf", args=[certificate.code]))


def test_hours_text():
    from decimal import Decimal

    assert [pdf.hours_text(Decimal(v)) for v in ("3.00", "2.50", "0.75")] == ["3", "2.5", "0.75"]
    with translation.override("es"):
        assert [pdf.hours_text(Decimal(v)) for v in ("3.00", "2.50")] == [
            "3",
            "2.5",
        ]  # the decimal point, as in Mexico and the US


@pytest.mark.parametrize(
    ("hours", "english", "spanish"),
    [
        (1, "earned 1 clock hour of", "obtuvo 1 hora reloj de"),
        (1.5, "earned 1.5 clock hours of", "obtuvo 1.5 horas reloj de"),
        (3, "earned 3 clock hours of", "obtuvo 3 horas reloj de"),
    ],
)
def test_hours_follow_each_languages_plural_rule_on_pages(
    client, educator, hours, english, spanish
):
    community = earn(educator, meetings=1)
    certificate = certificate_issue(user=educator, kind="community", key=str(community.pk))
    type(certificate).objects.filter(pk=certificate.pk).update(hours=hours)
    educator.credits.update(hours=hours)
    url = certificate.get_absolute_url()
    pdf_url = reverse("certificates:pdf", args=[certificate.code])
    assert english in " ".join(client.get(url).content.decode().split())
    assert english in pdf_text(client.get(pdf_url).content)
    client.force_login(educator)
    year_line = english.split()[1] + (" hour" if hours == 1 else " hours")
    assert year_line in text_of(client.get(reverse("transcripts:transcript")))
    assert year_line in pdf_text(client.get(reverse("transcripts:pdf")).content)
    educator.preferred_language = "es"  # a Spanish-speaking educator
    educator.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    assert spanish in text_of(client.get(url))
    assert spanish in pdf_text(client.get(pdf_url).content)
    year_line = spanish.split()[1] + (" hora" if hours == 1 else " horas")
    assert year_line in text_of(client.get(reverse("transcripts:transcript")))


def test_plural_number():
    from decimal import Decimal

    from trec.i18n import plural_number

    assert [plural_number(v) for v in (1, Decimal("1.00"), Decimal("1.5"), 0, 3, None)] == [
        1,
        1,
        2,
        0,
        3,
        0,
    ]
