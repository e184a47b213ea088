"""Gratitude messages through the notifications outbox (autodiscovered by it): the
person a post thanks hears of it once it is approved, at the address the author gave."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trec.mail import absolute_url
from trec.notifications.registry import NotificationKind, Outgoing, Skip, register

from .models import Post


@register
class RecipientThanked(NotificationKind):
    code = "gratitude_thanked"
    label = gettext_lazy("Gratitude: someone thanked you")
    subject_model = "gratitude.Post"
    template = "gratitude/email/thanked"
    optional = True  # the address never asked for it: it can say "no more"

    def subject_queryset(self):
        return Post.objects.select_related("wall")

    def check(self, notification):
        super().check(notification)
        post = notification.subject_obj
        if post.status != Post.Status.APPROVED:
            raise Skip(f"The post is {post.status} now.")
        if post.recipient_email.lower() != notification.email.lower():
            raise Skip("The post no longer names this address.")

    def compose(self, notification):
        post = notification.subject_obj
        context = {
            "notification": notification,
            "post": post,
            "wall": post.wall,
            "post_url": absolute_url(post.get_absolute_url()),
            "wall_url": absolute_url(post.wall.get_absolute_url()),
        }
        subject = _("Someone thanked you on the %(wall)s gratitude wall") % {
            "wall": post.wall.title
        }
        return Outgoing(subject, context)
