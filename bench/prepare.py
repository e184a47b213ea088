"""Print what a load run needs from the seeded database, as JSON in --out: signed-in
sessions for bench educators, events to open and to register for, a provider.

    python bench/prepare.py --users 200 --out bench/results/fixture.json

Sessions are made the way Django's login makes them (user id, backend, auth hash),
so the load generator needs no password round-trips.
"""

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trec.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from events.models import Event
    from providers.models import Provider
    from trec.accounts.models import User

    educators = list(
        User.objects.filter(email__endswith="@example.org", onboarded_at__isnull=False)
        .order_by("pk")
        .only("pk", "password")[: args.users]
    )
    sessions = []
    for user in educators:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.set_expiry(60 * 60 * 24)
        store.create()
        sessions.append(store.session_key)

    listed = Event.objects.listed().exclude(kind=Event.Kind.ON_DEMAND)
    detail = list(listed.order_by("starts_at").values_list("slug", flat=True)[:50])
    register = list(
        listed.filter(
            registration_mode=Event.RegistrationMode.HUB,
            capacity__isnull=True,
            requires_approval=False,
        )
        .order_by("starts_at")
        .values_list("slug", flat=True)[:300]
    )
    provider = Provider.objects.filter(is_partner=True).order_by("name").first()
    provider = provider or Provider.objects.order_by("name").first()
    fixture = {
        "sessions": sessions,
        "detail_slugs": detail,
        "register_slugs": register,
        "provider_slug": provider.slug,
        "topic": "social-emotional-learning",
    }
    Path(args.out).write_text(json.dumps(fixture))
    print(
        f"prepare: {len(sessions)} sessions, {len(detail)} events to open, "
        f"{len(register)} to register for",
        flush=True,
    )


if __name__ == "__main__":
    main()
