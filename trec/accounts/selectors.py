"""Everything the hub holds about one person, for "download my data" (/me/data/).

``personal_data`` returns plain, JSON-ready sections (lists of flat records); the JSON
download is that structure, the CSV download is the same records in long form
(section, record, field, value). A fixed number of queries whatever the amount of data.
"""

import datetime
import json
from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.db.models import Prefetch

from communities.models import MeetingAttendance, Membership
from communities.models import Post as DiscussionPost
from events.follows.models import SavedSearch
from events.models import Attendance, OutboundClick, Registration, SavedEvent
from gratitude.models import Post as GratitudePost
from gratitude.models import Reaction
from providers.models import SessionRequest
from surveys.models import Answer
from surveys.models import Response as SurveyResponse
from trec.districts.models import DistrictAccess, TranscriptShare
from trec.notifications.models import Notification
from trec.transcripts.models import Certificate, Credit

from .models import User


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _record(**fields) -> dict:
    return {name: _plain(value) for name, value in fields.items()}


def _profile(user: User) -> dict:
    return _record(
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        role=user.get_role_display() if user.role else "",
        district=user.district.name if user.district else "",
        school=user.school.name if user.school else "",
        grade_bands=", ".join(band.name for band in user.grade_bands.all()),
        years_experience=user.years_experience,
        students_served=user.students_served,
        interests=", ".join(topic.name for topic in user.interests.all()),
        preferred_language=user.get_preferred_language_display(),
        notify_reminders=user.notify_reminders,
        notify_updates=user.notify_updates,
        notify_digest=user.notify_digest,
        date_joined=user.date_joined,
        last_login=user.last_login,
        profile_completed=user.onboarded_at,
    )


def _registrations(user: User) -> list[dict]:
    registrations = (
        Registration.objects.filter(user=user)
        .select_related("event", "event__provider")
        .prefetch_related(
            Prefetch(
                "attendances",
                queryset=Attendance.objects.select_related("session").order_by(
                    "session__starts_at"
                ),
            )
        )
        .order_by("created_at", "pk")
    )
    return [
        _record(
            event=registration.event.title,
            provider=registration.event.provider.name,
            starts=registration.event.starts_at,
            status=registration.get_status_display(),
            registered=registration.created_at,
            confirmed=registration.confirmed_at,
            cancelled=registration.cancelled_at,
            completion_verified=registration.completed_at,
            sessions_attended=", ".join(
                attendance.session.starts_at.isoformat()
                for attendance in registration.attendances.all()
            ),
        )
        for registration in registrations
    ]


def _credits(user: User) -> list[dict]:
    return [
        _record(
            title=credit.title,
            offered_by=credit.provider_name,
            hours=credit.hours,
            date=credit.earned_on,
            school_year=credit.school_year,
            source=credit.get_source_kind_display(),
        )
        for credit in Credit.objects.filter(user=user).order_by("earned_on", "pk")
    ]


def _certificates(user: User) -> list[dict]:
    return [
        _record(
            code=certificate.code,
            awarded_to=certificate.recipient_name,
            title=certificate.title,
            hours=certificate.hours,
            issued=certificate.issued_at,
            revoked=certificate.revoked_at,
        )
        for certificate in Certificate.objects.filter(user=user).order_by("issued_at", "pk")
    ]


def _memberships(user: User) -> list[dict]:
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("community")
        .prefetch_related(
            Prefetch(
                "attendances",
                queryset=MeetingAttendance.objects.select_related("meeting").order_by(
                    "meeting__starts_at"
                ),
            )
        )
        .order_by("applied_at", "pk")
    )
    return [
        _record(
            community=membership.community.title,
            school_year=membership.community.school_year,
            status=membership.get_status_display(),
            applied=membership.applied_at,
            answers=" | ".join(
                f"{item.get('question', '')}: {item.get('answer', '')}"
                for item in membership.answers or []
                if isinstance(item, dict)
            ),
            meetings_attended=", ".join(
                attendance.meeting.starts_at.isoformat()
                for attendance in membership.attendances.all()
            ),
        )
        for membership in memberships
    ]


def _discussion_posts(user: User) -> list[dict]:
    posts = (
        DiscussionPost.objects.filter(author=user)
        .select_related("thread", "thread__community")
        .order_by("created_at", "pk")
    )
    return [
        _record(
            community=post.thread.community.title,
            thread=post.thread.title,
            message="" if post.is_deleted else post.body,
            posted=post.created_at,
            edited=post.edited_at,
            deleted=post.deleted_at,
        )
        for post in posts
    ]


def _gratitude_posts(user: User) -> list[dict]:
    posts = GratitudePost.objects.filter(author=user).select_related("wall").order_by("created_at")
    return [
        _record(
            wall=post.wall.title,
            to=post.recipient_name,
            school=post.recipient_school,
            message=post.message,
            signed=post.author_name,
            anonymous=post.is_anonymous,
            status=post.get_status_display(),
            sent=post.created_at,
        )
        for post in posts
    ]


def _hearts(user: User) -> list[dict]:
    reactions = (
        Reaction.objects.filter(user=user)
        .select_related("post", "post__wall")
        .order_by("created_at", "pk")
    )
    return [
        _record(
            wall=reaction.post.wall.title, to=reaction.post.recipient_name, at=reaction.created_at
        )
        for reaction in reactions
    ]


def _saved_events(user: User) -> list[dict]:
    saved = SavedEvent.objects.filter(user=user).select_related("event").order_by("created_at")
    return [_record(event=item.event.title, saved=item.created_at) for item in saved]


def _outbound_clicks(user: User) -> list[dict]:
    clicks = OutboundClick.objects.filter(user=user).select_related("event").order_by("created_at")
    return [_record(event=click.event.title, at=click.created_at) for click in clicks]


def _saved_searches(user: User) -> list[dict]:
    searches = SavedSearch.objects.filter(user=user).order_by("created_at")
    return [_record(search=s.query, frequency=s.frequency, saved=s.created_at) for s in searches]


def _district_shares(user: User) -> list[dict]:
    return [
        _record(district=share.district.name, shared=share.shared_at, stopped=share.revoked_at)
        for share in TranscriptShare.objects.filter(user=user)
        .select_related("district")
        .order_by("shared_at")
    ]


def _district_accesses(user: User) -> list[dict]:
    return [
        _record(
            district=access.district.name,
            action=access.action,
            by=str(access.viewer or ""),
            at=access.at,
        )
        for access in DistrictAccess.objects.filter(educator=user)
        .select_related("district", "viewer")
        .order_by("at")
    ]


def _emails(user: User) -> list[dict]:
    return [
        _record(email=address.email, verified=address.verified, primary=address.primary)
        for address in EmailAddress.objects.filter(user=user).order_by("pk")
    ]


def _social_accounts(user: User) -> list[dict]:
    return [
        _record(provider=account.provider, uid=account.uid, last_login=account.last_login)
        for account in SocialAccount.objects.filter(user=user).order_by("pk")
    ]


def _notifications(user: User) -> list[dict]:
    rows = Notification.objects.filter(recipient=user).order_by("created_at", "pk")
    return [
        _record(
            kind=row.kind, status=row.get_status_display(), created=row.created_at, sent=row.sent_at
        )
        for row in rows
    ]


def _survey_answers(user: User) -> list[dict]:
    """Answers of identified survey responses (anonymous ones are linked to no one)."""
    answers = (
        Answer.objects.filter(response__user=user)
        .select_related("response__survey", "question", "choice", "topic")
        .order_by("response_id", "question__position", "question_id", "rank", "pk")
    )
    return [
        _record(
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
        for answer in answers
    ]


def _session_requests(user: User) -> list[dict]:
    """School-visit requests they sent while signed in."""
    requests = (
        SessionRequest.objects.filter(submitted_by=user)
        .select_related("provider", "offering", "duration", "district")
        .order_by("created_at", "pk")
    )
    return [
        _record(
            provider=request.provider.name,
            offering=request.offering.title,
            length=request.duration.label,
            school=request.school_name,
            district=request.district.name if request.district else "",
            contact_name=request.contact_name,
            contact_email=request.contact_email,
            contact_phone=request.contact_phone,
            audience_size=request.audience_size,
            preferred_dates=", ".join(
                f"{day.isoformat()} ({time_of_day})"
                for day, time_of_day in request.preferred_slots()
            ),
            notes=request.notes,
            status=request.get_status_display(),
            scheduled_for=request.scheduled_start,
            decline_reason=request.decline_reason,
            sent=request.created_at,
        )
        for request in requests
    ]


def _survey_drafts(user: User) -> list[dict]:
    drafts = (
        SurveyResponse.objects.filter(user=user, status=SurveyResponse.Status.DRAFT)
        .select_related("survey")
        .order_by("pk")
    )
    return [
        _record(survey=draft.survey.title, saved_answers=json.dumps(draft.draft, default=str))
        for draft in drafts
    ]


SECTIONS = {
    "registrations": _registrations,
    "transcript_credits": _credits,
    "certificates": _certificates,
    "community_memberships": _memberships,
    "discussion_posts": _discussion_posts,
    "gratitude_posts": _gratitude_posts,
    "gratitude_hearts": _hearts,
    "saved_events": _saved_events,
    "registration_link_clicks": _outbound_clicks,
    "email_addresses": _emails,
    "social_accounts": _social_accounts,
    "notifications": _notifications,
    "survey_answers": _survey_answers,
    "survey_drafts": _survey_drafts,
    "school_visit_requests": _session_requests,
    "saved_searches": _saved_searches,
    "district_shares": _district_shares,
    "district_accesses": _district_accesses,
}


def personal_data(*, user: User) -> dict:
    """Everything about `user`, as ``{"profile": {...}, "<section>": [{...}, ...]}``."""
    user = (
        User.objects.select_related("district", "school")
        .prefetch_related("grade_bands", "interests")
        .get(pk=user.pk)
    )
    data = {"profile": _profile(user)}
    for name, build in SECTIONS.items():
        data[name] = build(user)
    return data


def personal_data_rows(data: dict):
    """The same data in long form for CSV: (section, record number, field, value)."""
    for field, value in data["profile"].items():
        yield "profile", 1, field, value
    for section, records in data.items():
        if section == "profile":
            continue
        for number, record in enumerate(records, start=1):
            for field, value in record.items():
                yield section, number, field, value
