"""Check-in codes for programs: the confirmation e-mail carries a QR code of a check-in
URL with a signed token (django.core.signing). Staff at the desk open it with their
phone's camera; the URL names the registration, and only a token this hub signed for
this event's registration is accepted. The token grants nothing by itself: the
check-in page still asks for a coordinator or the event's provider staff."""

import io

import segno
from django.core import signing
from django.urls import reverse

from events.models import Event, Registration
from trec.mail import absolute_url

SALT = "events.checkin"


def checkin_token(registration: Registration) -> str:
    return signing.Signer(salt=SALT).sign(f"{registration.event_id}-{registration.pk}")


def checkin_path(registration: Registration, *, slug: str | None = None) -> str:
    slug = slug or registration.event.slug
    return reverse(
        "events:check_in_token", kwargs={"slug": slug, "token": checkin_token(registration)}
    )


def registration_id_from_token(token: str, *, event: Event) -> int:
    """The registration id a token was signed for; BadSignature when it was forged,
    altered or signed for another event."""
    value = signing.Signer(salt=SALT).unsign(token)
    event_id, _sep, registration_id = value.partition("-")
    if not event_id.isdigit() or not registration_id.isdigit() or int(event_id) != event.pk:
        raise signing.BadSignature("The token is for another event.")
    return int(registration_id)


def qr_png(data: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(data, error="m", micro=False).save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


def qr_svg(data: str) -> str:
    """An inline SVG (no style attributes) for pages."""
    return segno.make(data, error="m", micro=False).svg_inline(
        scale=5, border=2, title="QR code", omitsize=False
    )


def confirmation_extras(registration: Registration) -> tuple[dict, list]:
    """For a confirmed program registration: template context naming the check-in code,
    and the QR code as a PNG attachment. Nothing for other events."""
    event = registration.event
    if event.kind != Event.Kind.PROGRAM:
        return {}, []
    url = absolute_url(checkin_path(registration, slug=event.slug))
    return (
        {
            "checkin_qr_filename": "check-in-code.png",
            "my_schedule_url": absolute_url(
                reverse("events:my_schedule", kwargs={"slug": event.slug})
            ),
        },
        [("check-in-code.png", qr_png(url), "image/png")],
    )
