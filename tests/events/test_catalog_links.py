"""The event's stored topic and grade band ids (Event.topic_ids, grade_band_ids), which
the catalog counts and filters on instead of joining the link tables: kept equal to the
links by every path that changes them (either side of the relation, a deleted topic or
grade band, a duplicated listing, a stale save from the back office)."""

import pytest
from django.urls import reverse

from events import listing
from events.models import Event
from tests import factories
from trec.accounts.models import GradeBand

pytestmark = pytest.mark.django_db

CATALOG = reverse("events:catalog")


def stored(event: Event) -> tuple[list[int], list[int]]:
    event.refresh_from_db()
    return event.topic_ids, event.grade_band_ids


def linked(event: Event) -> tuple[list[int], list[int]]:
    return (
        sorted(event.topics.values_list("pk", flat=True)),
        sorted(event.grade_bands.values_list("pk", flat=True)),
    )


def titles(client, **params) -> list[str]:
    page = client.get(CATALOG, params).content.decode()
    return [title for title in ("Robots", "Poems") if title in page]


def test_stored_ids_follow_the_links_from_either_side(client):
    stem, arts = factories.TopicFactory(name="STEM"), factories.TopicFactory(name="Arts")
    k2, middle = GradeBand.objects.get(code="k-2"), GradeBand.objects.get(code="6-8")
    event = factories.EventFactory(title="Robots", topics=[stem], grade_bands=[k2])
    assert stored(event) == linked(event) == ([stem.pk], [k2.pk])

    event.topics.add(arts)
    event.grade_bands.set([middle])
    assert stored(event) == linked(event) == (sorted([stem.pk, arts.pk]), [middle.pk])
    assert titles(client, topic="arts", grade="6-8") == ["Robots"]
    assert titles(client, grade="k-2") == []

    stem.events.remove(event)  # the other side of the relation
    middle.events.clear()
    assert stored(event) == linked(event) == ([arts.pk], [])
    assert titles(client, topic="stem") == []
    assert titles(client, grade="6-8") == []

    k2.events.add(event)
    event.topics.clear()
    assert stored(event) == linked(event) == ([], [k2.pk])
    assert titles(client, grade="k-2") == ["Robots"]


def test_a_deleted_topic_leaves_the_stored_ids():
    stem, arts = factories.TopicFactory(name="STEM"), factories.TopicFactory(name="Arts")
    event = factories.EventFactory(topics=[stem, arts])
    other = factories.EventFactory(topics=[arts])
    stem.delete()
    assert stored(event)[0] == linked(event)[0] == [arts.pk]
    assert stored(other)[0] == [arts.pk]


def test_a_duplicated_listing_has_the_stored_ids_of_its_links():
    stem = factories.TopicFactory(name="STEM")
    event = factories.EventFactory(topics=[stem], grade_bands=GradeBand.objects.all()[:2])
    copy = listing.event_duplicate(event=event, by=factories.CoordinatorFactory())
    assert stored(copy) == linked(copy) == linked(event)


def test_a_stale_event_saved_by_the_back_office_keeps_the_stored_ids():
    stem = factories.TopicFactory(name="STEM")
    event = factories.EventFactory()
    stale = Event.objects.get(pk=event.pk)
    event.topics.set([stem])
    stale.title = "Renamed"
    stale.save()
    assert stored(event) == ([stem.pk], [])


def test_facet_counts_come_from_the_stored_ids(client):
    """Disjunctive counts over the stored ids: a topic's count leaves out the topic
    filter, and keeps the grade filter (and the other way round)."""
    stem, arts = factories.TopicFactory(name="STEM"), factories.TopicFactory(name="Arts")
    k2, middle = GradeBand.objects.get(code="k-2"), GradeBand.objects.get(code="6-8")
    factories.EventFactory(title="Robots", topics=[stem], grade_bands=[k2, middle])
    factories.EventFactory(title="Poems", topics=[arts], grade_bands=[middle])
    catalog = client.get(CATALOG, {"topic": "stem", "grade": "6-8"}).context["catalog"]
    topics = {option.value: option.count for option in catalog.facets["topic"].options}
    grades = {option.value: option.count for option in catalog.facets["grade"].options}
    assert topics == {"arts": 1, "stem": 1}
    assert (grades["k-2"], grades["6-8"], grades["3-5"]) == (1, 1, 0)
    assert catalog.total == 1
