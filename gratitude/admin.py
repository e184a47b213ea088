"""Back office for coordinators: walls (season, partners, dates, moderation, theme) and
posts. Day-to-day moderation happens on each wall's queue page (/gratitude/<slug>/moderate/),
which partner staff can use too; these admin actions go through the same service."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from trec.bilingual_admin import BilingualAdminMixin

from . import services
from .models import Post, Wall


@admin.register(Wall)
class WallAdmin(BilingualAdminMixin, admin.ModelAdmin):
    bilingual_fields = ("title", "season", "intro")
    list_display = ["title", "season", "opens_on", "closes_on", "moderation", "theme"]
    list_filter = ["moderation", "theme"]
    search_fields = ["title", "title_es", "season"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["partners"]
    date_hierarchy = "opens_on"


def _moderate(action: str, label):
    def run(modeladmin, request, queryset):
        changed = 0
        for wall_id in set(queryset.values_list("wall_id", flat=True)):
            changed += services.posts_moderate(
                wall=Wall.objects.get(pk=wall_id),
                post_ids=queryset.filter(wall_id=wall_id).values_list("pk", flat=True),
                action=action,
                moderator=request.user,
            )
        modeladmin.message_user(
            request, _("%(count)s post(s) changed.") % {"count": changed}, messages.SUCCESS
        )

    run.__name__ = f"{action}_posts"
    run.short_description = label
    run.allowed_permissions = ("change",)
    return run


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["recipient_name", "wall", "status", "held_reason", "heart_count", "created_at"]
    list_filter = ["status", "wall"]
    search_fields = ["recipient_name", "recipient_school", "message", "author_name"]
    list_select_related = ["wall"]
    readonly_fields = ["heart_count", "created_at", "moderated_at", "moderated_by", "author"]
    raw_id_fields = ["recipient_district"]
    actions = [
        _moderate("approve", _("Approve selected posts")),
        _moderate("reject", _("Reject selected posts")),
        _moderate("hide", _("Hide selected posts")),
    ]
