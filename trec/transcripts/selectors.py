"""Reads of the PD-hours ledger that the transcript page, its CSV and /me/ share."""

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from trec.i18n import fallback_lang_text, localized_text

from .models import Certificate, Credit


@dataclass
class YearGroup:
    school_year: str
    credits: list[Credit] = field(default_factory=list)

    @property
    def hours(self) -> Decimal:
        return sum((credit.hours for credit in self.credits), Decimal("0"))


@dataclass
class Subject:
    kind: str
    key: str
    label: str
    hours: Decimal
    certificate: Certificate | None = None
    label_lang: str = ""  # "en" when a Spanish reader gets an English label

    @property
    def certificate_current(self) -> bool:
        return self.certificate is not None and self.certificate.hours == self.hours


@dataclass
class Transcript:
    years: list[YearGroup]
    by_source: list[tuple[str, Decimal]]
    school_years: list[str]  # every year on the transcript, for the filter
    subjects: list["Subject"]  # what a certificate can be issued for

    @property
    def hours(self) -> Decimal:
        return sum((year.hours for year in self.years), Decimal("0"))

    @property
    def credits(self):
        for year in self.years:
            yield from year.credits


def transcript_for(user, *, school_year: str = "", source: str = "") -> Transcript:
    """`user`'s credits grouped by school year (newest first), with totals by source,
    optionally filtered, and what certificates it can be issued. Three queries whatever
    the number of rows."""
    every = list(
        Credit.objects.filter(user=user)
        .only(
            "source_kind",
            "source_id",
            "event_id",
            "community_id",
            "title",
            "provider_name",
            "hours",
            "credit_type",
            "earned_on",
            "school_year",
            "user_id",
            "event__title",
            "event__title_es",
        )
        .select_related("event")
        .order_by("-school_year", "-earned_on", "title")
    )
    for row in every:
        _show_title(row)
    school_years = list(OrderedDict.fromkeys(row.school_year for row in every))
    rows = [
        row
        for row in every
        if (not school_year or row.school_year == school_year)
        and (not source or row.source_kind == source)
    ]
    years: dict[str, YearGroup] = OrderedDict()
    totals: dict[str, Decimal] = {}
    for row in rows:
        years.setdefault(row.school_year, YearGroup(row.school_year)).credits.append(row)
        totals[row.source_kind] = totals.get(row.source_kind, Decimal("0")) + row.hours
    labels = dict(Credit.Source.choices)
    return Transcript(
        years=list(years.values()),
        by_source=[(labels[kind], hours) for kind, hours in totals.items()],
        school_years=school_years,
        subjects=_subjects(user, every),
    )


def _show_title(credit: Credit) -> None:
    """`credit.shown_title`: the title as recorded, with the event's Spanish title in
    place of its English one for Spanish readers; `credit.shown_lang` is "en" when a
    Spanish reader still gets English (a meeting, a manual credit)."""
    event = credit.event
    english, spanish = credit.title, ""
    if event is not None and event.title_es and event.title in english:
        spanish = english.replace(event.title, event.title_es)
    credit.shown_title = localized_text(english, spanish)
    credit.shown_lang = fallback_lang_text(english, spanish)


def _subjects(user, credits: list[Credit]) -> list[Subject]:
    """Each school year, each event and each community year on the transcript."""
    subjects: dict[tuple[str, str], Subject] = OrderedDict()

    def add(kind: str, key: str, label: str, hours: Decimal, lang: str = "") -> None:
        subject = subjects.setdefault(
            (kind, key), Subject(kind, key, label, Decimal("0"), label_lang=lang)
        )
        subject.hours += hours

    communities = {credit.community_id for credit in credits if credit.community_id}
    titles = (
        {
            pk: (f"{localized_text(title, title_es)} ({year})", fallback_lang_text(title, title_es))
            for pk, title, title_es, year in Credit.objects.filter(
                user=user, community_id__in=communities
            )
            .order_by()
            .values_list(
                "community_id", "community__title", "community__title_es", "community__school_year"
            )
            .distinct()
        }
        if communities
        else {}
    )
    for credit in credits:
        add(Certificate.Kind.YEAR, credit.school_year, credit.school_year, credit.hours)
    for credit in credits:
        if credit.source_kind == Credit.Source.EVENT and credit.event_id:
            add(
                Certificate.Kind.EVENT,
                str(credit.event_id),
                credit.shown_title,
                credit.hours,
                credit.shown_lang,
            )
        elif credit.source_kind == Credit.Source.PRESENTER:
            add(Certificate.Kind.PRESENTED, str(credit.source_id), credit.title, credit.hours)
        elif credit.source_kind == Credit.Source.MEETING and credit.community_id in titles:
            label, lang = titles[credit.community_id]
            add(Certificate.Kind.COMMUNITY, str(credit.community_id), label, credit.hours, lang)
    for certificate in Certificate.objects.filter(user=user, revoked_at__isnull=True):
        subject = subjects.get((certificate.kind, certificate.subject_key))
        if subject is not None:
            subject.certificate = certificate
    return list(subjects.values())
