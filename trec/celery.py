"""Celery wiring: settings under the CELERY_ namespace, JSON only, late acks.

Tasks are Celery's Django-aware task class, so ``task.delay_on_commit(...)``
enqueues only once the surrounding transaction has committed; a task never
sees rows that were rolled back.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trec.settings")

app = Celery("trec")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
