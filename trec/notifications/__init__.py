"""Notifications: every e-mail the hub sends about registrations, reminders,
follow-ups and the weekly digest goes through one outbox table and Celery."""
