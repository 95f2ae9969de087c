"""The offline plan: run the program for one stack under the mock monitor and write what it would create.

    eks-irsa plan [--stack dev] [--build-dir build] [--quiet | --json]
    eks-irsa plan --program DIR [--stack S] [--build-dir DIR/build] [--quiet | --json]

Writes ``<build-dir>/<stack>/plan.json`` (every registration, in a deterministic order, no
timestamps) and, per IRSA role, ``services/<name>/`` with ``trust-policy.json``,
``permissions-policy.json`` (or ``managed-policy-<n>.json``), ``serviceaccount.yaml`` and
``service.json``; for cross-account Pod Identity also ``target-trust-policy.json`` (the target role's trust)
and ``chain-policy.json`` (the first role's only permissions; ``permissions-policy.json`` is the target's);
beside ``plan.json`` the justifications the components read, for the tools that see raw documents only:
``policy-pack-config.json`` (``pulumi preview --policy-pack-config``) and ``audit-justifications.json``
(``eks-irsa audit --justifications``), see :func:`justification_files`.
Prints one row per service. Exit 1 with the problems listed when the catalog is
invalid; nothing is written then. ``--program`` plans any Pulumi Python program that uses the package
instead of the reference program's catalog (:mod:`eks_irsa.cli.program`). Every file stays under
the build directory: stack and service names are names, never paths
(:func:`eks_irsa.plan.rules.check_service_name`), and each path is checked before the first write.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from ..errors import IrsaConfigError
from ..iam.names import short_hash
from ..iam.policy import canonical_json, statement_list
from ..plan import ROLE_ARN_ANNOTATION, RolePlan, RoleRecord, permissions_documents
from ..testing import PLACEHOLDER, OfflineRun, config_from_stack_file
from .output import fit_table, json_document, problems_json
from .program import Planned, ProgramError, project_settings, run_planned, run_user_program

STACK_NAME = re.compile(r"^[A-Za-z0-9_.-]+\Z")
"""A Pulumi stack name: letters, digits, hyphens, underscores and periods (the Pulumi CLI refuses others)."""
STACK_NAME_DOCS = (
    "Pulumi CLI, pulumi stack init ('stack names may only contain alphanumeric, hyphens, underscores, or periods')"
)

ROOT = Path.cwd()
"""The project the commands read (``Pulumi.yaml``, ``__main__.py``, ``stacks/``): the working directory."""


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

    Each resource is ``{type, name, parent, provider, protect, dependsOn, inputs}`` plus every option that
    changes its lifecycle (``ignoreChanges``, ``retainOnDelete``, ``deleteBeforeReplace``,
    ``replaceOnChanges``, ``aliases``, with ``protect``), so a reviewer sees what a later ``pulumi up`` or
    ``pulumi destroy`` leaves alone; names are logical names.
    """
    resources = [plain(r.inputs) for r in run.registrations]
    # Only the mocks' issuers are made up: a --program project may pass its cluster's real issuer.
    made_up = f"/id/{PLACEHOLDER}" in json.dumps(resources)
    issuer = f"the OIDC issuer id starts with {PLACEHOLDER}; " if made_up else ""
    return {
        "stack": stack,
        "project": project,
        "placeholders": (
            f"Offline plan under the Pulumi mock monitor. Values only AWS can know are placeholders: {issuer}ARNs "
            f"use account {run.mocks.account_id}, partition {run.mocks.partition}, region {run.mocks.region} from "
            "the stack file. Nothing was deployed."
        ),
        "resources": [
            {
                "type": r.type,
                "name": r.name,
                "parent": r.parent,
                "provider": r.provider,
                "protect": r.protect,
                "dependsOn": list(r.dependencies),
                "ignoreChanges": list(r.ignore_changes),
                "retainOnDelete": r.retain_on_delete,
                "deleteBeforeReplace": r.delete_before_replace,
                "replaceOnChanges": list(r.replace_on_changes),
                "aliases": list(r.aliases),
                "inputs": inputs,
            }
            for r, inputs in zip(run.registrations, resources, strict=True)
        ],
    }


def service_files(run: OfflineRun, planned: Mapping[str, Planned]) -> dict[str, dict[str, str]]:
    """Per role, the reviewer's files, ``{role: {file name: text}}``, from the component's own record of what it
    planned and rendered (:data:`~eks_irsa.cli.program.Planned`): the trust policies and the chain policy as it
    rendered them, the permissions documents from its plan, ``service.json`` as its
    :class:`~eks_irsa.plan.RoleRecord`. The run gives only the ServiceAccount manifests as registered under it.
    """
    accounts = [r for r in run.registrations if r.type == "kubernetes:core/v1:ServiceAccount"]
    files: dict[str, dict[str, str]] = {}
    for name, (plan, rendered) in sorted(planned.items()):
        out: dict[str, str] = {}
        for file, text in (
            ("trust-policy.json", rendered.trust_policy),
            ("target-trust-policy.json", rendered.target_trust_policy),
            ("chain-policy.json", rendered.chain_policy),
        ):
            if text is not None:
                out[file] = _pretty(json.loads(text))
        for file, document in permissions_documents(plan).items():
            out[file] = _pretty(document)
        mine = [a for a in accounts if a.parent == name]
        for sa in mine:
            manifest = {k: sa.inputs[k] for k in ("apiVersion", "kind", "metadata", "automountServiceAccountToken")}
            file = "serviceaccount.yaml" if len(mine) == 1 else f"serviceaccount-{sa.inputs['metadata']['name']}.yaml"
            out[file] = yaml.safe_dump(plain(manifest), sort_keys=True)
        out["service.json"] = _pretty(RoleRecord.of(plan, rendered).to_json())
        files[name] = out
    return files


POLICY_PACK_CONFIG = "policy-pack-config.json"
"""The policy pack's config file ``eks-irsa plan`` writes beside ``plan.json`` (docs/policy-pack.md)."""
AUDIT_JUSTIFICATIONS = "audit-justifications.json"
"""The ``eks-irsa audit --justifications`` file ``eks-irsa plan`` writes beside ``plan.json`` (docs/audit.md)."""


def justification_files(planned: Mapping[str, RolePlan], files: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """The justifications the components read, for the tools that see only raw documents, by file name:
    :data:`POLICY_PACK_CONFIG` and :data:`AUDIT_JUSTIFICATIONS`, sorted JSON (byte-identical per run).

    The pack's config, ``{"iam-permissions-lint": {"resourceStarJustified": {...}}, "workload-permissions":
    {"justifications": {...}}}``, keys each justified statement as ``<resource>.Statement[<i>]``: the
    ``RolePolicy`` (``<name>-permissions``) or customer managed ``Policy`` (``<name>-policy-<n>``) the component
    registers and the statement's index in that document as rendered (sorted, duplicates once: the
    ``permissions-policy.json`` / ``managed-policy-<n>.json`` beside it), so each statement keeps its own
    justification as in the components; identical statements merged into one join their distinct reasons. Each
    AWS managed policy's justification is keyed by its attachment (``<name>-attach-<hash of the ARN>``), so it holds
    for that role only. A role made elsewhere (``existing_role_arn``, an existing cross-account target role) has
    no permissions resources here and no keys.

    The audit's file is ``{"<role name>": "<reasons>"}``: a live role's documents carry no statement labels, so
    one role's distinct justifications (its statements', then its AWS managed policies') are joined, and the
    audit allows each of its policies every category any of them names (looser than the components, which
    judge each statement by its own).

    Args:
        planned: ``{component name: plan}`` as the run planned them.
        files: :func:`service_files`' output (each role's ``service.json``, for the role name as registered).
    """
    statements: dict[str, str] = {}
    reasons: dict[str, str] = {}
    audit: dict[str, str] = {}
    for name, plan in sorted(planned.items()):
        if plan.existing_role_arn is not None or plan.target_role_arn is not None:
            continue
        where: dict[str, str] = {}
        for resource, document in _permission_resources(name, plan):
            for position, item in enumerate(statement_list(document)):
                where.setdefault(canonical_json(item), f"{resource}.Statement[{position}]")
        joined: dict[str, dict[str, None]] = {}
        for statement in plan.statements:
            if statement.justification:
                key = where[canonical_json(statement.to_json())]
                joined.setdefault(key, {})[statement.justification] = None
        statements.update({key: " ".join(why) for key, why in joined.items()})
        managed = list(plan.managed_policy_justifications.items())
        for arn, why in managed:
            if arn in plan.managed_policy_arns:
                reasons[f"{name}-attach-{short_hash(arn)}"] = why
        role_reasons = [s.justification for s in plan.statements if s.justification] + [why for _, why in managed]
        if role_reasons:
            role = RoleRecord.from_json(files[name]["service.json"]).role_name
            if role:
                audit[role] = " ".join(dict.fromkeys(role_reasons))
    pack = {
        "iam-permissions-lint": {"resourceStarJustified": dict(sorted(statements.items()))},
        "workload-permissions": {"justifications": dict(sorted({**statements, **reasons}.items()))},
    }
    return {POLICY_PACK_CONFIG: _pretty(pack), AUDIT_JUSTIFICATIONS: _pretty(dict(sorted(audit.items())))}


def _permission_resources(name: str, plan: RolePlan) -> list[tuple[str, Mapping[str, object]]]:
    """``(resource name, document)`` of each permissions policy ``IrsaRole`` registers for ``plan``: the inline
    ``<name>-permissions``, or the customer managed ``<name>-policy-<n>``."""
    out: list[tuple[str, Mapping[str, object]]] = []
    if plan.layout.inline is not None:
        out.append((f"{name}-permissions", plan.layout.inline))
    out += [(f"{name}-policy-{n}", document) for n, document in enumerate(plan.layout.managed, start=1)]
    return out


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
        distinct = {a for s in statements for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])}
        parts.append(f"{len(distinct)} actions in {len(statements)} statements")
    summary = json.loads(files["service.json"])
    looked_into = {m["arn"]: len(m["actions"]) for m in summary.get("managedPolicies", [])}
    parts += [
        arn.rsplit("/", 1)[-1] + (f" ({looked_into[arn]} actions)" if arn in looked_into else "")
        for arn in summary["managedPolicyArns"]
    ]
    line = "; ".join(parts)
    return line if len(line) <= MAY_DO_WIDTH else line[: MAY_DO_WIDTH - 1] + "…"


def table(rows: Sequence[Sequence[str]]) -> str:
    """A plain text table with a header row."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_plan(
    stack: str, build_dir: Path, project_root: Path | None = None
) -> tuple[OfflineRun, dict[str, dict[str, str]], dict[str, RolePlan]]:
    """Run the reference program for ``stack`` (``stacks/Pulumi.<stack>.yaml``) and write the plan and per-role
    files under ``build_dir/stack`` (with :func:`justification_files`): ``(run, files, {role: plan})``. The
    program's own ``load_catalog`` plans every service once and hands each plan to its ``IrsaRole``; the files
    come from the components' records.

    Raises:
        IrsaConfigError: the stack's catalog is invalid; nothing is written then.
        ProgramError: the project has no ``Pulumi.yaml`` (:func:`~eks_irsa.cli.program.project_settings`).
    """
    root = project_root or ROOT
    if not STACK_NAME.match(stack) or stack in (".", ".."):
        raise IrsaConfigError.one(
            "--stack",
            stack,
            "is not a stack name (letters, digits, '-', '_' and '.'); it names a folder under the build directory",
            STACK_NAME_DOCS,
            "give the stack's name, e.g. dev",
        )
    config = config_from_stack_file(root / "stacks" / f"Pulumi.{stack}.yaml")
    project, program, _ = project_settings(root)
    run, planned = run_planned(program, config, stack, project)
    files = service_files(run, planned)
    plans = {name: plan for name, (plan, _) in planned.items()}
    _write(build_dir, stack, plan_document(run, stack, project), files, justification_files(plans, files))
    return run, files, plans


def write_program_plan(
    directory: Path, stack: str | None, build_dir: Path | None = None
) -> tuple[str, OfflineRun, dict[str, dict[str, str]], dict[str, RolePlan]]:
    """Run the Pulumi project in ``directory`` (any program that uses the package) and write the same files as
    :func:`write_plan` under ``build_dir/<stack>`` (default ``directory/build``): ``(stack, run, files, plans)``.

    Raises:
        ProgramError: no project or no such stack (:func:`eks_irsa.cli.program.run_user_program`).
        IrsaConfigError: the stack file or a component's input is refused; nothing is written then.
        Exception: whatever else the program raises; nothing is written then.
    """
    project, stack, run, planned = run_user_program(directory, stack)
    files = service_files(run, planned)
    plans = {name: plan for name, (plan, _) in planned.items()}
    document = plan_document(run, stack, project)
    _write(build_dir or directory / "build", stack, document, files, justification_files(plans, files))
    return stack, run, files, plans


def _write(
    root: Path,
    stack: str,
    document: dict[str, Any],
    files: Mapping[str, Mapping[str, str]],
    beside: Mapping[str, str],
) -> None:
    """``plan.json``, the files of ``beside`` (:func:`justification_files`) and each service's files under
    ``root/stack``; every path is checked to stay inside ``root`` before the first write (:func:`_inside`)."""
    out = _inside(root, root / stack)
    targets = {
        _inside(out, out / "services" / service / name): text
        for service, texts in files.items()
        for name, text in texts.items()
    }
    shutil.rmtree(out, ignore_errors=True)
    (out / "services").mkdir(parents=True)
    (out / "plan.json").write_text(_pretty(document))
    for file, text in beside.items():
        (out / file).write_text(text)
    for path, text in targets.items():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)


def _inside(root: Path, path: Path) -> Path:
    """``path`` when it stays inside ``root`` once resolved (no ``..``, no absolute part, no symlink out).

    Raises:
        IrsaConfigError: it leads outside; checked for every file before anything is written.
    """
    if path.resolve().is_relative_to(root.resolve()) and path.resolve() != root.resolve():
        return path
    raise IrsaConfigError.one(
        "eks-irsa plan",
        str(path),
        f"would be written outside {root}",
        "this package: every file eks-irsa plan writes stays under the build directory",
        "name stacks and services with plain names (no '/', no '..')",
    )


def yaml_error_line(path: Path, error: yaml.YAMLError) -> str:
    """A YAML syntax error as one line, ``<path>:<line>:<column>: <problem>`` (the mark where PyYAML found it)."""
    mark = getattr(error, "problem_mark", None)
    where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
    reason = getattr(error, "problem", None) or str(error).splitlines()[0]
    return f"{path}{where}: {reason}"


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: 0 rendered, 1 invalid (a catalog, stack file or component input refused, a lint error,
    or the program failing; nothing is written), 2 no such stack file or project. ``--json`` prints the same
    outcome as one document (``docs/cli.md``, "JSON output")."""
    parser = argparse.ArgumentParser(prog="eks-irsa plan", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--stack", help="stack name: stacks/Pulumi.<stack>.yaml (default dev); with --program its Pulumi.<stack>.yaml"
    )
    parser.add_argument("--program", type=Path, metavar="DIR", help="plan the Pulumi Python project in DIR instead")
    parser.add_argument("--build-dir", type=Path, help="where <stack>/ is written (default build, or DIR/build)")
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--quiet", action="store_true", help="write the files, print one line")
    shown.add_argument("--json", action="store_true", help="print one JSON document instead of the report")
    args = parser.parse_args(argv)
    stack = args.stack or ("dev" if args.program is None else None)

    def fail(code: int, message: str, problems: IrsaConfigError | None = None) -> int:
        if args.json:
            body = {"problems": problems_json(problems)} if problems else {"error": message}
            print(json_document("plan", ok=False, stack=stack, **body), end="")
        else:
            print(f"error: {message}" + (f"\n{problems}" if problems else ""), file=sys.stderr)
        return code

    try:
        if args.program is not None:
            stack, run, files, plans = write_program_plan(args.program, stack, args.build_dir)
            out = (args.build_dir or args.program / "build") / stack
        else:
            stack = args.stack or "dev"
            stack_file = ROOT / "stacks" / f"Pulumi.{stack}.yaml"
            if not stack_file.exists():
                return fail(2, f"no stack file {stack_file.relative_to(ROOT)}")
            run, files, plans = write_plan(stack, args.build_dir or ROOT / "build", ROOT)
            out = (args.build_dir or ROOT / "build") / stack
    except ProgramError as error:
        return fail(2, str(error))
    except IrsaConfigError as error:
        return fail(1, f"stack {stack} is invalid; nothing was written.", error)
    except yaml.YAMLError as error:
        where = Path("stacks") / f"Pulumi.{stack}.yaml" if args.program is None else args.program
        return fail(1, f"{yaml_error_line(where, error)}; nothing was written.")
    except Exception as error:  # the user's own program failed: say what, never a traceback
        return fail(1, f"the program failed: {type(error).__name__}: {error}; nothing was written.")
    warnings = [w for plan in plans.values() for w in plan.warnings]
    if args.json:
        print(json_document("plan", **plan_json(stack, out, run, files, warnings)), end="")
        return 0
    if args.quiet:
        print(f"{len(run.registrations)} resources -> {out / 'plan.json'}; {len(warnings)} lint warnings")
        return 0
    print(f"Stack {stack}: {len(run.registrations)} resources, {len(run.invokes)} invokes.")
    print(plan_table(files))
    # Only the mocks' issuers are made up: a --program project may pass its cluster's real issuer.
    made_up = any(f"/id/{PLACEHOLDER}" in text for texts in files.values() for text in texts.values())
    issuer = f"the OIDC issuer id ({PLACEHOLDER}...) is made up. " if made_up else ""
    print(
        f"\nPlaceholders: ARNs use account {run.mocks.account_id} and partition {run.mocks.partition} from the "
        f"stack file;\n{issuer}Nothing was deployed: this is the "
        f"mock monitor's record.\nWrote {out / 'plan.json'} and {out / 'services'}/<service>/ "
        f"(trust policy, permissions, {ROLE_ARN_ANNOTATION} ServiceAccount)."
    )
    print(f"\nPermissions judgement (by reach, docs/permissions.md): every service passed; {len(warnings)} warnings.")
    for warning in warnings:
        print(f"  {warning}")
    print(risk_report(files))
    return 0


def plan_table(files: Mapping[str, Mapping[str, str]]) -> str:
    """One row per role: service, identity (``irsa``, ``pod-identity``, ``both``), the service accounts it
    admits as ``namespace/name`` (a subject pattern as written) and what it may do, within
    :data:`~eks_irsa.cli.output.TABLE_WIDTH` columns (what it may do is cut first, down to 40 characters, then
    the service accounts). Role names and the full values are in each ``service.json`` and in ``--json``."""
    rows = [("service", "identity", "service account", "may do")]
    for service, texts in files.items():
        summary = json.loads(texts["service.json"])
        subjects = [s.removeprefix("system:serviceaccount:").replace(":", "/", 1) for s in summary["subjects"]]
        rows.append((service, summary["identity"], ", ".join(subjects), may_do(texts)))
    return fit_table(rows, shrink=((3, 40), (2, 24)))


def plan_json(
    stack: str, out: Path, run: OfflineRun, files: Mapping[str, Mapping[str, str]], warnings: Sequence[str]
) -> dict[str, Any]:
    """The body of ``eks-irsa plan --json`` (``docs/cli.md``): the stack, where the files went, the resource
    count, the invokes, the lint warnings and per role what its ``service.json`` says, with ``mayDo`` and
    the names of its files."""
    services = []
    for name, texts in files.items():
        summary = json.loads(texts["service.json"])
        services.append(
            {
                "name": name,
                "identity": summary["identity"],
                "namespace": summary["namespace"],
                "serviceAccounts": summary["serviceAccounts"],
                "roleName": summary["roleName"],
                "roleArn": summary["roleArn"],
                "mayDo": may_do(texts),
                "riskCategories": sorted(summary.get("riskCategories", {})),
                "files": sorted(texts),
            }
        )
    return {
        "ok": True,
        "stack": stack,
        "buildDir": str(out),
        "resources": len(run.registrations),
        "invokes": list(run.invokes),
        "warnings": list(warnings),
        "services": services,
    }


def risk_report(files: Mapping[str, Mapping[str, str]]) -> str:
    """The risk categories of every service (by reach and access level over its statements and AWS managed
    policies: docs/permissions.md), each with the actions behind it and its justifications, from the
    services' ``service.json``."""
    lines: list[str] = []
    sources = set()
    for service, texts in files.items():
        summary = json.loads(texts["service.json"])
        if summary.get("managedPolicySource"):
            sources.add(summary["managedPolicySource"])
        for category, risk in summary.get("riskCategories", {}).items():
            actions = risk["actions"]
            shown = ", ".join(actions[:4]) + (f" and {len(actions) - 4} more" if len(actions) > 4 else "")
            lines.append(f"  {service}: {category} ({shown}) via {', '.join(risk['sources'])}")
            if risk.get("methods"):
                lines.append(f"      privilege escalation methods: {', '.join(risk['methods'])}")
            for where, why in risk["justifications"].items():
                lines.append(f"      justified, {where}: {why if len(why) <= 110 else why[:109] + '…'}")
    head = "\nRisk categories (by reach, docs/permissions.md"
    head += f"; {', '.join(sorted(sources))})" if sources else ")"
    return "\n".join([head + (":" if lines else ": none reached."), *lines])


if __name__ == "__main__":
    sys.exit(main())
