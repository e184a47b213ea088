"""Demo providers: the collaborative's real partners plus a region's worth of others."""

import random

from django.contrib.auth.models import Group
from django.utils.text import slugify

from events.models import Topic
from trec.accounts.models import District
from trec.accounts.roles import PROVIDER_STAFF_GROUP

from .models import Provider, ProviderMembership

PARTNERS = [
    (
        "Ben's Bells Project",
        Provider.Kind.NONPROFIT,
        "Inspiring, educating and motivating people to practice intentional kindness.",
    ),
    (
        "Tucson Values Teachers",
        Provider.Kind.NONPROFIT,
        "Recruiting, supporting and retaining great teachers in Southern Arizona.",
    ),
    (
        "SAZAEYC",
        Provider.Kind.NONPROFIT,
        "The Southern Arizona Association for the Education of Young Children.",
    ),
    (
        "Project ECHO at the University of Arizona",
        Provider.Kind.UNIVERSITY,
        "Case-based virtual learning communities that connect educators with specialists.",
    ),
    (
        "TREC Collaborative",
        Provider.Kind.UNIVERSITY,
        "The hub's own team: educator wellness, resiliency and the annual summit.",
    ),
]
PLACES = [
    "Sonoran", "Pima", "Santa Cruz", "Rincon", "Catalina", "Saguaro", "Desert", "Old Pueblo",
    "Tucson", "Southern Arizona", "Borderlands", "Mesquite", "Sky Island", "Canyon",
    "Baja Arizona", "Rillito", "Tanque Verde", "Sabino", "Ocotillo", "Agua Caliente",
]  # fmt: skip
KINDS = [
    ("Literacy Network", Provider.Kind.NONPROFIT),
    ("STEM Collaborative", Provider.Kind.NONPROFIT),
    ("Education Foundation", Provider.Kind.NONPROFIT),
    ("Learning Lab", Provider.Kind.COMPANY),
    ("Arts Alliance", Provider.Kind.COMMUNITY),
    ("Family Resource Center", Provider.Kind.COMMUNITY),
    ("Teacher Institute", Provider.Kind.UNIVERSITY),
    ("Regional Education Service", Provider.Kind.GOVERNMENT),
    ("Wellness Partners", Provider.Kind.COMPANY),
    ("Science Center", Provider.Kind.NONPROFIT),
]
DEMO_PROVIDER = "Tucson Values Teachers"


def provider_names(count: int) -> list[tuple[str, str, str]]:
    names = [(name, kind, summary) for name, kind, summary in PARTNERS]
    for place in PLACES:
        for suffix, kind in KINDS:
            if len(names) >= count:
                return names[:count]
            names.append(
                (
                    f"{place} {suffix}",
                    kind,
                    f"Professional learning from the {place} {suffix.lower()}.",
                )
            )
    return names[:count]


def seed_providers(ctx) -> None:
    rng = random.Random(42)  # noqa: S311 - demo data
    topics = list(Topic.objects.all())
    districts = list(District.objects.all())
    existing = set(Provider.objects.values_list("slug", flat=True))
    partner_names = {name for name, _, _ in PARTNERS}
    created = []
    for name, kind, summary in provider_names(max(ctx.options["providers"], len(PARTNERS))):
        slug = slugify(name)
        if slug in existing:
            continue
        provider = Provider.objects.create(
            name=name,
            slug=slug,
            kind=kind,
            summary=summary,
            description=(
                f"{summary}\n\n## What we offer\n\n- Workshops and webinars for educators\n"
                "- On-demand resources you can use at your own pace\n"
                "- Coaching and on-site sessions for schools"
            ),
            website=f"https://{slug}.example.org",
            contact_email=f"learning@{slug}.example.org",
            contact_phone=f"(520) 555-{rng.randint(1000, 9999)}",
            is_partner=name in partner_names,
            is_verified=name in partner_names or rng.random() < 0.6,
        )
        provider.topics.set(rng.sample(topics, k=min(len(topics), rng.randint(2, 5))))
        provider.service_area.set(rng.sample(districts, k=min(len(districts), rng.randint(2, 6))))
        created.append(provider)
    staff = ctx.people.get("provider_staff")
    if staff is not None:
        staff.groups.add(Group.objects.get(name=PROVIDER_STAFF_GROUP))
        ProviderMembership.objects.get_or_create(
            user=staff,
            provider=Provider.objects.get(name=DEMO_PROVIDER),
            defaults={"role": ProviderMembership.Role.OWNER},
        )
    ctx.report("providers created", len(created))
    ctx.report("providers", Provider.objects.count())
