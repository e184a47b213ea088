"""The CI dependency audit (.ci/audit.py) fails on a known vulnerability and never
reports an audit that could not run as a pass."""

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def audit():
    spec = importlib.util.spec_from_file_location("ci_audit", ROOT / ".ci" / "audit.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["ci_audit"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def report(*dependencies):
    return {"dependencies": list(dependencies), "fixes": []}


CLEAN = {"name": "django", "version": "5.2.19", "vulns": []}
VULNERABLE = {
    "name": "pillow",
    "version": "10.0.0",
    "vulns": [
        {
            "id": "PYSEC-2023-175",
            "aliases": ["CVE-2023-44271", "GHSA-8ghj-p4vj-mr35"],
            "fix_versions": ["10.0.1"],
            "description": "Uncontrolled resource consumption.",
        }
    ],
}
SKIPPED = {"name": "celery", "skip_reason": "Dependency not found on PyPI and could not be audited"}


def test_a_known_vulnerability_fails_the_build(audit):
    verdict = audit.judge(report(CLEAN, VULNERABLE))
    assert verdict.exit_code == 1
    text = "\n".join(verdict.lines)
    assert "pillow 10.0.0: PYSEC-2023-175 (fix: 10.0.1)" in text
    # ...even when the rest could not be checked.
    assert audit.judge(report(VULNERABLE, SKIPPED)).exit_code == 1


def test_a_complete_clean_audit_passes(audit):
    verdict = audit.judge(report(CLEAN))
    assert verdict.exit_code == 0
    assert verdict.lines[-1] == "no known vulnerabilities"


@pytest.mark.parametrize("dependencies", [[SKIPPED], [CLEAN, SKIPPED], []])
def test_an_audit_that_could_not_run_says_so_loudly(audit, dependencies):
    verdict = audit.judge(report(*dependencies))
    text = "\n".join(verdict.lines)
    assert "DEPENDENCY AUDIT DID NOT RUN" in text
    assert "no known vulnerabilities" not in text
    assert verdict.exit_code == 0  # CI goes on: the service is outside our control...
    assert audit.judge(report(*dependencies), strict=True).exit_code == 2  # ...unless strict


def test_a_reviewed_advisory_can_be_ignored_by_any_of_its_ids(audit):
    verdict = audit.judge(report(VULNERABLE), ignore=frozenset({"CVE-2023-44271"}))
    assert verdict.exit_code == 0


def test_ci_runs_the_audit_on_the_lock_file(audit):
    ci = (ROOT / ".ci" / "run").read_text()
    assert ".venv/bin/python .ci/audit.py" in ci
    assert audit.LOCK == ROOT / "requirements.lock"
    assert audit.PIP_AUDIT.startswith("pip-audit==")
