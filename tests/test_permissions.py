"""Every URL pattern of the hub, walked as seven people: anonymous, an educator, provider
A's staff, provider B's staff, a community facilitator, a coordinator and a district partner.

The patterns come from the resolver (``django.urls.get_resolver()``, recursively, admin
and allauth included), so a new route is covered the moment it exists: a route with no
expectation fails ``test_every_route_has_an_expectation`` with its name.

Where the expectations live:
- ``ROUTES`` below: ONE dict, route name → how to build its URL from the test world and
  the status each role gets (several cases where the answer depends on the object,
  e.g. a published and a draft event). Add new routes here.
- The back office's generated model views (``admin:<app>_<model>_changelist|add|change|
  history|delete`` and the unnamed ``<id>/`` redirect) are derived from the admin site's
  registry and the roles' permission tables in ``trec.accounts.roles`` (see
  ``admin_model_answer``); each registered model needs one object in
  ``ADMIN_OBJECTS``, else the walk fails naming it.

Answers: 200/403/404/405, ``LOGIN`` (a redirect to the site's or the back office's
sign-in page) or ``302`` (any other redirect). Another provider's objects are 404,
never 403.
"""

import datetime

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core import signing
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from communities.models import Community, Thread
from communities.models import Post as DiscussionPost
from events.follows.models import SavedSearch
from events.models import Event
from gratitude.models import Post as GratitudePost
from gratitude.models import Wall
from providers.models import ProviderMembership
from surveys.models import Invitation
from tests import factories
from tests.communities.factories import CommunityFactory, MeetingFactory, MembershipFactory
from tests.proposals.factories import CallFactory, add_reviewer
from tests.proposals.factories import proposal as make_proposal
from trec.accounts.models import GradeBand
from trec.accounts.roles import (
    COORDINATOR_APPS,
    COORDINATOR_EXCLUDED,
    COORDINATORS_GROUP,
    PROVIDER_STAFF_PERMISSIONS,
)
from trec.districts.models import DistrictPartner, TranscriptShare
from trec.impact import services as impact_services
from trec.impact.periods import Period
from trec.notifications.models import Notification
from trec.notifications.unsubscribe import SALT as UNSUBSCRIBE_SALT
from trec.transcripts.models import Certificate, Credit

ROLES = ["anonymous", "educator", "staff_a", "staff_b", "facilitator", "coordinator", "district"]
LOGIN = "login"  # a redirect to the sign-in page (site or admin)
REDIRECT = 302  # any other redirect


def answers(
    anonymous, educator, staff_a, staff_b, facilitator, coordinator, *, district=None
) -> dict:
    """What each role gets. A district partner is an educator with one more role: they
    get what an educator gets unless `district` says otherwise."""
    district = educator if district is None else district
    people = [anonymous, educator, staff_a, staff_b, facilitator, coordinator, district]
    return dict(zip(ROLES, people, strict=True))


def everyone(status) -> dict:
    return dict.fromkeys(ROLES, status)


PUBLIC = everyone(200)
SIGNED_IN = answers(LOGIN, 200, 200, 200, 200, 200)
# A POST-only action that needs an account: GET is 405 once signed in.
POST_SIGNED_IN = answers(LOGIN, 405, 405, 405, 405, 405)
# A POST-only action: GET is 405 for everyone (a POST without an account signs in first).
POST_ONLY = everyone(405)
# Pages for a provider's own staff (and coordinators) in the back office.
ADMIN_STAFF = answers(LOGIN, LOGIN, 200, 200, LOGIN, 200)
ADMIN_A_ONLY = answers(LOGIN, LOGIN, 200, 404, LOGIN, 200)
ADMIN_COORDINATOR = answers(LOGIN, LOGIN, 403, 403, LOGIN, 200)
# Coordinators' desks (the review desk, the audit log): anyone else on staff gets a 404.
ADMIN_DESK = answers(LOGIN, LOGIN, 404, 404, LOGIN, 200)
ADMIN_DESK_POST = answers(LOGIN, LOGIN, 404, 404, LOGIN, 405)
# A community's managers: its facilitators and coordinators.
COP_MANAGERS = answers(LOGIN, 403, 403, 403, 200, 200)
# A partner district's pages: its district partner only.
DISTRICT_PARTNER = answers(LOGIN, 403, 403, 403, 403, 403, district=200)
# Draft events: their provider's staff and coordinators preview them; others 404.
PREVIEW_A = answers(404, 404, 200, 404, 404, 200)


def admin_url(name, *args):
    return reverse(f"admin:{name}", args=args)


# --- The test world -------------------------------------------------------------------


@pytest.fixture
def world(db):
    provider_a = factories.ProviderFactory(name="Provider A")
    provider_b = factories.ProviderFactory(name="Provider B")
    educator = factories.EducatorFactory()
    facilitator = factories.EducatorFactory()
    member = factories.EducatorFactory()
    people = {
        "anonymous": None,
        "educator": educator,
        "staff_a": factories.ProviderStaffFactory(provider=provider_a),
        "staff_b": factories.ProviderStaffFactory(provider=provider_b),
        "facilitator": facilitator,
        "coordinator": factories.CoordinatorFactory(),
        # The PD lead of the member's district (who shares their transcript with it).
        "district": factories.EducatorFactory(district=member.district),
    }
    DistrictPartner.objects.create(user=people["district"], district=member.district)
    TranscriptShare.objects.create(user=member, district=member.district)
    published_a = factories.EventFactory(provider=provider_a, title="Published A")
    draft_a = factories.EventFactory(
        provider=provider_a, title="Draft A", status=Event.Status.DRAFT, published_at=None
    )
    external_a = factories.EventFactory(
        provider=provider_a,
        title="External A",
        registration_mode=Event.RegistrationMode.EXTERNAL,
        external_registration_url="https://provider-a.example.org/register",
    )
    registration_a = factories.RegistrationFactory(event=published_a, user=member)

    community = CommunityFactory(title="Early Literacy Circle", facilitators=[facilitator])
    membership = MembershipFactory(community=community, user=member)
    MeetingFactory(community=community)
    thread = Thread.objects.create(community=community, title="Welcome", author=member)
    discussion_post = DiscussionPost.objects.create(thread=thread, author=member, body="Hello!")

    today = timezone.localdate()
    wall = Wall.objects.create(
        title="December 2026",
        slug="december-2026",
        season="December 2026",
        intro="Thank an educator.",
        opens_on=today - datetime.timedelta(days=5),
        closes_on=today + datetime.timedelta(days=25),
    )
    wall.partners.set([provider_a])
    gratitude_post = GratitudePost.objects.create(
        wall=wall,
        message="Thank you for everything.",
        recipient_name="Ms. Rivera",
        author_name="A parent",
        status=GratitudePost.Status.APPROVED,
    )

    credit = Credit.objects.create(
        user=member,
        source_kind=Credit.Source.MANUAL,
        title="Summer institute",
        hours=3,
        earned_on=today,
        reason="Attended in person.",
    )
    certificate = Certificate.objects.create(
        user=member,
        kind=Certificate.Kind.YEAR,
        subject_key="2026-2027",
        recipient_name="A Member",
        title="PD hours 2026–2027",
        hours=3,
        first_date=today,
        last_date=today,
    )
    notification = Notification.objects.create(
        recipient=member, kind="registration_confirmed", subject=registration_a
    )
    impact_snapshot = impact_services.snapshot_compute(
        snapshot_id=impact_services.snapshot_get_or_create(period=Period.year(today.year)).pk
    )
    saved_search = SavedSearch.objects.create(
        user=member, query="provider=provider-a", provider=provider_a
    )
    offering_a = factories.OfferingFactory(provider=provider_a)
    session_request_a = factories.SessionRequestFactory(offering=offering_a)
    # Surveys: an identified needs survey (with its gap report), an open anonymous one.
    needs_survey = factories.SurveyFactory(title="Needs 2026", kind="needs")
    survey_question = factories.QuestionFactory(survey=needs_survey)
    anonymous_survey = factories.SurveyFactory(title="Quick poll", anonymous=True)
    factories.QuestionFactory(survey=anonymous_survey)
    invitation = Invitation.objects.create(survey=anonymous_survey)
    social_app = SocialApp.objects.create(provider="google", name="Google", client_id="x")
    social_account = SocialAccount.objects.create(user=member, provider="google", uid="123")
    social_token = SocialToken.objects.create(app=social_app, account=social_account, token="t")

    # Calls for proposals: the educator leads a proposal to provider A's summit and
    # invites provider A's staff member; the facilitator reviews this call, not the other.
    call = CallFactory(event=factories.ProgramFactory(provider=provider_a, title="Summit A 2027"))
    other_call = CallFactory()
    add_reviewer(call, facilitator)
    proposal = make_proposal(call, educator, co_presenters=[people["staff_a"].email])

    # One object for every model registered in the back office, for its change, history
    # and delete views (see ADMIN_OBJECTS).
    objects = {
        "auth.Group": Group.objects.get(name=COORDINATORS_GROUP),
        "account.EmailAddress": member.emailaddress_set.get(),
        "socialaccount.SocialApp": social_app,
        "socialaccount.SocialToken": social_token,
        "socialaccount.SocialAccount": social_account,
        "accounts.User": member,
        "accounts.District": member.district,
        "accounts.School": member.school,
        "accounts.GradeBand": GradeBand.objects.first(),
        "transcripts.Credit": credit,
        "transcripts.Certificate": certificate,
        "notifications.Notification": notification,
        "follows.SavedSearch": saved_search,
        "districts.DistrictPartner": DistrictPartner.objects.get(),
        "providers.Provider": provider_a,
        "providers.ProviderMembership": ProviderMembership.objects.get(user=people["staff_a"]),
        "providers.Offering": offering_a,
        "providers.SessionRequest": session_request_a,
        "events.Topic": factories.TopicFactory(),
        "events.Event": published_a,
        "events.Registration": registration_a,
        "communities.Community": community,
        "communities.Membership": membership,
        "communities.Thread": thread,
        "gratitude.Wall": wall,
        "gratitude.Post": gratitude_post,
        "impact.ImpactSnapshot": impact_snapshot,
        "surveys.Survey": needs_survey,
        "surveys.Question": survey_question,
        "surveys.Invitation": invitation,
        "proposals.Call": call,
        "proposals.Proposal": proposal,
    }
    return {
        "people": people,
        "provider_a": provider_a,
        "published_a": published_a,
        "draft_a": draft_a,
        "external_a": external_a,
        "registration_a": registration_a,
        "community": community,
        "thread": thread,
        "discussion_post": discussion_post,
        "wall": wall,
        "gratitude_post": gratitude_post,
        "certificate": certificate,
        "member": member,
        "social_account": social_account,
        "session_request_a": session_request_a,
        "needs_survey": needs_survey,
        "anonymous_survey": anonymous_survey,
        "call": call,
        "other_call": other_call,
        "proposal": proposal,
        "saved_search": saved_search,
        "objects": objects,
    }


def slug(key):
    return lambda w: [w[key].slug]


# --- THE expectation table ------------------------------------------------------------
# route name → (URL builder, answers) or a list of (case label, URL builder, answers).
# A URL builder takes the world and returns a path; ``url(name, args)`` reverses `name`
# with args taken from the world.


def url(name, args=None, query=""):
    def build(w):
        return reverse(name, args=args(w) if args else None) + query

    return build


CHECK_IN_DESK = answers(LOGIN, 403, 200, 403, 403, 200)
SIGNED_IN_404 = answers(LOGIN, 404, 404, 404, 404, 404)
REVIEWER = answers(LOGIN, 404, 404, 404, 200, 404)  # the facilitator reviews the call
COORDINATOR_PAGE = answers(LOGIN, 403, 403, 403, 403, 200)


def program_url(name, extra=None):
    """A URL about provider A's summit (one session, the member registered), made on
    first use so the rest of the world stays as it is."""

    def build(w):
        if "program_a" not in w:
            from events.services import registration_create

            summit = factories.ProgramFactory(provider=w["provider_a"], title="Summit A")
            w["program_session"] = factories.ProgramSessionFactory(event=summit)
            w["program_registration"] = registration_create(
                event=summit, user=w["member"]
            ).registration
            w["program_a"] = summit
        from events.programs.checkin import checkin_token

        args = [w["program_a"].slug]
        if extra == "registration":
            args.append(w["program_registration"].pk)
        elif extra == "token":
            args.append(checkin_token(w["program_registration"]))
        elif extra == "session":
            args.append(w["program_session"].pk)
        return reverse(name, args=args)

    return build


ROUTES = {
    # Site pages
    "home": (url("home"), PUBLIC),
    "healthz": (url("healthz"), PUBLIC),
    "status": (url("status"), PUBLIC),
    "ping": (url("ping"), PUBLIC),
    "accessibility": (url("accessibility"), PUBLIC),
    "set_language": (url("set_language"), everyone(405)),
    # Catalog and events
    "events:catalog": [
        ("catalog", url("events:catalog"), PUBLIC),
        ("filtered", url("events:catalog", query="?kind=webinar&cost=free&q=reading"), PUBLIC),
    ],
    "events:suggest": (url("events:suggest", query="?q=rea"), PUBLIC),
    "events:detail": [
        ("published", url("events:detail", slug("published_a")), PUBLIC),
        ("draft", url("events:detail", slug("draft_a")), PREVIEW_A),
    ],
    "events:calendar": [
        ("published", url("events:calendar", slug("published_a")), PUBLIC),
        ("draft", url("events:calendar", slug("draft_a")), PREVIEW_A),
    ],
    "events:go": (url("events:go", slug("external_a")), everyone(REDIRECT)),
    "events:register": (url("events:register", slug("published_a")), POST_ONLY),
    "events:cancel": (url("events:cancel", slug("published_a")), POST_ONLY),
    "events:save": (url("events:save", slug("published_a")), POST_ONLY),
    # Programs (provider A's summit): the schedule is public, my schedule needs an account,
    # the check-in desk is for A's staff and coordinators (events.programs.views).
    "events:schedule": (program_url("events:schedule"), PUBLIC),
    "events:schedule_choose": (program_url("events:schedule_choose"), POST_ONLY),
    "events:schedule_drop": (program_url("events:schedule_drop"), POST_ONLY),
    "events:my_schedule": (program_url("events:my_schedule"), SIGNED_IN),
    "events:my_schedule_calendar": (program_url("events:my_schedule_calendar"), SIGNED_IN),
    "events:check_in": (program_url("events:check_in"), CHECK_IN_DESK),
    "events:check_in_mark": (program_url("events:check_in_mark", "registration"), POST_ONLY),
    "events:check_in_scan": (program_url("events:check_in_scan"), CHECK_IN_DESK),
    "events:check_in_token": (program_url("events:check_in_token", "token"), CHECK_IN_DESK),
    "events:session_attendance": (
        program_url("events:session_attendance", "session"),
        CHECK_IN_DESK,
    ),
    # Providers
    "providers:directory": (url("providers:directory"), PUBLIC),
    "providers:detail": (url("providers:detail", slug("provider_a")), PUBLIC),
    # On-site requests: anyone asks; the private status link needs no account.
    "providers:request": (url("providers:request", slug("provider_a")), PUBLIC),
    "providers:request_status": (lambda w: w["session_request_a"].status_url(), PUBLIC),
    "providers:request_thanks": (
        lambda w: reverse("providers:request_thanks", args=[w["session_request_a"].token]),
        PUBLIC,
    ),
    # Gratitude walls (provider A is the wall's partner: its staff moderate it)
    "gratitude:walls": (url("gratitude:walls"), PUBLIC),
    "gratitude:wall": (url("gratitude:wall", slug("wall")), PUBLIC),
    "gratitude:post": (url("gratitude:post", slug("wall")), PUBLIC),
    "gratitude:print": (url("gratitude:print", slug("wall")), PUBLIC),
    "gratitude:pdf": (url("gratitude:pdf", slug("wall")), PUBLIC),
    "gratitude:post_detail": (
        url("gratitude:post_detail", lambda w: [w["wall"].slug, w["gratitude_post"].pk]),
        PUBLIC,
    ),
    "gratitude:heart": (
        url("gratitude:heart", lambda w: [w["wall"].slug, w["gratitude_post"].pk]),
        everyone(405),
    ),
    "gratitude:moderate": (
        url("gratitude:moderate", slug("wall")),
        answers(LOGIN, 404, 200, 404, 404, 200),
    ),
    "gratitude:moderate_edit": (
        url("gratitude:moderate_edit", lambda w: [w["wall"].slug, w["gratitude_post"].pk]),
        answers(LOGIN, 404, 200, 404, 404, 200),
    ),
    # Communities of practice (the facilitator runs "Early Literacy Circle")
    "communities:list": (url("communities:list"), PUBLIC),
    "communities:detail": (url("communities:detail", slug("community")), PUBLIC),
    "communities:apply": (url("communities:apply", slug("community")), POST_ONLY),
    "communities:withdraw": (url("communities:withdraw", slug("community")), POST_ONLY),
    "communities:roster": (url("communities:roster", slug("community")), COP_MANAGERS),
    "communities:roster_csv": (url("communities:roster_csv", slug("community")), COP_MANAGERS),
    "communities:email": (url("communities:email", slug("community")), COP_MANAGERS),
    "communities:attendance": (url("communities:attendance", slug("community")), COP_MANAGERS),
    "communities:meeting_new": (url("communities:meeting_new", slug("community")), COP_MANAGERS),
    "communities:board": (url("communities:board", slug("community")), COP_MANAGERS),
    "communities:thread": (
        url("communities:thread", lambda w: [w["community"].slug, w["thread"].pk]),
        COP_MANAGERS,
    ),
    "communities:post_edit": (
        url("communities:post_edit", lambda w: [w["community"].slug, w["discussion_post"].pk]),
        answers(LOGIN, 403, 403, 403, 403, 403),
    ),
    "communities:post_delete": (
        url("communities:post_delete", lambda w: [w["community"].slug, w["discussion_post"].pk]),
        POST_ONLY,
    ),
    "communities:post_hide": (
        url("communities:post_hide", lambda w: [w["community"].slug, w["discussion_post"].pk]),
        POST_ONLY,
    ),
    # The educator's own pages
    "accounts:me": (url("accounts:me"), SIGNED_IN),
    "follows:list": (url("follows:list"), SIGNED_IN),
    "districts:dashboard": (url("districts:dashboard"), DISTRICT_PARTNER),
    "districts:educators": (url("districts:educators"), DISTRICT_PARTNER),
    "districts:educator": (url("districts:educator", lambda w: [w["member"].pk]), DISTRICT_PARTNER),
    "districts:educator_export": [
        (
            fmt,
            url("districts:educator_export", lambda w, fmt=fmt: [w["member"].pk, fmt]),
            DISTRICT_PARTNER,
        )
        for fmt in ("csv", "xlsx", "pdf")
    ],
    "districts:share": (url("districts:share"), POST_SIGNED_IN),
    "follows:save": (url("follows:save"), POST_SIGNED_IN),
    "follows:follow": (url("follows:follow"), POST_SIGNED_IN),
    "follows:update": (url("follows:update", lambda w: [w["saved_search"].pk]), POST_SIGNED_IN),
    "follows:delete": (url("follows:delete", lambda w: [w["saved_search"].pk]), POST_SIGNED_IN),
    "accounts:onboarding": (url("accounts:onboarding"), SIGNED_IN),
    "accounts:profile": (url("accounts:profile"), SIGNED_IN),
    "accounts:my_data": (url("accounts:my_data"), SIGNED_IN),
    "accounts:my_data_json": (url("accounts:my_data_json"), SIGNED_IN),
    "accounts:my_data_csv": (url("accounts:my_data_csv"), SIGNED_IN),
    "accounts:delete_account": (url("accounts:delete_account"), SIGNED_IN),
    "accounts:calendar_reset": (url("accounts:calendar_reset"), POST_SIGNED_IN),
    "accounts:calendar_feed": [
        (
            "right token",
            url("accounts:calendar_feed", lambda w: [w["member"].calendar_token]),
            PUBLIC,
        ),
        ("wrong token", url("accounts:calendar_feed", lambda w: ["not-a-token"]), everyone(404)),
    ],
    "notifications:unsubscribe": [
        (
            "signed link",
            url(
                "notifications:unsubscribe",
                lambda w: [signing.dumps({"e": "x@example.org"}, salt=UNSUBSCRIBE_SALT)],
            ),
            PUBLIC,
        ),
        # An alert e-mail's link for one saved search: anyone holding it; GET only asks.
        (
            "saved search link",
            url(
                "notifications:unsubscribe",
                lambda w: [
                    signing.dumps(
                        {
                            "u": w["saved_search"].user_id,
                            "k": "saved_search_alert",
                            "s": [w["saved_search"].pk],
                        },
                        salt=UNSUBSCRIBE_SALT,
                    )
                ],
            ),
            PUBLIC,
        ),
        ("forged link", url("notifications:unsubscribe", lambda w: ["forged"]), everyone(404)),
    ],
    "transcripts:transcript": (url("transcripts:transcript"), SIGNED_IN),
    "transcripts:csv": (url("transcripts:csv"), SIGNED_IN),
    "transcripts:pdf": (url("transcripts:pdf"), SIGNED_IN),
    "transcripts:certificate_create": (url("transcripts:certificate_create"), POST_SIGNED_IN),
    "certificates:verify": [
        ("issued", url("certificates:verify", lambda w: [w["certificate"].code]), PUBLIC),
        ("unknown", url("certificates:verify", lambda w: ["AAAA-BBBB-CCCC"]), everyone(404)),
    ],
    "certificates:pdf": (url("certificates:pdf", lambda w: [w["certificate"].code]), PUBLIC),
    # Impact report: public pages; the dashboard, recompute and exports for coordinators
    "impact:report": (url("impact:report"), PUBLIC),
    "impact:year": [
        ("with a report", url("impact:year", lambda w: [timezone.localdate().year]), PUBLIC),
        ("without", url("impact:year", lambda w: [1999]), everyone(404)),
    ],
    "impact:dashboard": (url("impact:dashboard"), answers(LOGIN, 403, 403, 403, 403, 200)),
    "impact:recompute": (url("impact:recompute"), POST_ONLY),
    "impact:status": (
        url("impact:status", lambda w: [w["objects"]["impact.ImpactSnapshot"].pk]),
        answers(LOGIN, 403, 403, 403, 403, 200),
    ),
    "impact:csv": (
        url("impact:csv", lambda w: [str(timezone.localdate().year)]),
        answers(LOGIN, 403, 403, 403, 403, 200),
    ),
    "impact:pdf": (
        url("impact:pdf", lambda w: [str(timezone.localdate().year)]),
        answers(LOGIN, 403, 403, 403, 403, 200),
    ),
    # Surveys: identified ones need an account; reports are for coordinators (and, for
    # event feedback, the event's provider staff); everyone else 404.
    "surveys:index": (url("surveys:index"), PUBLIC),
    "surveys:take": [
        ("identified", url("surveys:take", slug("needs_survey")), SIGNED_IN),
        ("anonymous", url("surveys:take", slug("anonymous_survey")), PUBLIC),
    ],
    "surveys:thanks": (url("surveys:thanks", slug("needs_survey")), PUBLIC),
    "surveys:report": (
        url("surveys:report", slug("needs_survey")),
        answers(LOGIN, 404, 404, 404, 404, 200),
    ),
    "surveys:report_csv": (
        url("surveys:report_csv", slug("needs_survey")),
        answers(LOGIN, 404, 404, 404, 404, 200),
    ),
    "surveys:gaps": (
        url("surveys:gaps", slug("needs_survey")),
        answers(LOGIN, 404, 404, 404, 404, 200),
    ),
    "surveys:preview": (
        url("surveys:preview", slug("needs_survey")),
        answers(LOGIN, 404, 404, 404, 404, 200),
    ),
    "surveys:attach_feedback": (
        url("surveys:attach_feedback", lambda w: [w["published_a"].pk]),
        POST_ONLY,
    ),
    # Calls for proposals: public calls; a proposal for its presenters (the educator
    # leads it) and coordinators; review for the call's committee only (the facilitator
    # reviews "call", not "other_call"); managing for coordinators (events.proposals.access).
    "proposals:calls": (url("proposals:calls"), PUBLIC),
    "proposals:call": (url("proposals:call", slug("call")), PUBLIC),
    "proposals:submit": (url("proposals:submit", slug("call")), SIGNED_IN),
    "proposals:proposal": (
        url("proposals:proposal", lambda w: [w["proposal"].pk]),
        # The educator proposed it; staff A is invited to co-present.
        answers(LOGIN, 200, 200, 404, 404, 200, district=404),
    ),
    "proposals:edit": (
        url("proposals:edit", lambda w: [w["proposal"].pk]),
        answers(LOGIN, 200, 404, 404, 404, 404, district=404),
    ),
    "proposals:withdraw": (url("proposals:withdraw", lambda w: [w["proposal"].pk]), POST_ONLY),
    "proposals:confirm": (url("proposals:confirm", lambda w: [w["proposal"].pk]), POST_ONLY),
    "proposals:invitation": [
        (
            "sent to staff A",
            url(
                "proposals:invitation",
                lambda w: [w["proposal"].presenters.get(is_lead=False).token],
            ),
            answers(LOGIN, 403, 200, 403, 403, 403),
        ),
        ("unknown", url("proposals:invitation", lambda w: ["no-such-token"]), SIGNED_IN_404),
    ],
    "proposals:review_list": [
        ("reviewed", url("proposals:review_list", slug("call")), REVIEWER),
        ("not reviewed", url("proposals:review_list", slug("other_call")), SIGNED_IN_404),
    ],
    "proposals:review": (
        url("proposals:review", lambda w: [w["call"].slug, w["proposal"].pk]),
        REVIEWER,
    ),
    "proposals:conflict": (
        url("proposals:conflict", lambda w: [w["call"].slug, w["proposal"].pk]),
        POST_ONLY,
    ),
    "proposals:manage": (url("proposals:manage", slug("call")), COORDINATOR_PAGE),
    "proposals:decide": (url("proposals:decide", slug("call")), POST_ONLY),
    "proposals:schedule": (
        url("proposals:schedule", lambda w: [w["call"].slug, w["proposal"].pk]),
        COORDINATOR_PAGE,
    ),
    "proposals:credits": (url("proposals:credits", slug("call")), POST_ONLY),
    # Sign-in and account management (django-allauth)
    "account_login": (url("account_login"), answers(200, *[REDIRECT] * 5)),
    "account_logout": (url("account_logout"), answers(REDIRECT, *[200] * 5)),
    "account_inactive": (url("account_inactive"), PUBLIC),
    "account_signup": (url("account_signup"), answers(200, *[REDIRECT] * 5)),
    "account_reauthenticate": (url("account_reauthenticate"), SIGNED_IN),
    "account_email": (url("account_email"), SIGNED_IN),
    "account_email_verification_sent": (url("account_email_verification_sent"), PUBLIC),
    "account_change_password": (url("account_change_password"), SIGNED_IN),
    # Everyone here has a password: the "set a password" page sends them to "change".
    "account_set_password": (url("account_set_password"), answers(LOGIN, *[REDIRECT] * 5)),
    "account_reset_password": (url("account_reset_password"), PUBLIC),
    "account_reset_password_done": (url("account_reset_password_done"), PUBLIC),
    # Without a login code in progress there is nothing to confirm.
    "account_confirm_login_code": (
        url("account_confirm_login_code"),
        answers(LOGIN, *[REDIRECT] * 5),
    ),
    # A made-up key shows "this link is invalid or expired" (never a server error).
    "account_confirm_email": (url("account_confirm_email", lambda w: ["made-up-key"]), PUBLIC),
    "account_reset_password_from_key": (
        url("account_reset_password_from_key", lambda w: ["1", "made-up-key"]),
        PUBLIC,
    ),
    "account_reset_password_from_key_done": (url("account_reset_password_from_key_done"), PUBLIC),
    "socialaccount_login_cancelled": (url("socialaccount_login_cancelled"), PUBLIC),
    "socialaccount_login_error": (url("socialaccount_login_error"), everyone(401)),
    # Without a social sign-up in progress it sends people to the login page.
    "socialaccount_signup": (url("socialaccount_signup"), everyone(LOGIN)),
    "socialaccount_connections": (url("socialaccount_connections"), SIGNED_IN),
    # allauth's old /accounts/social/ paths: permanent redirects to the new ones.
    "<unnamed> accounts/social/login/cancelled/": (
        lambda w: "/accounts/social/login/cancelled/",
        everyone(301),
    ),
    "<unnamed> accounts/social/login/error/": (
        lambda w: "/accounts/social/login/error/",
        everyone(301),
    ),
    "<unnamed> accounts/social/signup/": (lambda w: "/accounts/social/signup/", everyone(301)),
    "<unnamed> accounts/social/connections/": (
        lambda w: "/accounts/social/connections/",
        everyone(301),
    ),
    # Back office: the site-wide views
    "admin:index": (url("admin:index"), ADMIN_STAFF),
    "admin:login": (url("admin:login"), answers(200, 200, REDIRECT, REDIRECT, 200, REDIRECT)),
    # Signing out of the back office is a POST; people who are not staff are sent away.
    "admin:logout": (url("admin:logout"), answers(REDIRECT, REDIRECT, 405, 405, REDIRECT, 405)),
    "admin:password_change": (url("admin:password_change"), ADMIN_STAFF),
    "admin:password_change_done": (url("admin:password_change_done"), ADMIN_STAFF),
    # Without the query parameters it needs, the autocomplete answers 403 to staff too.
    "admin:autocomplete": (url("admin:autocomplete"), answers(LOGIN, LOGIN, 403, 403, LOGIN, 403)),
    "admin:jsi18n": (url("admin:jsi18n"), ADMIN_STAFF),
    # "View on site" (/admin/r/…): see view_on_site_routes().
    "admin:app_list": [
        ("events", lambda w: reverse("admin:app_list", args=["events"]), ADMIN_STAFF),
        (
            "auth",
            lambda w: reverse("admin:app_list", args=["auth"]),
            answers(LOGIN, LOGIN, 404, 404, LOGIN, 404),
        ),
    ],
    "admin:auth_user_password_change": (
        lambda w: admin_url("auth_user_password_change", w["member"].pk),
        ADMIN_COORDINATOR,
    ),
    # Back office: the events admin's own views
    "admin:events_event_roster": (
        lambda w: admin_url("events_event_roster", w["published_a"].pk),
        ADMIN_A_ONLY,
    ),
    "admin:events_event_roster_csv": (
        lambda w: admin_url("events_event_roster_csv", w["published_a"].pk),
        ADMIN_A_ONLY,
    ),
    "admin:events_event_roster_email": (
        lambda w: admin_url("events_event_roster_email", w["published_a"].pk),
        ADMIN_A_ONLY,
    ),
    "admin:events_event_cancel": (
        lambda w: admin_url("events_event_cancel", w["published_a"].pk),
        ADMIN_A_ONLY,
    ),
    # Listing fast (events.admin.listing): another provider's event is not found.
    "admin:events_event_duplicate": (
        lambda w: admin_url("events_event_duplicate", w["published_a"].pk),
        ADMIN_A_ONLY,
    ),
    "admin:events_event_series": (
        lambda w: admin_url("events_event_series", w["published_a"].pk),
        ADMIN_A_ONLY,
    ),
    "admin:events_event_save_template": (
        lambda w: admin_url("events_event_save_template", w["published_a"].pk),
        ADMIN_A_ONLY,
    ),
    "admin:events_event_templates": (url("admin:events_event_templates"), ADMIN_STAFF),
    # Back office: the survey builder (coordinators change surveys; provider staff do not)
    "admin:surveys_survey_builder": (
        lambda w: admin_url("surveys_survey_builder", w["needs_survey"].pk),
        ADMIN_COORDINATOR,
    ),
    "admin:events_event_import": (url("admin:events_event_import"), ADMIN_STAFF),
    "admin:events_event_process_import": (
        url("admin:events_event_process_import"),
        answers(LOGIN, LOGIN, 405, 405, LOGIN, 405),
    ),
    "admin:events_event_import_template": (url("admin:events_event_import_template"), ADMIN_STAFF),
    "admin:events_event_review": (url("admin:events_event_review"), ADMIN_DESK),
    "admin:events_event_review_mail": (url("admin:events_event_review_mail"), ADMIN_DESK_POST),
    "admin:events_event_review_approve": (
        lambda w: admin_url("events_event_review_approve", w["draft_a"].pk),
        ADMIN_DESK_POST,
    ),
    "admin:events_event_review_return": (
        lambda w: admin_url("events_event_review_return", w["draft_a"].pk),
        ADMIN_DESK_POST,
    ),
    "admin:audit_log": (url("admin:audit_log"), ADMIN_DESK),
    "admin:providers_sessionrequest_decide": (
        lambda w: admin_url("providers_sessionrequest_decide", w["session_request_a"].pk),
        answers(LOGIN, LOGIN, 405, 405, LOGIN, 405),  # POST only
    ),
    # Anything else under /admin/: sign in first, then "not found".
    "<unnamed> admin/(?P<url>.*)$": (
        lambda w: "/admin/no-such-page/",
        answers(LOGIN, LOGIN, 404, 404, LOGIN, 404),
    ),
}


# --- The back office's generated model views -----------------------------------------

ADMIN_VIEWS = ("changelist", "add", "change", "history", "delete")
# Models whose admin narrows every list and lookup to the staff member's own providers;
# the world's object for these belongs to provider A.
PROVIDER_SCOPED = {
    "providers.Provider",
    "providers.Offering",
    "providers.SessionRequest",
    "events.Event",
    "events.Registration",
}
OBJECT_VIEWS = ("change", "history", "delete")
# Views a ModelAdmin switches off for everyone, whatever the permissions: certificates
# are issued by the transcript page, the outbox writes and keeps its own rows.
ADMIN_SWITCHED_OFF = {
    ("transcripts.Certificate", "add"),
    ("notifications.Notification", "add"),
    ("notifications.Notification", "delete"),
    ("proposals.Proposal", "add"),
    ("follows.SavedSearch", "add"),
}


def _perms_of(role: str) -> set[tuple[str, str]]:
    from django.apps import apps

    if role == "coordinator":
        perms = set()
        for model in apps.get_models():
            label = model._meta.app_label
            if label in COORDINATOR_APPS:
                for action in ("view", "add", "change", "delete"):
                    perm = (label, f"{action}_{model._meta.model_name}")
                    if perm not in COORDINATOR_EXCLUDED:
                        perms.add(perm)
        return perms
    if role in ("staff_a", "staff_b"):
        return set(PROVIDER_STAFF_PERMISSIONS)
    return set()


def admin_model_answer(role: str, model_label: str, view: str):
    """What `role` gets from a generated admin view of `model_label`, from the role's
    permissions (trec.accounts.roles), never from the ModelAdmin itself."""
    if role in ("anonymous", "educator", "facilitator", "district"):
        return LOGIN
    app_label, model_name = model_label.split(".")
    model_name = model_name.lower()
    perms = _perms_of(role)

    def can(action):
        return (app_label, f"{action}_{model_name}") in perms

    allowed = {
        "changelist": can("view") or can("change"),
        "add": can("add"),
        "change": can("view") or can("change"),
        "history": can("view") or can("change"),
        "delete": can("delete"),
        "redirect": True,
    }[view]
    if role == "staff_b" and model_label in PROVIDER_SCOPED and view in OBJECT_VIEWS:
        return 404  # another provider's object does not exist for them
    if not allowed or (model_label, view) in ADMIN_SWITCHED_OFF:
        return 403
    if view == "redirect":
        return REDIRECT
    return 200


def view_on_site_answer(role: str, model) -> object:
    """/admin/r/<type>/<id>/ redirects to an object's page only for those who may open
    the object in the back office, and only for a model whose page is public-safe
    (secret links are not ``get_absolute_url``); anything else is 404 (trec.admin_site)."""
    change = admin_model_answer(role, model._meta.label, "change")
    if change == LOGIN:
        return LOGIN
    model_admin = admin.site._registry.get(model)
    has_page = hasattr(model, "get_absolute_url") and model_admin and model_admin.view_on_site
    return REDIRECT if change == 200 and has_page else 404


def view_on_site_routes():
    """Every model with a page or in the back office, through the shortcut."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    models = [m for m in apps.get_models() if hasattr(m, "get_absolute_url")]
    models += [m for m in admin.site._registry if m not in models]
    cases = []
    for model in models:
        label = model._meta.label

        def build(w, model=model, label=label):
            content_type = ContentType.objects.get_for_model(model)
            return reverse("admin:view_on_site", args=[content_type.pk, ADMIN_OBJECTS(w, label).pk])

        cases.append((label, build, {role: view_on_site_answer(role, model) for role in ROLES}))
    return {"admin:view_on_site": cases}


def admin_model_routes():
    """route key → [(case, builder, answers)] for every registered ModelAdmin."""
    routes = {}
    for model in admin.site._registry:
        label = model._meta.label
        info = (model._meta.app_label, model._meta.model_name)
        for view in ADMIN_VIEWS:
            name = "admin:{}_{}_{}".format(*info, view)

            def build(w, name=name, view=view, label=label):
                if view in ("changelist", "add"):
                    return reverse(name)
                return reverse(name, args=[ADMIN_OBJECTS(w, label).pk])

            routes[name] = [
                (label, build, {role: admin_model_answer(role, label, view) for role in ROLES})
            ]
        pattern = "<unnamed> admin/{}/{}/<path:object_id>/".format(*info)

        def build_redirect(w, label=label, info=info):
            return "/admin/{}/{}/{}/".format(*info, ADMIN_OBJECTS(w, label).pk)

        routes[pattern] = [
            (
                label,
                build_redirect,
                {role: admin_model_answer(role, label, "redirect") for role in ROLES},
            )
        ]
    return routes


class NoObject(Exception):
    pass


def ADMIN_OBJECTS(w, label):  # noqa: N802 - reads like the table it is
    try:
        return w["objects"][label]
    except KeyError:
        raise NoObject(f"no object for the {label} admin: add one to world['objects']") from None


# --- Walking the resolver -------------------------------------------------------------


def all_route_keys() -> list[str]:
    """Every URL pattern: its namespaced name, or "<unnamed> <pattern>"."""
    keys = []

    def walk(resolver, prefix="", namespace=None):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                if pattern.name:
                    keys.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)
                else:
                    keys.append(f"<unnamed> {prefix}{pattern.pattern}")

    walk(get_resolver())
    return list(dict.fromkeys(keys))


def expectations() -> dict:
    table = {}
    for key, value in {**admin_model_routes(), **view_on_site_routes(), **ROUTES}.items():
        table[key] = value if isinstance(value, list) else [("", *value)]
    return table


def test_every_route_has_an_expectation():
    table = expectations()
    missing = [key for key in all_route_keys() if key not in table]
    assert not missing, (
        "These routes have no expectation in tests/test_permissions.py ROUTES "
        f"(say what each role gets): {missing}"
    )


def test_every_expectation_is_a_route():
    """Expectations for routes that no longer exist are cleaned up, not left behind."""
    stale = sorted(set(expectations()) - set(all_route_keys()))
    assert not stale, f"Expectations for routes that do not exist: {stale}"


def answer(client, path):
    response = client.get(path)
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith((reverse("account_login"), reverse("admin:login"))):
            return LOGIN
        return REDIRECT
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_intended(client, world, role):
    person = world["people"][role]
    if person is not None:
        client.force_login(person)
    table = expectations()
    got, expected = {}, {}
    for key in all_route_keys():
        for case, build, wanted in table.get(key, []):
            label = f"{key} [{case}]" if case else key
            try:
                got[label] = answer(client, build(world))
            except NoObject as missing:
                got[label] = str(missing)
            expected[label] = wanted[role]
    mismatches = {
        label: (got[label], expected[label]) for label in got if got[label] != expected[label]
    }
    assert not mismatches, f"{role}: route → (got, expected): {mismatches}"


# --- Actions ----------------------------------------------------------------------------

POSTS = [
    ("register", lambda w: reverse("events:register", args=[w["published_a"].slug])),
    ("cancel", lambda w: reverse("events:cancel", args=[w["published_a"].slug])),
    ("save", lambda w: reverse("events:save", args=[w["published_a"].slug])),
    ("save search", lambda w: reverse("follows:save")),
    ("follow", lambda w: reverse("follows:follow")),
    ("calendar reset", lambda w: reverse("accounts:calendar_reset")),
    ("delete account", lambda w: reverse("accounts:delete_account")),
    ("apply", lambda w: reverse("communities:apply", args=[w["community"].slug])),
    ("certificate", lambda w: reverse("transcripts:certificate_create")),
    ("impact recompute", lambda w: reverse("impact:recompute")),
    ("withdraw a proposal", lambda w: reverse("proposals:withdraw", args=[w["proposal"].pk])),
    (
        "score a proposal",
        lambda w: reverse("proposals:review", args=[w["call"].slug, w["proposal"].pk]),
    ),
    ("decide", lambda w: reverse("proposals:decide", args=[w["call"].slug])),
]


@pytest.mark.parametrize("name, build", POSTS, ids=[name for name, _ in POSTS])
def test_educator_actions_need_an_account(client, world, name, build):
    response = client.post(build(world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_provider_b_cannot_change_provider_a_events_by_posting(client, world):
    """Even a hand-made POST to A's change URL is refused and changes nothing."""
    event = world["published_a"]
    client.force_login(world["people"]["staff_b"])
    response = client.post(
        admin_url("events_event_change", event.pk), {"title": "Hijacked", "summary": "x"}
    )
    assert response.status_code == 404
    event.refresh_from_db()
    assert event.title == "Published A"


def test_a_member_cannot_edit_someone_elses_discussion_post(client, world):
    other = MembershipFactory(community=world["community"]).user
    post = world["discussion_post"]
    client.force_login(other)
    path = reverse("communities:post_edit", args=[world["community"].slug, post.pk])
    assert client.post(path, {"body": "Hijacked"}).status_code == 403
    post.refresh_from_db()
    assert post.body == "Hello!"


def test_the_community_used_is_not_a_draft(world):
    """Guards the table: a draft community would make its public pages 404."""
    assert world["community"].status == Community.Status.OPEN
