from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views
from .accounts.language import set_language

admin.site.site_header = _("TREC Hub back office")
admin.site.site_title = "TREC Hub"
admin.site.index_title = _("Back office")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("status/", views.status, name="status"),
    path("ping", views.ping, name="ping"),
    path("accessibility/", views.accessibility, name="accessibility"),
    # The hub's own set_language (also saves a signed-in person's choice) shadows Django's.
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("events/", include("events.urls")),
    path("providers/", include("providers.urls")),
    path("gratitude/", include("gratitude.urls")),
    path("communities/", include("communities.urls")),
    path("surveys/", include("surveys.urls")),
    path("calls/", include("events.proposals.urls")),
    path("impact/", include("trec.impact.urls")),
    path("me/transcript/", include("trec.transcripts.urls")),
    path("me/alerts/", include("events.follows.urls")),
    path("districts/", include("trec.districts.urls")),
    path("notifications/", include("trec.notifications.urls")),
    path("me/", include("trec.me.urls")),
    path("certificates/", include("trec.transcripts.certificate_urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "trec.views.bad_request"
handler403 = "trec.views.permission_denied"
handler404 = "trec.views.page_not_found"
handler500 = "trec.views.server_error"

# Uploaded files on the development server only (production serves them from the web
# server). Never under tests: the URLconf may be imported before pytest turns DEBUG off,
# and the route walk must see the same routes in every run.
if settings.DEBUG and not settings.TESTING:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
