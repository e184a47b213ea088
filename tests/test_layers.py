"""The import-direction contract (pyproject.toml, [tool.importlinter]) covers every
module: `make lint` and CI run import-linter on it, and a module the contract does not
name would escape it unnoticed. The core layer names the modules of `events` one by one
(its `follows` and `proposals` packages sit a layer above), so a new one must be added."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def contract_modules() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    # the hub-wide contract (the one inside events has `containers`)
    (layers,) = [
        c["layers"] for c in config["contracts"] if c["type"] == "layers" and "containers" not in c
    ]
    named = set()
    for layer in layers:
        for part in layer.replace("|", ":").split(":"):
            named.add(part.strip())
    return named


def test_every_module_of_events_is_in_a_layer():
    named = contract_modules()
    events = ROOT / "events"
    modules = {f"events.{p.stem}" for p in events.glob("*.py") if p.stem != "__init__"}
    modules |= {
        f"events.{p.name}" for p in events.iterdir() if p.is_dir() and (p / "__init__.py").exists()
    }
    assert modules - named == set(), "add these to the core layer in pyproject.toml"


def test_every_module_of_trec_is_in_a_layer():
    named = contract_modules()
    trec = ROOT / "trec"
    modules = {f"trec.{p.stem}" for p in trec.glob("*.py") if p.stem != "__init__"}
    modules |= {f"trec.{p.name}" for p in trec.iterdir() if (p / "__init__.py").exists()}
    # Wiring that no module imports: settings, the Celery app, the WSGI/ASGI entry points
    # and the app config.
    wiring = {"trec.settings", "trec.celery", "trec.wsgi", "trec.asgi", "trec.apps"}
    assert modules - named - wiring == set(), "add these to a layer in pyproject.toml"


def test_imports_inside_functions_only_in_app_ready():
    """An import inside a function hides a dependency from the contract (and usually a
    cycle). The only place for one is an AppConfig.ready() in apps.py, which runs once
    the models are loaded."""
    import ast

    hidden = []
    for package in ("trec", "events", "communities", "providers", "surveys", "gratitude"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                if path.name == "apps.py" and node.name == "ready":
                    continue
                hidden += [
                    f"{path.relative_to(ROOT)}:{inner.lineno}"
                    for inner in ast.walk(node)
                    if isinstance(inner, ast.Import | ast.ImportFrom)
                ]
    assert hidden == []


def test_one_way_to_send_visitors_to_sign_in():
    """Views sign visitors in with trec.accounts.decorators.signed_in and get their
    objects through access_<thing>_for_<role> lookups (docs/architecture.md,
    "Permissions"): no second decorator, no lookup that takes the request and hands back
    a response. The one inline check left is a survey that needs an account only when it
    is not anonymous."""
    allowed = {"trec/accounts/decorators.py": 1, "surveys/views.py": 1}
    found = {}
    for package in ("trec", "events", "communities", "providers", "surveys", "gratitude"):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text()
            calls = text.count("redirect_to_login(") + text.count("login_required")
            if calls:
                found[str(path.relative_to(ROOT))] = calls
    assert found == allowed


def test_access_lookups_take_the_user_never_the_request():
    """docs/architecture.md, "Permissions": the lookups in the apps' access.py are
    `access_<thing>_for_<role>(*, user, ...)`, and nothing there takes the request
    (signing in is the decorator's) or answers with a response."""
    import ast

    modules = [
        path
        for package in ("trec", "events", "communities", "providers", "surveys", "gratitude")
        for path in (ROOT / package).rglob("access.py")
    ]
    assert len(modules) >= 8
    wrong = []
    for path in modules:
        for node in ast.parse(path.read_text()).body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            where = f"{path.relative_to(ROOT)}:{node.name}"
            arguments = [a.arg for a in node.args.args + node.args.kwonlyargs]
            if "request" in arguments:
                wrong.append(f"{where} takes the request")
            if node.name.startswith("access_") and node.args.args:
                wrong.append(f"{where}: keyword-only arguments, (*, user, ...)")
            if not node.name.startswith(("access_", "can_", "may_", "provider_ids_for")) and (
                "user" in arguments
            ):
                wrong.append(f"{where}: a lookup is access_<thing>_for_<role>")
    assert wrong == []
