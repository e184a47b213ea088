"""Two checks that keep the hub translatable, used by tests/i18n/test_catalog.py.

1. ``unmarked_template_text()`` reads every template with Django's own Lexer and
   reports each piece of user-visible text that is not inside {% translate %} or
   {% blocktranslate %}: text between HTML tags, and the visible attributes
   ``alt``, ``title``, ``aria-label``, ``placeholder`` and a button's ``value``.
   Tags, variables, comments, <script>/<style>, whitespace, punctuation, numbers and
   HTML entities are not text. ALLOWED lists the few exceptions, each with its reason.

2. ``catalog_problems()`` reads every Spanish ``.po`` catalog in the project with a
   tiny parser and reports each entry that is untranslated or fuzzy, with where the
   string comes from, so whoever runs ``make messages`` sees exactly what to translate.
   ``stale_compiled_catalogs()`` reports a ``.mo`` that does not match its ``.po``.

3. ``missing_from_catalog()`` reads every literal gettext call in the Python files and
   templates (templates through Django's templatize, as makemessages does) and reports
   each string the catalog does not have yet, so a string added without `make messages`
   fails the suite even where GNU gettext is not installed.

``unmarked_python_strings()`` flags plain literals where people read them (messages,
ValidationError, label=, help_text=, verbose_name=, subject=, choices' labels).
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "node_modules", "staticfiles", "var", "test-artifacts", ".git"}

# Text that is the same in every language, by (template path, text). Keep it short.
ALLOWED: dict[tuple[str, str], str] = {
    ("templates/partials/_header.html", "T"): "the brand mark: a logo letter, aria-hidden",
    ("templates/503.html", "T"): "the brand mark: a logo letter, aria-hidden",
}
# Templates left out as a whole.
ALLOWED_FILES: dict[str, str] = {
    "templates/500.html": (
        "rendered when anything may be broken (even translations), so it says the same in "
        "English and Spanish, written out"
    ),
}
# {% block %}s whose content is technical (CSS classes), never shown.
TECHNICAL_BLOCKS = {"body_class", "bodyclass", "main_class", "html_class"}
# Text that is never translated wherever it appears.
ALLOWED_ANYWHERE: dict[str, str] = {
    "(n=": "statistical notation for a sample size, written the same in Spanish",
}

VISIBLE_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder", "aria-description")
MARK = "\x00"  # stands for a tag, a variable or marked text in the skeleton of a template

_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
_SCRIPT_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(rf"<[!/]?[a-zA-Z{MARK}][^<>]*>", re.S)
_ATTRIBUTE = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*')""")


@dataclass(frozen=True)
class Unmarked:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


def project_files(*suffixes: str) -> list[Path]:
    found = []
    for path in ROOT.rglob("*"):
        if path.suffix in suffixes and path.is_file():
            parts = set(path.relative_to(ROOT).parts)
            if not parts & SKIP_DIRS:
                found.append(path)
    return sorted(found)


def template_files() -> list[Path]:
    """Every .html and .txt template in templates/ and the apps' templates/ folders."""
    return [
        path
        for path in project_files(".html", ".txt")
        if "templates" in path.relative_to(ROOT).parts
    ]


_URL = re.compile(r"^(https?://\S*|/[\w./-]*|mailto:\S+)$")


def _is_text(text: str) -> bool:
    """Letters are text; whitespace, punctuation, numbers, entities and URLs are not."""
    return not _URL.match(text) and any(ch.isalpha() for ch in _ENTITY.sub(" ", text))


def _skeleton(source: str) -> tuple[str, list[int]]:
    """The template with every tag, variable, comment and marked text replaced by MARK,
    and the line number of each character."""
    chars: list[str] = []
    lines: list[int] = []
    marked_depth = 0  # inside {% blocktranslate %} … {% endblocktranslate %}
    skipped_depth = 0  # inside {% comment %} … {% endcomment %} or a technical block
    blocks: list[bool] = []  # for each open {% block %}: is it technical?
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            bits = token.contents.split()
            name = bits[0] if bits else ""
            if name == "block":
                technical = len(bits) > 1 and bits[1] in TECHNICAL_BLOCKS
                blocks.append(technical)
                skipped_depth += technical
            elif name == "endblock" and blocks:
                skipped_depth -= blocks.pop()
            elif name in {"blocktranslate", "blocktrans"}:
                marked_depth += 1
            elif name in {"endblocktranslate", "endblocktrans"}:
                marked_depth -= 1
            elif name == "comment":
                skipped_depth += 1
            elif name == "endcomment":
                skipped_depth -= 1
            chars.append(MARK)
            lines.append(token.lineno)
        elif token.token_type == TokenType.TEXT and not (marked_depth or skipped_depth):
            line = token.lineno
            for ch in token.contents:
                chars.append(ch)
                lines.append(line)
                if ch == "\n":
                    line += 1
        else:  # variables, {# comments #}, text that is marked or commented out
            chars.append(MARK)
            lines.append(token.lineno)
    return "".join(chars), lines


def _blank(skeleton: str, pattern: re.Pattern) -> str:
    """Replace each match by MARKs of the same length (so line numbers still line up)."""
    return pattern.sub(lambda m: re.sub(r"[^\n]", MARK, m.group(0)), skeleton)


def unmarked_in_template(source: str, path: str = "<template>") -> list[Unmarked]:
    skeleton, lines = _skeleton(source)
    skeleton = _blank(skeleton, _SCRIPT_STYLE)
    skeleton = _blank(skeleton, _HTML_COMMENT)
    found: list[Unmarked] = []

    def report(start: int, text: str) -> None:
        text = " ".join(text.replace(MARK, " ").split())
        if not _is_text(text):
            return
        if text in ALLOWED_ANYWHERE or (path, text) in ALLOWED:
            return
        found.append(Unmarked(path, lines[start], text))

    for tag in _TAG.finditer(skeleton):
        body = tag.group(0)
        is_button_value = re.match(r"<input\b", body, re.I) and re.search(
            r"""type\s*=\s*["'](submit|button|reset)["']""", body, re.I
        )
        for attribute in _ATTRIBUTE.finditer(body):
            name = attribute.group(1).lower()
            if name in VISIBLE_ATTRIBUTES or (name == "value" and is_button_value):
                value = attribute.group(2)[1:-1]
                for piece in value.split(MARK):
                    report(tag.start() + attribute.start(2), piece)
    text_only = _blank(skeleton, _TAG)
    for match in re.finditer(rf"[^{MARK}<>]+", text_only):
        report(match.start() + len(match.group(0)) - len(match.group(0).lstrip()), match.group(0))
    return found


def unmarked_template_text() -> list[Unmarked]:
    found: list[Unmarked] = []
    for path in template_files():
        relative = str(path.relative_to(ROOT))
        if relative in ALLOWED_FILES:
            continue
        found.extend(unmarked_in_template(path.read_text(encoding="utf-8"), relative))
    return found


# --- Catalogs ------------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False
    obsolete: bool = False
    locations: list[str] = field(default_factory=list)
    line: int = 0

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(value.strip() for value in self.msgstr.values())

    def __str__(self) -> str:
        where = ", ".join(self.locations[:3]) or "no source reference"
        if len(self.locations) > 3:
            where += f" and {len(self.locations) - 3} more"
        return f"line {self.line}: msgid {self.msgid!r} ({where})"


def _unquote(text: str) -> str:
    return ast.literal_eval(text.strip())


def parse_po(text: str) -> list[Entry]:
    """The entries of a gettext catalog (header included, msgid "")."""
    entries: list[Entry] = []
    entry = Entry()
    current: tuple[str, int] | None = None
    started = False

    def finish() -> None:
        nonlocal entry, current, started
        if started:
            entries.append(entry)
        entry, current, started = Entry(), None, False

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            continue
        if line.startswith("#,"):
            flags = {flag.strip() for flag in line[2:].split(",")}
            entry.fuzzy = entry.fuzzy or "fuzzy" in flags
            continue
        if line.startswith("#:"):
            entry.locations.extend(line[2:].split())
            continue
        if line.startswith("#"):
            continue
        if not started:
            started, entry.line = True, number
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            kind, index = current
            value = _unquote(line)
        elif keyword.startswith("msgstr["):
            kind, index = "msgstr", int(keyword[7:-1])
            value = _unquote(rest)
        else:
            kind, index = keyword, 0
            value = _unquote(rest)
        current = (kind, index)
        if kind == "msgid":
            entry.msgid += value
        elif kind == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + value
        elif kind == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + value
        elif kind == "msgstr":
            entry.msgstr[index] = entry.msgstr.get(index, "") + value
    finish()
    return [e for e in entries if not e.obsolete]


def spanish_catalogs() -> list[Path]:
    return [path for path in project_files(".po") if path.parent.parent.name == "es"]


def catalog_problems(path: Path) -> dict[str, list[Entry]]:
    entries = [e for e in parse_po(path.read_text(encoding="utf-8")) if e.msgid]
    return {
        "untranslated": [e for e in entries if not e.translated and not e.fuzzy],
        "fuzzy": [e for e in entries if e.fuzzy],
    }


def stale_compiled_catalogs() -> list[str]:
    """Each .po whose .mo is missing or says something else (run `make messages`)."""
    problems = []
    for po in spanish_catalogs():
        mo = po.with_suffix(".mo")
        relative = po.relative_to(ROOT)
        if not mo.exists():
            problems.append(f"{relative}: no compiled {mo.name}")
            continue
        with mo.open("rb") as handle:
            compiled = gettext.GNUTranslations(handle)._catalog
        for entry in parse_po(po.read_text(encoding="utf-8")):
            if not entry.msgid or entry.fuzzy or not entry.translated:
                continue
            key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
            if entry.msgid_plural is None:
                expected = {key: entry.msgstr[0]}
            else:
                expected = {(key, n): text for n, text in entry.msgstr.items()}
            for compiled_key, text in expected.items():
                if compiled.get(compiled_key) != text:
                    problems.append(f"{relative}: {entry.msgid!r} is not compiled as in the .po")
                    break
    return problems


# --- Python ---------------------------------------------------------------------------------

# Keyword arguments whose string is shown to people.
SHOWN_KEYWORDS = {
    "label",
    "help_text",
    "verbose_name",
    "verbose_name_plural",
    "empty_label",
    "subject",
    "short_description",
}
MESSAGE_FUNCTIONS = {"success", "info", "warning", "error", "debug", "add_message"}


def _plain_string(node: ast.AST) -> bool:
    if isinstance(node, ast.JoinedStr):  # an f-string: its literal parts
        return any(_plain_string(part) for part in node.values)
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and _is_text(node.value)


def unmarked_python_strings() -> list[Unmarked]:
    """Plain string literals where people will read them: messages.success(request, "…"),
    ValidationError("…"), label=/help_text=/verbose_name=/subject="…" and TextChoices
    labels. (Http404/PermissionDenied texts are never shown: the error pages are fixed.)"""
    found: list[Unmarked] = []
    for path in project_files(".py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {"tests", "bench"} or "migrations" in relative.parts:
            continue
        if path.name in {"demo.py", "settings.py"} or "management" in relative.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            candidates: list[ast.AST] = []
            if isinstance(node, ast.Call):
                func = node.func
                name = getattr(func, "attr", None) or getattr(func, "id", "")
                if (
                    name in MESSAGE_FUNCTIONS
                    and isinstance(func, ast.Attribute)
                    and getattr(func.value, "id", "") == "messages"
                    and len(node.args) >= 2
                ):
                    candidates.append(node.args[1])
                if name == "ValidationError" and node.args:
                    candidates.append(node.args[0])
                candidates += [k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS]
            elif isinstance(node, ast.ClassDef) and any(
                getattr(base, "attr", getattr(base, "id", "")) in {"TextChoices", "IntegerChoices"}
                for base in node.bases
            ):
                for item in node.body:
                    value = getattr(item, "value", None)
                    if isinstance(value, ast.Tuple) and len(value.elts) >= 2:
                        candidates.append(value.elts[-1])
            for candidate in candidates:
                if _plain_string(candidate):
                    text = ast.unparse(candidate)[:80]
                    found.append(Unmarked(str(relative), candidate.lineno, text))
    return found


# --- Is the catalog up to date with the sources? ----------------------------------------

GETTEXT_FUNCTIONS = {
    # name: (index of the context argument or None, index of the msgid argument)
    "_": (None, 0),
    "gettext": (None, 0),
    "gettext_lazy": (None, 0),
    "gettext_noop": (None, 0),
    "ngettext": (None, 0),
    "ngettext_lazy": (None, 0),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 1),
    "npgettext_lazy": (0, 1),
}


def _calls(source: str):
    """(function, [string arguments]) for each gettext-like call with literal arguments,
    read with Python's tokenizer (templates are first turned into such calls by
    Django's templatize, as makemessages does)."""
    import io
    import tokenize

    try:
        tokens = [
            t
            for t in tokenize.generate_tokens(io.StringIO(source).readline)
            if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT)
        ]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return
    for i, token in enumerate(tokens[:-2]):
        if token.type != tokenize.NAME or token.string not in GETTEXT_FUNCTIONS:
            continue
        before = tokens[i - 1].string if i else ""
        if before == "def" or (before == "." and tokens[i - 2].string != "translation"):
            continue  # a definition, or some other object's method of the same name
        if tokens[i + 1].string != "(":
            continue
        args, current, j = [], [], i + 2
        while j < len(tokens) and tokens[j].string not in (")",):
            if tokens[j].type == tokenize.STRING:
                try:
                    current.append(ast.literal_eval(tokens[j].string))
                except (ValueError, SyntaxError):
                    break
            elif tokens[j].string == ",":
                args.append("".join(current) if current else None)
                current = []
            else:  # not a literal: makemessages cannot extract it either
                current = [None]
                break
            j += 1
        if current and None not in current:
            args.append("".join(current))
        if args:
            yield token.string, token.start[0], args


def source_msgids() -> dict[tuple[str | None, str], str]:
    """Every literal msgid in templates and Python files: (context, msgid) → where."""
    from django.utils.translation.template import templatize

    found: dict[tuple[str | None, str], str] = {}
    for path in project_files(".py", ".html", ".txt"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {"tests", "bench"}:
            continue
        if path.suffix != ".py" and "templates" not in relative.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix != ".py":
            text = templatize(text, origin=str(path))
        for name, line, args in _calls(text):
            context_at, msgid_at = GETTEXT_FUNCTIONS[name]
            if len(args) <= msgid_at or not isinstance(args[msgid_at], str):
                continue
            context = args[context_at] if context_at is not None else None
            if args[msgid_at]:
                found.setdefault((context, args[msgid_at]), f"{relative}:{line}")
    return found


def missing_from_catalog(path: Path) -> list[str]:
    """Strings in the sources that the catalog does not have yet (run `make messages`)."""
    known = {(e.msgctxt, e.msgid) for e in parse_po(path.read_text(encoding="utf-8"))}
    return [
        f"{where}: {msgid!r}" + (f" (context {context!r})" if context else "")
        for (context, msgid), where in sorted(source_msgids().items(), key=lambda i: i[1])
        if (context, msgid) not in known
    ]
