"""An educator's identified survey answers and unfinished drafts (trec.privacy)."""

import json

from trec import privacy

from .models import Answer, Response


@privacy.section("survey_answers", order=130)
def answers(user) -> list[dict]:
    """Answers of identified survey responses (anonymous ones are linked to no one)."""
    rows = (
        Answer.objects.filter(response__user=user)
        .select_related("response__survey", "question", "choice", "topic")
        .order_by("response_id", "question__position", "question_id", "rank", "pk")
    )
    return [
        privacy.record(
            survey=answer.response.survey.title,
            status=answer.response.get_status_display(),
            submitted=answer.response.submitted_on,
            question=answer.question.text,
            answer=" · ".join(
                str(part)
                for part in (
                    answer.choice.label if answer.choice else "",
                    answer.topic.name if answer.topic else "",
                    "" if answer.number is None else answer.number,
                    answer.other_text,
                    answer.text,
                )
                if str(part)
            ),
            rank=answer.rank,
        )
        for answer in rows
    ]


@privacy.section("survey_drafts", order=140)
def drafts(user) -> list[dict]:
    rows = (
        Response.objects.filter(user=user, status=Response.Status.DRAFT)
        .select_related("survey")
        .order_by("pk")
    )
    return [
        privacy.record(
            survey=draft.survey.title, saved_answers=json.dumps(draft.draft, default=str)
        )
        for draft in rows
    ]


@privacy.eraser()
def delete_drafts(user, *, now) -> None:
    # Submitted responses stay (the survey's counts), linked to the tombstone.
    Response.objects.filter(user=user, status=Response.Status.DRAFT).delete()
