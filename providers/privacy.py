"""School-visit requests an educator sent, and their provider staff places (trec.privacy)."""

from django.utils.translation import gettext

from trec import privacy

from .models import ProviderMembership, SessionRequest, new_request_token


@privacy.section("school_visit_requests", order=150)
def session_requests(user) -> list[dict]:
    """School-visit requests they sent while signed in."""
    requests = (
        SessionRequest.objects.filter(submitted_by=user)
        .select_related("provider", "offering", "duration", "district")
        .order_by("created_at", "pk")
    )
    return [
        privacy.record(
            provider=request.provider.name,
            offering=request.offering.title,
            length=request.duration.label,
            school=request.school_name,
            district=request.district.name if request.district else "",
            contact_name=request.contact_name,
            contact_email=request.contact_email,
            contact_phone=request.contact_phone,
            audience_size=request.audience_size,
            preferred_dates=", ".join(
                f"{day.isoformat()} ({time_of_day})"
                for day, time_of_day in request.preferred_slots()
            ),
            notes=request.notes,
            status=request.get_status_display(),
            scheduled_for=request.scheduled_start,
            decline_reason=request.decline_reason,
            sent=request.created_at,
        )
        for request in requests
    ]


@privacy.eraser()
def scrub_requests(user, *, now) -> None:
    """Requests keep the school and the dates the provider works with; the contact's
    name, e-mail, phone and notes go and the private status link stops working."""
    ProviderMembership.objects.filter(user=user).delete()
    for request in SessionRequest.objects.filter(submitted_by=user):
        request.contact_name = gettext("Former member")
        request.contact_email = f"deleted-{user.pk}@invalid"
        request.contact_phone = ""
        request.notes = ""
        request.token = new_request_token()
        request.save(
            update_fields=[
                "contact_name",
                "contact_email",
                "contact_phone",
                "notes",
                "token",
                "updated_at",
            ]
        )
