"""The impact report: public pages read stored snapshots only; the coordinator
dashboard picks a period, asks for a recompute, shows progress and the full
breakdowns, and exports CSV and PDF. Who may see what is stated on each view."""

import csv

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from trec.accounts.decorators import signed_in
from trec.accounts.roles import is_coordinator
from trec.exports import csv_cell

from . import selectors, services
from .forms import PeriodForm
from .models import ImpactSnapshot
from .pdf import report_pdf
from .periods import Period


def _period_from_slug(slug: str) -> Period:
    try:
        return Period.from_slug(slug)
    except ValueError as exc:
        raise Http404("no such period") from exc


def dashboard_url(period: Period) -> str:
    query = PeriodForm.initial_for(period)
    return reverse("impact:dashboard") + "?" + urlencode({k: str(v) for k, v in query.items()})


# --- Public -------------------------------------------------------------------------


@require_safe
def report(request):
    """Who: everyone. The latest calendar year's report (figures, trend, charts with
    tables, how we count). Queries: one (the stored year snapshots)."""
    return render(request, "impact/report.html", selectors.public_report())


@require_safe
def report_year(request, year: int):
    """Who: everyone. One calendar year's report; 404 for a year without one.
    Queries: one."""
    return render(request, "impact/report.html", selectors.public_report(year=year))


# --- Coordinators -------------------------------------------------------------------


@require_safe
@signed_in(role=is_coordinator)
def dashboard(request):
    """Who: coordinators (anonymous: sign in; everyone else: 403). Choose a period (a
    year, a school year or a date range); see its figures with full breakdowns (no
    suppression), the progress of a recompute, and the exports."""
    if "kind" in request.GET:
        form = PeriodForm(request.GET)
        period = form.cleaned_data["period"] if form.is_valid() else None
    else:
        period = Period.year(timezone.localdate().year)
        form = PeriodForm(initial=PeriodForm.initial_for(period))
    context = selectors.dashboard(period=period) if period else {"period": None}
    context["form"] = form
    status = 200 if period else 400
    return render(request, "impact/dashboard.html", context, status=status)


@require_POST
@signed_in(role=is_coordinator)
def recompute(request):
    """Who: coordinators. Queue a recompute of the posted period (the task starts once
    this request commits); says so kindly when the task queue is down."""
    period = _period_from_slug(request.POST.get("period", ""))
    snapshot = services.snapshot_request(period=period, requested_by=request.user)
    snapshot.refresh_from_db()
    if snapshot.status == ImpactSnapshot.Status.FAILED and snapshot.error == services.QUEUE_DOWN:
        messages.error(
            request,
            _(
                "The background task queue is not answering right now, so the figures could "
                "not be recomputed. The figures shown are unchanged; please try again in a "
                "few minutes."
            ),
        )
    elif snapshot.status == ImpactSnapshot.Status.DONE:
        messages.success(
            request, _("The figures for %(period)s are up to date.") % {"period": period.label}
        )
    else:
        messages.success(
            request,
            _("Recomputing the figures for %(period)s. Reload the page to see progress.")
            % {"period": period.label},
        )
    return redirect(dashboard_url(period))


@require_safe
@signed_in(role=is_coordinator)
def status(request, pk: int):
    """Who: coordinators. A snapshot's progress as JSON (the dashboard's script polls it)."""
    snapshot = ImpactSnapshot.objects.filter(pk=pk).defer("data").first()
    if snapshot is None:
        raise Http404("no such snapshot")
    return JsonResponse(
        {
            "status": snapshot.status,
            "status_text": str(snapshot.get_status_display()),
            "progress": snapshot.progress,
            "busy": snapshot.is_busy,
        }
    )


@require_safe
@signed_in(role=is_coordinator)
def export_csv(request, slug: str):
    """Who: coordinators. Every figure of a period's snapshot (metrics, every breakdown
    in full, monthly attendance, programs) as UTF-8 CSV for grant reporting."""
    period = _period_from_slug(slug)
    snapshot = selectors.get_snapshot_for_export(period=period)
    report = selectors.build_report(snapshot, selectors.previous_of(snapshot), public=False)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="impact-{period.slug}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(["section", "item", "measure", "value"])
    for figure in report.figures:
        writer.writerow(
            ["figure", csv_cell(figure["key"]), csv_cell(figure["label"]), figure["value"]]
        )
    for row in snapshot.data.get("series", {}).get("events_by_kind", []):
        writer.writerow(["events listed by kind", row["label"], "events", row["events"]])
    for dimension, rows in snapshot.data.get("breakdowns", {}).items():
        for row in rows:
            label = selectors._label(dimension, row.get("label"))
            for measure in ("people", "students", "attendances", "hours"):
                if row.get(measure) is not None:
                    writer.writerow([f"by {dimension}", csv_cell(label), measure, row[measure]])
    for row in snapshot.data.get("series", {}).get("monthly_attendance", []):
        writer.writerow(["by month", row["label"], "attendances", row["attendances"]])
        writer.writerow(["by month", row["label"], "people", row["people"]])
    for row in snapshot.data.get("series", {}).get("programs", []):
        for measure in ("attendees", "hours", "students", "satisfaction"):
            writer.writerow(["program", csv_cell(row["title"]), measure, row[measure]])
    writer.writerow(["about", "definitions version", "", snapshot.definitions_version])
    writer.writerow(["about", "computed at", "", snapshot.computed_at.isoformat()])
    return response


@require_safe
@signed_in(role=is_coordinator)
def export_pdf(request, slug: str):
    """Who: coordinators. The report for funders as a PDF (figures, trend, breakdowns,
    how we count). Small cells are withheld as on the public page: it is shared."""
    period = _period_from_slug(slug)
    snapshot = selectors.get_snapshot_for_export(period=period)
    report = selectors.build_report(snapshot, selectors.previous_of(snapshot), public=True)
    response = HttpResponse(report_pdf(report=report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="impact-{period.slug}.pdf"'
    return response
