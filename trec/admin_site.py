"""The hub's back office site: Django's, with a "view on site" shortcut that is scoped.

Django's shortcut (``/admin/r/<content type>/<id>/``) redirects any staff member to any
object's ``get_absolute_url``. The hub's redirects only to the page of an object the
person can open in the back office, through that model's own admin (so provider staff
see only their own organisation's objects there, as everywhere else); anything else
is a 404, whether it exists or not.

The home page also shows the desks a person works from ("Review desk: 3 waiting", the
audit log): each ModelAdmin may offer ``index_shortcuts(request)``, a list of
``{"label", "url", "count"}``; the site adds the audit log for coordinators.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from .audit_admin import audit_log_view


class HubAdminSite(AdminSite):
    def get_urls(self):
        scoped = path(
            "r/<int:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        audit = path(
            "audit/",
            self.admin_view(lambda request: audit_log_view(self, request)),
            name="audit_log",
        )
        return [
            audit,
            *(
                scoped if getattr(pattern, "name", None) == "view_on_site" else pattern
                for pattern in super().get_urls()
            ),
        ]

    def index(self, request, extra_context=None):
        shortcuts = []
        for model_admin in self._registry.values():
            offer = getattr(model_admin, "index_shortcuts", None)
            if offer is not None:
                shortcuts += offer(request)
        if request.user.is_coordinator:
            shortcuts.append({"label": _("Audit log"), "url": reverse("admin:audit_log")})
        return super().index(request, {"shortcuts": shortcuts, **(extra_context or {})})

    def view_on_site(self, request, content_type_id, object_id):
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except ContentType.DoesNotExist:
            raise Http404 from None
        model_admin = self._registry.get(model)
        if model_admin is None or not model_admin.has_view_or_change_permission(request):
            raise Http404
        obj = model_admin.get_object(request, unquote(object_id))
        if obj is None or not model_admin.has_view_or_change_permission(request, obj):
            raise Http404
        if callable(model_admin.view_on_site):
            url = model_admin.view_on_site(obj)
        elif model_admin.view_on_site and hasattr(obj, "get_absolute_url"):
            url = obj.get_absolute_url()
        else:
            raise Http404
        return redirect(url)
