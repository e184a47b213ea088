from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "TREC Hub back office"
admin.site.site_title = "TREC Hub"
admin.site.index_title = "Back office"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("ping", views.ping, name="ping"),
    path("events/", include("events.urls")),
    path("providers/", include("providers.urls")),
    path("gratitude/", include("gratitude.urls")),
    path("communities/", include("communities.urls")),
    path("me/transcript/", include("trec.transcripts.urls")),
    path("me/", include("trec.accounts.urls")),
    path("certificates/", include("trec.transcripts.certificate_urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "trec.views.permission_denied"
handler404 = "trec.views.page_not_found"
handler500 = "trec.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
