"""Demo data for the catalog (topics now; events arrive with the catalog issue)."""

from django.utils.text import slugify

from .models import Topic

TOPICS = [
    "Trauma-informed practice",
    "Social-emotional learning",
    "Early literacy",
    "Mathematics instruction",
    "STEM and science",
    "English language learners",
    "Special education and inclusion",
    "Classroom management",
    "Educator wellness and resiliency",
    "Family and community engagement",
    "Culturally responsive teaching",
    "Mentoring and coaching",
    "Technology integration",
    "Arts integration",
    "Early childhood development",
    "School leadership",
]


def seed_topics(ctx) -> None:
    for name in TOPICS:
        Topic.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    ctx.report("topics", Topic.objects.count())
