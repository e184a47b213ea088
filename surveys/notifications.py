"""Event feedback through the notifications outbox: the follow-up e-mail after an
attended event (trec.notifications.kinds.EventFollowup) links to the event's feedback
survey, so attendees are invited by the outbox, in their language, once.

When is a feedback survey attached to an event?
- explicitly, from the event's roster page ("Attach the feedback survey"), by its
  provider's staff or a coordinator, any time before or after the event;
- automatically, when the first follow-up for an attended event is composed and the
  event has none yet, as long as coordinators have marked a survey as the default
  feedback template (Survey.is_feedback_template). Without a template the follow-up
  keeps linking to the event page, as before surveys existed.
"""

from trec.mail import absolute_url
from trec.notifications.registry import register_feedback_survey

from .models import Survey
from .services import feedback_survey_for_event


def feedback_url(event) -> str | None:
    if event is None or event.status == "cancelled":
        return None
    survey = Survey.objects.filter(event=event).first()
    if survey is None and Survey.objects.filter(is_feedback_template=True).exists():
        survey = feedback_survey_for_event(event=event)
    return absolute_url(survey.get_absolute_url()) if survey else None


register_feedback_survey(feedback_url)
