"""Who may reach which call and proposal: every view gets its objects through these.

- A call's public page: everyone.
- A proposal: its presenters (the lead, and co-presenters by account or invited
  address) and coordinators; 404 for everyone else.
- Reviewing: only the call's committee members (404 for everyone else, coordinators
  included, so a reviewer list never leaks), and never a proposal they declared a
  conflict with, nor one that is not under review.
- Managing a call (ranked table, decisions, scheduling, presenter hours): coordinators;
  other signed-in people 403.

Lookups are ``access_<thing>_for_<role>(*, user, ...)``: they return the object or raise
Http404 / PermissionDenied. Signing in is the view's decorator
(trec.accounts.decorators.signed_in).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from trec.accounts.roles import is_coordinator

from .models import Call, Conflict, Presenter, Proposal, Reviewer


def access_call_for_viewer(*, user, slug: str) -> Call:
    """A call anyone may see (`user` may be anonymous); 404 when there is none."""
    call = Call.objects.select_related("event").filter(slug=slug).first()
    if call is None:
        raise Http404("No such call")
    return call


def can_see_proposal(*, proposal: Proposal, user) -> bool:
    if is_coordinator(user):
        return True
    return Presenter.objects.filter(
        Q(user=user) | Q(email__iexact=user.email), proposal=proposal
    ).exists()


def access_proposal_for_presenter(*, user, pk: int) -> Proposal:
    proposal = (
        Proposal.objects.select_related("call__event", "session_format", "room", "slot")
        .filter(pk=pk)
        .first()
    )
    if proposal is None or not can_see_proposal(proposal=proposal, user=user):
        raise Http404("No such proposal")
    return proposal


def access_proposal_for_lead(*, user, pk: int) -> Proposal:
    proposal = access_proposal_for_presenter(user=user, pk=pk)
    if proposal.submitted_by_id != user.pk:
        raise Http404("No such proposal")
    return proposal


def access_invitation_for_invitee(*, user, token: str) -> Presenter:
    presenter = (
        Presenter.objects.select_related("proposal__call", "proposal__submitted_by")
        .filter(token=token, is_lead=False)
        .first()
    )
    if presenter is None:
        raise Http404("No such invitation")
    if presenter.email.lower() != user.email.lower():
        raise PermissionDenied(
            _(
                "This invitation was sent to another e-mail address: sign in with that "
                "address to answer it."
            )
        )
    return presenter


def access_call_for_reviewer(*, user, slug: str) -> Call:
    call = access_call_for_viewer(user=user, slug=slug)
    if not Reviewer.objects.filter(call=call, user=user).exists():
        raise Http404("No such call")
    return call


def access_proposal_for_reviewer(*, user, call: Call, pk: int) -> Proposal:
    proposal = (
        Proposal.objects.submitted()
        .select_related("session_format")
        .filter(call=call, pk=pk)
        .exclude(status=Proposal.Status.WITHDRAWN)
        .first()
    )
    if proposal is None or Conflict.objects.filter(proposal=proposal, reviewer=user).exists():
        raise Http404("No such proposal")
    return proposal


def access_call_for_coordinator(*, user, slug: str) -> Call:
    call = access_call_for_viewer(user=user, slug=slug)
    if not is_coordinator(user):
        raise PermissionDenied(_("Only the hub's coordinators can do this."))
    return call
