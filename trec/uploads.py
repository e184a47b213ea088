"""One cap on the size of a request body (settings.REQUEST_BODY_MAX_BYTES), enforced
before anything reads the body.

- ``RequestBodyLimitMiddleware`` answers 413 to a request that announces a larger
  body (Content-Length), before the body is read: nothing is buffered or written to a
  temporary file, whoever sends it and whatever the form's own checks would say.
- ``BodyLimitUploadHandler`` (first in FILE_UPLOAD_HANDLERS) counts the bytes of a
  multipart upload as they arrive and stops at the same cap, in case a body ever
  reaches the parser some other way.

Behind a reverse proxy, the proxy refuses large bodies first (``client_max_body_size``
in nginx; README "Security").
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.shortcuts import render


def body_limit() -> int:
    return settings.REQUEST_BODY_MAX_BYTES


def _announced_length(request) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0  # Django reads no body it cannot measure


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _announced_length(request) > body_limit():
            # (No "Connection: close": WSGI applications may not set it. gunicorn's
            # gthread worker drains an unread body only up to a bound before keep-alive.)
            return render(
                request, "413.html", {"limit_mb": round(body_limit() / (1024 * 1024))}, status=413
            )
        return self.get_response(request)


class BodyLimitUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):  # noqa: N803
        self.received = 0
        if content_length > body_limit():
            raise RequestDataTooBig("Request body exceeded settings.REQUEST_BODY_MAX_BYTES.")

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > body_limit():
            raise RequestDataTooBig("Upload exceeded settings.REQUEST_BODY_MAX_BYTES.")
        return raw_data  # the next handlers store it

    def file_complete(self, file_size):
        return None  # the next handlers return the file
