from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        user = request.user
        if user.is_authenticated and user.needs_onboarding:
            return reverse("accounts:onboarding")
        return super().get_login_redirect_url(request)
