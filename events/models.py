from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.Model):
    """A subject of professional learning (coordinator-managed), e.g. "Trauma-informed practice"."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(max_length=110, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name
