"""The educator's transcript (/me/transcript/), its CSV, issuing certificates, and the
public certificate verification page (/certificates/<code>/).

Who may see what is stated on each view."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from trec.accounts.decorators import signed_in
from trec.exports import csv_cell

from . import pdf, services
from .models import Certificate, Credit
from .selectors import transcript_for


def _filters(request) -> dict:
    school_year = request.GET.get("year", "")
    source = request.GET.get("source", "")
    if source not in Credit.Source.values:
        source = ""
    return {"school_year": school_year[:9], "source": source}


@signed_in
@require_safe
def transcript(request):
    """Who: any signed-in user, for their own hours only."""
    filters = _filters(request)
    return render(
        request,
        "transcripts/transcript.html",
        {
            "transcript": transcript_for(request.user, **filters),
            "filters": filters,
            "sources": Credit.Source.choices,
        },
    )


@signed_in
@require_safe
def transcript_csv(request):
    """Who: any signed-in user, for their own hours only. The filtered transcript as
    UTF-8 CSV with a byte-order mark (spreadsheets read accents right)."""
    data = transcript_for(request.user, **_filters(request))
    return transcript_csv_response(data, filename="pd-transcript.csv")


TRANSCRIPT_COLUMNS = ["date", "school year", "title", "offered by", "source", "credit", "hours"]


def transcript_rows(data):
    """The transcript's credits as export rows (TRANSCRIPT_COLUMNS), text cells guarded
    against spreadsheet formulas."""
    for credit in data.credits:
        yield [
            credit.earned_on.isoformat(),
            credit.school_year,
            csv_cell(credit.title),
            csv_cell(credit.provider_name),
            credit.get_source_kind_display(),
            credit.get_credit_type_display(),
            credit.hours,
        ]


def transcript_csv_response(data, *, filename: str) -> HttpResponse:
    """UTF-8 CSV with a byte-order mark (spreadsheets read accents right)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(TRANSCRIPT_COLUMNS)
    writer.writerows(transcript_rows(data))
    return response


@signed_in
@require_POST
def certificate_create(request):
    """Who: any signed-in user, for their own hours only. Issues (or finds) the
    certificate for one event, community year or school year, then shows it."""
    kind = request.POST.get("kind", "")
    key = request.POST.get("key", "")[:40]
    if kind not in Certificate.Kind.values or not key:
        messages.error(request, _("Choose what the certificate is for."))
        return redirect("transcripts:transcript")
    try:
        certificate = services.certificate_issue(user=request.user, kind=kind, key=key)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("transcripts:transcript")
    return redirect(certificate)


@signed_in
@require_safe
def transcript_pdf(request):
    """Who: any signed-in user, for their own hours only. The filtered transcript as a
    PDF to hand to a district."""
    filters = _filters(request)
    data = transcript_for(request.user, **filters)
    filters["source_label"] = dict(Credit.Source.choices).get(filters["source"], "")
    body = pdf.transcript_pdf(user=request.user, transcript=data, filters=filters)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="pd-transcript.pdf"'
    return response


def _certificate(code: str) -> Certificate | None:
    return (
        Certificate.objects.filter(code=code.upper())
        .only(
            "code",
            "user_id",
            "kind",
            "recipient_name",
            "title",
            "issuer",
            "hours",
            "first_date",
            "last_date",
            "issued_at",
            "revoked_at",
        )
        .first()
    )


@require_safe
def certificate_verify(request, code: str):
    """Who: everyone (this is how a district checks a certificate). Shows only the
    name, title, issuer, hours and dates; says clearly when a code is unknown (404) or
    the certificate was revoked."""
    certificate = _certificate(code)
    if certificate is None:
        return render(request, "transcripts/certificate_unknown.html", {"code": code}, status=404)
    return render(
        request,
        "transcripts/certificate.html",
        {
            "certificate": certificate,
            "is_owner": request.user.is_authenticated and request.user.pk == certificate.user_id,
        },
    )


@require_safe
def certificate_pdf(request, code: str):
    """Who: everyone, as the verification page (the PDF shows the same facts, with the
    code and a QR code for the page). A revoked certificate's PDF says so in red."""
    certificate = _certificate(code)
    if certificate is None:
        raise Http404("No such certificate")
    verify_url = request.build_absolute_uri(certificate.get_absolute_url())
    body = pdf.certificate_pdf(certificate=certificate, verify_url=verify_url)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response
