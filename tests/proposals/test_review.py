"""The review committee scores proposals against the call's criteria, declares
conflicts (the proposal then disappears for them), reviews blind when the call says
so; coordinators read a ranked table and decide in bulk, presenters hear it by e-mail
in their own language."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import translation

from events.proposals.models import Conflict, Proposal, Review
from tests import factories
from tests.proposals.factories import CallFactory, add_reviewer, proposal
from trec.notifications.models import Notification
from trec.notifications.registry import get_kind

pytestmark = pytest.mark.django_db


def scores(call, *values):
    return {f"c{c.pk}": value for c, value in zip(call.criteria.all(), values, strict=True)}


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def test_two_reviewers_score_and_one_declares_a_conflict(client):
    call = CallFactory()
    lead = factories.EducatorFactory(first_name="Rosa", last_name="Diaz")
    submitted = proposal(call, lead)
    first, second = add_reviewer(call), add_reviewer(call)
    url = reverse("proposals:review", args=[call.slug, submitted.pk])

    client.force_login(first)
    shown = page(client.get(url))
    assert "Rosa Diaz" in shown.select_one(".presenter-list").get_text()  # not blind
    assert "Three routines." in shown.get_text()  # the call's own question
    client.post(url, {**scores(call, 5, 4, 3), "comment": "Practical."})
    assert Review.objects.get(reviewer=first).score == Decimal("4.00")

    client.force_login(second)
    client.post(url, scores(call, 2, 2, 2))
    client.post(
        reverse("proposals:conflict", args=[call.slug, submitted.pk]),
        {"reason": "Same district as the presenter."},
    )
    assert Conflict.objects.filter(reviewer=second).exists()
    assert not Review.objects.filter(reviewer=second).exists()  # their score is gone
    assert client.get(url).status_code == 404
    listing = page(client.get(reverse("proposals:review_list", args=[call.slug])))
    assert "Phonics that sticks" not in listing.get_text()


def test_blind_review_hides_the_presenters(client):
    call = CallFactory(blind_review=True)
    submitted = proposal(call, factories.EducatorFactory(first_name="Rosa", last_name="Diaz"))
    client.force_login(add_reviewer(call))
    shown = page(client.get(reverse("proposals:review", args=[call.slug, submitted.pk])))
    assert "Rosa" not in shown.get_text() and "Diaz" not in shown.get_text()
    assert "reviewed blind" in shown.get_text()


def test_a_score_out_of_the_scale_is_refused_and_what_was_typed_kept(client):
    call = CallFactory()
    submitted = proposal(call)
    client.force_login(add_reviewer(call))
    response = client.post(
        reverse("proposals:review", args=[call.slug, submitted.pk]),
        {**scores(call, 5, 9, 3), "comment": "Keep me"},
    )
    assert response.status_code == 200
    shown = page(response)
    assert shown.select_one(".form-errors")
    assert shown.select_one("textarea[name=comment]").get_text().strip() == "Keep me"
    assert not Review.objects.exists()


def test_drafts_and_withdrawn_proposals_are_not_reviewed(client):
    call = CallFactory()
    draft = proposal(call, submit=False)
    client.force_login(add_reviewer(call))
    assert client.get(reverse("proposals:review", args=[call.slug, draft.pk])).status_code == 404


def test_the_ranked_table_shows_mean_spread_and_count(client, coordinator):
    call = CallFactory()
    strong, weak = proposal(call, title="Strong one"), proposal(call, title="Weak one")
    proposal(call, title="Nobody read me")
    for reviewer, (s, w) in zip(
        [add_reviewer(call), add_reviewer(call)], [(5, 2), (3, 2)], strict=True
    ):
        for target, value in ((strong, s), (weak, w)):
            Review.objects.create(
                proposal=target, reviewer=reviewer, scores={}, score=Decimal(value)
            )
    client.force_login(coordinator)
    rows = page(client.get(reverse("proposals:manage", args=[call.slug]))).select("tbody tr")
    cells = [[cell.get_text(" ", strip=True) for cell in row.select("td, th")] for row in rows]
    assert [row[2].split(" ")[0] for row in cells] == ["Strong", "Weak", "Nobody"]
    assert cells[0][3:6] == ["4.00", "1.00", "2"]  # mean, spread (std dev), count
    assert cells[1][3:6] == ["2.00", "0.00", "2"]
    assert cells[2][3:6] == ["—", "—", "0"]


def test_the_ranked_table_reads_in_fixed_queries(client, coordinator, django_assert_num_queries):
    """The N+1 it prevents: one query per proposal for its reviews or presenters."""
    call = CallFactory()
    client.force_login(coordinator)
    url = reverse("proposals:manage", args=[call.slug])
    proposal(call)
    client.get(url)
    # session, user, coordinator group, call, proposals ranked, presenters, counts
    with django_assert_num_queries(7):
        client.get(url)
    for n in range(20):
        proposal(call, title=f"Proposal {n}")
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200


def test_bulk_decisions_tell_every_presenter_in_their_language(client, coordinator):
    call = CallFactory()
    colleague = factories.EducatorFactory(email="ana@example.org", preferred_language="es")
    first = proposal(call, co_presenters=["ana@example.org"])
    first.presenters.filter(email="ana@example.org").update(user=colleague, status="confirmed")
    second = proposal(call, title="Second")
    client.force_login(coordinator)

    response = client.post(
        reverse("proposals:decide", args=[call.slug]),
        {
            "proposals": [first.pk, second.pk],
            "decision": "accepted",
            "message": "Welcome aboard!",
            "message_es": "¡Bienvenidos!",
        },
        follow=True,
    )

    assert "2 proposals decided" in page(response).select_one(".messages").get_text()
    assert set(Proposal.objects.values_list("status", flat=True)) == {"accepted"}
    rows = Notification.objects.filter(kind="proposal_decided")
    assert {row.recipient_id for row in rows} == {
        first.submitted_by_id,
        colleague.pk,
        second.submitted_by_id,
    }
    spanish = rows.get(recipient=colleague)
    kind = get_kind("proposal_decided")
    kind.load([spanish])
    with translation.override("es"):
        outgoing = kind.compose(spanish)
    assert outgoing.subject == "Su propuesta “Phonics that sticks” ha sido aceptada"
    assert outgoing.context["message"] == "¡Bienvenidos!"


def test_deciding_nothing_is_a_clear_error(client, coordinator):
    call = CallFactory()
    proposal(call)
    client.force_login(coordinator)
    response = client.post(reverse("proposals:decide", args=[call.slug]), {"decision": "accepted"})
    assert response.status_code == 400
    shown = page(response)
    assert shown.select_one(".form-errors a")["href"] == "#id_proposals"
    assert "Tick at least one proposal." in shown.select_one("#id_proposals").get_text()


def test_coordinators_read_reviews_and_conflict_reasons_in_the_back_office(client, coordinator):
    call = CallFactory()
    submitted = proposal(call)
    first, second = add_reviewer(call), add_reviewer(call)
    Review.objects.create(
        proposal=submitted, reviewer=first, scores={}, score=Decimal(4), comment="Practical."
    )
    Conflict.objects.create(proposal=submitted, reviewer=second, reason="Same school.")
    client.force_login(coordinator)
    shown = page(client.get(reverse("admin:proposals_proposal_change", args=[submitted.pk])))
    assert "Practical." in shown.get_text() and "Same school." in shown.get_text()
