from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import get_login_redirect_url
from django.urls import reverse

from trec.net import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        user = request.user
        if user.is_authenticated and user.needs_onboarding:
            return reverse("accounts:onboarding")
        return super().get_login_redirect_url(request)

    def post_login(self, request, user, *, redirect_url=None, signup=False, **kwargs):
        """A first sign-in always passes through the short profile, then goes on to where
        the person was heading (the event they signed up from, kept as ?next= through
        sign-up and e-mail confirmation)."""
        target = get_login_redirect_url(request, redirect_url, signup=signup)
        onboarding = reverse("accounts:onboarding")
        if user.needs_onboarding and not target.startswith(onboarding):
            redirect_url = f"{onboarding}?{urlencode({'next': target})}"
        return super().post_login(request, user, redirect_url=redirect_url, signup=signup, **kwargs)

    def get_client_ip(self, request) -> str:
        """allauth's rate limits count by the hub's one notion of the client's address."""
        return client_ip(request)
