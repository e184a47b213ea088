"""Anonymous responses used to copy the respondent's role, grade band and district
from the profile into every response. Keep each fact only where one of the survey's
questions asks for it."""

from django.db import migrations

FACTS = {"role": ("role", ""), "grade_band": ("grade_band", None), "district": ("district", None)}


def scrub_unasked_facts(apps, schema_editor):
    Survey = apps.get_model("surveys", "Survey")
    Response = apps.get_model("surveys", "Response")
    for survey in Survey.objects.filter(anonymous=True).prefetch_related("questions"):
        asked = {q.crosstab_field for q in survey.questions.all()}
        blank = {field: empty for fact, (field, empty) in FACTS.items() if fact not in asked}
        if blank:
            Response.objects.filter(survey=survey).update(**blank)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_surveys_questions_responses")]

    operations = [migrations.RunPython(scrub_unasked_facts, migrations.RunPython.noop)]
