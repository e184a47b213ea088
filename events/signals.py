"""What the events app announces to the apps above it, which may not be imported here
(docs/architecture.md, "Layers"): they connect a receiver in their AppConfig.ready().

- ``listing_published(sender=Event, event=...)``: a listing was published for the first
  time, inside the publishing transaction (events.follows matches it against saved
  searches once the transaction commits).
"""

from django.dispatch import Signal

listing_published = Signal()
