from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import get_login_redirect_url
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from trec.net import client_ip
from trec.notifications.services import notification_enqueue

from .notifications import AccountEmail, new_window, stored_context


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

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's e-mails go through the outbox like every other message: a row
        written in the request's transaction, sent by the workers after it commits, so
        sign-up and password reset answer normally while the mail server is down."""
        user = context.get("user")
        if user is None:
            user = get_user_model().objects.filter(email__iexact=email).first()
        notification_enqueue(
            kind=AccountEmail.code,
            subject=user,
            recipient=user,
            email=email,
            language="" if user and user.preferred_language else translation.get_language(),
            window=new_window(),
            data={"template": template_prefix, "context": stored_context(context)},
        )
