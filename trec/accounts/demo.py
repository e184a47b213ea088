"""Demo data for accounts: the partner districts, their schools, and educators of every role.

Everything is keyed by a natural key (district name, school name, e-mail), so running
the seed again changes nothing; educators are derived from their index with a
seeded random generator, so the same ``--educators N`` always yields the same people.
"""

import random

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify

from .models import District, GradeBand, School, User
from .roles import COORDINATORS_GROUP

DEMO_PASSWORD = "trec-demo-password"  # noqa: S105 - printed by `make run`, demo only
COORDINATOR_EMAIL = "coordinator@trec-hub.org"
PROVIDER_STAFF_EMAIL = "provider@trec-hub.org"

DISTRICTS = [
    # name, kind, partner, schools
    (
        "Tucson Unified School District",
        "district",
        True,
        [
            "Tucson High Magnet School",
            "Catalina High School",
            "Pueblo High School",
            "Rincon High School",
            "Doolen Middle School",
            "Mansfeld Middle School",
            "Davis Bilingual Magnet School",
            "Borton Magnet School",
            "Robins K-8 School",
            "Wheeler Elementary School",
        ],
    ),
    (
        "Sunnyside Unified School District",
        "district",
        True,
        [
            "Sunnyside High School",
            "Desert View High School",
            "Apollo Middle School",
            "Los Amigos Elementary School",
            "Ocotillo Early Learning Center",
        ],
    ),
    (
        "Amphitheater Public Schools",
        "district",
        True,
        [
            "Amphitheater High School",
            "Canyon del Oro High School",
            "Cross Middle School",
            "Prince Elementary School",
            "Rio Vista Elementary School",
        ],
    ),
    (
        "Marana Unified School District",
        "district",
        True,
        [
            "Marana High School",
            "Mountain View High School",
            "Tortolita Middle School",
            "Twin Peaks K-8 School",
            "Quail Run Elementary School",
        ],
    ),
    (
        "Vail School District",
        "district",
        True,
        [
            "Cienega High School",
            "Empire High School",
            "Old Vail Middle School",
            "Cottonwood Elementary School",
            "Desert Willow Elementary School",
        ],
    ),
    (
        "Catalina Foothills School District",
        "district",
        True,
        [
            "Catalina Foothills High School",
            "Esperero Canyon Middle School",
            "Orange Grove Middle School",
            "Sunrise Drive Elementary School",
        ],
    ),
    (
        "Flowing Wells Unified School District",
        "district",
        True,
        [
            "Flowing Wells High School",
            "Flowing Wells Junior High School",
            "Laguna Elementary School",
            "Centennial Elementary School",
        ],
    ),
    (
        "Tanque Verde Unified School District",
        "district",
        True,
        [
            "Tanque Verde High School",
            "Emily Gray Junior High School",
            "Agua Caliente School",
        ],
    ),
    (
        "Sonoran Desert Charter Network",
        "charter",
        False,
        [
            "Saguaro Sky Charter Academy",
            "Mesquite Ridge Charter School",
        ],
    ),
    (
        "Santa Cruz Valley Independent Schools",
        "independent",
        False,
        [
            "Palo Verde Montessori",
            "Rillito Friends School",
        ],
    ),
    (
        "Early Learning Centers of Pima County",
        "other",
        False,
        [
            "Little Ocotillo Early Learning",
            "Cholla Kids Child Care Center",
        ],
    ),
]

FIRST_NAMES = [
    "Maria",
    "José",
    "Ana",
    "Luis",
    "Carmen",
    "Miguel",
    "Sofía",
    "Daniel",
    "Guadalupe",
    "Jesús",
    "Emily",
    "James",
    "Sarah",
    "Michael",
    "Jessica",
    "David",
    "Ashley",
    "Christopher",
    "Amanda",
    "Matthew",
    "Jennifer",
    "Joshua",
    "Elizabeth",
    "Andrew",
    "Stephanie",
    "Ryan",
    "Nicole",
    "Brandon",
    "Lauren",
    "Tyler",
    "Aisha",
    "Kenji",
    "Mei",
    "Tariq",
    "Naomi",
    "Rafael",
    "Leticia",
    "Yolanda",
    "Ernesto",
    "Rosa",
    "Diego",
    "Valeria",
    "Alejandro",
    "Lucía",
    "Rebecca",
    "Samuel",
    "Hannah",
    "Isaac",
    "Noelani",
    "Winona",
    "Dakota",
    "Priya",
]
LAST_NAMES = [
    "García",
    "Martínez",
    "Hernández",
    "López",
    "González",
    "Rodríguez",
    "Pérez",
    "Sánchez",
    "Ramírez",
    "Flores",
    "Romero",
    "Valenzuela",
    "Ortiz",
    "Morales",
    "Castillo",
    "Acosta",
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Young",
    "Walker",
    "Nguyen",
    "Kim",
    "Patel",
    "Begay",
    "Yazzie",
    "Lopez",
    "Cruz",
    "Ruiz",
    "Molina",
    "Delgado",
    "Encinas",
    "Figueroa",
]

ROLE_WEIGHTS = [
    (User.Role.TEACHER, 55),
    (User.Role.COUNSELOR, 7),
    (User.Role.AIDE, 10),
    (User.Role.SPECIALIST, 9),
    (User.Role.ADMINISTRATOR, 6),
    (User.Role.STAFF, 5),
    (User.Role.COACH, 6),
    (User.Role.OTHER, 2),
]


def _ascii(text: str) -> str:
    return slugify(text).replace("-", "")


def seed_region(ctx) -> None:
    for name, kind, partner, schools in DISTRICTS:
        district, _ = District.objects.get_or_create(
            slug=slugify(name), defaults={"name": name, "kind": kind, "is_partner": partner}
        )
        School.objects.bulk_create(
            [School(district=district, name=school) for school in schools], ignore_conflicts=True
        )
    ctx.report("districts", District.objects.count())
    ctx.report("schools", School.objects.count())


def _staff_user(email: str, first: str, last: str, password_hash: str) -> User:
    user, _ = User.objects.get_or_create(
        email=email,
        defaults={
            "first_name": first,
            "last_name": last,
            "password": password_hash,
            "is_staff": True,
            "role": User.Role.STAFF,
            "onboarded_at": timezone.now(),
        },
    )
    _verify_email(user)
    return user


def _verify_email(user: User) -> None:
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def seed_people(ctx) -> None:
    password_hash = make_password(DEMO_PASSWORD)
    coordinator = _staff_user(COORDINATOR_EMAIL, "Carla", "Coordinator", password_hash)
    coordinator.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    ctx.people["coordinator"] = coordinator
    ctx.people["provider_staff"] = _staff_user(
        PROVIDER_STAFF_EMAIL, "Pablo", "Provider", password_hash
    )
    seed_educators(ctx, count=ctx.options["educators"], password_hash=password_hash)


def educator_email(index: int) -> str:
    rng = random.Random(index)  # noqa: S311 - demo data
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return f"{_ascii(first)}.{_ascii(last)}.{index}@example.org"


def seed_educators(ctx, *, count: int, password_hash: str, batch_size: int = 2000) -> None:
    schools = list(School.objects.select_related("district"))
    bands = list(GradeBand.objects.all())
    topics = list(User.interests.field.related_model.objects.all())  # the catalog's topics
    roles, weights = zip(*ROLE_WEIGHTS, strict=True)
    now = timezone.now()
    existing = set(
        User.objects.filter(email__endswith="@example.org").values_list("email", flat=True)
    )
    created = 0
    for start in range(0, count, batch_size):
        batch, extras = [], []
        for index in range(start, min(start + batch_size, count)):
            email = educator_email(index)
            if email in existing:
                continue
            rng = random.Random(index)  # noqa: S311 - demo data
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            school = rng.choice(schools)
            years = rng.choice([0, 1, 2, 3, 4, 5, 7, 10, 12, 15, 20, 25, 30])
            batch.append(
                User(
                    email=email,
                    first_name=first,
                    last_name=last,
                    password=password_hash,
                    role=rng.choices(roles, weights)[0],
                    district=school.district,
                    school=school,
                    years_experience=years,
                    students_served=rng.choice([12, 18, 24, 26, 30, 60, 90, 120, 150, 400]),
                    preferred_language="es" if rng.random() < 0.18 else "en",
                    onboarded_at=now,
                )
            )
            extras.append(
                (
                    rng.sample(bands, k=rng.choice([1, 1, 2])),
                    rng.sample(topics, k=rng.randint(1, 4)),
                )
            )
        users = User.objects.bulk_create(batch)
        User.grade_bands.through.objects.bulk_create(
            [
                User.grade_bands.through(user_id=user.pk, gradeband_id=band.pk)
                for user, (user_bands, _) in zip(users, extras, strict=True)
                for band in user_bands
            ]
        )
        User.interests.through.objects.bulk_create(
            [
                User.interests.through(user_id=user.pk, topic_id=topic.pk)
                for user, (_, user_topics) in zip(users, extras, strict=True)
                for topic in user_topics
            ]
        )
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user=user, email=user.email, verified=True, primary=True)
                for user in users
            ]
        )
        created += len(users)
        ctx.progress("educators", min(start + batch_size, count), count)
    ctx.report("educators created", created)
    ctx.report("educators", User.objects.filter(email__endswith="@example.org").count())
