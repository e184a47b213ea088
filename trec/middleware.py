"""Response headers Django does not set itself."""

from django.conf import settings


def permissions_policy_header() -> str:
    return ", ".join(
        f"{feature}={allowlist}" for feature, allowlist in settings.PERMISSIONS_POLICY.items()
    )


class PermissionsPolicyMiddleware:
    """Adds Permissions-Policy (settings.PERMISSIONS_POLICY) to every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy_header()

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response
