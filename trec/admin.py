"""The hub's own back-office registrations.

django-auditlog registers a generic log-entry admin of its own; the hub shows the audit
trail its way instead (trec.audit_admin: each object's History and the coordinators'
log at /admin/audit/), so that one is taken away. "auditlog" comes before "trec" in
INSTALLED_APPS, so its admin module has run by the time this one does.
"""

from auditlog.models import LogEntry
from django.contrib import admin

if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)
