"""Every string people read is marked for translation, and the Spanish catalog is complete.

When these fail after new features land: run `make messages`, translate what the
failure lists in locale/es/LC_MESSAGES/django.po (remove each `#, fuzzy` once the
suggestion is checked), run `make messages` again to compile, and commit both files.
"""

from tests.i18n import checks


def test_every_template_text_is_marked_for_translation():
    unmarked = checks.unmarked_template_text()
    assert not unmarked, (
        f"{len(unmarked)} piece(s) of template text are not inside {{% translate %}} or "
        "{% blocktranslate %} (or add them to ALLOWED in tests/i18n/checks.py with a reason):\n"
        + "\n".join(str(item) for item in unmarked)
    )


def test_python_strings_people_read_are_marked_for_translation():
    unmarked = checks.unmarked_python_strings()
    assert not unmarked, (
        f"{len(unmarked)} string(s) shown to people are not wrapped in gettext/gettext_lazy:\n"
        + "\n".join(str(item) for item in unmarked)
    )


def test_the_spanish_catalogs_have_no_untranslated_or_fuzzy_entries():
    catalogs = checks.spanish_catalogs()
    assert [str(path.relative_to(checks.ROOT)) for path in catalogs] == [
        "locale/es/LC_MESSAGES/django.po"
    ], "one Spanish catalog for the whole hub"
    report = []
    for path in catalogs:
        for problem, entries in checks.catalog_problems(path).items():
            if entries:
                report.append(f"{path.relative_to(checks.ROOT)}: {len(entries)} {problem}:")
                report += [f"  {entry}" for entry in entries]
    assert not report, "\n".join(report)


def test_the_spanish_catalog_has_every_string_of_the_sources():
    missing = checks.missing_from_catalog(checks.ROOT / "locale/es/LC_MESSAGES/django.po")
    assert not missing, (
        f"{len(missing)} marked string(s) are not in the catalog yet: run `make messages`, "
        "then translate them:\n" + "\n".join(missing)
    )


def test_the_source_reader_finds_what_makemessages_finds():
    from django.utils.translation.template import templatize

    python = 'x = _("One")\ny = pgettext_lazy("month", "May")\nz = ngettext("a %(n)s", "b", n)\n'
    python += 'w = _(name)\nv = gettext_noop("Birth")\n'
    calls = [(name, args) for name, _line, args in checks._calls(python)]
    assert calls == [
        ("_", ["One"]),
        ("pgettext_lazy", ["month", "May"]),
        ("ngettext", ["a %(n)s", "b"]),
        ("gettext_noop", ["Birth"]),
    ]
    template = templatize(SAMPLE, origin="sample.html")
    msgids = [args[0] for _name, _line, args in checks._calls(template)]
    assert msgids == ["Marked", "Close", "Marked too, %(n)s times"]


def test_the_catalog_header_is_spanish_with_three_plural_forms():
    path = checks.ROOT / "locale/es/LC_MESSAGES/django.po"
    header = checks.parse_po(path.read_text(encoding="utf-8"))[0]
    assert header.msgid == "" and not header.fuzzy, "a fuzzy header is not compiled"
    assert "Language: es\n" in header.msgstr[0]
    assert "nplurals=3;" in header.msgstr[0]


def test_the_compiled_catalogs_match_their_sources():
    stale = checks.stale_compiled_catalogs()
    assert not stale, "run `make messages` to compile:\n" + "\n".join(stale)


# The checkers themselves: each finds what it is for, and only that.

SAMPLE = """{% extends "base.html" %}{% load i18n %}
{% block body_class %}wall-theme-{{ wall.theme }}{% endblock %}
{% block content %}
<h1>{% translate "Marked" %}</h1>
<p>Not marked here</p>
<img src="x.png" alt="A picture">
<button aria-label="{% translate 'Close' %}">&times;</button>
<a href="/events/" title="Go to {{ name }}">{{ name }}</a> · 42 — &nbsp;
{% blocktranslate with n=count %}Marked too, {{ n }} times{% endblocktranslate %}
{# a comment #}{% comment %}Also a comment{% endcomment %}
<script src="/static/x.js"></script><input type="submit" value="Send it">
<span>https://example.org/</span>
{% endblock %}
"""


def test_the_template_checker_reports_each_unmarked_text_with_its_line():
    found = checks.unmarked_in_template(SAMPLE, "sample.html")
    assert [(item.line, item.text) for item in found] == [
        (6, "A picture"),
        (8, "Go to"),
        (11, "Send it"),
        (5, "Not marked here"),
    ]
    assert str(found[0]) == "sample.html:6: 'A picture'"


def test_the_catalog_parser_finds_untranslated_and_fuzzy_entries(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: es\\n"\n\n'
        '#: events/views.py:10\nmsgid "Done"\nmsgstr "Hecho"\n\n'
        '#: templates/home.html:3\nmsgid "Hello "\n"there"\nmsgstr ""\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgid "%(n)s seat"\nmsgstr "%(n)s plaza"\n\n'
        'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "uno"\nmsgstr[1] ""\nmsgstr[2] "muchos"\n\n'
        '#~ msgid "Gone"\n#~ msgstr ""\n',
        encoding="utf-8",
    )
    problems = checks.catalog_problems(po)
    assert [entry.msgid for entry in problems["untranslated"]] == ["Hello there", "one"]
    assert [entry.msgid for entry in problems["fuzzy"]] == ["%(n)s seat"]
    assert "templates/home.html:3" in str(problems["untranslated"][0])
