"""A partner district's pages (/districts/), and an educator's consent (/me/).

Who: the district pages are for district partners only (a coordinator assigns the role,
bound to one district): anyone else signed in gets 403, and an educator of another
district, or one who does not share, is a 404 for them (trec.districts.access)."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from openpyxl import Workbook

from trec.accounts.decorators import signed_in
from trec.transcripts import pdf
from trec.transcripts.selectors import transcript_for
from trec.transcripts.views import TRANSCRIPT_COLUMNS, transcript_csv_response, transcript_rows

from . import access, selectors, services
from .models import DistrictAccess

PAGE_SIZE = 25
EXPORTS = (DistrictAccess.Action.CSV, DistrictAccess.Action.XLSX, DistrictAccess.Action.PDF)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@signed_in
@require_safe
def dashboard(request):
    """Who: district partners, for their own district only."""
    partner = access.access_district_for_partner(user=request.user)
    return render(
        request,
        "districts/dashboard.html",
        {"partner": partner, "dashboard": selectors.dashboard(partner.district)},
    )


@signed_in
@require_safe
def educators(request):
    """Who: district partners. The district's educators who share their transcript."""
    partner = access.access_district_for_partner(user=request.user)
    people = (
        selectors.shared_educators(partner.district)
        .select_related("school")
        .annotate(hours=Sum("credits__hours"))
        .order_by("last_name", "first_name", "pk")
    )
    paginator = Paginator(people, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "districts/educators.html",
        {
            "partner": partner,
            "page": page,
            "page_range": list(paginator.get_elided_page_range(page.number)),
        },
    )


@signed_in
@require_safe
def educator(request, pk: int):
    """Who: district partners, for an educator of their district who shares (else 404).
    Every view is logged for the educator to see on /me/data/."""
    partner = access.access_district_for_partner(user=request.user)
    person = access.access_educator_for_partner(partner=partner, pk=pk)
    services.district_access_record(
        partner=partner, educator=person, action=DistrictAccess.Action.VIEWED
    )
    return render(
        request,
        "districts/educator.html",
        {"partner": partner, "person": person, "transcript": transcript_for(person)},
    )


@signed_in
@require_safe
def educator_export(request, pk: int, fmt: str):
    """Who: as `educator`. The transcript as CSV, XLSX or PDF (for certification or
    stipend records); every export is logged."""
    partner = access.access_district_for_partner(user=request.user)
    if fmt not in (
        DistrictAccess.Action.CSV,
        DistrictAccess.Action.XLSX,
        DistrictAccess.Action.PDF,
    ):
        raise Http404("No such format")
    person = access.access_educator_for_partner(partner=partner, pk=pk)
    data = transcript_for(person)
    services.district_access_record(partner=partner, educator=person, action=fmt)
    name = f"pd-transcript-{person.pk}"
    if fmt == DistrictAccess.Action.CSV:
        return transcript_csv_response(data, filename=f"{name}.csv")
    if fmt == DistrictAccess.Action.PDF:
        body = pdf.transcript_pdf(user=person, transcript=data, filters={})
        response = HttpResponse(body, content_type="application/pdf")
    else:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("Transcript"))
        sheet.append([str(person), person.email])
        sheet.append(TRANSCRIPT_COLUMNS)
        for row in transcript_rows(data):
            sheet.append([float(cell) if not isinstance(cell, str) else cell for cell in row])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@signed_in
@require_POST
def share(request):
    """Who: any signed-in user, for their own transcript. `share=1` shares it with the
    district on their profile, `share=0` stops sharing; back to /me/."""
    wanted = request.POST.get("share") == "1"
    try:
        services.transcript_share_set(user=request.user, share=wanted)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:me")
    if wanted:
        messages.success(
            request,
            _("%(district)s can now see your PD transcript with your name. Stop any time.")
            % {"district": request.user.district},
        )
    else:
        messages.success(request, _("Your district can no longer see your named transcript."))
    return redirect("accounts:me")
