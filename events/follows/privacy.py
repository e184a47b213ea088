"""An educator's saved searches and follows (trec.privacy)."""

from trec import privacy

from .models import SavedSearch


@privacy.section("saved_searches", order=160)
def saved_searches(user) -> list[dict]:
    searches = SavedSearch.objects.filter(user=user).order_by("created_at")
    return [
        privacy.record(search=s.query, frequency=s.frequency, saved=s.created_at) for s in searches
    ]


@privacy.eraser()
def forget_searches(user, *, now) -> None:
    # No alert is built without its searches (selectors.alert_items): listings already
    # matched keep only the bare account id in their arrays.
    SavedSearch.objects.filter(user=user).delete()
