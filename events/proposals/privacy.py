"""The proposals someone presents, their bio and photo, and the reviews they wrote
(trec.privacy)."""

from trec import privacy

from .models import Presenter, Proposal, Review
from .services import proposal_withdraw


@privacy.section("proposals", order=190)
def presenting(user) -> list[dict]:
    """Every proposal they lead or were invited to present, with the bio and photo
    they gave it."""
    rows = (
        Presenter.objects.filter(user=user)
        .select_related("proposal", "proposal__call")
        .order_by("invited_at", "pk")
    )
    return [
        privacy.record(
            call=presenter.proposal.call.title,
            proposal=presenter.proposal.title,
            abstract=presenter.proposal.abstract,
            lead_presenter=presenter.is_lead,
            proposal_status=presenter.proposal.get_status_display(),
            presenter_status=presenter.get_status_display(),
            email=presenter.email,
            bio=presenter.bio,
            photo=presenter.photo.name,
            invited=presenter.invited_at,
            responded=presenter.responded_at,
        )
        for presenter in rows
    ]


@privacy.section("proposal_reviews", order=200)
def reviews(user) -> list[dict]:
    rows = (
        Review.objects.filter(reviewer=user)
        .select_related("proposal", "proposal__call")
        .order_by("created_at", "pk")
    )
    return [
        privacy.record(
            call=review.proposal.call.title,
            proposal=review.proposal.title,
            score=review.score,
            comment=review.comment,
            written=review.created_at,
        )
        for review in rows
    ]


@privacy.eraser(order=privacy.GIVE_UP_PLACES)
def withdraw_open_proposals(user, *, now) -> None:
    """Drafts go; proposals still under consideration are withdrawn. Sessions already
    on a program stay (the program's history), presented by "Former member"."""
    Proposal.objects.filter(submitted_by=user, status=Proposal.Status.DRAFT).delete()
    open_ones = Proposal.objects.filter(
        submitted_by=user,
        status__in=[Proposal.Status.SUBMITTED, Proposal.Status.WAITLISTED],
    )
    for proposal in open_ones:
        proposal_withdraw(proposal=proposal, user=user)


@privacy.eraser()
def scrub_presenter_profiles(user, *, now) -> None:
    """Their bio, photo and address leave every proposal they present."""
    for presenter in Presenter.objects.filter(user=user):
        if presenter.photo:
            presenter.photo.delete(save=False)
        presenter.bio = ""
        presenter.email = f"deleted-{user.pk}-{presenter.pk}@invalid"
        presenter.save(update_fields=["bio", "photo", "email"])
