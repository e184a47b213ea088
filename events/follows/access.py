"""Who may reach which saved search: only the person who saved it. Anyone else's is
simply not there (404), so a guessed id tells nothing."""

from django.http import Http404

from .models import SavedSearch


def access_search_for_owner(*, user, pk: int) -> SavedSearch:
    search = SavedSearch.objects.filter(pk=pk, user=user).first()
    if search is None:
        raise Http404("No such saved search")
    return search
