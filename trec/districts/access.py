"""Who may reach a district's pages: views get the partner role and the educators
through these.

- The district pages: district partners only (a coordinator assigns the role, bound to
  one district); anyone else signed in gets 403.
- An educator's transcript: an educator of the partner's own district who shares it
  with the district; anyone else is not there (404).

Lookups are ``access_<thing>_for_<role>(*, user, ...)``: they return the object or raise
Http404 / PermissionDenied. Signing in is the view's decorator
(trec.accounts.decorators.signed_in).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from trec.accounts.models import User

from .models import DistrictPartner
from .selectors import partner_for, shared_educators


def access_district_for_partner(*, user) -> DistrictPartner:
    """The user's district-partner role (its district selected); 403 without one."""
    partner = partner_for(user)
    if partner is None:
        raise PermissionDenied(_("This page is for district partners."))
    return partner


def access_educator_for_partner(*, partner: DistrictPartner, pk: int) -> User:
    """An educator of the partner's district who shares their transcript with it; else
    404 (another district's educators, and those who do not share, are not there)."""
    educator = shared_educators(partner.district).filter(pk=pk).first()
    if educator is None:
        raise Http404("No such educator")
    return educator
