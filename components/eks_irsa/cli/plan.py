"""The offline plan: run the program for one stack under the mock monitor and write what it would create.

    python -m eks_irsa.cli.plan --stack dev [--build-dir build] [--quiet]

Writes ``<build-dir>/<stack>/plan.json`` (every registration, in a deterministic order, no
timestamps) and, per IRSA role, ``services/<name>/`` with ``trust-policy.json``,
``permissions-policy.json`` (or ``managed-policy-<n>.json``), ``serviceaccount.yaml`` and
``service.json``. Prints one row per service. Exit 1 with the problems listed when the catalog is
invalid; nothing is written then.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from ..catalog import decode_stack_config, load_settings
from ..errors import IrsaConfigError
from ..iam.lint import Finding, Severity, lint_statements
from ..iam.policy import element_values
from ..iam.trust import Subject
from ..irsa import ROLE_ARN_ANNOTATION
from ..testing import (
    PLACEHOLDER,
    OfflineRun,
    Registration,
    config_from_stack_file,
    encode_config,
    run_program,
)

ROOT = Path.cwd()
"""The project the commands read (``Pulumi.yaml``, ``__main__.py``, ``stacks/``): the working directory."""
IRSA_TYPE = "eks-irsa:index:IrsaRole"


def plain(value: Any) -> Any:
    """Inputs as JSON data: integral floats (the mock monitor's numbers) back to ints, keys sorted later."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "urn") and hasattr(value, "_name"):
        return value._name  # a resource reference: its logical name
    return value


def plan_document(run: OfflineRun, stack: str, project: str = "eks-irsa") -> dict[str, Any]:
    """The plan record: ``{"stack", "project", "placeholders", "resources": [...]}``.

    Each resource is ``{type, name, parent, provider, protect, dependsOn, inputs}``; names are logical names.
    """
    return {
        "stack": stack,
        "project": project,
        "placeholders": (
            f"Offline plan under the Pulumi mock monitor. Values only AWS can know are placeholders: the OIDC "
            f"issuer id starts with {PLACEHOLDER}; ARNs use account {run.mocks.account_id}, partition "
            f"{run.mocks.partition}, region {run.mocks.region} from the stack file. Nothing was deployed."
        ),
        "resources": [
            {
                "type": r.type,
                "name": r.name,
                "parent": r.parent,
                "provider": r.provider,
                "protect": r.protect,
                "dependsOn": list(r.dependencies),
                "inputs": plain(r.inputs),
            }
            for r in run.registrations
        ],
    }


def service_files(run: OfflineRun) -> dict[str, dict[str, str]]:
    """Per IRSA role, the reviewer's files: ``{role component name: {file name: text}}``."""
    children: dict[str, list[Registration]] = {}
    for r in run.registrations:
        if r.parent:
            children.setdefault(r.parent, []).append(r)
    files: dict[str, dict[str, str]] = {}
    for component in (r for r in run.registrations if r.type == IRSA_TYPE):
        mine = children.get(component.name, [])
        of_type = {c.type: c for c in mine}
        out: dict[str, str] = {}
        role = of_type.get("aws:iam/role:Role")
        trust = json.loads(role.inputs["assumeRolePolicy"]) if role else None
        if trust:
            out["trust-policy.json"] = _pretty(trust)
        inline = of_type.get("aws:iam/rolePolicy:RolePolicy")
        if inline:
            out["permissions-policy.json"] = _pretty(json.loads(inline.inputs["policy"]))
        for index, policy in enumerate((c for c in mine if c.type == "aws:iam/policy:Policy"), start=1):
            out[f"managed-policy-{index}.json"] = _pretty(json.loads(policy.inputs["policy"]))
        accounts = [c for c in mine if c.type == "kubernetes:core/v1:ServiceAccount"]
        for sa in accounts:
            manifest = {k: sa.inputs[k] for k in ("apiVersion", "kind", "metadata", "automountServiceAccountToken")}
            file = (
                "serviceaccount.yaml" if len(accounts) == 1 else f"serviceaccount-{sa.inputs['metadata']['name']}.yaml"
            )
            out[file] = yaml.safe_dump(plain(manifest), sort_keys=True)
        associations = [c for c in mine if c.type == "aws:eks/podIdentityAssociation:PodIdentityAssociation"]
        out["service.json"] = _pretty(_summary(role, trust, mine, accounts, associations))
        files[component.name] = out
    return files


def _summary(
    role: Registration | None,
    trust: Mapping[str, Any] | None,
    children: Sequence[Registration],
    accounts: Sequence[Registration],
    associations: Sequence[Registration],
) -> dict[str, Any]:
    """What a reviewer (and ``explain``) needs about one role, read from what was registered."""
    subjects: set[str] = set()
    providers, issuers, audiences = [], [], set()
    for statement in (trust or {}).get("Statement", []):
        federated = statement.get("Principal", {}).get("Federated")
        if not federated:
            continue
        providers.append(federated)
        for keys in statement.get("Condition", {}).values():
            for key, value in keys.items():
                issuer, claim = key.rsplit(":", 1)
                values = element_values(value)
                if claim == "sub":
                    subjects.update(values)
                    issuers.append(issuer)
                elif claim == "aud":
                    audiences.update(values)
    subjects.update(Subject(a.inputs["namespace"], a.inputs["serviceAccount"]).value for a in associations)
    subjects.update(Subject(a.inputs["metadata"]["namespace"], a.inputs["metadata"]["name"]).value for a in accounts)
    annotation = next((a.inputs["metadata"].get("annotations", {}).get(ROLE_ARN_ANNOTATION) for a in accounts), None)
    role_arn = role.outputs["arn"] if role else annotation
    first = sorted(subjects)[0].split(":") if subjects else ["", "", "", ""]
    return {
        "identity": "pod-identity" if associations else "irsa",
        "roleName": role.outputs["name"] if role else (role_arn or "").rsplit("/", 1)[-1],
        "roleArn": role_arn,
        "roleManagedHere": role is not None,
        "namespace": first[2],
        "serviceAccount": first[3],
        "serviceAccounts": sorted({s.rsplit(":", 1)[1] for s in subjects}),
        "subjects": sorted(subjects),
        "audience": sorted(audiences)[0] if audiences else None,
        "oidcProviderArn": providers[0] if providers else None,
        "oidcIssuer": issuers[0] if issuers else None,
        "trustedProviders": sorted(providers),
        "managedPolicyArns": sorted(
            c.inputs["policyArn"]
            for c in children
            if c.type == "aws:iam/rolePolicyAttachment:RolePolicyAttachment" and "-attach-" in c.name
        ),
        "serviceAccountCreated": bool(accounts),
    }


def _pretty(document: Any) -> str:
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


MAY_DO_WIDTH = 100
"""Characters of the summary's "may do" column; the full documents are in the service's folder."""


def may_do(files: Mapping[str, str]) -> str:
    """One line: what a role may do, e.g. ``s3:PutObject on arn:aws:s3:::logs/app/*``, cut at :data:`MAY_DO_WIDTH`."""
    parts = []
    statements = []
    for name in sorted(files):
        if name.startswith(("permissions-policy", "managed-policy")):
            statements += json.loads(files[name])["Statement"]
    if len(statements) == 1:
        s = statements[0]
        actions = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
        resources = s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]
        parts.append(f"{', '.join(actions)} on {', '.join(resources)}")
    elif statements:
        actions = {a for s in statements for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
        parts.append(f"{len(actions)} actions in {len(statements)} statements")
    summary = json.loads(files["service.json"])
    parts += [arn.rsplit("/", 1)[-1] for arn in summary["managedPolicyArns"]]
    line = "; ".join(parts)
    return line if len(line) <= MAY_DO_WIDTH else line[: MAY_DO_WIDTH - 1] + "…"


def table(rows: Sequence[Sequence[str]]) -> str:
    """A plain text table with a header row."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_plan(stack: str, build_dir: Path, project_root: Path = ROOT) -> tuple[OfflineRun, dict[str, dict[str, str]]]:
    """Run the program for ``stack`` and write the plan and per-service files under ``build_dir/stack``."""
    config = config_from_stack_file(project_root / "stacks" / f"Pulumi.{stack}.yaml")
    run = run_program(project_root / "__main__.py", config, stack)
    files = service_files(run)
    out = build_dir / stack
    shutil.rmtree(out, ignore_errors=True)
    (out / "services").mkdir(parents=True)
    (out / "plan.json").write_text(_pretty(plan_document(run, stack)))
    for service, texts in files.items():
        folder = out / "services" / service
        folder.mkdir()
        for name, text in texts.items():
            (folder / name).write_text(text)
    return run, files


def lint_stack(stack: str, project_root: Path = ROOT) -> list[Finding]:
    """The permissions lint over every service of a stack, with the catalog's justifications."""
    raw = config_from_stack_file(project_root / "stacks" / f"Pulumi.{stack}.yaml")
    settings = load_settings(decode_stack_config(encode_config(raw)), project_root)
    return [f for service in settings.services for f in lint_statements(service.name, service.statements)]


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: 0 rendered and linted clean, 1 invalid catalog or lint errors, 2 no such stack file."""
    parser = argparse.ArgumentParser(prog="eks-irsa plan", description=__doc__.split("\n")[0])
    parser.add_argument("--stack", default="dev", help="stack name: reads stacks/Pulumi.<stack>.yaml")
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    parser.add_argument("--quiet", action="store_true", help="write the files, print one line")
    args = parser.parse_args(argv)
    stack_file = ROOT / "stacks" / f"Pulumi.{args.stack}.yaml"
    if not stack_file.exists():
        print(f"error: no stack file {stack_file.relative_to(ROOT)}", file=sys.stderr)
        return 2
    try:
        run, files = write_plan(args.stack, args.build_dir, ROOT)
    except IrsaConfigError as error:
        print(f"error: stack {args.stack} is invalid; nothing was written.\n{error}", file=sys.stderr)
        return 1
    out = args.build_dir / args.stack
    findings = lint_stack(args.stack, ROOT)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if args.quiet:
        print(f"{len(run.registrations)} resources -> {out / 'plan.json'}; {len(errors)} lint errors")
        return 1 if errors else 0
    rows = [("service", "namespace", "service account", "role name", "may do")]
    for service, texts in files.items():
        summary = json.loads(texts["service.json"])
        rows.append(
            (service, summary["namespace"], ", ".join(summary["serviceAccounts"]), summary["roleName"], may_do(texts))
        )
    print(f"Stack {args.stack}: {len(run.registrations)} resources, {len(run.invokes)} invokes.")
    print(table(rows))
    print(
        f"\nPlaceholders: ARNs use account {run.mocks.account_id} and partition {run.mocks.partition} from the "
        f"stack file;\nthe OIDC issuer id ({PLACEHOLDER}...) is made up. Nothing was deployed: this is the "
        f"mock monitor's record.\nWrote {out / 'plan.json'} and {out / 'services'}/<service>/ "
        f"(trust policy, permissions, {ROLE_ARN_ANNOTATION} ServiceAccount)."
    )
    print(f"\nPermissions lint (parliament + our rules): {len(errors)} errors, {len(findings) - len(errors)} warnings.")
    for finding in sorted(findings, key=lambda f: f.severity is not Severity.ERROR):
        print(f"  {finding}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
