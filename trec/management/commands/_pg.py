"""What `backup` and `restore` share: the Postgres client tools' connection arguments
for the default database, taken from settings (never from a command line a user types,
so the password travels in the environment, not in `ps`)."""

import os
import shutil

from django.core.management.base import CommandError
from django.db import connections


def pg_settings(alias: str = "default") -> dict:
    connection = connections[alias]
    if connection.vendor != "postgresql":
        raise CommandError(
            "backup and restore need PostgreSQL (DATABASE_URL=postgres://…). On the embedded "
            f"SQLite default, copy the database file ({connection.settings_dict['NAME']}) instead."
        )
    return connection.settings_dict


def pg_args(settings_dict: dict) -> list[str]:
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    return args


def pg_env(settings_dict: dict) -> dict:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    env.setdefault("PGCONNECT_TIMEOUT", "10")
    return env


def tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise CommandError(f"{name} was not found: install the PostgreSQL client tools.")
    return path
