"""Demo gratitude walls: the collaborative's past seasons with their partners (Ben's
Bells, Tucson Values Teachers, SAZAEYC), a wall open now, one opening next season, and
a few hundred realistic messages with hearts. Idempotent: a wall that exists is left
alone."""

import datetime
import random

from django.utils import timezone

from providers.models import Provider
from trec.accounts.models import School

from .models import Post, Reaction, Wall

PARTNERS = ["Ben's Bells Project", "Tucson Values Teachers", "SAZAEYC"]

FIRST = [
    "Ana", "Marisol", "James", "Keisha", "David", "Lupe", "Rosa", "Michael", "Jennifer",
    "Carlos", "Tamika", "Sarah", "Daniel", "Yolanda", "Kevin", "Priya", "Emily", "Jorge",
    "Laura", "Andre", "Gabriela", "Thomas", "Naomi", "Luis", "Heather", "Miguel", "Grace",
]  # fmt: skip
LAST = [
    "Martinez", "Johnson", "Nguyen", "Garcia", "Thompson", "Lopez", "Begay", "Williams",
    "Ramirez", "Chen", "Yazzie", "Robinson", "Hernandez", "Patel", "Flores", "Davis",
    "Morales", "Okafor", "Castillo", "Miller", "Romero", "Jackson", "Valenzuela", "Kim",
]  # fmt: skip
TITLES = ["Ms.", "Mr.", "Mrs.", "Coach", "Dr.", "Señora", "Mx.", ""]
ROLES = [
    "my son's kindergarten teacher", "our school counselor", "the best reading coach",
    "my daughter's 3rd grade teacher", "our librarian", "the front office hero",
    "my mentor teacher", "our special education team lead", "my students' favorite aide",
    "the Pre-K teacher down the hall", "our band director", "my co-teacher",
]  # fmt: skip
OPENINGS = [
    "Thank you for", "We are so grateful for", "I can't thank you enough for",
    "Gracias por", "A huge thank-you for", "Thank you, thank you, for",
]  # fmt: skip
DEEDS = [
    "staying after school every Tuesday so my son could finish his science project",
    "greeting every single kid by name at the door each morning",
    "believing in my daughter when she didn't believe in herself",
    "turning our classroom into a place where everyone feels safe",
    "the calm way you handled a really hard week for our family",
    "teaching my child to love reading: she reads to her little brother every night now",
    "the care packages you put together for families during the fire evacuations",
    "making math make sense. He actually asked for more fractions homework!",
    "learning a few words of Dari so our newest students felt at home",
    "coaching me through my first year of teaching: I would not have made it without you",
    "the garden club, the field trips, and all the little things nobody sees",
    "checking in on me when I was struggling. It meant more than you know",
    "every positive phone call home; it changed how my son sees school",
    "running the food pantry on Fridays without ever making anyone feel awkward",
    "your patience with our IEP meetings and always putting our child first",
    "bringing the science lab to life with the owl pellets and the solar oven",
]  # fmt: skip
CLOSINGS = [
    "You make a difference every day.", "Our whole family is grateful.",
    "We see you and we appreciate you!", "Enjoy a restful break; you have earned it.",
    "You are the reason she loves school.", "Thank you for all you do.",
    "You're a gift to this school.", "Con cariño y agradecimiento.",
    "Please never stop being you.", "",
]  # fmt: skip
AUTHORS = [
    "The Martinez family", "A grateful parent", "Your 4th grade class", "Room 12 families",
    "A fellow teacher", "Your principal", "Grandma Lupe", "The PTA", "Your first-year mentee",
    "Coach R.", "Señora Ortiz", "Jayden's mom", "The custodial team", "Your teammates",
]  # fmt: skip


def _wall_specs(today: datetime.date) -> list[dict]:
    year = today.year
    return [
        {
            "title": "Spring 2021",
            "season": "Spring 2021",
            "slug": "spring-2021",
            "opens_on": datetime.date(2021, 4, 1),
            "closes_on": datetime.date(2021, 5, 31),
            "theme": Wall.Theme.SAGUARO,
            "posts": 90,
            "intro": "After the hardest school year any of us remember, we thanked the educators "
            "who kept learning going: online, in person and everything in between.",
        },
        {
            "title": "December 2022",
            "season": "December 2022",
            "slug": "december-2022",
            "opens_on": datetime.date(2022, 12, 1),
            "closes_on": datetime.date(2022, 12, 31),
            "theme": Wall.Theme.DESERT,
            "posts": 140,
            "intro": "A season of thanks for the region's teachers, counselors, aides, coaches and "
            "school staff, run with Ben's Bells, Tucson Values Teachers and SAZAEYC.",
            "title_es": "Diciembre de 2022",
            "season_es": "Diciembre de 2022",
            "intro_es": "Una temporada de agradecimiento para los maestros, consejeros, "
            "asistentes, entrenadores y el personal escolar de la región, con Ben's Bells, "
            "Tucson Values Teachers y SAZAEYC.",
        },
        {
            "title": "Teacher Appreciation Week 2025",
            "season": "May 2025",
            "slug": "teacher-appreciation-2025",
            "opens_on": datetime.date(2025, 5, 1),
            "closes_on": datetime.date(2025, 5, 16),
            "theme": Wall.Theme.SKY,
            "posts": 110,
            "intro": "Families, students and colleagues thanked the people who make our "
            "schools work.",
        },
        {
            "title": f"Season of Thanks {year}",
            "season": f"Winter {year}",
            "slug": f"season-of-thanks-{year}",
            "opens_on": today - datetime.timedelta(days=10),
            "closes_on": today + datetime.timedelta(days=36),
            "theme": Wall.Theme.SUNRISE,
            "posts": 45,
            "pending": 8,
            "moderation": Wall.Moderation.TRUST_VERIFIED,
            "intro": "Who made a difference for you or your child this year? Tell them. Messages "
            "appear once a moderator has read them; signed-in educators' posts appear at once.",
            "title_es": f"Temporada de gratitud {year}",
            "season_es": f"Invierno de {year}",
            "intro_es": "¿Quién marcó la diferencia para usted o su hijo este año? Dígaselo. Los "
            "mensajes aparecen cuando un moderador los ha leído; los de educadores con sesión "
            "iniciada aparecen de inmediato.",
        },
        {
            "title": f"Spring {year + 1}",
            "season": f"Spring {year + 1}",
            "slug": f"spring-{year + 1}",
            "opens_on": datetime.date(year + 1, 4, 1),
            "closes_on": datetime.date(year + 1, 5, 31),
            "theme": Wall.Theme.PLUM,
            "posts": 0,
            "intro": "Opening in April for Teacher Appreciation season.",
            "title_es": f"Primavera de {year + 1}",
            "season_es": f"Primavera de {year + 1}",
            "intro_es": "Abre en abril, para la temporada de reconocimiento a los docentes.",
        },
    ]


def _sentence(text: str) -> str:
    return text if text[-1] in ".!?" else f"{text}."


def _message(rng: random.Random, role: str) -> str:
    text = _sentence(f"{rng.choice(OPENINGS)} {rng.choice(DEEDS)}")
    if rng.random() < 0.4 and not text.startswith("I "):
        text = f"To {role}: {text[0].lower()}{text[1:]}"
    if rng.random() < 0.35:
        text += " " + _sentence(f"And for {rng.choice(DEEDS)}")
    closing = rng.choice(CLOSINGS)
    return f"{text} {closing}".strip()


def _recipient(rng: random.Random) -> str:
    title = rng.choice(TITLES)
    last = rng.choice(LAST)
    if not title:
        return f"{rng.choice(FIRST)} {last}"
    return f"{title} {last}"


def _moment(rng: random.Random, wall: Wall, now: datetime.datetime) -> datetime.datetime:
    start = timezone.make_aware(datetime.datetime.combine(wall.opens_on, datetime.time(7)))
    end = min(
        now,
        timezone.make_aware(datetime.datetime.combine(wall.closes_on, datetime.time(21))),
    )
    span = max((end - start).total_seconds(), 3600)
    return start + datetime.timedelta(seconds=rng.uniform(0, span))


def seed_walls(ctx) -> None:
    rng = random.Random(2022)  # noqa: S311 - demo data
    now = timezone.now()
    today = timezone.localdate()
    partners = list(Provider.objects.filter(name__in=PARTNERS))
    schools = list(School.objects.select_related("district").order_by("pk")[:80])
    coordinator = ctx.people.get("coordinator")
    created_walls = created_posts = created_hearts = 0
    for spec in _wall_specs(today):
        if Wall.objects.filter(slug=spec["slug"]).exists():
            continue
        count, pending = spec.pop("posts"), spec.pop("pending", 0)
        wall = Wall.objects.create(**spec)
        wall.partners.set(partners)
        created_walls += 1
        posts = []
        for index in range(count + pending):
            school = rng.choice(schools) if schools and rng.random() < 0.85 else None
            anonymous = rng.random() < 0.2
            status = Post.Status.APPROVED
            if index >= count:
                status = Post.Status.PENDING
            elif rng.random() < 0.03:
                status = Post.Status.HIDDEN
            sent = _moment(rng, wall, now)
            posts.append(
                Post(
                    wall=wall,
                    message=_message(rng, rng.choice(ROLES)),
                    recipient_name=_recipient(rng),
                    recipient_school=school.name if school else "",
                    recipient_district=school.district if school else None,
                    author_name="" if anonymous else rng.choice(AUTHORS),
                    is_anonymous=anonymous,
                    status=status,
                    created_at=sent,
                    moderated_at=None if status == Post.Status.PENDING else sent,
                    moderated_by=None if status == Post.Status.PENDING else coordinator,
                )
            )
        if pending:  # what a moderator finds held by the word list
            posts[-1].message = "Best teacher ever!! Check out cheap-essays.biz for homework help"
            posts[-1].held_reason = "contains a link"
        posts = Post.objects.bulk_create(posts)
        created_posts += len(posts)
        hearts = []
        for post in posts:
            if post.status != Post.Status.APPROVED:
                continue
            post.heart_count = min(int(rng.expovariate(1 / 4)), 40)
            hearts.extend(
                Reaction(post=post, visitor_key=f"demo-{post.pk}-{n}")
                for n in range(post.heart_count)
            )
        Post.objects.bulk_update(posts, ["heart_count"])
        Reaction.objects.bulk_create(hearts, batch_size=2000)
        created_hearts += len(hearts)
    ctx.report("gratitude walls created", created_walls)
    ctx.report("gratitude posts created", created_posts)
    ctx.report("gratitude hearts created", created_hearts)
