"""The back office's "view on site" shortcut (/admin/r/<type>/<id>/) never hands out a
private link: not another provider's school-visit status page, not a survey
invitation, not a certificate someone may not see (trec.admin_site)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from surveys.models import Invitation
from tests import factories
from trec.transcripts.models import Certificate


def shortcut(obj) -> str:
    content_type = ContentType.objects.get_for_model(obj)
    return reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


@pytest.fixture
def visit(db):
    return factories.SessionRequestFactory()


@pytest.fixture
def invitation(db):
    survey = factories.SurveyFactory(anonymous=True, invitation_only=True)
    factories.QuestionFactory(survey=survey)
    return Invitation.objects.create(survey=survey)


def test_another_providers_staff_get_no_status_link(client, visit):
    client.force_login(factories.ProviderStaffFactory())
    response = client.get(shortcut(visit))
    assert response.status_code == 404
    assert visit.token not in response.content.decode()


def test_nobody_gets_a_school_visits_token_through_the_shortcut(client, visit, coordinator):
    own_staff = factories.ProviderStaffFactory(provider=visit.offering.provider)
    for person in (own_staff, coordinator):
        client.force_login(person)
        response = client.get(shortcut(visit))
        assert response.status_code == 404
        assert visit.token not in response.get("Location", "")


def test_an_invitation_token_cannot_be_obtained_and_used(client, invitation, coordinator):
    for person in (factories.ProviderStaffFactory(), coordinator):
        client.force_login(person)
        response = client.get(shortcut(invitation))
        assert response.status_code == 404
        assert invitation.token not in response.get("Location", "")
    client.logout()
    take = reverse("surveys:take", args=[invitation.survey.slug])
    assert invitation.token not in client.get(take).content.decode()


def test_a_certificate_link_only_for_those_who_may_see_it(client, coordinator):
    today = timezone.localdate()
    certificate = Certificate.objects.create(
        user=factories.EducatorFactory(),
        kind=Certificate.Kind.YEAR,
        subject_key="2026-2027",
        recipient_name="A Member",
        title="PD hours",
        hours=3,
        first_date=today,
        last_date=today,
    )
    client.force_login(factories.ProviderStaffFactory())
    assert client.get(shortcut(certificate)).status_code == 404
    client.force_login(coordinator)
    response = client.get(shortcut(certificate))
    assert response.status_code == 302
    assert response["Location"] == certificate.get_absolute_url()


@pytest.mark.parametrize("object_id", ["abc", "99999999", "1%00", "../1"])
def test_unknown_or_hostile_ids_are_404(client, coordinator, object_id):
    client.force_login(coordinator)
    content_type = ContentType.objects.get_for_model(Invitation)
    # (A NUL byte is refused by the hub's hostile-input middleware first: 400.)
    assert client.get(f"/admin/r/{content_type.pk}/{object_id}/").status_code in (400, 404)
    assert client.get(f"/admin/r/999999/{object_id}/").status_code in (400, 404)
