"""The reader's language: a switcher that remembers the choice, and a middleware that
keeps a signed-in person's language cookie in step with their profile.

How a page's language is chosen (Django's LocaleMiddleware): the language cookie when
there is one, else the browser's ``Accept-Language``, else English. A signed-in
person's choice lives in ``User.preferred_language`` (the e-mails use it too):

- switching language in the header while signed in saves it to the profile;
- whenever a response has the signed-in user at hand (signing in, saving the
  profile, any page that shows the account menu) and the cookie disagrees with the
  profile, the response sets the cookie, so the next page is in their language.

The middleware never loads the user itself, so it adds no query to any page.
"""

from django.conf import settings
from django.utils.functional import SimpleLazyObject, empty
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def _loaded_user(request):
    """The request's user if something in this request already loaded it, else None."""
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        user = None if user._wrapped is empty else user._wrapped
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    return None


def _set_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class PreferredLanguageMiddleware:
    """After AuthenticationMiddleware: sync the language cookie to the profile."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = _loaded_user(request)
        if user is None:
            return response
        preferred = (user.preferred_language or "").split("-")[0]
        if preferred not in SUPPORTED:
            return response
        name = settings.LANGUAGE_COOKIE_NAME
        current = (
            response.cookies[name].value if name in response.cookies else request.COOKIES.get(name)
        )
        if current != preferred:
            _set_cookie(response, preferred)
        return response


@require_POST
def set_language(request):
    """Who: everyone. Django's set_language (cookie, then back to `next`); for a
    signed-in person the choice is also saved to their profile."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if language in SUPPORTED and request.user.is_authenticated:
        user = request.user
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return response
