"""What every roster row (event registrants, CoP members) shows about a person."""


class PersonFacts:
    """Mixin for roster rows that have a `user` (with grade bands prefetched)."""

    user = None

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.email

    @property
    def grade_bands(self) -> str:
        return ", ".join(band.name for band in self.user.grade_bands.all())
