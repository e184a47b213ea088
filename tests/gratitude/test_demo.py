from types import SimpleNamespace

import pytest
from django.urls import reverse

from gratitude.demo import seed_walls
from gratitude.models import Post, Reaction, Wall
from tests import factories

pytestmark = pytest.mark.django_db


def run_seed():
    reports = {}
    ctx = SimpleNamespace(people={}, report=lambda what, n: reports.__setitem__(what, n))
    seed_walls(ctx)
    return reports


def test_demo_walls_have_partners_and_realistic_posts_and_do_not_duplicate(client):
    for name in ["Ben's Bells Project", "Tucson Values Teachers", "SAZAEYC"]:
        factories.ProviderFactory(name=name)
    factories.SchoolFactory.create_batch(5)
    run_seed()
    december = Wall.objects.get(slug="december-2022")
    assert sorted(p.name for p in december.partners.all()) == [
        "Ben's Bells Project",
        "SAZAEYC",
        "Tucson Values Teachers",
    ]
    approved = Post.objects.approved()
    assert approved.count() > 300
    assert Post.objects.pending().filter(held_reason__gt="").exists()  # something to moderate
    counted = sum(approved.values_list("heart_count", flat=True))
    assert counted == Reaction.objects.count()  # stored counts match the hearts
    assert Wall.objects.open_now().count() == 1
    assert run_seed()["gratitude posts created"] == 0
    page = client.get(reverse("gratitude:walls")).content.decode()
    titles = ["Teacher Appreciation Week 2025", "December 2022", "Spring 2021"]
    positions = [page.index(title) for title in titles]
    assert positions == sorted(positions)  # the archive is newest first
