"""Dependency audit for CI: pip-audit on the locked requirements (requirements.lock).

    python .ci/audit.py            # from the repository root; .ci/run calls it

pip-audit runs from its own virtualenv (var/audit-venv, pinned below) so the audit
tool never changes the hub's dependencies. It checks every pinned version against the
advisory database of the PyPI JSON API (falling back to OSV).

Verdicts:
- a known vulnerability in any locked package: exit 1, CI fails, each one listed;
- every package checked, none vulnerable: exit 0;
- the audit could not check some or all packages (the advisory service unreachable or
  answering "not found", pip-audit not installable): a loud banner saying the audit
  did NOT run for them, and exit 0, unless AUDIT_STRICT=1 (then exit 2).

Why not fail CI when the service is unreachable: the advisory services are outside the
project's control (on this workplace's machines OSV does not resolve and PyPI's
per-version JSON answers 404), so failing would block every change for a reason no
change can fix. pip-audit itself would *silently pass* in that case ("No known
vulnerabilities found" with every package skipped); this script refuses to call that a
pass and says so at the top of the log. Where the service is reachable, set
AUDIT_STRICT=1 so an audit that could not run fails the build too.

AUDIT_IGNORE="ID,ID" ignores advisories that were reviewed and do not apply (say why in
the commit that adds them).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import venv
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
AUDIT_VENV = ROOT / "var" / "audit-venv"
PIP_AUDIT = "pip-audit==2.10.1"
SERVICES = ("pypi", "osv")


@dataclass
class Verdict:
    exit_code: int
    lines: list[str] = field(default_factory=list)


def banner(*lines: str) -> list[str]:
    rule = "!" * 78
    return [rule, *(f"!! {line}" for line in lines), rule]


def judge(report: dict, *, strict: bool = False, ignore: frozenset[str] = frozenset()) -> Verdict:
    """Turn a pip-audit JSON report into a verdict (see the module docstring)."""
    dependencies = report.get("dependencies", [])
    skipped = [dep for dep in dependencies if "skip_reason" in dep]
    audited = [dep for dep in dependencies if "skip_reason" not in dep]
    vulnerable = []
    for dep in audited:
        for vuln in dep.get("vulns", []):
            ids = {vuln.get("id", ""), *vuln.get("aliases", [])}
            if ids & ignore:
                continue
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            vulnerable.append(
                f"{dep['name']} {dep.get('version', '')}: {vuln.get('id')} (fix: {fixes})"
            )
    lines = [f"dependency audit: {len(audited)} of {len(dependencies)} locked packages checked"]
    if vulnerable:
        lines += banner(
            f"{len(vulnerable)} KNOWN VULNERABILITIES in requirements.lock:", *vulnerable
        )
        return Verdict(1, lines)
    if not dependencies or skipped:
        reasons = sorted({dep["skip_reason"].split(":")[0] for dep in skipped}) or ["no packages"]
        lines += banner(
            f"DEPENDENCY AUDIT DID NOT RUN for {len(skipped) or 'all'} of "
            f"{len(dependencies)} packages:",
            *reasons,
            "These packages were NOT checked for known vulnerabilities.",
            "Set AUDIT_STRICT=1 to make this fail the build.",
        )
        return Verdict(2 if strict else 0, lines)
    lines.append("no known vulnerabilities")
    return Verdict(0, lines)


def ensure_pip_audit() -> Path | None:
    executable = AUDIT_VENV / "bin" / "pip-audit"
    if executable.exists():
        return executable
    try:
        venv.create(AUDIT_VENV, with_pip=True)
        subprocess.run(  # noqa: S603 - a fixed command
            [str(AUDIT_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", PIP_AUDIT],
            check=True,
            timeout=600,
        )
    except (subprocess.SubprocessError, OSError) as error:
        print(f"could not install {PIP_AUDIT}: {error}", file=sys.stderr)
        return None
    return executable


def run_pip_audit(executable: Path, service: str) -> dict | None:
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "report.json"
        command = [
            str(executable),
            "--requirement", str(LOCK),
            "--no-deps", "--disable-pip",
            "--vulnerability-service", service,
            "--progress-spinner", "off",
            "--format", "json",
            "--output", str(output),
        ]  # fmt: skip
        try:
            subprocess.run(command, timeout=900, capture_output=True, text=True)  # noqa: S603
        except subprocess.SubprocessError as error:
            print(f"pip-audit ({service}) did not finish: {error}", file=sys.stderr)
            return None
        if not output.exists():
            return None
        return json.loads(output.read_text())


def main() -> int:
    strict = os.environ.get("AUDIT_STRICT") == "1"
    ignore = frozenset(filter(None, os.environ.get("AUDIT_IGNORE", "").split(",")))
    executable = ensure_pip_audit()
    verdict = None
    if executable is not None:
        for service in SERVICES:
            report = run_pip_audit(executable, service)
            if report is None:
                print(f"pip-audit: the {service} advisory service could not be used")
                continue
            verdict = judge(report, strict=strict, ignore=ignore)
            print(f"pip-audit with the {service} advisory service:")
            if verdict.exit_code != 2 and not any("DID NOT RUN" in line for line in verdict.lines):
                break  # a complete audit (clean or vulnerable): no need to ask another
    if verdict is None:
        verdict = Verdict(
            2 if strict else 0,
            banner(
                "DEPENDENCY AUDIT DID NOT RUN: pip-audit could not be installed or run.",
                "No package was checked for known vulnerabilities.",
            ),
        )
    print("\n".join(verdict.lines))
    return verdict.exit_code


if __name__ == "__main__":
    sys.exit(main())
