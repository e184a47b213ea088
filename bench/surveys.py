"""Survey report at scale: seed 50,000 responses x 20 questions on PostgreSQL, then
time the report page (and its crosstabs, the CSV export and the gap report) and count
their queries. Target: the report under 1 s.

    DATABASE_URL=postgres://.../trec_bench .venv/bin/python bench/surveys.py \
        [--responses 50000] [--questions 20] [--repeat 5] [--reseed]

Rows are generated inside the database (INSERT ... SELECT generate_series), so seeding
a million answers takes seconds; the survey is kept between runs (slug bench-<n>x<q>)
unless --reseed.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trec.settings")


def say(message: str) -> None:
    print(message, flush=True)


def setup():
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    if not settings.USING_POSTGRES:
        sys.exit("bench/surveys.py needs PostgreSQL: set DATABASE_URL.")
    call_command("migrate", verbosity=0)


KINDS = [
    "likert",
    "likert",
    "single",
    "multiple",
    "likert",
    "number",
    "long_text",
    "single",
    "likert",
    "topic_ranking",
]


def seed(responses: int, questions: int, reseed: bool):
    from django.db import connection, transaction
    from django.utils import timezone

    from events.models import Topic
    from surveys.models import Choice, Question, Survey
    from surveys.services import profile_questions_add
    from trec.accounts.models import District

    slug = f"bench-{responses}x{questions}"
    survey = Survey.objects.filter(slug=slug).first()
    if survey and not reseed and survey.responses.count() == responses:
        say(f"reusing survey {slug}")
        return survey
    if survey:
        survey.delete()
    started = time.monotonic()
    with transaction.atomic():
        for i in range(16):
            Topic.objects.get_or_create(
                slug=f"bench-topic-{i}", defaults={"name": f"Bench topic {i}"}
            )
        for i in range(30):
            District.objects.get_or_create(
                slug=f"bench-district-{i}", defaults={"name": f"Bench District {i}"}
            )
        survey = Survey.objects.create(
            title=f"Bench {responses} x {questions}",
            slug=slug,
            kind="needs",
            anonymous=True,
            opens_at=timezone.now() - timezone.timedelta(days=30),
        )
        profile_questions_add(survey=survey)  # 3 crosstab questions
        for position in range(3, questions):
            kind = KINDS[position % len(KINDS)]
            question = Question.objects.create(
                survey=survey,
                position=position,
                kind=kind,
                text=f"Bench question {position}",
                allow_other=kind == "multiple",
            )
            if kind in ("single", "multiple"):
                Choice.objects.bulk_create(
                    [
                        Choice(question=question, position=j, label=f"Option {j}", value=f"o{j}")
                        for j in range(5)
                    ]
                )
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO surveys_response (survey_id, user_id, status, submitted_on, role,
                                              grade_band_id, district_id, draft)
                SELECT %s, NULL, 'submitted', CURRENT_DATE - (n %% 60),
                       (ARRAY['teacher','teacher','teacher','counselor','aide','specialist',
                              'administrator','coach'])[1 + n %% 8],
                       (SELECT id FROM accounts_gradeband ORDER BY position OFFSET n %% 5 LIMIT 1),
                       (SELECT id FROM accounts_district ORDER BY id OFFSET n %% 30 LIMIT 1),
                       '{}'::jsonb
                FROM generate_series(1, %s) AS n
                """,
                [survey.pk, responses],
            )
            params = {"survey": survey.pk}
            # Likert and number: one answer each
            cursor.execute(
                """
                INSERT INTO surveys_answer (response_id, question_id, number, choice_id,
                                            other_text, text, topic_id, rank)
                SELECT r.id, q.id,
                       CASE WHEN q.kind = 'likert' THEN 1 + floor(random() * q.scale_points)
                            ELSE floor(random() * 40) END,
                       NULL, '', '', NULL, NULL
                FROM surveys_response r JOIN surveys_question q ON q.survey_id = r.survey_id
                WHERE r.survey_id = %(survey)s AND q.kind IN ('likert', 'number')
                """,
                params,
            )
            # Single choice: one option; multiple: two options
            cursor.execute(
                """
                INSERT INTO surveys_answer (response_id, question_id, number, choice_id,
                                            other_text, text, topic_id, rank)
                SELECT r.id, c.question_id, NULL, c.id, '', '', NULL, NULL
                FROM surveys_response r
                JOIN surveys_question q ON q.survey_id = r.survey_id
                JOIN LATERAL (
                    SELECT id, question_id FROM surveys_choice
                    WHERE question_id = q.id
                    ORDER BY (id * 7919 + r.id) %% 97
                    LIMIT CASE WHEN q.kind = 'multiple' THEN 2 ELSE 1 END
                ) c ON TRUE
                WHERE r.survey_id = %(survey)s AND q.kind IN ('single', 'multiple')
                """,
                params,
            )
            # Text: a third answer
            cursor.execute(
                """
                INSERT INTO surveys_answer (response_id, question_id, number, choice_id,
                                            other_text, text, topic_id, rank)
                SELECT r.id, q.id, NULL, NULL, '', 'Comment number ' || r.id, NULL, NULL
                FROM surveys_response r JOIN surveys_question q ON q.survey_id = r.survey_id
                WHERE r.survey_id = %(survey)s AND q.kind = 'long_text' AND r.id %% 3 = 0
                """,
                params,
            )
            # Topic ranking: three ranked topics
            cursor.execute(
                """
                INSERT INTO surveys_answer (response_id, question_id, number, choice_id,
                                            other_text, text, topic_id, rank)
                SELECT r.id, q.id, NULL, NULL, '', '',
                       (SELECT id FROM events_topic ORDER BY id
                        OFFSET (r.id * 3 + k * 5) %% (SELECT count(*) FROM events_topic) LIMIT 1),
                       k
                FROM surveys_response r JOIN surveys_question q ON q.survey_id = r.survey_id
                CROSS JOIN generate_series(1, 3) AS k
                WHERE r.survey_id = %(survey)s AND q.kind = 'topic_ranking'
                """,
                params,
            )
    from surveys.models import Answer

    answers = Answer.objects.filter(question__survey=survey).count()
    say(f"seeded {responses:,} responses, {answers:,} answers in {time.monotonic() - started:.1f}s")
    return survey


def measure(client, path: str, repeat: int) -> tuple[float, float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings = []
    queries = 0
    size = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as context:
            started = time.perf_counter()
            response = client.get(path)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
        queries, size = len(context), len(body)
    return statistics.median(timings), max(timings), queries, size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=50_000)
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    setup()
    from django.contrib.auth.models import Group
    from django.test import Client
    from django.test.utils import setup_test_environment

    from trec.accounts.models import User
    from trec.accounts.roles import COORDINATORS_GROUP

    setup_test_environment()
    survey = seed(args.responses, args.questions, args.reseed)
    from django.db import connection

    with connection.cursor() as cursor:  # as autovacuum would: statistics, visibility map
        cursor.execute("VACUUM ANALYZE surveys_response")
        cursor.execute("VACUUM ANALYZE surveys_answer")
    coordinator, _ = User.objects.get_or_create(
        email="bench-coordinator@example.org", defaults={"is_staff": True}
    )
    coordinator.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    client = Client()
    client.force_login(coordinator)
    base = f"/surveys/{survey.slug}"
    say(
        f"\n{args.responses:,} responses x {survey.questions.count()} questions, "
        f"median / max of {args.repeat} runs:"
    )
    say(f"{'page':34} {'median':>9} {'max':>9} {'queries':>8} {'bytes':>10}")
    worst = 0.0
    for label, path in [
        ("report", f"{base}/report/"),
        ("report ?by=role", f"{base}/report/?by=role"),
        ("report ?by=grade_band", f"{base}/report/?by=grade_band"),
        ("report ?by=district", f"{base}/report/?by=district"),
        ("gaps", f"{base}/gaps/"),
        ("CSV export (all responses)", f"{base}/report.csv"),
    ]:
        client.get(path)  # warm caches and plans
        median, high, queries, size = measure(client, path, args.repeat)
        if label == "report":
            worst = median
        say(f"{label:34} {median * 1000:8.0f}ms {high * 1000:8.0f}ms {queries:8d} {size:10,d}")
    verdict = "OK" if worst < 1.0 else "SLOWER THAN TARGET"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    say(f"\nreport target < 1 s: {worst * 1000:.0f} ms -> {verdict}")
    say(f"(load average {load} on {os.cpu_count()} CPUs while measuring)")


if __name__ == "__main__":
    main()
