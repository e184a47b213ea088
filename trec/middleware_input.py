"""Hostile input stops at the door.

A NUL byte or another control character has no business in a URL or in a form key or
value, and reaching a view it becomes a server error (PostgreSQL refuses NUL in text;
a newline breaks a header). ``RejectControlCharactersMiddleware`` answers such a
request with a 400 page before any view runs, so no view has to think about it:

- the path (every path token), query-string keys and values: no C0 control character
  and no DEL;
- form keys likewise; form values may hold tab, newline and carriage return
  (textareas), nothing else below space.

Out-of-range values (a date in the year 9999, a 30-digit id) are the forms' job:
``trec.forms.DateField`` and ``trec.forms.parse_id``.
"""

import re

from django.core.exceptions import BadRequest

CONTROL = re.compile(r"[\x00-\x1f\x7f]")
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def has_control_characters(data, *, text: bool = False) -> bool:
    """Whether any key, or any value, of the QueryDict `data` holds a control character
    (values that are `text` may hold tab and line breaks)."""
    in_value = CONTROL_IN_TEXT if text else CONTROL
    return any(
        CONTROL.search(key) or any(in_value.search(value) for value in values)
        for key, values in data.lists()
    )


class RejectControlCharactersMiddleware:
    """400 for control characters in the path, the query string or form fields."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL.search(request.path) or has_control_characters(request.GET):
            raise BadRequest("Control character in the path or the query string.")
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Form bodies are read here only where CsrfViewMiddleware (just before) read them.
        if (
            request.method == "POST"
            and request.content_type in FORM_TYPES
            and not getattr(view_func, "csrf_exempt", False)
            and has_control_characters(request.POST, text=True)
        ):
            raise BadRequest("Control character in a form field.")
        return None
