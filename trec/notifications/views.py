from django.contrib.auth import get_user_model
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import unsubscribe as unsubscribing


@csrf_exempt  # RFC 8058: mail clients POST without cookies; the signed token is the proof
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    """Who: whoever holds the signed link from a message (no sign-in). GET asks, POST
    (the page's button, or a mail client's one-click) switches the mail off."""
    payload = unsubscribing.read_token(token)
    if payload is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=404)
    what = None
    kind = unsubscribing.scoped_kind(payload)
    if kind is not None:  # a part of a kind (one saved search's alerts)
        what = kind.unsubscribe_label(payload["u"], payload["s"])
    elif "p" in payload:
        what = get_user_model()._meta.get_field(payload["p"]).verbose_name
    done = False
    if request.method == "POST":
        if not ({"e", "k"} & payload.keys()) and payload["p"] not in unsubscribing.PREFERENCES:
            return HttpResponseBadRequest()
        unsubscribing.unsubscribe(payload)
        done = True
    context = {"done": done, "what": what, "scoped": kind is not None}
    return render(request, "notifications/unsubscribe.html", context)
