"""Print (as JSON) real identifiers from the seeded database for bench/routes.py."""

import json

from events.models import Event
from providers.models import Provider

event = (
    Event.objects.listed().filter(kind=Event.Kind.PROGRAM).order_by("starts_at").first()
    or Event.objects.listed().first()
)
provider = Provider.objects.filter(is_partner=True).order_by("name").first()
print(json.dumps({"event_slug": event.slug, "provider_slug": provider.slug}))
