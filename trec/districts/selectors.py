"""A district's dashboard and its named records, read for one district partner.

Every figure is about the district's educators (their profile's district). Tables of
figures about people pass through the impact report's small-cell rule with
complementary suppression (trec.impact.suppression.withheld_cells): a cell about 1-4
people is withheld, and so are enough others that no withheld cell can be worked
out from the totals.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from communities.models import Community, Membership
from events.models import Attendance, Registration, Topic
from surveys.models import Answer, Survey
from trec.accounts.models import District, User
from trec.formats import date_phrase
from trec.i18n import fallback_lang, localized
from trec.impact.selectors import format_value
from trec.impact.suppression import withheld_cells
from trec.transcripts.models import Credit

from .models import DistrictAccess, DistrictPartner, TranscriptShare

TOP = 10
MONTHS = 12


def partner_for(user) -> DistrictPartner | None:
    """The user's district-partner role (one district), or None."""
    if not user.is_authenticated:
        return None
    return DistrictPartner.objects.select_related("district").filter(user=user).first()


def district_educators(district: District):
    return User.objects.filter(district=district, is_active=True, deleted_at__isnull=True)


def shared_educators(district: District):
    """Educators of `district` who share their transcript with it now."""
    shares = TranscriptShare.objects.filter(district=district, revoked_at__isnull=True)
    return district_educators(district).filter(pk__in=shares.values("user_id"))


def open_share(user) -> TranscriptShare | None:
    return (
        TranscriptShare.objects.select_related("district")
        .filter(user=user, revoked_at__isnull=True)
        .first()
    )


def shares_of(user):
    """Every time `user` shared their transcript (and stopped), newest first."""
    return TranscriptShare.objects.filter(user=user).select_related("district")


def accesses_of(user):
    """Every time a district viewed or exported `user`'s transcript, newest first."""
    return DistrictAccess.objects.filter(educator=user).select_related("district", "viewer")


# --- The dashboard ------------------------------------------------------------------


@dataclass
class Table:
    id: str
    title: str
    label_heading: str
    rows: list[dict] = field(default_factory=list)  # label, people, hours cells


def _cell(value, *, hidden: bool, unit: str = "count") -> dict:
    if hidden:
        return {"text": _("fewer than 5"), "suppressed": True}
    return {"text": format_value(value, unit), "suppressed": False}


def _table(id, title, label_heading, rows, *, hours=True) -> Table:
    """`rows`: (label, people, hours) → cells, with small and complementary cells
    withheld (people and hours columns each add up to a published total). A label is
    text, or (text, lang) for a name shown to a Spanish reader in English (lang="en")."""
    people = [[row[1], row[1]] if hours else [row[1]] for row in rows]
    hidden = withheld_cells(people)
    table = Table(id, title, label_heading)
    for index, (label, count, total) in enumerate(rows):
        text, lang = label if isinstance(label, tuple) else (label, "")
        table.rows.append(
            {
                "label": text,
                "lang": lang,
                "people": _cell(count, hidden=(index, 0) in hidden),
                "hours": _cell(total, hidden=(index, 1) in hidden, unit="hours") if hours else None,
            }
        )
    return table


def _named(model, field: str):
    """A label function for rows grouped by `model` ids: the name in the reader's
    language (trec.i18n), with lang="en" when a Spanish reader gets the English one.
    One query for the whole table."""

    def label_for(rows: list[tuple]) -> list[tuple]:
        objects = model.objects.in_bulk({row[0] for row in rows})
        return [
            ((localized(objects[pk], field), fallback_lang(objects[pk], field)), *rest)
            for pk, *rest in rows
            if pk in objects
        ]

    return label_for


def _translated(rows: list[tuple]) -> list[tuple]:
    """Grade band names are reference data, translated like the interface."""
    return [(gettext(name), *rest) for name, *rest in rows]


def _hours_by(credits, path: str, *, label=None, limit=None) -> list[tuple]:
    rows = (
        credits.exclude(**{f"{path}__isnull": True})
        .values(path)
        .annotate(people=Count("user", distinct=True), hours=Sum("hours"))
        .order_by("-hours", path)
    )
    if limit:
        rows = rows[:limit]
    rows = [(row[path], row["people"], row["hours"]) for row in rows]
    return label(rows) if label else rows


@dataclass
class Dashboard:
    district: District
    headline: list[dict]
    tables: list[Table]


HEADLINE = [
    ("educators", gettext_lazy("Educators on the hub")),
    ("registrations", gettext_lazy("Registrations")),
    ("attendances", gettext_lazy("Sessions attended")),
    ("hours", gettext_lazy("PD hours earned")),
    ("members", gettext_lazy("Community of Practice members")),
    ("sharing", gettext_lazy("Educators sharing their transcript")),
]


def dashboard(district: District) -> Dashboard:
    """The district's figures: totals, then PD hours by topic, grade band, school and
    month, Community of Practice participation, top providers and needs-survey answers."""
    educators = district_educators(district)
    credits = Credit.objects.filter(user__in=educators)
    members = Membership.objects.filter(user__in=educators, status=Membership.Status.ACCEPTED)
    totals = {
        "educators": educators.count(),
        "registrations": Registration.objects.filter(user__in=educators)
        .exclude(status=Registration.Status.CANCELLED)
        .count(),
        "attendances": Attendance.objects.filter(registration__user__in=educators).count(),
        "hours": credits.aggregate(total=Sum("hours"))["total"] or Decimal("0"),
        "members": members.values("user").distinct().count(),
        "sharing": shared_educators(district).count(),
    }
    headline = [
        {
            "label": label,
            "text": format_value(totals[key], "hours" if key == "hours" else "count"),
        }
        for key, label in HEADLINE
    ]
    since = timezone.localdate().replace(day=1) - datetime.timedelta(days=31 * (MONTHS - 1))
    months = (
        credits.filter(earned_on__gte=since.replace(day=1))
        .annotate(month=TruncMonth("earned_on"))
        .values("month")
        .annotate(people=Count("user", distinct=True), hours=Sum("hours"))
        .order_by("month")
    )
    communities = (
        members.values("community")
        .annotate(people=Count("user", distinct=True))
        .order_by("-people", "community__title")[:TOP]
    )
    needs = (
        Answer.objects.filter(
            response__survey__kind=Survey.Kind.NEEDS,
            response__district=district,
            response__status="submitted",
            choice__topic__isnull=False,
        )
        .values("choice__topic")
        .annotate(people=Count("response", distinct=True))
        .order_by("-people", "choice__topic__name")[:TOP]
    )
    tables = [
        _table(
            "by-topic",
            _("PD hours by topic"),
            _("Topic"),
            _hours_by(credits, "event__topics", label=_named(Topic, "name"), limit=TOP),
        ),
        _table(
            "by-grade",
            _("PD hours by grade band taught"),
            _("Grade band"),
            _hours_by(credits, "user__grade_bands__name", label=_translated),
        ),
        _table(
            "by-school",
            _("PD hours by school"),
            _("School"),
            _hours_by(credits, "user__school__name"),
        ),
        _table(
            "by-month",
            _("PD hours by month"),
            _("Month"),
            [
                (date_phrase(row["month"], "month_year"), row["people"], row["hours"])
                for row in months
            ],
        ),
        _table(
            "providers",
            _("Top providers"),
            _("Provider"),
            _hours_by(credits.exclude(provider_name=""), "provider_name", limit=TOP),
        ),
        _table(
            "communities",
            _("Community of Practice participation"),
            _("Community"),
            _named(Community, "title")(
                [(row["community"], row["people"], None) for row in communities]
            ),
            hours=False,
        ),
        _table(
            "needs",
            _("Needs survey: topics your educators asked for"),
            _("Topic"),
            _named(Topic, "name")([(row["choice__topic"], row["people"], None) for row in needs]),
            hours=False,
        ),
    ]
    return Dashboard(district=district, headline=headline, tables=tables)
