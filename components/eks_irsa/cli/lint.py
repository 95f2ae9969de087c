"""``eks-irsa lint FILE...``: lint IAM policy files with the same rules as the components.

Each file's stem is the finding's service. Exit 1 when any finding is an error, else 0; 2 on a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from ..iam.findings import Finding
from ..iam.lint import has_errors, lint_document, policy_finding
from .output import json_document


def main(argv: Sequence[str] | None = None) -> int:
    """Lint policy files; print one line per finding, or with ``--summary`` a Markdown table.

    Each file's stem is the finding's service. ``--json`` prints one document instead (``docs/cli.md``).
    Returns 1 when any finding is an error, else 0;
    argparse exits with 2 on a usage error. A file that is not JSON is reported as MALFORMED_JSON.
    """
    parser = argparse.ArgumentParser(prog="eks-irsa lint", description=main.__doc__)
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--summary", action="store_true", help="print counts by code and severity per file")
    shown.add_argument("--json", action="store_true", help="print one JSON document (docs/cli.md)")
    args = parser.parse_args(argv)
    failed = False
    rows: list[str] = []
    linted: list[dict[str, object]] = []
    for path in args.files:
        try:
            findings = lint_document(path.stem, json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, RecursionError) as error:  # IrsaConfigError and JSONDecodeError are ValueErrors
            findings = [policy_finding(path.stem, "MALFORMED_JSON", f"cannot lint {path}: {error}")]
        failed = failed or has_errors(findings)
        if args.json:
            linted.append({"file": str(path), "findings": [{**f.to_json(), "kind": _kind(f)} for f in findings]})
        elif args.summary:
            rows.append(_summary_row(path.name, findings))
        else:
            for finding in findings:
                print(line(finding))
    if args.json:
        print(json_document("lint", ok=not failed, files=linted), end="")
    if args.summary:
        print("| File | Errors | Warnings | Findings by code (severity) |\n| --- | ---: | ---: | --- |")
        print("\n".join(rows))
    return 1 if failed else 0


def line(finding: Finding) -> str:
    """One finding as the command prints it: ``<file stem>: <error|warning> <CODE> <statement> (<actions>): <rule>``
    (``error``: the plan refuses it; ``warning``: for a reviewer)."""
    where = finding.field + (f" ({finding.value})" if finding.value else "")
    return f"{finding.resource}: {_kind(finding)} {finding.code} {where}: {finding.rule}"


def _kind(finding: Finding) -> str:
    return "error" if finding.refused else "warning"


def _summary_row(name: str, findings: Sequence[Finding]) -> str:
    counts = Counter((f.code, _kind(f)) for f in findings)
    by_code = ", ".join(f"{code} ({kind}) {n}" for (code, kind), n in sorted(counts.items())) or "none"
    errors = sum(n for (_, kind), n in counts.items() if kind == "error")
    return f"| {name} | {errors} | {sum(counts.values()) - errors} | {by_code} |"


if __name__ == "__main__":
    sys.exit(main())
