"""Survey reports, crosstabs, the CSV export and the needs-versus-supply gap report.

Everything is counted by the database (``values().annotate(Count(...))``): the number
of queries is fixed whatever the number of questions or responses. Answers exist only
for submitted responses (drafts keep their answers on the draft row), so the counts
filter answers by question and never join responses unless a crosstab needs to.

Satisfaction ("% agree") is the hub's one rule, shared with the impact report: the
share of Likert answers in the top two boxes (point >= scale_points - 1).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, F, Q, Sum, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from events.models import Attendance, Event, Topic
from trec import charts
from trec.accounts.models import District, GradeBand, User
from trec.i18n import localized

from .models import AGREES, Answer, Question, Response, Survey, scale_labels

TEXT_LIMIT = 50  # free-text answers listed per question
CROSSTAB_FIELDS = {
    "role": "response__role",
    "grade_band": "response__grade_band_id",
    "district": "response__district_id",
}


def pct(part, whole) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


@dataclass
class Row:
    label: str
    count: int
    percent: float
    extra: str = ""


@dataclass
class CrossCell:
    count: int
    percent: float


@dataclass
class QuestionResult:
    question: Question
    number: int
    respondents: int = 0
    rows: list[Row] = field(default_factory=list)
    mean: float | None = None
    agree_percent: float | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    texts: list[str] = field(default_factory=list)
    chart: SafeString | None = None
    crosstab: list[tuple[str, list[CrossCell]]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return localized(self.question, "text")

    @property
    def more_texts(self) -> int:
        return max(self.respondents - len(self.texts), 0)


@dataclass
class Report:
    survey: Survey
    responses: int
    expected: int | None
    results: list[QuestionResult]
    by: str = ""
    groups: list[tuple[object, str, int]] = field(default_factory=list)  # key, label, n
    agree_percent: float | None = None

    @property
    def rate(self) -> float | None:
        return pct(self.responses, self.expected) if self.expected else None


def expected_respondents(survey: Survey) -> int | None:
    """Who was asked: an event's attendees, else the number set on the survey."""
    if survey.event_id:
        return (
            Attendance.objects.filter(registration__event_id=survey.event_id)
            .values("registration__user_id")
            .distinct()
            .count()
        )
    return survey.expected_respondents


def _group_labels(by: str, survey: Survey) -> dict:
    if by == "role":
        return {value: str(label) for value, label in User.Role.choices}
    if by == "grade_band":
        return {band.pk: band.name for band in GradeBand.objects.order_by("position")}
    if by == "district":
        used = Response.objects.filter(
            survey=survey, status=Response.Status.SUBMITTED, district__isnull=False
        ).values("district_id")
        return dict(District.objects.filter(pk__in=used).order_by("name").values_list("pk", "name"))
    return {}


def survey_report(*, survey: Survey, questions: list[Question], by: str = "") -> Report:
    """Counts, percentages, means, % agree, free text and charts for every question;
    with `by`, a crosstab of every closed question by role, grade band or district.
    Queries: 6 (+1 for an event's attendees, +3 or +4 for a crosstab)."""
    answers = Answer.objects.order_by()
    crosstab = by in CROSSTAB_FIELDS
    counts, cells = _answer_counts(answers, questions, by=by if crosstab else "")
    per_question = _question_stats(counts)
    people = _count_people(answers, questions, per_question, by=by if crosstab else "")
    texts = _free_texts(answers, questions)
    rankings = _rankings(answers, questions, per_question)

    report = Report(
        survey=survey,
        responses=Response.objects.filter(survey=survey, status=Response.Status.SUBMITTED).count(),
        expected=expected_respondents(survey),
        results=[],
        by=by,
    )
    agree_total = agree_yes = 0
    for number, question in enumerate(questions, start=1):
        result = QuestionResult(
            question=question,
            number=number,
            respondents=per_question.get(question.pk, {}).get("respondents", 0),
        )
        points = _fill_result(
            result, per_question.get(question.pk, {}), counts, texts, rankings.get(question.pk, [])
        )
        if points:
            agree_total += sum(points)
            agree_yes += sum(points[question.agree_threshold - 1 :])
        report.results.append(result)
    report.agree_percent = pct(agree_yes, agree_total) if agree_total else None
    if cells is not None:
        _add_crosstab(report, survey=survey, cells=cells, people=people, by=by)
    return report


def _of_kind(questions: list[Question], *kinds) -> list[int]:
    return [q.pk for q in questions if q.kind in kinds]


def _answer_counts(answers, questions: list[Question], *, by: str) -> tuple[dict, dict | None]:
    """One grouped pass over the answers: how many gave each option / point / value,
    keyed (question id, choice id, number). With a crosstab (`by`) the closed questions
    are grouped by respondent group too: those cells are returned as well, and summed
    back into the counts."""
    ids = [q.pk for q in questions]
    closed_ids = _of_kind(questions, Question.Kind.LIKERT, *Question.CHOICE_KINDS)
    counts = defaultdict(int)
    cells = None
    grouped_ids = ids
    if by:
        cells = defaultdict(int)
        for row in (
            answers.filter(question_id__in=closed_ids)
            .values("question_id", "choice_id", "number", key=F(CROSSTAB_FIELDS[by]))
            .annotate(n=Count("id"))
        ):
            key = (row["question_id"], row["choice_id"], row["number"])
            cells[(*key, row["key"] or None)] += row["n"]
            counts[key] += row["n"]
        grouped_ids = [pk for pk in ids if pk not in set(closed_ids)]
    if grouped_ids:
        for row in (
            answers.filter(question_id__in=grouped_ids)
            .values("question_id", "choice_id", "number")
            .annotate(n=Count("id"))
        ):
            counts[(row["question_id"], row["choice_id"], row["number"])] += row["n"]
    return counts, cells


def _question_stats(counts: dict) -> dict[int, dict]:
    """Per question: answers, mean, lowest and highest value, and respondents (one
    answer row per respondent; multiple choice and rankings correct it afterwards)."""
    per_question: dict[int, dict] = {}
    for (question_id, _choice, number), n in counts.items():
        stats = per_question.setdefault(
            question_id, {"answers": 0, "total": Decimal(0), "valued": 0, "low": None, "high": None}
        )
        stats["answers"] += n
        if number is not None:
            stats["total"] += number * n
            stats["valued"] += n
            stats["low"] = number if stats["low"] is None else min(stats["low"], number)
            stats["high"] = number if stats["high"] is None else max(stats["high"], number)
    for stats in per_question.values():
        stats["mean"] = stats["total"] / stats["valued"] if stats["valued"] else None
        stats["respondents"] = stats["answers"]
    return per_question


def _count_people(answers, questions: list[Question], per_question: dict, *, by: str) -> dict:
    """Multiple-choice questions count people, not ticks ({(question id, group): n},
    per respondent group with a crosstab); their respondents are corrected to match."""
    people = defaultdict(int)
    multi_ids = _of_kind(questions, Question.Kind.MULTIPLE)
    if not multi_ids:
        return people
    rows = answers.filter(question_id__in=multi_ids)
    if by:
        rows = rows.values("question_id", key=F(CROSSTAB_FIELDS[by]))
    else:
        rows = rows.values("question_id")
    for row in rows.annotate(n=Count("response_id", distinct=True)):
        people[(row["question_id"], row.get("key") or None)] += row["n"]
        if row["question_id"] in per_question:
            per_question[row["question_id"]]["respondents"] = 0
    for (question_id, _key), n in people.items():
        if question_id in per_question:
            per_question[question_id]["respondents"] += n
    return people


def _free_texts(answers, questions: list[Question]) -> dict[int, list[str]]:
    """The latest TEXT_LIMIT free-text answers (and "Other" texts) of each question."""
    texts = defaultdict(list)
    text_ids = _of_kind(questions, *Question.TEXT_KINDS)
    other_ids = [q.pk for q in questions if q.kind == Question.Kind.MULTIPLE and q.allow_other]
    if not (text_ids or other_ids):
        return texts
    listed = (
        answers.filter(
            Q(question_id__in=text_ids, text__gt="")
            | Q(question_id__in=other_ids, other_text__gt="")
        )
        .annotate(row=Window(RowNumber(), partition_by=[F("question_id")], order_by=F("id").desc()))
        .filter(row__lte=TEXT_LIMIT)
        .values_list("question_id", "text", "other_text")
    )
    for question_id, text, other in listed:
        texts[question_id].append(text or other)
    return texts


def _rankings(answers, questions: list[Question], per_question: dict) -> dict[int, list[dict]]:
    """Topic rankings: each topic's count, first choices and average rank; every
    respondent has a first choice, so those are the question's respondents."""
    rankings = defaultdict(list)
    ranking_ids = _of_kind(questions, Question.Kind.TOPIC_RANKING)
    if not ranking_ids:
        return rankings
    for row in (
        answers.filter(question_id__in=ranking_ids)
        .values("question_id", "topic_id", "topic__name")
        .annotate(n=Count("id"), first=Count("id", filter=Q(rank=1)), avg_rank=Avg("rank"))
        .order_by("-n", "avg_rank", "topic__name")
    ):
        rankings[row["question_id"]].append(row)
    for question_id, rows in rankings.items():
        if question_id in per_question:
            per_question[question_id]["respondents"] = sum(r["first"] for r in rows)
    return rankings


def _fill_result(result: QuestionResult, stats: dict, counts, texts, ranking) -> list[int]:
    """The rows, figures, texts and chart of one question's result. Returns the answers
    per Likert point (empty for other kinds), for the survey's overall % agree."""
    question = result.question
    base = result.respondents
    points: list[int] = []
    if question.kind == Question.Kind.LIKERT:
        labels = scale_labels(question)
        points = [counts[(question.pk, None, Decimal(p))] for p in range(1, len(labels) + 1)]
        result.rows = [
            Row(f"{p} – {label}" if not label.startswith(str(p)) else label, n, pct(n, base))
            for p, (label, n) in enumerate(zip(labels, points, strict=True), start=1)
        ]
        result.agree_percent = pct(sum(points[question.agree_threshold - 1 :]), sum(points))
        result.mean = round(float(stats["mean"]), 2) if stats.get("mean") else None
    elif question.kind in Question.CHOICE_KINDS:
        result.rows = [
            Row(localized(choice, "label"), n, pct(n, base))
            for choice in question.choices.all()
            for n in [counts[(question.pk, choice.pk, None)]]
        ]
        if question.allow_other:
            n = counts[(question.pk, None, None)]
            result.rows.append(Row(_("Other"), n, pct(n, base)))
        result.texts = texts.get(question.pk, [])
    elif question.kind == Question.Kind.NUMBER:
        result.mean = round(float(stats["mean"]), 2) if stats.get("mean") is not None else None
        result.minimum, result.maximum = stats.get("low"), stats.get("high")
    elif question.kind in Question.TEXT_KINDS:
        result.texts = texts.get(question.pk, [])
    elif question.kind == Question.Kind.TOPIC_RANKING:
        result.rows = [
            Row(
                row["topic__name"],
                row["n"],
                pct(row["n"], base),
                extra=_("%(first)d first choice · average rank %(rank).1f")
                % {"first": row["first"], "rank": row["avg_rank"]},
            )
            for row in ranking
        ]
    if result.rows:
        result.chart = charts.horizontal_bars(
            chart_id=f"q{question.pk}",
            title=result.text,
            desc=_("Percentage of the %(n)d people who answered, for each option.") % {"n": base},
            rows=[(row.label, row.percent, f"{row.percent:g}%") for row in result.rows],
            scale_max=100,
        )
    return points


def _add_crosstab(report: Report, *, survey: Survey, cells: dict, people: dict, by: str):
    column = CROSSTAB_FIELDS[by]
    labels = _group_labels(by, survey)
    groups = defaultdict(int)
    for row in (
        Response.objects.filter(survey=survey, status=Response.Status.SUBMITTED)
        .order_by()
        .values(key=F(column.removeprefix("response__")))
        .annotate(n=Count("id"))
    ):
        groups[row["key"] or None] += row["n"]
    keys = [key for key in labels if key in groups]
    if None in groups:
        keys.append(None)
    report.groups = [(key, labels.get(key, _("Not given")), groups[key]) for key in keys]
    # People per question and group: the sum of the cells where each person has one
    # row; counted (distinct) by the report for multiple-choice questions.
    base = defaultdict(int)
    multi_ids = {question_id for question_id, _key in people}
    for (question_id, _choice, _number, key), n in cells.items():
        if question_id not in multi_ids:
            base[(question_id, key)] += n
    base.update(people)
    for result in report.results:
        question = result.question
        if question.kind == Question.Kind.LIKERT:
            options = [(None, Decimal(p)) for p in range(1, question.scale_points + 1)]
        elif question.kind in Question.CHOICE_KINDS:
            options = [(choice.pk, None) for choice in question.choices.all()]
            if question.allow_other:
                options.append((None, None))
        else:
            continue
        for row, (choice_id, number) in zip(result.rows, options, strict=False):
            result.crosstab.append(
                (
                    row.label,
                    [
                        CrossCell(
                            n := cells[(question.pk, choice_id, number, key)],
                            pct(n, base[(question.pk, key)]),
                        )
                        for key, _label, _n in report.groups
                    ],
                )
            )


# --- CSV ------------------------------------------------------------------------------


def recorded_facts(*, survey: Survey, questions: list[Question]) -> list[str]:
    """The crosstab facts ("role", "grade_band", "district") a survey's responses hold:
    all three on identified surveys (from the profile), on anonymous ones only those
    a question asks."""
    if not survey.anonymous:
        return list(CROSSTAB_FIELDS)
    asked = {q.crosstab_field for q in questions if q.crosstab_field}
    return [fact for fact in CROSSTAB_FIELDS if fact in asked]


def csv_rows(*, survey: Survey, questions: list[Question]):
    """Header, then one row per submitted response: its date, the crosstab facts it
    records (see `recorded_facts`) and one column per question (choices joined with
    "; ", ranked topics in order). Two streamed queries, merged by response."""
    facts = recorded_facts(survey=survey, questions=questions)
    headers = {"role": _("Role"), "grade_band": _("Grade band"), "district": _("District")}
    columns = {"role": "role", "grade_band": "grade_band__name", "district": "district__name"}
    yield [
        _("Response"),
        _("Submitted on"),
        *[headers[fact] for fact in facts],
        *[localized(q, "text") for q in questions],
    ]
    roles = dict(User.Role.choices)
    position = {q.pk: i for i, q in enumerate(questions)}
    responses = (
        Response.objects.filter(survey=survey, status=Response.Status.SUBMITTED)
        .order_by("pk")
        .values_list("pk", "submitted_on", *[columns[fact] for fact in facts])
        .iterator(chunk_size=2000)
    )
    answers = (
        Answer.objects.filter(question_id__in=list(position))
        .order_by("response_id", "question_id", "rank", "choice__position", "pk")
        .values_list(
            "response_id",
            "question_id",
            "number",
            "choice__label",
            "other_text",
            "text",
            "topic__name",
            "rank",
        )
        .iterator(chunk_size=5000)
    )
    pending = next(answers, None)
    for sequence, (pk, day, *known) in enumerate(responses, start=1):
        cells: list[list[str]] = [[] for _ in questions]
        while pending is not None and pending[0] <= pk:
            if pending[0] == pk:
                _r, question_id, number, label, other, text, topic, rank = pending
                if topic:
                    value = f"{rank}. {topic}"
                elif label:
                    value = label
                elif other:
                    value = _("Other: %(text)s") % {"text": other}
                elif number is not None:
                    value = f"{number.normalize():f}"
                else:
                    value = text
                cells[position[question_id]].append(value)
            pending = next(answers, None)
        yield [
            sequence,
            day.isoformat() if day else "",
            *[
                str(roles.get(value, value)) if fact == "role" else value or ""
                for fact, value in zip(facts, known, strict=True)
            ],
            *["; ".join(values) for values in cells],
        ]


# --- Needs versus supply --------------------------------------------------------------


@dataclass
class GapRow:
    topic: Topic
    demand: int
    share: float
    by_band: list[int]
    events: int
    seats: int
    unlimited: int
    score: float

    @property
    def seats_text(self) -> str:
        if self.unlimited and self.seats:
            return _("%(seats)d + unlimited") % {"seats": self.seats}
        if self.unlimited:
            return _("unlimited")
        return str(self.seats)


@dataclass
class GapReport:
    months: int
    respondents: int
    bands: list[GradeBand]
    rows: list[GapRow]
    chart: SafeString | None
    has_topic_questions: bool


def gap_score(*, demand: int, events: int) -> float:
    """Educators asking for a topic per upcoming event on it, plus one so that a topic
    nobody offers ranks by demand alone: demand / (events + 1). Higher = bigger gap."""
    return round(demand / (events + 1), 1)


def gap_report(*, survey: Survey, questions: list[Question], months: int = 6) -> GapReport:
    """Demand (distinct respondents who ranked or chose a topic, by grade band) against
    supply (listed events on it starting within `months`, and their seats), ranked by
    gap score. Queries: 4 (topics, grade bands, demand, supply) + 1 respondents."""
    ranking_ids = [q.pk for q in questions if q.kind == Question.Kind.TOPIC_RANKING]
    choice_ids = [q.pk for q in questions if q.kind == Question.Kind.MULTIPLE]
    topic_question_ids = ranking_ids + [
        q.pk for q in questions if q.pk in choice_ids and any(c.topic_id for c in q.choices.all())
    ]
    bands = list(GradeBand.objects.order_by("position"))
    topics = {topic.pk: topic for topic in Topic.objects.all()}
    if not topic_question_ids:
        return GapReport(months, 0, bands, [], None, has_topic_questions=False)
    asked = (
        Answer.objects.order_by()
        .filter(question_id__in=topic_question_ids)
        .annotate(asked_topic=Coalesce("topic_id", "choice__topic_id"))
        .filter(asked_topic__isnull=False)
    )
    respondents = asked.aggregate(n=Count("response_id", distinct=True))["n"]
    demand = defaultdict(lambda: defaultdict(int))
    for row in asked.values("asked_topic", "response__grade_band_id").annotate(
        n=Count("response_id", distinct=True)
    ):
        demand[row["asked_topic"]][row["response__grade_band_id"]] += row["n"]
    horizon = timezone.now() + datetime.timedelta(days=round(months * 30.44))
    supply = {
        row["topics"]: row
        for row in Event.objects.listed()
        .filter(Q(starts_at__lte=horizon) | Q(kind=Event.Kind.ON_DEMAND), topics__isnull=False)
        .order_by()
        .values("topics")
        .annotate(
            events=Count("id", distinct=True),
            seats=Coalesce(Sum("capacity"), 0),
            unlimited=Count("id", filter=Q(capacity__isnull=True), distinct=True),
        )
    }
    rows = []
    for topic_id, topic in topics.items():
        per_band = demand.get(topic_id, {})
        total = sum(per_band.values())
        offer = supply.get(topic_id, {})
        events = offer.get("events", 0)
        if not total and not events:
            continue
        rows.append(
            GapRow(
                topic=topic,
                demand=total,
                share=pct(total, respondents),
                by_band=[per_band.get(band.pk, 0) for band in bands],
                events=events,
                seats=offer.get("seats", 0),
                unlimited=offer.get("unlimited", 0),
                score=gap_score(demand=total, events=events),
            )
        )
    rows.sort(key=lambda r: (-r.score, -r.demand, r.topic.name))
    chart = None
    if rows:
        top = rows[:12]
        chart = charts.horizontal_bars(
            chart_id="gaps",
            title=_("Largest gaps between educators' needs and the catalog"),
            desc=_("Gap score per topic: educators asking for it per upcoming event, plus one."),
            rows=[(row.topic.name, row.score, f"{row.score:g}") for row in top],
        )
    return GapReport(months, respondents, bands, rows, chart, has_topic_questions=True)


def event_feedback_summary(event) -> dict | None:
    """For the event roster: the feedback survey, responses and % agree per Likert
    question. 4 queries."""
    survey = Survey.objects.filter(event=event).first()
    if survey is None:
        return None
    questions = list(survey.questions.filter(kind=Question.Kind.LIKERT).order_by("position"))
    responses = Response.objects.filter(survey=survey, status=Response.Status.SUBMITTED).count()
    rows = {
        row["question_id"]: row
        for row in Answer.objects.order_by()
        .filter(question__in=questions)
        .values("question_id")
        .annotate(
            n=Count("id"),
            mean=Avg("number"),
            agree=Count("id", filter=AGREES),
        )
    }
    lines = []
    total = agree = 0
    for question in questions:
        row = rows.get(question.pk, {"n": 0, "mean": None, "agree": 0})
        total += row["n"]
        agree += row["agree"]
        lines.append(
            {
                "text": localized(question, "text"),
                "n": row["n"],
                "mean": round(float(row["mean"]), 2) if row["mean"] is not None else None,
                "agree": pct(row["agree"], row["n"]),
            }
        )
    return {
        "survey": survey,
        "responses": responses,
        "questions": lines,
        "agree": pct(agree, total) if total else None,
    }
