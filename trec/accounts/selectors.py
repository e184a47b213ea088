"""Everything the hub holds about one person, for "download my data" (/me/data/).

``personal_data`` returns plain, JSON-ready sections (lists of flat records): the
profile, then each app's sections as it registered them in its ``privacy.py``
(trec.privacy). The JSON download is that structure, the CSV download is the same
records in long form (section, record, field, value). A fixed number of queries
whatever the amount of data: one per section, plus the prefetches some sections make.
"""

from trec import privacy

from .models import User


def _profile(user: User) -> dict:
    return privacy.record(
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


def personal_data(*, user: User) -> dict:
    """Everything about `user`, as ``{"profile": {...}, "<section>": [{...}, ...]}``."""
    user = (
        User.objects.select_related("district", "school")
        .prefetch_related("grade_bands", "interests")
        .get(pk=user.pk)
    )
    data = {"profile": _profile(user)}
    for section in privacy.sections():
        data[section.name] = section.build(user)
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
