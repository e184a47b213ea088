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
    if "p" in payload:
        what = get_user_model()._meta.get_field(payload["p"]).verbose_name
    done = False
    if request.method == "POST":
        if "e" not in payload and payload["p"] not in unsubscribing.PREFERENCES:
            return HttpResponseBadRequest()
        unsubscribing.unsubscribe(payload)
        done = True
    return render(request, "notifications/unsubscribe.html", {"done": done, "what": what})
