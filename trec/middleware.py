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


# Pages and files about one person (My hub, the transcript and its CSV/PDF, the private
# calendar feeds, a program's "my schedule"): never kept by a shared cache or on disk.
PRIVATE_NAMESPACES = {"accounts", "transcripts"}
PRIVATE_VIEWS = {"events:my_schedule", "events:my_schedule_calendar"}


class PrivateCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        if match and (match.namespace in PRIVATE_NAMESPACES or match.view_name in PRIVATE_VIEWS):
            response["Cache-Control"] = "private, no-store"
        return response
