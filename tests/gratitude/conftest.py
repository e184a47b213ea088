import datetime
import time

import pytest
from django.utils import timezone

from gratitude import spam
from gratitude.models import Post, Wall
from tests import factories


def make_wall(**overrides) -> Wall:
    today = timezone.localdate()
    values = {
        "title": "December 2026",
        "slug": "december-2026",
        "season": "December 2026",
        "intro": "Thank an educator who made a difference.",
        "opens_on": today - datetime.timedelta(days=5),
        "closes_on": today + datetime.timedelta(days=25),
    }
    values.update(overrides)
    partners = values.pop("partners", [])
    wall = Wall.objects.create(**values)
    wall.partners.set(partners)
    return wall


def make_post(wall: Wall, **overrides) -> Post:
    values = {
        "message": "Thank you for believing in my daughter.",
        "recipient_name": "Ms. Rivera",
        "recipient_school": "Roskruge Bilingual K-8",
        "author_name": "The Lopez family",
        "status": Post.Status.APPROVED,
    }
    values.update(overrides)
    return Post.objects.create(wall=wall, **values)


def post_data(**overrides) -> dict:
    """What a person sends from the form, shown 30 seconds ago."""
    data = {
        "recipient_name": "Mr. Begay",
        "recipient_school": "Pueblo High School",
        "recipient_district": "",
        "message": "Thank you for staying after school every Tuesday for the robotics club.",
        "author_name": "Jayden's mom",
        "recipient_email": "",
        "image_alt": "",
        "website": "",
        "started": spam.form_stamp(shown_at=time.time() - 30),
    }
    data.update(overrides)
    return data


@pytest.fixture
def partner(db):
    return factories.ProviderFactory(name="Ben's Bells Project")


@pytest.fixture
def wall(partner):
    return make_wall(partners=[partner])


@pytest.fixture
def partner_staff(partner):
    return factories.ProviderStaffFactory(provider=partner)
