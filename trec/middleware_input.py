"""Hostile input stops at the door.

A NUL byte or another control character has no business in a URL or in a form key or
value, and reaching a view it becomes a server error (PostgreSQL refuses NUL in text;
a newline breaks a header). ``RejectControlCharactersMiddleware`` answers such a
request with a 400 page before any view runs, so no view has to think about it:

- the path (every path token) and every key: no C0 control character and no DEL;
- query-string values likewise, but a tab (pasted into a search box) is let through,
  and no value is a number of more than 18 digits: no id, year, page or count is, and
  code that turns one into a C integer (the back office's date drill-down, for one)
  raises OverflowError;
- form values may also hold newline and carriage return (textareas).

Other out-of-range values (a date in the year 9999, "²" for an id) are the forms' job:
``trec.forms.DateField`` and ``trec.forms.parse_id``.
"""

import re

from django.core.exceptions import BadRequest

CONTROL = re.compile(r"[\x00-\x1f\x7f]")
CONTROL_IN_QUERY = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # a tab is fine
HUGE_NUMBER = re.compile(r"\s*[-+]?[0-9]{19,}\s*")
CONTROL_IN_FORM = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab and line breaks
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def has_huge_number(data) -> bool:
    return any(HUGE_NUMBER.fullmatch(value) for _key, values in data.lists() for value in values)


def has_control_characters(data, *, in_value: re.Pattern) -> bool:
    """Whether any key of the QueryDict `data` holds a control character, or any value
    one that `in_value` finds."""
    return any(
        CONTROL.search(key) or any(in_value.search(value) for value in values)
        for key, values in data.lists()
    )


class RejectControlCharactersMiddleware:
    """400 for control characters in the path, the query string or form fields, and for
    huge numbers in the query string."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL.search(request.path) or has_control_characters(
            request.GET, in_value=CONTROL_IN_QUERY
        ):
            raise BadRequest("Control character in the path or the query string.")
        if has_huge_number(request.GET):
            raise BadRequest("A number of more than 18 digits in the query string.")
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Form bodies are read here only where CsrfViewMiddleware (earlier) read them.
        if (
            request.method == "POST"
            and request.content_type in FORM_TYPES
            and not getattr(view_func, "csrf_exempt", False)
            and has_control_characters(request.POST, in_value=CONTROL_IN_FORM)
        ):
            raise BadRequest("Control character in a form field.")
        return None
