"""Reads that the call, proposal, review and management pages share. Each reads in a
fixed number of queries, whatever the number of proposals, reviews or presenters."""

import math

from django.db.models import Avg, Count, Exists, F, FloatField, OuterRef, Prefetch, Q
from django.utils import timezone

from .models import Call, Conflict, Presenter, Proposal, Review


def calls_open_or_coming():
    """Calls still taking proposals or about to, soonest deadline first."""
    return (
        Call.objects.filter(closes_at__gt=timezone.now())
        .select_related("event")
        .order_by("closes_at", "title")
    )


def my_proposals(user) -> list[Proposal]:
    """Proposals the user leads or co-presents (confirmed), with their presenters."""
    return list(
        Proposal.objects.filter(
            presenters__user=user, presenters__status=Presenter.Status.CONFIRMED
        )
        .select_related("call", "room", "slot")
        .order_by("-created_at")
    )


def my_invitations(user) -> list[Presenter]:
    """Co-presenter invitations to the user's address, not answered yet."""
    return list(
        Presenter.objects.filter(
            email__iexact=user.email, status=Presenter.Status.INVITED, is_lead=False
        )
        .exclude(proposal__status=Proposal.Status.WITHDRAWN)
        .select_related("proposal__call", "proposal__submitted_by")
    )


def presenters_of(proposals) -> None:
    """Attach `presenter_list` (lead first, then co-presenters, invited ones included) and
    `confirmed_presenters` to each."""
    ids = [proposal.pk for proposal in proposals]
    rows = (
        Presenter.objects.filter(proposal_id__in=ids)
        .select_related("user", "user__district")
        .order_by("-is_lead", "pk")
    )
    by_proposal: dict[int, list] = {pk: [] for pk in ids}
    for row in rows:
        by_proposal[row.proposal_id].append(row)
    for proposal in proposals:
        proposal.presenter_list = by_proposal[proposal.pk]
        proposal.confirmed_presenters = [
            p for p in proposal.presenter_list if p.status == Presenter.Status.CONFIRMED
        ]


def review_queue(*, call: Call, user) -> list[Proposal]:
    """The proposals a committee member reviews: submitted, not withdrawn, no conflict
    declared; with their own review if any. Two queries."""
    mine = Review.objects.filter(reviewer=user)
    return list(
        Proposal.objects.submitted()
        .filter(call=call)
        .exclude(Exists(Conflict.objects.filter(proposal=OuterRef("pk"), reviewer=user)))
        .select_related("session_format")
        .prefetch_related(Prefetch("reviews", queryset=mine, to_attr="my_reviews"))
        .order_by("pk")
    )


def ranked(call: Call) -> list[Proposal]:
    """Submitted proposals of the call with their mean review score, its spread
    (standard deviation) and the number of reviews, best first; unreviewed last. Two
    queries (proposals, presenters)."""
    proposals = list(
        Proposal.objects.submitted()
        .filter(call=call)
        .select_related("session_format", "room", "slot")
        .annotate(
            mean=Avg("reviews__score", output_field=FloatField()),
            # The spread from the mean square, so SQLite (no STDDEV) counts it too.
            mean_square=Avg(F("reviews__score") * F("reviews__score"), output_field=FloatField()),
            review_count=Count("reviews"),
        )
        .order_by(F("mean").desc(nulls_last=True), "title", "pk")
    )
    for proposal in proposals:  # the population standard deviation, as STDDEV_POP
        proposal.spread = (
            None
            if proposal.mean is None
            else math.sqrt(max(0.0, proposal.mean_square - proposal.mean**2))
        )
    presenters_of(proposals)
    return proposals


def call_counts(call: Call) -> dict:
    return Proposal.objects.filter(call=call).aggregate(
        submitted=Count("pk", filter=~Q(status__in=["draft", "withdrawn"])),
        accepted=Count("pk", filter=Q(status="accepted")),
        scheduled=Count("pk", filter=Q(slot__isnull=False)),
        confirmed=Count("pk", filter=Q(presenter_confirmed_at__isnull=False)),
    )
