"""Sign-up → verification e-mail → verify → log in → onboarding → profile saved."""

import re

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.urls import reverse

from tests import factories
from trec.accounts.models import GradeBand, User

STRONG = "sunlit-mesquite-42-garden"


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def field_errors(response, name):
    """The error text tied to a field through aria-describedby, as a screen reader hears it."""
    page = soup(response)
    widget = page.find(attrs={"name": name})
    assert widget is not None, f"no field {name}"
    ids = (widget.get("aria-describedby") or "").split()
    return " ".join(page.find(id=i).get_text(" ", strip=True) for i in ids if page.find(id=i))


def confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body).group(1)


@pytest.mark.django_db
def test_sign_up_verify_log_in_onboard_and_save_profile(client, django_capture_on_commit_callbacks):
    district = factories.DistrictFactory(name="Sunnyside Unified School District")
    school = factories.SchoolFactory(district=district, name="Apollo Middle School")
    topic = factories.TopicFactory(name="Early literacy")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {"email": "rosa.delgado@example.org", "password1": STRONG, "password2": STRONG},
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rosa.delgado@example.org"]
    assert "confirm" in message.subject.lower()
    # The hub's wording and layout, as text and HTML, never allauth's "Hello from host!".
    html = message.alternatives[0][0]
    assert "Hello from" not in message.body and "TREC Hub" in message.body
    assert "TREC Hub" in html and confirmation_link(message) in html

    # Not verified yet: signing in sends the user back to the "verify your e-mail" page.
    login = {"login": "rosa.delgado@example.org", "password": STRONG}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_login"), login)
    assert response["Location"] == reverse("account_email_verification_sent")

    link = confirmation_link(mail.outbox[-1])
    assert "Confirm" in client.get(link).content.decode()
    response = client.post(link)
    assert response.status_code == 302

    response = client.post(reverse("account_login"), login)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:onboarding")

    page = client.get(reverse("accounts:onboarding"))
    assert soup(page).h1.get_text(strip=True).startswith("Welcome")

    k2 = GradeBand.objects.get(code="k-2")
    response = client.post(
        reverse("accounts:onboarding"),
        {
            "first_name": "Rosa",
            "last_name": "Delgado",
            "role": User.Role.COUNSELOR,
            "grade_bands": [k2.pk],
            "district": district.pk,
            "school": school.pk,
            "years_experience": "8",
            "students_served": "240",
            "interests": [topic.pk],
            "preferred_language": "es",
            "notify_reminders": "on",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("accounts:me")
    assert "Your profile is saved" in response.content.decode()
    user = User.objects.get(email="rosa.delgado@example.org")
    assert user.get_full_name() == "Rosa Delgado"
    assert user.role == User.Role.COUNSELOR
    assert list(user.grade_bands.all()) == [k2]
    assert user.school == school and user.years_experience == 8 and user.students_served == 240
    assert user.preferred_language == "es"
    assert user.notify_reminders and not user.notify_updates
    assert user.onboarded_at is not None

    # Next time they sign in they go straight to My hub, not back to onboarding.
    client.logout()
    response = client.post(reverse("account_login"), login)
    assert response["Location"] == reverse("accounts:me")


@pytest.mark.django_db
def test_weak_password_is_refused_and_the_email_is_kept(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new.teacher@example.org", "password1": "short1", "password2": "short1"},
    )
    assert response.status_code == 200
    assert "at least 12 characters" in field_errors(response, "password1")
    assert soup(response).find("input", {"name": "email"})["value"] == "new.teacher@example.org"
    assert not User.objects.filter(email="new.teacher@example.org").exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_duplicate_email_is_refused_whatever_its_case(client):
    factories.UserFactory(email="maria.garcia@example.org")
    response = client.post(
        reverse("account_signup"),
        {"email": "Maria.Garcia@example.org", "password1": STRONG, "password2": STRONG},
    )
    assert response.status_code == 200
    assert "already registered" in field_errors(response, "email")
    assert User.objects.filter(email__iexact="maria.garcia@example.org").count() == 1


@pytest.mark.django_db
def test_missing_fields_are_named(client):
    response = client.post(
        reverse("account_signup"), {"email": "", "password1": "", "password2": ""}
    )
    assert response.status_code == 200
    assert "This field is required" in field_errors(response, "email")
    assert "This field is required" in field_errors(response, "password1")
    assert soup(response).find(class_="form-errors") is not None


@pytest.mark.django_db
def test_onboarding_keeps_what_was_typed_when_something_is_missing(client, educator):
    client.force_login(educator)
    response = client.post(
        reverse("accounts:onboarding"),
        {"first_name": "Luis", "last_name": "", "role": "", "years_experience": "12"},
    )
    assert response.status_code == 200
    page = soup(response)
    assert page.find("input", {"name": "first_name"})["value"] == "Luis"
    assert page.find("input", {"name": "years_experience"})["value"] == "12"
    assert "This field is required" in field_errors(response, "last_name")
    assert "This field is required" in field_errors(response, "role")
    educator.refresh_from_db()
    assert educator.first_name != "Luis"


@pytest.mark.django_db
def test_profile_refuses_a_school_from_another_district(client, educator):
    other_school = factories.SchoolFactory(name="Far Away School")
    client.force_login(educator)
    response = client.post(
        reverse("accounts:profile"),
        {
            "first_name": "Ana",
            "last_name": "Ruiz",
            "role": User.Role.TEACHER,
            "grade_bands": [GradeBand.objects.first().pk],
            "district": educator.district.pk,
            "school": other_school.pk,
            "preferred_language": "en",
        },
    )
    assert response.status_code == 200
    assert "not in the district" in field_errors(response, "school")
    educator.refresh_from_db()
    assert educator.school != other_school


@pytest.mark.django_db
def test_profile_edit_saves_and_confirms(client, educator):
    client.force_login(educator)
    response = client.post(
        reverse("accounts:profile"),
        {
            "first_name": "Ana",
            "last_name": "Ruiz",
            "role": User.Role.COACH,
            "grade_bands": [b.pk for b in GradeBand.objects.filter(code__in=["6-8", "9-12"])],
            "district": educator.district.pk,
            "preferred_language": "en",
            "notify_digest": "on",
        },
        follow=True,
    )
    assert "Your profile has been saved." in response.content.decode()
    educator.refresh_from_db()
    assert educator.role == User.Role.COACH and educator.notify_digest
    assert educator.grade_bands.count() == 2


@pytest.mark.django_db
def test_pages_about_me_need_a_sign_in(client):
    for name in ("accounts:me", "accounts:profile", "accounts:onboarding"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_password_reset_sends_an_email(client, educator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": educator.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


@pytest.mark.django_db
def test_signing_up_from_an_event_comes_back_to_it_signed_in_with_register_in_reach(
    client, django_capture_on_commit_callbacks
):
    event = factories.EventFactory(title="Restorative Circles", capacity=20)
    page = soup(client.get(event.get_absolute_url()))
    signup_link = page.find("a", string="Create a free account")["href"]
    assert signup_link == f"{reverse('account_signup')}?next={event.get_absolute_url()}"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            signup_link,
            {"email": "lena.yazzie@example.org", "password1": STRONG, "password2": STRONG},
        )
    assert response["Location"] == reverse("account_email_verification_sent")

    # The link in the e-mail, opened in the same browser: signed in, onboarding first…
    response = client.post(confirmation_link(mail.outbox[-1]))
    onboarding = response["Location"]
    assert onboarding.startswith(reverse("accounts:onboarding"))
    page = soup(client.get(onboarding))
    assert page.select_one("main form input[name=next]")["value"] == event.get_absolute_url()

    # …then back to the event, where the register button is the next thing to press.
    response = client.post(
        onboarding,
        {
            "first_name": "Lena",
            "last_name": "Yazzie",
            "role": User.Role.TEACHER,
            "grade_bands": [GradeBand.objects.get(code="k-2").pk],
            "preferred_language": "en",
            "next": event.get_absolute_url(),
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == event.get_absolute_url()
    page = soup(response)
    assert page.find("button", string=re.compile(r"^\s*Register\s*$")) is not None
    assert "Sign in" not in page.select_one("header").get_text()
