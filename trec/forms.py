from django.forms.renderers import TemplatesSetting


class HubFormRenderer(TemplatesSetting):
    """Every form renders through the hub's accessible templates.

    Django already ties errors and help text to their inputs with
    ``aria-describedby`` and marks invalid inputs with ``aria-invalid``; these
    templates add the hub's layout and a summary of errors at the top.
    """

    form_template_name = "partials/_form.html"
    field_template_name = "partials/_field.html"
