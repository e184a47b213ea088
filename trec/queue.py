"""Handing work to the Celery workers, and carrying on when the broker is down.

Services queue tasks by their registered name (``"impact.compute_snapshot"``), so a
service never imports its app's ``tasks.py`` (which imports the service): the tasks
module is the only one that knows both. Every app's ``tasks.py`` is imported when Django
starts (``TrecConfig.ready``), so names resolve to the task and tests' eager mode runs
it in-process.

A broker that is down or unreachable must not turn a user's action into an error: the
work waits where it is (an outbox row, a queued snapshot, a listing to match) and each
app's periodic sweep picks it up. ``task_enqueue`` says whether the hand-off happened.
"""

import logging

import redis.exceptions
from celery import current_app
from celery.exceptions import Retry
from kombu.exceptions import KombuError

logger = logging.getLogger(__name__)

# What a broker that is down or unreachable raises when we publish.
BROKER_ERRORS = (
    KombuError,
    OSError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)
# Publishing inside a request must not hang on a dead broker: one quick retry at most.
PUBLISH_OPTIONS = {
    "retry": True,
    "retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2},
}


def task_enqueue(name: str, *args) -> bool:
    """Queue the task registered as ``name`` with ``args``. False (and a warning in the
    log) when the broker cannot take it: the caller's sweep will find the work."""
    try:
        current_app.signature(name, args=args).apply_async(**PUBLISH_OPTIONS)
    except Retry:
        # In-process (tests, no broker) a task that asks to be retried has run once and
        # recorded its attempt; the hand-off itself happened.
        return True
    except BROKER_ERRORS as error:
        logger.warning("The task broker is unavailable (%r): %s%r waits.", error, name, args)
        return False
    return True
