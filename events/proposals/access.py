"""Who may reach which call and proposal: every view gets its objects through these.

- A call's public page: everyone.
- A proposal: its presenters (the lead, and co-presenters by account or invited
  address) and coordinators; 404 for everyone else.
- Reviewing: only the call's committee members (404 for everyone else, coordinators
  included, so a reviewer list never leaks), and never a proposal they declared a
  conflict with, nor one that is not under review.
- Managing a call (ranked table, decisions, scheduling, presenter hours): coordinators;
  other signed-in people 403.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from trec.accounts.roles import is_coordinator

from .models import Call, Conflict, Presenter, Proposal, Reviewer


class LoginNeeded(Exception):  # noqa: N818 - a redirect, not an error
    def __init__(self, response):
        self.response = response


def _signed_in(request) -> None:
    if not request.user.is_authenticated:
        raise LoginNeeded(redirect_to_login(request.get_full_path()))


def get_call(*, slug: str) -> Call:
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


def get_proposal_for_presenter(*, request, pk: int) -> Proposal:
    _signed_in(request)
    proposal = (
        Proposal.objects.select_related("call__event", "session_format", "room", "slot")
        .filter(pk=pk)
        .first()
    )
    if proposal is None or not can_see_proposal(proposal=proposal, user=request.user):
        raise Http404("No such proposal")
    return proposal


def get_proposal_for_lead(*, request, pk: int) -> Proposal:
    proposal = get_proposal_for_presenter(request=request, pk=pk)
    if proposal.submitted_by_id != request.user.pk:
        raise Http404("No such proposal")
    return proposal


def get_invitation(*, request, token: str) -> Presenter:
    _signed_in(request)
    presenter = (
        Presenter.objects.select_related("proposal__call", "proposal__submitted_by")
        .filter(token=token, is_lead=False)
        .first()
    )
    if presenter is None:
        raise Http404("No such invitation")
    if presenter.email.lower() != request.user.email.lower():
        raise PermissionDenied(
            _(
                "This invitation was sent to another e-mail address: sign in with that "
                "address to answer it."
            )
        )
    return presenter


def get_call_for_reviewer(*, request, slug: str) -> Call:
    _signed_in(request)
    call = get_call(slug=slug)
    if not Reviewer.objects.filter(call=call, user=request.user).exists():
        raise Http404("No such call")
    return call


def get_proposal_for_reviewer(*, request, call: Call, pk: int) -> Proposal:
    proposal = (
        Proposal.objects.submitted()
        .select_related("session_format")
        .filter(call=call, pk=pk)
        .exclude(status=Proposal.Status.WITHDRAWN)
        .first()
    )
    if (
        proposal is None
        or Conflict.objects.filter(proposal=proposal, reviewer=request.user).exists()
    ):
        raise Http404("No such proposal")
    return proposal


def get_call_for_coordinator(*, request, slug: str) -> Call:
    _signed_in(request)
    call = get_call(slug=slug)
    if not is_coordinator(request.user):
        raise PermissionDenied(_("Only the hub's coordinators can do this."))
    return call
