"""What the hub holds about one person, gathered from the apps that hold it.

Each app says, in its own ``privacy.py``, which part of "download my data" (/me/data/)
is its own and what deleting an account means for its rows::

    # events/privacy.py
    from trec import privacy

    @privacy.section("registrations", order=10)
    def registrations(user) -> list[dict]:
        return [privacy.record(event=..., status=...) for ...]

    @privacy.eraser(order=privacy.GIVE_UP_PLACES)
    def give_up_places(user, *, now) -> None:
        ...

``trec.accounts`` discovers those modules when Django starts, so this module imports no
app and a new app adds its part without touching the account code. Sections come out in
``order``; erasers run in ``order`` inside the deletion's transaction, places first (so
whoever waits is promoted through the app's own services) and scrubbing after.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# Erasers that hand places back run before those that scrub what is left.
GIVE_UP_PLACES = 10
SCRUB = 50


@dataclass(frozen=True)
class Section:
    name: str
    order: int
    build: Callable[[Any], list[dict]]


@dataclass(frozen=True)
class Eraser:
    order: int
    erase: Callable[..., None]


_sections: dict[str, Section] = {}
_erasers: list[Eraser] = []


def section(name: str, *, order: int):
    """Register ``build(user) -> [record, ...]`` as the ``name`` part of a person's data."""

    def register(build):
        if name in _sections and _sections[name].build is not build:
            raise ValueError(f"Two apps export a section named {name!r}")
        _sections[name] = Section(name=name, order=order, build=build)
        return build

    return register


def eraser(*, order: int = SCRUB):
    """Register ``erase(user, *, now)``, run when the person deletes their account."""

    def register(erase):
        if not any(known.erase is erase for known in _erasers):
            _erasers.append(Eraser(order=order, erase=erase))
        return erase

    return register


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda known: (known.order, known.name))


def erase_person(user, *, now: datetime.datetime) -> None:
    for known in sorted(_erasers, key=lambda known: known.order):
        known.erase(user, now=now)


def plain(value):
    """A value as JSON writes it: dates in ISO 8601, decimals as text."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def record(**fields) -> dict:
    """One flat record of a section."""
    return {name: plain(value) for name, value in fields.items()}
